import { MessageNotFoundError, WaitTimeoutError } from './errors.js';
import { getMessageStatus, resolveOffRamp, resolveSentMessage, type GetMessageStatusParameters } from './getMessageStatus.js';
import type { MessageStatus, ReadClient, SentMessage } from './types.js';

export interface WaitForExecutionParameters extends GetMessageStatusParameters {
  /** give up after this long (default 10 minutes) */
  timeoutMs?: number;
  /** how often to look (default 2 s) */
  pollMs?: number;
  /** called with the first status and again whenever the state or the number of executions changes */
  onProgress?: (status: MessageStatus) => void;
  /** `'failed'` (default) returns on a FAILURE execution; `'executed'` keeps waiting for a successful (manual) retry */
  until?: 'failed' | 'executed';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls the message's status until it is executed (or failed), reporting each change. The message may not be
 * mined yet when called: not-found keeps polling until the timeout.
 */
export async function waitForExecution(source: ReadClient, dest: ReadClient, p: WaitForExecutionParameters): Promise<MessageStatus> {
  const timeoutMs = p.timeoutMs ?? 600_000;
  const pollMs = p.pollMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  let sent: SentMessage | undefined = p.sent;
  let destOffRamp = p.destOffRamp;
  let last: MessageStatus | undefined;

  for (;;) {
    try {
      sent ??= await resolveSentMessage(source, p);
      // Resolve the OffRamp once; later polls only read commit and execution events.
      destOffRamp ??= await resolveOffRamp(dest, p, sent);
      const status = await getMessageStatus(source, dest, { ...p, sent, destOffRamp });
      if (!last || last.state !== status.state || last.executions.length !== status.executions.length) p.onProgress?.(status);
      last = status;
      if (status.state === 'executed' || (status.state === 'failed' && (p.until ?? 'failed') === 'failed')) return status;
    } catch (err) {
      if (!(err instanceof MessageNotFoundError)) throw err;
    }
    if (Date.now() + pollMs > deadline) {
      throw new WaitTimeoutError(timeoutMs, last && { state: last.state, messageId: last.messageId });
    }
    await sleep(pollMs);
  }
}
