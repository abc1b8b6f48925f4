import type { Hex } from 'viem';

/**
 * Everything a node must not forget across a crash (kill -9). Async so that a Postgres backend can implement
 * it later; the SQLite backend (better-sqlite3, WAL, synchronous = FULL) is the default.
 */
export interface Store {
  readonly consensus: ConsensusStore;
  readonly messages: MessageStore;
  readonly txs: TxStore;
  readonly cursors: CursorStore;
  close(): Promise<void>;
}

/** Safety state of the consensus protocol: what this node has promised, per instance. */
export interface ConsensusStore {
  /**
   * Records that this node signs `reportsHash` (the hash of all reports of the round) at `seqNr`. Atomic
   * check-and-set: returns false, and records nothing, if a DIFFERENT hash was already recorded for that seqNr.
   * Returns true if it was recorded now or the same hash was already there.
   */
  recordSignature(instance: string, seqNr: bigint, reportsHash: Hex): Promise<boolean>;
  getSignature(instance: string, seqNr: bigint): Promise<Hex | undefined>;
  /** The highest epoch this node has entered (a restarted node never goes back to an older epoch). */
  getEpoch(instance: string): Promise<number>;
  setEpoch(instance: string, epoch: number): Promise<void>;
}

/** A CCIPMessageSent event as read from the source chain at finality. */
export interface StoredMessage {
  sourceChainSelector: bigint;
  destChainSelector: bigint;
  seqNr: bigint;
  messageId: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
  /** The ABI-encoded Internal.EVM2AnyRampMessage (decode with the SDK's evm2AnyRampMessageParam). */
  encoded: Hex;
}

export interface MessageStore {
  /** Inserts or replaces by (source, dest, seqNr). */
  put(messages: readonly StoredMessage[]): Promise<void>;
  /** Messages with seqNr in [from, to], ordered by seqNr. */
  range(source: bigint, dest: bigint, fromSeqNr: bigint, toSeqNr: bigint): Promise<StoredMessage[]>;
  /** range() without the message bodies: seqNr and message id only (cheap enough to ask every round). */
  ids(source: bigint, dest: bigint, fromSeqNr: bigint, toSeqNr: bigint): Promise<{ seqNr: bigint; messageId: Hex }[]>;
  get(source: bigint, dest: bigint, seqNr: bigint): Promise<StoredMessage | undefined>;
  byMessageId(messageId: Hex): Promise<StoredMessage | undefined>;
  /** Reorg handling: forgets every message of `source` at or above `blockNumber`. */
  deleteFromBlock(source: bigint, blockNumber: bigint): Promise<number>;
}

export type TxState = 'pending' | 'confirmed' | 'failed' | 'replaced';

/** A transaction this node signed, kept until final so a restart can bump or confirm it. */
export interface StoredTx {
  chainSelector: bigint;
  from: Hex;
  nonce: number;
  hash: Hex;
  /** The signed raw transaction (re-broadcast after restart). */
  raw: Hex;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  /** What it carries, for logs and dedup (e.g. `commit:<seqNr>`). */
  purpose: string;
  state: TxState;
  createdAt: number;
}

export interface TxStore {
  insert(tx: StoredTx): Promise<void>;
  setState(hash: Hex, state: TxState): Promise<void>;
  pending(chainSelector: bigint, from: Hex): Promise<StoredTx[]>;
  /** The next nonce this node would use, from its own records (max recorded nonce + 1), or undefined. */
  nextNonce(chainSelector: bigint, from: Hex): Promise<number | undefined>;
}

/** Named positions (e.g. last block scanned per chain, with its hash for reorg detection). */
export interface CursorStore {
  get(name: string): Promise<{ blockNumber: bigint; blockHash: Hex } | undefined>;
  set(name: string, value: { blockNumber: bigint; blockHash: Hex }): Promise<void>;
}
