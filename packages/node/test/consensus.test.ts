import { afterEach, describe, expect, it } from 'vitest';
import { epochOf, leaderOf, roundOf } from '../src/consensus/index.js';
import type { ReportingPlugin } from '../src/consensus/types.js';
import { Cluster, FAST, sleep } from './consensusHelpers.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stopAll();
  cluster = undefined;
});

describe('consensus: honest and crash faults', () => {
  it('all honest (n=4, f=1): a steady stream of attested reports, each seqNr transmitted once', async () => {
    // A generous deltaProgress: on a loaded 2-core machine (4 nodes in one process) a slow round must not count as a fault.
    const c = (cluster = new Cluster({ n: 4, f: 1, timing: { ...FAST, deltaProgress: 1500 } }));
    await c.startAll();
    await c.until('12 reports landed', () => c.landedCount() >= 12, 10_000);
    await sleep(FAST.deltaStage * 4); // let every rank's turn pass
    c.checkSafety();
    expect(c.ledger.refusedDuplicates).toBe(0);
    const seqNrs = [...c.ledger.landed.keys()];
    expect(new Set(seqNrs).size).toBe(seqNrs.length);
    // A fresh DON moves to epoch 1 at once; all honest → no further epoch change.
    expect(new Set(seqNrs.map(epochOf))).toEqual(new Set([1]));
    // The median of 100..103 with the lower-middle rule over 4 observations is 102 (or 101 with 3).
    for (const { report } of c.ledger.landed.values()) expect(report.length).toBe(2 + 3 * 64);
    // Transmission duty rotates: more than one node transmitted.
    expect(new Set([...c.ledger.landed.values()].map((l) => l.by)).size).toBeGreaterThan(1);
  });

  it('one node crashed (n=4, f=1): progress', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1, down: [2] }));
    await c.startAll();
    await c.until('10 reports landed', () => c.landedCount() >= 10);
    c.checkSafety();
    expect(c.ledger.refusedDuplicates).toBe(0);
  });

  it('the leader crashes: the pacemaker moves to the next epoch within ~deltaProgress and progress resumes', async () => {
    // deltaProgress 1500: on a loaded 2-core machine the survivors' timers and NEW_EPOCH signatures need slack.
    const timing = { ...FAST, deltaProgress: 1500 };
    const c = (cluster = new Cluster({ n: 4, f: 1, timing }));
    await c.startAll();
    await c.until('5 reports landed', () => c.landedCount() >= 5);
    const { epoch, leader } = c.status(0);
    await c.crash(leader);
    const crashedAt = Date.now();
    const before = c.landedCount();
    const others = [0, 1, 2, 3].filter((i) => i !== leader);
    await c.until('the others enter a later epoch', () => others.every((i) => c.status(i).epoch > epoch), 10_000);
    const epochChange = Date.now() - crashedAt;
    expect(epochChange).toBeLessThan(timing.deltaProgress * 2 + 1_000);
    await c.until('5 more reports landed', () => c.landedCount() >= before + 5);
    const newEpoch = c.status(others[0]!).epoch;
    expect([...c.ledger.landed.keys()].some((s) => epochOf(s) === newEpoch)).toBe(true);
    c.checkSafety();
  });

  it('a restarted node (new instance, same store) rejoins; nothing conflicts', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1 }));
    await c.startAll();
    await c.until('5 reports landed', () => c.landedCount() >= 5);
    const follower = (c.status(0).leader + 1) % 4;
    const epochBefore = c.status(follower).epoch;
    await c.crash(follower);
    await sleep(50);
    await c.start(follower);
    // It starts from the stored epoch, never lower.
    expect(c.status(follower).epoch).toBeGreaterThanOrEqual(epochBefore);
    const landed = c.landedCount();
    await c.until('the restarted node prepares again', () => (c.nodes[follower]!.lifetimes[1]?.length ?? 0) >= 3);
    await c.until('5 more reports landed', () => c.landedCount() >= landed + 5);
    c.checkSafety();
  });

  it('a transmitter that fails: the next rank takes over', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1, failingTransmitters: [0, 1] }));
    await c.startAll();
    await c.until('8 reports landed', () => c.landedCount() >= 8);
    await sleep(FAST.deltaStage * 4);
    for (const l of c.ledger.landed.values()) expect([2, 3]).toContain(l.by);
    c.checkSafety();
  });

  it('a partition without a quorum stops progress; healing resumes it', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1 }));
    await c.startAll();
    await c.until('3 reports landed', () => c.landedCount() >= 3);
    c.net.partition([
      [0, 1],
      [2, 3],
    ]);
    // Reports attested before the cut may still land: wait until nothing has landed for a while.
    let during = c.landedCount();
    for (let quietSince = Date.now(); Date.now() - quietSince < FAST.deltaStage * 5; await sleep(10)) {
      if (c.landedCount() !== during) [during, quietSince] = [c.landedCount(), Date.now()];
    }
    await sleep(FAST.deltaProgress * 2);
    expect(c.landedCount()).toBe(during);
    c.net.heal();
    await c.until('3 more reports after healing', () => c.landedCount() >= during + 3, 8000);
    c.checkSafety();
  });

  it('a lossy, jittery network (10% loss) still makes progress safely', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1, latency: () => Math.floor(Math.random() * 8) }));
    c.net.setDropRate(0.1);
    await c.startAll();
    await c.until('10 reports landed', () => c.landedCount() >= 10, 10_000);
    c.checkSafety();
  });

  it('n=7, f=2 with two nodes crashed (one of them the first leader)', async () => {
    const c = (cluster = new Cluster({ n: 7, f: 2, down: [1, 5] }));
    await c.startAll();
    await c.until('8 reports landed', () => c.landedCount() >= 8, 10_000);
    await sleep(FAST.deltaStage * 7);
    c.checkSafety();
    expect(c.ledger.refusedDuplicates).toBe(0);
    // Epoch 1 was led by the crashed node 1: the DON had to move on.
    expect(Math.min(...[...c.ledger.landed.keys()].map(epochOf))).toBeGreaterThan(1);
  });
});

describe('consensus: idle pacing', () => {
  it('while the plugin has no work the leader runs only heartbeat rounds; work brings back the full pace', async () => {
    let work = false;
    const timing = { ...FAST, deltaRound: 20, deltaRoundIdle: 400, deltaProgress: 1500 };
    const c = (cluster = new Cluster({ n: 4, f: 1, timing, hasWork: () => work }));
    await c.startAll();
    await c.until('the first report landed', () => c.landedCount() >= 1, 5_000);
    const idleFrom = c.landedCount();
    await sleep(1_600);
    const idleRounds = c.landedCount() - idleFrom;
    // ~4 heartbeat rounds in 1.6 s at 400 ms (80 at the full 20 ms pace); no epoch change meanwhile (progress held).
    expect(idleRounds).toBeGreaterThanOrEqual(2);
    expect(idleRounds).toBeLessThanOrEqual(6);
    work = true;
    const busyFrom = c.landedCount();
    // The idle pace would land ~5 in 2 s; the full pace lands 10 in well under a second.
    await c.until('10 reports at the full pace', () => c.landedCount() - busyFrom > 10, 2_000);
    const epochs = new Set([...c.ledger.landed.keys()].map(epochOf));
    expect(epochs).toEqual(new Set([1]));
    c.checkSafety();
  });
});

describe('consensus: leader offset', () => {
  it('an instance with a leader offset has its own leader per epoch and still makes progress', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1, timing: { ...FAST, deltaProgress: 1500, leaderOffset: 2 } }));
    await c.startAll();
    await c.until('5 reports landed', () => c.landedCount() >= 5, 10_000);
    expect(c.status(0).leader).toBe((c.status(0).epoch + 2) % 4);
    c.checkSafety();
  });
});

describe('consensus: leader rotation', () => {
  it('a leader that keeps rounds going but leaves the work out holds the instance for at most roundsPerEpoch rounds', async () => {
    // Node 1 leads epoch 1 and censors: its query tells the plugin to report nothing, yet every round is agreed, so
    // the pacemaker never sees a lack of progress. Only rotation after roundsPerEpoch rounds moves the work on.
    const CENSOR = '0xdead';
    const censor = leaderOf(1, 4, 0);
    const censored: bigint[] = [];
    const plugin = (i: number, toy: ReportingPlugin): ReportingPlugin => ({
      ...toy,
      query: async (ctx) => (i === censor ? CENSOR : toy.query(ctx)),
      outcome: (ctx, query, aos) => (query === CENSOR ? CENSOR : toy.outcome(ctx, query, aos)),
      reports: async (seqNr, outcome) => (outcome === CENSOR ? (censored.push(seqNr), []) : toy.reports(seqNr, outcome)),
    });
    const c = (cluster = new Cluster({ n: 4, f: 1, timing: { ...FAST, deltaProgress: 1500, roundsPerEpoch: 5 }, plugin }));
    await c.startAll();
    await c.until('10 reports landed', () => c.landedCount() >= 10, 10_000);
    c.checkSafety();
    const landed = [...c.ledger.landed.keys()];
    expect(censored.length).toBeGreaterThan(0);
    expect(landed.every((s) => leaderOf(epochOf(s), 4, 0) !== censor)).toBe(true);
    // No epoch runs past its 5th round: the censor's included (without rotation it would lead for ever).
    for (const s of [...censored, ...landed]) expect(roundOf(s)).toBeLessThanOrEqual(5);
    expect(new Set(landed.map(epochOf)).size).toBeGreaterThan(1);
  });

  it('rotation passes over a leader whose epoch made no progress: a crashed node costs deltaProgress once, not every turn', async () => {
    const down = leaderOf(3, 4, 0);
    const entered = new Map<number, number[]>(); // node → leaders of the epochs it entered, in order
    const onLog = (i: number, l: Record<string, unknown>) => {
      if (l.msg === 'entered epoch') entered.set(i, [...(entered.get(i) ?? []), Number(l.leader)]);
    };
    const c = (cluster = new Cluster({ n: 4, f: 1, down: [down], timing: { ...FAST, deltaProgress: 600, roundsPerEpoch: 4 }, onLog }));
    await c.startAll();
    // Three full turns of the 4 leaders: without passing over, the crashed one would lead three epochs.
    await c.until('12 epochs', () => [0, 1, 2, 3].every((i) => i === down || c.status(i).epoch >= 13), 20_000);
    c.checkSafety();
    for (const [i, leaders] of entered) {
      expect(leaders.filter((l) => l === down), `node ${i} entered ${leaders.join(',')}`).toHaveLength(1);
    }
    expect(entered.size).toBe(3);
  });
});
