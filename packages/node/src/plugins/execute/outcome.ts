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
  return { roots };
}
