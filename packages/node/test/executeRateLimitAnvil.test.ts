import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAbiParameters, erc20Abi, parseEther, parseUnits, zeroAddress, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import {
  burnMintErc20Abi,
  decodeExecutionReports,
  MessageExecutionState,
  offRampAbi,
  reportContext,
  routerAbi,
  type EVM2AnyRampMessage,
} from '@openccip/sdk';
import {
  ANVIL_KEYS,
  commitMessages,
  deployLocalPair,
  deployTokenWithPool,
  getExecutionStates,
  getSentMessages,
  makeChainClients,
  mintTokens,
  send,
  startAnvil,
  wireTokenPool,
  type Anvil,
  type ChainClients,
  type LocalPair,
  type TokenOnChain,
} from '@openccip/devnet';
import { createMessageReader, type MessageReader } from '../src/chain/messageReader.js';
import { createRpcClient, type ChainClient } from '../src/chain/rpc.js';
import type { LogFields, Logger } from '../src/log.js';
import { createExecutePlugin } from '../src/plugins/execute/plugin.js';
import { OffRampWatcher } from '../src/readers/offRampWatcher.js';
import { createExecuteDeps } from '../src/runtime/executeDeps.js';
import { createNodePrices } from '../src/runtime/prices.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';

// The execute plugin over a real chain: a pool's inbound limit keeps a transfer (and the same sender's later ordered
// message) out of the report until the bucket has refilled; nothing fails on chain.
describe('execute respects inbound rate limits (anvil)', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let client: ChainClient;
  let store: Store;
  let reader: MessageReader;
  let dir: string;
  let tA: TokenOnChain;
  let tB: TokenOnChain;
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const receiver = privateKeyToAddress(ANVIL_KEYS[9]!);

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
    const { a, b } = pair;
    // 18 decimals on A, 6 on B: B's pool converts (rounding down) and limits in its own units.
    tA = await deployTokenWithPool(a, { name: 'Limited', symbol: 'LIM', decimals: 18, type: 'burn-mint' });
    tB = await deployTokenWithPool(b, { name: 'Limited', symbol: 'LIM', decimals: 6, type: 'burn-mint' });
    await wireTokenPool(a, tA, [tB]);
    await wireTokenPool(b, tB, [tA], { inbound: { isEnabled: true, capacity: parseUnits('100', 6), rate: parseUnits('1', 6) } });
    dir = mkdtempSync(join(tmpdir(), 'exec-rl-'));
    store = openSqliteStore(join(dir, 'node.db'));
    client = createRpcClient({ url: anvil.rpcUrl, name: 'anvil', chainId: 31337 });
    reader = createMessageReader({ client, onRamp: a.contracts.onRamp, sourceChainSelector: a.chainSelector, finality: { kind: 'depth', depth: 0 }, store });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sendTokens = async (from: ChainClients, amount: bigint) => {
    const { a, b } = pair;
    const m = {
      receiver: encodeAbiParameters([{ type: 'address' }], [receiver]),
      data: '0x' as Hex,
      tokenAmounts: [{ token: tA.token, amount }],
      feeToken: zeroAddress,
      extraArgs: '0x' as Hex, // ordered, default gas limit
    };
    const fee = await a.clients.public.readContract({ address: a.contracts.router, abi: routerAbi, functionName: 'getFee', args: [b.chainSelector, m] });
    await send(from, a.contracts.router, routerAbi, 'ccipSend', [b.chainSelector, m], fee);
  };

  it('leaves a message out until the bucket refills, holding its sender’s next ordered message, then includes both', async () => {
    const { a, b, relay } = pair;
    const alice = makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[1]!);
    const bob = makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[3]!);
    for (const u of [alice, bob]) {
      await mintTokens(a, tA, u.wallet.account.address, parseEther('1000'));
      await send(u, tA.token, burnMintErc20Abi, 'approve', [a.contracts.router, parseEther('1000')]);
    }
    const from = (await client.getBlockNumber({ cacheTime: 0 })) + 1n;
    await sendTokens(alice, parseEther('80')); // 1: fits (100 → 20)
    await sendTokens(alice, parseEther('50')); // 2: 30 short: deferred
    await sendTokens(bob, parseEther('10') + 999_999_999_999n); // 3: another sender: 10 local units, fits
    await sendTokens(alice, parseEther('1')); // 4: fits, but ordered behind 2
    const sent = await getSentMessages(relay, from);
    expect(sent).toHaveLength(4);
    await commitMessages(relay, sent);
    await reader.sync();

    const deps = createExecuteDeps({
      destChainSelector: b.chainSelector,
      destClient: client,
      offRamp: b.contracts.offRamp,
      sources: [{ chainSelector: a.chainSelector, onRamp: a.contracts.onRamp }],
      watcher: new OffRampWatcher(client, b.contracts.offRamp, { log }),
      messages: store.messages,
      tokenAdminRegistry: b.contracts.tokenAdminRegistry,
      log,
    });
    const plugin = createExecutePlugin(deps, 1, {}, log);
    let seqNr = 0n;
    const round = async () => {
      seqNr++;
      const ctx = { instance: 'execute:test', seqNr, epoch: 1, leader: 0 };
      const ob = await plugin.observation(ctx, '0x');
      const aos = [0, 1, 2].map((observer) => ({ observer, observation: ob })); // 2f+1 identical honest views
      const reports = await plugin.reports(seqNr, plugin.outcome(ctx, '0x', aos));
      return reports[0]?.report;
    };
    const seqNrs = (report: Hex | undefined) => (report ? decodeExecutionReports(report).flatMap((r) => r.messages.map((m) => m.header.sequenceNumber)) : []);
    const transmit = (report: Hex) => send(relay.transmitter, b.contracts.offRamp, offRampAbi, 'execute', [reportContext(relay.configDigest, 0n), report]);
    const s = (m: EVM2AnyRampMessage) => m.header.sequenceNumber;

    const first = await round();
    expect(seqNrs(first)).toEqual([s(sent[0]!), s(sent[2]!)]);
    await transmit(first!);
    expect(await getExecutionStates(relay, sent)).toEqual([
      MessageExecutionState.SUCCESS,
      MessageExecutionState.UNTOUCHED,
      MessageExecutionState.SUCCESS,
      MessageExecutionState.UNTOUCHED,
    ]);
    const deferred = lines.find((l) => l.msg.includes('deferred') && l.fields?.messageId === sent[1]!.header.messageId);
    expect(deferred?.fields).toMatchObject({ seqNr: s(sent[1]!).toString(), token: tB.token.toLowerCase(), amount: parseUnits('50', 6).toString() });
    expect(Number(deferred?.fields?.waitSeconds)).toBeGreaterThanOrEqual(29);

    // A few seconds later the bucket is still short: nothing to report.
    expect(await round()).toBeUndefined();

    await client.request({ method: 'evm_increaseTime' as never, params: [60] as never });
    await client.request({ method: 'anvil_mine' as never, params: ['0x1'] as never });
    const later = await round();
    expect(seqNrs(later)).toEqual([s(sent[1]!), s(sent[3]!)]);
    await transmit(later!);
    expect(await getExecutionStates(relay, sent)).toEqual(sent.map(() => MessageExecutionState.SUCCESS));
    const balance = await client.readContract({ address: tB.token, abi: erc20Abi, functionName: 'balanceOf', args: [receiver] });
    expect(balance).toBe(parseUnits('141', 6)); // 80 + 50 + 10 (rounded down) + 1
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  }, 60_000);

  it('prices every registered token from the configured source, re-reading the price file', async () => {
    const { b } = pair;
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ LIM: '2.5' }));
    const prices = createNodePrices({ file, staticUsd: { ETH: '2000' } }, [{ chainSelector: b.chainSelector, client, router: b.contracts.router }], log);
    const dest = prices.forDestination({ client, chainSelector: b.chainSelector, contracts: b.contracts });
    // The refresh runs right before each price read; the FeeQuoter reads fail here only if tokens are unknown to it.
    const live = dest.live({
      destChainSelector: b.chainSelector,
      sources: [],
      readNextSeqNr: async () => 1n,
      readLeaves: async () => [],
      readPrices: async () => ({ gas: [], tokens: [] }),
      now: () => 0,
    });
    await live.readPrices!();
    const wrapped = (await client.readContract({ address: b.contracts.router, abi: routerAbi, functionName: 'getWrappedNative' })).toLowerCase();
    const usd = new Map(dest.tokenUsd);
    expect(usd.get(tB.token.toLowerCase())).toBe(parseUnits('2.5', 18 + 12)); // 6 decimals: USD per 1e18 units
    expect(usd.get(wrapped)).toBe(parseEther('2000')); // native symbol ETH (from WETH)
    expect(usd.get(b.contracts.linkToken.toLowerCase() as Address)).toBe(parseEther('20')); // built-in fallback
    expect([...dest.tokenUsd.keys()].some((t) => t === tA.token.toLowerCase())).toBe(false); // A's token is not B's

    writeFileSync(file, JSON.stringify({ LIM: '3', native: '1000', ETH: '2100' }));
    await new Promise((r) => setTimeout(r, 1_100)); // the file is checked at most once a second
    await live.readPrices!();
    expect(dest.tokenUsd.get(tB.token.toLowerCase())).toBe(parseUnits('3', 30));
    expect(dest.tokenUsd.get(wrapped)).toBe(parseEther('2100'));
  }, 30_000);
});
