// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {BurnMintERC20} from "../../src/tokens/BurnMintERC20.sol";
import {IBurnMintERC20} from "../../src/interfaces/IBurnMintERC20.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract BurnMintERC20Test is Test {
  BurnMintERC20 internal s_token;
  address internal constant MINTER = address(0x111);
  address internal constant USER = address(0x222);

  event MintAccessGranted(address indexed minter);
  event BurnAccessGranted(address indexed burner);
  event MintAccessRevoked(address indexed minter);
  event BurnAccessRevoked(address indexed burner);
  event CCIPAdminTransferred(address indexed previousAdmin, address indexed newAdmin);

  function setUp() public {
    s_token = new BurnMintERC20("Token", "TKN", 6, 1_000e6, 100e6);
  }

  function test_constructor() public view {
    assertEq(s_token.name(), "Token");
    assertEq(s_token.symbol(), "TKN");
    assertEq(s_token.decimals(), 6);
    assertEq(s_token.maxSupply(), 1_000e6);
    assertEq(s_token.balanceOf(address(this)), 100e6);
    assertEq(s_token.owner(), address(this));
    assertEq(s_token.getCCIPAdmin(), address(this));
  }

  function test_constructor_preMintAboveMax_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.MaxSupplyExceeded.selector, 11));
    new BurnMintERC20("a", "a", 18, 10, 11);
  }

  function test_supportsInterface() public view {
    assertTrue(s_token.supportsInterface(type(IERC20).interfaceId));
    assertTrue(s_token.supportsInterface(type(IBurnMintERC20).interfaceId));
    assertTrue(s_token.supportsInterface(type(IERC165).interfaceId));
    assertFalse(s_token.supportsInterface(0xffffffff));
  }

  function test_roles() public {
    vm.expectEmit();
    emit MintAccessGranted(MINTER);
    vm.expectEmit();
    emit BurnAccessGranted(MINTER);
    s_token.grantMintAndBurnRoles(MINTER);
    assertTrue(s_token.isMinter(MINTER));
    assertTrue(s_token.isBurner(MINTER));
    assertEq(s_token.getMinters().length, 1);
    assertEq(s_token.getBurners()[0], MINTER);

    vm.expectEmit();
    emit MintAccessRevoked(MINTER);
    s_token.revokeMintRole(MINTER);
    vm.expectEmit();
    emit BurnAccessRevoked(MINTER);
    s_token.revokeBurnRole(MINTER);
    assertFalse(s_token.isMinter(MINTER));
    assertFalse(s_token.isBurner(MINTER));
  }

  function test_roles_onlyOwner_reverts() public {
    vm.startPrank(USER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_token.grantMintRole(USER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_token.grantBurnRole(USER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_token.grantMintAndBurnRoles(USER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_token.revokeMintRole(USER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_token.revokeBurnRole(USER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_token.setCCIPAdmin(USER);
    vm.stopPrank();
  }

  function test_mint() public {
    s_token.grantMintRole(MINTER);
    vm.prank(MINTER);
    s_token.mint(USER, 900e6);
    assertEq(s_token.totalSupply(), 1_000e6);
    vm.prank(MINTER);
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.MaxSupplyExceeded.selector, 1_000e6 + 1));
    s_token.mint(USER, 1);
  }

  function test_mint_unlimited() public {
    BurnMintERC20 token = new BurnMintERC20("u", "u", 18, 0, 0);
    token.grantMintRole(MINTER);
    vm.prank(MINTER);
    token.mint(USER, type(uint128).max);
    assertEq(token.balanceOf(USER), type(uint128).max);
  }

  function test_mint_notMinter_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.SenderNotMinter.selector, address(this)));
    s_token.mint(USER, 1);
  }

  function test_mint_toToken_reverts() public {
    s_token.grantMintRole(MINTER);
    vm.prank(MINTER);
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.InvalidRecipient.selector, address(s_token)));
    s_token.mint(address(s_token), 1);
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.InvalidRecipient.selector, address(s_token)));
    s_token.transfer(address(s_token), 1);
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.InvalidRecipient.selector, address(s_token)));
    s_token.approve(address(s_token), 1);
  }

  function test_burn() public {
    s_token.grantBurnRole(address(this));
    s_token.burn(40e6);
    assertEq(s_token.totalSupply(), 60e6);
    assertEq(s_token.balanceOf(address(this)), 60e6);
  }

  function test_burn_notBurner_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.SenderNotBurner.selector, address(this)));
    s_token.burn(1);
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.SenderNotBurner.selector, address(this)));
    s_token.burnFrom(USER, 1);
    vm.expectRevert(abi.encodeWithSelector(BurnMintERC20.SenderNotBurner.selector, address(this)));
    s_token.burn(USER, 1);
  }

  function test_burnFrom_spendsAllowance() public {
    s_token.grantBurnRole(MINTER);
    s_token.approve(MINTER, 30e6);
    vm.prank(MINTER);
    s_token.burnFrom(address(this), 10e6);
    vm.prank(MINTER);
    s_token.burn(address(this), 20e6);
    assertEq(s_token.totalSupply(), 70e6);
    assertEq(s_token.allowance(address(this), MINTER), 0);
    vm.prank(MINTER);
    vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, MINTER, 0, 1));
    s_token.burnFrom(address(this), 1);
  }

  function test_setCCIPAdmin() public {
    vm.expectEmit();
    emit CCIPAdminTransferred(address(this), USER);
    s_token.setCCIPAdmin(USER);
    assertEq(s_token.getCCIPAdmin(), USER);
  }
}
