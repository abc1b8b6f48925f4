import type { Address, Hex } from 'viem';
import type { RmnSignature } from '@openccip/sdk';
import type { RmnBlessingClient } from '../../rmn/client.js';
import type { RmnConfigSource } from '../../rmn/config.js';

/** What the commit plugin reads; the node implements it over the chains and its store (plugins/commit/chainDeps.ts). */
export interface CommitPluginDeps {
  destChainSelector: bigint;
  /** Lanes into this destination. */
  sources: readonly CommitSource[];
  /**
   * The destination OffRamp's next expected sequence number for `source` (SourceChainConfig.minSeqNr). May be
   * up to a block old unless `fresh` (read from the chain now).
   */
  readNextSeqNr(source: bigint, opts?: { fresh?: boolean }): Promise<bigint>;
  /** Leaf hashes of finalized messages source → dest, contiguous from `fromSeqNr`, at most `max`. */
  readLeaves(source: bigint, fromSeqNr: bigint, max: number): Promise<Hex[]>;
  /**
   * Reads the source's newly final messages now instead of at the next poll. Optional: asked when the leader's
   * blessed root reaches past this node's leaves (its reader may just be a poll behind the leader's).
   */
  catchUp?(source: bigint): Promise<void>;
  /** Current USD prices to push to the destination's FeeQuoter, and what it holds now. Optional (no price updates). */
  readPrices?(): Promise<PriceObservation>;
  /** Seconds since the epoch (observations carry it so the outcome's notion of "now" is agreed, not local). */
  now(): number;
  /** RMN blessing for sources that require it. Without it such sources are never committed. */
  rmn?: CommitRmnDeps;
}

/** What blessing needs: the digest's domain, RMNRemote's config and (leader only) a way to ask the RMN nodes. */
export interface CommitRmnDeps {
  /** block.chainid of the destination (the RMN report digest binds it). */
  destChainId: bigint;
  /** The destination's RMNRemote and OffRamp (both bound by the digest). */
  rmnRemote: Address;
  offRamp: Address;
  /** RMNRemote.getVersionedConfig(), cached: every node verifies blessings against it. */
  config: RmnConfigSource;
  /** Asks the RMN nodes for signatures (used when this node leads). Absent: this node's rounds bless nothing. */
  client?: RmnBlessingClient;
}

export interface CommitSource {
  chainSelector: bigint;
  onRamp: Address;
  /** Roots from this source must be blessed by the RMN (the OffRamp's isRMNVerificationDisabled is false). */
  requiresBlessing: boolean;
}

export interface PriceObservation {
  /** USD per unit of gas (1e18 scale) of each chain the destination's FeeQuoter prices, fresh and on chain. */
  gas: { chainSelector: bigint; fresh: bigint; onchain: bigint; onchainTimestamp: number }[];
  /** USD per 1e18 smallest units of each fee token on the destination. */
  tokens: { token: Address; fresh: bigint; onchain: bigint; onchainTimestamp: number }[];
}

export interface CommitPluginOptions {
  /** Messages per root (≤ 256). */
  maxLeavesPerRoot: number;
  /** Push a price whose value moved more than this (parts per million). */
  priceDeviationPpm: number;
  /** Push a price at least this often (seconds), even if it did not move. */
  priceHeartbeatSec: number;
  /** How long a signed root keeps its source out of new roots while it is not on chain yet (ms). */
  inflightTtlMs: number;
  /**
   * How long a root in a round's outcome keeps its source out of new observations before the round is signed (ms):
   * the next round may start before this one's reports are attested, and would otherwise commit the same interval
   * again (the later transaction reverts). Short, so a round that never completes holds nothing up for long.
   */
  outcomeHoldMs: number;
  /** Leader: how long a round's query waits for an RMN bless request it needs (ms); a later answer is kept for a later round. */
  blessWaitMs: number;
}

export const DEFAULT_COMMIT_OPTIONS: CommitPluginOptions = {
  maxLeavesPerRoot: 256,
  priceDeviationPpm: 50_000, // 5%
  priceHeartbeatSec: 600,
  inflightTtlMs: 20_000,
  outcomeHoldMs: 3_000,
  blessWaitMs: 500,
};

/** One node's view. */
export interface CommitObservation {
  sources: { chainSelector: bigint; nextSeqNr: bigint; leaves: Hex[] }[];
  prices?: PriceObservation;
  time: number;
}

/** A root as the leader proposes it for blessing and as an outcome carries it. */
export interface ProposedRoot {
  chainSelector: bigint;
  onRamp: Address;
  minSeqNr: bigint;
  maxSeqNr: bigint;
  merkleRoot: Hex;
}

/** The leader's query: roots of blessing-requiring sources with fSign+1 RMN signatures over exactly this list. */
export interface CommitQuery {
  blessedRoots: ProposedRoot[];
  /** Ordered by signer, ascending (RMNRemote's order). */
  rmnSignatures: RmnSignature[];
}

/** The agreed outcome of a round: roots to commit and prices to push. */
export interface CommitOutcome {
  /** Blessed roots first, in the order the RMN signed them. */
  roots: (ProposedRoot & { blessed: boolean })[];
  /** Signatures over the blessed roots (empty when there are none). */
  rmnSignatures: RmnSignature[];
  gasPriceUpdates: { destChainSelector: bigint; usdPerUnitGas: bigint }[];
  tokenPriceUpdates: { sourceToken: Address; usdPerToken: bigint }[];
}
