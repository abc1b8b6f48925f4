// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {TokenPool} from "./TokenPool.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice Locks tokens on the way out and releases them on the way in. Liquidity for releases is
/// provided and withdrawn by the rebalancer.
contract LockReleaseTokenPool is TokenPool, ITypeAndVersion {
  using SafeERC20 for IERC20;

  error InsufficientLiquidity();
  error LiquidityNotAccepted();

  event LiquidityTransferred(address indexed from, uint256 amount);
  event LiquidityAdded(address indexed provider, uint256 indexed amount);
  event LiquidityRemoved(address indexed provider, uint256 indexed amount);
  event RebalancerSet(address oldRebalancer, address newRebalancer);

  string public constant override typeAndVersion = "LockReleaseTokenPool 1.6.0";

  /// @dev Whether provideLiquidity is open (to the rebalancer).
  bool internal immutable i_acceptLiquidity;
  address internal s_rebalancer;

  constructor(
    IERC20 token,
    uint8 localTokenDecimals,
    address[] memory allowlist,
    address rmnProxy,
    bool acceptLiquidity,
    address router
  ) TokenPool(token, localTokenDecimals, allowlist, rmnProxy, router) {
    i_acceptLiquidity = acceptLiquidity;
  }

  /// @dev Locking is a no-op: the Router already moved the tokens here.
  function _lockOrBurn(uint256) internal virtual override {}

  /// @dev Reverts when liquidity is short, so the OffRamp marks the message FAILURE and it can be retried.
  function _releaseOrMint(address receiver, uint256 amount) internal virtual override {
    i_token.safeTransfer(receiver, amount);
  }

  function getRebalancer() external view returns (address) {
    return s_rebalancer;
  }

  /// @notice Only the owner.
  function setRebalancer(address rebalancer) external onlyOwner {
    address oldRebalancer = s_rebalancer;
    s_rebalancer = rebalancer;
    emit RebalancerSet(oldRebalancer, rebalancer);
  }

  function canAcceptLiquidity() external view returns (bool) {
    return i_acceptLiquidity;
  }

  /// @notice Adds `amount` of liquidity from the rebalancer (who must have approved this pool).
  function provideLiquidity(uint256 amount) external {
    if (!i_acceptLiquidity) revert LiquidityNotAccepted();
    if (msg.sender != s_rebalancer) revert Unauthorized(msg.sender);
    i_token.safeTransferFrom(msg.sender, address(this), amount);
    emit LiquidityAdded(msg.sender, amount);
  }

  /// @notice Sends `amount` of liquidity to the rebalancer.
  function withdrawLiquidity(uint256 amount) external {
    if (msg.sender != s_rebalancer) revert Unauthorized(msg.sender);
    if (i_token.balanceOf(address(this)) < amount) revert InsufficientLiquidity();
    i_token.safeTransfer(msg.sender, amount);
    emit LiquidityRemoved(msg.sender, amount);
  }

  /// @notice Migrates liquidity from an old pool that has this pool as its rebalancer. Only the owner.
  function transferLiquidity(address from, uint256 amount) external onlyOwner {
    LockReleaseTokenPool(from).withdrawLiquidity(amount);
    emit LiquidityTransferred(from, amount);
  }
}
