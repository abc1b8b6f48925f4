import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  BaseError,
  createPublicClient,
  createWalletClient,
  encodeErrorResult,
  encodeFunctionData,
  HttpRequestError,
  http,
  parseEther,
  ResponseBodyTooLargeError,
  TimeoutError,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { anvil as anvilChain } from 'viem/chains';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_KEYS, freePort, startAnvil, type Anvil } from '@openccip/devnet';
import { rmnRemoteAbi } from '../src/index.js';
import { rmnRemoteBytecode } from '../src/bytecode/index.js';
import { createJsonRpcHttp, jsonRpcHttp } from '../src/transport/index.js';

const CHAIN_ID = 31337;
const ALWAYS_REVERTS: Address = '0x00000000000000000000000000000000000000aa';

/** Runtime code that reverts with `data` whatever it is called with: CODECOPY the trailing data, REVERT it. */
function revertingCode(data: Hex): Hex {
  const len = (data.length - 2) / 2;
  if (len > 255) throw new Error('revert data too long for this stub');
  const b = (n: number) => n.toString(16).padStart(2, '0');
  return `0x60${b(len)}600c600039${'60'}${b(len)}6000fd${data.slice(2)}`;
}

/** Name chain, short messages and decoded revert of an error and its causes: what callers of viem look at. */
function describeChain(err: unknown) {
  const out: unknown[] = [];
  for (let e = err as (BaseError & { data?: unknown; code?: unknown }) | undefined, i = 0; e && i < 10; e = e.cause as never, i++) {
    const data = e.data as { errorName?: string; args?: readonly unknown[] } | string | undefined;
    const decoded = typeof data === 'object' ? data : undefined;
    out.push({ name: e.name, short: e.shortMessage, code: e.code, raw: typeof data === 'string' ? data : undefined, errorName: decoded?.errorName, args: decoded?.args });
  }
  return out;
}

type Handler = (req: IncomingMessage, body: string, res: ServerResponse, socket: Socket) => void;

/** A tiny JSON-RPC server on 127.0.0.1 whose answers the test decides; counts connections. */
async function tinyServer(handle: Handler) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString(), res, req.socket));
  });
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const answer = (res: ServerResponse, body: string, result: unknown) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(body).id, result }));

describe('lean JSON-RPC HTTP transport', () => {
  let anvil: Anvil;
  let lean: PublicClient;
  let reference: PublicClient;
  let rmnRemote: Address;
  const cleanup: (() => Promise<void> | void)[] = [];
  const staleHeartbeat = encodeErrorResult({ abi: rmnRemoteAbi, errorName: 'StaleHeartbeat', args: [5n, 7n] });

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: CHAIN_ID });
    lean = createPublicClient({ chain: anvilChain, transport: jsonRpcHttp(anvil.rpcUrl, { retryCount: 0 }) });
    reference = createPublicClient({ chain: anvilChain, transport: http(anvil.rpcUrl, { retryCount: 0 }) });
    await lean.request({ method: 'anvil_setCode', params: [ALWAYS_REVERTS, revertingCode(staleHeartbeat)] } as never);
    const owner = createWalletClient({ chain: anvilChain, account: privateKeyToAccount(ANVIL_KEYS[0]!), transport: jsonRpcHttp(anvil.rpcUrl) });
    const hash = await owner.deployContract({ abi: rmnRemoteAbi, bytecode: rmnRemoteBytecode, args: [7759470850252068959n] });
    rmnRemote = (await lean.waitForTransactionReceipt({ hash, pollingInterval: 20 })).contractAddress!;
  });
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('answers reads and sends transactions through viem clients', async () => {
    expect(await lean.getChainId()).toBe(CHAIN_ID);
    // cacheTime 0: viem caches the block number per client, and waitForTransactionReceipt above may have cached a
    // head read before the deployment was mined.
    expect(await lean.getBlockNumber({ cacheTime: 0 })).toBe(await reference.getBlockNumber({ cacheTime: 0 }));
    const wallet = createWalletClient({ chain: anvilChain, account: privateKeyToAccount(ANVIL_KEYS[2]!), transport: jsonRpcHttp(anvil.rpcUrl) });
    const to: Address = '0x00000000000000000000000000000000000000bb';
    const hash = await wallet.sendTransaction({ to, value: parseEther('1.5') });
    expect((await lean.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status).toBe('success');
    expect(await lean.getBalance({ address: to })).toBe(parseEther('1.5'));
    expect(await lean.readContract({ address: rmnRemote, abi: rmnRemoteAbi, functionName: 'getCurseGeneration' })).toBe(0n);
  });

  it('decodes a readContract revert exactly as viem http does', async () => {
    const read = (c: PublicClient) =>
      c.readContract({ address: ALWAYS_REVERTS, abi: rmnRemoteAbi, functionName: 'getCurseGeneration' }).catch((e: unknown) => e);
    const [mine, theirs] = [await read(lean), await read(reference)];
    expect(describeChain(mine)).toEqual(describeChain(theirs));
    expect(describeChain(mine)).toContainEqual(expect.objectContaining({ name: 'ContractFunctionRevertedError', errorName: 'StaleHeartbeat', args: [5n, 7n] }));
    expect((mine as Error).message).toBe((theirs as Error).message);
  });

  it('decodes simulate and estimateGas reverts exactly as viem http does', async () => {
    const account = privateKeyToAccount(ANVIL_KEYS[1]!).address; // not the owner
    const config = { rmnHomeContractConfigDigest: `0x${'11'.repeat(32)}` as Hex, fSign: 0n, signers: [] };
    const simulate = (c: PublicClient) =>
      c.simulateContract({ account, address: rmnRemote, abi: rmnRemoteAbi, functionName: 'setConfig', args: [config] }).catch((e: unknown) => e);
    const [mine, theirs] = [await simulate(lean), await simulate(reference)];
    expect(describeChain(mine)).toEqual(describeChain(theirs));
    expect(describeChain(mine)).toContainEqual(expect.objectContaining({ errorName: 'OnlyCallableByOwner' }));

    const data = encodeFunctionData({ abi: rmnRemoteAbi, functionName: 'getCurseGeneration' });
    const estimate = (c: PublicClient) => c.estimateGas({ account, to: ALWAYS_REVERTS, data }).catch((e: unknown) => e);
    const [e1, e2] = [await estimate(lean), await estimate(reference)];
    expect(describeChain(e1)).toEqual(describeChain(e2));
    expect((e1 as Error).message).toBe((e2 as Error).message);
    // The revert data reaches callers intact (the node's transaction manager reads it to name the error).
    expect(describeChain(e1)).toContainEqual(expect.objectContaining({ name: 'RpcRequestError', code: 3, raw: staleHeartbeat }));
  });

  it('keeps sockets alive: sequential requests share one connection, concurrent ones at most maxSockets', async () => {
    const srv = await tinyServer((_req, body, res) => setTimeout(() => answer(res, body, '0x7a69'), 5));
    cleanup.push(srv.close);
    const p = createJsonRpcHttp(srv.url, { maxSockets: 3 });
    cleanup.push(() => p.close());
    for (let i = 0; i < 10; i++) expect(await p.request({ method: 'eth_chainId' })).toBe('0x7a69');
    expect(srv.connections()).toBe(1);
    await Promise.all(Array.from({ length: 30 }, () => p.request({ method: 'eth_chainId' })));
    expect(srv.connections()).toBeLessThanOrEqual(3);
  });

  it('turns HTTP 500 into HttpRequestError with the status', async () => {
    const srv = await tinyServer((_req, _body, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'));
    cleanup.push(srv.close);
    const client = createPublicClient({ transport: jsonRpcHttp(srv.url, { retryCount: 0 }) });
    const err = await client.getBlockNumber().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpRequestError);
    expect((err as HttpRequestError).status).toBe(500);
    expect((err as HttpRequestError).details).toBe('boom');
  });

  it('passes a JSON-RPC error in a non-2xx answer on as the RPC error (code kept)', async () => {
    const srv = await tinyServer((_req, body, res) =>
      res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(body).id, error: { code: -32005, message: 'slow down' } })),
    );
    cleanup.push(srv.close);
    const p = createJsonRpcHttp(srv.url);
    cleanup.push(() => p.close());
    const err = await p.request({ method: 'eth_blockNumber' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'RpcRequestError', code: -32005, details: 'slow down' });
  });

  it('times out with viem TimeoutError and drops the request', async () => {
    let closed = 0;
    const srv = await tinyServer((req) => req.socket.on('close', () => closed++)); // never answers
    cleanup.push(srv.close);
    const p = createJsonRpcHttp(srv.url, { timeoutMs: 100 });
    cleanup.push(() => p.close());
    const t0 = Date.now();
    const err = await p.request({ method: 'eth_blockNumber' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await expect.poll(() => closed).toBe(1);
  });

  it('reports a refused connection as HttpRequestError without status, the socket error as cause', async () => {
    const port = await freePort();
    const p = createJsonRpcHttp(`http://127.0.0.1:${port}`);
    cleanup.push(() => p.close());
    const err = await p.request({ method: 'eth_blockNumber' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpRequestError);
    expect((err as HttpRequestError).status).toBeUndefined();
    expect(((err as HttpRequestError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('re-sends once when the server closed a kept-alive socket', async () => {
    let served = 0;
    const srv = await tinyServer((_req, body, res, socket) => {
      // The first connection answers once, then drops the next request unanswered (a server's idle close race).
      if (srv.connections() === 1 && served === 1) return void socket.destroy();
      served++;
      answer(res, body, '0x1');
    });
    cleanup.push(srv.close);
    const p = createJsonRpcHttp(srv.url);
    cleanup.push(() => p.close());
    expect(await p.request({ method: 'eth_blockNumber' })).toBe('0x1');
    expect(await p.request({ method: 'eth_blockNumber' })).toBe('0x1');
    expect(srv.connections()).toBe(2);
  });

  it('refuses a body over the limit', async () => {
    const srv = await tinyServer((_req, body, res) => answer(res, body, `0x${'00'.repeat(1_000)}`));
    cleanup.push(srv.close);
    const p = createJsonRpcHttp(srv.url, { maxResponseBytes: 500 });
    cleanup.push(() => p.close());
    expect(await p.request({ method: 'eth_getCode' }).catch((e: unknown) => e)).toBeInstanceOf(ResponseBodyTooLargeError);
  });

  it('sends credentials in the URL as basic auth and keeps them out of errors', async () => {
    let auth: string | undefined;
    const srv = await tinyServer((req, body, res) => {
      auth = req.headers.authorization;
      res.writeHead(503).end();
    });
    cleanup.push(srv.close);
    const p = createJsonRpcHttp(srv.url.replace('http://', 'http://user:s3cret@'));
    cleanup.push(() => p.close());
    const err = (await p.request({ method: 'eth_blockNumber' }).catch((e: unknown) => e)) as HttpRequestError;
    expect(auth).toBe(`Basic ${Buffer.from('user:s3cret').toString('base64')}`);
    expect(err.status).toBe(503);
    expect(err.message).not.toContain('s3cret');
  });
});
