// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {RateLimiter} from "../../src/libraries/RateLimiter.sol";

contract RateLimiterHarness {
  using RateLimiter for RateLimiter.TokenBucket;

  RateLimiter.TokenBucket internal s_bucket;

  constructor(RateLimiter.Config memory config) {
    RateLimiter._validateTokenBucketConfig(config);
    s_bucket = RateLimiter.TokenBucket({
      tokens: config.capacity,
      lastUpdated: uint32(block.timestamp),
      isEnabled: config.isEnabled,
      capacity: config.capacity,
      rate: config.rate
    });
  }

  function consume(uint256 amount, address token) external {
    s_bucket._consume(amount, token);
  }

  function setConfig(RateLimiter.Config memory config) external {
    RateLimiter._validateTokenBucketConfig(config);
    s_bucket._setTokenBucketConfig(config);
  }

  function validate(RateLimiter.Config memory config) external pure {
    RateLimiter._validateTokenBucketConfig(config);
  }

  function current() external view returns (RateLimiter.TokenBucket memory) {
    return RateLimiter._currentTokenBucketState(s_bucket);
  }

  function raw() external view returns (RateLimiter.TokenBucket memory) {
    return s_bucket;
  }
}

contract RateLimiterTest is Test {
  address internal constant TOKEN = address(0x70C);
  RateLimiterHarness internal s_rl;

  event TokensConsumed(uint256 tokens);
  event ConfigChanged(RateLimiter.Config config);

  function setUp() public {
    vm.warp(1_000_000);
    s_rl = new RateLimiterHarness(RateLimiter.Config({isEnabled: true, capacity: 100, rate: 2}));
  }

  function test_consume() public {
    vm.expectEmit();
    emit TokensConsumed(60);
    s_rl.consume(60, TOKEN);
    assertEq(s_rl.raw().tokens, 40);
    vm.warp(block.timestamp + 5);
    assertEq(s_rl.current().tokens, 50);
    s_rl.consume(50, TOKEN);
    assertEq(s_rl.raw().tokens, 0);
    assertEq(s_rl.raw().lastUpdated, block.timestamp);
  }

  function test_consume_refillCapsAtCapacity() public {
    s_rl.consume(10, TOKEN);
    vm.warp(block.timestamp + 1000);
    assertEq(s_rl.current().tokens, 100);
  }

  function test_consume_zeroOrDisabled_noop() public {
    s_rl.consume(0, TOKEN);
    assertEq(s_rl.raw().tokens, 100);
    RateLimiterHarness off = new RateLimiterHarness(RateLimiter.Config({isEnabled: false, capacity: 0, rate: 0}));
    off.consume(type(uint256).max, TOKEN);
  }

  function test_consume_capacity_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.TokenMaxCapacityExceeded.selector, 100, 101, TOKEN));
    s_rl.consume(101, TOKEN);
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.AggregateValueMaxCapacityExceeded.selector, 100, 101));
    s_rl.consume(101, address(0));
  }

  function test_consume_rateLimited_reverts() public {
    s_rl.consume(95, TOKEN);
    // 5 available, 10 wanted at rate 2: ceil(5/2) = 3 s.
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.TokenRateLimitReached.selector, 3, 5, TOKEN));
    s_rl.consume(10, TOKEN);
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.AggregateValueRateLimitReached.selector, 3, 5));
    s_rl.consume(10, address(0));
    vm.warp(block.timestamp + 2);
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.TokenRateLimitReached.selector, 1, 9, TOKEN));
    s_rl.consume(10, TOKEN);
    vm.warp(block.timestamp + 1);
    s_rl.consume(10, TOKEN);
  }

  function test_validate() public {
    s_rl.validate(RateLimiter.Config({isEnabled: true, capacity: 2, rate: 1}));
    s_rl.validate(RateLimiter.Config({isEnabled: false, capacity: 0, rate: 0}));
    RateLimiter.Config memory c = RateLimiter.Config({isEnabled: true, capacity: 2, rate: 2});
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.InvalidRateLimitRate.selector, c));
    s_rl.validate(c);
    c = RateLimiter.Config({isEnabled: true, capacity: 2, rate: 0});
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.InvalidRateLimitRate.selector, c));
    s_rl.validate(c);
    c = RateLimiter.Config({isEnabled: false, capacity: 0, rate: 1});
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.DisabledNonZeroRateLimit.selector, c));
    s_rl.validate(c);
    c = RateLimiter.Config({isEnabled: false, capacity: 1, rate: 0});
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.DisabledNonZeroRateLimit.selector, c));
    s_rl.validate(c);
  }

  function test_setConfig_refillsThenClamps() public {
    s_rl.consume(100, TOKEN);
    vm.warp(block.timestamp + 10); // +20 under the old rate
    RateLimiter.Config memory c = RateLimiter.Config({isEnabled: true, capacity: 15, rate: 1});
    vm.expectEmit();
    emit ConfigChanged(c);
    s_rl.setConfig(c);
    RateLimiter.TokenBucket memory b = s_rl.raw();
    assertEq(b.tokens, 15);
    assertEq(b.capacity, 15);
    assertEq(b.rate, 1);
    assertEq(b.lastUpdated, block.timestamp);
  }

  function test_setConfig_disable() public {
    s_rl.setConfig(RateLimiter.Config({isEnabled: false, capacity: 0, rate: 0}));
    assertFalse(s_rl.raw().isEnabled);
    s_rl.consume(1e30, TOKEN);
  }

  /// @dev Refill is min(capacity, tokens + elapsed * rate).
  function testFuzz_refill(uint128 capacity, uint128 rate, uint128 used, uint32 elapsed) public {
    capacity = uint128(bound(capacity, 2, type(uint128).max));
    rate = uint128(bound(rate, 1, capacity - 1));
    used = uint128(bound(used, 0, capacity));
    RateLimiterHarness rl = new RateLimiterHarness(RateLimiter.Config({isEnabled: true, capacity: capacity, rate: rate}));
    rl.consume(used, TOKEN);
    vm.warp(block.timestamp + elapsed);
    uint256 expected = uint256(capacity - used) + uint256(elapsed) * rate;
    if (expected > capacity) expected = capacity;
    assertEq(rl.current().tokens, expected);
  }

  /// @dev The wait time is the smallest that makes the request succeed.
  function testFuzz_waitTimeIsExact(uint64 capacity, uint64 rate, uint64 used, uint64 request) public {
    capacity = uint64(bound(capacity, 2, type(uint64).max));
    rate = uint64(bound(rate, 1, capacity - 1));
    used = uint64(bound(used, 1, capacity));
    request = uint64(bound(request, 1, capacity));
    RateLimiterHarness rl = new RateLimiterHarness(RateLimiter.Config({isEnabled: true, capacity: capacity, rate: rate}));
    rl.consume(used, TOKEN);
    uint256 available = capacity - used;
    vm.assume(request > available);
    uint256 wait = (request - available + rate - 1) / rate;
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.TokenRateLimitReached.selector, wait, available, TOKEN));
    rl.consume(request, TOKEN);
    if (wait > 1) {
      vm.warp(block.timestamp + wait - 1);
      vm.expectRevert();
      rl.consume(request, TOKEN);
      vm.warp(block.timestamp + 1);
    } else {
      vm.warp(block.timestamp + wait);
    }
    rl.consume(request, TOKEN);
  }
}

/// @dev Random consumes, waits and reconfigurations; tracks what was consumed.
contract RateLimiterHandler is Test {
  RateLimiterHarness public rl;
  uint256 public consumedSinceStart;
  uint256 public startTime;
  uint128 public constant CAPACITY = 1_000;
  uint128 public constant RATE = 7;

  constructor() {
    rl = new RateLimiterHarness(RateLimiter.Config({isEnabled: true, capacity: CAPACITY, rate: RATE}));
    startTime = block.timestamp;
  }

  function consume(uint256 amount) external {
    amount = bound(amount, 1, CAPACITY);
    try rl.consume(amount, address(1)) {
      consumedSinceStart += amount;
    } catch {}
  }

  function wait(uint256 secs) external {
    vm.warp(block.timestamp + bound(secs, 0, 300));
  }
}

contract RateLimiterInvariantTest is Test {
  RateLimiterHandler internal s_handler;

  function setUp() public {
    vm.warp(1_000_000);
    s_handler = new RateLimiterHandler();
    targetContract(address(s_handler));
  }

  function invariant_neverAboveCapacity() public view {
    RateLimiterHarness rl = s_handler.rl();
    assertLe(rl.raw().tokens, rl.raw().capacity);
    assertLe(rl.current().tokens, rl.current().capacity);
  }

  function invariant_consumedBoundedByCapacityPlusRefill() public view {
    uint256 elapsed = block.timestamp - s_handler.startTime();
    assertLe(s_handler.consumedSinceStart(), uint256(s_handler.CAPACITY()) + elapsed * s_handler.RATE());
  }
}
