// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../../src/libraries/Client.sol";
import {RateLimiter} from "../../src/libraries/RateLimiter.sol";
import {MultiAggregateRateLimiter} from "../../src/ratelimit/MultiAggregateRateLimiter.sol";
import {PriceSourceTestDouble} from "./helpers/AggregateRateLimiterSetup.sol";

import {Test} from "forge-std/Test.sol";

/// @dev Random outbound/inbound messages (registered and unregistered tokens), waits and price moves against one
/// lane pair, next to a model bucket per direction. Records every successful consumption for the window check.
contract AggregateRateLimiterHandler is Test {
  uint64 public constant REMOTE = 3379446385462418246;
  uint128 public constant CAPACITY = 100_000e18; // $100k
  uint128 public constant RATE = 100e18; // $100/s

  MultiAggregateRateLimiter public limiter;
  PriceSourceTestDouble public prices;
  address public immutable onRamp = makeAddr("onRamp");
  address public immutable offRamp = makeAddr("offRamp");
  address[3] internal s_tokens; // [0], [1] registered; [2] not

  /// @dev One successful consumption: when, and the cumulative USD consumed on its lane before and after it.
  struct Consumption {
    uint256 time;
    uint256 cumBefore;
    uint256 cumAfter;
  }

  mapping(bool isOutbound => Consumption[]) internal s_log;
  mapping(bool isOutbound => uint256) public consumed;
  mapping(bool isOutbound => uint256) public modelTokens;
  mapping(bool isOutbound => uint256) public modelLastUpdated;
  uint256 public accepted; // with a non-zero value
  uint256 public rejected;
  uint256 public unexpectedOutcomes; // the contract accepted what the model rejects, or the reverse

  constructor() {
    prices = new PriceSourceTestDouble();
    s_tokens = [makeAddr("t0"), makeAddr("t1"), makeAddr("t2")];
    for (uint256 i = 0; i < 3; ++i) {
      prices.setPrice(s_tokens[i], 1e18);
    }
    address[] memory callers = new address[](2);
    callers[0] = onRamp;
    callers[1] = offRamp;
    limiter = new MultiAggregateRateLimiter(address(prices), callers);

    MultiAggregateRateLimiter.RateLimiterConfigArgs[] memory cfgs = new MultiAggregateRateLimiter.RateLimiterConfigArgs[](2);
    RateLimiter.Config memory cfg = RateLimiter.Config({isEnabled: true, capacity: CAPACITY, rate: RATE});
    cfgs[0] = MultiAggregateRateLimiter.RateLimiterConfigArgs({remoteChainSelector: REMOTE, isOutboundLane: true, rateLimiterConfig: cfg});
    cfgs[1] = MultiAggregateRateLimiter.RateLimiterConfigArgs({remoteChainSelector: REMOTE, isOutboundLane: false, rateLimiterConfig: cfg});
    limiter.applyRateLimiterConfigUpdates(cfgs);

    MultiAggregateRateLimiter.RateLimitTokenArgs[] memory adds = new MultiAggregateRateLimiter.RateLimitTokenArgs[](2);
    for (uint256 i = 0; i < 2; ++i) {
      adds[i] = MultiAggregateRateLimiter.RateLimitTokenArgs({
        localTokenArgs: MultiAggregateRateLimiter.LocalRateLimitToken({remoteChainSelector: REMOTE, localToken: s_tokens[i]}),
        remoteToken: abi.encode(i + 1)
      });
    }
    limiter.updateRateLimitTokens(new MultiAggregateRateLimiter.LocalRateLimitToken[](0), adds);

    for (uint256 d = 0; d < 2; ++d) {
      modelTokens[d == 0] = CAPACITY;
      modelLastUpdated[d == 0] = block.timestamp;
    }
  }

  function send(bool isOutbound, uint256 n, uint256 seed) external {
    n = bound(n, 0, 3);
    Client.EVMTokenAmount[] memory t = new Client.EVMTokenAmount[](n);
    uint256 value;
    for (uint256 i = 0; i < n; ++i) {
      uint256 idx = uint256(keccak256(abi.encode(seed, i, "token"))) % 3;
      uint256 amount = uint256(keccak256(abi.encode(seed, i, "amount"))) % 30_000e18;
      t[i] = Client.EVMTokenAmount({token: s_tokens[idx], amount: amount});
      if (idx < 2) value += amount * prices.getTokenPrice(s_tokens[idx]).value / 1e18;
    }

    // The model: refill, then accept iff the value fits (a zero value always passes and changes nothing).
    uint256 available = _modelRefilled(isOutbound);
    bool modelAccepts = value <= available;

    bool ok;
    if (isOutbound) {
      vm.prank(onRamp);
      try limiter.onOutboundMessage(
        REMOTE, Client.EVM2AnyMessage({receiver: abi.encode(address(1)), data: "", tokenAmounts: t, feeToken: address(0), extraArgs: ""})
      ) {
        ok = true;
      } catch {}
    } else {
      vm.prank(offRamp);
      try limiter.onInboundMessage(
        Client.Any2EVMMessage({messageId: bytes32(seed), sourceChainSelector: REMOTE, sender: "", data: "", destTokenAmounts: t})
      ) {
        ok = true;
      } catch {}
    }
    if (ok != modelAccepts) ++unexpectedOutcomes;
    if (!ok) ++rejected;
    if (!ok || value == 0) return;

    ++accepted;
    modelTokens[isOutbound] = available - value;
    modelLastUpdated[isOutbound] = block.timestamp;
    uint256 before = consumed[isOutbound];
    consumed[isOutbound] = before + value;
    s_log[isOutbound].push(Consumption({time: block.timestamp, cumBefore: before, cumAfter: before + value}));
  }

  function wait(uint256 secs) external {
    vm.warp(block.timestamp + bound(secs, 0, 600));
  }

  function setPrice(uint256 idx, uint256 price) external {
    prices.setPrice(s_tokens[bound(idx, 0, 2)], uint224(bound(price, 1e16, 5e18)));
  }

  function _modelRefilled(bool isOutbound) internal view returns (uint256) {
    uint256 refilled = modelTokens[isOutbound] + (block.timestamp - modelLastUpdated[isOutbound]) * RATE;
    return refilled < CAPACITY ? refilled : CAPACITY;
  }

  function modelRefilled(bool isOutbound) external view returns (uint256) {
    return _modelRefilled(isOutbound);
  }

  function logLength(bool isOutbound) external view returns (uint256) {
    return s_log[isOutbound].length;
  }

  function logAt(bool isOutbound, uint256 i) external view returns (Consumption memory) {
    return s_log[isOutbound][i];
  }
}

contract MultiAggregateRateLimiterInvariantTest is Test {
  AggregateRateLimiterHandler internal s_handler;

  function setUp() public {
    vm.warp(1_700_000_000);
    s_handler = new AggregateRateLimiterHandler();
    bytes4[] memory selectors = new bytes4[](3);
    selectors[0] = AggregateRateLimiterHandler.send.selector;
    selectors[1] = AggregateRateLimiterHandler.wait.selector;
    selectors[2] = AggregateRateLimiterHandler.setPrice.selector;
    targetSelector(FuzzSelector({addr: address(s_handler), selectors: selectors}));
    targetContract(address(s_handler));
  }

  /// @notice In every window [t_i, t_j] (from the i-th consumption to the j-th, both included) the USD consumed on
  /// a lane is at most capacity + rate * (t_j - t_i).
  function invariant_consumedPerWindowBounded() public view {
    for (uint256 d = 0; d < 2; ++d) {
      bool isOutbound = d == 0;
      uint256 n = s_handler.logLength(isOutbound);
      for (uint256 i = 0; i < n; ++i) {
        AggregateRateLimiterHandler.Consumption memory a = s_handler.logAt(isOutbound, i);
        for (uint256 j = i; j < n; ++j) {
          AggregateRateLimiterHandler.Consumption memory b = s_handler.logAt(isOutbound, j);
          assertLe(
            b.cumAfter - a.cumBefore,
            uint256(s_handler.CAPACITY()) + uint256(s_handler.RATE()) * (b.time - a.time),
            "window over capacity + rate * elapsed"
          );
        }
      }
    }
  }

  /// @notice The buckets never hold more than their capacity and match the model exactly.
  function invariant_bucketsMatchModel() public view {
    MultiAggregateRateLimiter limiter = s_handler.limiter();
    for (uint256 d = 0; d < 2; ++d) {
      bool isOutbound = d == 0;
      RateLimiter.TokenBucket memory b = limiter.currentRateLimiterState(s_handler.REMOTE(), isOutbound);
      assertLe(b.tokens, b.capacity);
      assertEq(b.tokens, s_handler.modelRefilled(isOutbound), "bucket != model");
    }
  }

  /// @notice The contract accepts exactly what fits (no false rejections, no over-acceptance).
  function invariant_acceptsExactlyWhatFits() public view {
    assertEq(s_handler.unexpectedOutcomes(), 0);
  }
}
