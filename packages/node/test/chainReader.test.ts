import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAbiParameters, encodeAbiParameters, encodeFunctionData, toHex, zeroAddress, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evm2AnyRampMessageParam, onRampAbi, routerAbi } from '@openccip/sdk';
import { ANVIL_KEYS, deployLocalPair, makeChainClients, send, startAnvil, type Anvil, type LocalPair } from '@openccip/devnet';
import { getFinalizedBlock } from '../src/chain/finality.js';
import type { Logger } from '../src/log.js';
import { createMessageReader, type MessageReaderOptions } from '../src/chain/messageReader.js';
import { createRpcClient, type ChainClient } from '../src/chain/rpc.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';

const DEPTH = 5;


function captureLogger(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('message reader on anvil', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let client: ChainClient;
  let dir: string;
  let deployedAt: bigint;
  const user = () => makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[1]!);
  const rpc = (method: string, params: unknown[] = []) => client.request({ method, params } as never);
  const mine = (n: number) => rpc('anvil_mine', [toHex(n)]);

  const message = (data: string) => ({
    receiver: encodeAbiParameters([{ type: 'address' }], [pair.b.contracts.messageReceiver]),
    data: toHex(data),
    tokenAmounts: [] as { token: Hex; amount: bigint }[],
    feeToken: zeroAddress,
    extraArgs: '0x' as Hex,
  });
  const fee = (m: ReturnType<typeof message>) =>
    client.readContract({ address: pair.a.contracts.router, abi: routerAbi, functionName: 'getFee', args: [pair.b.chainSelector, m] });
  const ccipSend = async (data: string) => {
    const m = message(data);
    return send(user(), pair.a.contracts.router, routerAbi, 'ccipSend', [pair.b.chainSelector, m], await fee(m));
  };
  /** A ccipSend as a transaction request anvil signs itself, for anvil_reorg's replacement blocks. */
  const ccipSendRequest = async (data: string) => {
    const m = message(data);
    return {
      from: privateKeyToAddress(ANVIL_KEYS[1]!),
      to: pair.a.contracts.router,
      data: encodeFunctionData({ abi: routerAbi, functionName: 'ccipSend', args: [pair.b.chainSelector, m] }),
      value: toHex(await fee(m)),
      gas: toHex(1_000_000),
    };
  };
  /** What a correct reader must hold: every CCIPMessageSent at or below the final block, by seqNr. */
  const finalOnChain = async () => {
    const final = await getFinalizedBlock(client, { kind: 'depth', depth: DEPTH });
    const logs = await client.getContractEvents({
      address: pair.a.contracts.onRamp,
      abi: onRampAbi,
      eventName: 'CCIPMessageSent',
      fromBlock: deployedAt,
      toBlock: final.number,
      strict: true,
    });
    return logs.map((l) => ({ seqNr: l.args.sequenceNumber, messageId: l.args.message.header.messageId }));
  };
  const inStore = async (store: Store) =>
    (await store.messages.range(pair.a.chainSelector, pair.b.chainSelector, 0n, 1n << 63n)).map((m) => ({
      seqNr: m.seqNr,
      messageId: m.messageId,
    }));
  const reader = (store: Store, over: Partial<MessageReaderOptions> = {}) =>
    createMessageReader({
      client,
      onRamp: pair.a.contracts.onRamp,
      sourceChainSelector: pair.a.chainSelector,
      finality: { kind: 'depth', depth: DEPTH },
      store,
      fromBlock: deployedAt,
      chunkSize: 7,
      checkpointSpacing: 4,
      checkpoints: 8,
      ...over,
    });

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    client = createRpcClient({ url: anvil.rpcUrl, name: 'anvil-a', chainId: 31337, pollingIntervalMs: 50 });
    deployedAt = await client.getBlockNumber();
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
    dir = mkdtempSync(join(tmpdir(), 'openccip-reader-'));
  });
  afterAll(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('getFinalizedBlock: latest - depth, or the finalized tag', async () => {
    await mine(3);
    const latest = await client.getBlock({ blockTag: 'latest' });
    const byDepth = await getFinalizedBlock(client, { kind: 'depth', depth: 2 });
    expect(byDepth.number).toBe(latest.number - 2n);
    expect(byDepth.hash).toBe((await client.getBlock({ blockNumber: latest.number - 2n })).hash);
    expect((await getFinalizedBlock(client, { kind: 'depth', depth: 1_000_000 })).number).toBe(0n);
    const tagged = await getFinalizedBlock(client, { kind: 'finalized' });
    expect(tagged.hash).toBe((await client.getBlock({ blockTag: 'finalized' })).hash);
    expect(tagged.number <= latest.number).toBe(true);
  });

  it('stores only final messages, encoded as the OnRamp emitted them, and survives a store reopen', async () => {
    const path = join(dir, 'final.db');
    let store = openSqliteStore(path);
    try {
      const sent = [];
      for (let i = 0; i < 3; i++) sent.push(await ccipSend(`final-${i}`));
      const r = reader(store);
      const first = await r.sync();
      const head = await client.getBlockNumber();
      expect(first.finalBlock.number).toBe(head - BigInt(DEPTH));
      expect(first.cursor).toEqual(first.finalBlock);
      expect(await inStore(store)).toEqual(await finalOnChain());
      // the three new messages are within the last DEPTH blocks: not final, not stored
      expect((await inStore(store)).length).toBe((await finalOnChain()).length);
      const newest = await client.getContractEvents({
        address: pair.a.contracts.onRamp,
        abi: onRampAbi,
        eventName: 'CCIPMessageSent',
        fromBlock: head - 2n,
        strict: true,
      });
      expect(newest).toHaveLength(3);
      for (const l of newest) expect(await store.messages.byMessageId(l.args.message.header.messageId)).toBeUndefined();

      await mine(DEPTH);
      const second = await r.sync();
      expect(second.stored).toBe(3);
      expect(second.reorg).toBeUndefined();
      for (const l of newest) {
        const m = await store.messages.get(pair.a.chainSelector, pair.b.chainSelector, l.args.sequenceNumber);
        expect(m).toBeDefined();
        expect(m!.messageId).toBe(l.args.message.header.messageId);
        expect(m!.blockNumber).toBe(l.blockNumber);
        expect(m!.blockHash).toBe(l.blockHash);
        expect(m!.txHash).toBe(l.transactionHash);
        expect(m!.logIndex).toBe(l.logIndex);
        const [decoded] = decodeAbiParameters([evm2AnyRampMessageParam], m!.encoded);
        expect(decoded).toEqual(l.args.message);
      }
      expect(sent.map((s) => s.hash)).toEqual(newest.map((l) => l.transactionHash));

      // Reopen: the cursor is where it was, nothing is re-read, and new messages continue from there.
      const cursor = second.cursor;
      await store.close();
      store = openSqliteStore(path);
      const again = reader(store);
      expect(await store.cursors.get(again.cursorName)).toEqual({ blockNumber: cursor!.number, blockHash: cursor!.hash });
      await ccipSend('after reopen');
      await mine(DEPTH);
      const third = await again.sync();
      expect(third.stored).toBe(1);
      expect(await inStore(store)).toEqual(await finalOnChain());
    } finally {
      await store.close();
    }
  });

  it('a reorg shallower than the finality depth is never seen: the replacement message is stored', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const log = captureLogger();
      const r = reader(store, { logger: log });
      await r.sync();
      await ccipSend('will be reorged away');
      const [orphan] = await client.getContractEvents({
        address: pair.a.contracts.onRamp,
        abi: onRampAbi,
        eventName: 'CCIPMessageSent',
        fromBlock: await client.getBlockNumber(),
        strict: true,
      });
      await mine(1);
      await r.sync();
      // depth 3 < DEPTH: the orphan's block is replaced before it is final, with another message in its place
      await rpc('anvil_reorg', [3, [[await ccipSendRequest('replacement (shallow)'), 0]]]);
      await mine(DEPTH);
      const res = await r.sync();
      expect(res.reorg).toBeUndefined();
      expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
      expect(await store.messages.byMessageId(orphan!.args.message.header.messageId)).toBeUndefined();
      const replacement = await store.messages.get(pair.a.chainSelector, pair.b.chainSelector, orphan!.args.sequenceNumber);
      expect(replacement).toBeDefined();
      expect(replacement!.messageId).not.toBe(orphan!.args.message.header.messageId);
      expect(await inStore(store)).toEqual(await finalOnChain());
    } finally {
      await store.close();
    }
  });

  it('detects a reorg deeper than the finality depth, forgets the orphaned messages and re-reads', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const log = captureLogger();
      const r = reader(store, { logger: log });
      await ccipSend('final, then orphaned');
      const orphanBlock = await client.getBlockNumber();
      const [orphan] = await client.getContractEvents({
        address: pair.a.contracts.onRamp,
        abi: onRampAbi,
        eventName: 'CCIPMessageSent',
        fromBlock: orphanBlock,
        strict: true,
      });
      await mine(DEPTH + 2);
      await r.sync();
      const stored = await store.messages.byMessageId(orphan!.args.message.header.messageId);
      expect(stored?.blockNumber).toBe(orphanBlock);

      const head = await client.getBlockNumber();
      const depth = Number(head - orphanBlock) + 2; // replaces the orphan's block and one before it
      await rpc('anvil_reorg', [depth, [[await ccipSendRequest('replacement (deep)'), 1]]]);
      const res = await r.sync();
      expect(res.reorg).toBeDefined();
      expect(res.reorg!.detectedAt).toBe(head - BigInt(DEPTH));
      expect(res.reorg!.commonAncestor! <= orphanBlock - 2n).toBe(true);
      expect(res.reorg!.depth).toBe(res.reorg!.detectedAt - res.reorg!.commonAncestor!);
      expect(res.reorg!.deleted).toBeGreaterThanOrEqual(1);
      expect(res.interrupted).toBe(false);
      const warn = log.lines.find((l) => l.level === 'warn' && /reorg/.test(l.msg));
      expect(warn?.msg).toMatch(/common ancestor \d+ \(\d+ blocks back, finality depth 5\)/);
      expect(warn?.fields?.sourceChainSelector).toBe(pair.a.chainSelector.toString());

      expect(await store.messages.byMessageId(orphan!.args.message.header.messageId)).toBeUndefined();
      expect(await inStore(store)).toEqual(await finalOnChain());
      const replacement = await store.messages.get(pair.a.chainSelector, pair.b.chainSelector, orphan!.args.sequenceNumber);
      expect(replacement).toBeDefined();
      expect(replacement!.messageId).not.toBe(orphan!.args.message.header.messageId);
      const cursor = await store.cursors.get(r.cursorName);
      expect(cursor!.blockHash).toBe((await client.getBlock({ blockNumber: cursor!.blockNumber })).hash);
    } finally {
      await store.close();
    }
  });

  it('falls back to re-reading from the start when the reorg is deeper than its checkpoints', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const log = captureLogger();
      const r = reader(store, { logger: log, checkpointSpacing: 2, checkpoints: 2 });
      await ccipSend('deep-orphan');
      await mine(DEPTH + 10);
      await r.sync();
      const before = await inStore(store);
      await rpc('anvil_reorg', [DEPTH + 11, []]);
      const res = await r.sync();
      expect(res.reorg?.commonAncestor).toBeUndefined();
      expect(log.lines.some((l) => l.level === 'error' && /deeper than the checkpoint history/.test(l.msg))).toBe(true);
      const after = await inStore(store);
      expect(after).toEqual(await finalOnChain());
      expect(after.length).toBe(before.length - 1);
    } finally {
      await store.close();
    }
  });
});
