import { HttpRequestError, toHex } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startAnvil, type Anvil } from '@openccip/devnet';
import type { Logger } from '../src/log.js';
import { backoffDelay, createRpcClient, isTransientRpcError } from '../src/chain/rpc.js';
import { startRpcProxy } from './rpcProxy.js';

function captureLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('retrying RPC client', () => {
  let anvil: Anvil;
  const cleanup: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
  });
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('backs off exponentially, bounded', () => {
    const r = { attempts: 10, baseDelayMs: 250, maxDelayMs: 2_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, r))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it('retries 5xx answers, logging what it waits for, then succeeds', async () => {
    const proxy = await startRpcProxy(anvil.rpcUrl, (i) => (i < 2 ? 503 : 'ok'));
    cleanup.push(proxy.close);
    const log = captureLogger();
    const client = createRpcClient({ url: proxy.url, name: 'flaky', chainId: 31337, logger: log, retry: { baseDelayMs: 20 } });
    expect(await client.getChainId()).toBe(31337);
    expect(proxy.requests()).toBe(3);
    expect(log.lines.map((l) => l.msg)).toEqual([
      `waiting for RPC ${proxy.url} (chain flaky): attempt 2, retry in 20ms`,
      `waiting for RPC ${proxy.url} (chain flaky): attempt 3, retry in 40ms`,
    ]);
  });

  it('gives up after the configured attempts with the transport error', async () => {
    const proxy = await startRpcProxy(anvil.rpcUrl, () => 503);
    cleanup.push(proxy.close);
    const log = captureLogger();
    const client = createRpcClient({ url: proxy.url, name: 'down', chainId: 31337, logger: log, retry: { attempts: 3, baseDelayMs: 10 } });
    const err = await client.getBlockNumber().catch((e: unknown) => e);
    expect(isTransientRpcError(err)).toBe(true);
    expect(err).toBeInstanceOf(HttpRequestError);
    expect(proxy.requests()).toBe(3);
    expect(log.lines.at(-1)).toMatchObject({ level: 'error', msg: expect.stringMatching(/gave up after 3 attempts/) });
  });

  it('retries a timeout', async () => {
    const proxy = await startRpcProxy(anvil.rpcUrl, (i) => (i === 0 ? 'hang' : 'ok'));
    cleanup.push(proxy.close);
    const client = createRpcClient({ url: proxy.url, name: 'slow', chainId: 31337, timeoutMs: 1_000, retry: { baseDelayMs: 10 } });
    expect(await client.getChainId()).toBe(31337);
    expect(proxy.requests()).toBe(2);
  });

  it('does not retry a revert', async () => {
    const proxy = await startRpcProxy(anvil.rpcUrl, () => 'ok');
    cleanup.push(proxy.close);
    const log = captureLogger();
    const client = createRpcClient({ url: proxy.url, name: 'anvil', chainId: 31337, logger: log, retry: { baseDelayMs: 10 } });
    const target = '0x00000000000000000000000000000000000000aa';
    await client.request({ method: 'anvil_setCode', params: [target, '0x60006000fd'] } as never); // always reverts
    const before = proxy.requests();
    const err = await client.call({ to: target, data: toHex('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/revert/i);
    expect(isTransientRpcError(err)).toBe(false);
    expect(proxy.requests() - before).toBe(1);
    expect(log.lines).toEqual([]);
  });

  it('waits for an RPC that is not up yet', async () => {
    const port = await freePort();
    const log = captureLogger();
    const client = createRpcClient({
      url: `http://127.0.0.1:${port}`,
      name: 'late',
      chainId: 31338,
      logger: log,
      retry: { attempts: 40, baseDelayMs: 100, maxDelayMs: 400 }, // ~15 s: anvil may start slowly on a loaded machine
    });
    const pending = client.getChainId();
    await new Promise((r) => setTimeout(r, 500));
    const late = await startAnvil({ chainId: 31338, port });
    cleanup.push(() => late.stop());
    expect(await pending).toBe(31338);
    expect(log.lines.length).toBeGreaterThanOrEqual(2);
    expect(log.lines[0]!.msg).toMatch(/^waiting for RPC http:\/\/127\.0\.0\.1:\d+ \(chain late\): attempt 2, retry in 100ms$/);
  });
});
