import { afterEach, describe, expect, it } from 'vitest';
import { keccak256, toHex, type Hex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { decodeCommitReport, getMerkleRoot } from '@openccip/sdk';
import { createCommitPlugin } from '../src/plugins/commit/plugin.js';
import { decodeCommitQuery } from '../src/plugins/commit/query.js';
import type { CommitPluginDeps, CommitSource } from '../src/plugins/commit/types.js';
import { DEST, ONRAMP, SRC, collectingLogger, rmnDeps, runCommitRound, startRmnStandIns } from './blessingFixtures.js';
import type { RmnStandIn, StandInBehaviour } from './rmnStandIn.js';

// The leader's blessing pipeline through the real commit plugin: RMN stand-ins on 127.0.0.1 that sign with test RMN
// keys (some slowly, some never), every round run as the DON would (query → observations → outcome → report).
const leafOf = (seqNr: bigint) => keccak256(toHex(`leaf-${seqNr}`));
const rootOf = (min: bigint, max: bigint) => {
  const ls: Hex[] = [];
  for (let s = min; s <= max; s++) ls.push(leafOf(s));
  return getMerkleRoot(ls);
};
const ocrKey = generatePrivateKey();
const sources: CommitSource[] = [{ chainSelector: SRC, onRamp: ONRAMP, requiresBlessing: true }];
const SLOW_MS = 1_200;
const WAIT_MS = 300;
// Where the stand-ins sign at once: generous, so a cold worker's first requests never miss the round.
const PROMPT_WAIT_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !cond(); await sleep(20)) if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
}

let standIns: RmnStandIn[] = [];
afterEach(async () => {
  await Promise.all(standIns.map((s) => s.stop()));
  standIns = [];
});

/** One lane into DEST: the OffRamp's next seqNr and the source's last finalized seqNr, both moved by the test. */
async function setup(behaviours: StandInBehaviour[], opts: { timeoutMs?: number; waitMs?: number } = {}) {
  standIns = await startRmnStandIns(behaviours);
  const lane = { next: 5n, finalized: 7n };
  const { logs, logger } = collectingLogger();
  const deps: CommitPluginDeps = {
    destChainSelector: DEST,
    sources,
    readNextSeqNr: async () => lane.next,
    readLeaves: async (_s, from, max) => {
      const out: Hex[] = [];
      for (let s = from; s <= lane.finalized && out.length < max; s++) out.push(leafOf(s));
      return out;
    },
    now: () => 1_000,
    rmn: rmnDeps({ standIns, ocrKey, timeoutMs: opts.timeoutMs ?? 5_000 }),
  };
  // outcomeHoldMs 0: these rounds are never signed, and each stands for a later round, after an unsigned one's hold.
  const plugin = createCommitPlugin(deps, 1, { blessWaitMs: opts.waitMs ?? WAIT_MS, outcomeHoldMs: 0 }, logger);
  let seqNr = 0n;
  /** One round as every node would run it; returns the blessed interval the report commits (if any). */
  const round = async () => {
    const { query, queryMs, reports } = await runCommitRound(plugin, { instance: `commit:${DEST}`, seqNr: ++seqNr, epoch: 0, leader: 0 });
    const report = reports[0] && decodeCommitReport(reports[0].report);
    const blessed = report?.blessedMerkleRoots.map((r) => [r.minSeqNr, r.maxSeqNr, r.merkleRoot]) ?? [];
    return { query, queryMs, blessed, reports };
  };
  const requests = () => standIns[0]!.requests.map((r) => r.merkleRoots.map((m) => [m.minSeqNr, m.maxSeqNr]));
  /** Waits until every stand-in signed `n` requests, then lets the client's answer settle. */
  const signedAll = async (n: number) => {
    await waitUntil(`every stand-in signed ${n} requests`, () => standIns.every((s) => s.signed() >= n));
    await sleep(20);
  };
  return { plugin, lane, logs, round, requests, signedAll };
}

describe('commit blessing pipeline: RMN blessing off the round', () => {
  it('slow RMN: the first query returns unblessed within ~blessWaitMs, a later round carries the answer', async () => {
    const slow = { signAfterMs: SLOW_MS };
    const { round, requests, logs } = await setup([slow, slow, slow]);
    const first = await round();
    expect(first.query).toBe('0x');
    expect(first.queryMs).toBeGreaterThanOrEqual(WAIT_MS - 20);
    expect(first.queryMs).toBeLessThan(WAIT_MS + 400);
    expect(first.blessed).toEqual([]);
    // A round while the request is in flight waits for it again (no second request), still not back.
    expect((await round()).query).toBe('0x');
    expect(requests()).toEqual([[[5n, 7n]]]);
    await sleep(SLOW_MS);
    const later = await round();
    expect(later.queryMs).toBeLessThan(200);
    expect(later.blessed).toEqual([[5n, 7n, rootOf(5n, 7n)]]);
    expect(decodeCommitQuery(later.query)!.rmnSignatures).toHaveLength(2);
    expect(logs.some((l) => l.level === 'debug' && /using a kept RMN blessing/.test(l.msg))).toBe(true);
  });

  it('a kept blessing whose interval the OffRamp moved past is not used; the new interval is blessed instead', async () => {
    const { round, lane, requests, logs } = await setup(['sign', 'sign', 'sign'], { waitMs: PROMPT_WAIT_MS });
    lane.finalized = 9n;
    // Blessed and used once...
    expect((await round()).blessed).toEqual([[5n, 9n, rootOf(5n, 9n)]]);
    // ...but another leader's shorter root (5..6) landed: 5..9 no longer starts at the next seqNr.
    expect(requests()).toEqual([[[5n, 9n]]]); // nothing after 9 yet: no pre-blessing
    lane.next = 7n;
    const r = await round();
    expect(r.blessed).toEqual([[7n, 9n, rootOf(7n, 9n)]]);
    expect(requests()).toEqual([[[5n, 9n]], [[7n, 9n]]]);
    expect(logs.filter((l) => /using a kept RMN blessing/.test(l.msg))).toHaveLength(0);
  });

  it('pre-blesses the next interval after a blessed query and uses it at once when the commit lands', async () => {
    const slow = { signAfterMs: SLOW_MS };
    const { plugin, round, lane, requests, signedAll } = await setup([slow, slow, slow]);
    expect((await round()).query).toBe('0x'); // asks for 5..7
    lane.finalized = 12n; // more messages finalize while the RMN works
    await signedAll(1);
    // The kept 5..7 is shorter than the candidates 5..12: used as is; 8..12 is asked for in the background.
    const used = await round();
    expect(used.blessed).toEqual([[5n, 7n, rootOf(5n, 7n)]]);
    expect(await plugin.shouldAcceptAttestedReport(2n, used.reports[0]!)).toBe(true);
    await waitUntil('8..12 asked for', () => requests().length >= 2);
    expect(requests()).toEqual([[[5n, 7n]], [[8n, 12n]]]);
    // While 5..7 is not on chain the lane sits out: nobody is asked, nothing is blessed.
    const waiting = await round();
    expect(waiting.blessed).toEqual([]);
    expect(waiting.queryMs).toBeLessThan(150);
    expect(requests()).toHaveLength(2);
    await signedAll(2);
    // The commit lands: the pre-made blessing is ready at once, no waiting on the RMN.
    lane.next = 8n;
    const next = await round();
    expect(next.queryMs).toBeLessThan(150);
    expect(next.blessed).toEqual([[8n, 12n, rootOf(8n, 12n)]]);
  });

  it('a pre-blessing whose commit never lands is dropped: the lane is blessed again from its next seqNr', async () => {
    const { round, lane, requests, signedAll } = await setup(['sign', 'sign', 'sign'], { waitMs: PROMPT_WAIT_MS });
    expect((await round()).blessed).toEqual([[5n, 7n, rootOf(5n, 7n)]]);
    lane.finalized = 10n;
    expect((await round()).blessed).toEqual([[5n, 7n, rootOf(5n, 7n)]]); // kept again: 5..7 did not land
    await signedAll(2); // pre-blessed 8..10
    expect(requests()).toEqual([[[5n, 7n]], [[8n, 10n]]]);
    // Another leader committed 5..9 instead: neither 5..7 nor 8..10 starts at 10.
    lane.next = 10n;
    expect((await round()).blessed).toEqual([[10n, 10n, leafOf(10n)]]);
    expect(requests().at(-1)).toEqual([[10n, 10n]]);
  });

  it('an RMN node that never answers holds nothing: fSign+1 others bless, and a request nobody answers ends at the timeout', async () => {
    const oneHangs = await setup(['sign', 'hang', 'sign'], { timeoutMs: 60_000, waitMs: PROMPT_WAIT_MS });
    oneHangs.lane.finalized = 9n;
    const a = await oneHangs.round();
    expect(a.blessed).toEqual([[5n, 9n, rootOf(5n, 9n)]]);
    oneHangs.lane.finalized = 12n;
    await oneHangs.round(); // uses 5..9 again and pre-blesses 10..12 though node 1 still hangs on the first request
    await waitUntil('10..12 pre-blessed by nodes 0 and 2', () => standIns[0]!.signed() >= 2 && standIns[2]!.signed() >= 2);
    await sleep(20);
    oneHangs.lane.next = 10n;
    const b = await oneHangs.round();
    expect(b.queryMs).toBeLessThan(150);
    expect(b.blessed).toEqual([[10n, 12n, rootOf(10n, 12n)]]);
    await Promise.all(standIns.map((s) => s.stop()));

    const allHang = await setup(['hang', 'hang', 'hang'], { timeoutMs: 700 });
    expect((await allHang.round()).query).toBe('0x');
    await waitUntil('the request timed out', () => allHang.logs.some((l) => /not enough RMN blessings/.test(l.msg)));
    const warn = allHang.logs.find((l) => /not enough RMN blessings/.test(l.msg))!;
    expect(warn.level).toBe('warn');
    expect((warn.fields!.rmnErrors as unknown[]).length).toBe(3);
    for (const s of standIns) s.setBehaviour('sign');
    // The slot is free again: this round asks anew and gets its blessing in time.
    const c = await allHang.round();
    expect(c.blessed).toEqual([[5n, 7n, rootOf(5n, 7n)]]);
    expect(allHang.requests()).toEqual([[[5n, 7n]], [[5n, 7n]]]);
  });
});
