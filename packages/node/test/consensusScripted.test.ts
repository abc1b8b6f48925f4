import { afterEach, describe, expect, it } from 'vitest';
import { keccak256, type Hex } from 'viem';
import {
  createConsensusHost,
  createOcrKeySigners,
  decodeMessage,
  encodeMessage,
  makeSeqNr,
  newEpochPayload,
  observationPayload,
  reportsHash,
  ROUNDS_PER_EPOCH,
  verifyReportSignatureOn,
  type ConsensusHost,
  type ConsensusInstance,
  type SignedObservation,
  type WireMessage,
} from '../src/consensus/index.js';
import { createMemoryNetwork, type MemoryNetwork } from '../src/transport/memory.js';
import { createLogger } from '../src/log.js';
import { CONFIG_DIGEST, INSTANCE, Ledger, MemoryConsensusStore, encodeValue, instanceConfig, sleep, testKey, testSigners, toyPlugin } from './consensusHelpers.js';

/**
 * One real node (index 2) among scripted peers 0, 1, 3: the test plays the other nodes message by message, so it
 * can replay, equivocate and restart precisely.
 */
const N = 4;
const F = 1;
const REAL = 2;
const LEADER = 1; // leader of epoch 1
const signers = testSigners(N);
const keys = Array.from({ length: N }, (_, i) => createOcrKeySigners(testKey(i), signers));
const calc = toyPlugin({ value: () => 0n, ledger: new Ledger(signers, F) });

class Harness {
  /** deltaRound of the real node (ms), and other timing of it. */
  constructor(
    private readonly deltaRound = 10,
    private readonly timing: { deltaResend?: number } = {},
  ) {}

  readonly net: MemoryNetwork = createMemoryNetwork(N);
  readonly inbox: { from: number; to: number; m: WireMessage }[] = [];
  readonly store = new MemoryConsensusStore();
  readonly logLines: Record<string, unknown>[] = [];
  host?: ConsensusHost;
  node?: ConsensusInstance;

  async init(): Promise<void> {
    for (const i of [0, 1, 3]) {
      const t = this.net.transport(i);
      t.onMessage((from, bytes) => {
        const d = decodeMessage(bytes);
        if (d.ok) this.inbox.push({ from, to: i, m: d.message });
      });
      await t.start();
    }
    await this.startReal();
  }

  async startReal(): Promise<void> {
    const t = this.net.transport(REAL);
    const logger = createLogger('real', 'debug', { write: (line) => this.logLines.push(JSON.parse(line) as Record<string, unknown>) });
    this.host = createConsensusHost(t, { logger });
    await t.start();
    const timing = { deltaRound: this.deltaRound, deltaProgress: 60_000, deltaGrace: 5, deltaStage: 10, ...this.timing };
    const plugin = toyPlugin({ value: () => 102n, ledger: new Ledger(signers, F) });
    const k = keys[REAL]!;
    this.node = await this.host.startInstance(instanceConfig(N, F, REAL, timing), plugin, new Ledger(signers, F).transmitter(REAL), k.onchain, k.offchain, this.store, logger);
  }

  async crashReal(): Promise<void> {
    await this.net.transport(REAL).stop();
    await this.host?.stop();
  }

  send(from: number, m: WireMessage): void {
    this.net.inject(from, REAL, encodeMessage(m));
  }

  sent<T extends WireMessage['type']>(type: T, pred: (m: Extract<WireMessage, { type: T }>) => boolean = () => true) {
    // Broadcasts reach every scripted peer; count each message once (as seen by the leader).
    return this.inbox.filter((x) => x.from === REAL && x.to === LEADER && x.m.type === type && pred(x.m as Extract<WireMessage, { type: T }>)).map((x) => x.m as Extract<WireMessage, { type: T }>);
  }

  async waitFor(what: string, cond: () => boolean, ms = 3000): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
      await sleep(3);
    }
  }

  async enterEpoch(epoch: number): Promise<void> {
    for (const i of [0, 1, 3]) {
      this.send(i, { type: 'newEpoch', instance: INSTANCE, epoch, signature: await keys[i]!.offchain.sign(newEpochPayload(CONFIG_DIGEST, INSTANCE, epoch)) });
    }
    await this.waitFor(`epoch ${epoch}`, () => this.node!.status().epoch === epoch);
  }

  async observation(i: number, seqNr: bigint, value: bigint, query: Hex = '0x'): Promise<SignedObservation> {
    const observation = encodeValue(value);
    return { observer: i, observation, signature: await keys[i]!.offchain.sign(observationPayload(CONFIG_DIGEST, INSTANCE, seqNr, query, observation)) };
  }

  /** Queries the real node as leader and returns its signed observation. */
  async realObservation(seqNr: bigint): Promise<SignedObservation> {
    this.send(LEADER, { type: 'query', instance: INSTANCE, seqNr, query: '0x' });
    await this.waitFor('observation', () => this.sent('observation', (m) => m.seqNr === seqNr).length > 0);
    const m = this.sent('observation', (x) => x.seqNr === seqNr)[0]!;
    return { observer: REAL, observation: m.observation, signature: m.signature };
  }

  async expectedHash(seqNr: bigint, observations: SignedObservation[]): Promise<{ hash: Hex; report: Hex }> {
    const reports = await calc.reports(seqNr, calc.outcome({ instance: INSTANCE, seqNr, epoch: 1, leader: LEADER }, '0x', observations));
    return { hash: reportsHash(reports), report: reports[0]!.report };
  }

  async close(): Promise<void> {
    await this.host?.stop();
    this.net.close();
  }
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('consensus: one node against scripted peers', () => {
  it('a restarted node never prepares or signs a different report set for a seqNr it signed before', async () => {
    h = new Harness();
    await h.init();
    await h.enterEpoch(1);
    const s = makeSeqNr(1, 1);
    const mine = await h.realObservation(s);
    const setA = [await h.observation(0, s, 100n), await h.observation(1, s, 101n), mine];
    const A= await h.expectedHash(s, setA);
    h.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: setA });
    await h.waitFor('prepare A', () => h!.sent('prepare', (m) => m.seqNr === s).length > 0);
    expect(h.sent('prepare', (m) => m.seqNr === s)[0]!.reportsHash).toBe(A.hash);
    for (const i of [0, 1]) h.send(i, { type: 'prepare', instance: INSTANCE, seqNr: s, reportsHash: A.hash });
    await h.waitFor('signature on A', () => h!.sent('reportSignature', (m) => m.seqNr === s).length > 0);
    const sigA = h.sent('reportSignature', (m) => m.seqNr === s)[0]!;
    expect(sigA.reportHash).toBe(keccak256(A.report));
    expect(await verifyReportSignatureOn(signers, CONFIG_DIGEST, s, A.report, { signer: REAL, r: sigA.r, s: sigA.s, yParity: sigA.yParity })).toBe(true);

    // Restart: new host and instance objects, same store.
    await h.crashReal();
    h.inbox.length = 0;
    await h.startReal();
    expect(h.node!.status().epoch).toBe(1); // from the store, not 0
    expect(h.node!.status().leading).toBe(false);

    // The (byzantine) leader now proposes a different set for the same seqNr, with a full quorum of prepares for it.
    const setB = [await h.observation(0, s, 100n), await h.observation(1, s, 101n), await h.observation(3, s, 500n)];
    const B= await h.expectedHash(s, setB);
    expect(B.hash).not.toBe(A.hash);
    h.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: setB });
    for (const i of [0, 1, 3]) h.send(i, { type: 'prepare', instance: INSTANCE, seqNr: s, reportsHash: B.hash });
    await sleep(150);
    expect(h.sent('prepare', (m) => m.seqNr === s && m.reportsHash === B.hash)).toHaveLength(0);
    expect(h.sent('reportSignature', (m) => m.seqNr === s && m.reportHash === keccak256(B.report))).toHaveLength(0);
    expect(await h.store.getSignature(INSTANCE, s)).toBe(A.hash);
    expect(h.logLines.some((l) => l.level === 'warn' && String(l.msg).includes('different report set was already signed'))).toBe(true);

    // It is alive: the next seqNr works normally.
    const s2 = makeSeqNr(1, 2);
    const mine2 = await h.realObservation(s2);
    const set2 = [await h.observation(0, s2, 100n), await h.observation(1, s2, 101n), mine2];
    h.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s2, query: '0x', observations: set2 });
    await h.waitFor('prepare for the next seqNr', () => h!.sent('prepare', (m) => m.seqNr === s2).length > 0);
  });

  it('a leader flooding queries gets at most 3 observations per deltaRound; a burst of 2 is all served', async () => {
    // deltaRound 200 ms: the flood below lands well within one window even on a loaded machine.
    const x = (h = new Harness(200));
    await x.init();
    await x.enterEpoch(1);
    // A burst of 2 queries (jitter) is served in full, the one after waits its turn.
    for (const r of [1, 2]) x.send(LEADER, { type: 'query', instance: INSTANCE, seqNr: makeSeqNr(1, r), query: '0x' });
    await x.waitFor('both observations', () => x.sent('observation').length === 2);
    await sleep(250);
    const before = x.sent('observation').length;
    for (let r = 3; r < 23; r++) x.send(LEADER, { type: 'query', instance: INSTANCE, seqNr: makeSeqNr(1, r), query: '0x' });
    await x.waitFor('an observation of the flood', () => x.sent('observation').length > before);
    await sleep(50);
    const observed = x.sent('observation').length - before;
    expect(observed).toBeGreaterThanOrEqual(1);
    expect(observed).toBeLessThanOrEqual(4); // 3 admitted + the newest one that waited for a running observation
    const drops = x.logLines.filter((l) => String(l.msg).includes('too soon'));
    expect(drops.length).toBeGreaterThanOrEqual(16);
  });

  it('drops malformed and invalid input (logged at debug) and only prepares a valid proposal', async () => {
    h = new Harness();
    await h.init();
    await h.enterEpoch(1);
    const s = makeSeqNr(1, 1);
    const mine = await h.realObservation(s);
    const o0 = await h.observation(0, s, 100n);
    const o1 = await h.observation(1, s, 101n);
    const o3 = await h.observation(3, s, 103n);
    const impostor = { ...(await h.observation(1, s, 7n)), observer: 0 }; // signed by 1, claims to be 0
    const outOfBounds = await h.observation(3, s, 10_000_000n);
    const bad: [string, number, WireMessage | Uint8Array][] = [
      ['random bytes', LEADER, new Uint8Array([0xff, 0x00, 0x7b])],
      ['json garbage', LEADER, new TextEncoder().encode('{"v":1,"t":"p","i":"' + INSTANCE + '","n":"1e3"}')],
      ['too few observations', LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: [o0, mine] }],
      ['repeated observer', LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: [o0, o0, mine] }],
      ['impostor observation', LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: [impostor, o1, mine] }],
      ['observation over another query', LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x01', observations: [o0, o1, mine] }],
      ['out-of-bounds observation', LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: [o0, o1, outOfBounds] }],
      ['unknown observer', LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: [o0, o1, { ...o3, observer: 9 }] }],
      ['proposal from a non-leader', 3, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: [o0, o1, mine] }],
      ['proposal for another epoch', LEADER, { type: 'proposal', instance: INSTANCE, seqNr: makeSeqNr(2, 1), query: '0x', observations: [o0, o1, mine] }],
      ['wrong instance', LEADER, { type: 'proposal', instance: 'execute:1', seqNr: s, query: '0x', observations: [o0, o1, mine] }],
    ];
    for (const [, from, m] of bad) {
      h.net.inject(from, REAL, m instanceof Uint8Array ? m : encodeMessage(m));
      await sleep(8); // proposals are rate-limited (3 per deltaRound): space them so each is really checked
    }
    await sleep(100);
    expect(h.sent('prepare')).toHaveLength(0);
    const drops = h.logLines.filter((l) => l.level === 'debug' && String(l.msg).startsWith('dropped')).map((l) => String(l.msg));
    for (const reason of [
      'undecodable',
      'repeats an observer',
      'wrong number of observations',
      'bad signatures',
      'invalid observation',
      'unknown observer',
      'non-leader',
      'outside the current epoch',
      'unknown instance',
    ]) {
      expect(drops.some((d) => d.includes(reason)), reason).toBe(true);
    }
    expect(drops.filter((d) => d.includes('bad signatures'))).toHaveLength(2); // impostor and other query
    expect(drops.some((d) => d.includes('too soon'))).toBe(false);
    expect(h.logLines.filter((l) => l.level === 'error')).toHaveLength(0);

    const good = [o0, o1, mine, o3];
    h.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: good });
    await h.waitFor('prepare', () => h!.sent('prepare').length > 0);
    expect(h.sent('prepare')[0]!.reportsHash).toBe((await h.expectedHash(s, good)).hash);
    // A replay of the same proposal is not prepared twice; an older seqNr is refused.
    h.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: good });
    await sleep(50);
    expect(h.sent('prepare')).toHaveLength(1);

    // Report signatures: only f+1 that recover to their sender for exactly this report make it attested.
    const { report, hash }= await h.expectedHash(s, good);
    for (const i of [0, 1, 3]) h.send(i, { type: 'prepare', instance: INSTANCE, seqNr: s, reportsHash: hash });
    await h.waitFor('own signature', () => h!.sent('reportSignature').length > 0);
    const forgedByOther = await keys[0]!.onchain.signReport(CONFIG_DIGEST, s, report); // node 0's key, sent as node 3
    h.send(3, { type: 'reportSignature', instance: INSTANCE, seqNr: s, index: 0, reportHash: keccak256(report), ...forgedByOther });
    await sleep(50);
    expect(h.node!.status().attestedReports).toBe(0);
    const sig1 = await keys[1]!.onchain.signReport(CONFIG_DIGEST, s, report);
    h.send(1, { type: 'reportSignature', instance: INSTANCE, seqNr: s, index: 0, reportHash: keccak256(report), ...sig1 });
    await h.waitFor('attested', () => h!.node!.status().attestedReports === 1);
  });

  it('asks for the next epoch once the epoch’s last round is agreed; drops a query or proposal past it', async () => {
    const x = (h = new Harness());
    await x.init();
    await x.enterEpoch(1);
    const last = makeSeqNr(1, ROUNDS_PER_EPOCH);
    const obs = [await x.observation(0, last, 100n), await x.observation(1, last, 101n), await x.realObservation(last)];
    x.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: last, query: '0x', observations: obs });
    await x.waitFor('prepare', () => x.sent('prepare').length > 0);
    await sleep(30);
    expect(x.sent('newEpoch', (m) => m.epoch === 2)).toHaveLength(0); // prepared, not agreed yet
    const { hash } = await x.expectedHash(last, obs);
    for (const i of [0, 1]) x.send(i, { type: 'prepare', instance: INSTANCE, seqNr: last, reportsHash: hash });
    await x.waitFor('NEW_EPOCH 2', () => x.sent('newEpoch', (m) => m.epoch === 2).length > 0);

    // Still in epoch 1 (one wish is not 2f+1): the leader's rounds past the last one are not taken.
    expect(x.node!.status().epoch).toBe(1);
    const past = makeSeqNr(1, ROUNDS_PER_EPOCH + 1);
    x.send(LEADER, { type: 'query', instance: INSTANCE, seqNr: past, query: '0x' });
    x.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: past, query: '0x', observations: [await x.observation(0, past, 100n), await x.observation(1, past, 101n), await x.observation(3, past, 103n)] });
    await x.waitFor('both dropped', () => x.logLines.filter((l) => String(l.msg).includes('past the epoch’s last round')).length === 2);
    expect(x.sent('observation', (m) => m.seqNr === past)).toHaveLength(0);
    expect(x.sent('prepare', (m) => m.seqNr === past)).toHaveLength(0);
  });

  it('a NEW_EPOCH that comes too soon after the previous one is checked when its turn comes, not lost', async () => {
    const x = (h = new Harness(10, { deltaResend: 400 })); // a peer's votes are checked at most every 100 ms
    await x.init();
    await x.enterEpoch(1);
    const vote = async (i: number, epoch: number) => ({ i, epoch, signature: await keys[i]!.offchain.sign(newEpochPayload(CONFIG_DIGEST, INSTANCE, epoch)) });
    const votes = await Promise.all([0, 1, 3].flatMap((i) => [vote(i, 2), vote(i, 3)]));
    // Right after their epoch-1 votes, each peer asks for 2 and then 3 (as after a rotation that passes a leader over).
    for (const v of votes) x.send(v.i, { type: 'newEpoch', instance: INSTANCE, epoch: v.epoch, signature: v.signature });
    await x.waitFor('epoch 3', () => x.node!.status().epoch === 3, 2_000);
    expect(x.logLines.some((l) => String(l.msg).includes('NEW_EPOCH too frequent'))).toBe(true);
  });

  it('keeps 16 accepted rounds: an older round is pruned with its books, and late messages for it are dropped', async () => {
    const x = (h = new Harness());
    await x.init();
    await x.enterEpoch(1);
    const accept = async (r: number) => {
      const s = makeSeqNr(1, r);
      const set = [await x.observation(0, s, 100n), await x.observation(1, s, 101n), await x.observation(3, s, 103n)];
      x.send(LEADER, { type: 'proposal', instance: INSTANCE, seqNr: s, query: '0x', observations: set });
      await x.waitFor(`prepare ${r}`, () => x.sent('prepare', (m) => m.seqNr === s).length > 0);
      return { s, ...(await x.expectedHash(s, set)) };
    };
    const first = await accept(1);
    for (let r = 2; r <= 17; r++) await accept(r); // the 17th accepted round prunes the 1st
    const dropped = (what: string) => x.logLines.filter((l) => String(l.msg) === `dropped: ${what} for a pruned round`).length;
    x.send(0, { type: 'prepare', instance: INSTANCE, seqNr: first.s, reportsHash: first.hash });
    const sig = await keys[0]!.onchain.signReport(CONFIG_DIGEST, first.s, first.report);
    x.send(0, { type: 'reportSignature', instance: INSTANCE, seqNr: first.s, index: 0, reportHash: keccak256(first.report), ...sig });
    await x.waitFor('both dropped', () => dropped('prepare') === 1 && dropped('report signature') === 1);
    // A kept round still takes them.
    const kept = makeSeqNr(1, 2);
    x.send(0, { type: 'prepare', instance: INSTANCE, seqNr: kept, reportsHash: first.hash });
    await sleep(30);
    expect(dropped('prepare')).toBe(1);
  });
});
