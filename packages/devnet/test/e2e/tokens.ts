import { createPublicClient, erc20Abi, getAddress, http, keccak256, toHex, type Address, type Hex, type PublicClient } from 'viem';
import type { EVMTokenAmount } from '@openccip/sdk';
import type { DevnetChain, DevnetFile } from '../../src/index.js';

/** One devnet test token on one chain, as devnet.json lists it. */
export interface ChainToken {
  symbol: string;
  address: Address;
  pool: Address;
  type: 'burn-mint' | 'lock-release';
  decimals: number;
}

export function tokenOn(file: DevnetFile, symbol: string, chain: DevnetChain): ChainToken {
  const t = file.tokens?.[symbol]?.[chain.chainSelector];
  if (!t) throw new Error(`devnet.json lists no ${symbol} on ${chain.name} (selector ${chain.chainSelector})`);
  return { symbol, ...t };
}

/**
 * The destination amount of a transfer between pools of different decimals, as TokenPool converts it: exact
 * when scaling up, rounding down when scaling down (the remainder stays locked or burned on the source).
 */
export function destAmount(amount: bigint, fromDecimals: number, toDecimals: number): bigint {
  if (fromDecimals === toDecimals) return amount;
  return toDecimals > fromDecimals ? amount * 10n ** BigInt(toDecimals - fromDecimals) : amount / 10n ** BigInt(fromDecimals - toDecimals);
}

/** An amount in a common 18-decimal unit (conservation across chains with different decimals). */
export const to18 = (amount: bigint, decimals: number): bigint => amount * 10n ** BigInt(18 - decimals);

/** `tokens` (symbol → source smallest units) as the message's tokenAmounts on `from`. */
export function tokenAmounts(file: DevnetFile, from: DevnetChain, tokens: readonly { symbol: string; amount: bigint }[]): EVMTokenAmount[] {
  return tokens.map((t) => ({ token: tokenOn(file, t.symbol, from).address, amount: t.amount }));
}

const clients = new Map<string, PublicClient>();
export const reader = (c: DevnetChain): PublicClient => {
  let p = clients.get(c.rpcUrl);
  if (!p) clients.set(c.rpcUrl, (p = createPublicClient({ transport: http(c.rpcUrl, { retryCount: 3 }), cacheTime: 0 })));
  return p;
};

export async function balanceOf(chain: DevnetChain, token: Address, holder: Address, blockNumber?: bigint): Promise<bigint> {
  return reader(chain).readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [holder], blockNumber });
}

export async function totalSupply(chain: DevnetChain, token: Address): Promise<bigint> {
  return reader(chain).readContract({ address: token, abi: erc20Abi, functionName: 'totalSupply' });
}

/** A fresh address nobody holds a key for: a token-only transfer's EOA receiver that starts empty. */
export function freshAddress(label: string): Address {
  return getAddress(`0x${keccak256(toHex(`openccip e2e ${label}`)).slice(26)}`);
}

/** The ERC20 Transfer topic. */
export const TRANSFER_TOPIC: Hex = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

/** One token transfer as the ledger sees it: what left `sender` on `from` and reached `receiver` on `to`. */
export interface TokenMove {
  from: DevnetChain;
  to: DevnetChain;
  sender: Address;
  receiver: Address;
  /** source smallest units */
  tokens: readonly { symbol: string; amount: bigint }[];
}

/** A balance (holder) or a token's totalSupply (holder 'supply') on one chain. */
export const ledgerKey = (chain: DevnetChain, symbol: string, holder: Address | 'supply') =>
  `${chain.chainSelector}|${symbol}|${holder === 'supply' ? holder : holder.toLowerCase()}`;

/**
 * What delivered transfers change, exactly: the sender loses the source amount; burn/mint burns it (supply) and
 * mints the converted amount to the receiver; lock/release locks it in the source pool and releases the
 * converted amount from the destination pool. Keys from ledgerKey; untouched balances appear with 0 too.
 */
export function expectedDeltas(file: DevnetFile, moves: readonly TokenMove[]): Map<string, bigint> {
  const d = new Map<string, bigint>();
  const add = (k: string, v: bigint) => d.set(k, (d.get(k) ?? 0n) + v);
  for (const m of moves) {
    for (const t of m.tokens) {
      const src = tokenOn(file, t.symbol, m.from);
      const dst = tokenOn(file, t.symbol, m.to);
      const out = destAmount(t.amount, src.decimals, dst.decimals);
      add(ledgerKey(m.from, t.symbol, m.sender), -t.amount);
      add(ledgerKey(m.to, t.symbol, m.receiver), out);
      if (src.type === 'burn-mint') add(ledgerKey(m.from, t.symbol, 'supply'), -t.amount);
      else add(ledgerKey(m.from, t.symbol, src.pool), t.amount);
      if (dst.type === 'burn-mint') add(ledgerKey(m.to, t.symbol, 'supply'), out);
      else add(ledgerKey(m.to, t.symbol, dst.pool), -out);
    }
  }
  return d;
}

/** Reads every ledger key (balances and supplies) now. */
export async function readLedger(file: DevnetFile, keys: Iterable<string>): Promise<Map<string, bigint>> {
  const entries = await Promise.all(
    [...keys].map(async (k) => {
      const [selector, symbol, holder] = k.split('|') as [string, string, string];
      const chain = file.chains.find((c) => c.chainSelector === selector)!;
      const t = tokenOn(file, symbol, chain);
      const v = holder === 'supply' ? await totalSupply(chain, t.address) : await balanceOf(chain, t.address, holder as Address);
      return [k, v] as const;
    }),
  );
  return new Map(entries);
}

/** Each key's change from `before` to `after` against `expected`, as text (empty = all exact). */
export function deltaProblems(file: DevnetFile, before: Map<string, bigint>, after: Map<string, bigint>, expected: Map<string, bigint>): string[] {
  const name = (k: string) => {
    const [selector, symbol, holder] = k.split('|');
    return `${symbol} ${holder} on ${file.chains.find((c) => c.chainSelector === selector)?.name ?? selector}`;
  };
  return [...expected].flatMap(([k, want]) => {
    const got = after.get(k)! - before.get(k)!;
    return got === want ? [] : [`${name(k)}: changed by ${got}, expected ${want}`];
  });
}
