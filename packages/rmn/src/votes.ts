import type { Address, Hex } from 'viem';
import { recoverDigestSigner, rmnCurseDigest, type CurseVote, type RmnRemoteDomain, type SignedRmnDigest } from '@openccip/sdk';

/** Votes aggregate per (chain, curse generation, subject): one subject per vote so independent votes add up. */
export function voteKey(chainSelector: bigint, generation: bigint, subject: Hex): string {
  return `${chainSelector}:${generation}:${subject.toLowerCase()}`;
}

export type VoteCheck = { ok: true; subject: Hex } | { ok: false; reason: string };

/**
 * Whether a curse vote is one this node may count: one subject, a signer among the RMN peers, and a signature by
 * that signer over rmnCurseDigest(domain of the target RMNRemote, generation, [subject]).
 */
export async function checkCurseVote(vote: CurseVote, domain: RmnRemoteDomain, peers: readonly Address[]): Promise<VoteCheck> {
  if (vote.subjects.length !== 1) return { ok: false, reason: `a vote must carry exactly one subject, got ${vote.subjects.length}` };
  if (vote.chainSelector !== domain.chainSelector) return { ok: false, reason: `vote for chain ${vote.chainSelector}, domain of ${domain.chainSelector}` };
  if (!peers.some((p) => p.toLowerCase() === vote.signer.toLowerCase())) return { ok: false, reason: `signer ${vote.signer} is not an RMN peer` };
  const digest = rmnCurseDigest(domain, vote.generation, vote.subjects);
  // v = 27, as RMNRemote.curseWithSignatures recovers it; decodeCurseVote has checked r and s are 32 bytes.
  const recovered = recoverDigestSigner(digest, { r: vote.signature.r, s: vote.signature.s, yParity: 0 });
  if (recovered === undefined) return { ok: false, reason: 'signature does not recover' };
  if (recovered.toLowerCase() !== vote.signer.toLowerCase()) {
    return { ok: false, reason: `signature is by ${recovered}, not ${vote.signer} (wrong generation, chain or subject?)` };
  }
  return { ok: true, subject: vote.subjects[0]! };
}

interface Tally {
  chainSelector: bigint;
  generation: bigint;
  subject: Hex;
  votes: Map<string, SignedRmnDigest & { reason: string }>;
  submitted: boolean;
}

/**
 * Checked curse votes held by this node. Pure bookkeeping: callers check votes (checkCurseVote) before adding them.
 * A tally is ready once it holds fSign+1 votes of distinct signers.
 */
export class VotePool {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly fSign: number) {}

  /** Adds a checked vote; returns how many distinct signers the tally now holds. */
  add(vote: { chainSelector: bigint; generation: bigint; subject: Hex; signer: Address; signature: { r: Hex; s: Hex }; reason: string }): number {
    const key = voteKey(vote.chainSelector, vote.generation, vote.subject);
    let t = this.tallies.get(key);
    if (!t) {
      t = { chainSelector: vote.chainSelector, generation: vote.generation, subject: vote.subject.toLowerCase() as Hex, votes: new Map(), submitted: false };
      this.tallies.set(key, t);
    }
    const k = vote.signer.toLowerCase();
    if (!t.votes.has(k)) t.votes.set(k, { signer: vote.signer, signature: vote.signature, reason: vote.reason });
    return t.votes.size;
  }

  count(chainSelector: bigint, generation: bigint, subject: Hex): number {
    return this.tallies.get(voteKey(chainSelector, generation, subject))?.votes.size ?? 0;
  }

  has(chainSelector: bigint, generation: bigint, subject: Hex, signer: Address): boolean {
    return this.tallies.get(voteKey(chainSelector, generation, subject))?.votes.has(signer.toLowerCase()) ?? false;
  }

  /** Tallies with at least fSign+1 votes that have not been submitted successfully. */
  ready(): { chainSelector: bigint; generation: bigint; subject: Hex; votes: SignedRmnDigest[] }[] {
    return [...this.tallies.values()]
      .filter((t) => !t.submitted && t.votes.size >= this.fSign + 1)
      .map((t) => ({ chainSelector: t.chainSelector, generation: t.generation, subject: t.subject, votes: [...t.votes.values()] }));
  }

  markSubmitted(chainSelector: bigint, generation: bigint, subject: Hex): void {
    const t = this.tallies.get(voteKey(chainSelector, generation, subject));
    if (t) t.submitted = true;
  }

  /** Drops tallies of older curse generations of a chain (their votes can never be used again). */
  prune(chainSelector: bigint, currentGeneration: bigint): void {
    for (const [k, t] of this.tallies) if (t.chainSelector === chainSelector && t.generation < currentGeneration) this.tallies.delete(k);
  }

  /** Total votes held (status). */
  size(): number {
    let n = 0;
    for (const t of this.tallies.values()) n += t.votes.size;
    return n;
  }

  summary(): { chainSelector: string; generation: string; subject: Hex; votes: number; submitted: boolean }[] {
    return [...this.tallies.values()].map((t) => ({
      chainSelector: t.chainSelector.toString(),
      generation: t.generation.toString(),
      subject: t.subject,
      votes: t.votes.size,
      submitted: t.submitted,
    }));
  }
}
