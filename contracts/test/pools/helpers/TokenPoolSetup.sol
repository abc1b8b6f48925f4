// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {RouterTestDouble} from "./RouterTestDouble.sol";
import {RMNRemote} from "../../../src/rmn/RMNRemote.sol";
import {BurnMintERC20} from "../../../src/tokens/BurnMintERC20.sol";
import {BurnMintTokenPool} from "../../../src/pools/BurnMintTokenPool.sol";
import {LockReleaseTokenPool} from "../../../src/pools/LockReleaseTokenPool.sol";
import {TokenPool} from "../../../src/pools/TokenPool.sol";
import {RateLimiter} from "../../../src/libraries/RateLimiter.sol";
import {Pool} from "../../../src/libraries/Pool.sol";
import {IBurnMintERC20} from "../../../src/interfaces/IBurnMintERC20.sol";

/// @notice Exposes the decimal conversion of the pool.
contract BurnMintTokenPoolHarness is BurnMintTokenPool {
  constructor(IBurnMintERC20 token, uint8 decimals, address rmn, address router)
    BurnMintTokenPool(token, decimals, new address[](0), rmn, router)
  {}

  function calculateLocalAmount(uint256 remoteAmount, uint8 remoteDecimals) external view returns (uint256) {
    return _calculateLocalAmount(remoteAmount, remoteDecimals);
  }
}

abstract contract TokenPoolSetup is Test {
  uint64 internal constant LOCAL = 7759470850252068959;
  uint64 internal constant REMOTE = 16015286601757825753;
  address internal constant ONRAMP = address(0x0A0A);
  address internal constant OFFRAMP = address(0x0F0F);
  address internal constant REMOTE_POOL = address(0x9001);
  address internal constant REMOTE_TOKEN = address(0x7001);
  address internal constant SENDER = address(0x5E4D);
  address internal constant RECEIVER = address(0x4EC);
  uint128 internal constant CAPACITY = 1_000e18;
  uint128 internal constant RATE = 1e18;

  RouterTestDouble internal s_router;
  RMNRemote internal s_rmn;
  BurnMintERC20 internal s_token;

  function _baseSetUp() internal {
    vm.warp(1_700_000_000);
    s_router = new RouterTestDouble();
    s_router.setOnRamp(REMOTE, ONRAMP);
    s_router.setOffRamp(REMOTE, OFFRAMP, true);
    s_rmn = new RMNRemote(LOCAL);
    s_token = new BurnMintERC20("Token", "TKN", 18, 0, 0);
  }

  function _rl(bool enabled) internal pure returns (RateLimiter.Config memory) {
    return enabled
      ? RateLimiter.Config({isEnabled: true, capacity: CAPACITY, rate: RATE})
      : RateLimiter.Config({isEnabled: false, capacity: 0, rate: 0});
  }

  function _chainUpdate(uint64 selector, address remotePool, address remoteToken, bool limits)
    internal
    pure
    returns (TokenPool.ChainUpdate[] memory updates)
  {
    updates = new TokenPool.ChainUpdate[](1);
    bytes[] memory pools = new bytes[](1);
    pools[0] = abi.encode(remotePool);
    updates[0] = TokenPool.ChainUpdate({
      remoteChainSelector: selector,
      remotePoolAddresses: pools,
      remoteTokenAddress: abi.encode(remoteToken),
      outboundRateLimiterConfig: _rl(limits),
      inboundRateLimiterConfig: _rl(limits)
    });
  }

  function _lockIn(uint256 amount) internal view returns (Pool.LockOrBurnInV1 memory) {
    return Pool.LockOrBurnInV1({
      receiver: abi.encode(RECEIVER),
      remoteChainSelector: REMOTE,
      originalSender: SENDER,
      amount: amount,
      localToken: address(s_token)
    });
  }

  function _releaseIn(uint256 amount) internal view returns (Pool.ReleaseOrMintInV1 memory) {
    return Pool.ReleaseOrMintInV1({
      originalSender: abi.encode(SENDER),
      remoteChainSelector: REMOTE,
      receiver: RECEIVER,
      sourceDenominatedAmount: amount,
      localToken: address(s_token),
      sourcePoolAddress: abi.encode(REMOTE_POOL),
      sourcePoolData: abi.encode(uint256(18)),
      offchainTokenData: ""
    });
  }
}
