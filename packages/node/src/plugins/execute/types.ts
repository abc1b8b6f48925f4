import type { Address, Hex } from 'viem';
import type { Any2EVMRampMessage, EVM2AnyRampMessage } from '@openccip/sdk';
import type { AggregateLimit, InboundLimit } from './limits.js';

/** What the execute plugin reads; the node implements it over the chains and its store. */
export interface ExecutePluginDeps {
  destChainSelector: bigint;
  sources: readonly { chainSelector: bigint; onRamp: Address }[];
  /** Committed roots on the destination OffRamp for `source` with messages still UNTOUCHED (oldest first). */
  readPending(source: bigint): Promise<PendingRoot[]>;
  /** All finalized messages source → dest with seqNr in [min, max], or undefined if this node lacks any of them. */
  readMessages(source: bigint, minSeqNr: bigint, maxSeqNr: bigint): Promise<EVM2AnyRampMessage[] | undefined>;
  /**
   * The merkle leaf of a message read by readMessages (abi-encoded OnRamp of its lane), where the node may
   * already hold it from committing. Optional: getLeafHash otherwise.
   */
  leafHash?(message: Any2EVMRampMessage, onRampBytes: Hex): Hex;
  /** Execution states (0 untouched, 1 in progress, 2 success, 3 failure) of the given messages on the destination. */
  readExecutionStates(source: bigint, seqNrs: readonly bigint[]): Promise<number[]>;
  /**
   * The inbound buckets (now) of the destination pools of `tokens` for messages from `source`; tokens whose pool
   * has no readable limit are left out. Optional: without it the plugin does not defer rate-limited messages.
   */
  readInboundLimits?(source: bigint, tokens: readonly Address[]): Promise<InboundLimit[]>;
  /**
   * The OffRamp interceptor's USD aggregate bucket for `source` and the prices of those of `tokens` it counts;
   * undefined when there is no interceptor. Optional.
   */
  readAggregateLimit?(source: bigint, tokens: readonly Address[]): Promise<AggregateLimit | undefined>;
}

export interface PendingRoot {
  merkleRoot: Hex;
  minSeqNr: bigint;
  maxSeqNr: bigint;
  untouched: bigint[];
}

export interface ExecutePluginOptions {
  /** Estimated gas of one execute transaction may not exceed this. */
  gasBudget: number;
  /** At most this many messages per execute transaction. */
  maxMessagesPerReport: number;
  /** Estimated fixed gas per message on top of its gas limit and token gas. */
  perMessageOverheadGas: number;
  /** How long a signed message is not observed as pending while it is not executed on chain yet (ms). */
  inflightTtlMs: number;
}

export const DEFAULT_EXECUTE_OPTIONS: ExecutePluginOptions = {
  // The estimate counts every message's full gas limit (a 100k-gas message is ~140k here, ~35k when it runs):
  // half a 30M block keeps the worst case safe and lets a report carry ~100 such messages.
  gasBudget: 15_000_000,
  maxMessagesPerReport: 128,
  perMessageOverheadGas: 40_000,
  inflightTtlMs: 20_000,
};

export interface ExecuteObservation {
  roots: { chainSelector: bigint; merkleRoot: Hex; minSeqNr: bigint; maxSeqNr: bigint; untouched: bigint[] }[];
  /** Inbound buckets of the tokens the untouched messages carry, as this node read them this round. */
  limits?: InboundLimit[];
  /** The USD aggregate buckets (per source) and token prices this node read this round. */
  aggregates?: AggregateLimit[];
}

export interface ExecuteOutcome {
  /** Agreed roots and, per root, the seqNrs f+1 nodes saw untouched, in execution order. */
  roots: { chainSelector: bigint; merkleRoot: Hex; minSeqNr: bigint; maxSeqNr: bigint; pending: bigint[] }[];
  /** Agreed (median of ≥ 2f+1 views) enabled inbound buckets: the report defers what they cannot cover. */
  limits?: InboundLimit[];
  /** Agreed USD aggregate buckets per source, with the agreed prices of the tokens they count. */
  aggregates?: AggregateLimit[];
}
