import { erc20Abi, zeroAddress, type Address } from 'viem';
import { feeQuoterAbi, routerAbi, tokenAdminRegistryAbi } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import type { BlockReads } from '../readers/blockCache.js';
import type { CommitPluginDeps } from '../plugins/commit/types.js';
import { noopLogger, type Logger } from '../log.js';
import { createPriceSource, type PriceSource, type PriceSourceConfig } from './priceSource.js';
import type { PriceSourceChain } from './commitDeps.js';

/** The commit observation carries at most this many token prices (plugins/commit/observation.ts). */
export const MAX_TOKEN_PRICES = 64;

export interface PricedChain {
  chainSelector: bigint;
  client: ChainClient;
  router: Address;
  /** The node's per-block reads of this chain (its gas price is read through them); default uncached. */
  reads?: BlockReads;
}

/**
 * USD per native coin of each chain, for gas prices: looked up as the chain's native symbol (its wrapped native's
 * symbol without the leading "W", e.g. WETH → ETH), then "native". 0 when unpriced (the commit plugin then skips it).
 */
export function createNativePrices(source: PriceSource, chains: readonly PricedChain[], log: Logger = noopLogger) {
  const symbols = new Map<bigint, string | null>(); // null: unreadable, only "native" is tried
  const warned = new Set<bigint>();

  async function symbolOf(c: PricedChain): Promise<string | null> {
    if (symbols.has(c.chainSelector)) return symbols.get(c.chainSelector)!;
    try {
      const wrapped = await c.client.readContract({ address: c.router, abi: routerAbi, functionName: 'getWrappedNative' });
      const s = wrapped === zeroAddress ? null : await c.client.readContract({ address: wrapped, abi: erc20Abi, functionName: 'symbol' });
      const symbol = s === null ? null : s.length > 1 && s.startsWith('W') ? s.slice(1) : s;
      symbols.set(c.chainSelector, symbol);
      return symbol;
    } catch {
      return null; // unreachable now: priced as "native" until a later refresh reads it
    }
  }

  const usd = (chainSelector: bigint): bigint => {
    const symbol = symbols.get(chainSelector);
    const price = source.usd(symbol ? [symbol, 'native'] : ['native']);
    if (price === undefined && !warned.has(chainSelector)) {
      warned.add(chainSelector);
      log.warn('no USD price for the native coin: its gas price is not pushed', { chainSelector: chainSelector.toString(), symbol: symbol ?? 'native' });
    }
    return price ?? 0n;
  };

  return {
    /** Learns the chains' native symbols (once). */
    async refresh(): Promise<void> {
      await Promise.all(chains.map((c) => symbolOf(c)));
    },
    usd,
    /** The commit deps' gas price chains, their native price read live at each use. */
    gasPriceChains(except: bigint): PriceSourceChain[] {
      return chains
        .filter((c) => c.chainSelector !== except)
        .map((c) => ({
          chainSelector: c.chainSelector,
          client: c.client,
          ...(c.reads ? { reads: c.reads } : {}),
          get nativeUsd() {
            return usd(c.chainSelector);
          },
        }));
    },
  };
}

export type NativePrices = ReturnType<typeof createNativePrices>;

export interface TokenPriceFeedInput {
  client: ChainClient;
  chainSelector: bigint;
  contracts: { router: Address; feeQuoter: Address; tokenAdminRegistry: Address };
  source: PriceSource;
  /** USD per native coin of this chain (its wrapped native is priced at it). */
  nativeUsd: () => bigint;
  log?: Logger;
  /** How often the token lists are re-read (ms, default 30 s); prices are re-resolved on every refresh. */
  listTtlMs?: number;
  now?: () => number;
}

interface TokenInfo {
  symbol: string;
  decimals: number;
}

/**
 * USD prices of a destination's tokens in FeeQuoter units (1e18 USD per 1e18 smallest units): the FeeQuoter's fee
 * tokens and every token its TokenAdminRegistry lists, by address or ERC20 symbol; the wrapped native at the
 * native price. `tokenUsd` is live: `refresh` updates it in place. Tokens without a price are skipped (one warning).
 */
export function createTokenPriceFeed(input: TokenPriceFeedInput) {
  const log = input.log ?? noopLogger;
  const now = input.now ?? Date.now;
  const listTtlMs = input.listTtlMs ?? 30_000;
  const { client, contracts } = input;
  const tokenUsd = new Map<string, bigint>();
  const info = new Map<Address, TokenInfo | null>(); // null: not an ERC20 we can read
  const warned = new Set<string>();
  let tokens: Address[] = [];
  let wrappedNative: Address | undefined;
  let listedAt = -Infinity;

  const warnOnce = (key: string, msg: string, fields: Record<string, unknown>) => {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(msg, { chainSelector: input.chainSelector.toString(), ...fields });
  };

  async function readList(): Promise<void> {
    const [feeTokens, wrapped, registered] = await Promise.all([
      client.readContract({ address: contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getFeeTokens' }),
      client.readContract({ address: contracts.router, abi: routerAbi, functionName: 'getWrappedNative' }),
      readRegisteredTokens(client, contracts.tokenAdminRegistry),
    ]);
    wrappedNative = wrapped.toLowerCase() as Address;
    const all = [...new Set([...feeTokens, ...registered].map((t) => t.toLowerCase() as Address))];
    if (all.length > MAX_TOKEN_PRICES) {
      warnOnce('too-many', 'more tokens than one commit observation prices; the rest are not pushed', { tokens: all.length, max: MAX_TOKEN_PRICES });
    }
    tokens = all.slice(0, MAX_TOKEN_PRICES); // fee tokens first: fees depend on them
    for (const t of tokens) {
      if (info.has(t) || t === wrappedNative) continue;
      try {
        const [symbol, decimals] = await Promise.all([
          client.readContract({ address: t, abi: erc20Abi, functionName: 'symbol' }),
          client.readContract({ address: t, abi: erc20Abi, functionName: 'decimals' }),
        ]);
        info.set(t, { symbol, decimals });
      } catch (err) {
        info.set(t, null);
        warnOnce(t, 'token has no readable symbol/decimals: priced by address only', { token: t, error: (err as Error).message.split('\n')[0] });
      }
    }
    listedAt = now();
  }

  return {
    tokenUsd: tokenUsd as ReadonlyMap<string, bigint>,
    /** Re-reads the token lists when due, then re-resolves every price from the source. */
    async refresh(): Promise<void> {
      if (now() - listedAt >= listTtlMs) await readList();
      const next = new Map<string, bigint>();
      for (const t of tokens) {
        if (t === wrappedNative) {
          const usd = input.nativeUsd();
          if (usd > 0n) next.set(t, usd); // 18 decimals like the native coin
          continue;
        }
        const i = info.get(t) ?? null;
        const usd = input.source.usd(i ? [t, i.symbol] : [t]);
        if (usd === undefined) {
          warnOnce(`unpriced:${t}`, 'no USD price configured for token: its price is not pushed', { token: t, symbol: i?.symbol });
          continue;
        }
        next.set(t, perFeeQuoterUnit(usd, i?.decimals ?? 18));
      }
      tokenUsd.clear();
      for (const [k, v] of next) tokenUsd.set(k, v);
    },
  };
}

export type TokenPriceFeed = ReturnType<typeof createTokenPriceFeed>;

/** USD per whole token (1e18 = $1) → FeeQuoter's USD (1e18) per 1e18 smallest units. */
export function perFeeQuoterUnit(usdPerWholeToken: bigint, decimals: number): bigint {
  return decimals <= 18 ? usdPerWholeToken * 10n ** BigInt(18 - decimals) : usdPerWholeToken / 10n ** BigInt(decimals - 18);
}

/** Every token the TokenAdminRegistry has configured, paged. */
export async function readRegisteredTokens(client: ChainClient, registry: Address, pageSize = 100n): Promise<Address[]> {
  const out: Address[] = [];
  for (let start = 0n; ; start += pageSize) {
    const page = await client.readContract({ address: registry, abi: tokenAdminRegistryAbi, functionName: 'getAllConfiguredTokens', args: [start, pageSize] });
    out.push(...page);
    if (BigInt(page.length) < pageSize) return out;
  }
}

/** Commit deps whose prices are refreshed from the source right before each read. */
export function withLivePrices(deps: CommitPluginDeps, refresh: () => Promise<void>): CommitPluginDeps {
  const read = deps.readPrices;
  if (!read) return deps;
  return { ...deps, readPrices: async () => (await refresh(), read()) };
}

/**
 * A node's price wiring: one price source (config + file) for every chain, native coin prices for gas, and per
 * destination a live token price feed the commit plugin reads, refreshed right before each observation.
 */
export function createNodePrices(config: PriceSourceConfig, chains: readonly PricedChain[], log: Logger = noopLogger) {
  const source = createPriceSource(config, log);
  const natives = createNativePrices(source, chains, log);
  return {
    source,
    forDestination(dest: Omit<TokenPriceFeedInput, 'source' | 'nativeUsd' | 'log'>) {
      const feed = createTokenPriceFeed({ ...dest, source, nativeUsd: () => natives.usd(dest.chainSelector), log });
      return {
        gasPriceChains: natives.gasPriceChains(dest.chainSelector),
        tokenUsd: feed.tokenUsd,
        live: (deps: CommitPluginDeps) =>
          withLivePrices(deps, async () => {
            await natives.refresh();
            await feed.refresh();
          }),
      };
    },
  };
}
