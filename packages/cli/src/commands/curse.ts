import type { Hex } from 'viem';
import { chainCurseSubject, curse, GLOBAL_CURSE_SUBJECT, RmnCurseError, uncurse } from '@openccip/sdk';
import { ANVIL_KEYS } from '@openccip/devnet';
import { flagAll, hasFlag, parseArgs } from '../args.js';
import { CliError, errorLine } from '../errors.js';
import { toJson } from '../format.js';
import { loadNetwork, networkFlags, networkHelp, resolveChain, writeClients, type CliChain, type Network } from '../network.js';
import { rmnRemoteOf } from './rmn.js';

type Action = 'curse' | 'uncurse';

const helpOf = (action: Action) => `ccip ${action}: ${action === 'curse' ? 'curse a chain (stop its lanes) on other chains' : "lift a chain's curse on other chains"} (RMNRemote owner)

Usage: ccip ${action} <chain|--global> [--on <chain,...>] [options]

  <chain>                       the subject: this chain's selector (its lanes on the other chains ${action === 'curse' ? 'stop' : 'resume'})
  --global                      the global subject (${action === 'curse' ? 'stops' : 'resumes'} every lane of the chains it is applied on)
  --on <chain,...>              apply only on these chains (default: every configured chain except the subject)
  --private-key <0x..>          the RMNRemote owner's key (default: OPENCCIP_PRIVATE_KEY; with a devnet, the deployer)
  --json                        print JSON
${networkHelp}`;

export const curseHelp = helpOf('curse');
export const uncurseHelp = helpOf('uncurse');

export const curseCommand = (argv: readonly string[], out: (line: string) => void) => run('curse', argv, out);
export const uncurseCommand = (argv: readonly string[], out: (line: string) => void) => run('uncurse', argv, out);

async function run(action: Action, argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(
    argv,
    { ...networkFlags, global: { type: 'boolean' }, on: { type: 'string', repeatable: true }, 'private-key': { type: 'string' }, json: { type: 'boolean' } },
    action,
  );
  if (hasFlag(args, 'help')) return out(helpOf(action)), 0;
  const net = loadNetwork(args);
  const global = hasFlag(args, 'global');
  if (args.positionals.length > 1) throw new CliError(`unexpected argument '${args.positionals[1]}' (see: ccip ${action} --help)`);
  if (global === (args.positionals.length === 1)) throw new CliError(`ccip ${action} needs a chain or --global (not both; see: ccip ${action} --help)`);
  const subjectChain = global ? undefined : resolveChain(net, args.positionals[0]!);
  const subject: Hex = subjectChain ? chainCurseSubject(subjectChain.selector) : GLOBAL_CURSE_SUBJECT;
  const label = subjectChain ? subjectChain.name : 'global';

  const on = flagAll(args, 'on').flatMap((v) => v.split(',')).filter(Boolean);
  const targets = on.length ? on.map((q) => resolveChain(net, q)) : net.chains.filter((c) => c.rpcUrl && c.selector !== subjectChain?.selector);
  if (!targets.length) throw new CliError(`no chain to ${action} ${label} on: pass --on <chain,...> (or --devnet with other chains)`);

  // One chain after the other, each tx awaited; a failure on one chain does not stop the others.
  const done: { chain: string; txHash: Hex; block: bigint }[] = [];
  const failed: string[] = [];
  for (const chain of targets) {
    try {
      const clients = await writeClients(chain, ownerKey(net, chain));
      const rmnRemote = await rmnRemoteOf(chain, clients.public);
      const r = await (action === 'curse' ? curse : uncurse)(clients.wallet, rmnRemote, [subject]);
      done.push({ chain: chain.name, txHash: r.txHash, block: r.blockNumber });
      if (!hasFlag(args, 'json')) out(`${action === 'curse' ? 'cursed' : 'uncursed'} ${label} on ${chain.name}: tx ${r.txHash} (block ${r.blockNumber})`);
    } catch (err) {
      failed.push(`on ${chain.name}: ${describeFailure(err, label)}`);
    }
  }
  if (hasFlag(args, 'json')) out(toJson({ action, subject, subjectChain: label, applied: done, failed }));
  if (failed.length) throw new CliError(`${action} ${label} failed ${failed.join('; ')}`);
  return 0;
}

/** --private-key / OPENCCIP_PRIVATE_KEY / keystore; on a devnet chain, the deployer (ANVIL_KEYS[0] owns the contracts). */
function ownerKey(net: Network, chain: CliChain): Hex {
  const key = net.privateKey ?? (chain.devnet ? ANVIL_KEYS[0] : undefined);
  if (!key) throw new CliError(`no key for the RMNRemote owner on ${chain.name}: pass --private-key, --keystore or set OPENCCIP_PRIVATE_KEY`);
  return key;
}

function describeFailure(err: unknown, label: string): string {
  if (!(err instanceof RmnCurseError)) return errorLine(err);
  const at = `(RMNRemote ${err.rmnRemote})`;
  if (err.code === 'already-cursed') return `${label} is already cursed ${at}`;
  if (err.code === 'not-cursed') return `${label} is not cursed ${at}`;
  return `${err.details.account} is not the owner${err.details.owner ? ` (the owner is ${err.details.owner})` : ''} ${at}`;
}
