import { decodeAbiParameters, encodeAbiParameters, keccak256, toHex, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import {
  createConsensusHost,
  createOcrKeySigners,
  verifyReportSignatureOn,
  type AttestedReport,
  type ConsensusHost,
  type ConsensusInstance,
  type ContractTransmitter,
  type InstanceConfig,
  type ReportingPlugin,
} from '../src/consensus/index.js';
import { createMemoryNetwork, type MemoryNetwork } from '../src/transport/memory.js';
import type { ConsensusStore } from '../src/store/types.js';
import { createLogger, noopLogger, type Logger } from '../src/log.js';

/** In-memory ConsensusStore (the SQLite one lives elsewhere); survives "restarts" because tests keep the object. */
export class MemoryConsensusStore implements ConsensusStore {
  readonly signatures = new Map<string, Hex>();
  readonly epochs = new Map<string, number>();

  async recordSignature(instance: string, seqNr: bigint, reportsHash: Hex): Promise<boolean> {
    const key = `${instance}/${seqNr}`;
    const existing = this.signatures.get(key);
    if (existing !== undefined) return existing === reportsHash;
    this.signatures.set(key, reportsHash);
    return true;
  }
  async getSignature(instance: string, seqNr: bigint): Promise<Hex | undefined> {
    return this.signatures.get(`${instance}/${seqNr}`);
  }
  async getEpoch(instance: string): Promise<number> {
    return this.epochs.get(instance) ?? 0;
  }
  async setEpoch(instance: string, epoch: number): Promise<void> {
    const old = this.epochs.get(instance) ?? 0;
    if (epoch < old) throw new Error(`epoch went back from ${old} to ${epoch} for ${instance}`);
    this.epochs.set(instance, epoch);
  }
}

export const INSTANCE = 'commit:7759470850252068959';
export const CONFIG_DIGEST = keccak256(toHex('test config digest')) as Hex;

export function testKey(i: number): Hex {
  return keccak256(toHex(`openccip consensus test key ${i}`));
}

export function testSigners(n: number): Hex[] {
  return Array.from({ length: n }, (_, i) => privateKeyToAddress(testKey(i)));
}

export interface Timing {
  deltaRound: number;
  deltaProgress: number;
  deltaGrace: number;
  deltaStage: number;
  deltaRoundIdle?: number;
  leaderOffset?: number;
  roundsPerEpoch?: number;
  deltaResend?: number;
}

export const FAST: Timing = { deltaRound: 15, deltaProgress: 250, deltaGrace: 5, deltaStage: 60 };

export function instanceConfig(n: number, f: number, self: number, timing: Timing = FAST): InstanceConfig {
  return { instance: INSTANCE, configDigest: CONFIG_DIGEST, signers: testSigners(n), f, self, ...timing };
}

/**
 * The "chain": verifies attested reports as the OffRamp would (exactly f+1 distinct configured signers, each
 * signature valid for this report and seqNr), refuses a second report for a seqNr, and records every attested
 * report any node was about to transmit, so a conflict (two different reports for one seqNr) is visible even if it
 * never lands.
 */
export class Ledger {
  readonly landed = new Map<bigint, { report: Hex; by: number; at: number }>();
  readonly landingOrder: bigint[] = [];
  readonly attestedSeen = new Map<bigint, Set<Hex>>();
  readonly violations: string[] = [];
  refusedDuplicates = 0;

  constructor(
    readonly signers: readonly Hex[],
    readonly f: number,
  ) {}

  sawAttested(seqNr: bigint, report: Hex): void {
    const set = this.attestedSeen.get(seqNr) ?? new Set<Hex>();
    set.add(report);
    this.attestedSeen.set(seqNr, set);
    if (set.size > 1) this.violations.push(`two different attested reports for seqNr ${seqNr}`);
  }

  async land(by: number, a: AttestedReport): Promise<void> {
    const distinct = new Set(a.signatures.map((s) => s.signer));
    if (a.signatures.length !== this.f + 1 || distinct.size !== this.f + 1) {
      this.violations.push(`seqNr ${a.seqNr}: ${a.signatures.length} signatures (${distinct.size} distinct), want ${this.f + 1}`);
      throw new Error('wrong number of signatures');
    }
    for (const sig of a.signatures) {
      if (!(await verifyReportSignatureOn(this.signers, a.configDigest, a.seqNr, a.report.report, sig))) {
        this.violations.push(`seqNr ${a.seqNr}: invalid signature of signer ${sig.signer}`);
        throw new Error('invalid signature');
      }
    }
    if (this.landed.has(a.seqNr)) {
      this.refusedDuplicates++;
      throw new Error(`seqNr ${a.seqNr} already transmitted`);
    }
    this.landed.set(a.seqNr, { report: a.report.report, by, at: Date.now() });
    this.landingOrder.push(a.seqNr);
  }

  transmitter(by: number): ContractTransmitter {
    return { transmit: (a) => this.land(by, a) };
  }
}

/** Toy observation: one uint256. Outcome: (median of the valid values, bitmask of the observers). */
export function encodeValue(v: bigint): Hex {
  return encodeAbiParameters([{ type: 'uint256' }], [v]);
}

export const MAX_VALUE = 1_000_000n;

export interface ToyPluginOptions {
  value: () => bigint;
  ledger: Ledger;
  /** Every seqNr this node computed reports for, in order (must be strictly increasing). */
  reportedSeqNrs?: bigint[];
}

export function toyPlugin(o: ToyPluginOptions): ReportingPlugin {
  return {
    async query() {
      return '0x';
    },
    async observation() {
      return encodeValue(o.value());
    },
    validateObservation(_ctx, _query, ao) {
      if (ao.observation.length !== 66) throw new Error(`observation of observer ${ao.observer} is not one word`);
      const [v] = decodeAbiParameters([{ type: 'uint256' }], ao.observation);
      if (v > MAX_VALUE) throw new Error(`observation ${v} of observer ${ao.observer} out of bounds`);
    },
    outcome(_ctx, _query, aos) {
      const values = aos.map((a) => decodeAbiParameters([{ type: 'uint256' }], a.observation)[0]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const median = values[Math.floor(values.length / 2)]!;
      const mask = aos.reduce((m, a) => m | (1n << BigInt(a.observer)), 0n);
      return encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [median, mask]);
    },
    reports(seqNr, outcome) {
      o.reportedSeqNrs?.push(seqNr);
      const [median, mask] = decodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], outcome);
      return [{ report: encodeAbiParameters([{ type: 'uint64' }, { type: 'uint256' }, { type: 'uint256' }], [seqNr, median, mask]), info: `median ${median}` }];
    },
    async shouldAcceptAttestedReport() {
      return true;
    },
    async shouldTransmitAcceptedReport(seqNr, report) {
      o.ledger.sawAttested(seqNr, report.report);
      return !o.ledger.landed.has(seqNr);
    },
  };
}

export interface ClusterNode {
  index: number;
  store: MemoryConsensusStore;
  host?: ConsensusHost;
  instance?: ConsensusInstance;
  /** Per lifetime (start), every seqNr this node computed reports for, in order. */
  lifetimes: bigint[][];
  running: boolean;
}

export interface ClusterOptions {
  n: number;
  f: number;
  timing?: Timing;
  /** Nodes that are never started. */
  down?: number[];
  latency?: number | ((from: number, to: number) => number);
  /** Writes JSON logs to stderr at this level (default: none). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Nodes whose transmitter always throws. */
  failingTransmitters?: number[];
  /** Gives every node's toy plugin a hasWork answering this (idle pacing). */
  hasWork?: () => boolean;
  /** Receives every node's info-and-above log lines, parsed (unless logLevel sends them to stderr). */
  onLog?: (i: number, line: Record<string, unknown>) => void;
  /** Node i runs this plugin, made from the toy plugin it would run otherwise. */
  plugin?: (i: number, toy: ReportingPlugin) => ReportingPlugin;
}

export class Cluster {
  readonly net: MemoryNetwork;
  readonly ledger: Ledger;
  readonly nodes: ClusterNode[];
  readonly started = Date.now();

  constructor(readonly opts: ClusterOptions) {
    this.net = createMemoryNetwork(opts.n, { latency: opts.latency ?? ((a, b) => 1 + ((a * 7 + b * 3) % 4)) });
    this.ledger = new Ledger(testSigners(opts.n), opts.f);
    this.nodes = Array.from({ length: opts.n }, (_, index) => ({ index, store: new MemoryConsensusStore(), lifetimes: [], running: false }));
  }

  logger(i: number): Logger {
    if (this.opts.logLevel) return createLogger(`node-${i}`, this.opts.logLevel);
    const onLog = this.opts.onLog;
    return onLog ? createLogger(`node-${i}`, 'info', { write: (line) => onLog(i, JSON.parse(line) as Record<string, unknown>) }) : noopLogger;
  }

  async startAll(): Promise<void> {
    for (const node of this.nodes) if (!this.opts.down?.includes(node.index)) await this.start(node.index);
  }

  /** Starts node i (again): a new host and instance object over the same store. */
  async start(i: number, plugin?: ReportingPlugin): Promise<void> {
    const node = this.nodes[i]!;
    const transport = this.net.transport(i);
    const host = createConsensusHost(transport, { logger: this.logger(i) });
    await transport.start();
    const { onchain, offchain } = createOcrKeySigners(testKey(i), testSigners(this.opts.n));
    const transmitter: ContractTransmitter = this.opts.failingTransmitters?.includes(i)
      ? {
          transmit: async (a) => {
            throw new Error(`node ${i}: simulated RPC failure for seqNr ${a.seqNr}`);
          },
        }
      : this.ledger.transmitter(i);
    const reportedSeqNrs: bigint[] = [];
    node.lifetimes.push(reportedSeqNrs);
    const toy = toyPlugin({ value: () => 100n + BigInt(i), ledger: this.ledger, reportedSeqNrs });
    const hasWork = this.opts.hasWork;
    const base = hasWork ? { ...toy, hasWork: async () => hasWork() } : toy;
    const p = plugin ?? this.opts.plugin?.(i, base) ?? base;
    node.host = host;
    node.instance = await host.startInstance(instanceConfig(this.opts.n, this.opts.f, i, this.opts.timing), p, transmitter, onchain, offchain, node.store, this.logger(i));
    node.running = true;
  }

  /** Crash: the node stops sending and receiving at once. */
  async crash(i: number): Promise<void> {
    const node = this.nodes[i]!;
    await this.net.transport(i).stop();
    await node.host?.stop();
    node.running = false;
  }

  async stopAll(): Promise<void> {
    for (const node of this.nodes) if (node.running) await this.crash(node.index);
    this.net.close();
  }

  status(i: number) {
    return this.nodes[i]!.instance!.status();
  }

  /** Waits until `cond` holds (polling), or fails with `what` after `timeoutMs`. */
  async until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<number> {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
      await sleep(5);
    }
    return Date.now() - t0;
  }

  landedCount(): number {
    return this.ledger.landed.size;
  }

  /** Checks the invariants every scenario must keep. */
  checkSafety(): void {
    if (this.ledger.violations.length > 0) throw new Error(`safety violations:\n${this.ledger.violations.join('\n')}`);
    for (const node of this.nodes) {
      for (const seq of node.lifetimes) {
        for (let k = 1; k < seq.length; k++) {
          if (seq[k]! <= seq[k - 1]!) throw new Error(`node ${node.index}: accepted seqNr ${seq[k]} after ${seq[k - 1]}`);
        }
      }
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
