// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface ITokenAdminRegistry {
  /// @notice The pool of `token`, or address(0) when none is set.
  function getPool(address token) external view returns (address);

  function isAdministrator(address localToken, address administrator) external view returns (bool);

  /// @notice Proposes `administrator` for `localToken`; callable by registry modules and the owner.
  function proposeAdministrator(address localToken, address administrator) external;
}
