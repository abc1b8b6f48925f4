// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Token-bucket rate limiting with the CCIP v1.6 shape. A bucket refills at `rate` tokens per
/// second up to `capacity`; a request takes tokens out or reverts saying how long to wait.
library RateLimiter {
  error BucketOverfilled();
  error TokenMaxCapacityExceeded(uint256 capacity, uint256 requested, address tokenAddress);
  error TokenRateLimitReached(uint256 minWaitInSeconds, uint256 available, address tokenAddress);
  error AggregateValueMaxCapacityExceeded(uint256 capacity, uint256 requested);
  error AggregateValueRateLimitReached(uint256 minWaitInSeconds, uint256 available);
  error InvalidRateLimitRate(Config rateLimiterConfig);
  error DisabledNonZeroRateLimit(Config config);

  event TokensConsumed(uint256 tokens);
  event ConfigChanged(Config config);

  /// @dev Slot 0: tokens | lastUpdated | isEnabled; slot 1: capacity | rate. A disabled bucket costs one SLOAD.
  struct TokenBucket {
    uint128 tokens;
    uint32 lastUpdated;
    bool isEnabled;
    uint128 capacity;
    uint128 rate; // tokens per second
  }

  struct Config {
    bool isEnabled;
    uint128 capacity;
    uint128 rate;
  }

  /// @notice Takes `requestTokens` out of the bucket, refilling it first.
  /// @param tokenAddress the token being limited; address(0) for aggregate (USD value) limits
  function _consume(TokenBucket storage s_bucket, uint256 requestTokens, address tokenAddress) internal {
    // A disabled bucket or an empty request never limits (and writes nothing).
    if (!s_bucket.isEnabled || requestTokens == 0) return;

    uint256 tokens = s_bucket.tokens;
    uint256 capacity = s_bucket.capacity;
    uint256 elapsed = block.timestamp - s_bucket.lastUpdated;

    if (capacity < requestTokens) {
      if (tokenAddress == address(0)) revert AggregateValueMaxCapacityExceeded(capacity, requestTokens);
      revert TokenMaxCapacityExceeded(capacity, requestTokens, tokenAddress);
    }

    uint256 rate = s_bucket.rate;
    if (elapsed != 0) {
      // Cannot happen through this library; guards against a corrupted bucket.
      if (tokens > capacity) revert BucketOverfilled();
      tokens = _calculateRefill(capacity, tokens, elapsed, rate);
    }

    if (tokens < requestTokens) {
      // rate > 0 whenever the bucket is enabled (validated on config), so this never divides by zero.
      uint256 minWaitInSeconds = ((requestTokens - tokens) + (rate - 1)) / rate;
      if (tokenAddress == address(0)) revert AggregateValueRateLimitReached(minWaitInSeconds, tokens);
      revert TokenRateLimitReached(minWaitInSeconds, tokens, tokenAddress);
    }

    unchecked {
      tokens -= requestTokens;
    }
    // One SSTORE for tokens and lastUpdated (same slot; isEnabled is rewritten unchanged).
    s_bucket.tokens = uint128(tokens);
    s_bucket.lastUpdated = uint32(block.timestamp);

    emit TokensConsumed(requestTokens);
  }

  /// @notice The bucket as it would be after a refill now.
  function _currentTokenBucketState(TokenBucket memory bucket) internal view returns (TokenBucket memory) {
    bucket.tokens =
      uint128(_calculateRefill(bucket.capacity, bucket.tokens, block.timestamp - bucket.lastUpdated, bucket.rate));
    bucket.lastUpdated = uint32(block.timestamp);
    return bucket;
  }

  /// @notice Applies a new config: refills under the old rate first, then clamps tokens to the new capacity.
  function _setTokenBucketConfig(TokenBucket storage s_bucket, Config memory config) internal {
    uint256 elapsed = block.timestamp - s_bucket.lastUpdated;
    uint256 tokens = s_bucket.tokens;
    if (elapsed != 0) {
      tokens = _calculateRefill(s_bucket.capacity, tokens, elapsed, s_bucket.rate);
    }
    if (tokens > config.capacity) tokens = config.capacity;

    s_bucket.tokens = uint128(tokens);
    s_bucket.lastUpdated = uint32(block.timestamp);
    s_bucket.isEnabled = config.isEnabled;
    s_bucket.capacity = config.capacity;
    s_bucket.rate = config.rate;

    emit ConfigChanged(config);
  }

  /// @notice Enabled: 0 < rate < capacity. Disabled: rate == capacity == 0.
  function _validateTokenBucketConfig(Config memory config) internal pure {
    if (config.isEnabled) {
      if (config.rate == 0 || config.rate >= config.capacity) revert InvalidRateLimitRate(config);
    } else {
      if (config.rate != 0 || config.capacity != 0) revert DisabledNonZeroRateLimit(config);
    }
  }

  function _calculateRefill(uint256 capacity, uint256 tokens, uint256 elapsed, uint256 rate)
    internal
    pure
    returns (uint256)
  {
    // capacity, tokens, rate < 2^128 and elapsed < 2^32: the product cannot overflow 256 bits.
    uint256 refilled = tokens + elapsed * rate;
    return refilled < capacity ? refilled : capacity;
  }
}
