import { isHex } from 'viem';
import { manualExecute } from '@openccip/sdk';
import { flag, hasFlag, parseArgs, parseBigIntArg } from '../args.js';
import { CliError } from '../errors.js';
import { executionStateName, toJson } from '../format.js';
import { locateMessages } from '../locate.js';
import { loadNetwork, networkFlags, networkHelp, requireKey, requireRouter, resolveChain, writeClients } from '../network.js';

export const manualExecHelp = `ccip manual-exec: execute a committed message by hand (after a FAILURE, or once the permissionless
threshold has passed), proving it against its committed root

Usage: ccip manual-exec <messageId> [--gas-limit <n>] [--from <chain>]

  --gas-limit <n>          receiver gas limit for this execution (may raise, never lower, the message's)
  --from <chain>           the source chain (default: search every chain with an RPC)
  --private-key <0x..>     signing key on the destination (default: OPENCCIP_PRIVATE_KEY, else the devnet's first account)
  --json                   print JSON
${networkHelp}`;

export async function manualExecCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(
    argv,
    { ...networkFlags, from: { type: 'string' }, 'gas-limit': { type: 'string' }, 'private-key': { type: 'string' }, json: { type: 'boolean' } },
    'manual-exec',
  );
  if (hasFlag(args, 'help')) return out(manualExecHelp), 0;
  const [messageId, extra] = args.positionals;
  if (!messageId || extra !== undefined) throw new CliError('ccip manual-exec takes one message id (see: ccip manual-exec --help)');
  if (!isHex(messageId, { strict: true }) || messageId.length !== 66) throw new CliError(`'${messageId}' is not a 32-byte 0x-hex message id`);
  const gasLimitFlag = flag(args, 'gas-limit');
  const gasLimit = gasLimitFlag !== undefined ? parseBigIntArg('gas-limit', gasLimitFlag) : undefined;

  const net = loadNetwork(args);
  const fromFlag = flag(args, 'from');
  const [m] = await locateMessages(net, messageId, { from: fromFlag ? resolveChain(net, fromFlag) : undefined, messageIdOnly: true });
  const dest = await writeClients(m!.dest, requireKey(net, m!.dest));
  const res = await manualExecute(dest, { source: m!.sourceClient, sent: m!.sent, destRouter: requireRouter(m!.dest), gasLimit });
  const state = executionStateName(res.execution.state);
  if (hasFlag(args, 'json')) out(toJson({ txHash: res.txHash, state, execution: res.execution }));
  else {
    out(`tx: ${res.txHash}`);
    out(`state: ${state} (gas used ${res.execution.gasUsed})`);
  }
  return res.execution.state === 2 ? 0 : 1;
}
