import { waitForExecution, type MessageStatus, type ReadClient, type SentMessage } from '@openccip/sdk';
import { flag, parseBigIntArg, type FlagSpecs, type ParsedArgs } from '../args.js';
import { stageLine, toJson } from '../format.js';
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
  const report = (s: MessageStatus) => p.out(p.json ? JSON.stringify(JSON.parse(toJson(s))) : stageLine(s));
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
