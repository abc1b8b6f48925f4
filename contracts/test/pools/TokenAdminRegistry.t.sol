// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenPoolSetup} from "./helpers/TokenPoolSetup.sol";
import {TokenAdminRegistry} from "../../src/tokenAdminRegistry/TokenAdminRegistry.sol";
import {RegistryModuleOwnerCustom} from "../../src/tokenAdminRegistry/RegistryModuleOwnerCustom.sol";
import {BurnMintTokenPool} from "../../src/pools/BurnMintTokenPool.sol";
import {BurnMintERC20} from "../../src/tokens/BurnMintERC20.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

contract AccessControlTokenTestDouble is AccessControl {
  constructor(address admin) {
    _grantRole(DEFAULT_ADMIN_ROLE, admin);
  }
}

contract TokenAdminRegistryTest is TokenPoolSetup {
  TokenAdminRegistry internal s_registry;
  RegistryModuleOwnerCustom internal s_module;
  BurnMintTokenPool internal s_pool;
  address internal constant ADMIN = address(0xAD);
  address internal constant ADMIN2 = address(0xAD2);

  event PoolSet(address indexed token, address indexed previousPool, address indexed newPool);
  event AdministratorTransferRequested(address indexed token, address indexed currentAdmin, address indexed newAdmin);
  event AdministratorTransferred(address indexed token, address indexed newAdmin);
  event RegistryModuleAdded(address module);
  event RegistryModuleRemoved(address indexed module);
  event AdministratorRegistered(address indexed token, address indexed administrator);

  function setUp() public {
    _baseSetUp();
    s_registry = new TokenAdminRegistry();
    s_module = new RegistryModuleOwnerCustom(address(s_registry));
    vm.expectEmit();
    emit RegistryModuleAdded(address(s_module));
    s_registry.addRegistryModule(address(s_module));
    s_pool = new BurnMintTokenPool(s_token, 18, new address[](0), address(s_rmn), address(s_router));
  }

  function _register(address admin) internal {
    s_registry.proposeAdministrator(address(s_token), admin);
    vm.prank(admin);
    s_registry.acceptAdminRole(address(s_token));
  }

  function test_typeAndVersion() public view {
    assertEq(s_registry.typeAndVersion(), "TokenAdminRegistry 1.6.0");
    assertEq(s_module.typeAndVersion(), "RegistryModuleOwnerCustom 1.6.0");
    assertTrue(s_registry.isRegistryModule(address(s_module)));
  }

  function test_proposeAndAccept() public {
    vm.expectEmit();
    emit AdministratorTransferRequested(address(s_token), address(0), ADMIN);
    s_registry.proposeAdministrator(address(s_token), ADMIN);
    TokenAdminRegistry.TokenConfig memory config = s_registry.getTokenConfig(address(s_token));
    assertEq(config.pendingAdministrator, ADMIN);
    assertEq(config.administrator, address(0));
    assertFalse(s_registry.isAdministrator(address(s_token), ADMIN));

    vm.expectEmit();
    emit AdministratorTransferred(address(s_token), ADMIN);
    vm.prank(ADMIN);
    s_registry.acceptAdminRole(address(s_token));
    assertTrue(s_registry.isAdministrator(address(s_token), ADMIN));
    assertEq(s_registry.getTokenConfig(address(s_token)).pendingAdministrator, address(0));
  }

  function test_proposeAdministrator_reverts() public {
    vm.prank(ADMIN);
    vm.expectRevert(abi.encodeWithSelector(TokenAdminRegistry.OnlyRegistryModuleOrOwner.selector, ADMIN));
    s_registry.proposeAdministrator(address(s_token), ADMIN);

    vm.expectRevert(TokenAdminRegistry.ZeroAddress.selector);
    s_registry.proposeAdministrator(address(s_token), address(0));

    _register(ADMIN);
    vm.expectRevert(abi.encodeWithSelector(TokenAdminRegistry.AlreadyRegistered.selector, address(s_token)));
    s_registry.proposeAdministrator(address(s_token), ADMIN2);
  }

  function test_proposeAdministrator_overwritesPendingBeforeAccept() public {
    s_registry.proposeAdministrator(address(s_token), ADMIN);
    s_registry.proposeAdministrator(address(s_token), ADMIN2);
    vm.prank(ADMIN);
    vm.expectRevert(
      abi.encodeWithSelector(TokenAdminRegistry.OnlyPendingAdministrator.selector, ADMIN, address(s_token))
    );
    s_registry.acceptAdminRole(address(s_token));
  }

  function test_setPool() public {
    _register(ADMIN);
    vm.expectEmit();
    emit PoolSet(address(s_token), address(0), address(s_pool));
    vm.prank(ADMIN);
    s_registry.setPool(address(s_token), address(s_pool));
    assertEq(s_registry.getPool(address(s_token)), address(s_pool));
    assertEq(s_registry.getTokenConfig(address(s_token)).tokenPool, address(s_pool));
    address[] memory tokens = new address[](2);
    tokens[0] = address(s_token);
    tokens[1] = address(0x1234);
    address[] memory pools = s_registry.getPools(tokens);
    assertEq(pools[0], address(s_pool));
    assertEq(pools[1], address(0));

    // Unsetting disables the token.
    vm.expectEmit();
    emit PoolSet(address(s_token), address(s_pool), address(0));
    vm.prank(ADMIN);
    s_registry.setPool(address(s_token), address(0));
    assertEq(s_registry.getPool(address(s_token)), address(0));
  }

  function test_setPool_reverts() public {
    _register(ADMIN);
    vm.prank(ADMIN2);
    vm.expectRevert(abi.encodeWithSelector(TokenAdminRegistry.OnlyAdministrator.selector, ADMIN2, address(s_token)));
    s_registry.setPool(address(s_token), address(s_pool));

    BurnMintERC20 other = new BurnMintERC20("o", "o", 18, 0, 0);
    s_registry.proposeAdministrator(address(other), ADMIN);
    vm.startPrank(ADMIN);
    s_registry.acceptAdminRole(address(other));
    vm.expectRevert(abi.encodeWithSelector(TokenAdminRegistry.InvalidTokenPoolToken.selector, address(other)));
    s_registry.setPool(address(other), address(s_pool));
    vm.stopPrank();
  }

  function test_transferAdminRole() public {
    _register(ADMIN);
    vm.expectEmit();
    emit AdministratorTransferRequested(address(s_token), ADMIN, ADMIN2);
    vm.prank(ADMIN);
    s_registry.transferAdminRole(address(s_token), ADMIN2);
    assertTrue(s_registry.isAdministrator(address(s_token), ADMIN)); // until accepted

    vm.prank(ADMIN);
    vm.expectRevert(
      abi.encodeWithSelector(TokenAdminRegistry.OnlyPendingAdministrator.selector, ADMIN, address(s_token))
    );
    s_registry.acceptAdminRole(address(s_token));

    vm.prank(ADMIN2);
    s_registry.acceptAdminRole(address(s_token));
    assertTrue(s_registry.isAdministrator(address(s_token), ADMIN2));
    assertFalse(s_registry.isAdministrator(address(s_token), ADMIN));
  }

  function test_transferAdminRole_onlyAdmin_reverts() public {
    _register(ADMIN);
    vm.prank(ADMIN2);
    vm.expectRevert(abi.encodeWithSelector(TokenAdminRegistry.OnlyAdministrator.selector, ADMIN2, address(s_token)));
    s_registry.transferAdminRole(address(s_token), ADMIN2);
  }

  function test_getAllConfiguredTokens() public {
    for (uint160 i = 1; i <= 5; ++i) {
      s_registry.proposeAdministrator(address(i), ADMIN);
    }
    address[] memory all = s_registry.getAllConfiguredTokens(0, 100);
    assertEq(all.length, 5);
    assertEq(all[4], address(5));
    address[] memory page = s_registry.getAllConfiguredTokens(3, 10);
    assertEq(page.length, 2);
    assertEq(page[0], address(4));
    assertEq(s_registry.getAllConfiguredTokens(1, 2).length, 2);
    assertEq(s_registry.getAllConfiguredTokens(5, 2).length, 0);
    assertEq(s_registry.getAllConfiguredTokens(0, 0).length, 0);
    // Proposing again for a pending token does not duplicate it.
    s_registry.proposeAdministrator(address(1), ADMIN2);
    assertEq(s_registry.getAllConfiguredTokens(0, type(uint64).max).length, 5);
  }

  function test_registryModules() public {
    vm.expectEmit();
    emit RegistryModuleRemoved(address(s_module));
    s_registry.removeRegistryModule(address(s_module));
    assertFalse(s_registry.isRegistryModule(address(s_module)));

    vm.expectRevert(TokenAdminRegistry.ZeroAddress.selector);
    s_registry.addRegistryModule(address(0));
    vm.startPrank(ADMIN);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_registry.addRegistryModule(ADMIN);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_registry.removeRegistryModule(address(s_module));
    vm.stopPrank();
  }

  // ================================================================
  // │                  RegistryModuleOwnerCustom                   │
  // ================================================================

  function test_module_constructor_zero_reverts() public {
    vm.expectRevert(RegistryModuleOwnerCustom.AddressZero.selector);
    new RegistryModuleOwnerCustom(address(0));
  }

  function test_registerAdminViaOwner() public {
    // The token's owner is this test contract.
    vm.expectEmit();
    emit AdministratorRegistered(address(s_token), address(this));
    s_module.registerAdminViaOwner(address(s_token));
    assertEq(s_registry.getTokenConfig(address(s_token)).pendingAdministrator, address(this));

    vm.prank(ADMIN);
    vm.expectRevert(
      abi.encodeWithSelector(RegistryModuleOwnerCustom.CanOnlySelfRegister.selector, address(this), address(s_token))
    );
    s_module.registerAdminViaOwner(address(s_token));
  }

  function test_registerAdminViaGetCCIPAdmin() public {
    s_token.setCCIPAdmin(ADMIN);
    vm.prank(ADMIN);
    s_module.registerAdminViaGetCCIPAdmin(address(s_token));
    vm.prank(ADMIN);
    s_registry.acceptAdminRole(address(s_token));
    assertTrue(s_registry.isAdministrator(address(s_token), ADMIN));

    vm.expectRevert(
      abi.encodeWithSelector(RegistryModuleOwnerCustom.CanOnlySelfRegister.selector, ADMIN, address(s_token))
    );
    s_module.registerAdminViaGetCCIPAdmin(address(s_token));
  }

  function test_registerAccessControlDefaultAdmin() public {
    AccessControlTokenTestDouble token = new AccessControlTokenTestDouble(ADMIN);
    vm.prank(ADMIN);
    s_module.registerAccessControlDefaultAdmin(address(token));
    assertEq(s_registry.getTokenConfig(address(token)).pendingAdministrator, ADMIN);

    vm.prank(ADMIN2);
    vm.expectRevert(
      abi.encodeWithSelector(
        RegistryModuleOwnerCustom.RequiredRoleNotFound.selector, ADMIN2, bytes32(0), address(token)
      )
    );
    s_module.registerAccessControlDefaultAdmin(address(token));
  }

  function test_module_notRegistered_reverts() public {
    s_registry.removeRegistryModule(address(s_module));
    vm.expectRevert(abi.encodeWithSelector(TokenAdminRegistry.OnlyRegistryModuleOrOwner.selector, address(s_module)));
    s_module.registerAdminViaOwner(address(s_token));
  }
}
