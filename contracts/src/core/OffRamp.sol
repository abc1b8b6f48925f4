// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../access/Ownable2Step.sol";
import {IAny2EVMMessageReceiver} from "../interfaces/IAny2EVMMessageReceiver.sol";
import {IFeeQuoter} from "../interfaces/IFeeQuoter.sol";
import {IMessageInterceptor} from "../interfaces/IMessageInterceptor.sol";
import {INonceManager} from "../interfaces/INonceManager.sol";
import {IPoolV1} from "../interfaces/IPool.sol";
import {IRMNRemote} from "../interfaces/IRMNRemote.sol";
import {IRouter} from "../interfaces/IRouter.sol";
import {ITokenAdminRegistry} from "../interfaces/ITokenAdminRegistry.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {Client} from "../libraries/Client.sol";
import {Internal} from "../libraries/Internal.sol";
import {Pool} from "../libraries/Pool.sol";
import {OffRampAdmin} from "./OffRampAdmin.sol";
import {OffRampBase} from "./OffRampBase.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {CallWithExactGas} from "../libraries/CallWithExactGas.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice Destination side of CCIP v1.6: stores committed merkle roots (commit plugin, signed) and executes
/// messages proven against them (execution plugin, DON or permissionless manual execution).
/// @dev The owner-only setters run in OffRampAdmin (created here, called by delegatecall) to keep this contract
/// under EIP-170; their ABI is declared here unchanged. Storage lives in OffRampBase.
contract OffRamp is ITypeAndVersion, OffRampBase {
  using EnumerableSet for EnumerableSet.UintSet;

  error ZeroChainSelectorNotAllowed();
  error ZeroAddressNotAllowed();
  error ExecutionError(bytes32 messageId, bytes err);
  error SourceChainNotEnabled(uint64 sourceChainSelector);
  error TokenDataMismatch(uint64 sourceChainSelector, uint64 sequenceNumber);
  error UnexpectedTokenData();
  error ManualExecutionNotYetEnabled(uint64 sourceChainSelector);
  error ManualExecutionGasLimitMismatch();
  error InvalidManualExecutionGasLimit(uint64 sourceChainSelector, bytes32 messageId, uint256 newLimit);
  error InvalidManualExecutionTokenGasOverride(
    bytes32 messageId, uint256 tokenIndex, uint256 oldLimit, uint256 tokenGasOverride
  );
  error ManualExecutionGasAmountCountMismatch(bytes32 messageId, uint64 sequenceNumber);
  error RootNotCommitted(uint64 sourceChainSelector);
  error RootAlreadyCommitted(uint64 sourceChainSelector, bytes32 merkleRoot);
  error InvalidRoot();
  error CanOnlySelfCall();
  error ReceiverError(bytes err);
  error TokenHandlingError(address target, bytes err);
  error ReleaseOrMintBalanceMismatch(uint256 amountReleased, uint256 balancePre, uint256 balancePost);
  error EmptyReport(uint64 sourceChainSelector);
  error EmptyBatch();
  error CursedByRMN(uint64 sourceChainSelector);
  error NotACompatiblePool(address notPool);
  error InvalidDataLength(uint256 expected, uint256 got);
  error StaleCommitReport();
  error InvalidInterval(uint64 sourceChainSelector, uint64 min, uint64 max);
  error InvalidMessageDestChainSelector(uint64 messageDestChainSelector);
  error SourceChainSelectorMismatch(uint64 reportSourceChainSelector, uint64 messageSourceChainSelector);
  error SignatureVerificationRequiredInCommitPlugin();
  error SignatureVerificationNotAllowedInExecutionPlugin();
  error CommitOnRampMismatch(bytes reportOnRamp, bytes configOnRamp);
  error InvalidOnRampUpdate(uint64 sourceChainSelector);
  error RootBlessingMismatch(uint64 sourceChainSelector, bytes32 merkleRoot, bool isBlessed);
  error AlreadyExecuted(uint64 sourceChainSelector, uint64 sequenceNumber);
  error InsufficientGasToCompleteTx(bytes4 err);
  error InsufficientGasForStaticCall();
  error MalformedReport();

  event StaticConfigSet(StaticConfig staticConfig);
  event DynamicConfigSet(DynamicConfig dynamicConfig);
  event ExecutionStateChanged(
    uint64 indexed sourceChainSelector,
    uint64 indexed sequenceNumber,
    bytes32 indexed messageId,
    bytes32 messageHash,
    Internal.MessageExecutionState state,
    bytes returnData,
    uint256 gasUsed
  );
  event SourceChainSelectorAdded(uint64 sourceChainSelector);
  event SourceChainConfigSet(uint64 indexed sourceChainSelector, SourceChainConfig sourceConfig);
  event SkippedAlreadyExecutedMessage(uint64 sourceChainSelector, uint64 sequenceNumber);
  event AlreadyAttempted(uint64 sourceChainSelector, uint64 sequenceNumber);
  event CommitReportAccepted(
    Internal.MerkleRoot[] blessedMerkleRoots,
    Internal.MerkleRoot[] unblessedMerkleRoots,
    Internal.PriceUpdates priceUpdates
  );
  event RootRemoved(bytes32 root);
  event SkippedReportExecution(uint64 sourceChainSelector);

  struct StaticConfig {
    uint64 chainSelector; // ───────╮ this (destination) chain
    uint16 gasForCallExactCheck; // │ gas reserved around exact-gas calls
    IRMNRemote rmnRemote; // ───────╯
    address tokenAdminRegistry;
    address nonceManager;
  }

  struct DynamicConfig {
    address feeQuoter; // ──────────────────────────────╮
    uint32 permissionLessExecutionThresholdSeconds; // ─╯ after this, anyone may manually execute
    address messageInterceptor; // optional (0 = none)
  }

  /// @dev The v1.6 view shape of a lane config.
  struct SourceChainConfig {
    IRouter router; // ─────────────────╮
    bool isEnabled; //                  │
    uint64 minSeqNr; //                 │ next sequence number a root must start at
    bool isRMNVerificationDisabled; // ─╯
    bytes onRamp; // source OnRamp, abi.encode(address) for EVM sources
  }

  struct SourceChainConfigArgs {
    IRouter router;
    uint64 sourceChainSelector;
    bool isEnabled;
    bool isRMNVerificationDisabled;
    bytes onRamp;
  }

  /// @dev Zero values mean "no override"; tokenGasOverrides must have one entry per token (zeros allowed).
  struct GasLimitOverride {
    uint256 receiverExecutionGasLimit;
    uint32[] tokenGasOverrides;
  }

  string public constant override typeAndVersion = "OffRamp 1.6.0";

  /// @dev A root can never cover more messages than one multi-proof can verify.
  uint256 internal constant MAX_MESSAGES_PER_ROOT = 256;
  /// @dev ERC-165 says supportsInterface uses at most 30k gas.
  uint256 internal constant ERC165_GAS_LIMIT = 30_000;
  /// @dev Below this much gas the 30k staticcall could be starved (cold access + 63/64 rule), so we revert
  /// instead of treating the receiver as "not supporting" (which would skip it).
  uint256 internal constant MIN_GAS_FOR_ERC165_CHECK = 34_000;
  uint256 internal constant BALANCE_OF_RET_BYTES = 32;

  /// @dev Code (never state) for the cold setters; see _delegateToAdmin.
  address internal immutable i_admin;

  constructor(
    StaticConfig memory staticConfig,
    DynamicConfig memory dynamicConfig,
    SourceChainConfigArgs[] memory sourceChainConfigs
  ) OffRampBase(staticConfig) {
    i_admin = address(new OffRampAdmin(staticConfig));
    emit StaticConfigSet(staticConfig);

    _setDynamicConfig(dynamicConfig);
    _applySourceChainConfigUpdates(sourceChainConfigs);
  }


  // ================================================================
  // │                           Commit                             │
  // ================================================================

  /// @notice Accepts a commit report signed by F+1 commit oracles: price updates and merkle roots.
  function commit(
    bytes32[2] calldata reportContext,
    bytes calldata report,
    bytes32[] calldata rs,
    bytes32[] calldata ss,
    bytes32 rawVs
  ) external {
    // Authenticate first: nothing below (external calls included) runs for an unsigned report.
    _transmit(uint8(Internal.OCRPluginType.Commit), reportContext, report, rs, ss, rawVs);
    _commitReport(report, uint64(uint256(reportContext[1])));
  }

  /// @dev Calldata positions and byte sizes of the parts of a canonical abi.encode(CommitReport).
  struct ReportParts {
    uint256 prices; // the PriceUpdates tuple
    uint256 pricesSize;
    uint256 blessed; // the blessed MerkleRoot[] (its length word)
    uint256 blessedSize;
    uint256 unblessed; // the unblessed MerkleRoot[]
    uint256 unblessedSize;
    uint256 sigs; // the RMN Signature[]
    uint256 sigsSize;
    bool hasPrices;
  }

  function _commitReport(bytes calldata report, uint64 ocrSeqNr) internal {
    ReportParts memory parts = _parseCommitReport(report);
    uint256 numBlessed;
    uint256 numUnblessed;
    assembly {
      numBlessed := calldataload(mload(add(parts, 0x40)))
      numUnblessed := calldataload(mload(add(parts, 0x80)))
    }

    if (parts.hasPrices) {
      // Prices are ordered by the OCR sequence number; roots have their own ordering (minSeqNr).
      if (s_latestPriceSequenceNumber < ocrSeqNr) {
        s_latestPriceSequenceNumber = ocrSeqNr;
        Internal.PriceUpdates calldata priceUpdates;
        uint256 pos = parts.prices;
        assembly {
          priceUpdates := pos
        }
        IFeeQuoter(s_feeQuoter).updatePrices(priceUpdates);
      } else if (numBlessed + numUnblessed == 0) {
        revert StaleCommitReport();
      }
    }

    if (numBlessed != 0) {
      _verifyBlessings(parts);
      for (uint256 i = 0; i < numBlessed; ++i) {
        _commitRoot(_rootAt(parts.blessed, i), true);
      }
    }
    for (uint256 i = 0; i < numUnblessed; ++i) {
      _commitRoot(_rootAt(parts.unblessed, i), false);
    }

    _emitCommitReportAccepted(parts);
  }

  /// @param root calldata position of a canonical MerkleRoot: [sourceChainSelector][0xa0][minSeqNr][maxSeqNr]
  /// [merkleRoot][onRamp length][onRamp bytes]
  function _commitRoot(uint256 root, bool isBlessed) internal {
    uint64 sourceChainSelector;
    uint64 minSeqNr;
    uint64 maxSeqNr;
    bytes32 merkleRoot;
    bytes calldata onRamp;
    assembly {
      // All values were checked clean (uint64) by _parseCommitReport.
      sourceChainSelector := calldataload(root)
      minSeqNr := calldataload(add(root, 0x40))
      maxSeqNr := calldataload(add(root, 0x60))
      merkleRoot := calldataload(add(root, 0x80))
      onRamp.length := calldataload(add(root, 0xa0))
      onRamp.offset := add(root, 0xc0)
    }
    if (i_rmnRemote.isCursed(bytes16(uint128(sourceChainSelector)))) revert CursedByRMN(sourceChainSelector);

    SourceChainState storage config = s_sourceChainConfigs[sourceChainSelector];
    CommitState memory state = config.commitState; // the only lane slot commit reads
    if (!state.isEnabled) revert SourceChainNotEnabled(sourceChainSelector);
    if (bytes22(keccak256(onRamp)) != state.onRampHashPrefix) revert CommitOnRampMismatch(onRamp, config.onRamp);

    if (minSeqNr != state.minSeqNr || minSeqNr > maxSeqNr || maxSeqNr - minSeqNr >= MAX_MESSAGES_PER_ROOT) {
      revert InvalidInterval(sourceChainSelector, minSeqNr, maxSeqNr);
    }
    // A lane with RMN verification on only takes blessed roots, and vice versa.
    if (isBlessed == state.isRMNVerificationDisabled) {
      revert RootBlessingMismatch(sourceChainSelector, merkleRoot, isBlessed);
    }
    if (merkleRoot == bytes32(0)) revert InvalidRoot();
    // Re-committing would reset the timestamp and delay manual execution.
    mapping(bytes32 => uint256) storage roots = s_roots[sourceChainSelector];
    if (roots[merkleRoot] != 0) revert RootAlreadyCommitted(sourceChainSelector, merkleRoot);

    config.commitState.minSeqNr = maxSeqNr + 1;
    roots[merkleRoot] = block.timestamp;
  }

  /// @dev The calldata position of element `i` of the canonical MerkleRoot[] at `array`.
  function _rootAt(uint256 array, uint256 i) internal pure returns (uint256 root) {
    assembly {
      let offsets := add(array, 0x20)
      root := add(offsets, calldataload(add(offsets, shl(5, i))))
    }
  }

  /// @dev RMNRemote.verify(address(this), blessedRoots, rmnSignatures), with the arguments copied straight from the
  /// (canonical) report: they are byte for byte what the ABI encoder would produce.
  function _verifyBlessings(ReportParts memory parts) internal view {
    address rmnRemote = address(i_rmnRemote);
    bytes4 selector = IRMNRemote.verify.selector;
    assembly {
      let blessedSize := mload(add(parts, 0x60))
      let sigsSize := mload(add(parts, 0xe0))
      let m := mload(0x40)
      mstore(m, selector)
      mstore(add(m, 0x04), address())
      mstore(add(m, 0x24), 0x60)
      mstore(add(m, 0x44), add(0x60, blessedSize))
      calldatacopy(add(m, 0x64), mload(add(parts, 0x40)), blessedSize)
      calldatacopy(add(m, add(0x64, blessedSize)), mload(add(parts, 0xc0)), sigsSize)
      // A call to an account without code would succeed: same guard as a Solidity external call.
      if iszero(extcodesize(rmnRemote)) { revert(0, 0) }
      if iszero(staticcall(gas(), rmnRemote, m, add(0x64, add(blessedSize, sigsSize)), 0, 0)) {
        returndatacopy(m, 0, returndatasize())
        revert(m, returndatasize())
      }
    }
  }

  /// @dev CommitReportAccepted(blessed, unblessed, priceUpdates): its data is the three canonical parts re-ordered.
  function _emitCommitReportAccepted(ReportParts memory parts) internal {
    bytes32 topic = CommitReportAccepted.selector;
    assembly {
      let blessedSize := mload(add(parts, 0x60))
      let unblessedSize := mload(add(parts, 0xa0))
      let pricesSize := mload(add(parts, 0x20))
      let m := mload(0x40)
      mstore(m, 0x60)
      mstore(add(m, 0x20), add(0x60, blessedSize))
      mstore(add(m, 0x40), add(add(0x60, blessedSize), unblessedSize))
      let p := add(m, 0x60)
      calldatacopy(p, mload(add(parts, 0x40)), blessedSize)
      p := add(p, blessedSize)
      calldatacopy(p, mload(add(parts, 0x80)), unblessedSize)
      p := add(p, unblessedSize)
      calldatacopy(p, mload(parts), pricesSize)
      log1(m, sub(add(p, pricesSize), m), topic)
    }
  }

  /// @dev Checks that `report` is the canonical abi.encode(CommitReport) - exactly what abi.encode(abi.decode(report))
  /// gives: tails in field order and tightly packed, every offset as the encoder writes it, clean values, nothing
  /// outside `report` (the bytes after it, rs/ss/rawVs, are not signed) - and locates its parts. Positions are
  /// computed, never taken from the report, so nothing can point elsewhere. (Padding bytes are not checked: they are
  /// part of the signed report and decode to nothing.)
  function _parseCommitReport(bytes calldata report) internal pure returns (ReportParts memory parts) {
    bool ok;
    assembly {
      // Array of n 2-word structs at pos: [n][w0 w1]...; w0 has `firstBits` bits (address/uint64), w1 is a uint224.
      function pairs(pos, end, firstBits) -> size, n, good {
        n := calldataload(pos)
        good := lt(n, 0x10000)
        size := add(0x20, shl(6, and(n, 0xffff)))
        good := and(good, iszero(gt(add(pos, size), end)))
        if good {
          for { let p := add(pos, 0x20) } lt(p, add(pos, size)) { p := add(p, 0x40) } {
            good := and(good, iszero(or(shr(firstBits, calldataload(p)), shr(224, calldataload(add(p, 0x20))))))
          }
        }
      }
      // MerkleRoot[] at pos: [n][n element offsets][elements], element = [sel][0xa0][min][max][root][len][bytes].
      function roots(pos, end) -> size, good {
        let n := calldataload(pos)
        let offsets := add(pos, 0x20)
        let expected := shl(5, and(n, 0xffff)) // the first element follows the offsets
        good := and(lt(n, 0x10000), iszero(gt(add(offsets, expected), end)))
        if good {
          for { let k := 0 } lt(k, n) { k := add(k, 1) } {
            let e := add(offsets, expected)
            let len := calldataload(add(e, 0xa0))
            good :=
              and(
                good,
                and(
                  and(eq(calldataload(add(offsets, shl(5, k))), expected), eq(calldataload(add(e, 0x20)), 0xa0)),
                  iszero(
                    or(
                      or(shr(64, calldataload(e)), shr(64, calldataload(add(e, 0x40)))),
                      or(shr(64, calldataload(add(e, 0x60))), shr(32, len))
                    )
                  )
                )
              )
            expected := add(expected, add(0xc0, and(add(and(len, 0xffffffff), 31), not(31))))
          }
        }
        size := add(0x20, expected)
        good := and(good, iszero(gt(add(pos, size), end)))
      }

      let end := add(report.offset, report.length)
      let base := add(report.offset, 0x20) // the CommitReport tuple: [prices][blessed][unblessed][sigs] offsets
      ok := and(eq(calldataload(report.offset), 0x20), eq(calldataload(base), 0x80))

      let prices := add(base, 0x80) // PriceUpdates: [0x40][gas offset][token updates][gas updates]
      let tokenSize, nTokens, tokenOk := pairs(add(prices, 0x40), end, 160)
      let gasOffset := add(0x40, tokenSize)
      let gasSize, nGas, gasOk := pairs(add(prices, gasOffset), end, 64)
      let pricesSize := add(gasOffset, gasSize)
      ok := and(and(ok, and(tokenOk, gasOk)), and(eq(calldataload(prices), 0x40), eq(calldataload(add(prices, 0x20)), gasOffset)))
      mstore(parts, prices)
      mstore(add(parts, 0x20), pricesSize)
      mstore(add(parts, 0x100), iszero(iszero(or(nTokens, nGas))))

      let offset := add(0x80, pricesSize)
      ok := and(ok, eq(calldataload(add(base, 0x20)), offset))
      let blessedSize, blessedOk := roots(add(base, offset), end)
      mstore(add(parts, 0x40), add(base, offset))
      mstore(add(parts, 0x60), blessedSize)

      offset := add(offset, blessedSize)
      ok := and(and(ok, blessedOk), eq(calldataload(add(base, 0x40)), offset))
      let unblessedSize, unblessedOk := roots(add(base, offset), end)
      mstore(add(parts, 0x80), add(base, offset))
      mstore(add(parts, 0xa0), unblessedSize)

      offset := add(offset, unblessedSize)
      ok := and(and(ok, unblessedOk), eq(calldataload(add(base, 0x60)), offset))
      let nSigs := calldataload(add(base, offset)) // Signature[]: [n][r s]...
      let sigsSize := add(0x20, shl(6, and(nSigs, 0xffff)))
      mstore(add(parts, 0xc0), add(base, offset))
      mstore(add(parts, 0xe0), sigsSize)
      // Nothing may follow the signatures; this also bounds every part above by `end`.
      ok := and(and(ok, lt(nSigs, 0x10000)), eq(add(add(0x20, offset), sigsSize), report.length))
    }
    if (!ok) revert MalformedReport();
  }

  /// @notice The OCR sequence number of the last applied price update.
  function getLatestPriceSequenceNumber() external view returns (uint64) {
    return s_latestPriceSequenceNumber;
  }

  /// @notice The commit timestamp of `root` from `sourceChainSelector`, 0 if never committed.
  function getMerkleRoot(uint64 sourceChainSelector, bytes32 root) external view returns (uint256) {
    return s_roots[sourceChainSelector][root];
  }

  // ================================================================
  // │                          Execution                           │
  // ================================================================

  /// @notice DON execution: report = abi.encode(Internal.ExecutionReport[]). Signatures are not used.
  /// @dev The report is processed in place in calldata (never decoded into memory): every message is hashed and
  /// proven from the same calldata bytes it is then executed from.
  function execute(bytes32[2] calldata reportContext, bytes calldata report) external {
    _transmit(
      uint8(Internal.OCRPluginType.Execution), reportContext, report, _noSignatures(), _noSignatures(), bytes32(0)
    );

    Internal.ExecutionReport[] calldata reports;
    bool ok;
    assembly {
      // The array's head must lie inside `report`; its elements are then bounds-checked by the calldata accessors
      // (against calldatasize, and nothing follows `report`: _transmit checked the exact calldata length).
      let rel := calldataload(report.offset)
      let p := add(report.offset, rel)
      reports.offset := add(p, 0x20)
      reports.length := calldataload(p)
      ok := and(lt(rel, report.length), iszero(gt(add(rel, add(0x20, shl(5, reports.length))), report.length)))
      ok := and(ok, lt(reports.length, 0x10000))
    }
    if (!ok) revert MalformedReport();
    if (reports.length == 0) revert EmptyBatch();
    for (uint256 i = 0; i < reports.length; ++i) {
      _executeSingleReport(reports[i], _noOverrides(), false);
    }
  }

  /// @notice Permissionless execution of FAILURE messages, or of any message once its root is older than the
  /// permissionless threshold. Gas limits may be raised (never lowered) per message and per token.
  function manuallyExecute(Internal.ExecutionReport[] calldata reports, GasLimitOverride[][] calldata gasLimitOverrides)
    external
  {
    if (reports.length == 0) revert EmptyBatch();
    if (reports.length != gasLimitOverrides.length) revert ManualExecutionGasLimitMismatch();
    for (uint256 i = 0; i < reports.length; ++i) {
      Internal.ExecutionReport calldata report = reports[i];
      GasLimitOverride[] calldata overrides = gasLimitOverrides[i];
      uint256 numMsgs = report.messages.length;
      if (numMsgs != overrides.length) revert ManualExecutionGasLimitMismatch();
      for (uint256 j = 0; j < numMsgs; ++j) {
        Internal.Any2EVMRampMessage calldata message = report.messages[j];
        GasLimitOverride calldata o = overrides[j];
        if (o.receiverExecutionGasLimit != 0 && o.receiverExecutionGasLimit < message.gasLimit) {
          revert InvalidManualExecutionGasLimit(
            report.sourceChainSelector, message.header.messageId, o.receiverExecutionGasLimit
          );
        }
        uint256 numTokens = message.tokenAmounts.length;
        if (o.tokenGasOverrides.length != numTokens) {
          revert ManualExecutionGasAmountCountMismatch(message.header.messageId, message.header.sequenceNumber);
        }
        for (uint256 k = 0; k < numTokens; ++k) {
          uint32 tokenOverride = o.tokenGasOverrides[k];
          uint32 destGas = message.tokenAmounts[k].destGasAmount;
          if (tokenOverride != 0 && tokenOverride < destGas) {
            revert InvalidManualExecutionTokenGasOverride(message.header.messageId, k, destGas, tokenOverride);
          }
        }
      }
      _executeSingleReport(report, overrides, true);
    }
  }

  /// @dev An empty GasLimitOverride[] for DON execution (never indexed).
  function _noOverrides() internal pure returns (GasLimitOverride[] calldata empty) {
    assembly {
      empty.offset := 0
      empty.length := 0
    }
  }

  function _executeSingleReport(
    Internal.ExecutionReport calldata report,
    GasLimitOverride[] calldata overrides,
    bool manualExecution
  ) internal {
    uint64 sourceChainSelector = report.sourceChainSelector;
    if (i_rmnRemote.isCursed(bytes16(uint128(sourceChainSelector)))) {
      // One cursed lane must not block a DON batch; a manual executor wants to know.
      if (manualExecution) revert CursedByRMN(sourceChainSelector);
      emit SkippedReportExecution(sourceChainSelector);
      return;
    }
    // Execution config, read once per report.
    ExecContext memory ctx;
    ctx.sourceChainSelector = sourceChainSelector;
    SourceChainState storage config = s_sourceChainConfigs[sourceChainSelector];
    ExecutionState memory lane = config.executionState;
    if (!lane.isEnabled) revert SourceChainNotEnabled(sourceChainSelector);
    ctx.router = address(lane.router);
    // With an interceptor, a message's effects must be atomic: no fast path.
    ctx.hasMessageInterceptor = lane.hasMessageInterceptor;

    uint256 numMsgs = report.messages.length;
    if (numMsgs == 0) revert EmptyReport(sourceChainSelector);
    if (numMsgs != report.offchainTokenData.length) revert UnexpectedTokenData();

    bytes32[] memory hashedLeaves = new bytes32[](numMsgs);
    {
      bytes32 metadataHash = config.metadataHash;
      for (uint256 i = 0; i < numMsgs; ++i) {
        Internal.Any2EVMRampMessage calldata message = report.messages[i];
        // Roots do not commit to the dest selector through the metadata hash alone: check it explicitly.
        if (message.header.destChainSelector != i_chainSelector) {
          revert InvalidMessageDestChainSelector(message.header.destChainSelector);
        }
        if (message.header.sourceChainSelector != sourceChainSelector) {
          revert SourceChainSelectorMismatch(sourceChainSelector, message.header.sourceChainSelector);
        }
        hashedLeaves[i] = _hashLeaf(message, metadataHash);
      }
    }

    {
      // SECURITY CRITICAL: every message executed below is proven to be in a committed root.
      uint256 timestampCommitted = _rootTimestamp(sourceChainSelector, hashedLeaves, report);
      if (timestampCommitted == 0) revert RootNotCommitted(sourceChainSelector);
      if (manualExecution) {
        ctx.mode = block.timestamp - timestampCommitted > lane.permissionLessExecutionThresholdSeconds
          ? MANUAL_BY_AGE
          : MANUAL;
      }
    }

    for (uint256 i = 0; i < numMsgs; ++i) {
      uint256 freeMemory;
      assembly {
        freeMemory := mload(0x40)
      }
      ctx.index = i;
      ctx.leaf = hashedLeaves[i];
      _executeMessage(ctx, report.messages[i], report.offchainTokenData[i], overrides);
      // Nothing allocated while executing a message outlives it: reuse the memory (no growing expansion cost).
      assembly {
        mstore(0x40, freeMemory)
      }
    }
  }

  /// @dev The commit timestamp of the root the report's proof gives for `hashedLeaves` (0: not committed).
  function _rootTimestamp(uint64 sourceChainSelector, bytes32[] memory hashedLeaves, Internal.ExecutionReport calldata report)
    internal
    view
    returns (uint256)
  {
    return s_roots[sourceChainSelector][_merkleRoot(hashedLeaves, report.proofs, report.proofFlagBits)];
  }

  /// @dev keccak256(abi.encode(new Internal.Any2EVMTokenTransfer[](0))): the token hash of a message without tokens.
  bytes32 internal constant EMPTY_TOKEN_TRANSFERS_HASH = keccak256(abi.encode(uint256(0x20), uint256(0)));

  /// @dev Internal._hash(message, metadataHash) computed straight from calldata, in scratch memory (never
  /// allocated). Header words are hashed as they are in calldata: a word with dirty high bits cannot match a leaf
  /// of the committed tree, so any message proven below is cleanly encoded.
  function _hashLeaf(Internal.Any2EVMRampMessage calldata message, bytes32 metadataHash)
    internal
    pure
    returns (bytes32 leaf)
  {
    bytes32 tokensHash = EMPTY_TOKEN_TRANSFERS_HASH;
    if (message.tokenAmounts.length != 0) tokensHash = keccak256(abi.encode(message.tokenAmounts));
    bytes calldata sender = message.sender;
    bytes calldata data = message.data;
    assembly {
      let m := mload(0x40)
      // abi.encode(messageId, receiver, sequenceNumber, gasLimit, nonce); header = [id][src][dest][seqNr][nonce]
      mstore(m, calldataload(message))
      mstore(add(m, 0x20), calldataload(add(message, 0xe0)))
      mstore(add(m, 0x40), calldataload(add(message, 0x60)))
      mstore(add(m, 0x60), calldataload(add(message, 0x100)))
      mstore(add(m, 0x80), calldataload(add(message, 0x80)))
      let fixedHash := keccak256(m, 0xa0)
      calldatacopy(m, sender.offset, sender.length)
      let senderHash := keccak256(m, sender.length)
      calldatacopy(m, data.offset, data.length)
      let dataHash := keccak256(m, data.length)
      mstore(m, 0) // Internal.LEAF_DOMAIN_SEPARATOR
      mstore(add(m, 0x20), metadataHash)
      mstore(add(m, 0x40), fixedHash)
      mstore(add(m, 0x60), senderHash)
      mstore(add(m, 0x80), dataHash)
      mstore(add(m, 0xa0), tokensHash)
      leaf := keccak256(m, 0xc0)
    }
  }

  uint8 internal constant DON = 0;
  uint8 internal constant MANUAL = 1;
  uint8 internal constant MANUAL_BY_AGE = 2;

  /// @dev What every message of a report shares.
  struct ExecContext {
    uint64 sourceChainSelector;
    uint8 mode; // DON, MANUAL (only FAILURE messages may run) or MANUAL_BY_AGE (root older than the threshold)
    address router;
    bool hasMessageInterceptor;
    uint256 index; // of the message in its report
    bytes32 leaf; // its merkle leaf
    uint256 stateSlot; // its execution state word
    uint256 stateOffset; // and bit offset in it
  }

  /// @param overrides the manual executor's gas limits (validated by manuallyExecute); empty for the DON
  function _executeMessage(
    ExecContext memory ctx,
    Internal.Any2EVMRampMessage calldata message,
    bytes[] calldata offchainTokenData,
    GasLimitOverride[] calldata overrides
  ) internal {
    Internal.MessageExecutionState originalState = _startExecution(ctx, message, offchainTokenData.length);
    if (originalState == Internal.MessageExecutionState.IN_PROGRESS) return; // skipped

    uint256 gasUsed = gasleft();
    (bool success, bytes memory returnData) = _run(ctx, message, offchainTokenData, overrides);
    gasUsed -= gasleft();
    Internal.MessageExecutionState newState =
      success ? Internal.MessageExecutionState.SUCCESS : Internal.MessageExecutionState.FAILURE;
    _setExecutionState(ctx.stateSlot, ctx.stateOffset, newState); // warm: written by _startExecution

    // A manual retry of a FAILURE that fails again reverts, so the caller sees why.
    if (!success && originalState == Internal.MessageExecutionState.FAILURE) {
      revert ExecutionError(message.header.messageId, returnData);
    }

    emit ExecutionStateChanged(
      ctx.sourceChainSelector,
      message.header.sequenceNumber,
      message.header.messageId,
      ctx.leaf,
      newState,
      returnData,
      gasUsed
    );
  }

  /// @dev Decides whether the message runs now; if so marks it IN_PROGRESS (which also blocks re-entrant execution
  /// of it) and returns its original state (UNTOUCHED or FAILURE). Returns IN_PROGRESS for a skipped message.
  function _startExecution(ExecContext memory ctx, Internal.Any2EVMRampMessage calldata message, uint256 numTokenData)
    internal
    returns (Internal.MessageExecutionState originalState)
  {
    uint64 sourceChainSelector = ctx.sourceChainSelector;
    uint64 seqNr = message.header.sequenceNumber;
    (uint256 stateSlot, uint256 stateOffset) = _executionStateSlot(sourceChainSelector, seqNr);
    originalState = _getExecutionState(stateSlot, stateOffset);

    // Only UNTOUCHED and FAILURE may run.
    if (
      originalState != Internal.MessageExecutionState.UNTOUCHED
        && originalState != Internal.MessageExecutionState.FAILURE
    ) {
      if (ctx.mode != DON) revert AlreadyExecuted(sourceChainSelector, seqNr);
      emit SkippedAlreadyExecutedMessage(sourceChainSelector, seqNr);
      return Internal.MessageExecutionState.IN_PROGRESS;
    }

    if (ctx.mode != DON) {
      if (ctx.mode != MANUAL_BY_AGE && originalState != Internal.MessageExecutionState.FAILURE) {
        revert ManualExecutionNotYetEnabled(sourceChainSelector);
      }
    } else if (originalState == Internal.MessageExecutionState.FAILURE) {
      // The DON never retries failures: that is manual execution's job.
      emit AlreadyAttempted(sourceChainSelector, seqNr);
      return Internal.MessageExecutionState.IN_PROGRESS;
    }

    if (message.tokenAmounts.length != numTokenData) revert TokenDataMismatch(sourceChainSelector, seqNr);

    // Ordered messages advance the sender's inbound nonce once; a FAILURE retry already did.
    if (message.header.nonce != 0 && originalState == Internal.MessageExecutionState.UNTOUCHED) {
      if (!INonceManager(i_nonceManager).incrementInboundNonce(sourceChainSelector, message.header.nonce, message.sender))
      {
        return Internal.MessageExecutionState.IN_PROGRESS; // not its turn: stays UNTOUCHED (the NonceManager emits the skip)
      }
    }

    _setExecutionState(stateSlot, stateOffset, Internal.MessageExecutionState.IN_PROGRESS);
    ctx.stateSlot = stateSlot;
    ctx.stateOffset = stateOffset;
  }

  /// @dev Runs one message: returns (true, "") on success, (false, error) on FAILURE.
  function _run(
    ExecContext memory ctx,
    Internal.Any2EVMRampMessage calldata message,
    bytes[] calldata offchainTokenData,
    GasLimitOverride[] calldata overrides
  ) internal returns (bool, bytes memory) {
    uint256 gasLimit = message.gasLimit;
    uint32[] calldata tokenGasOverrides = _noTokenGasOverrides();
    if (ctx.mode != DON) {
      // Overrides were validated (never lower); the leaf was hashed with the original gas limit.
      GasLimitOverride calldata o = overrides[ctx.index];
      if (o.receiverExecutionGasLimit != 0) gasLimit = o.receiverExecutionGasLimit;
      tokenGasOverrides = o.tokenGasOverrides;
    }
    if (message.tokenAmounts.length == 0 && !ctx.hasMessageInterceptor) {
      // Fast path: the receiver call is the only effect and the Router call reverts its own state on failure, so
      // no atomicity self-call is needed. Same outcome, returnData and gas rules as the self-call path.
      return _callReceiver(message, ctx.router, ctx.sourceChainSelector, gasLimit, new Client.EVMTokenAmount[](0));
    }
    return _trialExecute(message, offchainTokenData, gasLimit, tokenGasOverrides);
  }

  function _noTokenGasOverrides() internal pure returns (uint32[] calldata empty) {
    assembly {
      empty.offset := 0
      empty.length := 0
    }
  }

  /// @dev Runs the message in a self-call so that token release/mint, the interceptor and the receiver call are
  /// atomic.
  function _trialExecute(
    Internal.Any2EVMRampMessage calldata message,
    bytes[] calldata offchainTokenData,
    uint256 gasLimit,
    uint32[] calldata tokenGasOverrides
  ) internal returns (bool, bytes memory) {
    Internal.Any2EVMRampMessage memory m = message;
    m.gasLimit = gasLimit;
    try this.executeSingleMessage(m, offchainTokenData, tokenGasOverrides) {
      return (true, "");
    } catch (bytes memory err) {
      // Too little gas given by the caller is not the message's fault: revert the whole tx rather than mark
      // FAILURE. These selectors only reach us unwrapped from our own checks or the exact-gas checks.
      bytes4 selector = bytes4(err);
      if (selector == InsufficientGasToCompleteTx.selector) _revertWith(err);
      if (
        selector == CallWithExactGas.NotEnoughGasForCall.selector
          || selector == CallWithExactGas.NoGasForCallExactCheck.selector
      ) {
        revert InsufficientGasToCompleteTx(selector);
      }
      return (false, err);
    }
  }

  /// @notice Releases/mints the tokens and delivers the message. Only callable by this contract.
  function executeSingleMessage(
    Internal.Any2EVMRampMessage calldata message,
    bytes[] calldata offchainTokenData,
    uint32[] calldata tokenGasOverrides
  ) external {
    if (msg.sender != address(this)) revert CanOnlySelfCall();

    uint256 numTokens = message.tokenAmounts.length;
    Client.EVMTokenAmount[] memory destTokenAmounts = new Client.EVMTokenAmount[](numTokens);
    for (uint256 i = 0; i < numTokens; ++i) {
      destTokenAmounts[i] = _releaseOrMintSingleToken(
        message, i, offchainTokenData[i], tokenGasOverrides.length == 0 ? 0 : tokenGasOverrides[i]
      );
    }

    address interceptor = s_messageInterceptor;
    if (interceptor != address(0)) {
      try IMessageInterceptor(interceptor).onInboundMessage(_any2EvmMessage(message, destTokenAmounts)) {}
      catch (bytes memory err) {
        revert IMessageInterceptor.MessageValidationError(err);
      }
    }

    uint64 sourceChainSelector = message.header.sourceChainSelector;
    (bool success, bytes memory err) = _callReceiver(
      message,
      address(s_sourceChainConfigs[sourceChainSelector].executionState.router),
      sourceChainSelector,
      message.gasLimit,
      destTokenAmounts
    );
    if (!success) _revertWith(err);
  }

  function _any2EvmMessage(Internal.Any2EVMRampMessage calldata message, Client.EVMTokenAmount[] memory destTokenAmounts)
    internal
    pure
    returns (Client.Any2EVMMessage memory)
  {
    return Client.Any2EVMMessage({
      messageId: message.header.messageId,
      sourceChainSelector: message.header.sourceChainSelector,
      sender: message.sender,
      data: message.data,
      destTokenAmounts: destTokenAmounts
    });
  }

  /// @dev Delivers the message to its receiver through the Router, unless it gets no call (token-only transfer, EOA,
  /// not a CCIP receiver). Returns (false, error) on a failure that is the message's: ReceiverError(receiver's
  /// data) or the Router's own revert data. Reverts InsufficientGasToCompleteTx when the caller gave too little gas.
  function _callReceiver(
    Internal.Any2EVMRampMessage calldata message,
    address router,
    uint64 sourceChainSelector,
    uint256 gasLimit,
    Client.EVMTokenAmount[] memory destTokenAmounts
  ) internal returns (bool success, bytes memory err) {
    address receiver = message.receiver;
    if (
      (message.data.length == 0 && gasLimit == 0) || receiver.code.length == 0
        || !_supportsInterfaceReverting(receiver, type(IAny2EVMMessageReceiver).interfaceId)
    ) return (true, "");

    uint256 gasForCallExactCheck = i_gasForCallExactCheck;
    assembly {
      // Copies the calldata `bytes` at `p` (length word + data) as an ABI tail (zero-padded) to `w`; returns its size.
      function tail(w, p) -> size {
        let len := calldataload(p)
        let padded := and(add(len, 31), not(31))
        mstore(add(w, padded), 0) // the padding of the last word (overwritten by the length word if len == 0)
        mstore(w, len)
        calldatacopy(add(w, 0x20), add(p, 0x20), len)
        size := add(0x20, padded)
      }
      // Writes routeMessage(Any2EVMMessage message, uint16, uint256, address), canonically encoded, at `m`; returns
      // its size. `msg_` is the calldata Any2EVMRampMessage (header: id, src, dest, seqNr, nonce; then offsets of
      // sender and data, receiver, gasLimit, ...): its sender and data offsets were validated by _hashLeaf's accessors.
      function encode(m, msg_, src, gasLimitArg, gasCheck, recv, tokens) -> size {
        mstore(m, shl(224, 0x3cf97983)) // IRouter.routeMessage.selector (checked by a test)
        mstore(add(m, 0x04), 0x80)
        mstore(add(m, 0x24), gasCheck)
        mstore(add(m, 0x44), gasLimitArg)
        mstore(add(m, 0x64), recv)
        // message = [messageId][sourceChainSelector][sender][data][destTokenAmounts] (last three: tail offsets)
        let t := add(m, 0x84)
        mstore(t, calldataload(msg_))
        mstore(add(t, 0x20), src)
        mstore(add(t, 0x40), 0xa0)
        let o := add(0xa0, tail(add(t, 0xa0), add(msg_, calldataload(add(msg_, 0xa0)))))
        mstore(add(t, 0x60), o)
        o := add(o, tail(add(t, o), add(msg_, calldataload(add(msg_, 0xc0)))))
        mstore(add(t, 0x80), o)
        let n := mload(tokens) // EVMTokenAmount[]: each element points to a (token, amount) struct
        let w := add(t, o)
        mstore(w, n)
        for { let i := 0 } lt(i, n) { i := add(i, 1) } {
          let e := mload(add(tokens, shl(5, add(i, 1))))
          let d := add(add(w, 0x20), shl(6, i))
          mstore(d, mload(e))
          mstore(add(d, 0x20), mload(add(e, 0x20)))
        }
        size := add(add(0x84, o), add(0x20, shl(6, n)))
      }

      let m := mload(0x40)
      let size := encode(m, message, sourceChainSelector, gasLimit, gasForCallExactCheck, receiver, destTokenAmounts)
      // Same guard as a Solidity external call: a call to an account without code would succeed.
      if iszero(extcodesize(router)) { revert(0, 0) }
      success := call(gas(), router, 0, m, size, 0, 0)

      // The result is built over the (no longer needed) call data, then allocated.
      err := m
      switch success
      case 0 {
        // The Router reverted: its revert data, unchanged.
        mstore(err, returndatasize())
        returndatacopy(add(err, 0x20), 0, returndatasize())
        mstore(0x40, add(add(err, 0x20), and(add(returndatasize(), 31), not(31))))
      }
      default {
        // (bool success, bytes retData, uint256 gasUsed); returndatacopy reverts on anything out of bounds.
        returndatacopy(0x00, 0, 0x40)
        let delivered := mload(0x00)
        if gt(delivered, 1) { revert(0, 0) }
        switch delivered
        case 1 { err := 0x60 } // empty bytes
        default {
          success := 0
          // abi.encodeWithSelector(ReceiverError.selector, retData)
          let retOffset := mload(0x20)
          returndatacopy(0x00, retOffset, 0x20)
          let len := mload(0x00)
          let padded := and(add(len, 31), not(31))
          mstore(err, add(0x44, padded))
          mstore(add(err, 0x20), shl(224, 0x0a8d6e8c)) // ReceiverError.selector (checked by a test)
          mstore(add(err, 0x24), 0x20)
          mstore(add(add(err, 0x44), padded), 0)
          mstore(add(err, 0x44), len)
          returndatacopy(add(err, 0x64), add(retOffset, 0x20), len)
          mstore(0x40, add(add(err, 0x64), padded))
        }
      }
    }
    if (!success) {
      // The Router's exact-gas check: the executor under-funded the call.
      bytes4 selector = bytes4(err);
      if (
        selector == CallWithExactGas.NotEnoughGasForCall.selector
          || selector == CallWithExactGas.NoGasForCallExactCheck.selector
      ) {
        revert InsufficientGasToCompleteTx(selector);
      }
    }
  }

  function _revertWith(bytes memory err) internal pure {
    assembly {
      revert(add(err, 0x20), mload(err))
    }
  }

  function _releaseOrMintSingleToken(
    Internal.Any2EVMRampMessage calldata message,
    uint256 index,
    bytes calldata offchainTokenData,
    uint32 tokenGasOverride
  ) internal returns (Client.EVMTokenAmount memory) {
    Internal.Any2EVMTokenTransfer calldata transfer = message.tokenAmounts[index];
    address localToken = transfer.destTokenAddress;
    address pool = ITokenAdminRegistry(i_tokenAdminRegistry).getPool(localToken);
    if (pool == address(0) || !_supportsInterfaceReverting(pool, Pool.CCIP_POOL_V1)) {
      revert NotACompatiblePool(pool);
    }
    uint256 amount = _releaseOrMintChecked(
      localToken,
      message.receiver,
      pool,
      tokenGasOverride == 0 ? transfer.destGasAmount : tokenGasOverride,
      _releaseOrMintPayload(message, transfer, offchainTokenData)
    );
    return Client.EVMTokenAmount({token: localToken, amount: amount});
  }

  /// @dev The pool gets `gasBudget` (destGasAmount or its override) in total for balanceOf, releaseOrMint and
  /// balanceOf; the receiver's balance must move by exactly the amount the pool reports.
  function _releaseOrMintChecked(
    address localToken,
    address receiver,
    address pool,
    uint256 gasBudget,
    bytes memory payload
  ) internal returns (uint256 amount) {
    (uint256 balancePre, uint256 gasLeft) = _getBalanceOfReceiver(receiver, localToken, gasBudget);
    (bool success, bytes memory returnData, uint256 gasUsed) = CallWithExactGas._callWithExactGasSafeReturnData(
      payload, pool, gasLeft, i_gasForCallExactCheck, Internal.MAX_RET_BYTES
    );
    if (!success) revert TokenHandlingError(localToken, returnData);
    if (returnData.length != Pool.CCIP_POOL_V1_RET_BYTES) {
      revert InvalidDataLength(Pool.CCIP_POOL_V1_RET_BYTES, returnData.length);
    }
    amount = abi.decode(returnData, (uint256));
    (uint256 balancePost,) = _getBalanceOfReceiver(receiver, localToken, gasLeft > gasUsed ? gasLeft - gasUsed : 0);
    // Guards against lying pools and fee-on-transfer tokens.
    if (balancePost < balancePre || balancePost - balancePre != amount) {
      revert ReleaseOrMintBalanceMismatch(amount, balancePre, balancePost);
    }
  }

  function _releaseOrMintPayload(
    Internal.Any2EVMRampMessage calldata message,
    Internal.Any2EVMTokenTransfer calldata transfer,
    bytes calldata offchainTokenData
  ) internal pure returns (bytes memory) {
    return abi.encodeCall(
      IPoolV1.releaseOrMint,
      Pool.ReleaseOrMintInV1({
        originalSender: message.sender,
        remoteChainSelector: message.header.sourceChainSelector,
        receiver: message.receiver,
        sourceDenominatedAmount: transfer.amount,
        localToken: transfer.destTokenAddress,
        sourcePoolAddress: transfer.sourcePoolAddress,
        sourcePoolData: transfer.extraData,
        offchainTokenData: offchainTokenData
      })
    );
  }

  function _getBalanceOfReceiver(address receiver, address token, uint256 gasLimit)
    internal
    returns (uint256 balance, uint256 gasLeft)
  {
    (bool success, bytes memory returnData, uint256 gasUsed) = CallWithExactGas._callWithExactGasSafeReturnData(
      abi.encodeCall(IERC20.balanceOf, (receiver)), token, gasLimit, i_gasForCallExactCheck, Internal.MAX_RET_BYTES
    );
    if (!success) revert TokenHandlingError(token, returnData);
    if (returnData.length != BALANCE_OF_RET_BYTES) {
      revert InvalidDataLength(BALANCE_OF_RET_BYTES, returnData.length);
    }
    // gasUsed also counts the CALL itself, so it may exceed gasLimit by a little: saturate.
    return (abi.decode(returnData, (uint256)), gasLimit > gasUsed ? gasLimit - gasUsed : 0);
  }

  /// @notice The execution state of a message.
  function getExecutionState(uint64 sourceChainSelector, uint64 sequenceNumber)
    public
    view
    returns (Internal.MessageExecutionState)
  {
    uint256 bitmap = s_executionStates[sourceChainSelector][sequenceNumber / 128];
    return Internal.MessageExecutionState((bitmap >> ((sequenceNumber % 128) * 2)) & 3);
  }

  /// @dev The storage slot of s_executionStates[source][seqNr / 128] and the message's bit offset in it, computed
  /// once per message (the state is read once and written twice).
  function _executionStateSlot(uint64 sourceChainSelector, uint64 sequenceNumber)
    internal
    pure
    returns (uint256 slot, uint256 offset)
  {
    assembly {
      // Types narrower than 256 bits may carry dirty high bits on the stack: clean them.
      mstore(0x00, and(sourceChainSelector, 0xffffffffffffffff))
      mstore(0x20, s_executionStates.slot)
      mstore(0x20, keccak256(0x00, 0x40))
      mstore(0x00, shr(7, and(sequenceNumber, 0xffffffffffffffff)))
      slot := keccak256(0x00, 0x40)
    }
    offset = (sequenceNumber % 128) * 2;
  }

  function _getExecutionState(uint256 slot, uint256 offset) internal view returns (Internal.MessageExecutionState s) {
    assembly {
      s := and(shr(offset, sload(slot)), 3)
    }
  }

  /// @dev Re-reads the word: a receiver may have changed other messages' bits during its call.
  function _setExecutionState(uint256 slot, uint256 offset, Internal.MessageExecutionState state) internal {
    assembly {
      sstore(slot, or(and(sload(slot), not(shl(offset, 3))), shl(offset, and(state, 3))))
    }
  }

  // ================================================================
  // │                    Low-level call helpers                    │
  // ================================================================

  /// @dev Full ERC-165 detection with each probe capped at 30k gas. Reverts (instead of answering false) when
  /// the caller left too little gas for a probe, so an executor cannot make us skip a receiver by starving it.
  function _supportsInterfaceReverting(address account, bytes4 interfaceId) internal view returns (bool) {
    return _probeERC165(account, interfaceId) && _probeERC165(account, 0x01ffc9a7) && !_probeERC165(account, 0xffffffff);
  }

  function _probeERC165(address account, bytes4 interfaceId) private view returns (bool supported) {
    // Wrapped here already: inside the self-call _trialExecute passes it on unchanged.
    if (gasleft() < MIN_GAS_FOR_ERC165_CHECK) revert InsufficientGasToCompleteTx(InsufficientGasForStaticCall.selector);
    assembly {
      // supportsInterface(bytes4) in scratch space: selector at 0x00, argument at 0x04..0x23.
      mstore(0x00, shl(224, 0x01ffc9a7))
      mstore(0x04, interfaceId)
      let ok := staticcall(ERC165_GAS_LIMIT, account, 0x00, 0x24, 0x00, 0x20)
      supported := and(and(ok, gt(returndatasize(), 0x1f)), iszero(iszero(mload(0x00))))
    }
  }

  // ================================================================
  // │                            Config                            │
  // ================================================================

  function getStaticConfig() external view returns (StaticConfig memory) {
    return StaticConfig({
      chainSelector: i_chainSelector,
      gasForCallExactCheck: i_gasForCallExactCheck,
      rmnRemote: i_rmnRemote,
      tokenAdminRegistry: i_tokenAdminRegistry,
      nonceManager: i_nonceManager
    });
  }

  function getDynamicConfig() external view returns (DynamicConfig memory) {
    return DynamicConfig({
      feeQuoter: s_feeQuoter,
      permissionLessExecutionThresholdSeconds: s_permissionLessExecutionThresholdSeconds,
      messageInterceptor: s_messageInterceptor
    });
  }

  function getSourceChainConfig(uint64 sourceChainSelector) external view returns (SourceChainConfig memory) {
    return _toView(s_sourceChainConfigs[sourceChainSelector]);
  }

  function getAllSourceChainConfigs() external view returns (uint64[] memory, SourceChainConfig[] memory) {
    uint256 n = s_sourceChainSelectors.length();
    uint64[] memory selectors = new uint64[](n);
    SourceChainConfig[] memory configs = new SourceChainConfig[](n);
    for (uint256 i = 0; i < n; ++i) {
      selectors[i] = uint64(s_sourceChainSelectors.at(i));
      configs[i] = _toView(s_sourceChainConfigs[selectors[i]]);
    }
    return (selectors, configs);
  }

  // ================================================================
  // │              Owner-only setters (in OffRampAdmin)            │
  // ================================================================
  // Each forwards its calldata unchanged; OffRampAdmin decodes it, applies onlyOwner and does the work.

  function applySourceChainConfigUpdates(SourceChainConfigArgs[] calldata sourceChainConfigUpdates) external {
    sourceChainConfigUpdates; // decoded by OffRampAdmin
    _delegateToAdmin();
  }

  function setDynamicConfig(DynamicConfig calldata dynamicConfig) external {
    dynamicConfig;
    _delegateToAdmin();
  }

  /// @notice Owner escape hatch: forgets committed roots (e.g. a root committed by a faulty DON).
  /// Messages already executed keep their state; the lane's minSeqNr is not rewound.
  function removeRoots(Internal.MerkleRoot[] calldata rootsToRemove) external {
    rootsToRemove;
    _delegateToAdmin();
  }

  function setOCR3Configs(OCRConfigArgs[] calldata ocrConfigArgs) external override {
    ocrConfigArgs;
    _delegateToAdmin();
  }

  /// @dev Runs this call's calldata in OffRampAdmin on our storage and ends the call with its result. Never returns.
  function _delegateToAdmin() internal {
    address admin = i_admin;
    assembly {
      calldatacopy(0, 0, calldatasize())
      let ok := delegatecall(gas(), admin, 0, calldatasize(), 0, 0)
      returndatacopy(0, 0, returndatasize())
      if iszero(ok) { revert(0, returndatasize()) }
      return(0, returndatasize())
    }
  }
}
