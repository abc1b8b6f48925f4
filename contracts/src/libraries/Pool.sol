// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Token pool call types of CCIP v1.6 (byte-compatible with upstream `Pool`).
library Pool {
  /// @dev Tag pools report through ERC-165 supportsInterface to signal the v1 pool standard (bytes4(keccak256("CCIP_POOL_V1"))).
  bytes4 public constant CCIP_POOL_V1 = 0xaff2afbf;
  /// @dev Returned data from a pool is capped to this many bytes.
  uint16 public constant CCIP_POOL_V1_RET_BYTES = 32;
  /// @dev Pools may not return more than this for destPoolData without paying for it.
  uint256 public constant CCIP_LOCK_OR_BURN_V1_RET_BYTES = 32;

  struct LockOrBurnInV1 {
    bytes receiver;
    uint64 remoteChainSelector;
    address originalSender;
    uint256 amount;
    address localToken;
  }

  struct LockOrBurnOutV1 {
    bytes destTokenAddress; // abi.encode(address) of the token on the destination
    bytes destPoolData; // forwarded to the destination pool as sourcePoolData
  }

  struct ReleaseOrMintInV1 {
    bytes originalSender;
    uint64 remoteChainSelector;
    address receiver;
    uint256 sourceDenominatedAmount; // amount in the source token's decimals
    address localToken;
    bytes sourcePoolAddress; // abi.encode(address); the pool must verify it is a configured remote pool
    bytes sourcePoolData;
    bytes offchainTokenData;
  }

  struct ReleaseOrMintOutV1 {
    uint256 destinationAmount; // amount in the local token's decimals
  }
}
