import { median } from '../codec.js';
import type { AggregateLimit, InboundLimit, TokenBucket } from './limits.js';
import type { ExecuteObservation, ExecuteOutcome } from './types.js';

/**
 * The execute outcome, a pure function of ≥ 2f+1 valid observations: roots that f+1 nodes see committed and
 * not fully executed, and within each the messages f+1 nodes see untouched (so f liars can neither invent a root
 * nor make the DON re-send a finished message; the OffRamp would skip it anyway).
 */
export function executeOutcome(observations: readonly ExecuteObservation[], f: number): ExecuteOutcome {
  const byRoot = new Map<string, { root: ExecuteOutcome['roots'][number]; votes: number; untouchedVotes: Map<bigint, number> }>();
  for (const o of observations) {
    const seen = new Set<string>(); // one vote per observer per root
    for (const r of o.roots) {
      const key = `${r.chainSelector}:${r.merkleRoot}:${r.minSeqNr}:${r.maxSeqNr}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let entry = byRoot.get(key);
      if (!entry) {
        entry = {
          root: { chainSelector: r.chainSelector, merkleRoot: r.merkleRoot, minSeqNr: r.minSeqNr, maxSeqNr: r.maxSeqNr, pending: [] },
          votes: 0,
          untouchedVotes: new Map(),
        };
        byRoot.set(key, entry);
      }
      entry.votes++;
      for (const s of new Set(r.untouched)) entry.untouchedVotes.set(s, (entry.untouchedVotes.get(s) ?? 0) + 1);
    }
  }
  const roots = [...byRoot.values()]
    .filter((e) => e.votes >= f + 1)
    .map((e) => ({
      ...e.root,
      pending: [...e.untouchedVotes.entries()]
        .filter(([, n]) => n >= f + 1)
        .map(([s]) => s)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    }))
    .filter((r) => r.pending.length > 0)
    .sort((a, b) =>
      a.chainSelector !== b.chainSelector ? (a.chainSelector < b.chainSelector ? -1 : 1) : a.minSeqNr < b.minSeqNr ? -1 : a.minSeqNr > b.minSeqNr ? 1 : 0,
    );
  const limits = agreedLimits(observations, f);
  const aggregates = agreedAggregates(observations, f);
  return { roots, ...(limits.length > 0 ? { limits } : {}), ...(aggregates.length > 0 ? { aggregates } : {}) };
}

/** Field-wise medians of ≥ 2f+1 bucket views; enabled if most views say so. */
function agreedBucket(vs: readonly TokenBucket[]): TokenBucket {
  return {
    isEnabled: vs.filter((v) => v.isEnabled).length * 2 > vs.length,
    tokens: median(vs.map((v) => v.tokens)),
    capacity: median(vs.map((v) => v.capacity)),
    rate: median(vs.map((v) => v.rate)),
  };
}

/** USD aggregate buckets 2f+1 nodes reported per source, counting the tokens f+1 of them list (median prices). */
export function agreedAggregates(observations: readonly ExecuteObservation[], f: number): AggregateLimit[] {
  const views = new Map<bigint, AggregateLimit[]>();
  for (const o of observations) {
    const seen = new Set<bigint>();
    for (const a of o.aggregates ?? []) {
      if (seen.has(a.source)) continue;
      seen.add(a.source);
      views.set(a.source, [...(views.get(a.source) ?? []), a]);
    }
  }
  const out: AggregateLimit[] = [];
  for (const [source, vs] of views) {
    if (vs.length < 2 * f + 1) continue;
    const bucket = agreedBucket(vs.map((v) => v.bucket));
    if (!bucket.isEnabled) continue;
    const byToken = new Map<string, { decimals: bigint; usdPerToken: bigint }[]>();
    for (const v of vs) {
      const seenToken = new Set<string>();
      for (const t of v.tokens) {
        const k = t.token.toLowerCase();
        if (seenToken.has(k)) continue;
        seenToken.add(k);
        byToken.set(k, [...(byToken.get(k) ?? []), { decimals: BigInt(t.decimals), usdPerToken: t.usdPerToken }]);
      }
    }
    const tokens = [...byToken.entries()]
      // f+1 views: a token honest nodes count cannot be hidden by f liars (its median price then has honest bounds
      // only when 2f+1 priced it; a skewed price defers a message or lets it fail, never loses it).
      .filter(([, ps]) => ps.length >= f + 1)
      .map(([token, ps]) => ({
        token: token as AggregateLimit['tokens'][number]['token'],
        decimals: Number(median(ps.map((p) => p.decimals))),
        usdPerToken: median(ps.map((p) => p.usdPerToken)),
      }))
      .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
    out.push({ source, bucket, tokens });
  }
  return out.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/**
 * Inbound buckets 2f+1 nodes reported: each field is the median of their views, so f liars can neither drain a
 * bucket (stalling a lane) nor fill it (getting messages failed) beyond what honest nodes saw. Disabled buckets
 * are dropped: they limit nothing.
 */
export function agreedLimits(observations: readonly ExecuteObservation[], f: number): InboundLimit[] {
  const views = new Map<string, InboundLimit[]>();
  for (const o of observations) {
    const seen = new Set<string>(); // one view per observer per bucket
    for (const l of o.limits ?? []) {
      const key = `${l.source}:${l.token.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      views.set(key, [...(views.get(key) ?? []), l]);
    }
  }
  const out: InboundLimit[] = [];
  for (const vs of views.values()) {
    let bucket: TokenBucket;
    if (vs.length >= 2 * f + 1) bucket = agreedBucket(vs.map((v) => v.bucket));
    else {
      // Too few views to agree on (nodes that have not seen the root yet report nothing), but f+1 say the limit is
      // on, so an honest node does: fail closed (an empty bucket defers the transfer) rather than let it run into
      // the limit and end FAILURE. Fewer than f+1 may all be liars: ignored, as before.
      const enabled = vs.filter((v) => v.bucket.isEnabled);
      if (enabled.length < f + 1) continue;
      bucket = { isEnabled: true, tokens: 0n, capacity: median(enabled.map((v) => v.bucket.capacity)), rate: median(enabled.map((v) => v.bucket.rate)) };
    }
    if (!bucket.isEnabled) continue;
    out.push({
      source: vs[0]!.source,
      token: vs[0]!.token.toLowerCase() as InboundLimit['token'],
      decimals: Number(median(vs.map((v) => BigInt(v.decimals)))),
      bucket,
    });
  }
  return out.sort((a, b) => (a.source !== b.source ? (a.source < b.source ? -1 : 1) : a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
}
