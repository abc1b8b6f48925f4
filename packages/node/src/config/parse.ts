import { peerIdFromString } from '@libp2p/peer-id';
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import { DEFAULT_DELTA_PROGRESS, type ChainConfig, type DonMember, type Finality, type NodeConfig, type RmnClientConfig, type RmnNodeConfig, type TimingConfig } from './types.js';

/**
 * Validates a node config file by hand (no schema library) and converts it to `NodeConfig`. Every problem is
 * reported with the path of the field, e.g. `chains[1].rpcUrl: expected an http(s) URL, got "foo"`; all problems
 * found are reported at once so an operator fixes the file in one go. Unknown fields are errors (typos).
 */

export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      issues.length === 1
        ? `invalid node config ${source}: ${fmt(issues[0]!)}`
        : `invalid node config ${source}:\n${issues.map((i) => `  ${fmt(i)}`).join('\n')}`,
    );
  }
}

const fmt = (i: ConfigIssue): string => (i.path === '' ? i.message : `${i.path}: ${i.message}`);

/** Only loopback TCP, as `/ip4/127.0.0.1/tcp/<port>`; other hosts are refused in this project. */
const LOOPBACK_TCP_RE = /^\/ip4\/127\.0\.0\.1\/tcp\/([0-9]{1,5})$/;
const UINT64_MAX = 2n ** 64n - 1n;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const TIMING_KEYS = ['deltaRound', 'deltaRoundIdle', 'deltaProgress', 'deltaGrace', 'deltaStage', 'pollInterval'] as const;
const CONTRACT_KEYS = ['router', 'onRamp', 'offRamp', 'feeQuoter', 'nonceManager', 'rmnRemote', 'tokenAdminRegistry'] as const;

type Obj = Record<string, unknown>;

/** Collects issues while walking the input; each check returns the converted value or undefined. */
class Checker {
  readonly issues: ConfigIssue[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  object(v: unknown, path: string, allowed: readonly string[]): Obj | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(path, `expected an object, got ${show(v)}`);
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(join(path, k), 'unknown field');
    return v as Obj;
  }

  array(v: unknown, path: string): unknown[] | undefined {
    if (!Array.isArray(v)) return this.fail(path, `expected an array, got ${show(v)}`);
    return v;
  }

  string(v: unknown, path: string): string | undefined {
    if (typeof v !== 'string' || v.trim() === '') return this.fail(path, `expected a non-empty string, got ${show(v)}`);
    return v;
  }

  int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
      return this.fail(path, `expected an integer ${range}, got ${show(v)}`);
    }
    return v;
  }

  address(v: unknown, path: string): Address | undefined {
    if (typeof v !== 'string' || !isAddress(v, { strict: true })) {
      return this.fail(path, `expected a checksummed 0x address, got ${show(v)}`);
    }
    return getAddress(v);
  }

  bytes32(v: unknown, path: string): Hex | undefined {
    if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(v)) return this.fail(path, `expected 32 bytes of 0x hex, got ${show(v)}`);
    return v.toLowerCase() as Hex;
  }

  selector(v: unknown, path: string): bigint | undefined {
    if (typeof v !== 'string' || !/^[0-9]+$/.test(v) || BigInt(v) === 0n || BigInt(v) > UINT64_MAX || (v.length > 1 && v.startsWith('0'))) {
      return this.fail(path, `expected a chain selector as a decimal string (uint64, not 0), got ${show(v)}`);
    }
    return BigInt(v);
  }

  loopbackTcp(v: unknown, path: string, allowPortZero = false): string | undefined {
    if (typeof v !== 'string') return this.fail(path, `expected a multiaddr like /ip4/127.0.0.1/tcp/12001, got ${show(v)}`);
    const m = LOOPBACK_TCP_RE.exec(v);
    if (m === null) {
      if (/^\/ip[46]\/[^/]+\/tcp\/[0-9]+$/.test(v)) return this.fail(path, `only 127.0.0.1 is allowed, got ${show(v)}`);
      return this.fail(path, `expected a multiaddr like /ip4/127.0.0.1/tcp/12001, got ${show(v)}`);
    }
    const port = Number(m[1]);
    if (port > 65535 || (port === 0 && !allowPortZero)) return this.fail(path, `port must be in [1, 65535], got ${port}`);
    return v;
  }

  /** Reports every value seen more than once (compared by `key`). */
  unique<T>(items: readonly (T | undefined)[], path: (i: number) => string, what: string, key: (t: T) => string = String): void {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      if (item === undefined) return;
      const k = key(item);
      const first = seen.get(k);
      if (first === undefined) seen.set(k, i);
      else this.fail(path(i), `duplicate ${what} ${show(item)} (also at ${path(first)})`);
    });
  }
}

export function parseNodeConfig(input: unknown, source = '<config>'): NodeConfig {
  const c = new Checker();
  const root = c.object(input, '', [
    'name', 'dataDir', 'keystore', 'p2p', 'don', 'chains', 'timing', 'prices', 'rmn', 'logLevel', 'metricsPort',
  ]);
  if (root === undefined) throw new ConfigError(source, c.issues);

  const name = c.string(root.name, 'name');
  const dataDir = c.string(root.dataDir, 'dataDir');
  const keystore = parseKeystoreSection(c, root.keystore);
  const p2pObj = c.object(root.p2p, 'p2p', ['listen']);
  const listen = p2pObj && c.loopbackTcp(p2pObj.listen, 'p2p.listen');

  const chainsRaw = c.array(root.chains, 'chains');
  if (chainsRaw?.length === 0) c.fail('chains', 'at least one chain is required');
  const chains = (chainsRaw ?? []).map((v, i) => parseChain(c, v, `chains[${i}]`));
  c.unique(chains.map((x) => x?.name), (i) => `chains[${i}].name`, 'chain name');
  c.unique(chains.map((x) => x?.chainId), (i) => `chains[${i}].chainId`, 'chainId');
  c.unique(chains.map((x) => x?.chainSelector), (i) => `chains[${i}].chainSelector`, 'chainSelector');
  // From the raw input, so one bad field of a chain does not also flag every node's transmitter for it.
  const selectors = (chainsRaw ?? []).flatMap((x) => {
    const sel = typeof x === 'object' && x !== null ? (x as Obj).chainSelector : undefined;
    return typeof sel === 'string' && /^[0-9]+$/.test(sel) ? [sel] : [];
  });

  const don = parseDon(c, root.don, selectors);
  if (name !== undefined && don !== undefined && !don.nodes.some((m) => m.name === name)) {
    c.fail('name', `${show(name)} is not one of don.nodes[].name`);
  }

  const timing = root.timing === undefined ? undefined : parseTiming(c, root.timing);
  const prices = root.prices === undefined ? undefined : parsePrices(c, root.prices);
  const rmn = root.rmn === undefined ? undefined : parseRmn(c, root.rmn);
  let logLevel: NodeConfig['logLevel'];
  if (root.logLevel !== undefined) {
    if (LOG_LEVELS.includes(root.logLevel as (typeof LOG_LEVELS)[number])) logLevel = root.logLevel as NodeConfig['logLevel'];
    else c.fail('logLevel', `expected one of ${LOG_LEVELS.join(', ')}, got ${show(root.logLevel)}`);
  }
  const metricsPort = root.metricsPort === undefined ? undefined : c.int(root.metricsPort, 'metricsPort', 1, 65535);

  if (c.issues.length > 0) throw new ConfigError(source, c.issues);
  const config: NodeConfig = {
    name: name!,
    dataDir: dataDir!,
    keystore: keystore!,
    p2p: { listen: listen! },
    don: don!,
    chains: chains as ChainConfig[],
  };
  if (timing !== undefined) config.timing = timing;
  if (prices !== undefined) config.prices = prices;
  if (rmn !== undefined) config.rmn = rmn;
  if (logLevel !== undefined) config.logLevel = logLevel;
  if (metricsPort !== undefined) config.metricsPort = metricsPort;
  return config;
}

function parseKeystoreSection(c: Checker, v: unknown): NodeConfig['keystore'] | undefined {
  const o = c.object(v, 'keystore', ['path', 'passwordEnv']);
  if (o === undefined) return undefined;
  const path = c.string(o.path, 'keystore.path');
  let passwordEnv: string | undefined;
  if (typeof o.passwordEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.passwordEnv)) {
    c.fail('keystore.passwordEnv', `expected an environment variable name, got ${show(o.passwordEnv)}`);
  } else passwordEnv = o.passwordEnv;
  return path === undefined || passwordEnv === undefined ? undefined : { path, passwordEnv };
}

function parseDon(c: Checker, v: unknown, selectors: readonly string[]): NodeConfig['don'] | undefined {
  const o = c.object(v, 'don', ['f', 'nodes']);
  if (o === undefined) return undefined;
  const f = c.int(o.f, 'don.f', 1);
  const raw = c.array(o.nodes, 'don.nodes');
  if (raw === undefined) return undefined;
  if (f !== undefined && !(raw.length > 3 * f)) c.fail('don.nodes', `n = ${raw.length} must be > 3f (f = ${f})`);
  const nodes = raw.map((m, i) => parseMember(c, m, `don.nodes[${i}]`, selectors));
  c.unique(nodes.map((m) => m?.name), (i) => `don.nodes[${i}].name`, 'node name');
  c.unique(nodes.map((m) => m?.peerId), (i) => `don.nodes[${i}].peerId`, 'peer id');
  c.unique(nodes.map((m) => m?.address), (i) => `don.nodes[${i}].address`, 'address');
  c.unique(nodes.map((m) => m?.ocrSigner), (i) => `don.nodes[${i}].ocrSigner`, 'OCR signer', (a) => a.toLowerCase());
  for (const sel of selectors) {
    c.unique(nodes.map((m) => m?.transmitters[sel]), (i) => `don.nodes[${i}].transmitters.${sel}`, 'transmitter', (a) => a.toLowerCase());
  }
  if (f === undefined || nodes.some((m) => m === undefined)) return undefined;
  return { f, nodes: nodes as DonMember[] };
}

function parseMember(c: Checker, v: unknown, path: string, selectors: readonly string[]): DonMember | undefined {
  const o = c.object(v, path, ['name', 'peerId', 'address', 'ocrSigner', 'transmitters']);
  if (o === undefined) return undefined;
  const before = c.issues.length;
  const name = c.string(o.name, `${path}.name`);
  const peerId = parsePeerId(c, o.peerId, `${path}.peerId`);
  const address = c.loopbackTcp(o.address, `${path}.address`);
  const ocrSigner = c.address(o.ocrSigner, `${path}.ocrSigner`);
  const transmitters: Record<string, Address> = {};
  const t = c.object(o.transmitters, `${path}.transmitters`, selectors);
  if (t !== undefined) {
    for (const sel of selectors) {
      if (t[sel] === undefined) c.fail(`${path}.transmitters`, `missing a transmitter for chain ${sel}`);
      else {
        const a = c.address(t[sel], `${path}.transmitters.${sel}`);
        if (a !== undefined) transmitters[sel] = a;
      }
    }
  }
  if (c.issues.length > before) return undefined;
  return { name: name!, peerId: peerId!, address: address!, ocrSigner: ocrSigner!, transmitters };
}

function parsePeerId(c: Checker, v: unknown, path: string): string | undefined {
  if (typeof v !== 'string') return c.fail(path, `expected a libp2p peer id, got ${show(v)}`);
  try {
    const id = peerIdFromString(v);
    if (id.type !== 'Ed25519') return c.fail(path, `expected an Ed25519 peer id, got a ${id.type} one`);
    return id.toString();
  } catch {
    return c.fail(path, `expected a libp2p peer id, got ${show(v)}`);
  }
}

function parseChain(c: Checker, v: unknown, path: string): ChainConfig | undefined {
  const o = c.object(v, path, ['name', 'chainId', 'chainSelector', 'rpcUrl', 'finality', 'contracts', 'ocr', 'executeGasBudget']);
  if (o === undefined) return undefined;
  const before = c.issues.length;
  const name = c.string(o.name, `${path}.name`);
  const chainId = c.int(o.chainId, `${path}.chainId`, 1);
  const chainSelector = c.selector(o.chainSelector, `${path}.chainSelector`);
  const rpcUrl = parseHttpUrl(c, o.rpcUrl, `${path}.rpcUrl`);
  const finality = parseFinality(c, o.finality, `${path}.finality`);
  const contracts: Partial<ChainConfig['contracts']> = {};
  const co = c.object(o.contracts, `${path}.contracts`, CONTRACT_KEYS);
  if (co !== undefined) for (const k of CONTRACT_KEYS) contracts[k] = c.address(co[k], `${path}.contracts.${k}`);
  const oo = c.object(o.ocr, `${path}.ocr`, ['commitConfigDigest', 'executeConfigDigest']);
  const ocr = oo && {
    commitConfigDigest: c.bytes32(oo.commitConfigDigest, `${path}.ocr.commitConfigDigest`),
    executeConfigDigest: c.bytes32(oo.executeConfigDigest, `${path}.ocr.executeConfigDigest`),
  };
  const executeGasBudget = o.executeGasBudget === undefined ? undefined : c.int(o.executeGasBudget, `${path}.executeGasBudget`, 1);
  if (c.issues.length > before) return undefined;
  const chain: ChainConfig = {
    name: name!,
    chainId: chainId!,
    chainSelector: chainSelector!,
    rpcUrl: rpcUrl!,
    finality: finality!,
    contracts: contracts as ChainConfig['contracts'],
    ocr: ocr as ChainConfig['ocr'],
  };
  if (executeGasBudget !== undefined) chain.executeGasBudget = executeGasBudget;
  return chain;
}

function parseHttpUrl(c: Checker, v: unknown, path: string): string | undefined {
  if (typeof v === 'string') {
    try {
      const u = new URL(v);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '') return v;
    } catch {
      // reported below
    }
  }
  return c.fail(path, `expected an http(s) URL, got ${show(v)}`);
}

function parseFinality(c: Checker, v: unknown, path: string): Finality | undefined {
  if (v === 'finalized') return { kind: 'finalized' };
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = c.object(v, path, ['depth']);
    const depth = o && c.int(o.depth, `${path}.depth`, 0);
    return depth === undefined ? undefined : { kind: 'depth', depth };
  }
  return c.fail(path, `expected {"depth": N} or "finalized", got ${show(v)}`);
}

function parseTiming(c: Checker, v: unknown): Partial<TimingConfig> | undefined {
  const o = c.object(v, 'timing', TIMING_KEYS);
  if (o === undefined) return undefined;
  const timing: Partial<TimingConfig> = {};
  for (const k of TIMING_KEYS) {
    if (o[k] === undefined) continue;
    const ms = c.int(o[k], `timing.${k}`, 1, 3_600_000);
    if (ms !== undefined) timing[k] = ms;
  }
  const idle = timing.deltaRoundIdle;
  if (idle !== undefined && idle >= (timing.deltaProgress ?? DEFAULT_DELTA_PROGRESS)) {
    c.fail('timing.deltaRoundIdle', `must be below deltaProgress (${timing.deltaProgress ?? DEFAULT_DELTA_PROGRESS} ms), got ${idle}`);
  }
  return timing;
}

function parsePrices(c: Checker, v: unknown): NodeConfig['prices'] | undefined {
  const o = c.object(v, 'prices', ['staticUsd', 'file']);
  if (o === undefined) return undefined;
  const out: NonNullable<NodeConfig['prices']> = {};
  if (o.file !== undefined) {
    const file = c.string(o.file, 'prices.file');
    if (file !== undefined) out.file = file;
  }
  if (o.staticUsd === undefined) return out;
  const s = c.object(o.staticUsd, 'prices.staticUsd', typeof o.staticUsd === 'object' && o.staticUsd !== null ? Object.keys(o.staticUsd) : []);
  if (s === undefined) return undefined;
  // Keys are whatever the price source looks tokens up by (address or symbol); only the prices are checked.
  const staticUsd: Record<string, string> = {};
  for (const [token, price] of Object.entries(s)) {
    if (typeof price !== 'string' || !/^[0-9]+(\.[0-9]+)?$/.test(price)) {
      c.fail(`prices.staticUsd.${token}`, `expected a decimal USD price string like "2000.5", got ${show(price)}`);
    } else staticUsd[token] = price;
  }
  out.staticUsd = staticUsd;
  return out;
}

function parseRmn(c: Checker, v: unknown): RmnClientConfig | undefined {
  const o = c.object(v, 'rmn', ['nodes', 'timeoutMs', 'blessWaitMs']);
  if (o === undefined) return undefined;
  const raw = c.array(o.nodes, 'rmn.nodes');
  if (raw?.length === 0) c.fail('rmn.nodes', 'at least one RMN node is required');
  const nodes = (raw ?? []).map((n, i): RmnNodeConfig | undefined => {
    const path = `rmn.nodes[${i}]`;
    const x = c.object(n, path, ['name', 'url', 'signer']);
    if (x === undefined) return undefined;
    const name = c.string(x.name, `${path}.name`);
    const url = parseHttpUrl(c, x.url, `${path}.url`);
    const signer = c.address(x.signer, `${path}.signer`);
    return name === undefined || url === undefined || signer === undefined ? undefined : { name, url, signer };
  });
  c.unique(nodes.map((n) => n?.name), (i) => `rmn.nodes[${i}].name`, 'RMN node name');
  c.unique(nodes.map((n) => n?.url), (i) => `rmn.nodes[${i}].url`, 'RMN node url');
  c.unique(nodes.map((n) => n?.signer), (i) => `rmn.nodes[${i}].signer`, 'RMN signer', (a) => a.toLowerCase());
  const timeoutMs = o.timeoutMs === undefined ? undefined : c.int(o.timeoutMs, 'rmn.timeoutMs', 50, 60_000);
  const blessWaitMs = o.blessWaitMs === undefined ? undefined : c.int(o.blessWaitMs, 'rmn.blessWaitMs', 0, 60_000);
  if (raw === undefined || nodes.some((n) => n === undefined)) return undefined;
  const rmn: RmnClientConfig = { nodes: nodes as RmnNodeConfig[] };
  if (timeoutMs !== undefined) rmn.timeoutMs = timeoutMs;
  if (blessWaitMs !== undefined) rmn.blessWaitMs = blessWaitMs;
  return rmn;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'bigint') return v.toString();
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
