// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {IAny2EVMMessageReceiver} from "../../src/interfaces/IAny2EVMMessageReceiver.sol";
import {IMessageInterceptor} from "../../src/interfaces/IMessageInterceptor.sol";
import {IRouter} from "../../src/interfaces/IRouter.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MultiOCR3Base} from "../../src/ocr/MultiOCR3Base.sol";
import {OffRampSetup} from "./OffRampSetup.t.sol";
import {ReceiverTestDouble} from "./helpers/TestDoubles.sol";

import {Vm} from "forge-std/Vm.sol";

/// @notice Messages without tokens run without the atomicity self-call (unless an interceptor is set). Both paths must
/// give the same outcome, state, returnData and receiver view; plus the config copies and checks that path relies on.
contract OffRampFastPathTest is OffRampSetup {
  function test_hardcodedSelectors() public pure {
    // The fast path and the Router encode these by hand.
    assertEq(IRouter.routeMessage.selector, bytes4(0x3cf97983));
    assertEq(OffRamp.ReceiverError.selector, bytes4(0x0a8d6e8c));
    assertEq(IAny2EVMMessageReceiver.ccipReceive.selector, bytes4(0x85572ffb));
  }

  /// @dev Runs `m` and returns (state, returnData) from its ExecutionStateChanged event.
  function _run(Internal.Any2EVMRampMessage memory m) internal returns (Internal.MessageExecutionState, bytes memory) {
    Internal.Any2EVMRampMessage[] memory msgs = _single(m);
    _commitMessages(msgs);
    vm.recordLogs();
    _execute(_execReport(msgs, _all(1)));
    Vm.Log[] memory logs = vm.getRecordedLogs();
    for (uint256 i = 0; i < logs.length; ++i) {
      if (logs[i].topics[0] != OffRamp.ExecutionStateChanged.selector) continue;
      assertEq(logs[i].topics[3], m.header.messageId);
      (bytes32 leaf, Internal.MessageExecutionState s, bytes memory ret, uint256 gasUsed) =
        abi.decode(logs[i].data, (bytes32, Internal.MessageExecutionState, bytes, uint256));
      assertEq(leaf, _leaf(m));
      assertGt(gasUsed, 0);
      assertEq(uint8(_state(SOURCE, m.header.sequenceNumber)), uint8(s));
      return (s, ret);
    }
    revert("no ExecutionStateChanged");
  }

  function _setInterceptor(address interceptor) internal {
    s_offRamp.setDynamicConfig(_dynamicConfig(interceptor));
  }

  function test_receiverRevert_sameReturnDataOnBothPaths() public {
    s_receiver.setRevert(true);
    Internal.Any2EVMRampMessage memory fast = _message(SOURCE, 1, 0, address(s_receiver), "x", 200_000);
    (Internal.MessageExecutionState s1, bytes memory r1) = _run(fast);

    _setInterceptor(address(s_interceptor)); // accepting interceptor: forces the self-call path
    Internal.Any2EVMRampMessage memory slow = _message(SOURCE, 2, 0, address(s_receiver), "x", 200_000);
    (Internal.MessageExecutionState s2, bytes memory r2) = _run(slow);

    assertEq(uint8(s1), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(uint8(s2), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(
      r1,
      abi.encodeWithSelector(
        OffRamp.ReceiverError.selector,
        abi.encodeWithSelector(ReceiverTestDouble.ReceiverRevert.selector, fast.header.messageId)
      )
    );
    assertEq(
      r2,
      abi.encodeWithSelector(
        OffRamp.ReceiverError.selector,
        abi.encodeWithSelector(ReceiverTestDouble.ReceiverRevert.selector, slow.header.messageId)
      )
    );
  }

  function testFuzz_receiverSeesTheSameMessageOnBothPaths(bytes memory data, bytes memory sender, bool slowPath) public {
    vm.assume(data.length < 2_000 && sender.length < 200);
    if (slowPath) _setInterceptor(address(s_interceptor));
    Internal.Any2EVMRampMessage memory m = _message(SOURCE, 1, 0, address(s_receiver), data, 300_000);
    m.sender = sender;
    (Internal.MessageExecutionState s, bytes memory ret) = _run(m);
    assertEq(uint8(s), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(ret.length, 0);
    assertEq(s_receiver.s_calls(), 1);
    assertEq(s_receiver.s_lastMessageId(), m.header.messageId);
    assertEq(s_receiver.s_lastData(), data);
    assertEq(s_receiver.s_lastSender(), sender);
    assertEq(s_receiver.lastTokens().length, 0);
  }

  function test_routerRevert_failureWithRouterRevertDataOnBothPaths() public {
    s_router.setOffRamp(address(s_offRamp), false); // the Router double now reverts OnlyOffRamp()
    (Internal.MessageExecutionState s1, bytes memory r1) =
      _run(_message(SOURCE, 1, 0, address(s_receiver), "x", 200_000));
    _setInterceptor(address(s_interceptor));
    (Internal.MessageExecutionState s2, bytes memory r2) =
      _run(_message(SOURCE, 2, 0, address(s_receiver), "x", 200_000));
    assertEq(uint8(s1), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(uint8(s2), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(r1, abi.encodeWithSelector(IRouter.OnlyOffRamp.selector));
    assertEq(r2, r1);
  }

  function test_interceptorFlag_followsDynamicConfigOnEveryLane() public {
    // A lane added after the interceptor is set gets the flag too.
    _setInterceptor(address(s_interceptor));
    s_interceptor.setReject(true);
    uint64 newSource = 4242;
    OffRamp.SourceChainConfigArgs[] memory cfgs = new OffRamp.SourceChainConfigArgs[](1);
    cfgs[0] = OffRamp.SourceChainConfigArgs({
      router: IRouter(address(s_router)),
      sourceChainSelector: newSource,
      isEnabled: true,
      isRMNVerificationDisabled: true,
      onRamp: s_onRamp
    });
    s_offRamp.applySourceChainConfigUpdates(cfgs);

    Internal.Any2EVMRampMessage[] memory msgs = _single(_message(newSource, 1, 0, address(s_receiver), "x", 200_000));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    assertEq(uint8(_state(newSource, 1)), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(s_receiver.s_calls(), 0);

    // Removing the interceptor clears every lane's flag: the interceptor is no longer consulted.
    _setInterceptor(address(0));
    msgs = _single(_message(newSource, 2, 0, address(s_receiver), "x", 200_000));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    assertEq(uint8(_state(newSource, 2)), uint8(Internal.MessageExecutionState.SUCCESS));
    msgs = _single(_message(SOURCE, 1, 0, address(s_receiver), "x", 200_000));
    _commitMessages(msgs);
    _execute(_execReport(msgs, _all(1)));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_receiver.s_calls(), 2);
    assertEq(s_offRamp.getDynamicConfig().messageInterceptor, address(0));
  }

  function test_manualExecByAge_usesTheLaneThresholdCopy() public {
    Internal.Any2EVMRampMessage[] memory msgs = _single(_message(SOURCE, 1, 0, address(s_receiver), "x", 200_000));
    _commitMessages(msgs);
    Internal.ExecutionReport memory r = _execReport(msgs, _all(1));
    vm.warp(block.timestamp + 10 minutes);
    vm.expectRevert(abi.encodeWithSelector(OffRamp.ManualExecutionNotYetEnabled.selector, SOURCE));
    _manual(r, _noOverrides(r));
    // Lowering the threshold reaches the lane.
    OffRamp.DynamicConfig memory cfg = _dynamicConfig(address(0));
    cfg.permissionLessExecutionThresholdSeconds = 5 minutes;
    s_offRamp.setDynamicConfig(cfg);
    _manual(r, _noOverrides(r));
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
  }

  function test_execute_malformedReportHead_reverts() public {
    bytes32[2] memory ctx = _context(EXEC_DIGEST, 1);
    // The array's offset points outside the report.
    bytes memory report = abi.encode(uint256(0x40), uint256(0));
    vm.prank(s_transmitters[1]);
    vm.expectRevert(OffRamp.MalformedReport.selector);
    s_offRamp.execute(ctx, report);
    // Its length does not fit in the report.
    report = abi.encode(uint256(0x20), uint256(5));
    vm.prank(s_transmitters[1]);
    vm.expectRevert(OffRamp.MalformedReport.selector);
    s_offRamp.execute(ctx, report);
  }

  // ─────────────────────────────── OCR digest tag ───────────────────────────────

  function _setExecConfig(bytes32 digest, address[] memory transmitters) internal {
    MultiOCR3Base.OCRConfigArgs[] memory cfgs = new MultiOCR3Base.OCRConfigArgs[](1);
    cfgs[0] = MultiOCR3Base.OCRConfigArgs({
      configDigest: digest,
      ocrPluginType: uint8(Internal.OCRPluginType.Execution),
      F: F,
      isSignatureVerificationEnabled: false,
      signers: new address[](0),
      transmitters: transmitters
    });
    s_offRamp.setOCR3Configs(cfgs);
  }

  function test_transmit_digestAndTransmitterChecksAfterReconfig() public {
    Internal.Any2EVMRampMessage[] memory msgs = _single(_message(SOURCE, 1, 0, address(s_receiver), "x", 200_000));
    _commitMessages(msgs);
    bytes memory report = abi.encode(_asArray(_execReport(msgs, _all(1))));
    bytes32 newDigest = keccak256("exec config 2");
    address[] memory transmitters = new address[](1);
    transmitters[0] = s_transmitters[3];
    _setExecConfig(newDigest, transmitters);

    // The old digest is rejected, also from a still-configured transmitter.
    vm.prank(s_transmitters[3]);
    vm.expectRevert(abi.encodeWithSelector(MultiOCR3Base.ConfigDigestMismatch.selector, newDigest, EXEC_DIGEST));
    s_offRamp.execute(_context(EXEC_DIGEST, 1), report);
    // A removed transmitter with the right digest, and anyone with a wrong one (digest checked first).
    vm.prank(s_transmitters[1]);
    vm.expectRevert(MultiOCR3Base.UnauthorizedTransmitter.selector);
    s_offRamp.execute(_context(newDigest, 1), report);
    vm.prank(address(0xbeef));
    vm.expectRevert(abi.encodeWithSelector(MultiOCR3Base.ConfigDigestMismatch.selector, newDigest, EXEC_DIGEST));
    s_offRamp.execute(_context(EXEC_DIGEST, 1), report);
    // Fork check precedes the transmitter check, as before.
    vm.chainId(block.chainid + 1);
    vm.prank(address(0xbeef));
    vm.expectRevert(abi.encodeWithSelector(MultiOCR3Base.ForkedChain.selector, block.chainid - 1, block.chainid));
    s_offRamp.execute(_context(newDigest, 1), report);
    vm.chainId(block.chainid - 1);

    vm.prank(s_transmitters[3]);
    s_offRamp.execute(_context(newDigest, 1), report);
    assertEq(uint8(_state(SOURCE, 1)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(s_offRamp.latestConfigDetails(uint8(Internal.OCRPluginType.Execution)).configInfo.configDigest, newDigest);
  }

  function _asArray(Internal.ExecutionReport memory r) internal pure returns (Internal.ExecutionReport[] memory a) {
    a = new Internal.ExecutionReport[](1);
    a[0] = r;
  }
}
