import { afterEach, describe, expect, it } from 'vitest';
import { keccak256, toHex, type Hex } from 'viem';
import {
  createOcrKeySigners,
  decodeMessage,
  encodeMessage,
  epochOf,
  makeSeqNr,
  newEpochPayload,
  observationPayload,
  reportsHash,
  type WireMessage,
} from '../src/consensus/index.js';
import { CONFIG_DIGEST, Cluster, INSTANCE, Ledger, encodeValue, sleep, testKey, testSigners, toyPlugin } from './consensusHelpers.js';

let cluster: Cluster | undefined;
const loops: NodeJS.Timeout[] = [];
afterEach(async () => {
  loops.splice(0).forEach(clearInterval);
  await cluster?.stopAll();
  cluster = undefined;
});

const enc = (m: WireMessage) => encodeMessage(m);

/** The signatures on record in a node's store, by seqNr. */
function storedHashes(c: Cluster, i: number): Map<string, Hex> {
  const out = new Map<string, Hex>();
  for (const [k, v] of c.nodes[i]!.store.signatures) out.set(k, v);
  return out;
}

describe('consensus: byzantine nodes (n=4, f=1)', () => {
  it('a node sending garbage, forged signatures and bogus votes cannot stop progress or produce a report', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1 }));
    await c.startAll();
    const byz = 3;
    const signers = testSigners(4);
    const own = createOcrKeySigners(testKey(byz), signers);
    const stranger = createOcrKeySigners(keccak256(toHex('not in the DON')), signers);
    let k = 0;
    const garbage = async (to: number) => {
      const epoch = c.status(to).epoch;
      const seqNr = makeSeqNr(Math.max(epoch, 1), 1 + (k % 50));
      const variants: Uint8Array[] = [
        new Uint8Array(Array.from({ length: 1 + (k % 200) }, () => Math.floor(Math.random() * 256))),
        new TextEncoder().encode('{"v":2,"t":"q","i":"' + INSTANCE + '","n":"1","q":"0x"}'),
        new TextEncoder().encode('{"v":1,"t":"p","i":"' + INSTANCE + '","n":"-1","q":"0x","a":{}}'),
        new TextEncoder().encode('[1,2,3]'),
        enc({ type: 'query', instance: 'execute:other', seqNr, query: '0x' }),
        // Queries and proposals from a non-leader.
        enc({ type: 'query', instance: INSTANCE, seqNr, query: '0xdead' }),
        enc({ type: 'proposal', instance: INSTANCE, seqNr, query: '0x', observations: [] }),
        // A vote for a far epoch with a stranger's signature, and one with its own (valid, but alone).
        enc({ type: 'newEpoch', instance: INSTANCE, epoch: 1_000_000 + k, signature: await stranger.offchain.sign(newEpochPayload(CONFIG_DIGEST, INSTANCE, 1_000_000 + k)) }),
        enc({ type: 'newEpoch', instance: INSTANCE, epoch: 5000 + k, signature: await own.offchain.sign(newEpochPayload(CONFIG_DIGEST, INSTANCE, 5000 + k)) }),
        // Prepares for random hashes (future and current seqNrs) and far-future epochs.
        enc({ type: 'prepare', instance: INSTANCE, seqNr: seqNr + BigInt(k % 7), reportsHash: keccak256(toHex(k)) }),
        enc({ type: 'prepare', instance: INSTANCE, seqNr: makeSeqNr(epoch + 50, 1), reportsHash: keccak256(toHex(k)) }),
      ];
      // Valid signatures of its own on some other report, and a stranger's signature on a real-looking report.
      const bogusReport = encodeValue(BigInt(k));
      const sigOther = await own.onchain.signReport(CONFIG_DIGEST, seqNr, bogusReport);
      variants.push(enc({ type: 'reportSignature', instance: INSTANCE, seqNr, index: 0, reportHash: keccak256(bogusReport), ...sigOther }));
      const sigStranger = await stranger.onchain.signReport(CONFIG_DIGEST, seqNr, bogusReport);
      variants.push(enc({ type: 'reportSignature', instance: INSTANCE, seqNr, index: k % 3, reportHash: keccak256(bogusReport), ...sigStranger }));
      k++;
      for (const v of variants) c.net.inject(byz, to, v);
    };
    let busy = false;
    loops.push(
      setInterval(() => {
        if (busy) return;
        busy = true;
        void Promise.all([0, 1, 2].map(garbage)).finally(() => (busy = false));
      }, 20),
    );
    await c.until('10 reports landed', () => c.landedCount() >= 10, 10_000);
    await sleep(250);
    c.checkSafety();
    expect(c.ledger.refusedDuplicates).toBe(0);
    expect(k).toBeGreaterThan(20);
    // The bogus far-epoch votes were outvoted: the DON is still in the epoch it started.
    for (const i of [0, 1, 2]) expect(c.status(i).epoch).toBeLessThan(100);
  });

  it('an equivocating leader (different proposals, prepares and signatures to different nodes) gets at most one report set attested per seqNr', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1 }));
    const byz = 1; // leads epoch 1, the DON's first epoch
    const victim = 3;
    const signers = testSigners(4);
    const keys = createOcrKeySigners(testKey(byz), signers);
    const calc = toyPlugin({ value: () => 0n, ledger: new Ledger(signers, 1) });
    let equivocations = 0;
    const forge = async (m: Extract<WireMessage, { type: 'proposal' }>) => {
      // Replace the leader's own observation with a different, validly signed one.
      const observation = encodeValue(999n);
      const signature = await keys.offchain.sign(observationPayload(CONFIG_DIGEST, INSTANCE, m.seqNr, m.query, observation));
      const observations = m.observations.map((o) => (o.observer === byz ? { observer: byz, observation, signature } : o));
      const ctx = { instance: INSTANCE, seqNr: m.seqNr, epoch: epochOf(m.seqNr), leader: byz };
      const reports = await calc.reports(m.seqNr, calc.outcome(ctx, m.query, observations));
      const hashB = reportsHash(reports);
      const sigB = await keys.onchain.signReport(CONFIG_DIGEST, m.seqNr, reports[0]!.report);
      c.net.inject(byz, victim, enc({ ...m, observations }));
      c.net.inject(byz, victim, enc({ type: 'prepare', instance: INSTANCE, seqNr: m.seqNr, reportsHash: hashB }));
      c.net.inject(byz, victim, enc({ type: 'reportSignature', instance: INSTANCE, seqNr: m.seqNr, index: 0, reportHash: keccak256(reports[0]!.report), ...sigB }));
      equivocations++;
    };
    c.net.intercept(byz, (to, bytes) => {
      const d = decodeMessage(bytes);
      if (to === victim && d.ok && d.message.type === 'proposal') {
        void forge(d.message);
        return [];
      }
      return [bytes];
    });
    await c.startAll();
    await c.until('10 reports landed', () => c.landedCount() >= 10, 10_000);
    await sleep(250);
    c.checkSafety();
    expect(equivocations).toBeGreaterThan(3);
    // The attack did split the honest nodes: the victim promised different report sets than node 0 ...
    const a = storedHashes(c, 0);
    const b = storedHashes(c, victim);
    const split = [...b].filter(([key, h]) => a.has(key) && a.get(key) !== h);
    expect(split.length).toBeGreaterThan(0);
    // ... but every seqNr has at most one attested report, and each landed one carries f+1 valid signatures.
    for (const [seqNr, set] of c.ledger.attestedSeen) expect(set.size, `seqNr ${seqNr}`).toBe(1);
  });

  it('a leader proposing forged or impostor observations gets nothing signed; the pacemaker replaces it', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1 }));
    const byz = 1;
    const keys = createOcrKeySigners(testKey(byz), testSigners(4));
    let forged = 0;
    const forge = async (to: number, m: Extract<WireMessage, { type: 'proposal' }>) => {
      // Observer 0's slot carries an observation signed by the leader (an impostor), observer 2's a garbage signature.
      const observation = encodeValue(7n);
      const signature = await keys.offchain.sign(observationPayload(CONFIG_DIGEST, INSTANCE, m.seqNr, m.query, observation));
      const observations = m.observations.map((o) =>
        o.observer === 0 ? { observer: 0, observation, signature } : o.observer === 2 ? { ...o, signature: `0x${'11'.repeat(65)}` as Hex } : o,
      );
      c.net.inject(byz, to, enc({ ...m, observations }));
      forged++;
    };
    c.net.intercept(byz, (to, bytes) => {
      const d = decodeMessage(bytes);
      if (d.ok && d.message.type === 'proposal') {
        void forge(to, d.message);
        return [];
      }
      return [bytes];
    });
    await c.startAll();
    await c.until('5 reports landed', () => c.landedCount() >= 5, 10_000);
    c.checkSafety();
    expect(forged).toBeGreaterThan(0);
    // Nothing from the byzantine leader's epoch was ever attested.
    expect([...c.ledger.attestedSeen.keys()].every((s) => epochOf(s) !== 1)).toBe(true);
    for (const i of [0, 2, 3]) expect(c.status(i).epoch).toBeGreaterThan(1);
  });

  it('a follower sending conflicting and out-of-bounds observations cannot stop progress', async () => {
    const c = (cluster = new Cluster({ n: 4, f: 1 }));
    const byz = 2;
    const keys = createOcrKeySigners(testKey(byz), testSigners(4));
    // Before its real observation the leader gets an out-of-bounds one and a conflicting in-bounds one, all validly
    // signed (the toy plugin's query is always 0x).
    c.net.intercept(byz, (to, bytes) => {
      const d = decodeMessage(bytes);
      if (!d.ok || d.message.type !== 'observation') return [bytes];
      const m = d.message;
      const query: Hex = '0x';
      void (async () => {
        for (const v of [5_000_000n, 42n]) {
          const observation = encodeValue(v);
          const signature = await keys.offchain.sign(observationPayload(CONFIG_DIGEST, INSTANCE, m.seqNr, query, observation));
          c.net.inject(byz, to, enc({ ...m, observation, signature }));
        }
        // And the real one last, plus the conflicting ones to non-leaders.
        c.net.inject(byz, to, bytes);
        for (const other of [0, 1, 3]) if (other !== to) c.net.inject(byz, other, bytes);
      })();
      return [];
    });
    await c.startAll();
    await c.until('10 reports landed', () => c.landedCount() >= 10, 10_000);
    c.checkSafety();
    expect(c.ledger.refusedDuplicates).toBe(0);
  });
});
