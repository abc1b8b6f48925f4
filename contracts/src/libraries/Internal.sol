// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "./Client.sol";
import {IRMNRemote} from "../interfaces/IRMNRemote.sol";

/// @notice Protocol-internal types and hashing of CCIP v1.6 (byte-compatible with upstream `Internal`).
library Internal {
  error InvalidEVMAddress(bytes encodedAddress);

  /// @dev Gas reserved for the exact-gas check around the receiver call.
  uint16 internal constant GAS_FOR_CALL_EXACT_CHECK = 5_000;
  /// @dev Returned data from receivers and pools is capped to this many bytes.
  uint16 internal constant MAX_RET_BYTES = 4 + 4 * 32;
  /// @dev The gas a token pool call may use when the transfer does not say otherwise.
  uint32 internal constant DEFAULT_TOKEN_DEST_GAS_OVERHEAD = 90_000;
  /// @dev Addresses below this are reserved for precompiles on EVM chains.
  uint256 internal constant PRECOMPILE_SPACE = 1024;

  bytes32 internal constant EVM_2_ANY_MESSAGE_HASH = keccak256("EVM2AnyMessageHashV1");
  bytes32 internal constant ANY_2_EVM_MESSAGE_HASH = keccak256("Any2EVMMessageHashV1");

  /// @dev Merkle domain separators: a leaf is hashed with LEAF, an inner node with INTERNAL.
  bytes32 internal constant LEAF_DOMAIN_SEPARATOR = bytes32(0);
  bytes32 internal constant INTERNAL_DOMAIN_SEPARATOR = bytes32(uint256(1));

  /// @dev Chain family selector of EVM chains (bytes4(keccak256("CCIP ChainFamilySelector EVM"))).
  bytes4 internal constant CHAIN_FAMILY_SELECTOR_EVM = 0x2812d52c;

  enum MessageExecutionState {
    UNTOUCHED,
    IN_PROGRESS,
    SUCCESS,
    FAILURE
  }

  enum OCRPluginType {
    Commit,
    Execution
  }

  struct TokenPriceUpdate {
    address sourceToken;
    uint224 usdPerToken; // 1e18 USD per 1e18 of the smallest token denomination
  }

  struct GasPriceUpdate {
    uint64 destChainSelector;
    uint224 usdPerUnitGas; // 1e18 USD per unit of gas
  }

  struct PriceUpdates {
    TokenPriceUpdate[] tokenPriceUpdates;
    GasPriceUpdate[] gasPriceUpdates;
  }

  struct TimestampedPackedUint224 {
    uint224 value;
    uint32 timestamp;
  }

  struct RampMessageHeader {
    bytes32 messageId;
    uint64 sourceChainSelector;
    uint64 destChainSelector;
    uint64 sequenceNumber;
    uint64 nonce; // 0 = out-of-order execution allowed
  }

  struct EVM2AnyTokenTransfer {
    address sourcePoolAddress;
    bytes destTokenAddress;
    bytes extraData;
    uint256 amount;
    bytes destExecData; // abi.encode(uint32 destGasAmount) for EVM destinations
  }

  struct Any2EVMTokenTransfer {
    bytes sourcePoolAddress;
    address destTokenAddress;
    uint32 destGasAmount;
    bytes extraData;
    uint256 amount;
  }

  /// @dev The message as emitted by the source OnRamp in `CCIPMessageSent`.
  struct EVM2AnyRampMessage {
    RampMessageHeader header;
    address sender;
    bytes data;
    bytes receiver;
    bytes extraArgs; // always re-encoded as GenericExtraArgsV2
    address feeToken;
    uint256 feeTokenAmount;
    uint256 feeValueJuels;
    EVM2AnyTokenTransfer[] tokenAmounts;
  }

  /// @dev The message as executed by the destination OffRamp.
  struct Any2EVMRampMessage {
    RampMessageHeader header;
    bytes sender;
    bytes data;
    address receiver;
    uint256 gasLimit;
    Any2EVMTokenTransfer[] tokenAmounts;
  }

  struct ExecutionReport {
    uint64 sourceChainSelector;
    Any2EVMRampMessage[] messages;
    bytes[][] offchainTokenData;
    bytes32[] proofs;
    uint256 proofFlagBits;
  }

  struct MerkleRoot {
    uint64 sourceChainSelector;
    bytes onRampAddress; // abi.encode(address) for EVM sources
    uint64 minSeqNr;
    uint64 maxSeqNr;
    bytes32 merkleRoot;
  }

  struct CommitReport {
    PriceUpdates priceUpdates;
    MerkleRoot[] blessedMerkleRoots;
    MerkleRoot[] unblessedMerkleRoots;
    IRMNRemote.Signature[] rmnSignatures;
  }

  /// @notice The v1.6 message id, computed on the source chain.
  function _hash(EVM2AnyRampMessage memory original, bytes32 metadataHash) internal pure returns (bytes32) {
    return keccak256(
      abi.encode(
        LEAF_DOMAIN_SEPARATOR,
        metadataHash,
        keccak256(
          abi.encode(
            original.sender,
            original.header.sequenceNumber,
            original.header.nonce,
            original.feeToken,
            original.feeTokenAmount
          )
        ),
        keccak256(original.receiver),
        keccak256(original.data),
        keccak256(abi.encode(original.tokenAmounts)),
        keccak256(original.extraArgs)
      )
    );
  }

  /// @notice The v1.6 merkle leaf of a message, computed on the destination chain.
  function _hash(Any2EVMRampMessage memory original, bytes32 metadataHash) internal pure returns (bytes32) {
    return keccak256(
      abi.encode(
        LEAF_DOMAIN_SEPARATOR,
        metadataHash,
        keccak256(
          abi.encode(
            original.header.messageId,
            original.receiver,
            original.header.sequenceNumber,
            original.gasLimit,
            original.header.nonce
          )
        ),
        keccak256(original.sender),
        keccak256(original.data),
        keccak256(abi.encode(original.tokenAmounts))
      )
    );
  }

  function _evm2AnyMetadataHash(uint64 sourceChainSelector, uint64 destChainSelector, address onRamp)
    internal
    pure
    returns (bytes32)
  {
    return keccak256(abi.encode(EVM_2_ANY_MESSAGE_HASH, sourceChainSelector, destChainSelector, onRamp));
  }

  function _any2EvmMetadataHash(uint64 sourceChainSelector, uint64 destChainSelector, bytes memory onRamp)
    internal
    pure
    returns (bytes32)
  {
    return keccak256(abi.encode(ANY_2_EVM_MESSAGE_HASH, sourceChainSelector, destChainSelector, keccak256(onRamp)));
  }

  /// @notice Checks that `encodedAddress` is abi.encode(address) and returns the address.
  function _validateEVMAddress(bytes memory encodedAddress) internal pure returns (address) {
    if (encodedAddress.length != 32) revert InvalidEVMAddress(encodedAddress);
    uint256 encoded = abi.decode(encodedAddress, (uint256));
    // The precompile space is not a valid receiver either (as upstream).
    if (encoded > type(uint160).max || encoded < PRECOMPILE_SPACE) revert InvalidEVMAddress(encodedAddress);
    return address(uint160(encoded));
  }
}
