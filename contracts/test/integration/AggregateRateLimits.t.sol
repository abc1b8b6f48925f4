// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../src/core/OffRamp.sol";
import {OnRamp} from "../../src/core/OnRamp.sol";
import {IMessageInterceptor} from "../../src/interfaces/IMessageInterceptor.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {RateLimiter} from "../../src/libraries/RateLimiter.sol";
import {MultiAggregateRateLimiter} from "../../src/ratelimit/MultiAggregateRateLimiter.sol";
import {TwoChainSetup} from "./helpers/TwoChainSetup.sol";

/// @notice USD-valued aggregate lane limits end to end: a MultiAggregateRateLimiter on each chain is the OnRamp's
/// and the OffRamp's message interceptor, priced by the chain's real FeeQuoter. Outbound over the limit: the send
/// reverts and the user keeps the tokens. Inbound over the limit: the message fails without losing anything and
/// manual execution delivers it once the bucket has refilled.
contract AggregateRateLimitsTest is TwoChainSetup {
  uint224 internal constant BMT_USD = 2e18; // $2 per BMT (18 decimals) on both chains

  // A -> B: outbound on A $1000 / $1 per s; inbound on B $500 / $10 per s (the tighter one).
  uint128 internal constant A_OUT_CAPACITY = 1_000e18;
  uint128 internal constant A_OUT_RATE = 1e18;
  uint128 internal constant B_IN_CAPACITY = 500e18;
  uint128 internal constant B_IN_RATE = 10e18;

  CCIPChain internal a;
  CCIPChain internal b;
  MultiAggregateRateLimiter internal s_limiterA;
  MultiAggregateRateLimiter internal s_limiterB;
  address internal s_user;
  address internal s_eoa;

  function setUp() public {
    _deployTwoChains();
    a = s_chains[CHAIN_A];
    b = s_chains[CHAIN_B];
    s_user = makeAddr("user");
    s_eoa = makeAddr("eoa");
    _fund(a.bmToken, s_user, 10_000e18);

    s_limiterA = _deployLimiter(a);
    s_limiterB = _deployLimiter(b);
    _configure(s_limiterA, CHAIN_B, true, A_OUT_CAPACITY, A_OUT_RATE);
    _configure(s_limiterB, CHAIN_A, false, B_IN_CAPACITY, B_IN_RATE);
  }

  /// @dev The limiter of chain `c`, priced by its FeeQuoter, called by its ramps, counting BMT for the remote chain.
  function _deployLimiter(CCIPChain storage c) internal returns (MultiAggregateRateLimiter limiter) {
    address[] memory callers = new address[](2);
    callers[0] = address(c.onRamp);
    callers[1] = address(c.offRamp);
    limiter = new MultiAggregateRateLimiter(address(c.feeQuoter), callers);

    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](1);
    adds[0] = MultiAggregateRateLimiter.RateLimitTokenArgs({
      localTokenArgs: MultiAggregateRateLimiter.LocalRateLimitToken({remoteChainSelector: c.remote, localToken: address(c.bmToken)}),
      remoteToken: abi.encode(address(s_chains[c.remote].bmToken))
    });
    limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);

    // The commit DON pushes token prices; this contract is an authorized price updater in the setup.
    Internal.PriceUpdates memory p = _noPrices();
    p.tokenPriceUpdates = new Internal.TokenPriceUpdate[](1);
    p.tokenPriceUpdates[0] = Internal.TokenPriceUpdate({sourceToken: address(c.bmToken), usdPerToken: BMT_USD});
    c.feeQuoter.updatePrices(p);

    OnRamp.DynamicConfig memory onCfg = c.onRamp.getDynamicConfig();
    onCfg.messageInterceptor = address(limiter);
    c.onRamp.setDynamicConfig(onCfg);
    OffRamp.DynamicConfig memory offCfg = c.offRamp.getDynamicConfig();
    offCfg.messageInterceptor = address(limiter);
    c.offRamp.setDynamicConfig(offCfg);
  }

  function _configure(MultiAggregateRateLimiter limiter, uint64 remote, bool outbound, uint128 capacity, uint128 rate)
    internal
  {
    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](1);
    cfgs[0] = MultiAggregateRateLimiter.RateLimiterConfigArgs({
      remoteChainSelector: remote,
      isOutboundLane: outbound,
      rateLimiterConfig: RateLimiter.Config({isEnabled: true, capacity: capacity, rate: rate})
    });
    limiter.applyRateLimiterConfigUpdates(cfgs);
  }

  /// @dev A token-only, out-of-order transfer of `amount` BMT from A to the EOA on B.
  function _sendBmt(uint256 amount) internal returns (Internal.EVM2AnyRampMessage memory) {
    return _send(s_user, CHAIN_B, s_eoa, "", _tokens(address(a.bmToken), amount), address(0), _extraArgs(0, true));
  }

  /// @dev Prepares the same send (fee dealt, tokens approved) and expects it to revert with `err`.
  function _expectSendRevert(uint256 amount, bytes memory err) internal {
    Client.EVM2AnyMessage memory message = Client.EVM2AnyMessage({
      receiver: abi.encode(s_eoa),
      data: "",
      tokenAmounts: _tokens(address(a.bmToken), amount),
      feeToken: address(0),
      extraArgs: _extraArgs(0, true)
    });
    uint256 fee = a.router.getFee(CHAIN_B, message);
    vm.deal(s_user, fee);
    vm.prank(s_user);
    a.bmToken.approve(address(a.router), amount);
    vm.prank(s_user);
    vm.expectRevert(err);
    a.router.ccipSend{value: fee}(CHAIN_B, message);
  }

  function test_Outbound_OverLimit_SendReverts_UserKeepsTokens() public {
    _sendBmt(300e18); // $600 of $1000
    assertEq(s_limiterA.currentRateLimiterState(CHAIN_B, true).tokens, 400e18);

    uint256 userBalance = a.bmToken.balanceOf(s_user);
    uint256 supply = a.bmToken.totalSupply();
    uint64 seqNr = a.onRamp.getExpectedNextSequenceNumber(CHAIN_B);

    // $500 with $400 available at $1/s: wait 100 s.
    _expectSendRevert(
      250e18, abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, uint256(100), uint256(400e18))
    );
    // More than the lane can ever carry at once.
    _expectSendRevert(
      501e18,
      abi.encodeWithSelector(RateLimiter.AggregateValueMaxCapacityExceeded.selector, A_OUT_CAPACITY, uint256(1_002e18))
    );

    assertEq(a.bmToken.balanceOf(s_user), userBalance, "user keeps the tokens");
    assertEq(a.bmToken.totalSupply(), supply, "nothing burned");
    assertEq(a.onRamp.getExpectedNextSequenceNumber(CHAIN_B), seqNr, "no message emitted");

    vm.warp(block.timestamp + 99);
    _expectSendRevert(
      250e18, abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, uint256(1), uint256(499e18))
    );
    vm.warp(block.timestamp + 1);
    Internal.EVM2AnyRampMessage memory m = _sendBmt(250e18);
    assertEq(m.header.sequenceNumber, seqNr);
    assertEq(a.bmToken.balanceOf(s_user), userBalance - 250e18);
    assertEq(s_limiterA.currentRateLimiterState(CHAIN_B, true).tokens, 0);
  }

  function test_Outbound_DataOnlyAndUnregisteredTokens_NotLimited() public {
    _sendBmt(500e18); // drains A's outbound bucket ($1000)
    assertEq(s_limiterA.currentRateLimiterState(CHAIN_B, true).tokens, 0);
    // A message without tokens and one with a token not counted by the aggregate limit still go through.
    _send(s_user, CHAIN_B, address(b.receiver), "hi", _noTokens(), address(0), "");
    _fund(a.lrToken, s_user, 1_000e18);
    _send(s_user, CHAIN_B, s_eoa, "", _tokens(address(a.lrToken), 1_000e18), address(0), _extraArgs(0, true));
  }

  function test_Inbound_OverLimit_Fails_ThenManualExecutionDelivers() public {
    // $400 of B's $500 inbound bucket: delivered.
    Internal.EVM2AnyRampMessage memory first = _sendBmt(200e18);
    ExecEvent memory ev = _deliver(CHAIN_B, first);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.bmToken.balanceOf(s_eoa), 200e18);
    assertEq(s_limiterB.currentRateLimiterState(CHAIN_A, false).tokens, 100e18);

    // $300 with $100 left at $10/s: FAILURE, saying wait 20 s. Nothing minted, the message is kept.
    Internal.EVM2AnyRampMessage memory second = _sendBmt(150e18);
    uint256 supplyB = b.bmToken.totalSupply();
    ev = _deliver(CHAIN_B, second);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.FAILURE));
    bytes memory reason =
      abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, uint256(20), uint256(100e18));
    assertEq(ev.returnData, abi.encodeWithSelector(IMessageInterceptor.MessageValidationError.selector, reason));
    assertEq(b.bmToken.balanceOf(s_eoa), 200e18, "nothing delivered");
    assertEq(b.bmToken.totalSupply(), supplyB, "nothing minted");
    assertEq(uint8(_state(CHAIN_B, second)), uint8(Internal.MessageExecutionState.FAILURE));
    assertEq(s_limiterB.currentRateLimiterState(CHAIN_A, false).tokens, 100e18, "failed attempt consumed nothing");

    // Too early: the manual retry fails again (and says so) and changes nothing.
    vm.warp(block.timestamp + 19);
    Internal.ExecutionReport[] memory reports = new Internal.ExecutionReport[](1);
    reports[0] = _execReport(CHAIN_B, _single(second), _one(0));
    OffRamp.GasLimitOverride[][] memory overrides = _noOverrides(reports[0]);
    reason = abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, uint256(1), uint256(290e18));
    vm.expectRevert(
      abi.encodeWithSelector(
        OffRamp.ExecutionError.selector,
        second.header.messageId,
        abi.encodeWithSelector(IMessageInterceptor.MessageValidationError.selector, reason)
      )
    );
    b.offRamp.manuallyExecute(reports, overrides);
    assertEq(uint8(_state(CHAIN_B, second)), uint8(Internal.MessageExecutionState.FAILURE));

    // Once the bucket has refilled, anyone's manual execution delivers it.
    vm.warp(block.timestamp + 1);
    vm.recordLogs();
    _manuallyExecute(makeAddr("anyone"), CHAIN_B, _single(second), _one(0));
    ExecEvent[] memory evs = _execEvents(vm.getRecordedLogs(), address(b.offRamp));
    assertEq(evs.length, 1);
    assertEq(uint8(evs[0].state), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(uint8(_state(CHAIN_B, second)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.bmToken.balanceOf(s_eoa), 350e18, "delivered in full");
    assertEq(b.bmToken.totalSupply(), supplyB + 150e18);
    assertEq(s_limiterB.currentRateLimiterState(CHAIN_A, false).tokens, 0);
  }

  function test_Inbound_OverCapacity_UntilOwnerRaisesIt() public {
    // $600 can never fit B's $500 inbound capacity: FAILURE until the owner raises the capacity.
    Internal.EVM2AnyRampMessage memory m = _sendBmt(300e18);
    ExecEvent memory ev = _deliver(CHAIN_B, m);
    assertEq(uint8(ev.state), uint8(Internal.MessageExecutionState.FAILURE));
    bytes memory reason = abi.encodeWithSelector(
      RateLimiter.AggregateValueMaxCapacityExceeded.selector, B_IN_CAPACITY, uint256(600e18)
    );
    assertEq(ev.returnData, abi.encodeWithSelector(IMessageInterceptor.MessageValidationError.selector, reason));

    _configure(s_limiterB, CHAIN_A, false, 1_000e18, B_IN_RATE);
    vm.warp(block.timestamp + 10); // the bucket keeps its $500 and refills toward the new capacity
    _manuallyExecute(makeAddr("anyone"), CHAIN_B, _single(m), _one(0));
    assertEq(uint8(_state(CHAIN_B, m)), uint8(Internal.MessageExecutionState.SUCCESS));
    assertEq(b.bmToken.balanceOf(s_eoa), 300e18);
  }
}
