import { parseEther, type Address } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_KEYS, makeChainClients, startAnvil, type Anvil, type ChainClients } from '@openccip/devnet';
import { createRpcClient, type ChainClient } from '../src/chain/rpc.js';
import { createBlockReads, type BlockReads } from '../src/readers/blockCache.js';
import { createChainHead, type ChainHead } from '../src/readers/chainHead.js';
import { startRpcProxy } from './rpcProxy.js';

describe('chain head', () => {
  const clock = () => {
    let t = 1_000;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  };

  it('asks eth_blockNumber only when its last sighting is older than maxAgeMs, concurrent callers sharing one ask', async () => {
    const c = clock();
    let asked = 0;
    let chainHead = 10n;
    const head = createChainHead(async () => (asked++, chainHead), { maxAgeMs: 250, now: c.now });
    expect(await Promise.all([head.latest(), head.latest(), head.latest()])).toEqual([10n, 10n, 10n]);
    expect(asked).toBe(1);
    chainHead = 11n;
    c.advance(200);
    expect(await head.latest()).toBe(10n);
    c.advance(100);
    expect(await head.latest()).toBe(11n);
    expect(asked).toBe(2);
    // Another reader's eth_blockNumber answer counts as a sighting: no ask of its own.
    c.advance(300);
    head.observe(12n, true, c.now());
    expect(await head.latest()).toBe(12n);
    expect(asked).toBe(2);
  });

  it('raises the head from a receipt at once, without counting it as a fresh sighting', async () => {
    const c = clock();
    let asked = 0;
    const head = createChainHead(async () => (asked++, 20n), { maxAgeMs: 250, now: c.now });
    head.observe(5n, true, c.now());
    head.observe(7n, false, c.now()); // our transaction's receipt, block 7
    expect(await head.latest()).toBe(7n);
    expect(asked).toBe(0);
    c.advance(300);
    expect(await head.latest()).toBe(20n);
    expect(asked).toBe(1);
  });

  it('ignores a late lower answer asked before a higher block was seen, but follows a chain that got shorter', async () => {
    const c = clock();
    const head = createChainHead(async () => 0n, { now: c.now });
    const askedEarly = c.now();
    c.advance(5);
    head.observe(9n, false, c.now()); // a receipt in block 9
    c.advance(5);
    head.observe(8n, true, askedEarly); // eth_blockNumber sent before we knew of block 9
    expect(await head.latest()).toBe(9n);
    c.advance(5);
    head.observe(6n, true, c.now()); // asked after: the chain really is at 6 now (a rollback)
    expect(await head.latest()).toBe(6n);
  });

  it('does not keep a failed eth_blockNumber', async () => {
    let fail = true;
    const head = createChainHead(async () => {
      if (fail) throw new Error('down');
      return 3n;
    });
    await expect(head.latest()).rejects.toThrow('down');
    fail = false;
    expect(await head.latest()).toBe(3n);
  });
});

describe('block-scoped reads against anvil', () => {
  let anvil: Anvil;
  let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
  let sender: ChainClients;
  const target: Address = '0x00000000000000000000000000000000000000cc';
  const cleanup: (() => Promise<void> | void)[] = [];

  /** A node-style client (head fed by its own answers) and per-block reads, through the counting proxy. */
  function nodeReads(maxAgeMs: number): { client: ChainClient; head: ChainHead; reads: BlockReads } {
    const head: ChainHead = createChainHead(() => client.getBlockNumber({ cacheTime: 0 }), { maxAgeMs });
    const client: ChainClient = createRpcClient({ url: proxy.url, name: 'anvil', chainId: 31337, pollingIntervalMs: 20, onHead: head.observe });
    return { client, head, reads: createBlockReads(head) };
  }
  const balance = (x: { client: ChainClient; reads: BlockReads }) => x.reads.read(`balance:${target}`, () => x.client.getBalance({ address: target }));
  const pay = async (eth: string) => {
    const hash = await sender.wallet.sendTransaction({ to: target, value: parseEther(eth) });
    return hash;
  };

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 }); // a block per transaction
    proxy = await startRpcProxy(anvil.rpcUrl);
    sender = makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[4]!);
  });
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  afterAll(async () => {
    await proxy?.close();
    await anvil?.stop();
  });

  it('reads once per block, however many callers ask', async () => {
    const x = nodeReads(60_000);
    const before = proxy.count('eth_getBalance');
    const first = await Promise.all([balance(x), balance(x), balance(x)]);
    for (let i = 0; i < 5; i++) expect(await balance(x)).toBe(first[0]);
    expect(proxy.count('eth_getBalance') - before).toBe(1);
  });

  it('sees the state of a block the node saw a receipt for, at once', async () => {
    const x = nodeReads(60_000); // the head is never re-asked by time here: only the receipt can move it
    const b0 = await balance(x);
    const hash = await pay('1');
    await x.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    expect(await balance(x)).toBe(b0 + parseEther('1'));
  });

  it('reads again once a new block is seen by polling', async () => {
    const x = nodeReads(50);
    const b0 = await balance(x);
    const hash = await pay('2'); // mined by anvil; this node saw no receipt
    await sender.public.waitForTransactionReceipt({ hash });
    const before = proxy.count('eth_getBalance');
    await new Promise((r) => setTimeout(r, 80));
    expect(await balance(x)).toBe(b0 + parseEther('2'));
    expect(await balance(x)).toBe(b0 + parseEther('2'));
    expect(proxy.count('eth_getBalance') - before).toBe(1);
  });

  it('does not keep a failed read', async () => {
    const x = nodeReads(60_000);
    await x.head.latest();
    let calls = 0;
    const flaky = () =>
      x.reads.read('flaky', async () => {
        calls++;
        if (calls === 1) throw new Error('unreadable');
        return x.client.getBalance({ address: target });
      });
    await expect(flaky()).rejects.toThrow('unreadable');
    const v = await flaky();
    expect(await flaky()).toBe(v);
    expect(calls).toBe(2);
  });
});
