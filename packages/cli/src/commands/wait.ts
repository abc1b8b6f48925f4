import { waitForExecution, type MessageStatus, type ReadClient, type SentMessage } from '@openccip/sdk';
import { flag, parseBigIntArg, type FlagSpecs, type ParsedArgs } from '../args.js';
import { committedLine, executionLine, sentLine, toJson } from '../format.js';
import { readClient, requireRouter, type CliChain, type Network } from '../network.js';

export const waitFlags: FlagSpecs = { timeout: { type: 'string' }, poll: { type: 'string' } };
export const waitHelp = `  --timeout <seconds>           with --wait: give up after this long (default 600)
  --poll <ms>                   with --wait: how often to look (default 1000)`;

/**
 * Follows a message until it executes or fails, printing each stage (JSON lines with --json). Exit code 0 when
 * executed, 1 when failed (the receiver reverted: see ccip manual-exec).
 */
export async function waitAndReport(
  net: Network,
  args: ParsedArgs,
  p: { source: CliChain; sourceClient: ReadClient; dest: CliChain; sent?: SentMessage; json: boolean; out: (line: string) => void },
): Promise<number> {
  void net;
  const timeout = flag(args, 'timeout');
  const poll = flag(args, 'poll');
  const destClient = await readClient(p.dest);
  // Stages can pass between two polls (commit and execution in quick succession): print every stage reached, once.
  let printed = { sent: false, committed: false, executions: 0 };
  const report = (s: MessageStatus) => {
    if (p.json) return p.out(JSON.stringify(JSON.parse(toJson(s))));
    if (!printed.sent) p.out(sentLine(s));
    if (s.committed && !printed.committed) p.out(committedLine(s));
    for (const e of s.executions.slice(printed.executions)) p.out(executionLine(e));
    printed = { sent: true, committed: printed.committed || !!s.committed, executions: s.executions.length };
  };
  const final = await waitForExecution(p.sourceClient, destClient, {
    sent: p.sent,
    messageId: p.sent?.message.header.messageId,
    destRouter: requireRouter(p.dest),
    timeoutMs: timeout !== undefined ? Number(parseBigIntArg('timeout', timeout)) * 1000 : 600_000,
    pollMs: poll !== undefined ? Number(parseBigIntArg('poll', poll)) : 1_000,
    onProgress: report,
  });
  if (!p.json) p.out(`state: ${final.state}`);
  return final.state === 'executed' ? 0 : 1;
}
