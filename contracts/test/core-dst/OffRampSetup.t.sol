// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {IRouter} from "../../src/interfaces/IRouter.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {RMNRemote} from "../../src/rmn/RMNRemote.sol";
import {MerkleHelper} from "./helpers/MerkleHelper.sol";
import {
  BurnMintERC20TestDouble,
  FeeQuoterTestDouble,
  GasReceiverTestDouble,
  MessageInterceptorTestDouble,
  NonceManagerTestDouble,
  ReceiverTestDouble,
  RouterTestDouble,
  TokenAdminRegistryTestDouble,
  TokenPoolTestDouble
} from "./helpers/TestDoubles.sol";

import {Test} from "forge-std/Test.sol";

abstract contract OffRampSetup is Test {
  uint64 internal constant DEST = 7759470850252068959; // anvil
  uint64 internal constant SOURCE = 16015286601757825753; // sepolia (RMN verification disabled)
  uint64 internal constant SOURCE_BLESSED = 3478487238524512106; // RMN verification enabled
  uint64 internal constant SOURCE_DISABLED = 5224473277236331295;
  uint32 internal constant THRESHOLD = 1 hours;
  bytes32 internal constant COMMIT_DIGEST = keccak256("commit config");
  bytes32 internal constant EXEC_DIGEST = keccak256("exec config");
  uint8 internal constant F = 1;
  uint64 internal constant RMN_F_SIGN = 1;
  bytes32 internal constant RMN_HOME_DIGEST = keccak256("rmn config");
  uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

  OffRamp internal s_offRamp;
  RMNRemote internal s_rmn; // the real one, so commit gas and blessing rules are honest
  RouterTestDouble internal s_router;
  NonceManagerTestDouble internal s_nonceManager;
  FeeQuoterTestDouble internal s_feeQuoter;
  TokenAdminRegistryTestDouble internal s_tar;
  BurnMintERC20TestDouble internal s_token;
  TokenPoolTestDouble internal s_pool;
  ReceiverTestDouble internal s_receiver;
  GasReceiverTestDouble internal s_gasReceiver;
  MessageInterceptorTestDouble internal s_interceptor;

  bytes internal s_onRamp = abi.encode(address(0x0a11));
  bytes internal s_onRampBlessed = abi.encode(address(0x0b22));

  uint256[] internal s_signerKeys;
  address[] internal s_signers;
  address[] internal s_transmitters;
  uint256[] internal s_rmnKeys; // sorted by address
  uint64 internal s_ocrSeqNr = 1;

  function setUp() public virtual {
    vm.warp(1_700_000_000);
    s_rmn = new RMNRemote(DEST);
    s_router = new RouterTestDouble();
    s_nonceManager = new NonceManagerTestDouble();
    s_feeQuoter = new FeeQuoterTestDouble();
    s_tar = new TokenAdminRegistryTestDouble();
    s_token = new BurnMintERC20TestDouble();
    s_pool = new TokenPoolTestDouble(s_token);
    s_tar.setPool(address(s_token), address(s_pool));
    s_receiver = new ReceiverTestDouble(address(s_router));
    s_gasReceiver = new GasReceiverTestDouble();
    s_interceptor = new MessageInterceptorTestDouble();

    s_offRamp = new OffRamp(_staticConfig(), _dynamicConfig(address(0)), _sourceConfigs());
    s_router.setOffRamp(address(s_offRamp), true);

    for (uint256 i = 0; i < 4; ++i) {
      s_signerKeys.push(0x5100 + i);
      s_signers.push(vm.addr(0x5100 + i));
      s_transmitters.push(address(uint160(0x7700 + i)));
    }
    MultiOCR3Base.OCRConfigArgs[] memory cfgs = new MultiOCR3Base.OCRConfigArgs[](2);
    cfgs[0] = MultiOCR3Base.OCRConfigArgs({
      configDigest: COMMIT_DIGEST,
      ocrPluginType: uint8(Internal.OCRPluginType.Commit),
      F: F,
      isSignatureVerificationEnabled: true,
      signers: s_signers,
      transmitters: s_transmitters
    });
    cfgs[1] = MultiOCR3Base.OCRConfigArgs({
      configDigest: EXEC_DIGEST,
      ocrPluginType: uint8(Internal.OCRPluginType.Execution),
      F: F,
      isSignatureVerificationEnabled: false,
      signers: s_signers,
      transmitters: s_transmitters
    });
    s_offRamp.setOCR3Configs(cfgs);

    // RMN: 3 signers (n >= 2 fSign + 1), fSign = 1; keys sorted ascending by address so that the first
    // fSign + 1 of them sign in the required order.
    uint256[3] memory keys = [uint256(0xa11ce), 0xb0b, 0xca401];
    for (uint256 i = 0; i < 3; ++i) {
      for (uint256 j = i + 1; j < 3; ++j) {
        if (vm.addr(keys[j]) < vm.addr(keys[i])) (keys[i], keys[j]) = (keys[j], keys[i]);
      }
    }
    RMNRemote.Config memory rmnConfig;
    rmnConfig.rmnHomeContractConfigDigest = RMN_HOME_DIGEST;
    rmnConfig.fSign = RMN_F_SIGN;
    rmnConfig.signers = new RMNRemote.Signer[](3);
    for (uint256 i = 0; i < 3; ++i) {
      s_rmnKeys.push(keys[i]);
      rmnConfig.signers[i] = RMNRemote.Signer({onchainPublicKey: vm.addr(keys[i]), nodeIndex: uint64(i)});
    }
    s_rmn.setConfig(rmnConfig);
  }

  function _staticConfig() internal view returns (OffRamp.StaticConfig memory) {
    return OffRamp.StaticConfig({
      chainSelector: DEST,
      gasForCallExactCheck: 5_000,
      rmnRemote: IRMNRemote(address(s_rmn)),
      tokenAdminRegistry: address(s_tar),
      nonceManager: address(s_nonceManager)
    });
  }

  function _dynamicConfig(address interceptor) internal view returns (OffRamp.DynamicConfig memory) {
    return OffRamp.DynamicConfig({
      feeQuoter: address(s_feeQuoter),
      permissionLessExecutionThresholdSeconds: THRESHOLD,
      messageInterceptor: interceptor
    });
  }

  function _sourceConfigs() internal view returns (OffRamp.SourceChainConfigArgs[] memory cfgs) {
    cfgs = new OffRamp.SourceChainConfigArgs[](3);
    cfgs[0] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(s_router)),
      sourceChainSelector: SOURCE,
      isEnabled: true,
      isRMNVerificationDisabled: true,
      onRamp: s_onRamp
    });
    cfgs[1] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(s_router)),
      sourceChainSelector: SOURCE_BLESSED,
      isEnabled: true,
      isRMNVerificationDisabled: false,
      onRamp: s_onRampBlessed
    });
    cfgs[2] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(s_router)),
      sourceChainSelector: SOURCE_DISABLED,
      isEnabled: false,
      isRMNVerificationDisabled: true,
      onRamp: s_onRamp
    });
  }

  // ─────────────────────────────── commit helpers ───────────────────────────────

  function _emptyPrices() internal pure returns (Internal.PriceUpdates memory p) {
    p.tokenPriceUpdates = new Internal.TokenPriceUpdate[](0);
    p.gasPriceUpdates = new Internal.GasPriceUpdate[](0);
  }

  function _gasPrices(uint224 price) internal pure returns (Internal.PriceUpdates memory p) {
    p.tokenPriceUpdates = new Internal.TokenPriceUpdate[](0);
    p.gasPriceUpdates = new Internal.GasPriceUpdate[](1);
    p.gasPriceUpdates[0] = Internal.GasPriceUpdate({destChainSelector: SOURCE, usdPerUnitGas: price});
  }

  function _root(uint64 source, bytes memory onRamp, uint64 min, uint64 max, bytes32 root)
    internal
    pure
    returns (Internal.MerkleRoot memory)
  {
    return Internal.MerkleRoot({
      sourceChainSelector: source,
      onRampAddress: onRamp,
      minSeqNr: min,
      maxSeqNr: max,
      merkleRoot: root
    });
  }

  function _unblessedReport(Internal.MerkleRoot memory root) internal pure returns (Internal.CommitReport memory r) {
    r.priceUpdates = _emptyPrices();
    r.blessedMerkleRoots = new Internal.MerkleRoot[](0);
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](1);
    r.unblessedMerkleRoots[0] = root;
    r.rmnSignatures = new IRMNRemote.Signature[](0);
  }

  function _blessedReport(Internal.MerkleRoot memory root) internal view returns (Internal.CommitReport memory r) {
    r.priceUpdates = _emptyPrices();
    r.blessedMerkleRoots = new Internal.MerkleRoot[](1);
    r.blessedMerkleRoots[0] = root;
    r.unblessedMerkleRoots = new Internal.MerkleRoot[](0);
    r.rmnSignatures = _rmnSign(r.blessedMerkleRoots);
  }

  /// @dev The RMN report digest, computed independently of the contract under test.
  function _rmnDigest(Internal.MerkleRoot[] memory roots) internal view returns (bytes32) {
    return keccak256(
      abi.encode(
        keccak256("RMN_V1_6_ANY2EVM_REPORT"),
        RMNRemote.Report({
          destChainId: block.chainid,
          destChainSelector: DEST,
          rmnRemoteContractAddress: address(s_rmn),
          offrampAddress: address(s_offRamp),
          rmnHomeContractConfigDigest: RMN_HOME_DIGEST,
          merkleRoots: roots
        })
      )
    );
  }

  /// @dev fSign + 1 blessings by the lowest RMN keys, ascending by signer address.
  function _rmnSign(Internal.MerkleRoot[] memory roots) internal view returns (IRMNRemote.Signature[] memory sigs) {
    bytes32 digest = _rmnDigest(roots);
    sigs = new IRMNRemote.Signature[](RMN_F_SIGN + 1);
    for (uint256 i = 0; i < sigs.length; ++i) {
      (uint8 v, bytes32 r, bytes32 s) = vm.sign(s_rmnKeys[i], digest);
      // The RMN scheme fixes v = 27: (r, s, 28) is equivalent to (r, n - s, 27).
      if (v == 28) s = bytes32(SECP256K1_N - uint256(s));
      sigs[i] = IRMNRemote.Signature({r: r, s: s});
    }
  }

  function _context(bytes32 digest, uint64 seqNr) internal pure returns (bytes32[2] memory ctx) {
    ctx[0] = digest;
    ctx[1] = bytes32(uint256(seqNr));
  }

  function _sign(bytes memory report, bytes32[2] memory ctx, uint256[] memory keys)
    internal
    pure
    returns (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs)
  {
    bytes32 h = keccak256(abi.encodePacked(keccak256(report), ctx));
    rs = new bytes32[](keys.length);
    ss = new bytes32[](keys.length);
    for (uint256 i = 0; i < keys.length; ++i) {
      (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], h);
      rs[i] = r;
      ss[i] = s;
      rawVs |= bytes32(uint256(v - 27) << (248 - 8 * i));
    }
  }

  function _firstSigners(uint256 n) internal view returns (uint256[] memory keys) {
    keys = new uint256[](n);
    for (uint256 i = 0; i < n; ++i) {
      keys[i] = s_signerKeys[i];
    }
  }

  function _commit(Internal.CommitReport memory r) internal {
    _commitWithSeq(r, s_ocrSeqNr++);
  }

  function _commitWithSeq(Internal.CommitReport memory r, uint64 seqNr) internal {
    bytes memory report = abi.encode(r);
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, seqNr);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(F + 1));
    vm.prank(s_transmitters[0]);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);
  }

  // ─────────────────────────────── execution helpers ───────────────────────────────

  function _message(uint64 source, uint64 seqNr, uint64 nonce, address receiver, bytes memory data, uint256 gasLimit)
    internal
    pure
    returns (Internal.Any2EVMRampMessage memory m)
  {
    m.header = Internal.RampMessageHeader({
      messageId: keccak256(abi.encode("id", source, seqNr)),
      sourceChainSelector: source,
      destChainSelector: DEST,
      sequenceNumber: seqNr,
      nonce: nonce
    });
    m.sender = abi.encode(address(0x5e4d));
    m.data = data;
    m.receiver = receiver;
    m.gasLimit = gasLimit;
    m.tokenAmounts = new Internal.Any2EVMTokenTransfer[](0);
  }

  function _withToken(Internal.Any2EVMRampMessage memory m, uint256 amount)
    internal
    view
    returns (Internal.Any2EVMRampMessage memory)
  {
    m.tokenAmounts = new Internal.Any2EVMTokenTransfer[](1);
    m.tokenAmounts[0] = Internal.Any2EVMTokenTransfer({
      sourcePoolAddress: abi.encode(address(0x50001)),
      destTokenAddress: address(s_token),
      destGasAmount: 400_000, // the pool double records its inputs (fresh storage)
      extraData: abi.encode(uint256(18)),
      amount: amount
    });
    return m;
  }

  function _onRampOf(uint64 source) internal view returns (bytes memory) {
    return source == SOURCE_BLESSED ? s_onRampBlessed : s_onRamp;
  }

  function _leaf(Internal.Any2EVMRampMessage memory m) internal view returns (bytes32) {
    return Internal._hash(m, Internal._any2EvmMetadataHash(m.header.sourceChainSelector, DEST, _onRampOf(m.header.sourceChainSelector)));
  }

  function _leaves(Internal.Any2EVMRampMessage[] memory msgs) internal view returns (bytes32[] memory leaves) {
    leaves = new bytes32[](msgs.length);
    for (uint256 i = 0; i < msgs.length; ++i) {
      leaves[i] = _leaf(msgs[i]);
    }
  }

  /// @dev Commits one root over `msgs` (consecutive seqNrs of one source) and returns it.
  function _commitMessages(Internal.Any2EVMRampMessage[] memory msgs) internal returns (bytes32 root) {
    root = MerkleHelper.root(_leaves(msgs));
    uint64 source = msgs[0].header.sourceChainSelector;
    Internal.MerkleRoot memory mr = _root(
      source, _onRampOf(source), msgs[0].header.sequenceNumber, msgs[msgs.length - 1].header.sequenceNumber, root
    );
    _commit(source == SOURCE_BLESSED ? _blessedReport(mr) : _unblessedReport(mr));
  }

  /// @dev An execution report for msgs[indices] with a real multi-proof against the root of all `msgs`.
  function _execReport(Internal.Any2EVMRampMessage[] memory msgs, uint256[] memory indices)
    internal
    view
    returns (Internal.ExecutionReport memory r)
  {
    (bytes32[] memory proofs, uint256 flags) = MerkleHelper.multiProof(_leaves(msgs), indices);
    r.sourceChainSelector = msgs[0].header.sourceChainSelector;
    r.messages = new Internal.Any2EVMRampMessage[](indices.length);
    r.offchainTokenData = new bytes[][](indices.length);
    for (uint256 i = 0; i < indices.length; ++i) {
      r.messages[i] = msgs[indices[i]];
      r.offchainTokenData[i] = new bytes[](msgs[indices[i]].tokenAmounts.length);
    }
    r.proofs = proofs;
    r.proofFlagBits = flags;
  }

  function _all(uint256 n) internal pure returns (uint256[] memory idx) {
    idx = new uint256[](n);
    for (uint256 i = 0; i < n; ++i) {
      idx[i] = i;
    }
  }

  function _one(uint256 i) internal pure returns (uint256[] memory idx) {
    idx = new uint256[](1);
    idx[0] = i;
  }

  function _single(Internal.Any2EVMRampMessage memory m) internal pure returns (Internal.Any2EVMRampMessage[] memory a) {
    a = new Internal.Any2EVMRampMessage[](1);
    a[0] = m;
  }

  function _execute(Internal.ExecutionReport[] memory reports) internal {
    bytes memory report = abi.encode(reports);
    vm.prank(s_transmitters[1]);
    s_offRamp.execute(_context(EXEC_DIGEST, 1), report);
  }

  function _execute(Internal.ExecutionReport memory report) internal {
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = report;
    _execute(reports);
  }

  function _noOverrides(Internal.ExecutionReport memory report)
    internal
    pure
    returns (OffRamp.GasLimitOverride[][] memory o)
  {
    o = new OffRamp.GasLimitOverride[][](1);
    o[0] = new OffRamp.GasLimitOverride[](report.messages.length);
    for (uint256 i = 0; i < report.messages.length; ++i) {
      o[0][i].tokenGasOverrides = new uint32[](report.messages[i].tokenAmounts.length);
    }
  }

  function _manual(Internal.ExecutionReport memory report, OffRamp.GasLimitOverride[][] memory o) internal {
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = report;
    s_offRamp.manuallyExecute(reports, o);
  }

  function _state(uint64 source, uint64 seqNr) internal view returns (Internal.MessageExecutionState) {
    return s_offRamp.getExecutionState(source, seqNr);
  }
}

