// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TokenPoolSetupView} from "./helpers/TokenPoolSetupView.sol";
import {BurnMintTokenPool} from "../../src/pools/BurnMintTokenPool.sol";
import {Pool} from "../../src/libraries/Pool.sol";

/// @dev Random burns (after the Router's transfer) and mints, with the ledger the invariant checks.
contract BurnMintHandler is Test {
  BurnMintTokenPool internal s_pool;
  TokenPoolSetupView internal s_env;
  uint256 public minted;
  uint256 public burned;
  uint256 public userMinted;

  constructor(BurnMintTokenPool pool, TokenPoolSetupView env) {
    s_pool = pool;
    s_env = env;
  }

  function burn(uint256 amount) external {
    amount = bound(amount, 0, 1e24);
    s_env.mintTo(address(s_pool), amount); // a user's tokens moved in by the Router
    userMinted += amount;
    Pool.LockOrBurnInV1 memory input = s_env.lockIn(amount);
    vm.prank(s_env.onRamp());
    s_pool.lockOrBurn(input);
    burned += amount;
  }

  function mint(uint256 amount, bool withDecimals) external {
    amount = bound(amount, 0, 1e30);
    Pool.ReleaseOrMintInV1 memory input = s_env.releaseIn(amount);
    if (withDecimals) input.sourcePoolData = abi.encode(uint256(24)); // remote has 6 more decimals
    vm.prank(s_env.offRamp());
    Pool.ReleaseOrMintOutV1 memory out = s_pool.releaseOrMint(input);
    minted += out.destinationAmount;
  }
}

contract BurnMintTokenPoolInvariantTest is Test {
  TokenPoolSetupView internal s_env;
  BurnMintHandler internal s_handler;
  BurnMintTokenPool internal s_pool;

  function setUp() public {
    s_env = new TokenPoolSetupView();
    s_env.init();
    s_pool = s_env.makeBurnMintPool();
    s_handler = new BurnMintHandler(s_pool, s_env);
    targetContract(address(s_handler));
  }

  function test_burnThenMint() public {
    s_handler.burn(5e18);
    assertEq(s_env.totalSupply(), 0);
    s_handler.mint(7e18, false);
    assertEq(s_env.totalSupply(), 7e18);
    assertEq(s_pool.typeAndVersion(), "BurnMintTokenPool 1.6.0");
  }

  function invariant_totalSupplyMatchesLedger() public view {
    // initial (0) + user mints + pool mints - pool burns
    assertEq(s_env.totalSupply() + s_handler.burned(), s_handler.userMinted() + s_handler.minted());
    // The pool never keeps what it was given to burn.
    assertEq(s_env.token().balanceOf(address(s_pool)), 0);
  }
}
