import { formatUnits } from 'viem';
import { getTokenInfo, type RateLimiterState, type TokenInfo } from '@openccip/sdk';
import { hasFlag, flag, parseArgs } from '../args.js';
import { CliError } from '../errors.js';
import { chainLabel, toJson } from '../format.js';
import { loadNetwork, networkFlags, networkHelp, readClient, resolveChain, type Network } from '../network.js';
import { poolOf, tokenChains, tokenOn, type TokenOnCliChain } from './tokenRef.js';

export const tokenInfoHelp = `ccip token info: a token's pools, remote chains, rate limits (with current levels), liquidity and fees

Usage: ccip token info <address|symbol> [--chain <chain>] [--json]

  <address|symbol>   a token address, or a symbol from devnet.json (e.g. BnM, LnR)
  --chain <chain>    only this chain (default: every chain the token is on)
  --json             print JSON (amounts in smallest units)
${networkHelp}`;

export async function tokenInfoCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(argv, { ...networkFlags, chain: { type: 'string' }, json: { type: 'boolean' } }, 'token info');
  if (hasFlag(args, 'help')) return out(tokenInfoHelp), 0;
  const [ref, extra] = args.positionals;
  if (!ref) throw new CliError('ccip token info needs a token address or symbol (see: ccip token info --help)');
  if (extra) throw new CliError(`unexpected argument '${extra}'`);
  const net = loadNetwork(args);
  const chainFlag = flag(args, 'chain');
  const targets = chainFlag ? [tokenOn(net, ref, resolveChain(net, chainFlag))] : tokenChains(net, ref);
  if (targets.length === 0) throw new CliError(`token ${ref}: no configured chain to look on (pass --devnet or --chain)`);

  const infos: { chain: string; chainSelector: bigint; info?: TokenInfo; error?: string }[] = [];
  for (const t of targets) infos.push({ chain: t.chain.name, chainSelector: t.chain.selector, ...(await infoOn(t)) });
  if (infos.every((i) => !i.info)) throw new CliError(`token ${ref}: ${infos.map((i) => `${i.chain}: ${i.error}`).join('; ')}`);
  if (hasFlag(args, 'json')) out(toJson(infos));
  else for (const i of infos) out(i.info ? formatInfo(net, i.chain, i.chainSelector, i.info) : `${i.chain}: ${i.error}`);
  return 0;
}

async function infoOn(t: TokenOnCliChain): Promise<{ info?: TokenInfo; error?: string }> {
  const client = await readClient(t.chain);
  const pool = await poolOf(client, t);
  if (!pool) return { error: `token ${t.token} has no pool in the TokenAdminRegistry` };
  const code = await client.request({ method: 'eth_getCode', params: [t.token, 'latest'] });
  if (code === '0x') return { error: `no contract at ${t.token}` };
  return { info: await getTokenInfo(client, { token: t.token, pool, feeQuoter: t.chain.devnet?.contracts.feeQuoter }) };
}

function formatInfo(net: Network, chain: string, selector: bigint, i: TokenInfo): string {
  const amt = (v: bigint) => `${formatUnits(v, i.decimals)}`;
  const bucket = (b: RateLimiterState) =>
    b.isEnabled ? `${amt(b.tokens)} of ${amt(b.capacity)} available, refills ${amt(b.rate)}/s` : 'off';
  const lines = [
    `${i.symbol} on ${chain} (selector ${selector})`,
    `  token:      ${i.token}  "${i.name}", ${i.decimals} decimals, total supply ${amt(i.totalSupply)}`,
    `  pool:       ${i.pool}  ${i.poolType} (${i.typeAndVersion}), owner ${i.poolOwner}`,
  ];
  if (!/^0x0{40}$/.test(i.rateLimitAdmin)) lines.push(`  rate admin: ${i.rateLimitAdmin}`);
  if (i.liquidity !== undefined) lines.push(`  liquidity:  ${amt(i.liquidity)} (rebalancer ${i.rebalancer})`);
  if (i.remotes.length === 0) lines.push('  remotes:    none (the pool is not wired to any chain)');
  for (const r of i.remotes) {
    const f = r.transferFee;
    lines.push(
      `  → ${chainLabel(net, r.chainSelector)}`,
      `      remote token ${r.remoteToken}, pool${r.remotePools.length > 1 ? 's' : ''} ${r.remotePools.join(', ')}`,
      `      outbound:  ${bucket(r.outbound)}`,
      `      inbound:   ${bucket(r.inbound)}`,
      `      fee:       ${
        !f ? 'unknown (no FeeQuoter)' : f.isEnabled
          ? `${f.deciBps} deciBps (${(f.deciBps / 1000).toFixed(3)}%), min $${(f.minFeeUSDCents / 100).toFixed(2)}, max $${(f.maxFeeUSDCents / 100).toFixed(2)}, dest gas ${f.destGasOverhead}, dest bytes ${f.destBytesOverhead}`
          : "the lane's default token fee"
      }`,
    );
  }
  return lines.join('\n');
}
