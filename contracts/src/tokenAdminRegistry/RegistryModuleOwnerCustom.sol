// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITokenAdminRegistry} from "../interfaces/ITokenAdminRegistry.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

interface IGetCCIPAdmin {
  function getCCIPAdmin() external view returns (address);
}

interface IOwner {
  function owner() external view returns (address);
}

/// @notice Self-service registration: whoever controls a token (its owner, its CCIP admin, or its
/// AccessControl default admin) can propose themselves as its administrator in the TokenAdminRegistry.
contract RegistryModuleOwnerCustom is ITypeAndVersion {
  error CanOnlySelfRegister(address admin, address token);
  error RequiredRoleNotFound(address msgSender, bytes32 role, address token);
  error AddressZero();

  event AdministratorRegistered(address indexed token, address indexed administrator);

  string public constant override typeAndVersion = "RegistryModuleOwnerCustom 1.6.0";

  ITokenAdminRegistry internal immutable i_tokenAdminRegistry;

  constructor(address tokenAdminRegistry) {
    if (tokenAdminRegistry == address(0)) revert AddressZero();
    i_tokenAdminRegistry = ITokenAdminRegistry(tokenAdminRegistry);
  }

  /// @notice Registers the caller if it is `token.getCCIPAdmin()`.
  function registerAdminViaGetCCIPAdmin(address token) external {
    _registerAdmin(token, IGetCCIPAdmin(token).getCCIPAdmin());
  }

  /// @notice Registers the caller if it is `token.owner()`.
  function registerAdminViaOwner(address token) external {
    _registerAdmin(token, IOwner(token).owner());
  }

  /// @notice Registers the caller if it holds DEFAULT_ADMIN_ROLE on an AccessControl token.
  function registerAccessControlDefaultAdmin(address token) external {
    bytes32 role = bytes32(0); // OpenZeppelin DEFAULT_ADMIN_ROLE
    if (!IAccessControl(token).hasRole(role, msg.sender)) revert RequiredRoleNotFound(msg.sender, role, token);
    _registerAdmin(token, msg.sender);
  }

  function _registerAdmin(address token, address admin) internal {
    if (admin != msg.sender) revert CanOnlySelfRegister(admin, token);
    i_tokenAdminRegistry.proposeAdministrator(token, admin);
    emit AdministratorRegistered(token, admin);
  }
}
