import { getAddress, type Address } from 'viem';
import { addressFromPrivateKey, keccakReady } from '@openccip/sdk';
import { RmnRefusal } from './errors.js';
import { bless } from './blessing.js';
import { ChainAccess } from './chain.js';
import type { RmnConfig } from './config.js';
import { CurseManager, sleep, type CurseChainOps } from './curses.js';
import { CurseStatusCache } from './curseStatus.js';
import { FraudWatch } from './fraudWatch.js';
import { HeartbeatManager, type HeartbeatChainOps } from './heartbeat.js';
import { onchainCurseOps, onchainHeartbeatOps } from './onchain.js';
import type { RmnKeys } from './keystore.js';
import { errorMessage, withFields, type Logger } from './log.js';
import { startRmnServer, type RmnHttpServer } from './server.js';
import { SourceReader } from './sourceReader.js';

export interface RmnNodeOptions {
  config: RmnConfig;
  keys: RmnKeys;
  log: Logger;
  /** RMNRemote calls for curse votes (default: the on-chain ones). */
  curseOps?: CurseChainOps;
  /** RMNRemote calls for heartbeats (default: the on-chain ones). */
  heartbeatOps?: HeartbeatChainOps;
}

/**
 * One RMN node: reads every source OnRamp at finality, blesses roots it re-derived, watches every OffRamp for
 * fraud, exchanges signed curse votes with its peers and submits curses, and serves the HTTP API on 127.0.0.1.
 */
export class RmnNode {
  readonly signer: Address;
  readonly chains = new Map<bigint, ChainAccess>();
  readonly sources = new Map<bigint, SourceReader>();
  readonly fraudWatch: FraudWatch;
  readonly curses: CurseManager;
  readonly heartbeats: HeartbeatManager;
  private server: RmnHttpServer | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly heads = new Map<bigint, bigint>();

  constructor(private readonly opts: RmnNodeOptions) {
    const { config: cfg, keys, log } = opts;
    this.signer = addressFromPrivateKey(keys.signingKey);
    if (!cfg.peers.some((p) => p.signer === getAddress(this.signer))) {
      throw new Error(`this node's signer ${this.signer} is not among the configured peers (${cfg.peers.map((p) => p.signer).join(', ')})`);
    }
    for (const c of cfg.chains) this.chains.set(c.chainSelector, new ChainAccess(c, keys.transactionKey));
    const selectors = cfg.chains.map((c) => c.chainSelector);
    for (const c of this.chains.values()) {
      const dests = selectors.filter((s) => s !== c.selector);
      this.sources.set(c.selector, new SourceReader(c, dests, BigInt(cfg.logChunkBlocks), withFields(log, { component: 'source', source: c.selector })));
    }
    this.curses = new CurseManager({
      chains: this.chains,
      peers: cfg.peers,
      fSign: cfg.fSign,
      signingKey: keys.signingKey,
      signer: this.signer,
      ops: opts.curseOps ?? onchainCurseOps,
      log: withFields(log, { component: 'curse' }),
    });
    this.heartbeats = new HeartbeatManager({
      chains: this.chains,
      peers: cfg.peers,
      fSign: cfg.fSign,
      signingKey: keys.signingKey,
      signer: this.signer,
      intervalSec: cfg.heartbeat.intervalSec,
      ops: opts.heartbeatOps ?? onchainHeartbeatOps,
      log: withFields(log, { component: 'heartbeat' }),
    });
    this.fraudWatch = new FraudWatch({
      chains: this.chains,
      sources: this.sources,
      commitGraceMs: cfg.commitGraceSec * 1000,
      chunk: BigInt(cfg.logChunkBlocks),
      log: withFields(log, { component: 'fraud-watch' }),
      onFraud: (f) => this.curses.voteOwn(f),
    });
  }

  get url(): string {
    if (!this.server) throw new Error('RMN node not started');
    return this.server.url;
  }

  async start(): Promise<void> {
    const { config: cfg, keys, log } = this.opts;
    // keccak256 uses viem's JS until its WebAssembly module has loaded: have the fast path from the first leaf.
    await keccakReady;
    const curseStatus = new CurseStatusCache();
    this.server = await startRmnServer(
      cfg.port,
      {
        mayBless: async (req, caller) => {
          const dest = this.chains.get(req.destChainSelector);
          if (!dest) throw new RmnRefusal('unknown-lane', `destination ${req.destChainSelector} is not watched by this node`);
          return (await dest.commitSigners()).has(caller.toLowerCase());
        },
        isPeer: (caller) => cfg.peers.some((p) => p.signer.toLowerCase() === caller.toLowerCase()),
        bless: (req) => bless({ chains: this.chains, sources: this.sources, curseStatus, signingKey: keys.signingKey, log }, req),
        curseVote: (vote, caller) => this.curses.receiveVote(vote, caller),
        heartbeatSign: (req) => this.heartbeats.sign(req),
        status: () => this.status(),
      },
      withFields(log, { component: 'api' }),
    );
    log.info('RMN node started', { name: cfg.name, signer: this.signer, url: this.server.url, chains: cfg.chains.map((c) => c.name), fSign: cfg.fSign, peers: cfg.peers.length });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { config: cfg, log } = this.opts;
    while (!this.abort.signal.aborted) {
      for (const s of this.sources.values()) {
        try {
          await s.sync();
          this.heads.set(s.selector, s.scannedTo);
        } catch (err) {
          log.warn('cannot read source chain', { chain: s.selector, error: errorMessage(err) });
        }
      }
      try {
        await this.heartbeats.tick();
        await this.fraudWatch.tick();
        await this.curses.tick();
      } catch (err) {
        log.error('watch round failed', { error: errorMessage(err) });
      }
      await sleep(cfg.pollIntervalMs, this.abort.signal);
    }
  }

  status() {
    const cfg = this.opts.config;
    const fw = this.fraudWatch.status();
    return {
      name: cfg.name,
      signer: this.signer,
      fSign: cfg.fSign,
      peers: cfg.peers.map((p) => ({ name: p.name, signer: p.signer, url: p.url })),
      chains: cfg.chains.map((c) => ({
        name: c.name,
        chainSelector: c.chainSelector.toString(),
        finalizedSourceBlock: this.heads.get(c.chainSelector)?.toString() ?? null,
        finalizedDestBlock: fw.destHeads[c.chainSelector.toString()] ?? null,
      })),
      verifiedIntervals: fw.verifiedIntervals,
      pendingRoots: fw.pendingRoots,
      pendingExecutions: fw.pendingExecutions,
      votesHeld: this.curses.pool.size(),
      lastHeartbeatSent: Object.fromEntries([...this.heartbeats.lastSent].map(([k, v]) => [k.toString(), v.toString()])),
      votes: this.curses.pool.summary(),
    };
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.curses.stop();
    await this.loop;
    await this.server?.close();
    this.opts.log.info('RMN node stopped', { name: this.opts.config.name });
  }
}
