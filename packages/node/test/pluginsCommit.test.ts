import { describe, expect, it } from 'vitest';
import { keccak256, toHex, type Hex } from 'viem';
import { decodeCommitReport, getMerkleRoot } from '@openccip/sdk';
import { commitOutcome } from '../src/plugins/commit/outcome.js';
import { createCommitPlugin } from '../src/plugins/commit/plugin.js';
import { decodeCommitObservation, encodeCommitObservation } from '../src/plugins/commit/observation.js';
import { DEFAULT_COMMIT_OPTIONS, type CommitObservation, type CommitPluginDeps } from '../src/plugins/commit/types.js';
import { PluginCodecError } from '../src/plugins/codec.js';

const SRC = 7759470850252068959n;
const SRC2 = 16015286601757825753n;
const ONRAMP = '0x1111111111111111111111111111111111111111' as const;
const leaf = (i: number) => keccak256(toHex(`leaf-${i}`));
const leaves = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => leaf(from + k));
const sources = [{ chainSelector: SRC, onRamp: ONRAMP, requiresBlessing: false }];
const obs = (next: bigint, ls: Hex[], extra: Partial<CommitObservation> = {}): CommitObservation => ({
  sources: [{ chainSelector: SRC, nextSeqNr: next, leaves: ls }],
  time: 1_000,
  ...extra,
});

describe('commit outcome', () => {
  it('commits the leaves f+1 nodes agree on, up to the first disagreement', () => {
    const o = commitOutcome([obs(5n, leaves(0, 4)), obs(5n, leaves(0, 6)), obs(5n, leaves(0, 2))], sources, 1, DEFAULT_COMMIT_OPTIONS);
    expect(o.roots).toEqual([
      { chainSelector: SRC, onRamp: ONRAMP, minSeqNr: 5n, maxSeqNr: 8n, merkleRoot: getMerkleRoot(leaves(0, 4)), blessed: false },
    ]);
  });

  it('a byzantine node cannot add or replace a leaf', () => {
    const forged = [leaf(0), keccak256(toHex('forged')), leaf(2), leaf(3), leaf(4)];
    const o = commitOutcome([obs(5n, forged), obs(5n, leaves(0, 3)), obs(5n, leaves(0, 3)), obs(5n, forged.slice(0, 1))], sources, 1, DEFAULT_COMMIT_OPTIONS);
    expect(o.roots[0]!.maxSeqNr).toBe(7n);
    expect(o.roots[0]!.merkleRoot).toBe(getMerkleRoot(leaves(0, 3)));
  });

  it('no root without f+1 agreement on where the interval starts, or when blessing is required', () => {
    expect(commitOutcome([obs(5n, leaves(0, 3)), obs(6n, leaves(1, 3))], sources, 1, DEFAULT_COMMIT_OPTIONS).roots).toEqual([]);
    const blessed = [{ ...sources[0]!, requiresBlessing: true }];
    expect(commitOutcome([obs(5n, leaves(0, 3)), obs(5n, leaves(0, 3))], blessed, 1, DEFAULT_COMMIT_OPTIONS).roots).toEqual([]);
  });

  it('caps a root at maxLeavesPerRoot', () => {
    const opts = { ...DEFAULT_COMMIT_OPTIONS, maxLeavesPerRoot: 3 };
    const o = commitOutcome([obs(1n, leaves(0, 10)), obs(1n, leaves(0, 10))], sources, 1, opts);
    expect(o.roots[0]!.maxSeqNr).toBe(3n);
  });

  it('pushes median prices on deviation or heartbeat, never a liar’s value', () => {
    const p = (fresh: bigint, onchain: bigint, ts = 900) => ({
      gas: [{ chainSelector: SRC2, fresh, onchain, onchainTimestamp: ts }],
      tokens: [],
    });
    const mk = (fresh: bigint, onchain: bigint, ts?: number) => obs(1n, [], { prices: p(fresh, onchain, ts) });
    // 10% move: pushed, at the median (the liar's 10^30 is ignored)
    let o = commitOutcome([mk(110n, 100n), mk(111n, 100n), mk(10n ** 30n, 100n)], sources, 1, DEFAULT_COMMIT_OPTIONS);
    expect(o.gasPriceUpdates).toEqual([{ destChainSelector: SRC2, usdPerUnitGas: 111n }]);
    // 1% move, fresh on chain: nothing to push
    o = commitOutcome([mk(101n, 100n), mk(101n, 100n), mk(101n, 100n)], sources, 1, DEFAULT_COMMIT_OPTIONS);
    expect(o.gasPriceUpdates).toEqual([]);
    // 1% move but the on-chain price is older than the heartbeat
    o = commitOutcome([mk(101n, 100n, 0), mk(101n, 100n, 0), mk(101n, 100n, 0)].map((x) => ({ ...x, time: 10_000 })), sources, 1, DEFAULT_COMMIT_OPTIONS);
    expect(o.gasPriceUpdates).toHaveLength(1);
    // fewer than 2f+1 price views: no update
    o = commitOutcome([mk(200n, 100n), mk(200n, 100n), obs(1n, [])], sources, 1, DEFAULT_COMMIT_OPTIONS);
    expect(o.gasPriceUpdates).toEqual([]);
  });
});

describe('commit observation codec', () => {
  it('round-trips and rejects malformed or oversized input', () => {
    const o = obs(5n, leaves(0, 3));
    expect(decodeCommitObservation(encodeCommitObservation(o), 256)).toEqual(o);
    expect(() => decodeCommitObservation(toHex('garbage'), 256)).toThrow(PluginCodecError);
    expect(() => decodeCommitObservation(encodeCommitObservation(obs(5n, leaves(0, 10))), 4)).toThrow(/more than 4/);
    const dup = { ...o, sources: [o.sources[0]!, o.sources[0]!] };
    expect(() => decodeCommitObservation(encodeCommitObservation(dup), 256)).toThrow(/duplicate/);
    expect(() => decodeCommitObservation(toHex(JSON.stringify({ sources: [{ chainSelector: '-1', nextSeqNr: '1', leaves: [] }], time: 1 })), 256)).toThrow(
      PluginCodecError,
    );
  });
});

describe('commit plugin', () => {
  const ctx = { instance: 'commit:1', seqNr: 1n, epoch: 0, leader: 0 };
  const deps = (next: bigint, ls: Hex[]): CommitPluginDeps => ({
    destChainSelector: SRC2,
    sources,
    readNextSeqNr: async () => next,
    readLeaves: async (_s, _from, max) => ls.slice(0, max),
    now: () => 1_000,
  });

  it('observation → outcome → report, and drops a report once the OffRamp moved on', async () => {
    let next = 1n;
    const d = { ...deps(1n, leaves(0, 3)), readNextSeqNr: async () => next };
    const plugin = createCommitPlugin(d, 1);
    const observation = await plugin.observation(ctx, '0x');
    const aos = [0, 1, 2].map((observer) => ({ observer, observation }));
    for (const ao of aos) plugin.validateObservation(ctx, '0x', ao);
    const outcome = plugin.outcome(ctx, '0x', aos);
    const reports = await plugin.reports(1n, outcome);
    expect(reports).toHaveLength(1);
    const decoded = decodeCommitReport(reports[0]!.report);
    expect(decoded.unblessedMerkleRoots[0]!.merkleRoot).toBe(getMerkleRoot(leaves(0, 3)));
    expect(await plugin.shouldTransmitAcceptedReport(1n, reports[0]!)).toBe(true);
    next = 4n;
    expect(await plugin.shouldTransmitAcceptedReport(1n, reports[0]!)).toBe(false);
  });

  it('a root in an outcome keeps its source out of the next observations: briefly, then for the TTL once signed', async () => {
    let next = 1n;
    const plugin = createCommitPlugin({ ...deps(1n, leaves(0, 3)), readNextSeqNr: async () => next }, 1, { outcomeHoldMs: 60, inflightTtlMs: 10_000 });
    const round = async (seqNr: bigint) => {
      const c = { ...ctx, seqNr };
      const observation = await plugin.observation(c, '0x');
      return plugin.outcome(c, '0x', [0, 1, 2].map((observer) => ({ observer, observation })));
    };
    const seen = async () => decodeCommitObservation(await plugin.observation({ ...ctx, seqNr: 9n }, '0x'), 256).sources;
    const first = await round(1n);
    // The next round started before round 1 was signed: it must not commit 1–3 a second time.
    expect(await seen()).toEqual([]);
    expect(await plugin.hasWork!()).toBe(false);
    expect(await plugin.reports(2n, await round(2n))).toEqual([]);
    // Round 1 never completed: the source comes back after outcomeHoldMs.
    await new Promise((r) => setTimeout(r, 100));
    expect(await seen()).toEqual([{ chainSelector: SRC, nextSeqNr: 1n, leaves: leaves(0, 3) }]);
    // Once signed, the hold lasts inflightTtlMs.
    const [report] = await plugin.reports(1n, first);
    expect(await plugin.shouldAcceptAttestedReport(1n, report!)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(await seen()).toEqual([]);
    // An outcome from peers that do not hold it (restarted, say) with the same start does not shorten the hold.
    const fresh = createCommitPlugin(deps(1n, leaves(0, 4)), 1);
    const theirs = await fresh.observation(ctx, '0x');
    plugin.outcome(ctx, '0x', [0, 1, 2].map((observer) => ({ observer, observation: theirs })));
    await new Promise((r) => setTimeout(r, 100));
    expect(await seen()).toEqual([]);
    // Another root (1–1) landed first: 1–3 can never land, so the source is observed again at once.
    next = 2n;
    expect((await seen()).map((x) => x.nextSeqNr)).toEqual([2n]);
  });

  it('nothing to commit → no report', async () => {
    const plugin = createCommitPlugin(deps(1n, []), 1);
    const observation = await plugin.observation(ctx, '0x');
    const outcome = plugin.outcome(ctx, '0x', [0, 1, 2].map((observer) => ({ observer, observation })));
    expect(await plugin.reports(1n, outcome)).toEqual([]);
  });
});
