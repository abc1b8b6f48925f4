import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeAbiParameters, keccak256, toHex, zeroAddress, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { routerAbi } from '@openccip/sdk';
import {
  ANVIL_KEYS,
  SELECTOR_A,
  SELECTOR_B,
  configureDon,
  connectLane,
  deployCore,
  deployLocalPair,
  freePort,
  makeChainClients,
  send,
  setRmnConfig,
  startAnvil,
  type Anvil,
  type ChainDeployment,
  type KeyRelay,
  type LocalPair,
} from '@openccip/devnet';
import { parseRmnConfig, RmnNode, createLogger, noopLogger, type RmnConfig, type RmnKeys, type Logger } from '../src/index.js';

export const RMN_CONFIG_DIGEST = keccak256(toHex('rmn-test-config'));

/** Logs of in-process nodes: silent unless RMN_TEST_LOGS=1. */
export const testLogger = (name: string): Logger => (process.env.RMN_TEST_LOGS ? createLogger('rmn', 'debug', undefined, { node: name }) : noopLogger);

export interface Harness {
  /** The source's anvil (also the destination's unless twoChains). */
  anvil: Anvil;
  anvils: Anvil[];
  pair: LocalPair;
  keys: RmnKeys[];
  ports: number[];
  fSign: number;
  configFor(i: number, overrides?: Partial<Record<string, unknown>>): RmnConfig;
  rawConfigFor(i: number, overrides?: Partial<Record<string, unknown>>): Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Two CCIP stacks on one anvil (deployLocalPair: A → B and B → A), both RMNRemotes configured with `count` fresh RMN
 * signers (fSign), and configs for RMN nodes watching both stacks at `depth`.
 */
export async function setupHarness(opts: { count?: number; fSign?: number; depth?: number; rmnVerification?: boolean; twoChains?: boolean } = {}): Promise<Harness> {
  const count = opts.count ?? 3;
  const fSign = opts.fSign ?? 1;
  const anvil = await startAnvil({ chainId: 31337 });
  const anvils = [anvil];
  try {
    let pair: LocalPair;
    if (opts.twoChains) {
      // Source and destination on separate anvils, so one can reorg without the other.
      anvils.push(await startAnvil({ chainId: 1337 }));
      pair = await deployTwoChains(anvil, anvils[1]!, opts.rmnVerification ?? false);
    } else {
      pair = await deployLocalPair(anvil.rpcUrl, 31337, { rmnVerification: opts.rmnVerification ?? false });
    }
    const keys: RmnKeys[] = Array.from({ length: count }, () => ({ signingKey: generatePrivateKey(), transactionKey: generatePrivateKey() }));
    // RMNRemote requires signers in the config; node indexes follow the peers' order.
    for (const d of [pair.a, pair.b]) {
      await setRmnConfig(d, { rmnHomeContractConfigDigest: RMN_CONFIG_DIGEST, signers: keys.map((k) => privateKeyToAddress(k.signingKey)), fSign: BigInt(fSign) });
    }
    for (const k of keys) {
      for (const d of [pair.a, pair.b]) {
        await d.clients.public.request({ method: 'anvil_setBalance' as never, params: [privateKeyToAddress(k.transactionKey), toHex(10n ** 20n)] as never });
      }
    }
    const ports = await Promise.all(keys.map(() => freePort()));
    const chainOf = (d: ChainDeployment, name: string) => ({
      name,
      chainId: d.clients.chain.id,
      chainSelector: d.chainSelector.toString(),
      rpcUrl: d.clients.chain.rpcUrls.default.http[0]!,
      finality: { depth: opts.depth ?? 2 },
      contracts: { onRamp: d.contracts.onRamp, offRamp: d.contracts.offRamp, rmnRemote: d.contracts.rmnRemote },
    });
    const rawConfigFor = (i: number, overrides: Partial<Record<string, unknown>> = {}) => ({
      name: `rmn-${i}`,
      port: ports[i],
      keystore: { path: '/nonexistent', passwordEnv: 'RMN_TEST_PASSWORD' },
      fSign,
      peers: keys.map((k, j) => ({ name: `rmn-${j}`, url: `http://127.0.0.1:${ports[j]}`, signer: privateKeyToAddress(k.signingKey) })),
      chains: [chainOf(pair.a, 'stack-a'), chainOf(pair.b, 'stack-b')],
      heartbeat: { intervalSec: 0 },
      pollIntervalMs: 200,
      commitGraceSec: 5,
      ...overrides,
    });
    return {
      anvil,
      anvils,
      pair,
      keys,
      ports,
      fSign,
      rawConfigFor,
      configFor: (i, o) => parseRmnConfig(rawConfigFor(i, o)),
      stop: () => Promise.all(anvils.map((a) => a.stop())).then(() => undefined),
    };
  } catch (err) {
    await Promise.all(anvils.map((a) => a.stop()));
    throw err;
  }
}

/** Like deployLocalPair, with A on `anvilA` and B on `anvilB`. */
async function deployTwoChains(anvilA: Anvil, anvilB: Anvil, rmnVerification: boolean): Promise<LocalPair> {
  const a = await deployCore(makeChainClients(anvilA.rpcUrl, anvilA.chainId, ANVIL_KEYS[0]!), { chainSelector: SELECTOR_A });
  const b = await deployCore(makeChainClients(anvilB.rpcUrl, anvilB.chainId, ANVIL_KEYS[0]!), { chainSelector: SELECTOR_B });
  await connectLane(a, b, { rmnVerification });
  await connectLane(b, a, { rmnVerification });
  const relay: KeyRelay = {
    src: a,
    dst: b,
    transmitter: makeChainClients(anvilB.rpcUrl, anvilB.chainId, ANVIL_KEYS[2]!),
    configDigest: keccak256(toHex('two-chains-ocr-config')),
    ocrKeys: [],
    F: 0,
    rmnKeys: [],
    fSign: 1,
    rmnConfigDigest: RMN_CONFIG_DIGEST,
    ocrSeqNr: 1n,
  };
  await configureDon(relay, 1);
  return { a, b, relay };
}

/** Starts in-process RMN nodes (real HTTP servers) for the given indexes. */
export async function startNodes(h: Harness, indexes: number[]): Promise<RmnNode[]> {
  const nodes: RmnNode[] = [];
  for (const i of indexes) {
    const n = new RmnNode({ config: h.configFor(i), keys: h.keys[i]!, log: testLogger(`rmn-${i}`) });
    await n.start();
    nodes.push(n);
  }
  return nodes;
}

/** Sends `count` messages A → B of a local pair (native fee); read them back with getSentMessages. */
export async function sendMessages(h: { anvil: Anvil; pair: LocalPair }, count: number, tag = 'msg'): Promise<void> {
  const { a, b } = h.pair;
  const from = makeChainClients(h.anvil.rpcUrl, h.anvil.chainId, ANVIL_KEYS[1]!);
  for (let i = 0; i < count; i++) {
    const m = {
      receiver: encodeAbiParameters([{ type: 'address' }], [b.contracts.messageReceiver]),
      data: toHex(`${tag}-${i}`),
      tokenAmounts: [] as { token: Address; amount: bigint }[],
      feeToken: zeroAddress,
      extraArgs: '0x' as Hex,
    };
    const fee = await a.clients.public.readContract({ address: a.contracts.router, abi: routerAbi, functionName: 'getFee', args: [b.chainSelector, m] });
    await send(from, a.contracts.router, routerAbi, 'ccipSend', [b.chainSelector, m], fee);
  }
}

/** Mines `blocks` blocks on every chain of the pair. */
export async function mine(h: { pair: LocalPair }, blocks: number): Promise<void> {
  const urls = new Set<string>();
  for (const d of [h.pair.a, h.pair.b]) {
    const url = d.clients.chain.rpcUrls.default.http[0]!;
    if (urls.has(url)) continue;
    urls.add(url);
    await d.clients.public.request({ method: 'anvil_mine' as never, params: [toHex(blocks)] as never });
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A JSON-RPC pass-through on 127.0.0.1 that counts the calls it forwards to `target` (a batch counts each call). */
export async function startRpcCounter(target: string): Promise<{ url: string; calls: string[]; stop(): Promise<void> }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { method: string } | { method: string }[];
      for (const c of Array.isArray(parsed) ? parsed : [parsed]) calls.push(c.method);
      void fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(await r.text());
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
