import { isAddressEqual, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { feeQuoterAbi, setTokenRateLimit } from '@openccip/sdk';
import {
  ANVIL_KEYS,
  DEFAULT_TOKEN_FEE,
  deployCrossChainToken,
  devnetTokenEntry,
  NO_RATE_LIMIT,
  setTokenPrices,
  setTokenTransferFees,
  usdPerToken,
  writeDevnetToken,
  type PoolType,
  type RateLimit,
  type TokenFeeConfig,
  type TokenOnChain,
} from '@openccip/devnet';
import { flag, hasFlag, parseArgs, type ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';
import { toJson } from '../format.js';
import { loadNetwork, networkFlags, networkHelp, requireKey, resolveChain, type CliChain, type Network } from '../network.js';
import { parseAmount, tokenChainOf } from './tokenRef.js';

export const tokenDeployHelp = `ccip token deploy: deploy a token and its pools on several chains, register and wire them

Usage: ccip token deploy --name <name> --symbol <sym> --decimals <n|A=n,B=m> --type burn-mint|lock-release --chains A,B[,C...]

  --decimals 18 | A=18,B=6      token decimals, one for all chains or per chain
  --supply <amount>             minted to the deployer on each chain (default 1000000; 0 for none)
  --liquidity <amount>          lock-release: liquidity each pool gets from the deployer (default 100000)
  --outbound-capacity <amount> --outbound-rate <amount/s>   outbound rate limit on every lane (default off)
  --inbound-capacity <amount> --inbound-rate <amount/s>     inbound rate limit on every lane (default off)
  --fee-deci-bps <n>            FeeQuoter transfer fee, 1 = 0.001% of the value (default ${DEFAULT_TOKEN_FEE.deciBps})
  --fee-min-cents <n> --fee-max-cents <n>   USD cents bounds of the fee (default ${DEFAULT_TOKEN_FEE.minFeeUSDCents} and ${DEFAULT_TOKEN_FEE.maxFeeUSDCents})
  --fee-dest-gas <n> --fee-dest-bytes <n>   destination pool gas and data bytes paid for (default ${DEFAULT_TOKEN_FEE.destGasOverhead}, ${DEFAULT_TOKEN_FEE.destBytesOverhead})
  --price-usd <usd>             USD per whole token seeded in the FeeQuoters (default 1)
  --no-fee-config               leave the FeeQuoters alone (transfers pay the lane's default token fee)
  --fee-admin-key <0x..>        FeeQuoter owner key for the fee config and price (default: the devnet deployer,
                                else the signer; skipped with a warning when neither owns the FeeQuoter)
  --private-key <0x..>          deployer: owns the token and pools, is the token admin and rebalancer
  --json                        print the deployment as JSON
Amounts are whole tokens in each chain's decimals (1.5), or smallest units with a wei suffix (1500000wei).
With a devnet.json, the token is added to its tokens so other commands take the symbol.
${networkHelp}`;

export async function tokenDeployCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(
    argv,
    {
      ...networkFlags,
      name: { type: 'string' },
      symbol: { type: 'string' },
      decimals: { type: 'string' },
      type: { type: 'string' },
      chains: { type: 'string' },
      supply: { type: 'string' },
      liquidity: { type: 'string' },
      'outbound-capacity': { type: 'string' },
      'outbound-rate': { type: 'string' },
      'inbound-capacity': { type: 'string' },
      'inbound-rate': { type: 'string' },
      'fee-deci-bps': { type: 'string' },
      'fee-min-cents': { type: 'string' },
      'fee-max-cents': { type: 'string' },
      'fee-dest-gas': { type: 'string' },
      'fee-dest-bytes': { type: 'string' },
      'price-usd': { type: 'string' },
      'no-fee-config': { type: 'boolean' },
      'fee-admin-key': { type: 'string' },
      'private-key': { type: 'string' },
      json: { type: 'boolean' },
    },
    'token deploy',
  );
  if (hasFlag(args, 'help')) return out(tokenDeployHelp), 0;
  if (args.positionals.length) throw new CliError(`unexpected argument '${args.positionals[0]}' (see: ccip token deploy --help)`);
  const need = (name: string) => {
    const v = flag(args, name);
    if (!v) throw new CliError(`ccip token deploy needs --${name} (see: ccip token deploy --help)`);
    return v;
  };
  const net = loadNetwork(args);
  const name = need('name');
  const symbol = need('symbol');
  const type = need('type');
  if (type !== 'burn-mint' && type !== 'lock-release') throw new CliError(`--type must be burn-mint or lock-release, got '${type}'`);
  const chains = need('chains').split(',').map((c) => resolveChain(net, c.trim()));
  if (chains.length < 2) throw new CliError('--chains needs at least two chains (comma separated)');
  if (new Set(chains.map((c) => c.selector)).size !== chains.length) throw new CliError('--chains lists a chain twice');
  if (net.tokens?.[symbol]) throw new CliError(`devnet.json already has a token '${symbol}': choose another --symbol`);
  const decimals = parseDecimals(net, need('decimals'), chains);
  const json = hasFlag(args, 'json');
  const log = json ? () => {} : out;

  const key = requireKey(net, chains[0]!);
  const tokenChains = chains.map((c) => tokenChainOf(c, requireKey(net, c)));
  const amount = (what: string, fallback: string) => (t: TokenOnChain) => parseAmount(`--${what}`, flag(args, what) ?? fallback, t.decimals);
  const limit = (dir: 'outbound' | 'inbound') => rateLimitFlags(args, dir);
  const outbound = limit('outbound');
  const inbound = limit('inbound');
  const fee = hasFlag(args, 'no-fee-config') ? undefined : feeFlags(args);
  const priceUsd = flag(args, 'price-usd') ?? '1';
  if (!/^\d+(\.\d+)?$/.test(priceUsd)) throw new CliError(`--price-usd must be a decimal USD amount, got '${priceUsd}'`);
  // Rate limits are given in whole tokens: each chain's pool gets them in its own decimals.
  const perChainLimit = (l: ReturnType<typeof limit>, dec: number): RateLimit =>
    l ? { isEnabled: true, capacity: parseAmount(l.what + '-capacity', l.capacity, dec), rate: parseAmount(l.what + '-rate', l.rate, dec) } : NO_RATE_LIMIT;
  for (const c of chains) {
    for (const l of [outbound, inbound]) {
      const r = perChainLimit(l, decimals.get(c.selector)!);
      if (r.isEnabled && !(r.rate > 0n && r.rate < r.capacity)) {
        throw new CliError(`invalid --${l!.what} rate limit on ${c.name}: need 0 < rate < capacity, got rate ${r.rate}, capacity ${r.capacity} (smallest units)`);
      }
    }
  }

  log(`deploying ${symbol} (${type}) from ${privateKeyToAddress(key)} on ${chains.map((c) => c.name).join(', ')}`);
  // Pools are wired without limits; limits follow per chain, as their smallest units differ with decimals.
  const tokens = await deployCrossChainToken(tokenChains, {
    name,
    symbol,
    type: type as PoolType,
    decimals,
    initialSupply: amount('supply', '1000000'),
    liquidity: amount('liquidity', '100000'),
    log,
  });
  if (outbound || inbound) {
    for (const [i, t] of tokens.entries()) {
      const c = tokenChains[i]!.clients;
      for (const remote of tokens) {
        if (remote === t) continue;
        await setTokenRateLimit(
          { public: c.public, wallet: c.wallet },
          { pool: t.pool, remoteChainSelector: remote.chainSelector, outbound: perChainLimit(outbound, t.decimals), inbound: perChainLimit(inbound, t.decimals) },
        );
      }
      log(`${symbol} on ${chains[i]!.name}: rate limits set${outbound ? `, outbound ${outbound.capacity} (+${outbound.rate}/s)` : ''}${inbound ? `, inbound ${inbound.capacity} (+${inbound.rate}/s)` : ''}`);
    }
  }

  const feeSet: boolean[] = [];
  for (const [i, t] of tokens.entries()) {
    const chain = chains[i]!;
    if (!fee) {
      feeSet.push(false);
      continue;
    }
    const admin = await feeAdminKey(net, args, chain, tokenChains[i]!.clients.public);
    if (!admin.key) {
      log(`${symbol} on ${chain.name}: fee config skipped: the FeeQuoter owner is ${admin.owner} (pass --fee-admin-key); transfers pay the lane's default token fee`);
      feeSet.push(false);
      continue;
    }
    const d = tokenChainOf(chain, admin.key);
    await setTokenPrices(d, [{ token: t.token, usdPerToken: usdPerToken(priceUsd, t.decimals) }]);
    await setTokenTransferFees(d, [t.token], tokens.filter((r) => r !== t).map((r) => r.chainSelector), fee);
    log(`${symbol} on ${chain.name}: FeeQuoter price $${priceUsd} and transfer fee ${fee.deciBps} deciBps (min ${fee.minFeeUSDCents}¢, max ${fee.maxFeeUSDCents}¢) set`);
    feeSet.push(true);
  }

  if (net.devnetPath) {
    writeDevnetToken(net.devnetPath, symbol, devnetTokenEntry(tokens));
    log(`added ${symbol} to ${net.devnetPath}`);
  }
  const summary = tokens.map((t, i) => ({
    chain: chains[i]!.name,
    chainSelector: t.chainSelector,
    token: t.token,
    pool: t.pool,
    type: t.type,
    decimals: t.decimals,
    feeConfig: feeSet[i],
  }));
  if (json) out(toJson({ symbol, name, type, chains: summary }));
  else {
    out(`${symbol} deployed:`);
    for (const s of summary) {
      out(`  ${s.chain.padEnd(14)} token ${s.token}  pool ${s.pool}  ${s.decimals} decimals${s.feeConfig ? '' : '  (default token fee)'}`);
    }
    const supply = flag(args, 'supply') ?? '1000000';
    if (supply !== '0') out(`  minted ${supply} ${symbol} to ${privateKeyToAddress(key)} on each chain${type === 'lock-release' ? `, ${flag(args, 'liquidity') ?? '100000'} in each pool` : ''}`);
  }
  return 0;
}

function parseDecimals(net: Network, v: string, chains: readonly CliChain[]): Map<bigint, number> {
  const dec = (s: string) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n > 36) throw new CliError(`--decimals: '${s}' is not a number of decimals (0..36)`);
    return n;
  };
  if (!v.includes('=')) return new Map(chains.map((c) => [c.selector, dec(v)]));
  const m = new Map<bigint, number>();
  for (const part of v.split(',')) {
    const [c, d] = part.split('=');
    if (!c || d === undefined) throw new CliError(`--decimals takes 18 or <chain>=<n>,..., got '${v}'`);
    m.set(resolveChain(net, c.trim()).selector, dec(d.trim()));
  }
  const missing = chains.filter((c) => !m.has(c.selector));
  if (missing.length) throw new CliError(`--decimals gives none for ${missing.map((c) => c.name).join(', ')}`);
  return m;
}

function rateLimitFlags(args: ParsedArgs, dir: 'outbound' | 'inbound') {
  const capacity = flag(args, `${dir}-capacity`);
  const rate = flag(args, `${dir}-rate`);
  if (capacity === undefined && rate === undefined) return undefined;
  if (capacity === undefined || rate === undefined) throw new CliError(`--${dir}-capacity and --${dir}-rate go together`);
  return { what: dir, capacity, rate };
}

function feeFlags(args: ParsedArgs): TokenFeeConfig {
  const int = (name: string, fallback: number, max: number) => {
    const v = flag(args, name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) > max) throw new CliError(`--${name} must be an integer 0..${max}, got '${v}'`);
    return Number(v);
  };
  const fee: TokenFeeConfig = {
    deciBps: int('fee-deci-bps', DEFAULT_TOKEN_FEE.deciBps, 65_535),
    minFeeUSDCents: int('fee-min-cents', DEFAULT_TOKEN_FEE.minFeeUSDCents, 2 ** 32 - 1),
    maxFeeUSDCents: int('fee-max-cents', DEFAULT_TOKEN_FEE.maxFeeUSDCents, 2 ** 32 - 1),
    destGasOverhead: int('fee-dest-gas', DEFAULT_TOKEN_FEE.destGasOverhead, 2 ** 32 - 1),
    destBytesOverhead: int('fee-dest-bytes', DEFAULT_TOKEN_FEE.destBytesOverhead, 2 ** 32 - 1),
  };
  if (fee.minFeeUSDCents >= fee.maxFeeUSDCents) throw new CliError(`--fee-min-cents (${fee.minFeeUSDCents}) must be below --fee-max-cents (${fee.maxFeeUSDCents})`);
  if (fee.destBytesOverhead < 32) throw new CliError(`--fee-dest-bytes must be at least 32, got ${fee.destBytesOverhead}`);
  return fee;
}

/** The key that owns the chain's FeeQuoter: --fee-admin-key, the devnet deployer (anvil account 0), or the signer. */
async function feeAdminKey(
  net: Network,
  args: ParsedArgs,
  chain: CliChain,
  reader: ReturnType<typeof tokenChainOf>['clients']['public'],
): Promise<{ key?: Hex; owner: string }> {
  const feeQuoter = chain.devnet!.contracts.feeQuoter;
  const owner = await reader.readContract({ address: feeQuoter, abi: feeQuoterAbi, functionName: 'owner' });
  const given = flag(args, 'fee-admin-key');
  if (given !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(given)) throw new CliError('--fee-admin-key must be 0x followed by 64 hex digits');
  const candidates = [given as Hex | undefined, ANVIL_KEYS[0], requireKey(net, chain)].filter((k): k is Hex => k !== undefined);
  const key = candidates.find((k) => isAddressEqual(privateKeyToAddress(k), owner));
  return { key, owner };
}
