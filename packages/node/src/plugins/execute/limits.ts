import { type Address, type Hex } from 'viem';
import type { Any2EVMRampMessage } from '@openccip/sdk';
import type { Logger, LogFields } from '../../log.js';

/**
 * Inbound rate limits as the execute plugin sees them. A destination pool takes its inbound bucket's tokens in
 * local units when it releases or mints; a message whose amount the bucket cannot cover now would end FAILURE
 * (manual execution). The plugin defers such a message instead until the refill covers it. Pure logic: the bucket
 * states come from the agreed outcome, so every node filters a report the same way.
 */

/** A token bucket as `getCurrentInboundRateLimiterState` returns it (already refilled to the read time). */
export interface TokenBucket {
  isEnabled: boolean;
  tokens: bigint;
  capacity: bigint;
  /** tokens per second */
  rate: bigint;
}

/** The inbound bucket of the destination pool of `token` for messages from `source`, and the pool's decimals. */
export interface InboundLimit {
  source: bigint;
  /** Destination token (lowercase). */
  token: Address;
  /** The destination token's decimals, as the pool converts amounts to. */
  decimals: number;
  bucket: TokenBucket;
}

/**
 * The USD-valued aggregate bucket of the OffRamp's message interceptor for messages from `source`
 * (MultiAggregateRateLimiter, inbound): the registered tokens' destination amounts are valued at the FeeQuoter's
 * prices (USD 1e18 per 1e18 smallest units) and taken out together.
 */
export interface AggregateLimit {
  source: bigint;
  bucket: TokenBucket;
  /** Tokens the limiter counts for this source (lowercase), their decimals and prices. */
  tokens: { token: Address; decimals: number; usdPerToken: bigint }[];
}

/** USD value (1e18) of a destination amount at a FeeQuoter price, as the FeeQuoter computes it (rounding down). */
export function usdValue(usdPerToken: bigint, amount: bigint): bigint {
  return (usdPerToken * amount) / 10n ** 18n;
}

/** min(capacity, tokens + elapsed * rate), as RateLimiter._calculateRefill. */
export function refill(bucket: TokenBucket, elapsedSeconds: bigint): TokenBucket {
  if (!bucket.isEnabled || elapsedSeconds <= 0n) return bucket;
  const t = bucket.tokens + elapsedSeconds * bucket.rate;
  return { ...bucket, tokens: t < bucket.capacity ? t : bucket.capacity };
}

/** Whole seconds until `bucket` holds `amount` (0 if it does now), as the RateLimiter error reports it. */
export function waitSeconds(bucket: TokenBucket, amount: bigint): bigint {
  if (!bucket.isEnabled || bucket.tokens >= amount) return 0n;
  if (bucket.rate <= 0n) return 2n ** 64n; // cannot happen for an enabled bucket (0 < rate < capacity on chain)
  return (amount - bucket.tokens + bucket.rate - 1n) / bucket.rate;
}

/**
 * The source token's decimals from the source pool's data (abi.encode(uint256 decimals)); empty means the same
 * decimals as the destination. Undefined when the pool would reject the data (its release reverts).
 */
export function sourceDecimals(sourcePoolData: Hex, localDecimals: number): number | undefined {
  if (sourcePoolData === '0x') return localDecimals;
  if (sourcePoolData.length !== 2 + 64) return undefined;
  const d = BigInt(sourcePoolData);
  return d > 255n ? undefined : Number(d);
}

const MAX_UINT256 = 2n ** 256n - 1n;

/** The destination amount of a source-denominated amount, rounded down (TokenPool._calculateLocalAmount); undefined on overflow. */
export function localAmount(amount: bigint, remoteDecimals: number, localDecimals: number): bigint | undefined {
  if (remoteDecimals === localDecimals) return amount;
  const diff = Math.abs(remoteDecimals - localDecimals);
  if (diff > 77) return undefined;
  const factor = 10n ** BigInt(diff);
  if (remoteDecimals > localDecimals) return amount / factor;
  return amount > MAX_UINT256 / factor ? undefined : amount * factor;
}

export type LimitDecision =
  | { kind: 'ok'; take: Map<string, bigint>; usd: bigint }
  /** The bucket cannot cover `amount` now; it will in `waitSeconds`. `token` is 'aggregate' for the USD limit. */
  | { kind: 'wait'; token: Address | 'aggregate'; amount: bigint; waitSeconds: bigint }
  /** Can never pass as configured (over capacity, or amounts the pool rejects): left to manual execution. */
  | { kind: 'never'; token: Address | 'aggregate'; amount: bigint; reason: string; capacity?: bigint };

const keyOf = (source: bigint, token: string) => `${source}:${token.toLowerCase()}`;

/**
 * A local copy of the inbound buckets for one report: every message included takes its amounts out, so later
 * messages in the same batch see what the chain will see when it gets to them.
 */
export class InboundLedger {
  private readonly limits = new Map<string, InboundLimit>();
  private readonly aggregates = new Map<bigint, { bucket: TokenBucket; tokens: Map<string, { decimals: number; usdPerToken: bigint }> }>();

  constructor(limits: readonly InboundLimit[], aggregates: readonly AggregateLimit[] = []) {
    for (const l of limits) if (l.bucket.isEnabled) this.limits.set(keyOf(l.source, l.token), { ...l, bucket: { ...l.bucket } });
    for (const a of aggregates) {
      if (!a.bucket.isEnabled) continue;
      const tokens = new Map(a.tokens.map((t) => [t.token.toLowerCase(), { decimals: t.decimals, usdPerToken: t.usdPerToken }]));
      this.aggregates.set(a.source, { bucket: { ...a.bucket }, tokens });
    }
  }

  /** Whether all of the message's token amounts fit their buckets now (tokens without a known limit always fit). */
  check(message: Pick<Any2EVMRampMessage, 'header' | 'tokenAmounts'>): LimitDecision {
    const source = message.header.sourceChainSelector;
    const take = new Map<string, bigint>();
    for (const t of message.tokenAmounts) {
      const key = keyOf(source, t.destTokenAddress);
      const limit = this.limits.get(key);
      if (!limit) continue;
      const token = limit.token;
      const remote = sourceDecimals(t.extraData, limit.decimals);
      const local = remote === undefined ? undefined : localAmount(t.amount, remote, limit.decimals);
      if (local === undefined) return { kind: 'never', token, amount: t.amount, reason: 'the pool cannot convert this amount to local decimals' };
      take.set(key, (take.get(key) ?? 0n) + local);
    }
    // The interceptor values the amounts the pools released (local units) of the tokens it counts.
    const agg = this.aggregates.get(source);
    let usd = 0n;
    if (agg) {
      for (const t of message.tokenAmounts) {
        const priced = agg.tokens.get(t.destTokenAddress.toLowerCase());
        if (!priced) continue;
        const remote = sourceDecimals(t.extraData, priced.decimals);
        const local = remote === undefined ? undefined : localAmount(t.amount, remote, priced.decimals);
        if (local === undefined) return { kind: 'never', token: t.destTokenAddress.toLowerCase() as Address, amount: t.amount, reason: 'the pool cannot convert this amount to local decimals' };
        usd += usdValue(priced.usdPerToken, local);
      }
      if (usd > agg.bucket.capacity) return { kind: 'never', token: 'aggregate', amount: usd, capacity: agg.bucket.capacity, reason: 'USD value exceeds the aggregate inbound capacity' };
    }
    for (const [key, amount] of take) {
      const { bucket, token } = this.limits.get(key)!;
      if (amount > bucket.capacity) return { kind: 'never', token, amount, capacity: bucket.capacity, reason: 'amount exceeds the inbound capacity' };
    }
    for (const [key, amount] of take) {
      const { bucket, token } = this.limits.get(key)!;
      if (bucket.tokens < amount) return { kind: 'wait', token, amount, waitSeconds: waitSeconds(bucket, amount) };
    }
    if (agg && usd > 0n && agg.bucket.tokens < usd) return { kind: 'wait', token: 'aggregate', amount: usd, waitSeconds: waitSeconds(agg.bucket, usd) };
    return { kind: 'ok', take, usd };
  }

  /** Takes an included message's amounts out of the local buckets. */
  consume(source: bigint, decision: Extract<LimitDecision, { kind: 'ok' }>): void {
    for (const [key, amount] of decision.take) {
      const l = this.limits.get(key)!;
      l.bucket.tokens -= amount;
    }
    if (decision.usd > 0n) this.aggregates.get(source)!.bucket.tokens -= decision.usd;
  }
}

/** Logs a line once per key (e.g. per deferred message), remembering the last `max` keys. */
export class OnceLog {
  private readonly seen = new Set<string>();
  constructor(
    private readonly log: Logger,
    private readonly max = 10_000,
  ) {}

  once(key: string, level: 'info' | 'warn', msg: string, fields: LogFields): void {
    if (this.seen.has(key)) return;
    if (this.seen.size >= this.max) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(key);
    this.log[level](msg, fields);
  }
}
