import type { Hex } from 'viem';
import { keccak256 } from '@openccip/sdk';
import type { ConsensusStore } from '../store/types.js';
import type { Logger } from '../log.js';
import { EpochVotes, PerSenderBook } from './books.js';
import { newEpochPayload, observationPayload, reportsHash } from './payloads.js';
import { epochOf, isValidSeqNr, leaderOf, makeSeqNr, MAX_EPOCH, MAX_ROUND, roundOf, transmissionRank } from './seqnr.js';
import { verifyReportSignature } from './signers.js';
import { encodeMessage, type SignedObservation, type WireMessage } from './wire.js';
import type {
  AttestedReport,
  AttributedObservation,
  ContractTransmitter,
  InstanceConfig,
  OffchainSigner,
  OnchainSigner,
  OracleId,
  ReportingPlugin,
  ReportSignature,
  ReportWithInfo,
  RoundContext,
} from './types.js';

/**
 * One protocol instance (one plugin, one destination chain) on one node.
 *
 * Round (epoch e, leader e mod n): QUERY → OBSERVATION (signed, to the leader) → PROPOSAL (≥ 2f+1 signed
 * observations) → every node checks it, computes the reports, promises them in the store and broadcasts PREPARE
 * (reports hash) → on 2f+1 matching PREPAREs a node signs each report (REPORT_SIGNATURE) → f+1 valid signatures
 * make a report attested → transmitted by rank.
 *
 * Why PREPARE: with only "sign what the leader proposed", an equivocating leader could get two different report
 * sets signed by f+1 nodes each for one seqNr. Two 2f+1 quorums share an honest node, and an honest node prepares
 * one hash per seqNr (store check-and-set, also across restarts), so at most one report set per seqNr is signed by
 * any honest node, and an attested report (f+1 signatures) always contains one honest signature.
 *
 * All state changes run on one serial queue; slow plugin/chain calls (query, observation, acceptance, signing,
 * transmission) run beside it and feed results back through the queue.
 */

export interface InstanceStatus {
  instance: string;
  epoch: number;
  leader: OracleId;
  /** The epoch this node asks the others to move to (≥ epoch). */
  wantedEpoch: number;
  /** Whether this node leads rounds in the current epoch (a restarted node never leads the epoch it woke up in). */
  leading: boolean;
  highestPreparedSeqNr: bigint;
  /** Rounds that reached 2f+1 PREPAREs here. */
  committedRounds: number;
  attestedReports: number;
  transmittedReports: number;
  stopped: boolean;
}

export interface ConsensusInstance {
  readonly id: string;
  status(): InstanceStatus;
  stop(): Promise<void>;
}

export interface InstanceDeps {
  config: InstanceConfig;
  plugin: ReportingPlugin;
  transmitter: ContractTransmitter;
  onchainSigner: OnchainSigner;
  offchainSigner: OffchainSigner;
  store: ConsensusStore;
  logger: Logger;
  /** Sends encoded bytes to one peer (never to self). */
  send(to: OracleId, bytes: Uint8Array): void;
}

/** Bounds on what a peer can make us remember. */
const MAX_QUEUED_MESSAGES = 4096;
// Accepted rounds kept for late report signatures: a round attests within a second or two, and an execute round
// holds a report of up to ~100 KB, so a few seconds' worth (at one round per deltaRound) is kept, not more.
const MAX_ROUNDS_KEPT = 16;
const PREPARES_PER_SENDER = 128;
// Entries of pruned rounds are deleted; the bound only limits what a peer can park for rounds never accepted here.
const SIGNATURES_PER_SENDER = 256;
/**
 * Default rounds per epoch: rounds run about once a second under load (4 nodes on 2 cores), so a leader change every
 * ~4–5 minutes, less often when idle. A change costs the commit instance a few seconds (the new leader has no RMN
 * blessing ready yet) and, once per process, compiling the leader's code paths: rare enough to be noise, often
 * enough to bound a censoring leader.
 */
export const ROUNDS_PER_EPOCH = 300;
/**
 * A leader whose epoch made no progress is passed over for this many turns (epochs, times n): counted in epochs, as
 * an epoch lasts from seconds (crashes) to many minutes (rotation). A node that stays down costs deltaProgress once
 * every few turns; one that came back leads again after that.
 */
const SUSPECT_EPOCHS_PER_NODE = 4;

interface LeaderRound {
  seqNr: bigint;
  query: Hex;
  observations: Map<OracleId, SignedObservation>;
  proposed: boolean;
  graceTimer?: NodeJS.Timeout;
}

interface AcceptedRound {
  seqNr: bigint;
  /** A report is let go (undefined) once it is attested and this node has signed it: the transmission holds it. */
  reports: (ReportWithInfo | undefined)[];
  reportHashes: Hex[];
  hash: Hex;
  committed: boolean;
  attested: Set<number>;
  /** Reports this node is done signing (signed, declined or failed). */
  signed: Set<number>;
}

interface ReportSigEntry {
  reportHash: Hex;
  sig: ReportSignature;
  /** Signatures are checked lazily (only those on a report this node holds, only until f+1 are valid). */
  valid?: boolean;
}

/** What the host sees: the public handle plus message delivery. */
export interface InternalInstance extends ConsensusInstance {
  receive(from: OracleId, message: WireMessage): void;
}

export async function startConsensusInstance(deps: InstanceDeps): Promise<InternalInstance> {
  const instance = new Instance(deps);
  await instance.start();
  return instance;
}

class Instance implements InternalInstance {
  readonly id: string;
  private readonly cfg: InstanceConfig;
  private readonly n: number;
  private readonly f: number;
  private readonly log: Logger;
  private readonly deltaResend: number;
  private readonly deltaRoundTimeout: number;
  private readonly roundsPerEpoch: number;
  /** Leaders whose epoch ended without progress, and the epoch until which they are passed over (see rotationEpoch). */
  private readonly suspects = new Map<OracleId, number>();

  private epoch = 0;
  private wantedEpoch = 0;
  private leading = false;
  private nextRound = 1;
  private lastObservedSeqNr = 0n;
  private highestPreparedSeqNr = 0n;
  private leaderRound: LeaderRound | undefined;
  private readonly rounds = new Map<bigint, AcceptedRound>();
  /** Highest seqNr whose round was pruned: later prepares and signatures for it (or older) are dropped, not kept. */
  private prunedThrough = 0n;
  private readonly votes: EpochVotes;
  private readonly lastVoteCheck: number[] = [];
  /** Per peer, the newest NEW_EPOCH that came too soon after its previous one: checked when its turn comes. */
  private readonly deferredVotes = new Map<OracleId, { epoch: number; signature: Hex }>();
  /** Recent queries and proposals from the leader (ms timestamps): a faulty leader's flood is cut down. */
  private readonly queryTimes = new RecentEvents();
  /** When this node last started a round it leads (idle pacing). */
  private lastRoundAt = -Infinity;
  private readonly proposalTimes = new RecentEvents();
  private observing = false;
  /** The newest query that came while an observation was running (observed right after it). */
  private waitingQuery: { from: OracleId; seqNr: bigint; query: Hex } | undefined;
  private readonly prepares: PerSenderBook<Hex>;
  private readonly reportSigs: PerSenderBook<ReportSigEntry>;
  private newEpochSig: { epoch: number; signature: Hex } | undefined;
  /** This node's last observation, so its own entry in a proposal needs no signature check. */
  private ownObservation: { seqNr: bigint; query: Hex; observation: Hex; signature: Hex } | undefined;

  private committedRounds = 0;
  private attestedReports = 0;
  private transmittedReports = 0;

  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private stopped = false;
  private progressTimer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private roundTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: InstanceDeps) {
    this.cfg = deps.config;
    this.id = this.cfg.instance;
    this.n = this.cfg.signers.length;
    this.f = this.cfg.f;
    this.log = deps.logger;
    this.deltaResend = this.cfg.deltaResend ?? Math.max(1, Math.floor(this.cfg.deltaProgress / 2));
    this.deltaRoundTimeout = this.cfg.deltaRoundTimeout ?? Math.max(1, Math.floor(this.cfg.deltaProgress / 2));
    this.roundsPerEpoch = Math.min(this.cfg.roundsPerEpoch ?? ROUNDS_PER_EPOCH, MAX_ROUND);
    this.votes = new EpochVotes(this.n);
    this.prepares = new PerSenderBook(this.n, PREPARES_PER_SENDER);
    this.reportSigs = new PerSenderBook(this.n, SIGNATURES_PER_SENDER);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    const stored = await this.deps.store.getEpoch(this.id);
    if (!Number.isInteger(stored) || stored < 0 || stored >= MAX_EPOCH) throw new Error(`instance ${this.id}: bad stored epoch ${stored}`);
    this.epoch = stored;
    // The round counter of the stored epoch is lost, so this node never leads it again: it asks for the next epoch
    // right away (a fresh DON moves 0 → 1 at once; a single restarted node is outvoted and just follows).
    this.leading = false;
    this.log.info('instance started', { epoch: this.epoch, leader: this.leaderOf(this.epoch) });
    this.enqueue(async () => {
      await this.wishEpoch(this.epoch + 1);
      this.armProgressTimer();
      this.armResendTimer();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of [this.progressTimer, this.resendTimer, this.roundTimer, this.leaderRound?.graceTimer, ...this.timers]) {
      if (t) clearTimeout(t);
    }
    this.timers.clear();
    await this.queue.catch(() => undefined);
    this.log.info('instance stopped', { epoch: this.epoch });
  }

  status(): InstanceStatus {
    return {
      instance: this.id,
      epoch: this.epoch,
      leader: this.leaderOf(this.epoch),
      wantedEpoch: this.wantedEpoch,
      leading: this.leading,
      highestPreparedSeqNr: this.highestPreparedSeqNr,
      committedRounds: this.committedRounds,
      attestedReports: this.attestedReports,
      transmittedReports: this.transmittedReports,
      stopped: this.stopped,
    };
  }

  /** Entry point for decoded messages from the host. `from` is authenticated by the transport. */
  receive(from: OracleId, message: WireMessage): void {
    if (this.stopped) return;
    if (!Number.isInteger(from) || from < 0 || from >= this.n || from === this.cfg.self) {
      this.log.debug('dropped message from a peer outside the instance', { from, type: message.type });
      return;
    }
    if (this.queued >= MAX_QUEUED_MESSAGES) {
      this.log.debug('dropped message: queue full', { from, type: message.type });
      return;
    }
    this.enqueue(() => this.handle(from, message), true);
  }

  // ---------------------------------------------------------------- plumbing

  private enqueue(task: () => Promise<void> | void, counted = false): void {
    if (counted) this.queued++;
    this.queue = this.queue.then(async () => {
      if (counted) this.queued--;
      if (this.stopped) return;
      try {
        await task();
      } catch (err) {
        // A handler bug must not wedge the queue; it is logged with the instance context.
        this.log.error('consensus task failed', { epoch: this.epoch, error: errorText(err) });
      }
    });
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clear(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  private sendTo(to: OracleId, message: WireMessage): void {
    if (this.stopped) return;
    if (to === this.cfg.self) {
      // Local delivery goes through the same queue and checks as a peer's message.
      this.enqueue(() => this.handle(this.cfg.self, message));
      return;
    }
    this.deps.send(to, encodeMessage(message));
  }

  private sendToAll(message: WireMessage, includeSelf: boolean): void {
    if (this.stopped) return;
    const bytes = encodeMessage(message);
    for (let to = 0; to < this.n; to++) if (to !== this.cfg.self) this.deps.send(to, bytes);
    if (includeSelf) this.enqueue(() => this.handle(this.cfg.self, message));
  }

  private ctx(seqNr: bigint): RoundContext {
    const epoch = epochOf(seqNr);
    return { instance: this.id, seqNr, epoch, leader: this.leaderOf(epoch) };
  }

  private drop(reason: string, fields: Record<string, unknown>): void {
    this.log.debug(`dropped: ${reason}`, { epoch: this.epoch, ...fields });
  }

  private async handle(from: OracleId, m: WireMessage): Promise<void> {
    switch (m.type) {
      case 'query':
        return this.onQuery(from, m.seqNr, m.query);
      case 'observation':
        return this.onObservation(from, m.seqNr, m.observation, m.signature);
      case 'proposal':
        return this.onProposal(from, m.seqNr, m.query, m.observations);
      case 'prepare':
        return this.onPrepare(from, m.seqNr, m.reportsHash);
      case 'reportSignature':
        return this.onReportSignature(from, m.seqNr, m.index, m.reportHash, { signer: from, r: m.r, s: m.s, yParity: m.yParity });
      case 'newEpoch':
        return this.onNewEpoch(from, m.epoch, m.signature);
    }
  }

  // ---------------------------------------------------------------- pacemaker

  private armProgressTimer(): void {
    this.clear(this.progressTimer);
    this.progressTimer = this.later(this.cfg.deltaProgress, () =>
      this.enqueue(async () => {
        const leader = this.leaderOf(this.epoch);
        if (leader !== this.cfg.self) this.suspects.set(leader, this.epoch + SUSPECT_EPOCHS_PER_NODE * this.n);
        const next = this.rotationEpoch();
        this.log.info('no progress: asking for the next epoch', { epoch: this.epoch, leader, next });
        await this.wishEpoch(next);
        this.armProgressTimer();
      }),
    );
  }

  private armResendTimer(): void {
    this.clear(this.resendTimer);
    this.resendTimer = this.later(this.deltaResend, () =>
      this.enqueue(async () => {
        await this.broadcastNewEpoch();
        this.armResendTimer();
      }),
    );
  }

  /**
   * The epoch a rotation asks for: the next one, unless its leader recently led an epoch without progress (crashed
   * or silent: it would cost deltaProgress again); at most f such leaders are passed over, so a faulty leader that
   * keeps rounds going (never suspected) still gets no more turns than one in n - f.
   */
  private rotationEpoch(): number {
    for (let k = 1; k <= this.f; k++) {
      const leader = this.leaderOf(this.epoch + k);
      if ((this.suspects.get(leader) ?? 0) <= this.epoch + k) return this.epoch + k;
    }
    return this.epoch + this.f + 1;
  }

  /** Raises the epoch this node asks for and tells everyone. */
  private async wishEpoch(epoch: number): Promise<void> {
    if (epoch > MAX_EPOCH) {
      this.log.error('epoch space exhausted; the instance needs a new configuration', { epoch: this.epoch });
      return;
    }
    if (epoch <= this.wantedEpoch) return;
    this.wantedEpoch = epoch;
    this.votes.raise(this.cfg.self, epoch);
    await this.broadcastNewEpoch();
    await this.evaluateVotes();
  }

  private async broadcastNewEpoch(): Promise<void> {
    const epoch = this.wantedEpoch;
    if (this.newEpochSig?.epoch !== epoch) {
      const signature = await this.deps.offchainSigner.sign(newEpochPayload(this.cfg.configDigest, this.id, epoch));
      this.newEpochSig = { epoch, signature };
    }
    this.sendToAll({ type: 'newEpoch', instance: this.id, epoch, signature: this.newEpochSig.signature }, false);
  }

  private async onNewEpoch(from: OracleId, epoch: number, signature: Hex): Promise<void> {
    if (epoch > MAX_EPOCH || epoch <= this.votes.get(from)) return; // nothing new (resends are the common case)
    // Each new vote costs a signature check: a peer gets at most one per quarter resend interval (an honest node
    // sends far fewer, and its resends repair anything dropped here).
    const now = Date.now();
    const wait = (this.lastVoteCheck[from] ?? -Infinity) + this.deltaResend / 4 - now;
    if (wait > 0) {
      // Kept, not lost: an honest node that wished one epoch and joined a later one a moment after (a rotation
      // that passes over a leader) would otherwise wait for its resend. One kept vote and one timer per peer.
      const kept = this.deferredVotes.get(from);
      if (!kept) this.later(wait, () => this.enqueue(() => this.checkDeferredVote(from)));
      if (!kept || epoch > kept.epoch) this.deferredVotes.set(from, { epoch, signature });
      return this.drop('NEW_EPOCH too frequent (checked later)', { from, newEpoch: epoch });
    }
    this.lastVoteCheck[from] = now;
    const ok = await this.deps.offchainSigner.verify(from, newEpochPayload(this.cfg.configDigest, this.id, epoch), signature);
    if (!ok) return this.drop('NEW_EPOCH with a bad signature', { from, newEpoch: epoch });
    this.votes.raise(from, epoch);
    await this.evaluateVotes();
  }

  private async checkDeferredVote(from: OracleId): Promise<void> {
    const vote = this.deferredVotes.get(from);
    this.deferredVotes.delete(from);
    if (vote) await this.onNewEpoch(from, vote.epoch, vote.signature);
  }

  private async evaluateVotes(): Promise<void> {
    // f+1 wishes include an honest one: join it (this is how a minority that lost the leader gets help).
    const join = this.votes.supportedBy(this.f + 1);
    if (join > this.wantedEpoch) {
      this.wantedEpoch = join;
      this.votes.raise(this.cfg.self, join);
      await this.broadcastNewEpoch();
    }
    const enter = this.votes.supportedBy(2 * this.f + 1);
    if (enter > this.epoch) await this.enterEpoch(enter);
  }

  private async enterEpoch(epoch: number): Promise<void> {
    await this.deps.store.setEpoch(this.id, epoch); // persisted first: a restarted node never goes back
    if (this.stopped) return;
    const previous = this.epoch;
    this.epoch = epoch;
    if (this.wantedEpoch < epoch) this.wantedEpoch = epoch;
    this.votes.raise(this.cfg.self, epoch);
    this.leading = true;
    this.nextRound = 1;
    this.clear(this.roundTimer);
    this.clear(this.leaderRound?.graceTimer);
    this.leaderRound = undefined;
    const leader = this.leaderOf(epoch);
    this.log.info('entered epoch', { epoch, previous, leader, isLeader: leader === this.cfg.self });
    this.armProgressTimer();
    if (leader === this.cfg.self) this.scheduleRound(this.cfg.deltaRound);
  }

  // ---------------------------------------------------------------- leader

  private scheduleRound(delay: number): void {
    this.clear(this.roundTimer);
    const epoch = this.epoch;
    this.roundTimer = this.later(delay, () => this.enqueue(() => this.startRound(epoch)));
  }

  private leaderOf(epoch: number): OracleId {
    return leaderOf(epoch, this.n, this.cfg.leaderOffset ?? 0);
  }

  private isLeaderOf(epoch: number): boolean {
    return this.leading && this.epoch === epoch && this.leaderOf(epoch) === this.cfg.self;
  }

  private startRound(epoch: number): void {
    if (!this.isLeaderOf(epoch)) return;
    // Asked beside the queue (the plugin may read the chain); a skipped round uses no sequence number.
    void this.idleRound().then((idle) =>
      this.enqueue(() => {
        if (!this.isLeaderOf(epoch)) return;
        if (idle) this.scheduleRound(this.cfg.deltaRound);
        else this.beginRound(epoch);
      }),
    );
  }

  private beginRound(epoch: number): void {
    if (this.nextRound > this.roundsPerEpoch) {
      this.enqueue(() => this.wishEpoch(this.rotationEpoch()));
      return;
    }
    const seqNr = makeSeqNr(epoch, this.nextRound++);
    this.clear(this.leaderRound?.graceTimer);
    this.leaderRound = undefined;
    // The plugin's query may be slow (chain reads): it runs beside the queue.
    this.lastRoundAt = Date.now();
    void (async () => {
      let query: Hex;
      try {
        query = await this.deps.plugin.query(this.ctx(seqNr));
      } catch (err) {
        this.log.warn('plugin.query failed; retrying next round', { seqNr, epoch, error: errorText(err) });
        this.enqueue(() => {
          if (this.isLeaderOf(epoch)) this.scheduleRound(this.cfg.deltaRound);
        });
        return;
      }
      this.enqueue(() => {
        if (!this.isLeaderOf(epoch)) return;
        this.leaderRound = { seqNr, query, observations: new Map(), proposed: false };
        this.log.debug('round started', { seqNr, epoch, round: roundOf(seqNr) });
        // Without 2f+1 observations in time, give up the round and try a fresh one.
        this.roundTimer = this.later(this.deltaRoundTimeout, () =>
          this.enqueue(() => {
            if (this.leaderRound?.seqNr !== seqNr || this.leaderRound.proposed) return;
            this.log.info('round timed out without 2f+1 observations', {
              seqNr,
              epoch,
              observations: this.leaderRound.observations.size,
            });
            this.startRound(epoch);
          }),
        );
        this.sendToAll({ type: 'query', instance: this.id, seqNr, query }, true);
      });
    })();
  }

  /** True when this round can be skipped: the plugin sees no work and the last round is under deltaRoundIdle old. */
  private async idleRound(): Promise<boolean> {
    const idle = this.cfg.deltaRoundIdle ?? this.cfg.deltaRound;
    if (!this.deps.plugin.hasWork || Date.now() - this.lastRoundAt >= idle) return false;
    try {
      return !(await this.deps.plugin.hasWork());
    } catch (err) {
      this.log.debug('plugin.hasWork failed; running the round', { error: errorText(err) });
      return false;
    }
  }

  private async onObservation(from: OracleId, seqNr: bigint, observation: Hex, signature: Hex): Promise<void> {
    const r = this.leaderRound;
    if (!r || r.seqNr !== seqNr || r.proposed || !this.isLeaderOf(epochOf(seqNr))) {
      return this.drop('observation not for the round this node leads', { from, seqNr });
    }
    if (r.observations.has(from)) return this.drop('second observation from a peer', { from, seqNr });
    const payload = observationPayload(this.cfg.configDigest, this.id, seqNr, r.query, observation);
    if (!(await this.deps.offchainSigner.verify(from, payload, signature))) return this.drop('observation with a bad signature', { from, seqNr });
    try {
      this.deps.plugin.validateObservation(this.ctx(seqNr), r.query, { observer: from, observation });
    } catch (err) {
      return this.drop('invalid observation', { from, seqNr, error: errorText(err) });
    }
    if (r !== this.leaderRound || r.proposed || r.observations.has(from)) return;
    r.observations.set(from, { observer: from, observation, signature });
    const count = r.observations.size;
    if (count === this.n) return this.propose(r);
    if (count >= 2 * this.f + 1 && !r.graceTimer) {
      r.graceTimer = this.later(this.cfg.deltaGrace, () => this.enqueue(() => this.propose(r)));
    }
  }

  private propose(r: LeaderRound): void {
    if (r !== this.leaderRound || r.proposed) return;
    r.proposed = true;
    this.clear(r.graceTimer);
    const observations = [...r.observations.values()].sort((a, b) => a.observer - b.observer);
    this.log.debug('proposing', { seqNr: r.seqNr, epoch: this.epoch, observers: observations.map((o) => o.observer) });
    this.sendToAll({ type: 'proposal', instance: this.id, seqNr: r.seqNr, query: r.query, observations }, true);
    this.scheduleRound(this.cfg.deltaRound);
  }

  // ---------------------------------------------------------------- follower

  private onQuery(from: OracleId, seqNr: bigint, query: Hex): void {
    if (!isValidSeqNr(seqNr) || epochOf(seqNr) !== this.epoch) return this.drop('query outside the current epoch', { from, seqNr });
    if (from !== this.leaderOf(this.epoch)) return this.drop('query from a non-leader', { from, seqNr });
    if (roundOf(seqNr) > this.roundsPerEpoch) return this.drop('query past the epoch’s last round', { from, seqNr });
    if (seqNr <= this.lastObservedSeqNr) return this.drop('query for an old or repeated seqNr', { from, seqNr });
    // An honest leader queries at most once per deltaRound; a faster stream (a faulty leader making this node
    // observe and sign in a loop) is cut down, and at most one observation is in flight.
    const now = Date.now();
    if (!this.queryTimes.admit(now, this.cfg.deltaRound, LEADER_BURST)) return this.drop('query too soon after the previous ones', { from, seqNr });
    if (this.observing) {
      // A slow observation (a loaded machine) must not cost this node the next round too: the newest query waits.
      this.waitingQuery = { from, seqNr, query };
      return;
    }
    this.observe(from, seqNr, query);
  }

  private observe(leader: OracleId, seqNr: bigint, query: Hex): void {
    this.observing = true;
    this.lastObservedSeqNr = seqNr;
    void (async () => {
      try {
        const ctx = this.ctx(seqNr);
        const observation = await this.deps.plugin.observation(ctx, query);
        const signature = await this.deps.offchainSigner.sign(observationPayload(this.cfg.configDigest, this.id, seqNr, query, observation));
        if (this.ownObservation === undefined || this.ownObservation.seqNr < seqNr) this.ownObservation = { seqNr, query, observation, signature };
        this.sendTo(leader, { type: 'observation', instance: this.id, seqNr, observation, signature });
      } catch (err) {
        this.log.warn('could not observe', { seqNr, epoch: epochOf(seqNr), error: errorText(err) });
      } finally {
        this.observing = false;
        const next = this.waitingQuery;
        this.waitingQuery = undefined;
        // Still this epoch's leader and a newer round: observe it now (late observations still count until the
        // leader proposes).
        if (next && !this.stopped && epochOf(next.seqNr) === this.epoch && next.from === this.leaderOf(this.epoch) && next.seqNr > this.lastObservedSeqNr) {
          this.observe(next.from, next.seqNr, next.query);
        }
      }
    })();
  }

  private async onProposal(from: OracleId, seqNr: bigint, query: Hex, observations: SignedObservation[]): Promise<void> {
    const epoch = this.epoch;
    if (!isValidSeqNr(seqNr) || epochOf(seqNr) !== epoch) return this.drop('proposal outside the current epoch', { from, seqNr });
    if (from !== this.leaderOf(epoch)) return this.drop('proposal from a non-leader', { from, seqNr });
    if (roundOf(seqNr) > this.roundsPerEpoch) return this.drop('proposal past the epoch’s last round', { from, seqNr });
    if (seqNr <= this.highestPreparedSeqNr) return this.drop('proposal for a seqNr not above the last accepted', { from, seqNr });
    const observers = new Set(observations.map((o) => o.observer));
    if (observers.size !== observations.length) return this.drop('proposal repeats an observer', { from, seqNr });
    if (observations.length < 2 * this.f + 1 || observations.length > this.n) {
      return this.drop('proposal with a wrong number of observations', { from, seqNr, count: observations.length });
    }
    if (observations.some((o) => o.observer >= this.n)) return this.drop('proposal names an unknown observer', { from, seqNr });
    // Checking a proposal costs up to n signature checks; an honest leader sends one per deltaRound at most.
    const now = Date.now();
    if (from !== this.cfg.self && !this.proposalTimes.admit(now, this.cfg.deltaRound, LEADER_BURST)) {
      return this.drop('proposal too soon after the previous ones', { from, seqNr });
    }
    const ctx = this.ctx(seqNr);
    // Signature checks are the protocol's main CPU cost: skip the ones this node already knows to be good (its own
    // proposal, whose observations it checked while collecting them, and its own observation).
    const own = this.ownObservation;
    const collected = from === this.cfg.self && this.leaderRound?.seqNr === seqNr ? this.leaderRound.observations : undefined;
    const sigsOk = await Promise.all(
      observations.map((o) => {
        const known = collected?.get(o.observer) ?? (o.observer === this.cfg.self && own?.seqNr === seqNr && own.query === query ? own : undefined);
        if (known && known.observation === o.observation && known.signature === o.signature) return true;
        return this.deps.offchainSigner.verify(o.observer, observationPayload(this.cfg.configDigest, this.id, seqNr, query, o.observation), o.signature);
      }),
    );
    const bad = observations.filter((_, k) => !sigsOk[k]).map((o) => o.observer);
    if (bad.length > 0) return this.drop('proposal carries observations with bad signatures', { from, seqNr, observers: bad });
    const aos: AttributedObservation[] = observations.map((o) => ({ observer: o.observer, observation: o.observation }));
    for (const ao of aos) {
      try {
        this.deps.plugin.validateObservation(ctx, query, ao);
      } catch (err) {
        return this.drop('proposal carries an invalid observation', { from, seqNr, observer: ao.observer, error: errorText(err) });
      }
    }
    let reports: ReportWithInfo[];
    try {
      reports = await this.deps.plugin.reports(seqNr, this.deps.plugin.outcome(ctx, query, aos));
    } catch (err) {
      this.log.warn('plugin could not compute outcome/reports; round skipped', { seqNr, epoch, error: errorText(err) });
      return;
    }
    if (this.stopped || this.epoch !== epoch || seqNr <= this.highestPreparedSeqNr) return;
    const hash = reportsHash(reports);
    // The safety point: once recorded, this node never prepares or signs another report set for this seqNr. An
    // empty set signs nothing, so nothing signed later can conflict with it: no durable write (an fsync) for it.
    const recorded = reports.length === 0 || (await this.deps.store.recordSignature(this.id, seqNr, hash));
    this.highestPreparedSeqNr = seqNr > this.highestPreparedSeqNr ? seqNr : this.highestPreparedSeqNr;
    if (!recorded) {
      this.log.warn('refusing a proposal: a different report set was already signed for this seqNr', { seqNr, epoch, from, reportsHash: hash });
      return;
    }
    this.rounds.set(seqNr, { seqNr, reports, reportHashes: reports.map((r) => keccak256(r.report)), hash, committed: false, attested: new Set(), signed: new Set() });
    this.pruneRounds();
    this.prepares.add(this.cfg.self, seqNr.toString(), hash);
    this.sendToAll({ type: 'prepare', instance: this.id, seqNr, reportsHash: hash }, false);
    this.checkPrepareQuorum(seqNr);
    // Faster peers' signatures may already be here.
    for (let index = 0; index < reports.length; index++) await this.checkAttested(seqNr, index);
  }

  private pruneRounds(): void {
    while (this.rounds.size > MAX_ROUNDS_KEPT) {
      let oldest: bigint | undefined;
      for (const k of this.rounds.keys()) if (oldest === undefined || k < oldest) oldest = k;
      if (oldest === undefined) return;
      const round = this.rounds.get(oldest)!;
      this.rounds.delete(oldest);
      if (oldest > this.prunedThrough) this.prunedThrough = oldest;
      // Its prepares and signatures would otherwise stay until their books' FIFO bound pushes them out
      // (thousands of entries per instance at a round a second).
      this.prepares.delete(oldest.toString());
      for (let index = 0; index < round.reports.length; index++) this.reportSigs.delete(`${oldest}:${index}`);
    }
  }

  /** Far-future seqNrs cannot be useful yet; refusing them keeps the books for what matters now. */
  private plausibleSeqNr(seqNr: bigint): boolean {
    return isValidSeqNr(seqNr) && epochOf(seqNr) <= this.epoch + 1;
  }

  private onPrepare(from: OracleId, seqNr: bigint, hash: Hex): void {
    if (!this.plausibleSeqNr(seqNr)) return this.drop('prepare for an implausible seqNr', { from, seqNr });
    if (seqNr <= this.prunedThrough) return this.drop('prepare for a pruned round', { from, seqNr });
    if (!this.prepares.add(from, seqNr.toString(), hash)) return this.drop('second prepare from a peer', { from, seqNr });
    this.checkPrepareQuorum(seqNr);
  }

  private checkPrepareQuorum(seqNr: bigint): void {
    const round = this.rounds.get(seqNr);
    if (!round || round.committed) return;
    const agreeing = this.prepares.values(seqNr.toString()).filter((p) => p.value === round.hash).length;
    if (agreeing < 2 * this.f + 1) return;
    round.committed = true;
    this.committedRounds++;
    if (epochOf(seqNr) === this.epoch) this.armProgressTimer();
    this.log.debug('round committed', { seqNr, epoch: epochOf(seqNr), reports: round.reports.length });
    if (epochOf(seqNr) === this.epoch && roundOf(seqNr) >= this.roundsPerEpoch) {
      const next = this.rotationEpoch();
      this.log.debug('the epoch’s last round is agreed: asking for the next epoch', { seqNr, epoch: this.epoch, next, leader: this.leaderOf(next) });
      this.enqueue(() => this.wishEpoch(next));
    }
    void this.signReports(round);
  }

  private async signReports(round: AcceptedRound): Promise<void> {
    const { seqNr } = round;
    for (let index = 0; index < round.reports.length; index++) {
      const report = round.reports[index];
      if (report === undefined) continue;
      try {
        if (!(await this.deps.plugin.shouldAcceptAttestedReport(seqNr, report))) {
          this.log.debug('plugin declined to sign report', { seqNr, index, info: report.info });
          continue;
        }
        const reportHash = round.reportHashes[index]!; // keccak256(report.report), computed once per round
        const sig = await this.deps.onchainSigner.signReportHash(this.cfg.configDigest, seqNr, reportHash);
        if (this.stopped) return;
        this.sendToAll({ type: 'reportSignature', instance: this.id, seqNr, index, reportHash, r: sig.r, s: sig.s, yParity: sig.yParity }, true);
      } catch (err) {
        this.log.warn('could not sign report', { seqNr, index, epoch: epochOf(seqNr), error: errorText(err) });
      } finally {
        round.signed.add(index);
        this.releaseReport(round, index);
      }
    }
  }

  /** An execute report is up to ~100 KB: once attested and signed here, the round has no further use for it. */
  private releaseReport(round: AcceptedRound, index: number): void {
    if (round.attested.has(index) && round.signed.has(index)) round.reports[index] = undefined;
  }

  // ---------------------------------------------------------------- attestation and transmission

  private async onReportSignature(from: OracleId, seqNr: bigint, index: number, reportHash: Hex, sig: ReportSignature): Promise<void> {
    if (!this.plausibleSeqNr(seqNr)) return this.drop('report signature for an implausible seqNr', { from, seqNr });
    if (seqNr <= this.prunedThrough) return this.drop('report signature for a pruned round', { from, seqNr });
    // This node's own signature (local delivery) is good by construction; peers' are checked in checkAttested.
    const entry: ReportSigEntry = from === this.cfg.self ? { reportHash, sig, valid: true } : { reportHash, sig };
    if (!this.reportSigs.add(from, `${seqNr}:${index}`, entry)) return this.drop('second report signature from a peer', { from, seqNr, index });
    await this.checkAttested(seqNr, index);
  }

  private async checkAttested(seqNr: bigint, index: number): Promise<void> {
    const round = this.rounds.get(seqNr);
    const report = round?.reports[index];
    const reportHash = round?.reportHashes[index];
    if (!round || !report || !reportHash || round.attested.has(index)) return;
    const candidates = this.reportSigs
      .values(`${seqNr}:${index}`)
      .filter((e) => e.value.reportHash === reportHash && e.value.valid !== false);
    if (candidates.length < this.f + 1) return;
    // A signature counts only if it recovers to the configured signer of its sender for exactly this report.
    const sigs: ReportSignature[] = [];
    for (const { sender, value } of candidates) {
      if (sigs.length === this.f + 1) break;
      if (value.valid === undefined) {
        const signer = this.cfg.signers[sender];
        value.valid = signer !== undefined && (await verifyReportSignature(signer, this.cfg.configDigest, seqNr, reportHash, value.sig));
        if (!value.valid) this.drop('report signature that does not recover to its sender', { from: sender, seqNr, index });
      }
      if (value.valid) sigs.push(value.sig);
    }
    if (sigs.length < this.f + 1 || round.attested.has(index)) return;
    round.attested.add(index);
    this.releaseReport(round, index);
    this.attestedReports++;
    const attested: AttestedReport = {
      configDigest: this.cfg.configDigest,
      seqNr,
      report,
      signatures: sigs.sort((a, b) => a.signer - b.signer),
    };
    const rank = transmissionRank(this.id, seqNr, this.cfg.self, this.n);
    this.log.debug('report attested', { seqNr, index, rank });
    this.later(rank * this.cfg.deltaStage, () => void this.transmit(attested, index, rank));
  }

  private async transmit(attested: AttestedReport, index: number, rank: number): Promise<void> {
    const { seqNr } = attested;
    const fields = { seqNr, index, rank, epoch: epochOf(seqNr), info: attested.report.info };
    try {
      if (!(await this.deps.plugin.shouldTransmitAcceptedReport(seqNr, attested.report))) {
        this.log.debug('plugin says the report needs no transmission', fields);
        return;
      }
    } catch (err) {
      this.log.warn('shouldTransmitAcceptedReport failed; not transmitting', { ...fields, error: errorText(err) });
      return;
    }
    if (this.stopped) return;
    try {
      await this.deps.transmitter.transmit(attested);
      this.transmittedReports++;
      this.log.info('report transmitted', fields);
    } catch (err) {
      // The next rank takes over after its own delay.
      this.log.warn('transmission failed', { ...fields, error: errorText(err) });
    }
  }
}

/**
 * An honest leader sends one query and one proposal per deltaRound, but a loaded machine or network delivers them
 * in bursts: up to this many within one deltaRound are taken, so jitter never costs a round, while a faulty leader
 * can make a node observe or check proposals at most this many times as often as an honest one.
 */
const LEADER_BURST = 3;

/** Timestamps of recent events, to admit at most `max` within any `windowMs`. */
class RecentEvents {
  private times: number[] = [];
  admit(now: number, windowMs: number, max: number): boolean {
    this.times = this.times.filter((t) => now - t < windowMs);
    if (this.times.length >= max) return false;
    this.times.push(now);
    return true;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
