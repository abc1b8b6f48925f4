import type { Address, Hex } from 'viem';
import {
  RMN_API_PATHS,
  recoverDigestSigner,
  decodeSignatureResponse,
  orderRmnSignatures,
  postRmnRequest,
  rmnHeartbeatDigest,
  signRmnDigest,
  type HeartbeatRequest,
  type RmnSignature,
  type SignatureResponse,
  type SignedRmnDigest,
} from '@openccip/sdk';
import type { ChainAccess } from './chain.js';
import type { RmnPeer } from './config.js';
import { RmnRefusal } from './errors.js';
import { errorMessage, type Logger } from './log.js';

/** A peer signs heartbeats for timestamps at most this far from its own clock. */
export const HEARTBEAT_MAX_SKEW_SEC = 30n;

/** The RMNRemote calls heartbeats need. */
export interface HeartbeatChainOps {
  /** The last heartbeat timestamp on chain (0 = none). */
  lastHeartbeat(chain: ChainAccess): Promise<bigint>;
  /** Submits heartbeat(timestamp, signatures) and waits for it; returns the tx hash. */
  submit(chain: ChainAccess, timestamp: bigint, signatures: RmnSignature[]): Promise<Hex>;
}

export interface HeartbeatDeps {
  chains: ReadonlyMap<bigint, ChainAccess>;
  peers: readonly RmnPeer[];
  fSign: number;
  signingKey: Hex;
  signer: Address;
  intervalSec: number;
  ops: HeartbeatChainOps;
  log: Logger;
  nowSec?: () => bigint;
}

/** Which peer sends the heartbeats of a slot: rotating, so one dead node does not stop them. */
export function heartbeatLeader(nowSec: bigint, intervalSec: number, peerCount: number): number {
  return Number((nowSec / BigInt(intervalSec)) % BigInt(peerCount));
}

/**
 * Joint heartbeats: every intervalSec the slot's leader (or any node, for a chain whose last heartbeat is older
 * than two intervals) gathers fSign+1 signatures over rmnHeartbeatDigest(chain, now) and submits them to every
 * chain's RMNRemote. A chain whose submission failed is retried on the next tick.
 */
export class HeartbeatManager {
  /** Per chain: the slot last sent in, and the last timestamp sent. */
  private readonly sentSlot = new Map<bigint, bigint>();
  readonly lastSent = new Map<bigint, bigint>();
  private readonly nowSec: () => bigint;
  private readonly selfIndex: number;

  constructor(private readonly deps: HeartbeatDeps) {
    this.nowSec = deps.nowSec ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    this.selfIndex = deps.peers.findIndex((p) => p.signer.toLowerCase() === deps.signer.toLowerCase());
  }

  /** POST /v1/heartbeat-sign: signs `timestamp` for a chain this node watches if it is close to this node's clock. */
  async sign(req: HeartbeatRequest): Promise<SignatureResponse> {
    const chain = this.deps.chains.get(req.chainSelector);
    if (!chain) throw new RmnRefusal('unknown-lane', `chain ${req.chainSelector} is not watched by this node`);
    const now = this.nowSec();
    const skew = req.timestamp > now ? req.timestamp - now : now - req.timestamp;
    if (skew > HEARTBEAT_MAX_SKEW_SEC) throw new RmnRefusal('refused', `heartbeat timestamp ${req.timestamp} is ${skew} s from this node's clock (${now})`);
    const { signer, signature } = await signRmnDigest(this.deps.signingKey, rmnHeartbeatDigest(await chain.domain(), req.timestamp));
    return { signer, r: signature.r, s: signature.s };
  }

  async tick(): Promise<void> {
    const interval = this.deps.intervalSec;
    if (interval <= 0) return;
    const now = this.nowSec();
    const slot = now / BigInt(interval);
    const leader = heartbeatLeader(now, interval, this.deps.peers.length) === this.selfIndex;
    for (const chain of this.deps.chains.values()) {
      if (this.sentSlot.get(chain.selector) === slot) continue;
      const log = { chain: chain.selector, timestamp: now, slot };
      try {
        let due = leader;
        if (!due) {
          const last = await this.deps.ops.lastHeartbeat(chain);
          due = now - last > 2n * BigInt(interval);
          if (due) this.deps.log.info('heartbeat overdue on chain, sending it', { ...log, last });
        }
        if (!due) continue;
        const sigs = await this.collect(chain, now);
        const tx = await this.deps.ops.submit(chain, now, orderRmnSignatures(sigs, this.deps.fSign + 1));
        this.sentSlot.set(chain.selector, slot);
        this.lastSent.set(chain.selector, now);
        this.deps.log.info('heartbeat sent', { ...log, signatures: sigs.length, tx });
      } catch (err) {
        this.deps.log.warn('heartbeat failed, retrying next tick', { ...log, error: errorMessage(err) });
      }
    }
  }

  /** Own signature plus the peers' until fSign+1 (peers asked in parallel). */
  private async collect(chain: ChainAccess, timestamp: bigint): Promise<SignedRmnDigest[]> {
    const own = await this.sign({ chainSelector: chain.selector, timestamp });
    const sigs: SignedRmnDigest[] = [{ signer: own.signer, signature: { r: own.r, s: own.s } }];
    const digest = rmnHeartbeatDigest(await chain.domain(), timestamp);
    const others = this.deps.peers.filter((p) => p.signer.toLowerCase() !== this.deps.signer.toLowerCase());
    const answers = await Promise.allSettled(
      others.map(async (p) => {
        const r = decodeSignatureResponse(await postRmnRequest(p.url, RMN_API_PATHS.heartbeatSign, { chainSelector: chain.selector, timestamp }, this.deps.signingKey, 3_000));
        // A bad signature from one peer would make the whole submission revert: check each.
        const by = recoverDigestSigner(digest, { r: r.r, s: r.s, yParity: 0 });
        if (by === undefined) throw new Error(`peer ${p.name} returned a signature that recovers no signer`);
        if (by.toLowerCase() !== p.signer.toLowerCase()) throw new Error(`peer ${p.name} returned a signature by ${by}`);
        return { signer: r.signer, signature: { r: r.r, s: r.s } };
      }),
    );
    answers.forEach((a, i) => {
      if (a.status === 'fulfilled') sigs.push(a.value);
      else this.deps.log.debug('peer did not sign the heartbeat', { chain: chain.selector, peer: others[i]!.name, error: errorMessage(a.reason) });
    });
    if (sigs.length < this.deps.fSign + 1) throw new Error(`only ${sigs.length} of ${this.deps.fSign + 1} heartbeat signatures`);
    return sigs;
  }
}
