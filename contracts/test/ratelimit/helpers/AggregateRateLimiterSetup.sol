// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Internal} from "../../../src/libraries/Internal.sol";
import {Client} from "../../../src/libraries/Client.sol";
import {RateLimiter} from "../../../src/libraries/RateLimiter.sol";
import {MultiAggregateRateLimiter} from "../../../src/ratelimit/MultiAggregateRateLimiter.sol";

import {Test} from "forge-std/Test.sol";

/// @dev Stands in for the FeeQuoter's price view only (unit tests of the limiter's own logic; the integration test
/// uses the real FeeQuoter).
contract PriceSourceTestDouble {
  mapping(address token => uint224 price) internal s_prices;

  function setPrice(address token, uint224 price) external {
    s_prices[token] = price;
  }

  function getTokenPrice(address token) external view returns (Internal.TimestampedPackedUint224 memory) {
    return Internal.TimestampedPackedUint224({value: s_prices[token], timestamp: uint32(block.timestamp)});
  }
}

abstract contract AggregateRateLimiterSetup is Test {
  uint64 internal constant REMOTE = 3379446385462418246;
  uint64 internal constant OTHER_REMOTE = 16015286601757825753;

  uint128 internal constant CAPACITY = 1_000e18; // $1000
  uint128 internal constant RATE = 10e18; // $10 per second

  address internal immutable TOKEN_A = makeAddr("tokenA");
  address internal immutable TOKEN_B = makeAddr("tokenB");
  address internal immutable TOKEN_UNREGISTERED = makeAddr("tokenUnregistered");
  address internal immutable ON_RAMP = makeAddr("onRamp");
  address internal immutable OFF_RAMP = makeAddr("offRamp");
  address internal immutable STRANGER = makeAddr("stranger");

  uint224 internal constant PRICE_A = 2e18; // $2 per 1e18 units (an 18-decimals token at $2)
  uint224 internal constant PRICE_B = 5e30; // $5 per 1e6 units (a 6-decimals token at $5)

  PriceSourceTestDouble internal s_prices;
  MultiAggregateRateLimiter internal s_limiter;

  function setUp() public virtual {
    vm.warp(1_700_000_000);
    s_prices = new PriceSourceTestDouble();
    s_prices.setPrice(TOKEN_A, PRICE_A);
    s_prices.setPrice(TOKEN_B, PRICE_B);
    s_prices.setPrice(TOKEN_UNREGISTERED, 1e18);

    address[] memory callers = new address[](2);
    callers[0] = ON_RAMP;
    callers[1] = OFF_RAMP;
    s_limiter = new MultiAggregateRateLimiter(address(s_prices), callers);

    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](2);
    cfgs[0] = _cfgArgs(REMOTE, true, _config(CAPACITY, RATE));
    cfgs[1] = _cfgArgs(REMOTE, false, _config(CAPACITY, RATE));
    s_limiter.applyRateLimiterConfigUpdates(cfgs);

    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](2);
    adds[0] = _tokenArgs(REMOTE, TOKEN_A, abi.encode(makeAddr("remoteA")));
    adds[1] = _tokenArgs(REMOTE, TOKEN_B, abi.encode(makeAddr("remoteB")));
    s_limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);
  }

  function _config(uint128 capacity, uint128 rate) internal pure returns (RateLimiter.Config memory) {
    return RateLimiter.Config({isEnabled: true, capacity: capacity, rate: rate});
  }

  function _disabled() internal pure returns (RateLimiter.Config memory) {
    return RateLimiter.Config({isEnabled: false, capacity: 0, rate: 0});
  }

  function _cfgArgs(uint64 remote, bool outbound, RateLimiter.Config memory config)
    internal
    pure
    returns (MultiAggregateRateLimiter.RateLimiterConfigArgs memory)
  {
    return MultiAggregateRateLimiter.RateLimiterConfigArgs({
      remoteChainSelector: remote,
      isOutboundLane: outbound,
      rateLimiterConfig: config
    });
  }

  function _applyConfig(uint64 remote, bool outbound, RateLimiter.Config memory config) internal {
    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](1);
    cfgs[0] = _cfgArgs(remote, outbound, config);
    s_limiter.applyRateLimiterConfigUpdates(cfgs);
  }

  function _tokenArgs(uint64 remote, address local, bytes memory remoteToken)
    internal
    pure
    returns (MultiAggregateRateLimiter.RateLimitTokenArgs memory)
  {
    return MultiAggregateRateLimiter.RateLimitTokenArgs({
      localTokenArgs: MultiAggregateRateLimiter.LocalRateLimitToken({remoteChainSelector: remote, localToken: local}),
      remoteToken: remoteToken
    });
  }

  function _amounts(address token, uint256 amount) internal pure returns (Client.EVMTokenAmount[] memory t) {
    t = new Client.EVMTokenAmount[](1);
    t[0] = Client.EVMTokenAmount({token: token, amount: amount});
  }

  function _outMsg(Client.EVMTokenAmount[] memory tokens) internal pure returns (Client.EVM2AnyMessage memory) {
    return Client.EVM2AnyMessage({
      receiver: abi.encode(address(0xbeef)),
      data: "",
      tokenAmounts: tokens,
      feeToken: address(0),
      extraArgs: ""
    });
  }

  function _inMsg(uint64 source, Client.EVMTokenAmount[] memory tokens)
    internal
    pure
    returns (Client.Any2EVMMessage memory)
  {
    return Client.Any2EVMMessage({
      messageId: keccak256("m"),
      sourceChainSelector: source,
      sender: abi.encode(address(0xcafe)),
      data: "",
      destTokenAmounts: tokens
    });
  }

  function _send(uint64 remote, Client.EVMTokenAmount[] memory tokens) internal {
    vm.prank(ON_RAMP);
    s_limiter.onOutboundMessage(remote, _outMsg(tokens));
  }

  function _receive(uint64 remote, Client.EVMTokenAmount[] memory tokens) internal {
    vm.prank(OFF_RAMP);
    s_limiter.onInboundMessage(_inMsg(remote, tokens));
  }

  function _tokensLeft(uint64 remote, bool outbound) internal view returns (uint256) {
    return s_limiter.currentRateLimiterState(remote, outbound).tokens;
  }
}
