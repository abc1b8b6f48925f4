import { afterEach, describe, expect, it } from 'vitest';
import { keccak256, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { decodeCommitReport, getMerkleRoot } from '@openccip/sdk';
import { createCommitPlugin } from '../src/plugins/commit/plugin.js';
import { decodeCommitObservation } from '../src/plugins/commit/observation.js';
import { decodeCommitQuery, encodeCommitQuery } from '../src/plugins/commit/query.js';
import type { CommitPluginDeps, CommitSource } from '../src/plugins/commit/types.js';
import { rmnSignaturesProblem } from '../src/rmn/verify.js';
import { blessingDigest } from '../src/plugins/commit/blessing.js';
import { DEST, ONRAMP, ONRAMP2, SRC, SRC2, collectingLogger, domain, rmnConfig as config, rmnDeps, runCommitRound, startRmnStandIns } from './blessingFixtures.js';
import type { RmnStandIn, StandInBehaviour } from './rmnStandIn.js';

// The leader's query() against real HTTP servers on 127.0.0.1 that answer /v1/bless by signing with test RMN keys
// (a test stand-in for the RMN node), then the whole round: observations → outcome → report.
const { destChainId, rmnRemote, offRamp } = domain;
const leaves = (n: number, tag = 'leaf') => Array.from({ length: n }, (_, i) => keccak256(toHex(`${tag}-${i}`)));
const ocrKey = generatePrivateKey();
const sources: CommitSource[] = [
  { chainSelector: SRC, onRamp: ONRAMP, requiresBlessing: true },
  { chainSelector: SRC2, onRamp: ONRAMP2, requiresBlessing: false },
];
const ctx = { instance: `commit:${DEST}`, seqNr: 7n, epoch: 0, leader: 0 };

let standIns: RmnStandIn[] = [];
afterEach(async () => {
  await Promise.all(standIns.map((s) => s.stop()));
  standIns = [];
});

async function setup(behaviours: StandInBehaviour[], timeoutMs = 1_000) {
  standIns = await startRmnStandIns(behaviours);
  const { logs, logger } = collectingLogger();
  const deps: CommitPluginDeps = {
    destChainSelector: DEST,
    sources,
    readNextSeqNr: async (s) => (s === SRC ? 5n : 1n),
    readLeaves: async (s, _from, max) => (s === SRC ? leaves(3) : leaves(2, 'two')).slice(0, max),
    now: () => 1_000,
    rmn: rmnDeps({ standIns, ocrKey, timeoutMs }),
  };
  // blessWaitMs 2 s: the stand-ins answer at once, but a cold worker's first requests must not miss the round.
  const plugin = createCommitPlugin(deps, 1, { blessWaitMs: 2_000 }, logger);
  /** One round as every node would run it: the leader's query, 3 observations, outcome, reports. */
  const round = async () => {
    const { query, queryMs, reports } = await runCommitRound(plugin, ctx);
    return { query, queryMs, report: reports[0] && decodeCommitReport(reports[0].report) };
  };
  return { round, logs };
}

const blessedRoot = getMerkleRoot(leaves(3));

describe('commit query: collecting RMN blessings over HTTP', () => {
  it('fSign+1 good answers → the query carries the blessed roots and the report commits them blessed', async () => {
    const { round } = await setup(['sign', 'sign', 'sign']);
    const { query, report } = await round();
    const q = decodeCommitQuery(query)!;
    expect(q.blessedRoots).toEqual([{ chainSelector: SRC, onRamp: ONRAMP, minSeqNr: 5n, maxSeqNr: 7n, merkleRoot: blessedRoot }]);
    expect(q.rmnSignatures).toHaveLength(2);
    expect(await rmnSignaturesProblem(blessingDigest({ destChainId, destChainSelector: DEST, rmnRemote, offRamp }, config, q.blessedRoots), q.rmnSignatures, config)).toBeUndefined();
    expect(report!.blessedMerkleRoots.map((r) => [r.sourceChainSelector, r.minSeqNr, r.maxSeqNr, r.merkleRoot])).toEqual([[SRC, 5n, 7n, blessedRoot]]);
    expect(report!.unblessedMerkleRoots.map((r) => r.sourceChainSelector)).toEqual([SRC2]);
    expect(report!.rmnSignatures).toEqual(q.rmnSignatures);
    // Requests were signed with the node's OCR key and named this destination's OffRamp.
    const asked = standIns.flatMap((s) => s.callers);
    expect(asked.length).toBeGreaterThanOrEqual(2);
    for (const caller of asked) expect(caller).toBe(privateKeyToAddress(ocrKey));
    expect(standIns[0]!.requests[0]).toMatchObject({ destChainSelector: DEST, offRamp });
  });

  it('one node refusing or timing out → still blessed with the other fSign+1, without waiting for the slow one', async () => {
    const refusing = await setup(['refuse', 'sign', 'sign']);
    expect((await refusing.round()).report!.blessedMerkleRoots).toHaveLength(1);
    await Promise.all(standIns.map((s) => s.stop()));
    const hanging = await setup(['sign', 'hang', 'sign'], 3_000);
    const { report, queryMs } = await hanging.round();
    expect(report!.blessedMerkleRoots).toHaveLength(1);
    expect(queryMs).toBeLessThan(2_000);
  });

  it('a signature by a key that is not configured is ignored', async () => {
    const outsider = generatePrivateKey();
    // Two good + one outsider: blessed by the two good ones.
    const ok = await setup([{ signWith: outsider }, 'sign', 'sign']);
    const r1 = await ok.round();
    expect(r1.report!.blessedMerkleRoots).toHaveLength(1);
    await Promise.all(standIns.map((s) => s.stop()));
    // One good + one outsider + one refusing: not enough.
    const notEnough = await setup([{ signWith: outsider }, 'sign', 'refuse']);
    const r2 = await notEnough.round();
    expect(r2.query).toBe('0x');
    expect(r2.report!.blessedMerkleRoots).toEqual([]);
    const warn = notEnough.logs.find((l) => l.msg.includes('not enough RMN blessings'))!;
    const errors = warn.fields!.rmnErrors as { node: string; error: string }[];
    expect(errors.find((e) => e.node === 'rmn-0')!.error).toMatch(new RegExp(`by ${privateKeyToAddress(outsider)}`));
    expect(errors.find((e) => e.node === 'rmn-2')!.error).toMatch(/root-mismatch/);
  });

  it('all RMN nodes down → query 0x (warning names the dest, sources, intervals and each error) and no root for that lane', async () => {
    const { round, logs } = await setup(['sign', 'sign', 'hang'], 300);
    await standIns[0]!.stop();
    await standIns[1]!.stop();
    const { query, report } = await round();
    expect(query).toBe('0x');
    expect(report!.blessedMerkleRoots).toEqual([]);
    expect(report!.unblessedMerkleRoots.map((r) => r.sourceChainSelector)).toEqual([SRC2]);
    const warn = logs.find((l) => l.msg.includes('not enough RMN blessings'))!;
    expect(warn.level).toBe('warn');
    expect(warn.fields).toMatchObject({
      dest: DEST.toString(),
      sources: [SRC.toString()],
      intervals: [{ source: SRC.toString(), minSeqNr: '5', maxSeqNr: '7' }],
      needed: 2,
      valid: 0,
    });
    const errors = warn.fields!.rmnErrors as { node: string; error: string }[];
    expect(errors.map((e) => e.node).sort()).toEqual(['rmn-0', 'rmn-1', 'rmn-2']);
    // Two unreachable: fSign+1 = 2 can no longer come, so the hanging node is not waited for.
    for (const e of errors.filter((e) => e.node !== 'rmn-2')) expect(e.error).toMatch(/unreachable/);
    expect(errors.find((e) => e.node === 'rmn-2')!.error).toMatch(/no answer yet/);
  });

  describe('a follower a block and a poll behind the leader', () => {
    // The leader's query: SRC [5, 7] blessed (followers do not check the RMN signatures while observing).
    const claim = (minSeqNr: bigint, maxSeqNr: bigint, chainSelector = SRC, onRamp = ONRAMP) =>
      encodeCommitQuery({ blessedRoots: [{ chainSelector, onRamp, minSeqNr, maxSeqNr, merkleRoot: blessedRoot }], rmnSignatures: [] });
    /**
     * This follower's cached OffRamp read is a block old (next 4, the chain says 5) and its reader has stored only
     * one of the root's messages; catchUp (its reader's poll, run now) stores the rest, after `catchUpMs`.
     */
    const follower = (catchUpMs = 0) => {
      let stored = 1;
      const caughtUp: bigint[] = [];
      const plugin = createCommitPlugin(
        {
          destChainSelector: DEST,
          sources,
          readNextSeqNr: async (s, opts) => (s === SRC ? (opts?.fresh ? 5n : 4n) : 1n),
          readLeaves: async (s, from, max) => (s === SRC ? (from === 5n ? leaves(stored) : []) : leaves(2, 'two')).slice(0, max),
          catchUp: async (s) => {
            caughtUp.push(s);
            await new Promise((r) => setTimeout(r, catchUpMs));
            stored = 3;
          },
          now: () => 1_000,
          rmn: rmnDeps(),
        },
        1,
      );
      const observed = (q: Hex, source = SRC) =>
        plugin.observation(ctx, q).then((o) => decodeCommitObservation(o, 256).sources.find((x) => x.chainSelector === source)!);
      return { observed, caughtUp };
    };

    it('reads again before observing, so f+1 nodes hold the leaves of the blessed root', async () => {
      const { observed, caughtUp } = follower();
      expect(await observed('0x')).toEqual({ chainSelector: SRC, nextSeqNr: 4n, leaves: [] }); // no claim: no extra reads
      expect(caughtUp).toEqual([]);
      expect(await observed(claim(5n, 7n))).toEqual({ chainSelector: SRC, nextSeqNr: 5n, leaves: leaves(3) });
      expect(caughtUp).toEqual([SRC]);
      await observed(claim(5n, 7n)); // already holding every leaf of the claimed root: no catching up
      expect(caughtUp).toEqual([SRC]);
    });

    it('blessed roots that keep losing the race earn a warning after 10 rounds in a row; an agreed round starts the count over', async () => {
      const { logs, logger } = collectingLogger();
      const plugin = createCommitPlugin(
        { destChainSelector: DEST, sources, readNextSeqNr: async (s) => (s === SRC ? 5n : 1n), readLeaves: async (s, _f, max) => (s === SRC ? leaves(3) : []).slice(0, max), now: () => 1_000, rmn: rmnDeps() },
        1,
        { outcomeHoldMs: 0 }, // each call stands for a later round: the agreed one's hold must not cause the next races
        logger,
      );
      // Signatures are checked later (reports); the outcome only needs some.
      const signed = (q: Hex) => encodeCommitQuery({ ...decodeCommitQuery(q)!, rmnSignatures: [{ r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}` }] });
      const outcomeFor = async (unsigned: Hex) => {
        const q = signed(unsigned);
        const observation = await plugin.observation(ctx, q);
        plugin.outcome(ctx, q, [0, 1, 2].map((observer) => ({ observer, observation })));
      };
      const warnings = () => logs.filter((l) => l.level === 'warn' && l.msg.startsWith('commit outcome')).map((l) => l.fields?.rounds);
      for (let i = 0; i < 9; i++) await outcomeFor(claim(5n, 9n)); // 5..9, but only 5..7 are agreed: a race
      expect(warnings()).toEqual([]);
      await outcomeFor(claim(5n, 9n));
      expect(warnings()).toEqual([10]);
      await outcomeFor(claim(5n, 7n)); // agreed
      for (let i = 0; i < 9; i++) await outcomeFor(claim(5n, 9n));
      expect(warnings()).toEqual([10]);
      await outcomeFor(claim(5n, 9n));
      expect(warnings()).toEqual([10, 10]);
    });

    it('never for claims that cannot be committed, and never for long: a slow reader does not hold the observation', async () => {
      const { observed, caughtUp } = follower(5_000);
      await observed(claim(5n, 5n + 256n)); // longer than a root may be
      await observed(claim(1n, 3n, SRC2, ONRAMP2), SRC2); // a lane that takes no blessed roots
      expect(caughtUp).toEqual([]);
      const started = Date.now();
      expect(await observed(claim(5n, 7n))).toEqual({ chainSelector: SRC, nextSeqNr: 5n, leaves: leaves(1) }); // what is stored
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(caughtUp).toEqual([SRC]);
    });
  });
});
