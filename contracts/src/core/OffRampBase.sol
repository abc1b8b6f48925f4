// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../access/Ownable2Step.sol";
import {IRMNRemote} from "../interfaces/IRMNRemote.sol";
import {IRouter} from "../interfaces/IRouter.sol";
import {Internal} from "../libraries/Internal.sol";
import {MerkleMultiProof} from "../libraries/MerkleMultiProof.sol";
import {MultiOCR3Base} from "../ocr/MultiOCR3Base.sol";
import {OffRamp} from "./OffRamp.sol";

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice Storage and config logic shared by the OffRamp and OffRampAdmin, which runs the OffRamp's cold owner-only
/// setters by delegatecall so that the OffRamp fits EIP-170. The public types, errors and events stay declared in
/// OffRamp (OffRamp.StaticConfig, OffRamp.ZeroAddressNotAllowed, ...).
/// @dev SECURITY: both contracts run on the same storage, so neither may declare state variables of its own (all
/// state is declared here or in the bases; immutables are fine, they live in code).
abstract contract OffRampBase is MultiOCR3Base {
  using EnumerableSet for EnumerableSet.UintSet;

  /// @dev Storage form of a lane, laid out by the path that reads it: commit needs only `commitState` (one slot),
  /// execution only `executionState` and `metadataHash` (two slots); neither loads the onRamp bytes.
  struct SourceChainState {
    CommitState commitState;
    ExecutionState executionState;
    bytes32 metadataHash; // Internal._any2EvmMetadataHash(source, i_chainSelector, onRamp)
    bytes onRamp;
  }

  struct CommitState {
    uint64 minSeqNr; // ──────────────────╮ next sequence number a root must start at; 0 = unknown lane
    bool isEnabled; //                    │
    bool isRMNVerificationDisabled; //    │
    bytes22 onRampHashPrefix; // ─────────╯ bytes22(keccak256(onRamp)): 176 bits, beyond any feasible preimage search
  }

  /// @dev Everything DON execution reads about a lane besides the metadata hash: one slot. The last two fields are
  /// per-lane copies of the dynamic config (kept in sync by _setDynamicConfig), so execution never reads it.
  struct ExecutionState {
    IRouter router; // ──────────────────────────────╮
    bool isEnabled; //                               │ the same flag as CommitState.isEnabled (written together)
    bool hasMessageInterceptor; //                   │ s_messageInterceptor != address(0)
    uint32 permissionLessExecutionThresholdSeconds; // ╯ s_permissionLessExecutionThresholdSeconds
  }

  /// @dev keccak256(abi.encode(address(0))): an onRamp that decodes to the zero address is rejected.
  bytes32 internal constant EMPTY_ENCODED_ADDRESS_HASH = keccak256(abi.encode(address(0)));

  uint64 internal immutable i_chainSelector;
  uint16 internal immutable i_gasForCallExactCheck;
  IRMNRemote internal immutable i_rmnRemote;
  address internal immutable i_tokenAdminRegistry;
  address internal immutable i_nonceManager;

  // Dynamic config split by use: commit reads (feeQuoter, latest price seqNr); execution reads
  // (messageInterceptor, threshold). Each path touches a single slot.
  address internal s_feeQuoter; // ────────────────────╮
  uint64 internal s_latestPriceSequenceNumber; // ─────╯
  address internal s_messageInterceptor; // ───────────╮
  uint32 internal s_permissionLessExecutionThresholdSeconds; // ─╯

  EnumerableSet.UintSet internal s_sourceChainSelectors;
  mapping(uint64 sourceChainSelector => SourceChainState) internal s_sourceChainConfigs;

  /// @dev 2 bits per message, 128 messages per word: [source][seqNr / 128].
  mapping(uint64 sourceChainSelector => mapping(uint64 seqNrWord => uint256 bitmap)) internal s_executionStates;
  /// @dev Commit timestamp of each root, per source.
  mapping(uint64 sourceChainSelector => mapping(bytes32 merkleRoot => uint256 timestamp)) internal s_roots;

  /// @dev Checks and stores the static config (run by the OffRamp and by its admin, with the same values).
  constructor(OffRamp.StaticConfig memory staticConfig) Ownable2Step(msg.sender) {
    if (
      address(staticConfig.rmnRemote) == address(0) || staticConfig.tokenAdminRegistry == address(0)
        || staticConfig.nonceManager == address(0)
    ) revert OffRamp.ZeroAddressNotAllowed();
    if (staticConfig.chainSelector == 0) revert OffRamp.ZeroChainSelectorNotAllowed();

    i_chainSelector = staticConfig.chainSelector;
    i_gasForCallExactCheck = staticConfig.gasForCallExactCheck;
    i_rmnRemote = staticConfig.rmnRemote;
    i_tokenAdminRegistry = staticConfig.tokenAdminRegistry;
    i_nonceManager = staticConfig.nonceManager;
  }

  function _afterOCR3ConfigSet(uint8 ocrPluginType) internal override {
    bool isSignatureVerificationEnabled = s_ocrConfigs[ocrPluginType].configInfo.isSignatureVerificationEnabled;
    if (ocrPluginType == uint8(Internal.OCRPluginType.Commit)) {
      if (!isSignatureVerificationEnabled) revert OffRamp.SignatureVerificationRequiredInCommitPlugin();
      // OCR sequence numbers restart with a new config.
      s_latestPriceSequenceNumber = 0;
    } else if (ocrPluginType == uint8(Internal.OCRPluginType.Execution)) {
      if (isSignatureVerificationEnabled) revert OffRamp.SignatureVerificationNotAllowedInExecutionPlugin();
    }
  }

  function _toView(SourceChainState storage s) internal view returns (OffRamp.SourceChainConfig memory) {
    return OffRamp.SourceChainConfig({
      router: s.executionState.router,
      isEnabled: s.commitState.isEnabled,
      minSeqNr: s.commitState.minSeqNr,
      isRMNVerificationDisabled: s.commitState.isRMNVerificationDisabled,
      onRamp: s.onRamp
    });
  }

  function _applySourceChainConfigUpdates(OffRamp.SourceChainConfigArgs[] memory updates) internal {
    for (uint256 i = 0; i < updates.length; ++i) {
      OffRamp.SourceChainConfigArgs memory args = updates[i];
      uint64 sourceChainSelector = args.sourceChainSelector;
      if (sourceChainSelector == 0) revert OffRamp.ZeroChainSelectorNotAllowed();
      if (address(args.router) == address(0)) revert OffRamp.ZeroAddressNotAllowed();
      bytes32 onRampHash = keccak256(args.onRamp);
      if (args.onRamp.length == 0 || onRampHash == EMPTY_ENCODED_ADDRESS_HASH) revert OffRamp.ZeroAddressNotAllowed();

      SourceChainState storage config = s_sourceChainConfigs[sourceChainSelector];
      uint64 minSeqNr = config.commitState.minSeqNr;
      if (minSeqNr == 0) {
        // New lane.
        minSeqNr = 1;
        s_sourceChainSelectors.add(sourceChainSelector);
        emit OffRamp.SourceChainSelectorAdded(sourceChainSelector);
      } else if (minSeqNr != 1 && keccak256(config.onRamp) != onRampHash) {
        // Once roots were committed, changing the onRamp would mix two sequence-number spaces.
        revert OffRamp.InvalidOnRampUpdate(sourceChainSelector);
      }

      config.commitState = CommitState({
        minSeqNr: minSeqNr,
        isEnabled: args.isEnabled,
        isRMNVerificationDisabled: args.isRMNVerificationDisabled,
        onRampHashPrefix: bytes22(onRampHash)
      });
      config.executionState = ExecutionState({
        router: args.router,
        isEnabled: args.isEnabled,
        hasMessageInterceptor: s_messageInterceptor != address(0),
        permissionLessExecutionThresholdSeconds: s_permissionLessExecutionThresholdSeconds
      });
      config.onRamp = args.onRamp;
      config.metadataHash = Internal._any2EvmMetadataHash(sourceChainSelector, i_chainSelector, args.onRamp);

      emit OffRamp.SourceChainConfigSet(sourceChainSelector, _toView(config));
    }
  }

  function _setDynamicConfig(OffRamp.DynamicConfig memory dynamicConfig) internal {
    if (dynamicConfig.feeQuoter == address(0)) revert OffRamp.ZeroAddressNotAllowed();
    s_feeQuoter = dynamicConfig.feeQuoter;
    s_messageInterceptor = dynamicConfig.messageInterceptor;
    s_permissionLessExecutionThresholdSeconds = dynamicConfig.permissionLessExecutionThresholdSeconds;
    // Refresh every lane's copy.
    uint256 n = s_sourceChainSelectors.length();
    for (uint256 i = 0; i < n; ++i) {
      ExecutionState storage lane = s_sourceChainConfigs[uint64(s_sourceChainSelectors.at(i))].executionState;
      lane.hasMessageInterceptor = dynamicConfig.messageInterceptor != address(0);
      lane.permissionLessExecutionThresholdSeconds = dynamicConfig.permissionLessExecutionThresholdSeconds;
    }
    emit OffRamp.DynamicConfigSet(dynamicConfig);
  }

  /// @dev MerkleMultiProof._merkleRoot with the proofs read from calldata and the intermediate hashes in scratch
  /// memory: the same rules, checks, errors and result (OffRampMerkle.t.sol checks that both agree on valid and on
  /// tampered proofs) for a fraction of the gas.
  function _merkleRoot(bytes32[] memory leaves, bytes32[] calldata proofs, uint256 proofFlagBits)
    internal
    pure
    returns (bytes32 root)
  {
    {
      uint256 leavesLen = leaves.length;
      uint256 proofsLen = proofs.length;
      if (leavesLen == 0) revert MerkleMultiProof.LeavesCannotBeEmpty();
      uint256 maxHashes = MerkleMultiProof.MAX_NUM_HASHES;
      if (leavesLen > maxHashes + 1 || proofsLen > maxHashes + 1 || leavesLen + proofsLen - 1 > maxHashes) {
        revert MerkleMultiProof.InvalidProof();
      }
    }
    bool ok;
    assembly {
      // Scratch memory (nothing is allocated until we return): [INTERNAL_DOMAIN_SEPARATOR][min][max] at m, then the
      // computed hashes.
      function verify(leaves_, proofsOffset, proofsLen, flags) -> root_, ok_ {
        let total := sub(add(mload(leaves_), proofsLen), 1)
        if iszero(total) {
          root_ := mload(add(leaves_, 0x20))
          ok_ := 1
          leave
        }
        let hashes := add(mload(0x40), 0x60)
        mstore(sub(hashes, 0x60), 1)
        let leafPos := 0
        let hashPos := 0
        let proofPos := 0
        for { let i := 0 } lt(i, total) { i := add(i, 1) } {
          // Flag bit 1: the next leaf, else the next computed hash; bit 0: the next proof element.
          let a
          switch and(shr(i, flags), 1)
          case 0 {
            if iszero(lt(proofPos, proofsLen)) { leave }
            a := calldataload(add(proofsOffset, shl(5, proofPos)))
            proofPos := add(proofPos, 1)
          }
          default {
            switch lt(leafPos, mload(leaves_))
            case 0 {
              a := mload(add(hashes, shl(5, hashPos)))
              hashPos := add(hashPos, 1)
            }
            default {
              leafPos := add(leafPos, 1)
              a := mload(add(leaves_, shl(5, leafPos)))
            }
          }
          // The second operand always comes from the leaves/computed hashes.
          let b
          switch lt(leafPos, mload(leaves_))
          case 0 {
            b := mload(add(hashes, shl(5, hashPos)))
            hashPos := add(hashPos, 1)
          }
          default {
            leafPos := add(leafPos, 1)
            b := mload(add(leaves_, shl(5, leafPos)))
          }
          // Reading a hash not computed yet (index >= i) is always caught here.
          if gt(hashPos, i) { leave }
          switch lt(a, b)
          case 1 {
            mstore(sub(hashes, 0x40), a)
            mstore(sub(hashes, 0x20), b)
          }
          default {
            mstore(sub(hashes, 0x40), b)
            mstore(sub(hashes, 0x20), a)
          }
          mstore(add(hashes, shl(5, i)), keccak256(sub(hashes, 0x60), 0x60))
        }
        // Every leaf, proof and hash consumed exactly.
        ok_ := and(eq(hashPos, sub(total, 1)), and(eq(leafPos, mload(leaves_)), eq(proofPos, proofsLen)))
        root_ := mload(add(hashes, shl(5, sub(total, 1))))
      }
      root, ok := verify(leaves, proofs.offset, proofs.length, proofFlagBits)
    }
    if (!ok) revert MerkleMultiProof.InvalidProof();
  }
}
