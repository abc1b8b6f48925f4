// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPoolV1} from "../interfaces/IPool.sol";
import {ITokenAdminRegistry} from "../interfaces/ITokenAdminRegistry.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {Ownable2Step} from "../access/Ownable2Step.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice Maps each token to its pool and to the administrator allowed to set that pool. Administrators
/// are proposed by registry modules (self-service) or the owner, and accept the role themselves.
contract TokenAdminRegistry is ITokenAdminRegistry, ITypeAndVersion, Ownable2Step {
  using EnumerableSet for EnumerableSet.AddressSet;

  error OnlyRegistryModuleOrOwner(address sender);
  error OnlyAdministrator(address sender, address token);
  error OnlyPendingAdministrator(address sender, address token);
  error AlreadyRegistered(address token);
  error ZeroAddress();
  error InvalidTokenPoolToken(address token);

  event PoolSet(address indexed token, address indexed previousPool, address indexed newPool);
  event AdministratorTransferRequested(address indexed token, address indexed currentAdmin, address indexed newAdmin);
  event AdministratorTransferred(address indexed token, address indexed newAdmin);
  event RegistryModuleAdded(address module);
  event RegistryModuleRemoved(address indexed module);

  struct TokenConfig {
    address administrator; // may set the pool and hand the role over
    address pendingAdministrator; // must accept before becoming administrator
    address tokenPool; // address(0) = token not enabled
  }

  string public constant override typeAndVersion = "TokenAdminRegistry 1.6.0";

  mapping(address token => TokenConfig) internal s_tokenConfig;
  EnumerableSet.AddressSet internal s_tokens;
  EnumerableSet.AddressSet internal s_registryModules;

  constructor() Ownable2Step(msg.sender) {}

  /// @notice The pools of `tokens` (address(0) where none is set).
  function getPools(address[] calldata tokens) external view returns (address[] memory pools) {
    pools = new address[](tokens.length);
    for (uint256 i = 0; i < tokens.length; ++i) {
      pools[i] = s_tokenConfig[tokens[i]].tokenPool;
    }
  }

  /// @inheritdoc ITokenAdminRegistry
  function getPool(address token) external view override returns (address) {
    return s_tokenConfig[token].tokenPool;
  }

  function getTokenConfig(address token) external view returns (TokenConfig memory) {
    return s_tokenConfig[token];
  }

  /// @notice Pages through every token that has (or had) an administrator proposed.
  function getAllConfiguredTokens(uint64 startIndex, uint64 maxCount) external view returns (address[] memory tokens) {
    uint256 total = s_tokens.length();
    if (startIndex >= total) return new address[](0);
    uint256 count = maxCount;
    if (count > total - startIndex) count = total - startIndex;
    tokens = new address[](count);
    for (uint256 i = 0; i < count; ++i) {
      tokens[i] = s_tokens.at(startIndex + i);
    }
  }

  /// @notice Sets (or, with address(0), unsets) the pool of `localToken`. Only its administrator.
  function setPool(address localToken, address pool) external onlyTokenAdmin(localToken) {
    // A pool for another token would let the ramps move the wrong asset.
    if (pool != address(0) && !IPoolV1(pool).isSupportedToken(localToken)) revert InvalidTokenPoolToken(localToken);
    TokenConfig storage config = s_tokenConfig[localToken];
    address previousPool = config.tokenPool;
    config.tokenPool = pool;
    if (previousPool != pool) emit PoolSet(localToken, previousPool, pool);
  }

  /// @notice Starts handing the administrator role over; address(0) cancels a pending transfer.
  function transferAdminRole(address localToken, address newAdmin) external onlyTokenAdmin(localToken) {
    s_tokenConfig[localToken].pendingAdministrator = newAdmin;
    emit AdministratorTransferRequested(localToken, msg.sender, newAdmin);
  }

  /// @notice Completes a transfer or a proposal. Only the pending administrator.
  function acceptAdminRole(address localToken) external {
    TokenConfig storage config = s_tokenConfig[localToken];
    if (config.pendingAdministrator != msg.sender) revert OnlyPendingAdministrator(msg.sender, localToken);
    config.administrator = msg.sender;
    config.pendingAdministrator = address(0);
    emit AdministratorTransferred(localToken, msg.sender);
  }

  /// @inheritdoc ITokenAdminRegistry
  function isAdministrator(address localToken, address administrator) external view override returns (bool) {
    return s_tokenConfig[localToken].administrator == administrator;
  }

  /// @inheritdoc ITokenAdminRegistry
  /// @dev Only for tokens without an administrator; the proposed address still has to accept.
  function proposeAdministrator(address localToken, address administrator) external override {
    if (msg.sender != owner() && !s_registryModules.contains(msg.sender)) {
      revert OnlyRegistryModuleOrOwner(msg.sender);
    }
    if (administrator == address(0)) revert ZeroAddress();
    TokenConfig storage config = s_tokenConfig[localToken];
    if (config.administrator != address(0)) revert AlreadyRegistered(localToken);
    config.pendingAdministrator = administrator;
    s_tokens.add(localToken);
    emit AdministratorTransferRequested(localToken, address(0), administrator);
  }

  function isRegistryModule(address module) external view returns (bool) {
    return s_registryModules.contains(module);
  }

  function addRegistryModule(address module) external onlyOwner {
    if (module == address(0)) revert ZeroAddress();
    if (s_registryModules.add(module)) emit RegistryModuleAdded(module);
  }

  function removeRegistryModule(address module) external onlyOwner {
    if (s_registryModules.remove(module)) emit RegistryModuleRemoved(module);
  }

  modifier onlyTokenAdmin(address token) {
    if (s_tokenConfig[token].administrator != msg.sender) revert OnlyAdministrator(msg.sender, token);
    _;
  }
}
