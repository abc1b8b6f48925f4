// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CallWithExactGas} from "../../src/libraries/CallWithExactGas.sol";
import {OffRamp} from "../../src/core/OffRamp.sol";
import {IAny2EVMMessageReceiver} from "../../src/interfaces/IAny2EVMMessageReceiver.sol";
import {IMessageInterceptor} from "../../src/interfaces/IMessageInterceptor.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MerkleMultiProof} from "../../src/libraries/MerkleMultiProof.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {
  MessageInterceptorTestDouble,
  NoERC165ReceiverTestDouble,
  NonceManagerTestDouble,
  ReceiverTestDouble,
  TokenPoolTestDouble,
  YesToEverythingReceiverTestDouble
} from "./helpers/TestDoubles.sol";
import {OffRampSetup} from "./OffRampSetup.t.sol";
import {Vm} from "forge-std/Vm.sol";

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice Re-enters the OffRamp from ccipReceive, trying to execute the very message being executed.
contract ReentrantReceiver is IAny2EVMMessageReceiver, IERC165 {
  OffRamp internal immutable i_offRamp;
  bytes internal s_report;
  bytes public s_reentryError;
  bool public s_armed;

  constructor(OffRamp offRamp) {
    i_offRamp = offRamp;
  }

  function arm(Internal.ExecutionReport memory report) external {
    s_report = abi.encode(report);
    s_armed = true;
  }

  function supportsInterface(bytes4 id) external pure returns (bool) {
    return id == type(IAny2EVMMessageReceiver).interfaceId || id == type(IERC165).interfaceId;
  }

  function ccipReceive(Client.Any2EVMMessage calldata) external {
    if (!s_armed) return;
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = abi.decode(s_report, (Internal.ExecutionReport));
    OffRamp.GasLimitOverride[][] memory o = new OffRamp.GasLimitOverride[][](1);
    o[0] = new OffRamp.GasLimitOverride[](1);
    o[0][0].tokenGasOverrides = new uint32[](reports[0].messages[0].tokenAmounts.length);
    try i_offRamp.manuallyExecute(reports, o) {} catch (bytes memory err) {
      s_reentryError = err;
    }
  }
}

contract OffRampExecuteTest is OffRampSetup {
  function _msgs(uint256 n, address receiver) internal pure returns (Internal.Any2EVMRampMessage[] memory msgs) {
    msgs = new Internal.Any2EVMRampMessage[](n);
    for (uint256 i = 0; i < n; ++i) {
      msgs[i] = _message(SOURCE, uint64(i + 1), 0, receiver, abi.encode("hello", i), 200_000);
    }
  }

  // ─────────────────────────────── happy paths ───────────────────────────────

  function test_execute_singleMessage() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(1, address(s_receiver));
    _commitMessages(msgs);
    Internal.ExecutionReport memory r = _execReport(msgs, _all(1));

    vm.expectEmit(address(s_offRamp));
    emit MultiOCR3Base.Transmitted(uint8(Internal.OCRPluginType.Execution), EXEC_DIGEST, 1);
    vm.expectEmit(true, true, true, false, address(s_offRamp));
    emit OffRamp.ExecutionStateChanged(
      SOURCE, 1, msgs[0].header.messageId, _leaf(msgs[0]), Internal.MessageExecutionState.SUCCESS, "", 0
    );
    _execute(r);

    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_receiver.s_calls(), 1);
    assertEq(s_receiver.s_lastMessageId(), msgs[0].header.messageId);
    assertEq(s_receiver.s_lastData(), msgs[0].data);
    assertEq(s_receiver.s_lastSender(), msgs[0].sender);
  }

  function test_execute_blessedLane() public {
    Internal.Any2EVMRampMessage[] memory msgs = new Internal.Any2EVMRampMessage[](2);
    msgs[0] = _message(SOURCE_BLESSED, 1, 0, address(s_receiver), "a", 300_000);
    msgs[1] = _message(SOURCE_BLESSED, 2, 0, address(s_receiver), "b", 300_000);
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(2)));
    assertEq(s_receiver.s_calls(), 2);
  }

  function test_execute_batchSubsetWithMultiProof() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(7, address(s_receiver));
    _commitMessages(msgs);
    uint256[] memory idx = new uint256[](3);
    (idx[0], idx[1], idx[2]) = (0, 3, 6);
    _execute(_execReport(msgs, idx));
    for (uint256 i = 0; i < 7; ++i) {
      bool done = i == 0 || i == 3 || i == 6;
      assertEq(
        uint8(_state(SOURCE, uint64(i + 1))),
        uint8(done ? Internal.MessageExecutionState.SUCCESS : Internal.MessageExecutionState.UNTOUCHED)
      );
    }
    // The rest, in a second report and a second source in the same batch.
    Internal.Any2EVMRampMessage[] memory other = new Internal.Any2EVMRampMessage[](1);
    other[0] = _message(SOURCE_BLESSED, 1, 0, address(s_receiver), "x", 300_000);
    _commitMessages(other);
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](2);
    uint256[] memory rest = new uint256[](4);
    (rest[0], rest[1], rest[2], rest[3]) = (1, 2, 4, 5);
    reports[0] = _execReport(msgs, rest);
    reports[1] = _execReport(other, _all(1));
    _execute(reports);
    assertEq(s_receiver.s_calls(), 8);
  }

  function test_execute_multipleReportsSameSourceDifferentRoots() public {
    Internal.Any2EVMRampMessage[] memory a = _msgs(2, address(s_receiver));
    _commitMessages(a);
    Internal.Any2EVMRampMessage[] memory b = new Internal.Any2EVMRampMessage[](1);
    b[0] = _message(SOURCE, 3, 0, address(s_receiver), "c", 300_000);
    _commitMessages(b);
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](2);
    reports[0] = _execReport(a, _all(2));
    reports[1] = _execReport(b, _all(1));
    _execute(reports);
    assertEq(s_receiver.s_calls(), 3);
  }

  function test_execute_withTokens() public {
    Internal.Any2EVMRampMessage[] memory msgs =
      _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "data", 200_000), 1e18));
    _commitMessages(msgs);
    Internal.ExecutionReport memory r = _execReport(msgs, _all(1));
    r.offchainTokenData[0][0] = "attestation";
    _execute(r);

    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_token.balanceOf(address(s_receiver)), 1e18);
    Client.EVMTokenAmount[] memory got = s_receiver.lastTokens();
    assertEq(got.length, 1);
    assertEq(got[0].token, address(s_token));
    assertEq(got[0].amount, 1e18);
    // What the pool was told.
    assertEq(s_pool.s_lastOriginalSender(), msgs[0].sender);
    assertEq(s_pool.s_lastSourcePoolAddress(), abi.encode(address(0x50001)));
    assertEq(s_pool.s_lastSourcePoolData(), abi.encode(uint256(18)));
    assertEq(s_pool.s_lastOffchainTokenData(), "attestation");
    assertEq(s_pool.s_lastRemoteChainSelector(), SOURCE);
  }

  function test_execute_tokenOnlyTransfer_receiverNotCalled() public {
    Internal.Any2EVMRampMessage[] memory msgs = _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "", 0), 5));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_token.balanceOf(address(s_receiver)), 5);
    assertEq(s_receiver.s_calls(), 0);
  }

  function test_execute_receiverWithoutCode_notCalled() public {
    address eoa = address(0xe0a);
    Internal.Any2EVMRampMessage[] memory msgs = _single(_withToken(_message(SOURCE, 1, 0, eoa, "data", 200_000), 7));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_token.balanceOf(eoa), 7);
  }

  function test_execute_receiverWithoutERC165_notCalled() public {
    NoERC165ReceiverTestDouble noErc = new NoERC165ReceiverTestDouble();
    YesToEverythingReceiverTestDouble yes = new YesToEverythingReceiverTestDouble();
    Internal.Any2EVMRampMessage[] memory msgs = new Internal.Any2EVMRampMessage[](2);
    msgs[0] = _message(SOURCE, 1, 0, address(noErc), "data", 200_000);
    msgs[1] = _message(SOURCE, 2, 0, address(yes), "data", 200_000);
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(2)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(uint8(_state(SOURCE, 2)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(noErc.s_calls(), 0);
    assertEq(yes.s_calls(), 0);
  }

  function test_execute_dataWithZeroGasLimit_receiverCalledAndFails() public {
    // Only empty data AND zero gas skips the receiver; data with gasLimit 0 is delivered (and runs out of gas).
    Internal.Any2EVMRampMessage[] memory msgs = _single(_message(SOURCE, 1, 0, address(s_receiver), "data", 0));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));
  }

  // ─────────────────────────────── failures ───────────────────────────────

  function test_execute_receiverRevert_failureAndTokensRolledBack() public {
    s_receiver.setRevert(true);
    Internal.Any2EVMRampMessage[] memory msgs =
      _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "data", 200_000), 1e18));
    _commitMessages(msgs);

    bytes memory expectedErr = abi.encodeWithSelector(
      OffRamp.ReceiverError.selector,
      abi.encodeWithSelector(ReceiverTestDouble.ReceiverRevert.selector, msgs[0].header.messageId)
    );
    vm.expectEmit(true, true, true, false, address(s_offRamp));
    emit OffRamp.ExecutionStateChanged(
      SOURCE, 1, msgs[0].header.messageId, _leaf(msgs[0]), Internal.MessageExecutionState.FAILURE, expectedErr, 0
    );
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(Internal.MessageExecutionState.FAILURE, expectedErr);

    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(s_token.balanceOf(address(s_receiver)), 0);
    assertEq(s_token.totalSupply(), 0);
    assertEq(s_pool.s_calls(), 0); // the pool's state change was rolled back too

    // The DON does not retry failures.
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.AlreadyAttempted(SOURCE, 1);
    _execute(_execReport(msgs, _all(1)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));
  }

  function _assertStateEvent(Internal.MessageExecutionState state, bytes memory returnData) internal {
    bytes32 sig = OffRamp.ExecutionStateChanged.selector;
    uint256 found;
    Vm.Log[] memory logs = vm.getRecordedLogs();
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].topics[0] != sig) continue;
      (, Internal.MessageExecutionState s, bytes memory ret, uint256 gasUsed) =
        abi.decode(logs[i].data, (bytes32, Internal.MessageExecutionState, bytes, uint256));
      assertEq(uint8(s), uint8(state));
      assertEq(ret, returnData);
      assertGt(gasUsed, 0);
      ++found;
    }
    assertEq(found, 1);
  }

  function test_execute_lyingPool_balanceMismatch() public {
    s_pool.setMode(TokenPoolTestDouble.Mode.LIE);
    Internal.Any2EVMRampMessage[] memory msgs =
      _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "", 0), 100));
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(
      Internal.MessageExecutionState.FAILURE,
      abi.encodeWithSelector(OffRamp.ReleaseOrMintBalanceMismatch.selector, 101, 0, 100)
    );
    assertEq(s_token.balanceOf(address(s_receiver)), 0);
  }

  function test_execute_poolReverts_tokenHandlingError() public {
    s_pool.setMode(TokenPoolTestDouble.Mode.REVERT);
    Internal.Any2EVMRampMessage[] memory msgs =
      _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "", 0), 100));
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(
      Internal.MessageExecutionState.FAILURE,
      abi.encodeWithSelector(
        OffRamp.TokenHandlingError.selector,
        address(s_token),
        abi.encodeWithSelector(TokenPoolTestDouble.PoolFailure.selector)
      )
    );
  }

  function test_execute_poolBurnsAllGas_tokenHandlingError() public {
    s_pool.setMode(TokenPoolTestDouble.Mode.BURN_GAS);
    Internal.Any2EVMRampMessage[] memory msgs =
      _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "", 0), 100));
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(
      Internal.MessageExecutionState.FAILURE, abi.encodeWithSelector(OffRamp.TokenHandlingError.selector, address(s_token), "")
    );
  }

  function test_execute_poolBadReturnLength() public {
    s_pool.setMode(TokenPoolTestDouble.Mode.BAD_RETURN_LENGTH);
    Internal.Any2EVMRampMessage[] memory msgs =
      _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "", 0), 100));
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(
      Internal.MessageExecutionState.FAILURE, abi.encodeWithSelector(OffRamp.InvalidDataLength.selector, 32, 64)
    );
  }

  function test_execute_noPool_notACompatiblePool() public {
    s_tar.setPool(address(s_token), address(0));
    Internal.Any2EVMRampMessage[] memory msgs =
      _single(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "", 0), 100));
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(
      Internal.MessageExecutionState.FAILURE, abi.encodeWithSelector(OffRamp.NotACompatiblePool.selector, address(0))
    );

    // A registered "pool" that is not an IPoolV1.
    s_tar.setPool(address(s_token), address(s_receiver));
    msgs = _single(_withToken(_message(SOURCE, 2, 0, address(s_receiver), "", 0), 100));
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(
      Internal.MessageExecutionState.FAILURE,
      abi.encodeWithSelector(OffRamp.NotACompatiblePool.selector, address(s_receiver))
    );
  }

  function test_execute_interceptorRejects() public {
    s_offRamp.setDynamicConfig(_dynamicConfig(address(s_interceptor)));
    s_interceptor.setReject(true);
    Internal.Any2EVMRampMessage[] memory msgs = _single(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000));
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    _assertStateEvent(
      Internal.MessageExecutionState.FAILURE,
      abi.encodeWithSelector(
        IMessageInterceptor.MessageValidationError.selector,
        abi.encodeWithSelector(MessageInterceptorTestDouble.Rejected.selector, msgs[0].header.messageId)
      )
    );
    assertEq(s_receiver.s_calls(), 0);

    s_interceptor.setReject(false);
    msgs = _single(_message(SOURCE, 2, 0, address(s_receiver), "x", 300_000));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    assertEq(s_receiver.s_calls(), 1);
  }

  function test_execute_insufficientGasForReceiver_revertsWholeTx() public {
    Internal.Any2EVMRampMessage[] memory msgs = _single(_message(SOURCE, 1, 0, address(s_receiver), "x", 2_000_000));
    _commitMessages(msgs);
    bytes memory report = abi.encode(_asArray(_execReport(msgs, _all(1))));
    bytes32[2] memory ctx = _context(EXEC_DIGEST, 1);
    vm.prank(s_transmitters[0]);
    vm.expectRevert(
      abi.encodeWithSelector(OffRamp.InsufficientGasToCompleteTx.selector, CallWithExactGas.NotEnoughGasForCall.selector)
    );
    s_offRamp.execute{gas: 600_000}(ctx, report);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.UNTOUCHED));
  }

  function _asArray(Internal.ExecutionReport memory r) internal pure returns (Internal.ExecutionReport[] memory a) {
    a = new Internal.ExecutionReport[](1);
    a[0] = r;
  }

  function test_execute_reentrancyIntoSameMessage_blocked() public {
    vm.warp(block.timestamp); // roots committed now; manual exec needs age: move past threshold below
    ReentrantReceiver rr = new ReentrantReceiver(s_offRamp);
    Internal.Any2EVMRampMessage[] memory msgs = _single(_message(SOURCE, 1, 0, address(rr), "x", 500_000));
    _commitMessages(msgs);
    vm.warp(block.timestamp + THRESHOLD + 1);
    Internal.ExecutionReport memory r = _execReport(msgs, _all(1));
    rr.arm(r);
    // Note: this router double is registered; the receiver sees the OffRamp in IN_PROGRESS.
    _execute(r);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(rr.s_reentryError(), abi.encodeWithSelector(OffRamp.AlreadyExecuted.selector, SOURCE, 1));
  }

  // ─────────────────────────────── skips ───────────────────────────────

  function test_execute_replay_skipped() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(1, address(s_receiver));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.SkippedAlreadyExecutedMessage(SOURCE, 1);
    _execute(_execReport(msgs, _all(1)));
    assertEq(s_receiver.s_calls(), 1);
  }

  function test_execute_cursedSource_skipsReport() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(1, address(s_receiver));
    _commitMessages(msgs);
    Internal.Any2EVMRampMessage[] memory other = new Internal.Any2EVMRampMessage[](1);
    other[0] = _message(SOURCE_BLESSED, 1, 0, address(s_receiver), "x", 300_000);
    _commitMessages(other);

    s_rmn.curse(bytes16(uint128(SOURCE)));
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](2);
    reports[0] = _execReport(msgs, _all(1));
    reports[1] = _execReport(other, _all(1));
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.SkippedReportExecution(SOURCE);
    _execute(reports);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.UNTOUCHED));
    assertEq(uint8(_state(SOURCE_BLESSED, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
  }

  function test_execute_orderedNonces_waitThenRun() public {
    Internal.Any2EVMRampMessage[] memory msgs = new Internal.Any2EVMRampMessage[](3);
    msgs[0] = _message(SOURCE, 1, 1, address(s_receiver), "n1", 300_000);
    msgs[1] = _message(SOURCE, 2, 2, address(s_receiver), "n2", 300_000);
    msgs[2] = _message(SOURCE, 3, 0, address(s_receiver), "unordered", 300_000);
    _commitMessages(msgs);

    // nonce 2 before nonce 1: it waits (UNTOUCHED); the unordered one runs regardless.
    uint256[] memory idx = new uint256[](2);
    (idx[0], idx[1]) = (1, 2);
    vm.expectEmit(address(s_nonceManager));
    emit NonceManagerTestDouble.SkippedIncorrectNonce(SOURCE, 2, msgs[1].sender);
    _execute(_execReport(msgs, idx));
    assertEq(uint8(_state(SOURCE, 2)), uint8(Internal.MessageExecutionState.UNTOUCHED));
    assertEq(uint8(_state(SOURCE, 3)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_nonceManager.getInboundNonce(SOURCE, msgs[0].sender), 0);

    _execute(_execReport(msgs, _one(0)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    _execute(_execReport(msgs, _one(1)));
    assertEq(uint8(_state(SOURCE, 2)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_nonceManager.getInboundNonce(SOURCE, msgs[0].sender), 2);
  }

  function test_execute_orderedFailureAdvancesNonce() public {
    s_receiver.setRevert(true);
    Internal.Any2EVMRampMessage[] memory msgs = new Internal.Any2EVMRampMessage[](2);
    msgs[0] = _message(SOURCE, 1, 1, address(s_receiver), "n1", 300_000);
    msgs[1] = _message(SOURCE, 2, 2, address(s_receiver), "n2", 300_000);
    _commitMessages(msgs);
    _execute(_execReport(msgs, _one(0)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));
    s_receiver.setRevert(false);
    _execute(_execReport(msgs, _one(1))); // the next nonce is not blocked by the failure
    assertEq(uint8(_state(SOURCE, 2)), uint8(Internal.MessageExecutionState.SUCCESS));
  }

  // ─────────────────────────────── proof & report validation ───────────────────────────────

  function test_execute_uncommittedRoot_reverts() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(3, address(s_receiver));
    Internal.ExecutionReport memory r = _execReport(msgs, _all(3));
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, SOURCE));
    _execute(r);
  }

  function test_execute_tamperedMessage_reverts() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(3, address(s_receiver));
    _commitMessages(msgs);
    Internal.ExecutionReport memory r = _execReport(msgs, _all(3));
    bytes memory data = r.messages[1].data;
    r.messages[1].data = "evil";
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, SOURCE));
    _execute(r);
    r.messages[1].data = data; // (report messages alias `msgs`)

    r = _execReport(msgs, _all(3));
    r.messages[1].gasLimit += 1;
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, SOURCE));
    _execute(r);
    r.messages[1].gasLimit -= 1;

    r = _execReport(msgs, _all(3));
    r.messages[2].receiver = address(0xbeef);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, SOURCE));
    _execute(r);
  }

  function test_execute_forgedProof_reverts() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(5, address(s_receiver));
    _commitMessages(msgs);
    uint256[] memory idx = new uint256[](2);
    (idx[0], idx[1]) = (1, 3);
    Internal.ExecutionReport memory r = _execReport(msgs, idx);
    r.proofs[0] = bytes32(uint256(r.proofs[0]) ^ 1);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, SOURCE));
    _execute(r);

    r = _execReport(msgs, idx);
    r.proofFlagBits ^= 1;
    vm.expectRevert(); // either InvalidProof or an unknown root
    _execute(r);

    r = _execReport(msgs, idx);
    (r.messages[0], r.messages[1]) = (r.messages[1], r.messages[0]); // wrong order
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, SOURCE));
    _execute(r);

    r = _execReport(msgs, idx);
    r.proofs = new bytes32[](0);
    vm.expectRevert(MerkleMultiProof.InvalidProof.selector);
    _execute(r);
  }

  function test_execute_rootOfOtherSource_reverts() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(1, address(s_receiver));
    _commitMessages(msgs); // committed for SOURCE
    Internal.Any2EVMRampMessage[] memory other = _msgs(1, address(s_receiver));
    other[0].header.sourceChainSelector = SOURCE_BLESSED;
    vm.expectRevert(abi.encodeWithSelector(OffRamp.RootNotCommitted.selector, SOURCE_BLESSED));
    _execute(_execReport(other, _all(1)));
  }

  function test_execute_reportValidation_reverts() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(2, address(s_receiver));
    _commitMessages(msgs);

    Internal.ExecutionReport memory r = _execReport(msgs, _all(2));
    r.messages[1].header.sourceChainSelector = SOURCE_BLESSED;
    vm.expectRevert(abi.encodeWithSelector(OffRamp.SourceChainSelectorMismatch.selector, SOURCE, SOURCE_BLESSED));
    _execute(r);
    r.messages[1].header.sourceChainSelector = SOURCE; // (report messages alias `msgs`)

    r = _execReport(msgs, _all(2));
    r.messages[0].header.destChainSelector = 1;
    vm.expectRevert(abi.encodeWithSelector(OffRamp.InvalidMessageDestChainSelector.selector, 1));
    _execute(r);
    r.messages[0].header.destChainSelector = DEST;

    r = _execReport(msgs, _all(2));
    r.offchainTokenData = new bytes[][](1);
    vm.expectRevert(OffRamp.UnexpectedTokenData.selector);
    _execute(r);

    r = _execReport(msgs, _all(2));
    r.offchainTokenData[1] = new bytes[](1);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.TokenDataMismatch.selector, SOURCE, 2));
    _execute(r);

    r = _execReport(msgs, _all(2));
    r.messages = new Internal.Any2EVMRampMessage[](0);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.EmptyReport.selector, SOURCE));
    _execute(r);

    vm.expectRevert(OffRamp.EmptyBatch.selector);
    _execute(new Internal.ExecutionReport[](0));

    r = _execReport(msgs, _all(2));
    r.sourceChainSelector = SOURCE_DISABLED;
    vm.expectRevert(abi.encodeWithSelector(OffRamp.SourceChainNotEnabled.selector, SOURCE_DISABLED));
    _execute(r);
  }

  function test_execute_ocrRules_reverts() public {
    Internal.Any2EVMRampMessage[] memory msgs = _msgs(1, address(s_receiver));
    _commitMessages(msgs);
    bytes memory report = abi.encode(_asArray(_execReport(msgs, _all(1))));

    vm.prank(address(0xdead));
    vm.expectRevert(MultiOCR3Base.UnauthorizedTransmitter.selector);
    s_offRamp.execute(_context(EXEC_DIGEST, 1), report);

    vm.prank(s_transmitters[0]);
    vm.expectRevert(abi.encodeWithSelector(MultiOCR3Base.ConfigDigestMismatch.selector, EXEC_DIGEST, COMMIT_DIGEST));
    s_offRamp.execute(_context(COMMIT_DIGEST, 1), report);

    bytes memory data = abi.encodeCall(OffRamp.execute, (_context(EXEC_DIGEST, 1), report));
    vm.prank(s_transmitters[0]);
    (bool ok, bytes memory ret) = address(s_offRamp).call(abi.encodePacked(data, uint8(1)));
    assertFalse(ok);
    assertEq(ret, abi.encodeWithSelector(MultiOCR3Base.WrongMessageLength.selector, data.length, data.length + 1));
  }

  function test_executeSingleMessage_onlySelf() public {
    Internal.Any2EVMRampMessage memory m = _message(SOURCE, 1, 0, address(s_receiver), "x", 300_000);
    vm.expectRevert(OffRamp.CanOnlySelfCall.selector);
    s_offRamp.executeSingleMessage(m, new bytes[](0), new uint32[](0));
  }

  function testFuzz_execute_randomSubsetOfRoot(uint256 n, uint256 mask) public {
    n = bound(n, 1, 40);
    Internal.Any2EVMRampMessage[] memory msgs = new Internal.Any2EVMRampMessage[](n);
    for (uint256 i = 0; i < n; ++i) {
      msgs[i] = _message(SOURCE, uint64(i + 1), 0, address(s_gasReceiver), abi.encode(i), 50_000);
    }
    _commitMessages(msgs);
    uint256 count;
    uint256[] memory tmp = new uint256[](n);
    for (uint256 i = 0; i < n; ++i) {
      if ((mask >> i) & 1 == 1) tmp[count++] = i;
    }
    if (count == 0) tmp[count++] = mask % n;
    uint256[] memory idx = new uint256[](count);
    for (uint256 i = 0; i < count; ++i) {
      idx[i] = tmp[i];
    }
    _execute(_execReport(msgs, idx));
    uint256 j;
    for (uint256 i = 0; i < n; ++i) {
      bool picked = j < count && idx[j] == i;
      if (picked) ++j;
      assertEq(
        uint8(_state(SOURCE, uint64(i + 1))),
        uint8(picked ? Internal.MessageExecutionState.SUCCESS : Internal.MessageExecutionState.UNTOUCHED)
      );
    }
  }
}
