import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { keccak256, toHex, type Hex } from 'viem';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, SCHEMA_VERSION } from '../src/store/sqlite.js';
import type { Store, StoredMessage, StoredTx } from '../src/store/types.js';

const SEPOLIA = 16015286601757825753n; // > 2^63: must survive as a uint64
const ANVIL = 7759470850252068959n;
const U64_MAX = (1n << 64n) - 1n;
const h = (s: string): Hex => keccak256(toHex(s));

const msg = (seqNr: bigint, blockNumber: bigint, over: Partial<StoredMessage> = {}): StoredMessage => ({
  sourceChainSelector: SEPOLIA,
  destChainSelector: ANVIL,
  seqNr,
  messageId: h(`id-${seqNr}-${blockNumber}`),
  blockNumber,
  blockHash: h(`block-${blockNumber}`),
  txHash: h(`tx-${seqNr}`),
  logIndex: Number(seqNr % 7n),
  encoded: toHex(`encoded-${seqNr}`),
  ...over,
});

const tx = (nonce: number, hash: string, over: Partial<StoredTx> = {}): StoredTx => ({
  chainSelector: SEPOLIA,
  from: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
  nonce,
  hash: h(hash),
  raw: toHex(`raw-${hash}`),
  maxFeePerGas: 123_456_789_012_345_678_901n,
  maxPriorityFeePerGas: 1n,
  purpose: `commit:${nonce}`,
  state: 'pending',
  createdAt: 1_700_000_000_000 + nonce,
  ...over,
});

describe('SQLite store', () => {
  let dir: string;
  let store: Store;
  const path = () => join(dir, 'node.db');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openccip-store-'));
    store = openSqliteStore(path());
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses WAL, synchronous=FULL and records its schema version', async () => {
    await store.close();
    const db = new Database(path());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    db.close();
    store = openSqliteStore(path()); // reopening an up-to-date database is a no-op migration
    const db2 = new Database(path());
    expect(db2.prepare('SELECT count(*) AS n FROM schema_version').get()).toEqual({ n: 1 });
    db2.close();
  });

  it('refuses a database from a newer schema', async () => {
    await store.close();
    const db = new Database(path());
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    db.close();
    expect(() => openSqliteStore(path())).toThrow(/newer than this software/);
    store = openSqliteStore(':memory:');
  });

  it('recordSignature is check-and-set per (instance, seqNr)', async () => {
    const c = store.consensus;
    expect(await c.recordSignature('commit', 5n, h('a'))).toBe(true);
    expect(await c.recordSignature('commit', 5n, h('a'))).toBe(true); // same hash again: fine
    expect(await c.recordSignature('commit', 5n, h('b'))).toBe(false); // a different hash: refused
    expect(await c.getSignature('commit', 5n)).toBe(h('a'));
    expect(await c.recordSignature('commit', 5n, h('a').toUpperCase().replace('0X', '0x') as Hex)).toBe(true);
    expect(await c.recordSignature('exec', 5n, h('b'))).toBe(true); // instances are independent
    expect(await c.recordSignature('commit', U64_MAX, h('max'))).toBe(true);
    expect(await c.getSignature('commit', U64_MAX)).toBe(h('max'));
    expect(await c.getSignature('commit', 6n)).toBeUndefined();
    await expect(c.recordSignature('commit', U64_MAX + 1n, h('x'))).rejects.toThrow(/uint64/);
  });

  it('keeps the highest epoch', async () => {
    const c = store.consensus;
    expect(await c.getEpoch('commit')).toBe(0);
    await c.setEpoch('commit', 3);
    await c.setEpoch('commit', 2);
    expect(await c.getEpoch('commit')).toBe(3);
    await c.setEpoch('commit', 7);
    expect(await c.getEpoch('commit')).toBe(7);
    expect(await c.getEpoch('exec')).toBe(0);
    await expect(c.setEpoch('commit', -1)).rejects.toThrow(/epoch/);
  });

  it('stores messages by (source, dest, seqNr) with uint64 selectors and orders ranges numerically', async () => {
    const m = store.messages;
    const ms = [9n, 10n, 100n, 2n, U64_MAX].map((s, i) => msg(s, 10n + BigInt(i)));
    await m.put(ms);
    const got = await m.range(SEPOLIA, ANVIL, 0n, U64_MAX);
    expect(got.map((x) => x.seqNr)).toEqual([2n, 9n, 10n, 100n, U64_MAX]); // not "10" < "2"
    expect(got[0]).toEqual(ms[3]);
    expect(got[0]!.sourceChainSelector).toBe(SEPOLIA);
    expect((await m.range(SEPOLIA, ANVIL, 9n, 100n)).map((x) => x.seqNr)).toEqual([9n, 10n, 100n]);
    expect(await m.range(SEPOLIA, ANVIL, 11n, 10n)).toEqual([]);
    expect(await m.range(ANVIL, SEPOLIA, 0n, U64_MAX)).toEqual([]);
    expect(await m.get(SEPOLIA, ANVIL, 10n)).toEqual(ms[1]);
    expect(await m.get(SEPOLIA, ANVIL, 11n)).toBeUndefined();
    expect(await m.byMessageId(ms[2]!.messageId)).toEqual(ms[2]);
    expect(await m.byMessageId(h('nope'))).toBeUndefined();

    // put replaces by key (a reorg re-read may bring a different message with the same seqNr)
    const replaced = msg(10n, 50n, { messageId: h('other') });
    await m.put([replaced]);
    expect(await m.get(SEPOLIA, ANVIL, 10n)).toEqual(replaced);
    expect(await m.byMessageId(ms[1]!.messageId)).toBeUndefined();
  });

  it('deleteFromBlock forgets one source at and above a block', async () => {
    const m = store.messages;
    await m.put([msg(1n, 10n), msg(2n, 11n), msg(3n, 12n), msg(1n, 11n, { sourceChainSelector: ANVIL })]);
    expect(await m.deleteFromBlock(SEPOLIA, 11n)).toBe(2);
    expect((await m.range(SEPOLIA, ANVIL, 0n, 10n)).map((x) => x.seqNr)).toEqual([1n]);
    expect(await m.get(ANVIL, ANVIL, 1n)).toBeDefined(); // other source untouched
    expect(await m.deleteFromBlock(SEPOLIA, 100n)).toBe(0);
  });

  it('tracks transactions: insert, state, pending, nextNonce', async () => {
    const t = store.txs;
    const from = '0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266' as Hex; // checksummed input
    expect(await t.nextNonce(SEPOLIA, from)).toBeUndefined();
    await t.insert(tx(0, 'a'));
    await t.insert(tx(1, 'b'));
    await t.insert(tx(1, 'b2', { maxFeePerGas: 2n, createdAt: 1_800_000_000_000 }));
    await t.insert(tx(2, 'c', { chainSelector: ANVIL }));
    await expect(t.insert(tx(5, 'a'))).rejects.toThrow(); // hash is unique
    expect(await t.nextNonce(SEPOLIA, from)).toBe(2);
    expect((await t.pending(SEPOLIA, from)).map((x) => x.hash)).toEqual([h('a'), h('b'), h('b2')]);
    expect((await t.pending(SEPOLIA, from))[0]).toEqual(tx(0, 'a'));

    await t.setState(h('a'), 'confirmed');
    await t.setState(h('b'), 'replaced');
    expect((await t.pending(SEPOLIA, from)).map((x) => x.hash)).toEqual([h('b2')]);
    await t.setState(h('b2'), 'failed');
    expect(await t.pending(SEPOLIA, from)).toEqual([]);
    // nonce 1's replaced tx still counts; failed ones do not hold a nonce
    expect(await t.nextNonce(SEPOLIA, from)).toBe(2);
    await t.setState(h('b'), 'failed');
    expect(await t.nextNonce(SEPOLIA, from)).toBe(1);
    expect(await t.nextNonce(ANVIL, from)).toBe(3);
    await expect(t.setState(h('zzz'), 'confirmed')).rejects.toThrow(/not in the store/);
    await expect(t.setState(h('a'), 'bogus' as never)).rejects.toThrow(/unknown tx state/);
  });

  it('keeps cursors', async () => {
    const c = store.cursors;
    expect(await c.get(`msgs:${SEPOLIA}`)).toBeUndefined();
    await c.set(`msgs:${SEPOLIA}`, { blockNumber: 5n, blockHash: h('5') });
    await c.set(`msgs:${SEPOLIA}`, { blockNumber: 6n, blockHash: h('6') });
    expect(await c.get(`msgs:${SEPOLIA}`)).toEqual({ blockNumber: 6n, blockHash: h('6') });
  });

  it('persists everything across close and reopen', async () => {
    await store.consensus.recordSignature('commit', 1n, h('one'));
    await store.consensus.setEpoch('commit', 4);
    await store.messages.put([msg(1n, 3n)]);
    await store.txs.insert(tx(0, 'p'));
    await store.cursors.set('msgs:x', { blockNumber: 3n, blockHash: h('3') });
    await store.close();
    store = openSqliteStore(path());
    expect(await store.consensus.getSignature('commit', 1n)).toBe(h('one'));
    expect(await store.consensus.recordSignature('commit', 1n, h('two'))).toBe(false);
    expect(await store.consensus.getEpoch('commit')).toBe(4);
    expect(await store.messages.get(SEPOLIA, ANVIL, 1n)).toEqual(msg(1n, 3n));
    expect(await store.txs.pending(SEPOLIA, tx(0, 'p').from)).toEqual([tx(0, 'p')]);
    expect(await store.cursors.get('msgs:x')).toEqual({ blockNumber: 3n, blockHash: h('3') });
  });

  it('two connections cannot both record different hashes for one seqNr', async () => {
    const other = openSqliteStore(path());
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).consensus.recordSignature('commit', BigInt(i >> 1), h(`conn-${i % 2}`)),
        ),
      );
      for (let s = 0; s < 10; s++) expect(results[2 * s]! !== results[2 * s + 1]!).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('survives kill -9: every acknowledged write is there after reopening', async () => {
    await store.close();
    const storeModule = pathToFileURL(fileURLToPath(new URL('../src/store/sqlite.ts', import.meta.url))).href;
    const child = join(dir, 'writer.mts');
    writeFileSync(
      child,
      `import { openSqliteStore } from ${JSON.stringify(storeModule)};
       // No imports but the store: the script lives in a temp dir without node_modules.
       const hx = (tag, i) => '0x' + tag + i.toString(16).padStart(63, '0');
       const store = openSqliteStore(${JSON.stringify(path())});
       for (let i = 0n; ; i++) {
         await store.consensus.recordSignature('commit', i, hx('a', i));
         await store.messages.put([{ sourceChainSelector: ${SEPOLIA}n, destChainSelector: ${ANVIL}n, seqNr: i,
           messageId: hx('b', i), blockNumber: i, blockHash: hx('c', i),
           txHash: hx('d', i), logIndex: 0, encoded: '0x1234' }]);
         process.stdout.write('ok ' + i + '\\n');
       }`,
    );
    const tsxLoader = import.meta.resolve('tsx');
    const proc = spawn(process.execPath, ['--import', tsxLoader, child], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = -1n;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once('exit', (_c, sig) => resolve(sig)));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      proc.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.startsWith('ok ')) acked = BigInt(l.slice(3));
        if (acked >= 200n) resolve();
      });
      proc.once('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    store = openSqliteStore(path());
    const hx = (tag: string, i: bigint) => `0x${tag}${i.toString(16).padStart(63, '0')}`;
    for (let i = 0n; i <= acked; i++) {
      expect(await store.consensus.getSignature('commit', i)).toBe(hx('a', i));
      expect((await store.messages.get(SEPOLIA, ANVIL, i))?.messageId).toBe(hx('b', i));
      expect(await store.consensus.recordSignature('commit', i, h('different'))).toBe(false);
    }
  });
});
