import type { Address, Hex } from 'viem';
import {
  RMN_API_PATHS,
  RmnApiError,
  chainCurseSubject,
  orderRmnSignatures,
  postRmnRequest,
  rmnCurseDigest,
  signRmnDigest,
  type CurseVote,
  type RmnSignature,
} from '@openccip/sdk';
import type { ChainAccess } from './chain.js';
import type { RmnPeer } from './config.js';
import { RmnRefusal } from './errors.js';
import type { Fraud } from './fraudWatch.js';
import { errorMessage, type Logger } from './log.js';
import { VotePool, checkCurseVote } from './votes.js';

/** The RMNRemote calls curse votes need: its curse generation and signed curse submission. */
export interface CurseChainOps {
  generation(chain: ChainAccess): Promise<bigint>;
  /** Submits curseWithSignatures([subject], signatures) and waits for it; returns the tx hash. */
  submitCurse(chain: ChainAccess, subjects: Hex[], signatures: RmnSignature[]): Promise<Hex>;
}

export interface CurseManagerDeps {
  chains: ReadonlyMap<bigint, ChainAccess>;
  peers: readonly RmnPeer[];
  fSign: number;
  signingKey: Hex;
  signer: Address;
  ops: CurseChainOps;
  log: Logger;
  /** Delivery attempts per peer and vote (backoff doubles from 250 ms, at most 10 s). */
  maxAttempts?: number;
}

/**
 * Signed curse votes: this node's own (only for fraud its own watch found), the peers' (checked), and the
 * submission of curseWithSignatures by whichever node first holds fSign+1 votes for a (chain, generation, subject).
 */
export class CurseManager {
  readonly pool: VotePool;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly deliveries = new Set<Promise<void>>();
  private submitting: Promise<void> | undefined;

  constructor(private readonly deps: CurseManagerDeps) {
    this.pool = new VotePool(deps.fSign);
  }

  /** Fraud found by this node's watch: vote to curse `source` on `dest`, keep the vote and send it to every peer. */
  async voteOwn(f: Fraud): Promise<void> {
    const chain = this.deps.chains.get(f.dest);
    if (!chain) return;
    const subject = chainCurseSubject(f.source);
    const log = { chain: f.dest, subject, source: f.source, reason: f.reason };
    const generation = await this.deps.ops.generation(chain);
    if (this.pool.has(f.dest, generation, subject, this.deps.signer)) return;
    if (await chain.hasCursedSubject(subject)) {
      this.deps.log.info('subject already cursed, not voting', log);
      return;
    }
    const domain = await chain.domain();
    const { signature } = await signRmnDigest(this.deps.signingKey, rmnCurseDigest(domain, generation, [subject]));
    const vote: CurseVote = { chainSelector: f.dest, generation, subjects: [subject], signer: this.deps.signer, signature, reason: f.reason };
    const held = this.pool.add({ ...vote, subject });
    this.deps.log.warn('voted to curse', { ...log, generation, votes: held });
    for (const p of this.deps.peers) if (p.signer.toLowerCase() !== this.deps.signer.toLowerCase()) this.deliver(p, vote);
    await this.submitReady();
  }

  /** POST /v1/curse-vote: a peer's vote (relayed votes are fine: the signature is checked, not the caller). */
  async receiveVote(vote: CurseVote, caller: Address): Promise<{ accepted: number }> {
    const chain = this.deps.chains.get(vote.chainSelector);
    if (!chain) throw new RmnRefusal('unknown-lane', `chain ${vote.chainSelector} is not watched by this node`);
    const domain = await chain.domain();
    const check = await checkCurseVote(vote, domain, this.deps.peers.map((p) => p.signer));
    if (!check.ok) throw new RmnRefusal('refused', `curse vote refused: ${check.reason}`);
    const generation = await this.deps.ops.generation(chain);
    if (vote.generation < generation) throw new RmnRefusal('refused', `vote for curse generation ${vote.generation}, the chain is at ${generation}`);
    const accepted = this.pool.add({ ...vote, subject: check.subject });
    this.deps.log.info('curse vote received', { chain: vote.chainSelector, subject: check.subject, signer: vote.signer, caller, generation: vote.generation, votes: accepted, reason: vote.reason });
    void this.submitReady().catch((err) => this.deps.log.warn('curse submission failed', { error: errorMessage(err) }));
    return { accepted };
  }

  /** Submits every tally holding fSign+1 votes (one submission round at a time). */
  submitReady(): Promise<void> {
    this.submitting ??= this.doSubmit().finally(() => (this.submitting = undefined));
    return this.submitting;
  }

  private async doSubmit(): Promise<void> {
    for (const t of this.pool.ready()) {
      const chain = this.deps.chains.get(t.chainSelector)!;
      const log = { chain: t.chainSelector, subject: t.subject, generation: t.generation, votes: t.votes.length };
      try {
        if (await chain.hasCursedSubject(t.subject)) {
          this.pool.markSubmitted(t.chainSelector, t.generation, t.subject);
          this.deps.log.info('subject is cursed on chain', log);
          continue;
        }
        const hash = await this.deps.ops.submitCurse(chain, [t.subject], orderRmnSignatures(t.votes, this.deps.fSign + 1));
        this.pool.markSubmitted(t.chainSelector, t.generation, t.subject);
        this.deps.log.warn('curse submitted', { ...log, tx: hash });
      } catch (err) {
        // Another node may have won the race: then the subject is cursed and the next round marks it.
        this.deps.log.warn('curse submission failed, retrying next tick', { ...log, error: errorMessage(err) });
      }
    }
  }

  /** Periodic: retry submissions, forget votes of past generations. */
  async tick(): Promise<void> {
    for (const chain of this.deps.chains.values()) {
      try {
        this.pool.prune(chain.selector, await this.deps.ops.generation(chain));
      } catch {
        // generation unreadable now: keep the votes
      }
    }
    await this.submitReady();
  }

  private deliver(peer: RmnPeer, vote: CurseVote): void {
    const max = this.deps.maxAttempts ?? 8;
    const run = async () => {
      for (let attempt = 0; attempt < max && !this.stopped; attempt++) {
        try {
          const r = (await postRmnRequest(peer.url, RMN_API_PATHS.curseVote, vote, this.deps.signingKey)) as { accepted?: number };
          this.deps.log.info('curse vote delivered', { chain: vote.chainSelector, subject: vote.subjects[0], peer: peer.name, peerVotes: r.accepted });
          return;
        } catch (err) {
          const code = err instanceof RmnApiError ? err.code : 'internal';
          this.deps.log.warn('curse vote delivery failed', { chain: vote.chainSelector, subject: vote.subjects[0], peer: peer.name, attempt, code, error: errorMessage(err) });
          // A peer that refuses the vote (not a transport error) will refuse it again.
          if (code === 'refused' || code === 'unauthorized' || code === 'bad-request') return;
        }
        await sleep(Math.min(10_000, 250 * 2 ** attempt), this.abort.signal);
      }
    };
    const p = run().finally(() => this.deliveries.delete(p));
    this.deliveries.add(p);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await Promise.allSettled([...this.deliveries, this.submitting]);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
