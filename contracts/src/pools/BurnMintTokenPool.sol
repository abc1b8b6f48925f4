// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBurnMintERC20} from "../interfaces/IBurnMintERC20.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {TokenPool} from "./TokenPool.sol";

/// @notice Burns tokens on the way out and mints them on the way in. The pool must hold the token's
/// mint and burn roles.
contract BurnMintTokenPool is TokenPool, ITypeAndVersion {
  string public constant override typeAndVersion = "BurnMintTokenPool 1.6.0";

  constructor(
    IBurnMintERC20 token,
    uint8 localTokenDecimals,
    address[] memory allowlist,
    address rmnProxy,
    address router
  ) TokenPool(token, localTokenDecimals, allowlist, rmnProxy, router) {}

  /// @dev Burns what the Router moved here.
  function _lockOrBurn(uint256 amount) internal virtual override {
    IBurnMintERC20(address(i_token)).burn(amount);
  }

  function _releaseOrMint(address receiver, uint256 amount) internal virtual override {
    IBurnMintERC20(address(i_token)).mint(receiver, amount);
  }
}
