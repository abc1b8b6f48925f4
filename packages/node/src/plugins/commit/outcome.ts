import { getMerkleRoot } from '@openccip/sdk';
import type { Hex } from 'viem';
import { agreedValue, median } from '../codec.js';
import type { CommitObservation, CommitOutcome, CommitPluginOptions, CommitQuery, CommitSource } from './types.js';

/**
 * The commit outcome, a pure function of ≥ 2f+1 valid observations. A root only contains leaves that f+1 nodes
 * reported identically at the same position after the same agreed next sequence number, so at least one honest
 * node saw every committed message at finality. Prices are medians of ≥ 2f+1 values: f liars cannot move them
 * outside the honest range. Sources that require blessing get a root only from the leader's RMN-blessed query.
 */
export function commitOutcome(
  observations: readonly CommitObservation[],
  sources: readonly CommitSource[],
  f: number,
  opts: CommitPluginOptions,
  query?: CommitQuery,
  /** `race`: the leader's roots are not (or no longer) what f+1 nodes see, a timing race between honest nodes. */
  onBlessingRejected: (reason: string, race: boolean) => void = () => {},
): CommitOutcome {
  const agreed = new Map<bigint, AgreedLeaves>();
  const viewsOf = (source: bigint) => observations.flatMap((o) => o.sources.filter((s) => s.chainSelector === source));
  for (const source of sources) {
    const a = agreedLeaves(viewsOf(source.chainSelector), f, opts.maxLeavesPerRoot);
    if (a) agreed.set(source.chainSelector, a);
  }
  const agreedAt = (source: bigint, next: bigint) => agreedLeaves(viewsOf(source), f, opts.maxLeavesPerRoot, next);

  // Blessed roots come only from the leader's query and only if they are exactly what f+1 nodes saw; the RMN
  // signatures over them are checked in verifyOutcomeBlessing (signature recovery is async).
  const roots: CommitOutcome['roots'] = [];
  let rmnSignatures: CommitOutcome['rmnSignatures'] = [];
  if (query) {
    const problem = blessedRootsProblem(query, agreedAt, sources, opts);
    if (problem === undefined) {
      roots.push(...query.blessedRoots.map((r) => ({ ...r, blessed: true })));
      rmnSignatures = query.rmnSignatures;
    } else onBlessingRejected(problem.reason, problem.race);
  }

  for (const source of sources) {
    if (source.requiresBlessing) continue; // never committed unblessed: only the blessing path above adds these
    const a = agreed.get(source.chainSelector);
    if (!a || a.leaves.length === 0) continue;
    roots.push({
      chainSelector: source.chainSelector,
      onRamp: source.onRamp,
      minSeqNr: a.next,
      maxSeqNr: a.next + BigInt(a.leaves.length) - 1n,
      merkleRoot: getMerkleRoot(a.leaves),
      blessed: false,
    });
  }

  const withPrices = observations.flatMap((o) => (o.prices ? [{ ...o.prices, time: o.time }] : []));
  const gasPriceUpdates: CommitOutcome['gasPriceUpdates'] = [];
  const tokenPriceUpdates: CommitOutcome['tokenPriceUpdates'] = [];
  if (withPrices.length >= 2 * f + 1) {
    const now = median(withPrices.map((p) => BigInt(p.time)));
    const due = (fresh: bigint, onchain: bigint, ts: bigint) =>
      onchain === 0n ||
      now - ts >= BigInt(opts.priceHeartbeatSec) ||
      (fresh > onchain ? fresh - onchain : onchain - fresh) * 1_000_000n > BigInt(opts.priceDeviationPpm) * onchain;

    // One agreed price per key: medians of ≥ 2f+1 views, pushed when due.
    const agreed = <K extends bigint | string>(views: readonly { key: K; fresh: bigint; onchain: bigint; onchainTimestamp: number }[]) => {
      const keys = [...new Set(views.map((v) => v.key))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return keys.flatMap((key) => {
        const vals = views.filter((v) => v.key === key);
        if (vals.length < 2 * f + 1) return [];
        const fresh = median(vals.map((v) => v.fresh));
        const onchain = median(vals.map((v) => v.onchain));
        const ts = median(vals.map((v) => BigInt(v.onchainTimestamp)));
        return fresh > 0n && due(fresh, onchain, ts) ? [{ key, fresh }] : [];
      });
    };
    for (const { key, fresh } of agreed(withPrices.flatMap((p) => p.gas.map((g) => ({ ...g, key: g.chainSelector }))))) {
      gasPriceUpdates.push({ destChainSelector: key, usdPerUnitGas: fresh });
    }
    for (const { key, fresh } of agreed(withPrices.flatMap((p) => p.tokens.map((t) => ({ ...t, key: t.token }))))) {
      tokenPriceUpdates.push({ sourceToken: key, usdPerToken: fresh });
    }
  }
  return { roots, rmnSignatures, gasPriceUpdates, tokenPriceUpdates };
}

interface AgreedLeaves {
  next: bigint;
  leaves: Hex[];
}

/**
 * The next seqNr f+1 nodes agree on and the leaves f+1 of those agree on, position by position from it. With
 * `at`, the views that report that next seqNr instead (f+1 of them needed): while a commit lands, nodes can
 * briefly split between the old and the new next seqNr, and a blessed root names which one it builds on.
 */
function agreedLeaves(
  views: readonly CommitObservation['sources'][number][],
  f: number,
  max: number,
  at?: bigint,
): AgreedLeaves | undefined {
  const next =
    at ??
    agreedValue(
      views.map((v) => v.nextSeqNr),
      f + 1,
    );
  if (next === undefined) return undefined;
  const aligned = views.filter((v) => v.nextSeqNr === next);
  if (aligned.length < f + 1) return undefined;
  const leaves: Hex[] = [];
  for (let i = 0; i < max; i++) {
    const leaf = agreedValue(
      aligned.flatMap((v) => (v.leaves[i] ? [v.leaves[i]!] : [])),
      f + 1,
    );
    if (leaf === undefined) break;
    leaves.push(leaf);
  }
  return { next, leaves };
}

/**
 * Why the query's blessed roots cannot be committed, or undefined: each must be for a distinct source that
 * requires blessing, with its OnRamp, start at a next seqNr f+1 nodes report and be the merkle root of the leaves
 * f+1 of those agree on over exactly its interval (the OffRamp rejects a root that does not start at its next
 * seqNr). All or nothing: the RMN signatures cover the whole list. A `race` problem is one honest nodes run into
 * all the time (the leader read a block or a poll ahead of, or behind, f+1 followers); the others are not.
 */
function blessedRootsProblem(
  query: CommitQuery,
  agreedAt: (source: bigint, next: bigint) => AgreedLeaves | undefined,
  sources: readonly CommitSource[],
  opts: CommitPluginOptions,
): { reason: string; race: boolean } | undefined {
  const bad = (reason: string) => ({ reason, race: false });
  if (query.rmnSignatures.length === 0) return bad('blessed roots without RMN signatures');
  const seen = new Set<bigint>();
  for (const r of query.blessedRoots) {
    const at = `source ${r.chainSelector} [${r.minSeqNr}, ${r.maxSeqNr}]`;
    if (seen.has(r.chainSelector)) return bad(`${at}: source appears twice`);
    seen.add(r.chainSelector);
    const source = sources.find((s) => s.chainSelector === r.chainSelector);
    if (!source) return bad(`${at}: not a source of this destination`);
    if (!source.requiresBlessing) return bad(`${at}: lane does not take blessed roots`);
    if (source.onRamp.toLowerCase() !== r.onRamp.toLowerCase()) return bad(`${at}: onRamp ${r.onRamp} is not the lane's ${source.onRamp}`);
    if (r.maxSeqNr < r.minSeqNr || r.maxSeqNr - r.minSeqNr >= BigInt(opts.maxLeavesPerRoot)) return bad(`${at}: bad interval`);
    const a = agreedAt(r.chainSelector, r.minSeqNr);
    if (!a) return { reason: `${at}: fewer than f+1 nodes see ${r.minSeqNr} as the next seqNr`, race: true };
    const len = Number(r.maxSeqNr - r.minSeqNr) + 1;
    if (a.leaves.length < len) return { reason: `${at}: only ${a.leaves.length} leaves are f+1-agreed`, race: true };
    if (getMerkleRoot(a.leaves.slice(0, len)).toLowerCase() !== r.merkleRoot.toLowerCase()) {
      return bad(`${at}: root ${r.merkleRoot} is not the root of the agreed leaves`);
    }
  }
  return undefined;
}
