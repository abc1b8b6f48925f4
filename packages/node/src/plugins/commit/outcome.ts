import { getMerkleRoot } from '@openccip/sdk';
import type { Hex } from 'viem';
import { agreedValue, median } from '../codec.js';
import type { CommitObservation, CommitOutcome, CommitPluginOptions, CommitSource } from './types.js';

/**
 * The commit outcome, a pure function of ≥ 2f+1 valid observations. A root only contains leaves that f+1 nodes
 * reported identically at the same position after the same agreed next sequence number, so at least one honest
 * node saw every committed message at finality. Prices are medians of ≥ 2f+1 values: f liars cannot move them
 * outside the honest range.
 */
export function commitOutcome(
  observations: readonly CommitObservation[],
  sources: readonly CommitSource[],
  f: number,
  opts: CommitPluginOptions,
): CommitOutcome {
  const roots: CommitOutcome['roots'] = [];
  for (const source of sources) {
    if (source.requiresBlessing) continue; // needs RMN blessings: the blessing path adds these roots
    const views = observations.flatMap((o) => o.sources.filter((s) => s.chainSelector === source.chainSelector));
    const next = agreedValue(
      views.map((v) => v.nextSeqNr),
      f + 1,
    );
    if (next === undefined) continue;
    const aligned = views.filter((v) => v.nextSeqNr === next);
    const leaves: Hex[] = [];
    for (let i = 0; i < opts.maxLeavesPerRoot; i++) {
      const leaf = agreedValue(
        aligned.flatMap((v) => (v.leaves[i] ? [v.leaves[i]!] : [])),
        f + 1,
      );
      if (leaf === undefined) break;
      leaves.push(leaf);
    }
    if (leaves.length === 0) continue;
    roots.push({
      chainSelector: source.chainSelector,
      onRamp: source.onRamp,
      minSeqNr: next,
      maxSeqNr: next + BigInt(leaves.length) - 1n,
      merkleRoot: getMerkleRoot(leaves),
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
  return { roots, gasPriceUpdates, tokenPriceUpdates };
}
