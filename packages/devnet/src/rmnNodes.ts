import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeAbiParameters, keccak256, parseEther, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { generateRmnKeys, serializeRmnConfig, writeRmnKeystore, type RmnConfig, type RmnKeys } from '@openccip/rmn';
import { freePort } from './anvil.js';
import { setRmnConfig, type ChainDeployment } from './deploy.js';
import { toDevnetChain } from './devnetFile.js';
import { buildRmnBundle } from './nodeBundle.js';
import { nodeProcessFlags, startProcess, type ManagedProcess } from './processes.js';


/** The env variable RMN processes read their keystore password from. */
export const RMN_PASSWORD_ENV = 'OPENCCIP_RMN_KEYSTORE_PASSWORD';

export interface RmnNodesOptions {
  count?: number;
  fSign?: number;
  /** 0 = no heartbeats. */
  heartbeatIntervalSec?: number;
  /** Where each node's folder (config, keystore, log) goes. */
  dir: string;
  /** Finality depth the RMN nodes wait for on every chain. */
  depth: number;
  pollIntervalMs?: number;
  /** How long a committed root may cover never-finalized seqNrs before it counts as fraud. */
  commitGraceSec?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  log?: (line: string) => void;
}

export interface RmnNodeHandle {
  name: string;
  signer: Address;
  url: string;
  configPath: string;
  logFile: string;
  process: ManagedProcess;
  stop(): Promise<void>;
  /** Starts it again (after stop or a crash) with the same config and keys. */
  restart(): Promise<void>;
}

export interface RmnNodes {
  nodes: RmnNodeHandle[];
  fSign: number;
  /** RMNRemote's rmnHomeContractConfigDigest on every chain. */
  configDigest: Hex;
  keys: RmnKeys[];
  stop(): Promise<void>;
}

/**
 * Starts `count` RMN node processes watching every deployment: fresh keys in keystores, configs, the RMN signer set
 * installed in every RMNRemote (setRmnConfig), funded transaction keys. Resolves once every node answers /v1/status.
 */
export async function startRmnNodes(deployments: readonly ChainDeployment[], opts: RmnNodesOptions): Promise<RmnNodes> {
  const count = opts.count ?? 3;
  const fSign = opts.fSign ?? 1;
  const log = opts.log ?? (() => {});
  if (count < 2 * fSign + 1) throw new Error(`${count} RMN nodes cannot tolerate fSign = ${fSign} (need 2·fSign+1)`);
  const password = randomBytes(16).toString('hex');
  const keys = Array.from({ length: count }, () => generateRmnKeys());
  const signers = keys.map((k) => privateKeyToAddress(k.signingKey));
  const ports = await Promise.all(keys.map(() => freePort()));
  const peers = keys.map((_, i) => ({ name: `rmn-${i}`, url: `http://127.0.0.1:${ports[i]}`, signer: signers[i]! }));
  const configDigest = keccak256(encodeAbiParameters([{ type: 'address[]' }, { type: 'uint64' }], [signers, BigInt(fSign)]));

  for (const d of deployments) {
    await setRmnConfig(d, { rmnHomeContractConfigDigest: configDigest, signers, fSign: BigInt(fSign) });
    for (const k of keys) {
      await d.clients.public.request({ method: 'anvil_setBalance' as never, params: [privateKeyToAddress(k.transactionKey), toHex(parseEther('1000'))] as never });
    }
  }

  const bin = await buildRmnBundle();
  const nodes: RmnNodeHandle[] = [];
  const stopAll = () => Promise.all(nodes.map((n) => n.stop())).then(() => undefined);
  try {
    for (let i = 0; i < count; i++) {
      const name = `rmn-${i}`;
      const nodeDir = join(opts.dir, name);
      mkdirSync(nodeDir, { recursive: true });
      const keystorePath = join(nodeDir, 'keystore.json');
      writeRmnKeystore(keystorePath, keys[i]!, password, { scryptN: 2 ** 14 });
      const config: RmnConfig = {
        name,
        port: ports[i]!,
        keystore: { path: keystorePath, passwordEnv: RMN_PASSWORD_ENV },
        fSign,
        peers,
        chains: deployments.map((d) => {
          const c = toDevnetChain(d, []);
          return {
            name: c.name,
            chainId: c.chainId,
            chainSelector: d.chainSelector,
            rpcUrl: c.rpcUrl,
            finality: { depth: opts.depth },
            contracts: { onRamp: c.contracts.onRamp, offRamp: c.contracts.offRamp, rmnRemote: c.contracts.rmnRemote },
            startBlock: 0n,
          };
        }),
        heartbeat: { intervalSec: opts.heartbeatIntervalSec ?? 0 },
        pollIntervalMs: opts.pollIntervalMs ?? 1_000,
        commitGraceSec: opts.commitGraceSec ?? 120,
        logChunkBlocks: 5_000,
        logLevel: opts.logLevel ?? 'info',
      };
      const configPath = join(nodeDir, 'rmn.json');
      writeFileSync(configPath, serializeRmnConfig(config));
      const logFile = join(nodeDir, 'rmn.log');
      const handle: RmnNodeHandle = {
        name,
        signer: signers[i]!,
        url: peers[i]!.url,
        configPath,
        logFile,
        process: undefined as unknown as ManagedProcess,
        async stop() {
          await handle.process?.stop();
        },
        async restart() {
          await handle.process?.stop();
          handle.process = startProcess(name, process.execPath, [...nodeProcessFlags(), bin, '--config', configPath], { env: { [RMN_PASSWORD_ENV]: password }, logFile });
          await waitReady(handle);
        },
      };
      handle.process = startProcess(name, process.execPath, [...nodeProcessFlags(), bin, '--config', configPath], { env: { [RMN_PASSWORD_ENV]: password }, logFile });
      nodes.push(handle);
    }
    await Promise.all(nodes.map((n) => waitReady(n)));
    log(`${count} RMN nodes up (fSign = ${fSign}): ${nodes.map((n) => n.url).join(', ')}`);
    return { nodes, fSign, configDigest, keys, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Waits until the node answers GET /v1/status (or its process exits). */
async function waitReady(n: RmnNodeHandle, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void n.process.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`RMN node ${n.name} exited at start (see ${n.logFile})`);
    try {
      const res = await fetch(`${n.url}/v1/status`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`RMN node ${n.name} did not answer on ${n.url} within ${timeoutMs} ms (see ${n.logFile})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
