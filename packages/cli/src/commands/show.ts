import { isHex } from 'viem';
import { getMessageStatus } from '@openccip/sdk';
import { flag, hasFlag, parseArgs } from '../args.js';
import { CliError } from '../errors.js';
import { formatStatus, toJson } from '../format.js';
import { locateMessages } from '../locate.js';
import { loadNetwork, networkFlags, networkHelp, readClient, requireRouter, resolveChain } from '../network.js';
import { waitAndReport, waitFlags, waitHelp } from './wait.js';

export const showHelp = `ccip show: a message's lifecycle (sent → committed → executed / failed)

Usage: ccip show <messageId|txHash> [--from <chain>] [--wait] [--json]

  <messageId|txHash>   a message id, or a transaction that sent CCIP messages (each is shown)
  --from <chain>       the source chain (default: search every chain with an RPC)
  --wait               follow the message until it is executed (or fails), printing each stage
  --json               print JSON (one object per message; with --wait one line per stage)
${waitHelp}
${networkHelp}`;

export async function showCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { ...networkFlags, ...waitFlags, from: { type: 'string' }, wait: { type: 'boolean' }, json: { type: 'boolean' } }, 'show');
  if (hasFlag(args, 'help')) return out(showHelp), 0;
  const [hash, extra] = args.positionals;
  if (!hash || extra !== undefined) throw new CliError('ccip show takes one message id or transaction hash (see: ccip show --help)');
  if (!isHex(hash, { strict: true }) || hash.length !== 66) throw new CliError(`'${hash}' is not a 32-byte 0x-hex message id or transaction hash`);
  const net = loadNetwork(args);
  const fromFlag = flag(args, 'from');
  const found = await locateMessages(net, hash, { from: fromFlag ? resolveChain(net, fromFlag) : undefined });
  const json = hasFlag(args, 'json');

  let code = 0;
  for (const m of found) {
    if (hasFlag(args, 'wait')) {
      if (!json) out(`message ${m.sent.message.header.messageId}`);
      code = Math.max(code, await waitAndReport(net, args, { source: m.source, sourceClient: m.sourceClient, dest: m.dest, sent: m.sent, json, out }));
      continue;
    }
    const status = await getMessageStatus(m.sourceClient, await readClient(m.dest), { sent: m.sent, destRouter: requireRouter(m.dest) });
    out(json ? toJson(status) : formatStatus(net, status));
  }
  return code;
}
