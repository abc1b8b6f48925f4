import { describe, expect, it } from 'vitest';
import { keccak256, numberToHex, toHex, type Hex } from 'viem';
import { ocrReportDigest, reportContext } from '@openccip/sdk';
import {
  createOcrKeySigners,
  decodeMessage,
  encodeMessage,
  epochOf,
  makeSeqNr,
  ocrDigestFromReportHash,
  roundOf,
  transmissionRank,
  verifyReportSignature,
  type WireMessage,
} from '../src/consensus/index.js';
import { EpochVotes, PerSenderBook } from '../src/consensus/books.js';
import { createMemoryNetwork } from '../src/transport/memory.js';
import { createLogger, withFields } from '../src/log.js';
import { CONFIG_DIGEST, INSTANCE, sleep, testKey, testSigners } from './consensusHelpers.js';

const h32 = keccak256(toHex('x'));
const sig65 = `0x${'ab'.repeat(65)}` as Hex;

const samples: WireMessage[] = [
  { type: 'query', instance: INSTANCE, seqNr: makeSeqNr(3, 9), query: '0x' },
  { type: 'observation', instance: INSTANCE, seqNr: 1n, observation: '0x0102', signature: sig65 },
  {
    type: 'proposal',
    instance: INSTANCE,
    seqNr: 0xffff_ffff_ffff_ffffn,
    query: '0xff',
    observations: [
      { observer: 0, observation: '0x', signature: sig65 },
      { observer: 3, observation: '0xaa', signature: sig65 },
    ],
  },
  { type: 'prepare', instance: INSTANCE, seqNr: 5n, reportsHash: h32 },
  { type: 'reportSignature', instance: INSTANCE, seqNr: 5n, index: 2, reportHash: h32, r: h32, s: h32, yParity: 1 },
  { type: 'newEpoch', instance: INSTANCE, epoch: 0xffff_ffff, signature: sig65 },
];

describe('wire codec', () => {
  it('round-trips every message type', () => {
    for (const m of samples) expect(decodeMessage(encodeMessage(m))).toEqual({ ok: true, message: m });
  });

  it('rejects malformed input without throwing', () => {
    const text = (o: unknown) => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o));
    const base = JSON.parse(new TextDecoder().decode(encodeMessage(samples[4]!))) as Record<string, unknown>;
    const bad: Uint8Array[] = [
      new Uint8Array([0xc3, 0x28]), // invalid UTF-8
      text('not json'),
      text('null'),
      text([1, 2]),
      text({ ...base, v: 2 }),
      text({ ...base, t: 'z' }),
      text({ ...base, i: '' }),
      text({ ...base, i: 'x'.repeat(200) }),
      text({ ...base, n: '-1' }),
      text({ ...base, n: '18446744073709551616' }),
      text({ ...base, n: 5 }),
      text({ ...base, n: '05' }),
      text({ ...base, x: 1.5 }),
      text({ ...base, x: 5000 }),
      text({ ...base, y: 2 }),
      text({ ...base, h: '0x1234' }),
      text({ ...base, r: 'zz' }),
      text({ v: 1, t: 'p', i: INSTANCE, n: '1', q: '0x', a: [[0, '0x0', sig65]] }),
      text({ v: 1, t: 'p', i: INSTANCE, n: '1', q: '0x', a: [[0, '0x', '0x12']] }),
      text({ v: 1, t: 'p', i: INSTANCE, n: '1', q: '0x', a: [[-1, '0x', sig65]] }),
      text({ v: 1, t: 'p', i: INSTANCE, n: '1', q: '0x', a: 'nope' }),
      text({ v: 1, t: 'e', i: INSTANCE, e: 2 ** 32, g: sig65 }),
      text({ v: 1, t: 'q', i: INSTANCE, n: '1' }),
      text({ v: 1, t: 'q', i: INSTANCE, n: '1', q: '0x', extra: [] }).subarray(0, 20),
    ];
    for (const b of bad) {
      const r = decodeMessage(b);
      expect(r.ok, new TextDecoder().decode(b)).toBe(false);
    }
    // Random bytes and random mutations of valid messages never throw.
    for (let k = 0; k < 2000; k++) {
      const src = encodeMessage(samples[k % samples.length]!);
      const b = k % 2 ? src.map((x) => (Math.random() < 0.05 ? Math.floor(Math.random() * 256) : x)) : new Uint8Array(Array.from({ length: k % 64 }, () => Math.floor(Math.random() * 256)));
      expect(() => decodeMessage(b)).not.toThrow();
    }
  });
});

describe('seqNr and ranks', () => {
  it('packs epoch and round and orders across epochs', () => {
    const s = makeSeqNr(7, 3);
    expect(s).toBe((7n << 32n) | 3n);
    expect([epochOf(s), roundOf(s)]).toEqual([7, 3]);
    expect(makeSeqNr(2, 1) > makeSeqNr(1, 0xffff_ffff)).toBe(true);
    expect(() => makeSeqNr(1, 0)).toThrow();
    expect(() => makeSeqNr(2 ** 32, 1)).toThrow();
  });

  it('transmission ranks are a permutation for every seqNr and rotate', () => {
    const firsts = new Set<number>();
    for (let r = 1; r <= 40; r++) {
      const seqNr = makeSeqNr(1, r);
      const ranks = [0, 1, 2, 3].map((i) => transmissionRank(INSTANCE, seqNr, i, 4));
      expect(new Set(ranks)).toEqual(new Set([0, 1, 2, 3]));
      firsts.add(ranks.indexOf(0));
    }
    expect(firsts.size).toBe(4);
  });
});

describe('signing', () => {
  const signers = testSigners(4);
  const k1 = createOcrKeySigners(testKey(1), signers);

  it('the OCR digest from a report hash equals the SDK digest of the report', () => {
    const report = '0x1234abcd' as Hex;
    expect(ocrDigestFromReportHash(keccak256(report), CONFIG_DIGEST, 77n)).toBe(ocrReportDigest(report, reportContext(CONFIG_DIGEST, 77n)));
  });

  it('report signatures recover to the signer only for that exact report, seqNr and digest; high-s is refused', async () => {
    const report = '0xbeef' as Hex;
    const sig = await k1.onchain.signReport(CONFIG_DIGEST, 9n, report);
    expect(k1.onchain.address).toBe(signers[1]);
    expect(await verifyReportSignature(signers[1]!, CONFIG_DIGEST, 9n, keccak256(report), sig)).toBe(true);
    expect(await verifyReportSignature(signers[0]!, CONFIG_DIGEST, 9n, keccak256(report), sig)).toBe(false);
    expect(await verifyReportSignature(signers[1]!, CONFIG_DIGEST, 10n, keccak256(report), sig)).toBe(false);
    expect(await verifyReportSignature(signers[1]!, CONFIG_DIGEST, 9n, keccak256('0xbeee'), sig)).toBe(false);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin = { r: sig.r, s: numberToHex(n - BigInt(sig.s), { size: 32 }), yParity: 1 - sig.yParity };
    expect(await verifyReportSignature(signers[1]!, CONFIG_DIGEST, 9n, keccak256(report), twin)).toBe(false);
    expect(await verifyReportSignature(signers[1]!, CONFIG_DIGEST, 9n, keccak256(report), { ...sig, yParity: 5 })).toBe(false);
  });

  it('off-chain signatures verify only for the configured signer of the index', async () => {
    const payload = new Uint8Array([1, 2, 3]);
    const sig = await k1.offchain.sign(payload);
    expect(await k1.offchain.verify(1, payload, sig)).toBe(true);
    expect(await k1.offchain.verify(2, payload, sig)).toBe(false);
    expect(await k1.offchain.verify(9, payload, sig)).toBe(false);
    expect(await k1.offchain.verify(1, new Uint8Array([1, 2]), sig)).toBe(false);
    expect(await k1.offchain.verify(1, payload, `0x${'00'.repeat(65)}`)).toBe(false);
    expect(await k1.offchain.verify(1, payload, '0x12')).toBe(false);
  });
});

describe('books', () => {
  it('PerSenderBook keeps the first value per key and evicts only the sender’s own oldest entries', () => {
    const b = new PerSenderBook<number>(3, 2);
    expect(b.add(0, 'a', 1)).toBe(true);
    expect(b.add(0, 'a', 2)).toBe(false);
    b.add(1, 'a', 5);
    b.add(0, 'b', 1);
    b.add(0, 'c', 1); // evicts 0's 'a'
    expect(b.values('a')).toEqual([{ sender: 1, value: 5 }]);
    expect(b.add(7, 'a', 1)).toBe(false);
    b.add(2, 'c', 3);
    expect(b.values('c')).toHaveLength(2);
    b.delete('c'); // a finished round: forgotten for every sender at once
    expect(b.values('c')).toEqual([]);
    expect(b.has(0, 'c')).toBe(false);
    expect(b.values('b')).toEqual([{ sender: 0, value: 1 }]);
    expect(b.add(0, 'c', 4)).toBe(true); // the instance drops messages for pruned rounds before they get here
  });

  it('EpochVotes: k-th largest wish', () => {
    const v = new EpochVotes(4);
    v.raise(0, 5);
    v.raise(1, 3);
    v.raise(2, 9);
    expect(v.raise(2, 4)).toBe(false);
    expect([v.supportedBy(1), v.supportedBy(2), v.supportedBy(3), v.supportedBy(4)]).toEqual([9, 5, 3, 0]);
  });
});

describe('memory transport', () => {
  it('delivers asynchronously, and obeys drops, partitions, crashes and interceptors', async () => {
    const net = createMemoryNetwork(3);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = net.transport(i);
      t.onMessage((from, m) => got.push(`${from}->${i}:${new TextDecoder().decode(m)}`));
      await t.start();
    }
    const say = (from: number, to: number, s: string) => net.transport(from).send(to, new TextEncoder().encode(s));
    say(0, 1, 'a');
    expect(got).toEqual([]); // never inside send
    await sleep(5);
    expect(got).toEqual(['0->1:a']);
    net.partition([[0], [1, 2]]);
    say(0, 1, 'b');
    say(2, 1, 'c');
    net.heal();
    net.setDropFilter((_f, _t, m) => new TextDecoder().decode(m) === 'd');
    say(0, 2, 'd');
    net.setDropFilter(undefined);
    net.intercept(2, (to, m) => [m, new TextEncoder().encode('x')]);
    net.transport(2).broadcast(new TextEncoder().encode('e'));
    await sleep(5);
    expect(got.slice(1).sort()).toEqual(['2->0:e', '2->0:x', '2->1:c', '2->1:e', '2->1:x'].sort());
    await net.transport(1).stop();
    say(0, 1, 'f'); // a crashed node receives nothing
    say(2, 1, 'g');
    await sleep(5);
    expect(got).toHaveLength(6);
    net.close();
  });
});

describe('logger', () => {
  it('writes JSON lines at or above its level, with child fields and bigints', () => {
    const lines: string[] = [];
    const log = createLogger('t', 'info', { write: (l) => lines.push(l) });
    log.debug('hidden');
    log.child({ instance: 'i1' }).warn('w', { seqNr: 5n, err: new Error('boom') });
    withFields({ debug() {}, info: (m, f) => lines.push(JSON.stringify({ m, ...f })), warn() {}, error() {} }, { a: 1 }).info('x', { b: 2 });
    expect(lines).toHaveLength(2);
    const w = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(w).toMatchObject({ level: 'warn', logger: 't', msg: 'w', instance: 'i1', seqNr: '5', err: { message: 'boom' } });
    expect(JSON.parse(lines[1]!)).toEqual({ m: 'x', a: 1, b: 2 });
  });
});
