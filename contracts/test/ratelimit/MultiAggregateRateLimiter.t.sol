// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../../src/access/AuthorizedCallers.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {Client} from "../../src/libraries/Client.sol";
import {RateLimiter} from "../../src/libraries/RateLimiter.sol";
import {MultiAggregateRateLimiter} from "../../src/ratelimit/MultiAggregateRateLimiter.sol";
import {AggregateRateLimiterSetup, PriceSourceTestDouble} from "./helpers/AggregateRateLimiterSetup.sol";

import {Vm} from "forge-std/Vm.sol";
import {console} from "forge-std/console.sol";

contract MultiAggregateRateLimiterTest is AggregateRateLimiterSetup {
  event RateLimiterConfigUpdated(uint64 indexed remoteChainSelector, bool isOutboundLane, RateLimiter.Config config);
  event FeeQuoterSet(address newFeeQuoter);
  event TokenAggregateRateLimitAdded(uint64 remoteChainSelector, bytes remoteToken, address localToken);
  event TokenAggregateRateLimitRemoved(uint64 remoteChainSelector, address localToken);
  event TokensConsumed(uint256 tokens);
  event ConfigChanged(RateLimiter.Config config);
  event AuthorizedCallerAdded(address caller);

  // ================================================================
  // │                   Constructor and fee quoter                 │
  // ================================================================

  function test_constructor() public {
    address[] memory callers = new address[](1);
    callers[0] = ON_RAMP;
    vm.expectEmit();
    emit AuthorizedCallerAdded(ON_RAMP);
    vm.expectEmit();
    emit FeeQuoterSet(address(s_prices));
    MultiAggregateRateLimiter l = new MultiAggregateRateLimiter(address(s_prices), callers);

    assertEq(l.owner(), address(this));
    assertEq(l.getFeeQuoter(), address(s_prices));
    assertEq(l.typeAndVersion(), "MultiAggregateRateLimiter 1.6.0");
    assertEq(l.getAllAuthorizedCallers().length, 1);
    assertEq(l.getAllAuthorizedCallers()[0], ON_RAMP);
    RateLimiter.TokenBucket memory b = l.currentRateLimiterState(REMOTE, true);
    assertFalse(b.isEnabled);
    assertEq(b.capacity, 0);
  }

  function test_constructor_zeroFeeQuoter_reverts() public {
    vm.expectRevert(AuthorizedCallers.ZeroAddressNotAllowed.selector);
    new MultiAggregateRateLimiter(address(0), new address[](0));
  }

  function test_setFeeQuoter() public {
    PriceSourceTestDouble other = new PriceSourceTestDouble();
    other.setPrice(TOKEN_A, 4e18);
    vm.expectEmit(address(s_limiter));
    emit FeeQuoterSet(address(other));
    s_limiter.setFeeQuoter(address(other));
    assertEq(s_limiter.getFeeQuoter(), address(other));

    // The new price source is the one used: 10 tokens at $4.
    _send(REMOTE, _amounts(TOKEN_A, 10e18));
    assertEq(_tokensLeft(REMOTE, true), CAPACITY - 40e18);
  }

  function test_setFeeQuoter_zero_reverts() public {
    vm.expectRevert(AuthorizedCallers.ZeroAddressNotAllowed.selector);
    s_limiter.setFeeQuoter(address(0));
  }

  function test_setFeeQuoter_onlyOwner_reverts() public {
    vm.prank(STRANGER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_limiter.setFeeQuoter(address(1));
  }

  // ================================================================
  // │                     Rate limiter configs                     │
  // ================================================================

  function test_applyRateLimiterConfigUpdates_newBucketStartsFull() public {
    RateLimiter.Config memory cfg = _config(500e18, 1e18);
    vm.expectEmit(address(s_limiter));
    emit RateLimiterConfigUpdated(OTHER_REMOTE, true, cfg);
    _applyConfig(OTHER_REMOTE, true, cfg);

    RateLimiter.TokenBucket memory b = s_limiter.currentRateLimiterState(OTHER_REMOTE, true);
    assertTrue(b.isEnabled);
    assertEq(b.tokens, 500e18);
    assertEq(b.capacity, 500e18);
    assertEq(b.rate, 1e18);
    assertEq(b.lastUpdated, block.timestamp);
    // The other direction is untouched.
    assertFalse(s_limiter.currentRateLimiterState(OTHER_REMOTE, false).isEnabled);
  }

  function test_applyRateLimiterConfigUpdates_updateRefillsThenClamps() public {
    _send(REMOTE, _amounts(TOKEN_A, 400e18)); // $800 of $1000
    assertEq(_tokensLeft(REMOTE, true), 200e18);
    vm.warp(block.timestamp + 10); // +$100 at the old rate

    RateLimiter.Config memory cfg = _config(250e18, 1e18);
    vm.expectEmit(address(s_limiter));
    emit ConfigChanged(cfg);
    vm.expectEmit(address(s_limiter));
    emit RateLimiterConfigUpdated(REMOTE, true, cfg);
    _applyConfig(REMOTE, true, cfg);
    assertEq(_tokensLeft(REMOTE, true), 250e18); // 300 clamped to the new capacity

    _applyConfig(REMOTE, true, _config(2_000e18, 1e18));
    assertEq(_tokensLeft(REMOTE, true), 250e18); // a larger capacity does not mint tokens
    vm.warp(block.timestamp + 5);
    assertEq(_tokensLeft(REMOTE, true), 255e18); // the new rate applies
    // The inbound bucket of the same remote is independent.
    assertEq(_tokensLeft(REMOTE, false), CAPACITY);
  }

  function test_applyRateLimiterConfigUpdates_disable() public {
    vm.expectEmit(address(s_limiter));
    emit RateLimiterConfigUpdated(REMOTE, false, _disabled());
    _applyConfig(REMOTE, false, _disabled());
    RateLimiter.TokenBucket memory b = s_limiter.currentRateLimiterState(REMOTE, false);
    assertFalse(b.isEnabled);
    // Any amount passes a disabled lane.
    _receive(REMOTE, _amounts(TOKEN_A, 1e30));
  }

  function test_applyRateLimiterConfigUpdates_zeroChainSelector_reverts() public {
    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](1);
    cfgs[0] = _cfgArgs(0, true, _config(10, 1));
    vm.expectRevert(MultiAggregateRateLimiter.ZeroChainSelectorNotAllowed.selector);
    s_limiter.applyRateLimiterConfigUpdates(cfgs);
  }

  function test_applyRateLimiterConfigUpdates_invalidRate_reverts() public {
    RateLimiter.Config memory rateNotBelowCapacity = _config(10, 10);
    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](1);
    cfgs[0] = _cfgArgs(OTHER_REMOTE, true, rateNotBelowCapacity);
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.InvalidRateLimitRate.selector, rateNotBelowCapacity));
    s_limiter.applyRateLimiterConfigUpdates(cfgs);

    RateLimiter.Config memory zeroRate = _config(10, 0);
    cfgs[0] = _cfgArgs(OTHER_REMOTE, false, zeroRate);
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.InvalidRateLimitRate.selector, zeroRate));
    s_limiter.applyRateLimiterConfigUpdates(cfgs);
  }

  function test_applyRateLimiterConfigUpdates_disabledNonZero_reverts() public {
    RateLimiter.Config memory cfg = RateLimiter.Config({isEnabled: false, capacity: 10, rate: 1});
    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](1);
    cfgs[0] = _cfgArgs(OTHER_REMOTE, true, cfg);
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.DisabledNonZeroRateLimit.selector, cfg));
    s_limiter.applyRateLimiterConfigUpdates(cfgs);
  }

  function test_applyRateLimiterConfigUpdates_onlyOwner_reverts() public {
    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](1);
    cfgs[0] = _cfgArgs(OTHER_REMOTE, true, _config(10, 1));
    vm.prank(STRANGER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_limiter.applyRateLimiterConfigUpdates(cfgs);
  }

  // ================================================================
  // │                     Rate-limited tokens                      │
  // ================================================================

  function test_getAllRateLimitTokens() public {
    (address[] memory locals, bytes[] memory remotes) = s_limiter.getAllRateLimitTokens(REMOTE);
    assertEq(locals.length, 2);
    assertEq(locals[0], TOKEN_A);
    assertEq(locals[1], TOKEN_B);
    assertEq(remotes[0], abi.encode(makeAddr("remoteA")));
    assertEq(remotes[1], abi.encode(makeAddr("remoteB")));
    (locals, remotes) = s_limiter.getAllRateLimitTokens(OTHER_REMOTE);
    assertEq(locals.length, 0);
    assertEq(remotes.length, 0);
  }

  function test_updateRateLimitTokens_addRepointRemove() public {
    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](1);
    // Same token for another remote chain: a separate registration.
    adds[0] = _tokenArgs(OTHER_REMOTE, TOKEN_A, hex"1234");
    vm.expectEmit(address(s_limiter));
    emit TokenAggregateRateLimitAdded(OTHER_REMOTE, hex"1234", TOKEN_A);
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);

    // The same registration again changes nothing and says nothing.
    vm.recordLogs();
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
    assertEq(vm.getRecordedLogs().length, 0);

    // A new remote address for the same local token is a change.
    adds[0] = _tokenArgs(OTHER_REMOTE, TOKEN_A, hex"5678");
    vm.expectEmit(address(s_limiter));
    emit TokenAggregateRateLimitAdded(OTHER_REMOTE, hex"5678", TOKEN_A);
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
    (address[] memory locals, bytes[] memory remotes) = s_limiter.getAllRateLimitTokens(OTHER_REMOTE);
    assertEq(locals.length, 1);
    assertEq(remotes[0], hex"5678");

    MultiAggregateRateLimiter.LocalRateLimitToken[] memory removes = new MultiAggregateRateLimiter.LocalRateLimitToken[](2);
    removes[0] = MultiAggregateRateLimiter.LocalRateLimitToken({remoteChainSelector: REMOTE, localToken: TOKEN_A});
    removes[1] = MultiAggregateRateLimiter.LocalRateLimitToken({remoteChainSelector: REMOTE, localToken: TOKEN_UNREGISTERED});
    vm.recordLogs();
    s_limiter.updateRateLimitTokens(removes, new MultiAggregateRateLimiter.RateLimitTokenArgs[](0));
    Vm.Log[] memory logs = vm.getRecordedLogs();
    assertEq(logs.length, 1, "removing an unregistered token is silent");
    assertEq(logs[0].topics[0], TokenAggregateRateLimitRemoved.selector);
    (uint64 removedRemote, address removedToken) = abi.decode(logs[0].data, (uint64, address));
    assertEq(removedRemote, REMOTE);
    assertEq(removedToken, TOKEN_A);

    (locals, remotes) = s_limiter.getAllRateLimitTokens(REMOTE);
    assertEq(locals.length, 1);
    assertEq(locals[0], TOKEN_B);
    // TOKEN_A on REMOTE no longer counts; on OTHER_REMOTE it would (if that lane had a bucket).
    _send(REMOTE, _amounts(TOKEN_A, 400e18));
    assertEq(_tokensLeft(REMOTE, true), CAPACITY);

    // Re-adding after removal starts clean (old remote address gone, new one stored).
    adds[0] = _tokenArgs(REMOTE, TOKEN_A, hex"aa");
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
    (locals, remotes) = s_limiter.getAllRateLimitTokens(REMOTE);
    assertEq(locals[1], TOKEN_A);
    assertEq(remotes[1], hex"aa");
  }

  function test_updateRateLimitTokens_removesBeforeAdds() public {
    MultiAggregateRateLimiter.LocalRateLimitToken[] memory removes = new MultiAggregateRateLimiter.LocalRateLimitToken[](1);
    removes[0] = MultiAggregateRateLimiter.LocalRateLimitToken({remoteChainSelector: REMOTE, localToken: TOKEN_A});
    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](1);
    adds[0] = _tokenArgs(REMOTE, TOKEN_A, hex"bb");
    s_limiter.updateRateLimitTokens(removes, adds);
    (address[] memory locals, bytes[] memory remotes) = s_limiter.getAllRateLimitTokens(REMOTE);
    assertEq(locals.length, 2);
    assertEq(remotes[1], hex"bb");
  }

  function test_updateRateLimitTokens_zeroLocal_reverts() public {
    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](1);
    adds[0] = _tokenArgs(REMOTE, address(0), hex"12");
    vm.expectRevert(AuthorizedCallers.ZeroAddressNotAllowed.selector);
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
  }

  function test_updateRateLimitTokens_emptyRemote_reverts() public {
    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](1);
    adds[0] = _tokenArgs(REMOTE, TOKEN_UNREGISTERED, "");
    vm.expectRevert(AuthorizedCallers.ZeroAddressNotAllowed.selector);
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
  }

  function test_updateRateLimitTokens_zeroChainSelector_reverts() public {
    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](1);
    adds[0] = _tokenArgs(0, TOKEN_UNREGISTERED, hex"12");
    vm.expectRevert(MultiAggregateRateLimiter.ZeroChainSelectorNotAllowed.selector);
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
  }

  function test_updateRateLimitTokens_onlyOwner_reverts() public {
    vm.prank(STRANGER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_limiter.updateRateLimitTokens(
      new MultiAggregateRateLimiter.LocalRateLimitToken[](0), new MultiAggregateRateLimiter.RateLimitTokenArgs[](0)
    );
  }

  // ================================================================
  // │                     Outbound / inbound                       │
  // ================================================================

  function test_onOutboundMessage_consumesUsdValue() public {
    // 100 TOKEN_A at $2 = $200.
    vm.expectEmit(address(s_limiter));
    emit TokensConsumed(200e18);
    _send(REMOTE, _amounts(TOKEN_A, 100e18));
    assertEq(_tokensLeft(REMOTE, true), CAPACITY - 200e18);
    assertEq(_tokensLeft(REMOTE, false), CAPACITY, "inbound untouched");
  }

  function test_onOutboundMessage_sumsRegisteredTokensOnly() public {
    Client.EVMTokenAmount[] memory t = new Client.EVMTokenAmount[](4);
    t[0] = Client.EVMTokenAmount({token: TOKEN_A, amount: 50e18}); // $100
    t[1] = Client.EVMTokenAmount({token: TOKEN_UNREGISTERED, amount: 1_000_000e18}); // ignored
    t[2] = Client.EVMTokenAmount({token: TOKEN_B, amount: 30e6}); // 30 units of a 6-decimals token at $5 = $150
    t[3] = Client.EVMTokenAmount({token: TOKEN_A, amount: 25e18}); // the same token twice counts twice: $50
    vm.expectEmit(address(s_limiter));
    emit TokensConsumed(300e18);
    _send(REMOTE, t);
    assertEq(_tokensLeft(REMOTE, true), CAPACITY - 300e18);
  }

  function test_onOutboundMessage_roundsDown() public {
    s_prices.setPrice(TOKEN_A, 3e17); // $0.30 per 1e18 units
    // 3 units are worth 0.9 USD-wei: rounds to 0 and consumes nothing (no event, no write).
    vm.recordLogs();
    _send(REMOTE, _amounts(TOKEN_A, 3));
    assertEq(vm.getRecordedLogs().length, 0);
    assertEq(_tokensLeft(REMOTE, true), CAPACITY);
    // 7e18 + 3 units: 2.1e18 + 0.9 -> 2.1e18 (the fraction rounds away, never up).
    _send(REMOTE, _amounts(TOKEN_A, 7e18 + 3));
    assertEq(_tokensLeft(REMOTE, true), CAPACITY - 2.1e18);
  }

  function test_onOutboundMessage_noTokens_noop() public {
    s_prices.setPrice(TOKEN_A, 0); // would revert if anything were priced
    vm.recordLogs();
    vm.prank(ON_RAMP);
    uint256 gasBefore = gasleft();
    s_limiter.onOutboundMessage(REMOTE, _outMsg(new Client.EVMTokenAmount[](0)));
    uint256 gasUsed = gasBefore - gasleft();
    assertEq(vm.getRecordedLogs().length, 0);
    assertEq(_tokensLeft(REMOTE, true), CAPACITY);
    console.log("onOutboundMessage, no tokens, gas (incl. call):", gasUsed);
  }

  function test_onOutboundMessage_unconfiguredLane_noop() public {
    // OTHER_REMOTE has no bucket (and TOKEN_A is not registered for it anyway).
    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](1);
    adds[0] = _tokenArgs(OTHER_REMOTE, TOKEN_A, hex"12");
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
    _send(OTHER_REMOTE, _amounts(TOKEN_A, type(uint128).max));
    _receive(OTHER_REMOTE, _amounts(TOKEN_A, type(uint128).max));
    assertEq(_tokensLeft(REMOTE, true), CAPACITY);
  }

  function test_onOutboundMessage_disabledLane_skipsPricing() public {
    _applyConfig(REMOTE, true, _disabled());
    s_prices.setPrice(TOKEN_A, 0); // a disabled lane never asks for a price
    _send(REMOTE, _amounts(TOKEN_A, 1e40));
    // Re-enabling starts from the clamped (empty) bucket and refills at the rate.
    _applyConfig(REMOTE, true, _config(CAPACITY, RATE));
    assertEq(_tokensLeft(REMOTE, true), 0);
    vm.warp(block.timestamp + 3);
    assertEq(_tokensLeft(REMOTE, true), 3 * RATE);
  }

  function test_onOutboundMessage_tokenRegisteredForOtherRemoteIgnored() public {
    _applyConfig(OTHER_REMOTE, true, _config(CAPACITY, RATE));
    _send(OTHER_REMOTE, _amounts(TOKEN_A, 400e18)); // TOKEN_A is registered for REMOTE only
    assertEq(_tokensLeft(OTHER_REMOTE, true), CAPACITY);
  }

  function test_onOutboundMessage_overCapacity_reverts() public {
    vm.prank(ON_RAMP);
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.AggregateValueMaxCapacityExceeded.selector, CAPACITY, uint256(1_002e18))
    );
    s_limiter.onOutboundMessage(REMOTE, _outMsg(_amounts(TOKEN_A, 501e18)));
  }

  function test_onOutboundMessage_rateLimited_revertsWithWait_thenRefills() public {
    _send(REMOTE, _amounts(TOKEN_A, 450e18)); // $900, $100 left
    // $155 needs $55 more: 5.5 s at $10/s -> wait 6 s.
    vm.prank(ON_RAMP);
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, uint256(6), uint256(100e18))
    );
    s_limiter.onOutboundMessage(REMOTE, _outMsg(_amounts(TOKEN_A, 77.5e18)));

    vm.warp(block.timestamp + 5);
    vm.prank(ON_RAMP);
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, uint256(1), uint256(150e18))
    );
    s_limiter.onOutboundMessage(REMOTE, _outMsg(_amounts(TOKEN_A, 77.5e18)));

    vm.warp(block.timestamp + 1);
    _send(REMOTE, _amounts(TOKEN_A, 77.5e18));
    assertEq(_tokensLeft(REMOTE, true), 5e18);
  }

  function test_onOutboundMessage_refillCapsAtCapacity() public {
    _send(REMOTE, _amounts(TOKEN_A, 100e18));
    vm.warp(block.timestamp + 1 days);
    assertEq(_tokensLeft(REMOTE, true), CAPACITY);
  }

  function test_onOutboundMessage_missingPrice_reverts() public {
    s_prices.setPrice(TOKEN_B, 0);
    vm.prank(ON_RAMP);
    vm.expectRevert(abi.encodeWithSelector(MultiAggregateRateLimiter.PriceNotFoundForToken.selector, TOKEN_B));
    s_limiter.onOutboundMessage(REMOTE, _outMsg(_amounts(TOKEN_B, 1)));
  }

  function test_onOutboundMessage_unauthorized_reverts() public {
    vm.prank(STRANGER);
    vm.expectRevert(abi.encodeWithSelector(AuthorizedCallers.UnauthorizedCaller.selector, STRANGER));
    s_limiter.onOutboundMessage(REMOTE, _outMsg(_amounts(TOKEN_A, 1e18)));
  }

  function test_onOutboundMessage_removedCaller_reverts() public {
    address[] memory removed = new address[](1);
    removed[0] = ON_RAMP;
    s_limiter.applyAuthorizedCallerUpdates(
      AuthorizedCallers.AuthorizedCallerArgs({addedCallers: new address[](0), removedCallers: removed})
    );
    vm.prank(ON_RAMP);
    vm.expectRevert(abi.encodeWithSelector(AuthorizedCallers.UnauthorizedCaller.selector, ON_RAMP));
    s_limiter.onOutboundMessage(REMOTE, _outMsg(_amounts(TOKEN_A, 1e18)));
  }

  function test_onInboundMessage_consumesInboundBucketOfSource() public {
    vm.expectEmit(address(s_limiter));
    emit TokensConsumed(150e18);
    _receive(REMOTE, _amounts(TOKEN_B, 30e6));
    assertEq(_tokensLeft(REMOTE, false), CAPACITY - 150e18);
    assertEq(_tokensLeft(REMOTE, true), CAPACITY, "outbound untouched");
  }

  function test_onInboundMessage_rateLimited_reverts() public {
    _receive(REMOTE, _amounts(TOKEN_A, 499e18)); // $998, $2 left
    vm.prank(OFF_RAMP);
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, uint256(1), uint256(2e18))
    );
    s_limiter.onInboundMessage(_inMsg(REMOTE, _amounts(TOKEN_A, 6e18))); // $12
  }

  function test_onInboundMessage_overCapacity_reverts() public {
    vm.prank(OFF_RAMP);
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.AggregateValueMaxCapacityExceeded.selector, CAPACITY, uint256(1_005e18))
    );
    s_limiter.onInboundMessage(_inMsg(REMOTE, _amounts(TOKEN_B, 201e6)));
  }

  function test_onInboundMessage_unregisteredToken_ignored() public {
    _receive(REMOTE, _amounts(TOKEN_UNREGISTERED, type(uint128).max));
    assertEq(_tokensLeft(REMOTE, false), CAPACITY);
  }

  function test_onInboundMessage_unauthorized_reverts() public {
    vm.prank(STRANGER);
    vm.expectRevert(abi.encodeWithSelector(AuthorizedCallers.UnauthorizedCaller.selector, STRANGER));
    s_limiter.onInboundMessage(_inMsg(REMOTE, _amounts(TOKEN_A, 1e18)));
  }

  function test_valueOverflow_reverts() public {
    // amount * price beyond 2^256: a checked-math panic, never a wrapped (small) value.
    s_prices.setPrice(TOKEN_A, type(uint224).max);
    vm.prank(ON_RAMP);
    vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
    s_limiter.onOutboundMessage(REMOTE, _outMsg(_amounts(TOKEN_A, 2 ** 40)));
  }

  // ================================================================
  // │                             Gas                              │
  // ================================================================

  /// @dev Cold slots and accounts, as in a real ccipSend / execute (setUp state is committed before a test runs).
  function test_gas_onOutboundMessage_oneToken() public {
    Client.EVM2AnyMessage memory out = _outMsg(_amounts(TOKEN_A, 1e18));
    vm.prank(ON_RAMP);
    uint256 g = gasleft();
    s_limiter.onOutboundMessage(REMOTE, out);
    g -= gasleft();
    console.log("onOutboundMessage 1 token gas (cold, incl. call):", g);
    assertEq(_tokensLeft(REMOTE, true), CAPACITY - 2e18);
    assertLt(g, 40_000);
  }

  function test_gas_onInboundMessage_oneToken() public {
    Client.Any2EVMMessage memory inb = _inMsg(REMOTE, _amounts(TOKEN_A, 1e18));
    vm.prank(OFF_RAMP);
    uint256 g = gasleft();
    s_limiter.onInboundMessage(inb);
    g -= gasleft();
    console.log("onInboundMessage 1 token gas (cold, incl. call):", g);
    assertEq(_tokensLeft(REMOTE, false), CAPACITY - 2e18);
    assertLt(g, 40_000);
  }

  // ================================================================
  // │                             Fuzz                             │
  // ================================================================

  /// @notice The consumed value is exactly floor(sum(amount_i * price_i) / 1e18) taken per token.
  function testFuzz_value(uint128 amountA, uint128 amountB, uint96 priceA, uint128 priceB) public {
    vm.assume(priceA != 0 && priceB != 0);
    s_prices.setPrice(TOKEN_A, priceA);
    s_prices.setPrice(TOKEN_B, priceB);
    uint256 expected = (uint256(amountA) * priceA) / 1e18 + (uint256(amountB) * priceB) / 1e18;

    // A fresh lane starts full at the largest capacity.
    uint128 cap = type(uint128).max;
    _applyConfig(OTHER_REMOTE, true, _config(cap, 1));
    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](2);
    adds[0] = _tokenArgs(OTHER_REMOTE, TOKEN_A, hex"0a");
    adds[1] = _tokenArgs(OTHER_REMOTE, TOKEN_B, hex"0b");
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);

    Client.EVMTokenAmount[] memory t = new Client.EVMTokenAmount[](3);
    t[0] = Client.EVMTokenAmount({token: TOKEN_A, amount: amountA});
    t[1] = Client.EVMTokenAmount({token: TOKEN_UNREGISTERED, amount: amountA});
    t[2] = Client.EVMTokenAmount({token: TOKEN_B, amount: amountB});

    if (expected > cap) {
      vm.prank(ON_RAMP);
      vm.expectRevert(abi.encodeWithSelector(RateLimiter.AggregateValueMaxCapacityExceeded.selector, cap, expected));
      s_limiter.onOutboundMessage(OTHER_REMOTE, _outMsg(t));
    } else {
      _send(OTHER_REMOTE, t);
      assertEq(cap - _tokensLeft(OTHER_REMOTE, true), expected);
    }
  }

  /// @notice A request that fails names the exact wait; waiting that long (not one second less) lets it through.
  function testFuzz_waitIsExact(uint64 firstUsd, uint64 secondUsd) public {
    firstUsd = uint64(bound(firstUsd, 1, 1_000));
    secondUsd = uint64(bound(secondUsd, 1, 1_000));
    _receive(REMOTE, _amounts(TOKEN_A, uint256(firstUsd) * 1e18 / 2));
    uint256 left = _tokensLeft(REMOTE, false);
    uint256 want = uint256(secondUsd) * 1e18;
    if (want <= left) {
      _receive(REMOTE, _amounts(TOKEN_A, want / 2));
      return;
    }
    uint256 wait = (want - left + RATE - 1) / RATE;
    vm.prank(OFF_RAMP);
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, wait, left));
    s_limiter.onInboundMessage(_inMsg(REMOTE, _amounts(TOKEN_A, want / 2)));

    vm.warp(block.timestamp + wait - 1);
    vm.prank(OFF_RAMP);
    vm.expectRevert();
    s_limiter.onInboundMessage(_inMsg(REMOTE, _amounts(TOKEN_A, want / 2)));

    vm.warp(block.timestamp + 1);
    _receive(REMOTE, _amounts(TOKEN_A, want / 2));
  }
}
