// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {OffRampSetup} from "./OffRampSetup.t.sol";

import {Vm} from "forge-std/Vm.sol";
import {console2} from "forge-std/console2.sol";

/// @notice Whole-transaction gas of the hot paths: 21000 + calldata (EIP-2028 pricing) + the call's own gas
/// (vm.lastCallGas) with every involved account and slot cooled first, as in a fresh transaction. Refunds
/// are ignored (conservative).
contract OffRampGasTest is OffRampSetup {
  uint256 internal constant EXEC_ONE_TARGET = 100_000;
  uint256 internal constant EXEC_BATCH_PER_MSG_TARGET = 50_000;
  uint256 internal constant COMMIT_TARGET = 110_000;
  // Regression bounds: the figures measured after the execute gas work (real RMNRemote, no-token fast path,
  // calldata report) + ~3%.
  uint256 internal constant EXEC_ONE_BOUND = 74_200;
  uint256 internal constant EXEC_BATCH16_PER_MSG_BOUND = 23_600;
  uint256 internal constant EXEC_BATCH64_PER_MSG_BOUND = 21_100;
  uint256 internal constant MANUAL_EXEC_BOUND = 71_700;
  uint256 internal constant COMMIT_BOUND = 107_100;
  uint256 internal constant COMMIT_F5_BOUND = 136_100;

  function _calldataGas(bytes memory data) internal pure returns (uint256 g) {
    for (uint256 i = 0; i < data.length; ++i) {
      g += data[i] == 0 ? 4 : 16;
    }
  }

  function _coolAll() internal {
    vm.cool(address(s_offRamp));
    vm.cool(address(s_rmn));
    vm.cool(address(s_router));
    vm.cool(address(s_nonceManager));
    vm.cool(address(s_gasReceiver));
    vm.cool(address(s_feeQuoter));
    vm.cool(address(s_tar));
  }

  function _txGas(bytes memory callData) internal returns (uint256) {
    _coolAll();
    vm.prank(s_transmitters[1]);
    (bool ok,) = address(s_offRamp).call(callData);
    require(ok, "call failed");
    Vm.Gas memory g = vm.lastCallGas();
    return 21_000 + _calldataGas(callData) + g.gasTotalUsed;
  }

  function _execCallData(Internal.ExecutionReport memory r) internal pure returns (bytes memory) {
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = r;
    return abi.encodeCall(OffRamp.execute, (_context(EXEC_DIGEST, 1), abi.encode(reports)));
  }

  function _gasMsgs(uint64 firstSeq, uint256 n, uint64 nonce) internal view returns (Internal.Any2EVMRampMessage[] memory m) {
    m = new Internal.Any2EVMRampMessage[](n);
    for (uint256 i = 0; i < n; ++i) {
      m[i] = _message(
        SOURCE, firstSeq + uint64(i), nonce == 0 ? 0 : nonce + uint64(i), address(s_gasReceiver), abi.encode(i), 50_000
      );
    }
  }

  function _execOne(uint64 seq, uint64 nonce) internal returns (uint256) {
    Internal.Any2EVMRampMessage[] memory m = _gasMsgs(seq, 1, nonce);
    _commitMessages(m);
    uint256 g = _txGas(_execCallData(_execReport(m, _all(1))));
    assertEq(uint8(_state(SOURCE, seq)), uint8(Internal.MessageExecutionState.SUCCESS));
    return g;
  }

  function test_gas_executeOneMessage() public {
    uint256 first = _execOne(1, 0); // fresh state word and receiver slot
    uint256 steady = _execOne(2, 0); // state word and receiver slot already non-zero
    uint256 orderedFirst = _execOne(3, 1); // ordered: sender's inbound nonce 0 -> 1 (fresh slot)
    uint256 ordered = _execOne(4, 2); // ordered, nonce slot already non-zero
    console2.log("execute 1 msg, fresh state word + fresh receiver slot:", first);
    console2.log("execute 1 msg, steady state (unordered):             ", steady);
    console2.log("execute 1 msg, ordered, first nonce of sender:        ", orderedFirst);
    console2.log("execute 1 msg, ordered, steady state:                 ", ordered);
    assertLe(steady, EXEC_ONE_TARGET);
    assertLe(steady, EXEC_ONE_BOUND);
  }

  function _execBatch(uint256 n) internal returns (uint256 total) {
    _execOne(1, 0); // warm-up so the lane is in steady state
    Internal.Any2EVMRampMessage[] memory m = _gasMsgs(2, n, 0);
    _commitMessages(m);
    total = _txGas(_execCallData(_execReport(m, _all(n))));
    for (uint256 i = 0; i < n; ++i) {
      assertEq(uint8(_state(SOURCE, uint64(i + 2))), uint8(Internal.MessageExecutionState.SUCCESS));
    }
  }

  function test_gas_executeBatchOf16() public {
    uint256 total = _execBatch(16);
    console2.log("execute batch of 16, whole tx:", total);
    console2.log("execute batch of 16, per msg: ", total / 16);
    assertLe(total / 16, EXEC_BATCH_PER_MSG_TARGET);
    assertLe(total / 16, EXEC_BATCH16_PER_MSG_BOUND);
  }

  function test_gas_executeBatchOf64() public {
    uint256 total = _execBatch(64);
    console2.log("execute batch of 64, whole tx:", total);
    console2.log("execute batch of 64, per msg: ", total / 64);
    assertLe(total / 64, EXEC_BATCH_PER_MSG_TARGET);
    assertLe(total / 64, EXEC_BATCH64_PER_MSG_BOUND);
  }

  function test_gas_manuallyExecuteOneMessage() public {
    _execOne(1, 0); // steady state
    Internal.Any2EVMRampMessage[] memory m = _gasMsgs(2, 1, 0);
    _commitMessages(m);
    vm.warp(block.timestamp + THRESHOLD + 1); // permissionless by age
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = _execReport(m, _all(1));
    bytes memory callData = abi.encodeCall(OffRamp.manuallyExecute, (reports, _noOverrides(reports[0])));
    _coolAll();
    vm.prank(address(0xa11ce)); // anyone
    (bool ok,) = address(s_offRamp).call(callData);
    require(ok, "manual execution failed");
    uint256 total = 21_000 + _calldataGas(callData) + vm.lastCallGas().gasTotalUsed;
    assertEq(uint8(_state(SOURCE, 2)), uint8(Internal.MessageExecutionState.SUCCESS));
    console2.log("manually execute 1 msg (by age), whole tx:", total);
    assertLe(total, MANUAL_EXEC_BOUND);
  }

  function test_gas_commitOneBlessedRoot() public {
    // A previous root on the lane, so the lane is in steady state.
    _commit(_blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 1, 10, keccak256("r0"))));

    Internal.CommitReport memory r = _blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 11, 20, keccak256("r1")));
    bytes memory report = abi.encode(r);
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 2);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(F + 1));
    bytes memory callData = abi.encodeCall(OffRamp.commit, (ctx, report, rs, ss, rawVs));
    _coolAll();
    vm.prank(s_transmitters[0]);
    (bool ok,) = address(s_offRamp).call(callData);
    require(ok, "commit failed");
    uint256 total = 21_000 + _calldataGas(callData) + vm.lastCallGas().gasTotalUsed;
    assertEq(s_offRamp.getMerkleRoot(SOURCE_BLESSED, keccak256("r1")), block.timestamp);
    console2.log("commit 1 blessed root, f=1, fSign=1, whole tx:", total);
    assertLe(total, COMMIT_TARGET);
    assertLe(total, COMMIT_BOUND);
  }

  function test_gas_commitOneBlessedRootF5() public {
    // Reconfigure the commit plugin with 16 signers, F = 5 (6 OCR signatures).
    uint8 f5 = 5;
    uint256[] memory keys = new uint256[](16);
    address[] memory signers = new address[](16);
    for (uint256 i = 0; i < 16; ++i) {
      keys[i] = 0x6100 + i;
      signers[i] = vm.addr(keys[i]);
    }
    MultiOCR3Base.OCRConfigArgs[] memory cfgs = new MultiOCR3Base.OCRConfigArgs[](1);
    cfgs[0] = MultiOCR3Base.OCRConfigArgs({
      configDigest: COMMIT_DIGEST,
      ocrPluginType: uint8(Internal.OCRPluginType.Commit),
      F: f5,
      isSignatureVerificationEnabled: true,
      signers: signers,
      transmitters: s_transmitters
    });
    s_offRamp.setOCR3Configs(cfgs);
    uint256[] memory signing = new uint256[](f5 + 1);
    for (uint256 i = 0; i <= f5; ++i) {
      signing[i] = keys[15 - 2 * i]; // any F+1 of them, in any order
    }

    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 1);
    bytes memory report = abi.encode(_blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 1, 10, keccak256("r0"))));
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, signing);
    vm.prank(s_transmitters[0]);
    s_offRamp.commit(ctx, report, rs, ss, rawVs);

    ctx = _context(COMMIT_DIGEST, 2);
    report = abi.encode(_blessedReport(_root(SOURCE_BLESSED, s_onRampBlessed, 11, 20, keccak256("r1"))));
    (rs, ss, rawVs) = _sign(report, ctx, signing);
    bytes memory callData = abi.encodeCall(OffRamp.commit, (ctx, report, rs, ss, rawVs));
    _coolAll();
    vm.prank(s_transmitters[0]);
    (bool ok,) = address(s_offRamp).call(callData);
    require(ok, "commit failed");
    uint256 total = 21_000 + _calldataGas(callData) + vm.lastCallGas().gasTotalUsed;
    assertEq(s_offRamp.getMerkleRoot(SOURCE_BLESSED, keccak256("r1")), block.timestamp);
    console2.log("commit 1 blessed root, f=5, fSign=1, whole tx:", total);
    assertLe(total, COMMIT_F5_BOUND);
  }

  function test_gas_commitOneUnblessedRootWithPrices() public {
    _commit(_unblessedReport(_root(SOURCE, s_onRamp, 1, 10, keccak256("r0"))));
    Internal.CommitReport memory r = _unblessedReport(_root(SOURCE, s_onRamp, 11, 20, keccak256("r1")));
    r.priceUpdates = _gasPrices(1e9);
    bytes memory report = abi.encode(r);
    bytes32[2] memory ctx = _context(COMMIT_DIGEST, 2);
    (bytes32[] memory rs, bytes32[] memory ss, bytes32 rawVs) = _sign(report, ctx, _firstSigners(F + 1));
    bytes memory callData = abi.encodeCall(OffRamp.commit, (ctx, report, rs, ss, rawVs));
    _coolAll();
    vm.prank(s_transmitters[0]);
    (bool ok,) = address(s_offRamp).call(callData);
    require(ok, "commit failed");
    uint256 total = 21_000 + _calldataGas(callData) + vm.lastCallGas().gasTotalUsed;
    console2.log("commit 1 unblessed root + 1 gas price, whole tx:", total);
  }
}
