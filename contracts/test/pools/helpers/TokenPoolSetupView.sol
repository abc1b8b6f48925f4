// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenPoolSetup} from "./TokenPoolSetup.sol";
import {LockReleaseTokenPool} from "../../../src/pools/LockReleaseTokenPool.sol";
import {BurnMintTokenPool} from "../../../src/pools/BurnMintTokenPool.sol";
import {Pool} from "../../../src/libraries/Pool.sol";

/// @dev Lets the handler reach the setup helpers.
contract TokenPoolSetupView is TokenPoolSetup {
  function init() external {
    _baseSetUp();
  }

  function token() external view returns (IERC20Like) {
    return IERC20Like(address(s_token));
  }

  function mintTo(address to, uint256 amount) external {
    s_token.mint(to, amount);
  }

  function onRamp() external pure returns (address) {
    return ONRAMP;
  }

  function offRamp() external pure returns (address) {
    return OFFRAMP;
  }

  function lockIn(uint256 amount) external view returns (Pool.LockOrBurnInV1 memory) {
    return _lockIn(amount);
  }

  function releaseIn(uint256 amount) external view returns (Pool.ReleaseOrMintInV1 memory) {
    return _releaseIn(amount);
  }

  function makeLockReleasePool() external returns (LockReleaseTokenPool pool) {
    pool = new LockReleaseTokenPool(s_token, 18, new address[](0), address(s_rmn), true, address(s_router));
    pool.applyChainUpdates(new uint64[](0), _chainUpdate(REMOTE, REMOTE_POOL, REMOTE_TOKEN, false));
    s_token.grantMintRole(address(this));
  }

  function makeBurnMintPool() external returns (BurnMintTokenPool pool) {
    pool = new BurnMintTokenPool(s_token, 18, new address[](0), address(s_rmn), address(s_router));
    pool.applyChainUpdates(new uint64[](0), _chainUpdate(REMOTE, REMOTE_POOL, REMOTE_TOKEN, false));
    s_token.grantMintAndBurnRoles(address(pool));
    s_token.grantMintRole(address(this));
  }

  function totalSupply() external view returns (uint256) {
    return s_token.totalSupply();
  }

  function setRebalancer(LockReleaseTokenPool pool, address rebalancer) external {
    pool.setRebalancer(rebalancer);
  }
}

interface IERC20Like {
  function approve(address, uint256) external returns (bool);
  function balanceOf(address) external view returns (uint256);
}

