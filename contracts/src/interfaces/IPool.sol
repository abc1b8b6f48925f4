// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Pool} from "../libraries/Pool.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice The token pool interface the ramps call (ERC-165 id Pool.CCIP_POOL_V1 = 0xaff2afbf).
interface IPoolV1 is IERC165 {
  /// @notice Locks or burns `amount` already transferred to the pool. Only the configured OnRamp.
  function lockOrBurn(Pool.LockOrBurnInV1 calldata lockOrBurnIn)
    external
    returns (Pool.LockOrBurnOutV1 memory lockOrBurnOut);

  /// @notice Releases or mints to `receiver`. Only a configured OffRamp.
  function releaseOrMint(Pool.ReleaseOrMintInV1 calldata releaseOrMintIn)
    external
    returns (Pool.ReleaseOrMintOutV1 memory);

  function isSupportedChain(uint64 remoteChainSelector) external view returns (bool);

  function isSupportedToken(address token) external view returns (bool);
}
