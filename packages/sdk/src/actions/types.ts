import type { Account, Address, Chain, Client, Hex, Transport } from 'viem';
import type { ChainSelector, EVM2AnyRampMessage, MessageExecutionState } from '../types.js';

/** Any viem client that can read a chain (public, wallet or test client). */
export type ReadClient = Client<Transport, Chain | undefined>;
/** A viem client with a signing account (e.g. a wallet client). */
export type SignClient = Client<Transport, Chain | undefined, Account>;

/** The clients a sending action needs on one chain: a reader (waits for receipts) and a signer. */
export interface ChainWriteClients {
  public: ReadClient;
  wallet: SignClient;
}

/** A CCIPMessageSent event, decoded and checked against the emitting OnRamp (its id re-hashes correctly). */
export interface SentMessage {
  message: EVM2AnyRampMessage;
  /** the OnRamp that emitted it */
  onRamp: Address;
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
}

/** How far a message got: sent on the source, committed on the destination, executed (or failed) there. */
export type MessageState = 'sent' | 'committed' | 'executed' | 'failed';

export interface MessageSentStage {
  tx: Hex;
  block: bigint;
  seqNr: bigint;
  sourceChainSelector: ChainSelector;
  destChainSelector: ChainSelector;
}

export interface MessageCommittedStage {
  tx: Hex;
  block: bigint;
  merkleRoot: Hex;
  minSeqNr: bigint;
  maxSeqNr: bigint;
  /** the root came in blessedMerkleRoots (with RMN signatures) */
  blessed: boolean;
}

export interface MessageExecution {
  tx: Hex;
  block: bigint;
  state: MessageExecutionState;
  gasUsed: bigint;
  returnData: Hex;
}

/** A message's lifecycle across both chains. */
export interface MessageStatus {
  state: MessageState;
  messageId: Hex;
  message: EVM2AnyRampMessage;
  onRamp: Address;
  offRamp: Address;
  sent: MessageSentStage;
  committed?: MessageCommittedStage;
  /** every ExecutionStateChanged of the message, oldest first */
  executions: MessageExecution[];
}
