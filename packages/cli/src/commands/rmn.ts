import type { Address, Hex } from 'viem';
import { readContract } from 'viem/actions';
import { getRmnStatus, GLOBAL_CURSE_SUBJECT, RMN_API_PATHS, routerAbi, type ReadClient, type RmnStatus } from '@openccip/sdk';
import { readDevnetFile } from '@openccip/devnet';
import { hasFlag, parseArgs } from '../args.js';
import { CliError, errorLine } from '../errors.js';
import { toJson } from '../format.js';
import { chainBySelector, loadNetwork, networkFlags, networkHelp, readClient, type CliChain, type Network } from '../network.js';

export const rmnHelp = `ccip rmn status: the Risk Management Network as each chain's RMNRemote sees it

Usage: ccip rmn status [--json] [network options]

For every chain with an RPC: the RMN signers and fSign, the heartbeat (age, timeout, expired = the chain counts as
globally cursed), and the cursed subjects by chain name ("global" for the global subject). With a devnet.json
that lists rmnNodes, also whether each RMN node answers GET <url>${RMN_API_PATHS.status}.
The RMNRemote is the devnet's, or else the one the chain's Router (--router) uses.

  --json                        print JSON
${networkHelp}`;

/** The RMNRemote of a chain: devnet.json's, else the Router's (getArmProxy). */
export async function rmnRemoteOf(chain: CliChain, client: ReadClient): Promise<Address> {
  if (chain.devnet) return chain.devnet.contracts.rmnRemote;
  if (!chain.router) throw new CliError(`no RMNRemote for chain ${chain.name}: pass --router ${chain.name}=<address> (or --devnet)`);
  return readContract(client, { address: chain.router, abi: routerAbi, functionName: 'getArmProxy' });
}

/** A curse subject by name: "global", the chain it stands for, or the raw subject. */
export function subjectLabel(net: Network, subject: Hex): string {
  if (subject.toLowerCase() === GLOBAL_CURSE_SUBJECT) return 'global';
  const selector = BigInt(subject);
  const chain = selector < 1n << 64n ? chainBySelector(net, selector) : undefined;
  return chain ? chain.name : selector < 1n << 64n ? `selector ${selector}` : subject;
}

interface ChainReport {
  chain: string;
  chainSelector: bigint;
  chainId: number;
  status?: RmnStatus;
  cursed?: string[];
  error?: string;
}

interface NodeReport {
  name: string;
  signer: Address;
  url?: string;
  reachable: boolean;
  status?: unknown;
  error?: string;
}

export async function rmnCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { ...networkFlags, json: { type: 'boolean' } }, 'rmn');
  const [sub, ...rest] = args.positionals;
  if (hasFlag(args, 'help') || !sub) return out(rmnHelp), hasFlag(args, 'help') ? 0 : 1;
  if (sub !== 'status') throw new CliError(`unknown subcommand 'rmn ${sub}'; try: ccip rmn status`);
  if (rest.length) throw new CliError(`unexpected argument '${rest[0]}' (see: ccip rmn --help)`);
  const net = loadNetwork(args);
  const chains = net.chains.filter((c) => c.rpcUrl);
  if (!chains.length) throw new CliError('no chains: pass --devnet or --rpc <chain>=<url> (see: ccip rmn --help)');

  const [reports, nodes] = await Promise.all([Promise.all(chains.map((c) => chainReport(net, c))), nodeReports(net)]);
  if (hasFlag(args, 'json')) {
    out(toJson({ chains: reports.map(({ status, ...r }) => ({ ...r, ...status })), rmnNodes: nodes }));
  } else {
    for (const r of reports) printChain(r, out);
    if (nodes.length) out('rmn nodes:');
    for (const n of nodes) {
      out(`  ${n.name} ${n.signer} ${n.url ?? '(no url)'}: ${n.reachable ? 'up' : `unreachable (${n.error})`}`);
    }
  }
  return reports.some((r) => r.error) ? 1 : 0;
}

async function chainReport(net: Network, chain: CliChain): Promise<ChainReport> {
  const base = { chain: chain.name, chainSelector: chain.selector, chainId: chain.chainId };
  try {
    const client = await readClient(chain);
    const status = await getRmnStatus(client, await rmnRemoteOf(chain, client));
    return { ...base, status, cursed: status.cursedSubjects.map((s) => subjectLabel(net, s)) };
  } catch (err) {
    return { ...base, error: errorLine(err) };
  }
}

function printChain(r: ChainReport, out: (line: string) => void): void {
  out(`${r.chain} (selector ${r.chainSelector}, chain id ${r.chainId})`);
  const s = r.status;
  if (!s) return out(`  error:      ${r.error}`);
  out(`  rmnRemote:  ${s.rmnRemote}`);
  out(
    s.version === 0
      ? '  signers:    none (not configured: no blessing, vote or heartbeat can pass)'
      : `  signers:    ${s.signers.length}, fSign ${s.fSign} (config v${s.version}, digest ${s.configDigest}): ${s.signers.map((x) => x.onchainPublicKey).join(', ')}`,
  );
  const h = s.heartbeat;
  out(
    h.timeout === 0
      ? `  heartbeat:  off${h.last ? ` (last ${h.ageSeconds} s ago)` : ''}`
      : `  heartbeat:  ${h.expired ? 'EXPIRED: the chain counts as globally cursed' : 'ok'}, last ${h.ageSeconds} s ago, timeout ${h.timeout} s`,
  );
  out(`  cursed:     ${r.cursed!.length ? r.cursed!.join(', ') : 'none'} (curse generation ${s.curseGeneration})`);
}

/** devnet.json's RMN nodes, each asked GET /v1/status with a short timeout. */
async function nodeReports(net: Network): Promise<NodeReport[]> {
  if (!net.devnetPath) return [];
  const nodes = readDevnetFile(net.devnetPath).rmnNodes ?? [];
  return Promise.all(
    nodes.map(async (n): Promise<NodeReport> => {
      const base = { name: n.name, signer: n.signer, url: n.url };
      if (!n.url) return { ...base, reachable: false, error: 'no url in devnet.json' };
      try {
        const res = await fetch(new URL(RMN_API_PATHS.status, n.url), { signal: AbortSignal.timeout(2_000) });
        if (!res.ok) return { ...base, reachable: false, error: `HTTP ${res.status}` };
        const text = await res.text();
        let status: unknown = text;
        try {
          status = JSON.parse(text);
        } catch {
          // informative only: keep the text
        }
        return { ...base, reachable: true, status };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        return { ...base, reachable: false, error: cause === 'TimeoutError' ? 'timed out' : cause };
      }
    }),
  );
}
