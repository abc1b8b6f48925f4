// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {ReceiverTestDouble} from "./helpers/TestDoubles.sol";
import {OffRampSetup} from "./OffRampSetup.t.sol";

contract OffRampManualExecTest is OffRampSetup {
  Internal.Any2EVMRampMessage[] internal s_msgs;

  function _commitOne(Internal.Any2EVMRampMessage memory m) internal returns (Internal.ExecutionReport memory) {
    Internal.Any2EVMRampMessage[] memory msgs = _single(m);
    _commitMessages(msgs);
    return _execReport(msgs, _all(1));
  }

  function test_manual_tooEarly_reverts() public {
    Internal.ExecutionReport memory r = _commitOne(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000));
    vm.warp(block.timestamp + THRESHOLD); // exactly at the threshold: still too early
    vm.expectRevert(abi.encodeWithSelector(OffRamp.ManualExecutionNotYetEnabled.selector, SOURCE));
    _manual(r, _noOverrides(r));
  }

  function test_manual_afterThreshold_untouchedRuns() public {
    Internal.ExecutionReport memory r = _commitOne(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000));
    vm.warp(block.timestamp + THRESHOLD + 1);
    vm.prank(address(0xa11)); // anyone
    _manual(r, _noOverrides(r));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_receiver.s_calls(), 1);
  }

  function test_manual_afterThreshold_failureIsRecorded() public {
    // An UNTOUCHED message that fails in manual execution becomes FAILURE (no revert) like in DON execution.
    s_receiver.setRevert(true);
    Internal.ExecutionReport memory r = _commitOne(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000));
    vm.warp(block.timestamp + THRESHOLD + 1);
    _manual(r, _noOverrides(r));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));
  }

  function test_manual_failureRetryWorksImmediately() public {
    s_receiver.setRevert(true);
    Internal.ExecutionReport memory r =
      _commitOne(_withToken(_message(SOURCE, 1, 1, address(s_receiver), "x", 300_000), 50));
    _execute(r);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(s_nonceManager.getInboundNonce(SOURCE, r.messages[0].sender), 1);
    assertEq(s_token.balanceOf(address(s_receiver)), 0);

    s_receiver.setRevert(false);
    vm.expectEmit(true, true, true, false, address(s_offRamp));
    emit OffRamp.ExecutionStateChanged(
      SOURCE, 1, r.messages[0].header.messageId, bytes32(0), Internal.MessageExecutionState.SUCCESS, "", 0
    );
    _manual(r, _noOverrides(r)); // no need to wait for the threshold
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_token.balanceOf(address(s_receiver)), 50);
    // The retry did not touch the nonce.
    assertEq(s_nonceManager.getInboundNonce(SOURCE, r.messages[0].sender), 1);

    // A second success is impossible, manually or by the DON.
    vm.expectRevert(abi.encodeWithSelector(OffRamp.AlreadyExecuted.selector, SOURCE, 1));
    _manual(r, _noOverrides(r));
    vm.warp(block.timestamp + THRESHOLD + 1);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.AlreadyExecuted.selector, SOURCE, 1));
    _manual(r, _noOverrides(r));
    vm.expectEmit(address(s_offRamp));
    emit OffRamp.SkippedAlreadyExecutedMessage(SOURCE, 1);
    _execute(r);
    assertEq(s_receiver.s_calls(), 1);
    assertEq(s_token.balanceOf(address(s_receiver)), 50);
  }

  function test_manual_failureRetryFailsAgain_reverts() public {
    s_receiver.setRevert(true);
    Internal.ExecutionReport memory r = _commitOne(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000));
    _execute(r);
    bytes memory err = abi.encodeWithSelector(
      OffRamp.ReceiverError.selector,
      abi.encodeWithSelector(ReceiverTestDouble.ReceiverRevert.selector, r.messages[0].header.messageId)
    );
    vm.expectRevert(abi.encodeWithSelector(OffRamp.ExecutionError.selector, r.messages[0].header.messageId, err));
    _manual(r, _noOverrides(r));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));
  }

  function test_manual_gasOverrideRaisesLimit() public {
    // 30k is not enough for the receiver's fresh storage writes: FAILURE; a raised limit makes it succeed.
    Internal.ExecutionReport memory r = _commitOne(_message(SOURCE, 1, 0, address(s_receiver), "x", 30_000));
    _execute(r);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));

    OffRamp.GasLimitOverride[][] memory o = _noOverrides(r);
    o[0][0].receiverExecutionGasLimit = 400_000;
    _manual(r, o);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
  }

  function test_manual_tokenGasOverrideRaisesLimit() public {
    Internal.Any2EVMRampMessage memory m = _withToken(_message(SOURCE, 1, 0, address(s_receiver), "", 0), 9);
    m.tokenAmounts[0].destGasAmount = 40_000; // too little for the pool double
    Internal.ExecutionReport memory r = _commitOne(m);
    _execute(r);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.FAILURE));

    OffRamp.GasLimitOverride[][] memory o = _noOverrides(r);
    o[0][0].tokenGasOverrides[0] = 500_000;
    _manual(r, o);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_token.balanceOf(address(s_receiver)), 9);
  }

  function test_manual_lowerGasOverride_reverts() public {
    Internal.ExecutionReport memory r = _commitOne(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000));
    vm.warp(block.timestamp + THRESHOLD + 1);
    OffRamp.GasLimitOverride[][] memory o = _noOverrides(r);
    o[0][0].receiverExecutionGasLimit = 299_999;
    vm.expectRevert(
      abi.encodeWithSelector(
        OffRamp.InvalidManualExecutionGasLimit.selector, SOURCE, r.messages[0].header.messageId, 299_999
      )
    );
    _manual(r, o);
  }

  function test_manual_lowerTokenGasOverride_reverts() public {
    Internal.ExecutionReport memory r =
      _commitOne(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000), 1));
    vm.warp(block.timestamp + THRESHOLD + 1);
    OffRamp.GasLimitOverride[][] memory o = _noOverrides(r);
    uint32 destGas = r.messages[0].tokenAmounts[0].destGasAmount;
    o[0][0].tokenGasOverrides[0] = destGas - 1;
    vm.expectRevert(
      abi.encodeWithSelector(
        OffRamp.InvalidManualExecutionTokenGasOverride.selector, r.messages[0].header.messageId, 0, destGas, destGas - 1
      )
    );
    _manual(r, o);
  }

  function test_manual_overrideShapeMismatch_reverts() public {
    Internal.ExecutionReport memory r =
      _commitOne(_withToken(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000), 1));
    vm.warp(block.timestamp + THRESHOLD + 1);
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = r;

    vm.expectRevert(OffRamp.ManualExecutionGasLimitMismatch.selector);
    s_offRamp.manuallyExecute(reports, new OffRamp.GasLimitOverride[][](2));

    OffRamp.GasLimitOverride[][] memory o = new OffRamp.GasLimitOverride[][](1);
    o[0] = new OffRamp.GasLimitOverride[](2);
    vm.expectRevert(OffRamp.ManualExecutionGasLimitMismatch.selector);
    s_offRamp.manuallyExecute(reports, o);

    o = _noOverrides(r);
    o[0][0].tokenGasOverrides = new uint32[](0);
    vm.expectRevert(
      abi.encodeWithSelector(
        OffRamp.ManualExecutionGasAmountCountMismatch.selector, r.messages[0].header.messageId, uint64(1)
      )
    );
    s_offRamp.manuallyExecute(reports, o);

    vm.expectRevert(OffRamp.EmptyBatch.selector);
    s_offRamp.manuallyExecute(new Internal.ExecutionReport[](0), new OffRamp.GasLimitOverride[][](0));
  }

  function test_manual_cursedSource_reverts() public {
    Internal.ExecutionReport memory r = _commitOne(_message(SOURCE, 1, 0, address(s_receiver), "x", 300_000));
    vm.warp(block.timestamp + THRESHOLD + 1);
    s_rmn.curse(bytes16(uint128(SOURCE)));
    vm.expectRevert(abi.encodeWithSelector(OffRamp.CursedByRMN.selector, SOURCE));
    _manual(r, _noOverrides(r));
  }

  function test_manual_orderedWrongNonce_staysUntouched() public {
    Internal.Any2EVMRampMessage[] memory msgs = new Internal.Any2EVMRampMessage[](2);
    msgs[0] = _message(SOURCE, 1, 1, address(s_receiver), "n1", 300_000);
    msgs[1] = _message(SOURCE, 2, 2, address(s_receiver), "n2", 300_000);
    _commitMessages(msgs);
    vm.warp(block.timestamp + THRESHOLD + 1);
    Internal.ExecutionReport memory r = _execReport(msgs, _one(1));
    _manual(r, _noOverrides(r));
    assertEq(uint8(_state(SOURCE, 2)), uint8(Internal.MessageExecutionState.UNTOUCHED));
    r = _execReport(msgs, _all(2));
    _manual(r, _noOverrides(r));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(uint8(_state(SOURCE, 2)), uint8(Internal.MessageExecutionState.SUCCESS));
  }
}
