import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeAbiParameters, keccak256, parseEther, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { getChainByChainId, rmnRemoteAbi } from '@openccip/sdk';
import { generateNodeKeys, peerIdFromP2pKey, writeKeystore } from '@openccip/node';
import { freePort, startAnvil, type Anvil } from './anvil.js';
import { ANVIL_KEYS, makeChainClients } from './clients.js';
import { connectLane, deployCore, setOcrConfigs, type ChainDeployment } from './deploy.js';
import { toDevnetChain, type DevnetFile } from './devnetFile.js';
import { DEVNET_TOKEN_USD, deployDevnetAggregateLimits, deployDevnetTokens, devnetTokensFile } from './devnetTokens.js';
import { buildNodeBundle } from './nodeBundle.js';
import { nodeProcessFlags, startProcess, type ManagedProcess } from './processes.js';
import { startRmnNodes, type RmnNodes } from './rmnNodes.js';
import { send } from './tx.js';

/** Registry chain ids a devnet uses, in order (anvil, geth-testnet, then the registry's test chains). */
export const DEVNET_CHAIN_IDS = [31337, 1337, 2337, 3337, 1000, 90000001, 90000002, 90000003, 90000004, 90000005] as const;

export interface DevnetOptions {
  chains?: number;
  nodes?: number;
  /** Seconds per block once deployed (0 = a block per transaction). */
  blockTime?: number;
  finalityDepth?: number;
  /** Where devnet.json goes; node data and logs go in a `.devnet` folder beside it. */
  out?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Node log level. */
  nodeLogLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** RMN node processes (default 3, fSign = (n-1)/2 rounded down; 0 = none). */
  rmnNodes?: number;
  /** RMNRemote's heartbeat timeout on every chain (default 60 with RMN nodes, 0 = off): no heartbeat for this long curses the chain. */
  heartbeatTimeoutSec?: number;
  /** Lanes [source index, destination index] whose roots need no RMN blessing (every lane needs it by default, none without RMN nodes). */
  unblessedLanes?: readonly (readonly [number, number])[];
  /** Seconds between RMN heartbeats (default: a third of heartbeatTimeoutSec, 0 when that is off). */
  heartbeatIntervalSec?: number;
}

export interface NodeHandle {
  name: string;
  configPath: string;
  logFile: string;
  process: ManagedProcess;
}

export interface Devnet {
  file: DevnetFile;
  path: string;
  anvils: Anvil[];
  deployments: ChainDeployment[];
  nodes: NodeHandle[];
  /** The RMN nodes (undefined with rmnNodes: 0). */
  rmn: RmnNodes | undefined;
  /** The nodes' keystore password (each node's keystore.json is beside its node.json). */
  password: string;
  /** Restarts a stopped/killed node with the same config, keys and database. */
  restartNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `ccip devnet up`: K anvil chains, every contract on each, all lanes, n DON node processes configured on every
 * OffRamp, devnet.json. Everything it starts, `stop` stops (and a crash of this process kills the children).
 */
export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const k = opts.chains ?? 3;
  const n = opts.nodes ?? 4;
  const f = Math.floor((n - 1) / 3);
  const blockTime = opts.blockTime ?? 1;
  const depth = opts.finalityDepth ?? 2;
  const log = opts.log ?? (() => {});
  if (k < 2 || k > DEVNET_CHAIN_IDS.length) throw new Error(`--chains must be 2..${DEVNET_CHAIN_IDS.length}, got ${k}`);
  if (n < 4 || f < 1) throw new Error(`--nodes must be at least 4 (n = 3f+1 with f ≥ 1), got ${n}`);
  const outPath = resolve(opts.out ?? 'devnet.json');
  const dir = join(dirname(outPath), '.devnet');
  mkdirSync(dir, { recursive: true });

  const anvils: Anvil[] = [];
  const nodes: NodeHandle[] = [];
  let rmn: RmnNodes | undefined;
  const rmnCount = opts.rmnNodes ?? 3;
  const heartbeatTimeoutSec = opts.heartbeatTimeoutSec ?? (rmnCount > 0 ? 60 : 0);
  const stopAll = async () => {
    await Promise.all(nodes.map((x) => x.process?.stop()));
    await rmn?.stop();
    await Promise.all(anvils.map((a) => a.stop()));
  };

  try {
    log(`starting ${k} anvil chains`);
    for (const chainId of DEVNET_CHAIN_IDS.slice(0, k)) anvils.push(await startAnvil({ chainId }));

    const deployments: ChainDeployment[] = [];
    for (const a of anvils) {
      const entry = getChainByChainId(a.chainId);
      log(`deploying CCIP on ${entry.name} (chain id ${a.chainId}, selector ${entry.selector}) at ${a.rpcUrl}`);
      const c = makeChainClients(a.rpcUrl, a.chainId, ANVIL_KEYS[0]!, entry.name);
      deployments.push(await deployCore(c, { chainSelector: entry.selector, permissionlessExecutionThresholdSeconds: 3600 }));
    }
    log(`opening ${k * (k - 1)} lanes`);
    const unblessed = (i: number, j: number) => rmnCount === 0 || (opts.unblessedLanes ?? []).some(([a, b]) => a === i && b === j);
    for (const [i, src] of deployments.entries()) {
      for (const [j, dst] of deployments.entries()) if (src !== dst) await connectLane(src, dst, { rmnVerification: !unblessed(i, j) });
    }

    // Test tokens (BnM, LnR) on every chain and lane; the DON prices them from its config.
    const t0 = Date.now();
    const tokens = await deployDevnetTokens(deployments, ANVIL_KEYS.slice(1).map((k) => privateKeyToAddress(k)), log);
    const limiters = await deployDevnetAggregateLimits(deployments, tokens, log);
    log(`test tokens ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

    log(`generating keys for ${n} DON nodes (f = ${f})`);
    const selectors = deployments.map((d) => d.chainSelector);
    const password = randomBytes(16).toString('hex');
    const keys = await Promise.all(Array.from({ length: n }, () => generateNodeKeys(selectors)));
    const ports = await Promise.all(keys.map(() => freePort()));
    const members = keys.map((key, i) => ({
      name: `node-${i}`,
      peerId: peerIdFromP2pKey(key.p2pKey),
      address: `/ip4/127.0.0.1/tcp/${ports[i]}`,
      ocrSigner: privateKeyToAddress(key.ocrKey),
      transmitters: Object.fromEntries(selectors.map((s) => [s.toString(), privateKeyToAddress(key.transmitterKeys[s.toString()]!)])),
    }));

    const digests = new Map<bigint, { commit: Hex; execute: Hex }>();
    for (const d of deployments) {
      const signers = members.map((m) => m.ocrSigner);
      const transmitters = members.map((m) => m.transmitters[d.chainSelector.toString()] as Address);
      const digest = (plugin: number) =>
        keccak256(
          encodeAbiParameters(
            [{ type: 'uint64' }, { type: 'address' }, { type: 'uint8' }, { type: 'address[]' }, { type: 'address[]' }, { type: 'uint8' }],
            [d.chainSelector, d.contracts.offRamp, plugin, signers, transmitters, f],
          ),
        );
      const commit = digest(0);
      const execute = digest(1);
      await setOcrConfigs(d, { configDigest: commit, F: f, signers, transmitters }, { configDigest: execute, F: f, signers, transmitters });
      digests.set(d.chainSelector, { commit, execute });
      for (const t of transmitters) await d.clients.public.request({ method: 'anvil_setBalance' as never, params: [t, toHex(parseEther('1000'))] as never });
    }

    // Before interval mining: setRmnConfig is one transaction per chain.
    if (rmnCount > 0) {
      log(`starting ${rmnCount} RMN nodes`);
      rmn = await startRmnNodes(deployments, {
        count: rmnCount,
        fSign: Math.floor((rmnCount - 1) / 2),
        heartbeatIntervalSec: opts.heartbeatIntervalSec ?? Math.ceil(heartbeatTimeoutSec / 3),
        dir,
        depth,
        logLevel: opts.nodeLogLevel,
        log,
      });
    }
    if (heartbeatTimeoutSec > 0) {
      if (!rmn) throw new Error('heartbeatTimeoutSec needs RMN nodes (rmnNodes > 0) to send heartbeats');
      for (const d of deployments) await send(d.clients, d.contracts.rmnRemote, rmnRemoteAbi, 'setHeartbeatTimeout', [heartbeatTimeoutSec]);
    }
    // From now on blocks come on a clock, like a real chain.
    if (blockTime > 0) {
      for (const d of deployments) await d.clients.public.request({ method: 'evm_setIntervalMining' as never, params: [blockTime] as never });
    }

    const rmnSection = rmn && { nodes: rmn.nodes.map((r) => ({ name: r.name, url: r.url, signer: r.signer })) };

    log(`starting ${n} DON nodes`);
    const nodeBin = await buildNodeBundle();
    const spawnNode = (i: number) => {
      const h = nodes[i]!;
      h.process = startProcess(h.name, process.execPath, [...nodeProcessFlags(), nodeBin, '--config', h.configPath], {
        env: { OPENCCIP_KEYSTORE_PASSWORD: password },
        logFile: h.logFile,
      });
    };
    for (let i = 0; i < n; i++) {
      const nodeDir = join(dir, `node-${i}`);
      mkdirSync(nodeDir, { recursive: true });
      const keystorePath = join(nodeDir, 'keystore.json');
      await writeKeystore(keystorePath, keys[i]!, password, { scryptN: 2 ** 14 });
      const config = {
        name: `node-${i}`,
        dataDir: nodeDir,
        keystore: { path: keystorePath, passwordEnv: 'OPENCCIP_KEYSTORE_PASSWORD' },
        p2p: { listen: members[i]!.address },
        don: { f, nodes: members },
        chains: deployments.map((d) => {
          const { name, chainId, chainSelector, rpcUrl, contracts } = toDevnetChain(d, []);
          const { registryModuleOwnerCustom: _r, messageReceiver: _m, ...nodeContracts } = contracts;
          const ocr = digests.get(d.chainSelector)!;
          return {
            name,
            chainId,
            chainSelector,
            rpcUrl,
            finality: { depth },
            contracts: nodeContracts,
            ocr: { commitConfigDigest: ocr.commit, executeConfigDigest: ocr.execute },
          };
        }),
        prices: { staticUsd: { ...DEVNET_TOKEN_USD } },
        logLevel: opts.nodeLogLevel ?? 'info',
        // The commit leader asks these RMN nodes for blessings.
        ...(rmnSection && { rmn: rmnSection }),
      };
      const configPath = join(nodeDir, 'node.json');
      writeFileSync(configPath, JSON.stringify(config, null, 2));
      nodes.push({ name: `node-${i}`, configPath, logFile: join(nodeDir, 'node.log'), process: undefined as unknown as ManagedProcess });
      spawnNode(i);
    }

    const file: DevnetFile = {
      version: 1,
      // Account 0 deployed and owns the contracts; the rest are for users and tests.
      chains: deployments.map((d, i) => ({ ...toDevnetChain(d, ANVIL_KEYS.slice(1)), aggregateRateLimiter: limiters[i] })),
      nodes: members.map((m) => ({ name: m.name, peerId: m.peerId, p2pAddress: m.address, ocrSigner: m.ocrSigner })),
      ...(rmn && { rmnNodes: rmn.nodes.map((r) => ({ name: r.name, signer: r.signer, url: r.url })) }),
      tokens: devnetTokensFile(tokens),
    };
    writeFileSync(outPath, JSON.stringify(file, null, 2));

    return {
      file,
      path: outPath,
      anvils,
      deployments,
      nodes,
      rmn,
      password,
      async restartNode(i) {
        await nodes[i]!.process.stop();
        spawnNode(i);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
