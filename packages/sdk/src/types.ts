import type { Address, Hex } from 'viem';

/** uint64 chain selector from the CCIP chain-selector registry. */
export type ChainSelector = bigint;

/** Client.EVMTokenAmount */
export interface EVMTokenAmount {
  token: Address;
  amount: bigint;
}

/** Client.EVM2AnyMessage: what an application passes to Router.ccipSend. */
export interface EVM2AnyMessage {
  /** abi.encode(address) for EVM destinations */
  receiver: Hex;
  data: Hex;
  tokenAmounts: readonly EVMTokenAmount[];
  /** zero address = native */
  feeToken: Address;
  extraArgs: Hex;
}

/** Client.Any2EVMMessage: what a receiver gets in ccipReceive. */
export interface Any2EVMMessage {
  messageId: Hex;
  sourceChainSelector: ChainSelector;
  /** abi.encode(address) for EVM sources */
  sender: Hex;
  data: Hex;
  destTokenAmounts: readonly EVMTokenAmount[];
}

/** Internal.RampMessageHeader */
export interface RampMessageHeader {
  messageId: Hex;
  sourceChainSelector: ChainSelector;
  destChainSelector: ChainSelector;
  sequenceNumber: bigint;
  /** 0 = out-of-order execution allowed */
  nonce: bigint;
}

/** Internal.EVM2AnyTokenTransfer (source side, as emitted). */
export interface EVM2AnyTokenTransfer {
  sourcePoolAddress: Address;
  /** abi.encode(address) for EVM destinations */
  destTokenAddress: Hex;
  extraData: Hex;
  amount: bigint;
  /** abi.encode(uint32 destGasAmount) for EVM destinations */
  destExecData: Hex;
}

/** Internal.Any2EVMTokenTransfer (destination side, as executed). */
export interface Any2EVMTokenTransfer {
  /** abi.encode(address) for EVM sources */
  sourcePoolAddress: Hex;
  destTokenAddress: Address;
  /** uint32 */
  destGasAmount: number;
  extraData: Hex;
  amount: bigint;
}

/** Internal.EVM2AnyRampMessage: the message in OnRamp's CCIPMessageSent event. */
export interface EVM2AnyRampMessage {
  header: RampMessageHeader;
  sender: Address;
  data: Hex;
  /** abi.encode(address) for EVM destinations */
  receiver: Hex;
  /** GenericExtraArgsV2 as re-encoded by the OnRamp */
  extraArgs: Hex;
  feeToken: Address;
  feeTokenAmount: bigint;
  feeValueJuels: bigint;
  tokenAmounts: readonly EVM2AnyTokenTransfer[];
}

/** Internal.Any2EVMRampMessage: the message as the OffRamp executes it (and hashes it into a leaf). */
export interface Any2EVMRampMessage {
  header: RampMessageHeader;
  /** abi.encode(address) for EVM sources */
  sender: Hex;
  data: Hex;
  receiver: Address;
  gasLimit: bigint;
  tokenAmounts: readonly Any2EVMTokenTransfer[];
}

/** Internal.MerkleRoot: one committed root per source chain and sequence range. */
export interface MerkleRoot {
  sourceChainSelector: ChainSelector;
  /** abi.encode(address) for EVM sources */
  onRampAddress: Hex;
  minSeqNr: bigint;
  maxSeqNr: bigint;
  merkleRoot: Hex;
}

/** Internal.ExecutionReport */
export interface ExecutionReport {
  sourceChainSelector: ChainSelector;
  messages: readonly Any2EVMRampMessage[];
  offchainTokenData: readonly (readonly Hex[])[];
  proofs: readonly Hex[];
  proofFlagBits: bigint;
}

/** Internal.MessageExecutionState (2 bits per message on the OffRamp). */
export const MessageExecutionState = {
  UNTOUCHED: 0,
  IN_PROGRESS: 1,
  SUCCESS: 2,
  FAILURE: 3,
} as const;
export type MessageExecutionState = (typeof MessageExecutionState)[keyof typeof MessageExecutionState];

/** Internal.PriceUpdates: prices a commit report pushes into the FeeQuoter (1e18 USD scale). */
export interface PriceUpdates {
  tokenPriceUpdates: readonly { sourceToken: Address; usdPerToken: bigint }[];
  gasPriceUpdates: readonly { destChainSelector: ChainSelector; usdPerUnitGas: bigint }[];
}

/** IRMNRemote.Signature (v is always 27). */
export interface RmnSignature {
  r: Hex;
  s: Hex;
}

/** Internal.CommitReport */
export interface CommitReport {
  priceUpdates: PriceUpdates;
  blessedMerkleRoots: readonly MerkleRoot[];
  unblessedMerkleRoots: readonly MerkleRoot[];
  rmnSignatures: readonly RmnSignature[];
}
