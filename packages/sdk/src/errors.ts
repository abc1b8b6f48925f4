/** Base class of every error the SDK throws, so callers can tell them from transport or viem errors. */
export class CCIPSdkError extends Error {
  override name = 'CCIPSdkError';
}

/** Bytes that should hold `abi.encode(address)` (or a 20-byte address) do not. */
export class InvalidEVMAddressError extends CCIPSdkError {
  override name = 'InvalidEVMAddressError';
  constructor(readonly encoded: string) {
    super(`not an abi-encoded EVM address: ${encoded}`);
  }
}

/** extraArgs start with a tag the protocol does not know (the OnRamp would revert). */
export class UnknownExtraArgsTagError extends CCIPSdkError {
  override name = 'UnknownExtraArgsTagError';
  constructor(readonly tag: string) {
    super(`unknown extraArgs tag ${tag} (expected 0x97a657c9 EVMExtraArgsV1 or 0x181dcf10 GenericExtraArgsV2)`);
  }
}

/** extraArgs carry a known tag but the body does not decode. */
export class InvalidExtraArgsError extends CCIPSdkError {
  override name = 'InvalidExtraArgsError';
  constructor(readonly extraArgs: string, reason: string) {
    super(`invalid extraArgs ${extraArgs}: ${reason}`);
  }
}

/** destExecData of an EVM-bound token transfer is not `abi.encode(uint32 destGasAmount)`. */
export class InvalidDestExecDataError extends CCIPSdkError {
  override name = 'InvalidDestExecDataError';
  constructor(readonly destExecData: string) {
    super(`destExecData is not abi.encode(uint32): ${destExecData}`);
  }
}

/** Merkle tree input violates the protocol limits (empty, more than 256 leaves, bad indices). */
export class MerkleTreeError extends CCIPSdkError {
  override name = 'MerkleTreeError';
}

/** A multi-proof does not verify the way MerkleMultiProof.sol would (it would revert InvalidProof). */
export class InvalidMerkleProofError extends CCIPSdkError {
  override name = 'InvalidMerkleProofError';
}

/** A chain-selector registry lookup found nothing. */
export class UnknownChainError extends CCIPSdkError {
  override name = 'UnknownChainError';
  constructor(
    readonly by: 'chainId' | 'selector' | 'name',
    readonly value: string,
  ) {
    super(`no chain with ${by} ${value} in the chain-selector registry`);
  }
}

