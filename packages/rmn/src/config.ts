import { readFileSync } from 'node:fs';
import { getAddress, isAddress, type Address } from 'viem';
import type { LogLevel } from './log.js';

/** How deep a block must be before the node relies on it. */
export type Finality = { depth: number } | { kind: 'finalized' };

export interface RmnPeer {
  name: string;
  /** Base URL of the peer's HTTP API (http://127.0.0.1:port in the devnet). */
  url: string;
  /** The peer's RMN signing address (as configured in every RMNRemote). */
  signer: Address;
}

export interface RmnChainConfig {
  name: string;
  chainId: number;
  chainSelector: bigint;
  rpcUrl: string;
  finality: Finality;
  contracts: { onRamp: Address; offRamp: Address; rmnRemote: Address };
  /** First block to scan for OnRamp/OffRamp events (default 0). */
  startBlock: bigint;
}

export interface RmnConfig {
  name: string;
  /** Port of the HTTP API on 127.0.0.1 (0 = any free port). */
  port: number;
  keystore: { path: string; passwordEnv: string };
  fSign: number;
  /** Every RMN node, this one included, in the order RMNRemote lists the signers. */
  peers: RmnPeer[];
  chains: RmnChainConfig[];
  heartbeat: { intervalSec: number };
  pollIntervalMs: number;
  /** How long a committed root may cover sequence numbers the source never finalizes before it counts as fraud. */
  commitGraceSec: number;
  /** Blocks per eth_getLogs request. */
  logChunkBlocks: number;
  logLevel: LogLevel;
}

export class RmnConfigError extends Error {
  override name = 'RmnConfigError';
}

type Obj = Record<string, unknown>;

/** Collects the first error with its field path ("chains[1].contracts.offRamp: not an address"). */
class Checker {
  constructor(private readonly source: string) {}
  fail(path: string, why: string): never {
    throw new RmnConfigError(`${this.source}: ${path}: ${why}`);
  }
  object(v: unknown, path: string, allowed: readonly string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(path, 'must be an object');
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(join(path, k), 'unknown field');
    return v as Obj;
  }
  array(v: unknown, path: string): unknown[] {
    return Array.isArray(v) ? v : this.fail(path, 'must be an array');
  }
  string(v: unknown, path: string): string {
    return typeof v === 'string' && v.length > 0 ? v : this.fail(path, 'must be a non-empty string');
  }
  int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `must be an integer in ${min}..${max}`);
    return v as number;
  }
  address(v: unknown, path: string): Address {
    return typeof v === 'string' && isAddress(v, { strict: false }) ? getAddress(v) : this.fail(path, 'must be a 0x address');
  }
  uint64(v: unknown, path: string): bigint {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v !== 'string' || !/^\d{1,20}$/.test(v) || BigInt(v) >= 1n << 64n) this.fail(path, 'must be a uint64 (decimal string)');
    return BigInt(v as string);
  }
  httpUrl(v: unknown, path: string): string {
    const s = this.string(v, path);
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return this.fail(path, 'must be an http(s) URL');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') this.fail(path, 'must be an http(s) URL');
    return s.replace(/\/$/, '');
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const TOP = ['name', 'port', 'keystore', 'fSign', 'peers', 'chains', 'heartbeat', 'pollIntervalMs', 'commitGraceSec', 'logChunkBlocks', 'logLevel'];

/** Validates an RMN node config (JSON as parsed); every error names the bad field. */
export function parseRmnConfig(input: unknown, source = '<config>'): RmnConfig {
  const c = new Checker(source);
  const o = c.object(input, '', TOP);
  const ks = c.object(o.keystore, 'keystore', ['path', 'passwordEnv']);
  const fSign = c.int(o.fSign, 'fSign', 0, 255);
  const peers = c.array(o.peers, 'peers').map((p, i) => {
    const path = `peers[${i}]`;
    const x = c.object(p, path, ['name', 'url', 'signer']);
    return { name: c.string(x.name, `${path}.name`), url: c.httpUrl(x.url, `${path}.url`), signer: c.address(x.signer, `${path}.signer`) };
  });
  if (peers.length < 2 * fSign + 1) c.fail('peers', `${peers.length} peers cannot tolerate fSign = ${fSign} (need at least 2·fSign+1 = ${2 * fSign + 1})`);
  unique(c, peers.map((p) => p.signer.toLowerCase()), 'peers', 'signer');
  unique(c, peers.map((p) => p.name), 'peers', 'name');
  const chains = c.array(o.chains, 'chains').map((v, i) => parseChain(c, v, `chains[${i}]`));
  if (chains.length === 0) c.fail('chains', 'must list at least one chain');
  unique(c, chains.map((x) => x.chainSelector.toString()), 'chains', 'chainSelector');
  const name = c.string(o.name, 'name');
  const hb = o.heartbeat === undefined ? { intervalSec: 0 } : c.object(o.heartbeat, 'heartbeat', ['intervalSec']);
  const logLevel = o.logLevel ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel as string)) c.fail('logLevel', 'must be debug, info, warn or error');
  return {
    name,
    port: c.int(o.port, 'port', 0, 65535),
    keystore: { path: c.string(ks.path, 'keystore.path'), passwordEnv: c.string(ks.passwordEnv, 'keystore.passwordEnv') },
    fSign,
    peers,
    chains,
    heartbeat: { intervalSec: c.int(hb.intervalSec, 'heartbeat.intervalSec', 0, 86_400) },
    pollIntervalMs: o.pollIntervalMs === undefined ? 1_000 : c.int(o.pollIntervalMs, 'pollIntervalMs', 50, 600_000),
    commitGraceSec: o.commitGraceSec === undefined ? 120 : c.int(o.commitGraceSec, 'commitGraceSec', 0, 86_400 * 7),
    logChunkBlocks: o.logChunkBlocks === undefined ? 5_000 : c.int(o.logChunkBlocks, 'logChunkBlocks', 1, 1_000_000),
    logLevel: logLevel as LogLevel,
  };
}

function unique(c: Checker, values: string[], path: string, field: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) c.fail(`${path}[${i}].${field}`, `repeats ${v}`);
    seen.add(v);
  });
}

function parseChain(c: Checker, v: unknown, path: string): RmnChainConfig {
  const o = c.object(v, path, ['name', 'chainId', 'chainSelector', 'rpcUrl', 'finality', 'contracts', 'startBlock']);
  const f = c.object(o.finality, `${path}.finality`, ['depth', 'kind']);
  let finality: Finality;
  if (f.kind !== undefined) {
    if (f.kind !== 'finalized' || f.depth !== undefined) c.fail(`${path}.finality`, "must be {depth: n} or {kind: 'finalized'}");
    finality = { kind: 'finalized' };
  } else {
    finality = { depth: c.int(f.depth, `${path}.finality.depth`, 0, 10_000) };
  }
  const k = c.object(o.contracts, `${path}.contracts`, ['onRamp', 'offRamp', 'rmnRemote']);
  return {
    name: c.string(o.name, `${path}.name`),
    chainId: c.int(o.chainId, `${path}.chainId`, 1),
    chainSelector: c.uint64(o.chainSelector, `${path}.chainSelector`),
    rpcUrl: c.httpUrl(o.rpcUrl, `${path}.rpcUrl`),
    finality,
    contracts: {
      onRamp: c.address(k.onRamp, `${path}.contracts.onRamp`),
      offRamp: c.address(k.offRamp, `${path}.contracts.offRamp`),
      rmnRemote: c.address(k.rmnRemote, `${path}.contracts.rmnRemote`),
    },
    startBlock: o.startBlock === undefined ? 0n : c.uint64(o.startBlock, `${path}.startBlock`),
  };
}

/** Reads and validates a config file. */
export function loadRmnConfig(path: string): RmnConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RmnConfigError(`cannot read RMN config ${path}: ${(err as Error).message}`);
  }
  return parseRmnConfig(json, path);
}

/** The JSON form of a config (selectors and blocks as decimal strings), as parseRmnConfig reads it back. */
export function serializeRmnConfig(cfg: RmnConfig): string {
  return JSON.stringify(cfg, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
