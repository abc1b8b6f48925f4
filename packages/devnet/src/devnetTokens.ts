import { parseEther, parseUnits, type Address } from 'viem';
import { deployAggregateRateLimiter, type ChainDeployment } from './deploy.js';
import type { DevnetFile } from './devnetFile.js';
import { DEFAULT_TOKEN_FEE, deployCrossChainToken, mintTokens, perSender, type TokenChain, type TokenOnChain } from './tokens.js';

/** The devnet's test tokens: burn/mint "BnM" (18 decimals) and lock/release "LnR" (6 decimals on the second chain). */
export interface DevnetTokens {
  BnM: TokenOnChain[];
  LnR: TokenOnChain[];
}

/** USD per whole token of the test tokens: the FeeQuoters are seeded with it and the DON nodes price with it. */
export const DEVNET_TOKEN_USD = { BnM: '1', LnR: '1' } as const;
/** Whole tokens each funded test account gets, per chain and token. */
export const DEVNET_TOKEN_FUNDING = '1000';
/** Whole tokens of liquidity in each LnR pool. */
export const DEVNET_TOKEN_LIQUIDITY = '1000000';
/** USD aggregate limit of every lane, each direction: a bucket of $1,000,000 refilling at $10,000 a second. */
export const DEVNET_AGGREGATE_LIMIT = { capacity: parseEther('1000000'), rate: parseEther('10000') } as const;

/**
 * Deploys BnM and LnR on every chain (the deployer owns them), wires every lane, registers them, sets the
 * FeeQuoter prices and transfer fee configs, funds `accounts` and gives every LnR pool liquidity.
 */
export async function deployDevnetTokens(
  chains: readonly TokenChain[],
  accounts: readonly Address[],
  log: (line: string) => void = () => {},
): Promise<DevnetTokens> {
  const common = { log, liquidity: (t: TokenOnChain) => parseUnits(DEVNET_TOKEN_LIQUIDITY, t.decimals) };
  // One token at a time: both use each chain's deployer account (parallel sends would clash on nonces).
  const BnM = await deployCrossChainToken(chains, {
    ...common,
    name: 'CCIP burn/mint test token',
    symbol: 'BnM',
    type: 'burn-mint',
    decimals: 18,
    fee: { config: DEFAULT_TOKEN_FEE, usd: DEVNET_TOKEN_USD.BnM },
  });
  const LnR = await deployCrossChainToken(chains, {
    ...common,
    name: 'CCIP lock/release test token',
    symbol: 'LnR',
    type: 'lock-release',
    // 6 on the second chain: transfers to and from it convert decimals.
    decimals: new Map(chains.map((c, i) => [c.chainSelector, i === 1 ? 6 : 18])),
    fee: { config: DEFAULT_TOKEN_FEE, usd: DEVNET_TOKEN_USD.LnR },
  });
  await perSender(chains, async (d, i) => {
    for (const t of [BnM[i]!, LnR[i]!]) {
      for (const a of accounts) await mintTokens(d, t, a, parseUnits(DEVNET_TOKEN_FUNDING, t.decimals));
    }
  });
  log(`funded ${accounts.length} test accounts with ${DEVNET_TOKEN_FUNDING} BnM and LnR on each chain`);
  return { BnM, LnR };
}

/**
 * A MultiAggregateRateLimiter on every chain, as both ramps' message interceptor: each lane, each direction, gets
 * DEVNET_AGGREGATE_LIMIT in USD over the test tokens. Returns the limiter address per chain.
 */
export async function deployDevnetAggregateLimits(
  chains: readonly ChainDeployment[],
  tokens: DevnetTokens,
  log: (line: string) => void = () => {},
): Promise<Address[]> {
  const limiters = await perSender(chains, (d, i) =>
    deployAggregateRateLimiter(d, {
      limits: chains.flatMap((r) =>
        r === d ? [] : [true, false].map((isOutbound) => ({ remoteChainSelector: r.chainSelector, isOutbound, ...DEVNET_AGGREGATE_LIMIT })),
      ),
      tokens: chains.flatMap((r, j) =>
        r === d ? [] : [tokens.BnM, tokens.LnR].map((t) => ({ remoteChainSelector: r.chainSelector, localToken: t[i]!.token, remoteToken: t[j]!.token })),
      ),
    }),
  );
  log(`USD aggregate rate limits on every lane ($${DEVNET_AGGREGATE_LIMIT.capacity / 10n ** 18n} capacity, $${DEVNET_AGGREGATE_LIMIT.rate / 10n ** 18n}/s)`);
  return limiters;
}

/** devnet.json's `tokens` entry for tokens deployed on several chains. */
export function devnetTokenEntry(tokens: readonly TokenOnChain[]): NonNullable<DevnetFile['tokens']>[string] {
  return Object.fromEntries(
    tokens.map((t) => [t.chainSelector.toString(), { address: t.token, pool: t.pool, type: t.type, decimals: t.decimals }]),
  );
}

/** devnet.json's `tokens` for the test tokens. */
export function devnetTokensFile(tokens: DevnetTokens): NonNullable<DevnetFile['tokens']> {
  return { BnM: devnetTokenEntry(tokens.BnM), LnR: devnetTokenEntry(tokens.LnR) };
}
