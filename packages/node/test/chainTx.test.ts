import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { toHex, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_KEYS, freePort, startAnvil, type Anvil } from '@openccip/devnet';
import type { Logger } from '../src/log.js';
import { createRpcClient, type ChainClient } from '../src/chain/rpc.js';
import { createTxManager, type TxManager, type TxManagerTuning } from '../src/chain/txManager.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';

const SELECTOR = 7759470850252068959n;
const SINK = '0x00000000000000000000000000000000000000bb';
const REVERTER = '0x00000000000000000000000000000000000000aa';

function captureLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('tx manager on anvil', () => {
  let anvil: Anvil;
  let client: ChainClient;
  let dir: string;
  // A fresh funded account per test: independent nonces. (ANVIL_KEYS[7] is not anvil's 8th key: it has no funds.)
  const freshKeys = [3, 4, 5, 6, 8, 9].map((i) => ANVIL_KEYS[i]!);
  let keyIndex = 0;
  const managers: TxManager[] = [];
  const stores: Store[] = [];
  const rpc = (method: string, params: unknown[] = []) => client.request({ method, params } as never);

  const dbPath = (name: string) => join(dir, `${name}.db`);
  const stateOf = (name: string, hash: Hex) => {
    const db = new Database(dbPath(name), { readonly: true });
    try {
      return (db.prepare('SELECT state FROM txs WHERE hash = ?').get(hash) as { state: string } | undefined)?.state;
    } finally {
      db.close();
    }
  };
  const rowsOf = (name: string) => {
    const db = new Database(dbPath(name), { readonly: true });
    try {
      return db.prepare('SELECT hash, nonce, state, max_fee_per_gas AS maxFee FROM txs ORDER BY created_at').all() as {
        hash: Hex;
        nonce: number;
        state: string;
        maxFee: string;
      }[];
    } finally {
      db.close();
    }
  };
  const open = (name: string) => {
    const s = openSqliteStore(dbPath(name));
    stores.push(s);
    return s;
  };
  const manager = (store: Store, key: Hex, opts: TxManagerTuning = {}, logger?: Logger, c = client) => {
    const m = createTxManager({ client: c, account: key, chainSelector: SELECTOR, store, logger, opts: { pollIntervalMs: 50, ...opts } });
    managers.push(m);
    return m;
  };
  const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 5_000) => {
    for (const deadline = Date.now() + ms; !(await cond()); ) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    client = createRpcClient({ url: anvil.rpcUrl, name: 'anvil', chainId: 31337, pollingIntervalMs: 50 });
    await rpc('anvil_setCode', [REVERTER, '0x60006000fd']);
    dir = mkdtempSync(join(tmpdir(), 'openccip-tx-'));
  });
  afterEach(async () => {
    await rpc('evm_setAutomine', [true]);
    while (managers.length) await managers.pop()!.close();
    while (stores.length) await stores.pop()!.close();
  });
  afterAll(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sequential and concurrent sends get consecutive nonces and are recorded as confirmed', async () => {
    const key = freshKeys[keyIndex++]!;
    const m = manager(open('seq'), key);
    expect(m.address).toBe(privateKeyToAddress(key));
    const seq = [];
    for (let i = 0; i < 3; i++) seq.push(await m.send({ to: SINK, data: toHex(`seq-${i}`), purpose: `seq:${i}` }));
    const conc = await Promise.all(Array.from({ length: 6 }, (_, i) => m.send({ to: SINK, data: toHex(`c-${i}`), purpose: `conc:${i}` })));
    const all = [...seq, ...conc];
    expect(all.map((r) => r.nonce)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of all) {
      expect(r.reverted).toBe(false);
      expect(r.receipt.status).toBe('success');
      const tx = await client.getTransaction({ hash: r.hash });
      expect(tx.nonce).toBe(r.nonce);
      expect(tx.maxFeePerGas! > 0n).toBe(true);
      expect(stateOf('seq', r.hash)).toBe('confirmed');
    }
    expect(await client.getTransactionCount({ address: m.address })).toBe(9);
  });

  it('a revert resolves flagged and is not retried; a failing estimate uses no nonce', async () => {
    const key = freshKeys[keyIndex++]!;
    const m = manager(open('revert'), key);
    const r = await m.send({ to: REVERTER, data: '0x01', gas: 100_000n, purpose: 'doomed' });
    expect(r.reverted).toBe(true);
    expect(r.receipt.status).toBe('reverted');
    expect(stateOf('revert', r.hash)).toBe('failed');
    await expect(m.send({ to: REVERTER, data: '0x02', purpose: 'exec:7' })).rejects.toThrow(
      /tx exec:7 on chain anvil \(selector 7759470850252068959\): gas estimation failed/,
    );
    const next = await m.send({ to: SINK, data: '0x03', purpose: 'after' });
    expect(next.nonce).toBe(1); // no gap
    // minGas floors the estimate (state at inclusion may cost more than the simulation), never lowers it.
    const floored = await m.send({ to: SINK, data: '0x04', minGas: 300_000n, purpose: 'floored' });
    expect((await client.getTransaction({ hash: floored.hash })).gas).toBe(300_000n);
    const estimated = await m.send({ to: SINK, data: '0x05', minGas: 1n, purpose: 'estimated' });
    expect((await client.getTransaction({ hash: estimated.hash })).gas).toBeGreaterThan(21_000n);
    expect(rowsOf('revert')).toHaveLength(4);
  });

  it('bumps the fees of a tx that is not included, and the bumped one lands', async () => {
    const key = freshKeys[keyIndex++]!;
    const log = captureLogger();
    const m = manager(open('bump'), key, { bumpAfterMs: 200 }, log);
    await rpc('evm_setAutomine', [false]);
    const sending = m.send({ to: SINK, data: toHex('bump me'), purpose: 'commit:1' });
    // the original is marked replaced once the bumped version was accepted by the node
    await until('a bump', () => rowsOf('bump')[0]?.state === 'replaced');
    await rpc('evm_mine');
    const res = await sending;
    const rows = rowsOf('bump');
    expect(new Set(rows.map((r) => r.nonce))).toEqual(new Set([0]));
    const winner = rows.findIndex((r) => r.hash === res.hash);
    expect(winner).toBeGreaterThanOrEqual(1); // a bumped version landed
    expect(rows[winner]!.state).toBe('confirmed');
    // every other version is replaced (or failed: a bump broadcast after the block that used the nonce)
    for (const r of rows) if (r.hash !== res.hash) expect(['replaced', 'failed']).toContain(r.state);
    expect(rows[0]!.state).toBe('replaced');
    expect(BigInt(rows[1]!.maxFee) * 100n >= BigInt(rows[0]!.maxFee) * 120n).toBe(true);
    const tx = await client.getTransaction({ hash: res.hash });
    expect(tx.maxFeePerGas).toBe(BigInt(rows[winner]!.maxFee));
    await expect(client.getTransaction({ hash: rows[0]!.hash })).rejects.toThrow(); // the original never landed
    expect(log.lines.some((l) => /^bumped tx commit:1 on chain anvil/.test(l.msg))).toBe(true);
  });

  it('respects the fee cap', async () => {
    const key = freshKeys[keyIndex++]!;
    const log = captureLogger();
    const cap = 3_000_000_000n;
    const m = manager(open('cap'), key, { bumpAfterMs: 100, maxFeePerGas: cap }, log);
    await rpc('evm_setAutomine', [false]);
    const sending = m.send({ to: SINK, data: '0x', purpose: 'capped' });
    await until('the cap warning', () => log.lines.some((l) => /at the fee cap/.test(l.msg)));
    await rpc('evm_mine');
    await sending;
    for (const r of rowsOf('cap')) expect(BigInt(r.maxFee) <= cap).toBe(true);
  });

  it('a new manager on the same store resumes a pending tx, and confirms one that landed meanwhile', async () => {
    const key = freshKeys[keyIndex++]!;
    const store1 = open('resume');
    const m1 = manager(store1, key, { bumpAfterMs: 60_000 });
    await rpc('evm_setAutomine', [false]);
    const lost = m1.send({ to: SINK, data: toHex('lost'), purpose: 'exec:1' }).catch((e: Error) => e);
    await until('the first tx', () => rowsOf('resume').length === 1);
    const landed = m1.send({ to: SINK, data: toHex('landed'), purpose: 'exec:2' }).catch((e: Error) => e);
    await until('the second tx', () => rowsOf('resume').length === 2);
    await m1.close(); // the "crash": waiting stops, both stay pending
    expect(String(await lost)).toMatch(/closed while waiting/);
    expect(String(await landed)).toMatch(/closed while waiting/);
    const [first, second] = rowsOf('resume');
    // Nonce 0 vanishes from the mempool (as after an RPC node restart); nonce 1 cannot land without it.
    await rpc('anvil_dropTransaction', [first!.hash]);
    expect(await client.getTransactionCount({ address: privateKeyToAddress(key), blockTag: 'pending' })).toBe(0);

    const m2 = manager(store1, key, { bumpAfterMs: 60_000 });
    const resumed = await m2.resume();
    expect(resumed.map((r) => [r.nonce, r.purpose])).toEqual([
      [0, 'exec:1'],
      [1, 'exec:2'],
    ]);
    await rpc('evm_mine');
    const results = await Promise.all(resumed.map((r) => r.done));
    expect(results.map((r) => r.hash)).toEqual([first!.hash, second!.hash]);
    expect(rowsOf('resume').map((r) => r.state)).toEqual(['confirmed', 'confirmed']);
    // new sends continue after the resumed nonces
    await rpc('evm_setAutomine', [true]);
    expect((await m2.send({ to: SINK, data: '0x', purpose: 'next' })).nonce).toBe(2);

    // A pending tx that landed while no manager was running is confirmed by resume.
    await rpc('evm_setAutomine', [false]);
    const m3 = manager(store1, key, { bumpAfterMs: 60_000 });
    const p = m3.send({ to: SINK, data: toHex('while down'), purpose: 'exec:3' }).catch((e: Error) => e);
    await until('the third tx', () => rowsOf('resume').length === 4);
    await m3.close();
    await p;
    await rpc('evm_mine');
    const m4 = manager(store1, key);
    const [again] = await m4.resume();
    expect((await again!.done).nonce).toBe(3);
    expect(rowsOf('resume').at(-1)!.state).toBe('confirmed');
  });

  it('rides out an RPC that is down for a while', async () => {
    const port = await freePort();
    const log = captureLogger();
    const late = createRpcClient({
      url: `http://127.0.0.1:${port}`,
      name: 'late',
      chainId: 31339,
      logger: log,
      retry: { attempts: 40, baseDelayMs: 100, maxDelayMs: 400 }, // ~15 s: anvil may start slowly on a loaded machine
    });
    const m = manager(open('down'), ANVIL_KEYS[0]!, {}, log, late);
    const sending = m.send({ to: SINK, data: toHex('patience'), purpose: 'commit:9' });
    await new Promise((r) => setTimeout(r, 600));
    const second = await startAnvil({ chainId: 31339, port });
    try {
      const res = await sending;
      expect(res.reverted).toBe(false);
      expect(res.nonce).toBe(0);
      expect(log.lines.some((l) => /^waiting for RPC http:\/\/127\.0\.0\.1:\d+ \(chain late\): attempt \d+, retry in/.test(l.msg))).toBe(true);
    } finally {
      await m.close();
      await second.stop();
    }
  });
});
