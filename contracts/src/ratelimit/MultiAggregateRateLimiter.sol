// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../access/AuthorizedCallers.sol";
import {Ownable2Step} from "../access/Ownable2Step.sol";
import {IFeeQuoter} from "../interfaces/IFeeQuoter.sol";
import {IMessageInterceptor} from "../interfaces/IMessageInterceptor.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {Client} from "../libraries/Client.sol";
import {RateLimiter} from "../libraries/RateLimiter.sol";

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice USD-valued aggregate rate limits per lane: one token bucket per (remote chain, direction), consumed by
/// the USD value (1e18 = $1) of the registered tokens a message moves. Plugged into the ramps as their message
/// interceptor: the OnRamp calls onOutboundMessage (over the limit: the send reverts), the OffRamp calls
/// onInboundMessage (over the limit: the message fails and stays manually executable until the bucket refills).
/// @dev Tokens are registered per remote chain by their LOCAL address (with the remote address for reference): an
/// outbound message carries local source tokens and an inbound one local destination tokens, so one key serves both.
contract MultiAggregateRateLimiter is IMessageInterceptor, AuthorizedCallers, ITypeAndVersion {
  using RateLimiter for RateLimiter.TokenBucket;
  using EnumerableSet for EnumerableSet.AddressSet;

  error PriceNotFoundForToken(address token);
  error ZeroChainSelectorNotAllowed();

  event RateLimiterConfigUpdated(uint64 indexed remoteChainSelector, bool isOutboundLane, RateLimiter.Config config);
  event FeeQuoterSet(address newFeeQuoter);
  event TokenAggregateRateLimitAdded(uint64 remoteChainSelector, bytes remoteToken, address localToken);
  event TokenAggregateRateLimitRemoved(uint64 remoteChainSelector, address localToken);

  /// @notice A local token scoped to one remote chain.
  struct LocalRateLimitToken {
    uint64 remoteChainSelector;
    address localToken;
  }

  struct RateLimitTokenArgs {
    LocalRateLimitToken localTokenArgs;
    bytes remoteToken; // the token's address on the remote chain (reference only; never used for lookups)
  }

  struct RateLimiterConfigArgs {
    uint64 remoteChainSelector;
    bool isOutboundLane; // true: local -> remote (OnRamp); false: remote -> local (OffRamp)
    RateLimiter.Config rateLimiterConfig;
  }

  struct RateLimiterBuckets {
    RateLimiter.TokenBucket inboundLaneBucket;
    RateLimiter.TokenBucket outboundLaneBucket;
  }

  string public constant override typeAndVersion = "MultiAggregateRateLimiter 1.6.0";

  /// @dev The USD price scale of FeeQuoter prices: value = amount * price / 1e18.
  uint256 private constant PRICE_SCALE = 1e18;

  address internal s_feeQuoter;
  mapping(uint64 remoteChainSelector => RateLimiterBuckets) private s_buckets;
  mapping(uint64 remoteChainSelector => EnumerableSet.AddressSet) private s_rateLimitedTokens;
  mapping(uint64 remoteChainSelector => mapping(address localToken => bytes remoteToken)) private s_remoteTokens;

  constructor(address feeQuoter, address[] memory authorizedCallers)
    AuthorizedCallers(authorizedCallers)
    Ownable2Step(msg.sender)
  {
    _setFeeQuoter(feeQuoter);
  }

  // ================================================================
  // │                        Interception                          │
  // ================================================================

  /// @inheritdoc IMessageInterceptor
  /// @dev destTokenAmounts hold this chain's tokens, as registered.
  function onInboundMessage(Client.Any2EVMMessage calldata message) external onlyAuthorizedCallers {
    _applyRateLimit(message.sourceChainSelector, message.destTokenAmounts, false);
  }

  /// @inheritdoc IMessageInterceptor
  function onOutboundMessage(uint64 destChainSelector, Client.EVM2AnyMessage calldata message)
    external
    onlyAuthorizedCallers
  {
    _applyRateLimit(destChainSelector, message.tokenAmounts, true);
  }

  function _applyRateLimit(uint64 remoteChainSelector, Client.EVMTokenAmount[] calldata tokenAmounts, bool isOutbound)
    internal
  {
    // A message without tokens reads nothing: data-only traffic pays only for the call.
    uint256 numTokens = tokenAmounts.length;
    if (numTokens == 0) return;

    RateLimiter.TokenBucket storage bucket = _getTokenBucket(remoteChainSelector, isOutbound);
    if (!bucket.isEnabled) return;

    EnumerableSet.AddressSet storage tokens = s_rateLimitedTokens[remoteChainSelector];
    uint256 value;
    for (uint256 i = 0; i < numTokens; ++i) {
      address token = tokenAmounts[i].token;
      if (tokens.contains(token)) value += _getTokenValue(token, tokenAmounts[i].amount);
    }
    // address(0): the library reverts with the aggregate-value errors (capacity / how long to wait).
    if (value != 0) bucket._consume(value, address(0));
  }

  /// @notice The USD value (1e18 = $1) of `amount` of `token` at the FeeQuoter's price. Staleness does not matter
  /// for a rate limit, so the unvalidated price is used; a missing (zero) price is an error, not a free pass.
  function _getTokenValue(address token, uint256 amount) internal view returns (uint256) {
    uint224 price = IFeeQuoter(s_feeQuoter).getTokenPrice(token).value;
    if (price == 0) revert PriceNotFoundForToken(token);
    return (amount * price) / PRICE_SCALE;
  }

  function _getTokenBucket(uint64 remoteChainSelector, bool isOutbound)
    internal
    view
    returns (RateLimiter.TokenBucket storage)
  {
    RateLimiterBuckets storage buckets = s_buckets[remoteChainSelector];
    return isOutbound ? buckets.outboundLaneBucket : buckets.inboundLaneBucket;
  }

  // ================================================================
  // │                           Views                              │
  // ================================================================

  /// @notice The lane's bucket as of now (refilled); what the execute DON checks before executing.
  function currentRateLimiterState(uint64 remoteChainSelector, bool isOutboundLane)
    external
    view
    returns (RateLimiter.TokenBucket memory)
  {
    return RateLimiter._currentTokenBucketState(_getTokenBucket(remoteChainSelector, isOutboundLane));
  }

  /// @notice The tokens counted on lanes with `remoteChainSelector` (order not guaranteed across changes).
  function getAllRateLimitTokens(uint64 remoteChainSelector)
    external
    view
    returns (address[] memory localTokens, bytes[] memory remoteTokens)
  {
    localTokens = s_rateLimitedTokens[remoteChainSelector].values();
    remoteTokens = new bytes[](localTokens.length);
    mapping(address => bytes) storage remotes = s_remoteTokens[remoteChainSelector];
    for (uint256 i = 0; i < localTokens.length; ++i) {
      remoteTokens[i] = remotes[localTokens[i]];
    }
  }

  function getFeeQuoter() external view returns (address) {
    return s_feeQuoter;
  }

  // ================================================================
  // │                           Config                             │
  // ================================================================

  /// @notice Sets lane buckets. A lane's first config starts full; later ones refill under the old config and
  /// clamp to the new capacity. Enabled requires 0 < rate < capacity; disabled requires rate == capacity == 0.
  function applyRateLimiterConfigUpdates(RateLimiterConfigArgs[] memory rateLimiterUpdates) external onlyOwner {
    for (uint256 i = 0; i < rateLimiterUpdates.length; ++i) {
      RateLimiterConfigArgs memory update = rateLimiterUpdates[i];
      uint64 remoteChainSelector = update.remoteChainSelector;
      if (remoteChainSelector == 0) revert ZeroChainSelectorNotAllowed();
      RateLimiter.Config memory config = update.rateLimiterConfig;
      RateLimiter._validateTokenBucketConfig(config);

      RateLimiter.TokenBucket storage bucket = _getTokenBucket(remoteChainSelector, update.isOutboundLane);
      if (bucket.lastUpdated == 0) {
        // Never configured: a refill from timestamp 0 would be meaningless, so start full.
        bucket.tokens = config.capacity;
        bucket.lastUpdated = uint32(block.timestamp);
        bucket.isEnabled = config.isEnabled;
        bucket.capacity = config.capacity;
        bucket.rate = config.rate;
      } else {
        bucket._setTokenBucketConfig(config);
      }
      emit RateLimiterConfigUpdated(remoteChainSelector, update.isOutboundLane, config);
    }
  }

  /// @notice Removes, then adds (or re-points) tokens counted by the aggregate limits. Removing an absent token is
  /// a no-op; re-adding a token with the same remote address emits nothing.
  function updateRateLimitTokens(LocalRateLimitToken[] memory removes, RateLimitTokenArgs[] memory adds)
    external
    onlyOwner
  {
    for (uint256 i = 0; i < removes.length; ++i) {
      uint64 remoteChainSelector = removes[i].remoteChainSelector;
      address localToken = removes[i].localToken;
      if (s_rateLimitedTokens[remoteChainSelector].remove(localToken)) {
        delete s_remoteTokens[remoteChainSelector][localToken];
        emit TokenAggregateRateLimitRemoved(remoteChainSelector, localToken);
      }
    }

    for (uint256 i = 0; i < adds.length; ++i) {
      uint64 remoteChainSelector = adds[i].localTokenArgs.remoteChainSelector;
      address localToken = adds[i].localTokenArgs.localToken;
      bytes memory remoteToken = adds[i].remoteToken;
      if (localToken == address(0) || remoteToken.length == 0) revert ZeroAddressNotAllowed();
      if (remoteChainSelector == 0) revert ZeroChainSelectorNotAllowed();

      bool added = s_rateLimitedTokens[remoteChainSelector].add(localToken);
      bytes storage stored = s_remoteTokens[remoteChainSelector][localToken];
      if (added || keccak256(stored) != keccak256(remoteToken)) {
        s_remoteTokens[remoteChainSelector][localToken] = remoteToken;
        emit TokenAggregateRateLimitAdded(remoteChainSelector, remoteToken, localToken);
      }
    }
  }

  function setFeeQuoter(address newFeeQuoter) external onlyOwner {
    _setFeeQuoter(newFeeQuoter);
  }

  function _setFeeQuoter(address newFeeQuoter) internal {
    if (newFeeQuoter == address(0)) revert ZeroAddressNotAllowed();
    s_feeQuoter = newFeeQuoter;
    emit FeeQuoterSet(newFeeQuoter);
  }
}
