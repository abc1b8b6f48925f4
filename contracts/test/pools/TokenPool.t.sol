// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenPoolSetup, BurnMintTokenPoolHarness} from "./helpers/TokenPoolSetup.sol";
import {BurnMintTokenPool} from "../../src/pools/BurnMintTokenPool.sol";
import {TokenPool} from "../../src/pools/TokenPool.sol";
import {BurnMintERC20} from "../../src/tokens/BurnMintERC20.sol";
import {RateLimiter} from "../../src/libraries/RateLimiter.sol";
import {Pool} from "../../src/libraries/Pool.sol";
import {IPoolV1} from "../../src/interfaces/IPool.sol";
import {IBurnMintERC20} from "../../src/interfaces/IBurnMintERC20.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Rules of the abstract TokenPool, exercised through BurnMintTokenPool.
contract TokenPoolTest is TokenPoolSetup {
  BurnMintTokenPool internal s_pool;

  event ChainAdded(
    uint64 remoteChainSelector, bytes remoteToken, RateLimiter.Config outboundRateLimiterConfig, RateLimiter.Config inboundRateLimiterConfig
  );
  event ChainConfigured(uint64 remoteChainSelector, RateLimiter.Config outboundRateLimiterConfig, RateLimiter.Config inboundRateLimiterConfig);
  event ChainRemoved(uint64 remoteChainSelector);
  event RemotePoolAdded(uint64 indexed remoteChainSelector, bytes remotePoolAddress);
  event RemotePoolRemoved(uint64 indexed remoteChainSelector, bytes remotePoolAddress);
  event AllowListAdd(address sender);
  event AllowListRemove(address sender);
  event RouterUpdated(address oldRouter, address newRouter);
  event RateLimitAdminSet(address rateLimitAdmin);
  event LockedOrBurned(uint64 indexed remoteChainSelector, address token, address sender, uint256 amount);
  event ReleasedOrMinted(uint64 indexed remoteChainSelector, address token, address sender, address recipient, uint256 amount);

  function setUp() public {
    _baseSetUp();
    s_pool = new BurnMintTokenPool(s_token, 18, new address[](0), address(s_rmn), address(s_router));
    s_token.grantMintAndBurnRoles(address(s_pool));
    s_pool.applyChainUpdates(new uint64[](0), _chainUpdate(REMOTE, REMOTE_POOL, REMOTE_TOKEN, true));
    s_token.grantMintRole(address(this));
  }

  // ================================================================
  // │                        Constructor                           │
  // ================================================================

  function test_constructor() public view {
    assertEq(address(s_pool.getToken()), address(s_token));
    assertEq(s_pool.getTokenDecimals(), 18);
    assertEq(s_pool.getRmnProxy(), address(s_rmn));
    assertEq(s_pool.getRouter(), address(s_router));
    assertFalse(s_pool.getAllowListEnabled());
    assertEq(s_pool.typeAndVersion(), "BurnMintTokenPool 1.6.0");
    assertEq(s_pool.owner(), address(this));
  }

  function test_constructor_zeroAddress_reverts() public {
    vm.expectRevert(TokenPool.ZeroAddressNotAllowed.selector);
    new BurnMintTokenPool(IBurnMintERC20(address(0)), 18, new address[](0), address(s_rmn), address(s_router));
    vm.expectRevert(TokenPool.ZeroAddressNotAllowed.selector);
    new BurnMintTokenPool(s_token, 18, new address[](0), address(0), address(s_router));
    vm.expectRevert(TokenPool.ZeroAddressNotAllowed.selector);
    new BurnMintTokenPool(s_token, 18, new address[](0), address(s_rmn), address(0));
  }

  function test_constructor_wrongDecimals_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidDecimalArgs.selector, 6, 18));
    new BurnMintTokenPool(s_token, 6, new address[](0), address(s_rmn), address(s_router));
  }

  function test_supportsInterface() public view {
    assertTrue(s_pool.supportsInterface(Pool.CCIP_POOL_V1));
    // CCIP_POOL_V1 is bytes4(keccak256("CCIP_POOL_V1")), not the XOR of selectors; both are reported.
    assertEq(Pool.CCIP_POOL_V1, bytes4(keccak256("CCIP_POOL_V1")));
    assertTrue(s_pool.supportsInterface(type(IPoolV1).interfaceId));
    assertTrue(s_pool.supportsInterface(type(IERC165).interfaceId));
    assertFalse(s_pool.supportsInterface(0xffffffff));
    assertTrue(s_pool.isSupportedToken(address(s_token)));
    assertFalse(s_pool.isSupportedToken(address(1)));
  }

  // ================================================================
  // │                        Lock or burn                          │
  // ================================================================

  function _fund(uint256 amount) internal {
    s_token.mint(address(s_pool), amount); // as the Router would have moved it
  }

  function test_lockOrBurn() public {
    _fund(100e18);
    vm.expectEmit();
    emit LockedOrBurned(REMOTE, address(s_token), ONRAMP, 100e18);
    vm.prank(ONRAMP);
    uint256 gasBefore = gasleft();
    Pool.LockOrBurnOutV1 memory out = s_pool.lockOrBurn(_lockIn(100e18));
    emit log_named_uint("BurnMint lockOrBurn gas (limits on)", gasBefore - gasleft());
    assertEq(out.destTokenAddress, abi.encode(REMOTE_TOKEN));
    assertEq(out.destPoolData, abi.encode(uint256(18)));
    assertEq(s_token.balanceOf(address(s_pool)), 0);
    assertEq(s_token.totalSupply(), 0);
    assertEq(s_pool.getCurrentOutboundRateLimiterState(REMOTE).tokens, CAPACITY - 100e18);
  }

  function test_lockOrBurn_invalidToken_reverts() public {
    Pool.LockOrBurnInV1 memory input = _lockIn(1);
    input.localToken = address(0xdead);
    vm.prank(ONRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidToken.selector, address(0xdead)));
    s_pool.lockOrBurn(input);
  }

  function test_lockOrBurn_chainNotAllowed_reverts() public {
    Pool.LockOrBurnInV1 memory input = _lockIn(1);
    input.remoteChainSelector = 12345;
    vm.prank(ONRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.ChainNotAllowed.selector, uint64(12345)));
    s_pool.lockOrBurn(input);
  }

  function test_lockOrBurn_cursed_reverts() public {
    s_rmn.curse(bytes16(uint128(REMOTE)));
    vm.prank(ONRAMP);
    vm.expectRevert(TokenPool.CursedByRMN.selector);
    s_pool.lockOrBurn(_lockIn(1));
  }

  function test_lockOrBurn_globalCurse_reverts() public {
    s_rmn.curse(0x01000000000000000000000000000001);
    vm.prank(ONRAMP);
    vm.expectRevert(TokenPool.CursedByRMN.selector);
    s_pool.lockOrBurn(_lockIn(1));
  }

  function test_lockOrBurn_notOnRamp_reverts() public {
    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.CallerIsNotARampOnRouter.selector, OFFRAMP));
    s_pool.lockOrBurn(_lockIn(1));
  }

  function test_lockOrBurn_rateLimitCapacity_reverts() public {
    _fund(CAPACITY + 1);
    vm.prank(ONRAMP);
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.TokenMaxCapacityExceeded.selector, CAPACITY, CAPACITY + 1, address(s_token))
    );
    s_pool.lockOrBurn(_lockIn(CAPACITY + 1));
  }

  function test_lockOrBurn_rateLimitReached_reverts() public {
    _fund(CAPACITY + 20e18);
    vm.prank(ONRAMP);
    s_pool.lockOrBurn(_lockIn(CAPACITY - 10e18));
    vm.warp(block.timestamp + 3); // +3e18
    vm.prank(ONRAMP);
    // 20e18 wanted, 13e18 available: wait ceil(7e18 / 1e18) = 7 s.
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.TokenRateLimitReached.selector, 7, 13e18, address(s_token)));
    s_pool.lockOrBurn(_lockIn(20e18));
    vm.warp(block.timestamp + 7);
    vm.prank(ONRAMP);
    s_pool.lockOrBurn(_lockIn(20e18));
  }

  function test_lockOrBurn_allowlist() public {
    address[] memory allowed = new address[](1);
    allowed[0] = SENDER;
    BurnMintTokenPool pool = new BurnMintTokenPool(s_token, 18, allowed, address(s_rmn), address(s_router));
    s_token.grantMintAndBurnRoles(address(pool));
    pool.applyChainUpdates(new uint64[](0), _chainUpdate(REMOTE, REMOTE_POOL, REMOTE_TOKEN, false));
    assertTrue(pool.getAllowListEnabled());
    assertEq(pool.getAllowList().length, 1);

    s_token.mint(address(pool), 2);
    vm.prank(ONRAMP);
    pool.lockOrBurn(_lockIn(1));

    Pool.LockOrBurnInV1 memory input = _lockIn(1);
    input.originalSender = address(0xE111);
    vm.prank(ONRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.SenderNotAllowed.selector, address(0xE111)));
    pool.lockOrBurn(input);

    address[] memory removes = new address[](1);
    removes[0] = SENDER;
    vm.expectEmit();
    emit AllowListRemove(SENDER);
    pool.applyAllowListUpdates(removes, new address[](0));
    vm.prank(ONRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.SenderNotAllowed.selector, SENDER));
    pool.lockOrBurn(_lockIn(1));

    vm.expectEmit();
    emit AllowListAdd(SENDER);
    pool.applyAllowListUpdates(new address[](0), removes);
    vm.prank(ONRAMP);
    pool.lockOrBurn(_lockIn(1));
  }

  function test_applyAllowListUpdates_notEnabled_reverts() public {
    vm.expectRevert(TokenPool.AllowListNotEnabled.selector);
    s_pool.applyAllowListUpdates(new address[](0), new address[](1));
  }

  function test_applyAllowListUpdates_onlyOwner_reverts() public {
    vm.prank(SENDER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_pool.applyAllowListUpdates(new address[](0), new address[](0));
  }

  // ================================================================
  // │                       Release or mint                        │
  // ================================================================

  function test_releaseOrMint() public {
    vm.expectEmit();
    emit ReleasedOrMinted(REMOTE, address(s_token), OFFRAMP, RECEIVER, 50e18);
    vm.prank(OFFRAMP);
    uint256 gasBefore = gasleft();
    Pool.ReleaseOrMintOutV1 memory out = s_pool.releaseOrMint(_releaseIn(50e18));
    emit log_named_uint("BurnMint releaseOrMint gas (limits on)", gasBefore - gasleft());
    assertEq(out.destinationAmount, 50e18);
    assertEq(s_token.balanceOf(RECEIVER), 50e18);
    assertEq(s_pool.getCurrentInboundRateLimiterState(REMOTE).tokens, CAPACITY - 50e18);
  }

  function test_releaseOrMint_emptyPoolDataMeansSameDecimals() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(5);
    input.sourcePoolData = "";
    vm.prank(OFFRAMP);
    assertEq(s_pool.releaseOrMint(input).destinationAmount, 5);
  }

  function test_releaseOrMint_fewerRemoteDecimals() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(5e6);
    input.sourcePoolData = abi.encode(uint256(6));
    vm.prank(OFFRAMP);
    assertEq(s_pool.releaseOrMint(input).destinationAmount, 5e18);
    assertEq(s_token.balanceOf(RECEIVER), 5e18);
    // The inbound limit counts local units.
    assertEq(s_pool.getCurrentInboundRateLimiterState(REMOTE).tokens, CAPACITY - 5e18);
  }

  function test_releaseOrMint_moreRemoteDecimals_roundsDown() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(5e24 + 999_999);
    input.sourcePoolData = abi.encode(uint256(24));
    vm.prank(OFFRAMP);
    assertEq(s_pool.releaseOrMint(input).destinationAmount, 5e18);
  }

  function test_releaseOrMint_invalidToken_reverts() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(1);
    input.localToken = address(0xdead);
    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidToken.selector, address(0xdead)));
    s_pool.releaseOrMint(input);
  }

  function test_releaseOrMint_chainNotAllowed_reverts() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(1);
    input.remoteChainSelector = 777;
    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.ChainNotAllowed.selector, uint64(777)));
    s_pool.releaseOrMint(input);
  }

  function test_releaseOrMint_cursed_reverts() public {
    s_rmn.curse(bytes16(uint128(REMOTE)));
    vm.prank(OFFRAMP);
    vm.expectRevert(TokenPool.CursedByRMN.selector);
    s_pool.releaseOrMint(_releaseIn(1));
  }

  function test_releaseOrMint_cursedBeforeBadPool_reverts() public {
    s_rmn.curse(bytes16(uint128(REMOTE)));
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(1);
    input.sourcePoolAddress = abi.encode(address(0xBAD));
    vm.prank(OFFRAMP);
    vm.expectRevert(TokenPool.CursedByRMN.selector);
    s_pool.releaseOrMint(input);
  }

  function test_releaseOrMint_notOffRamp_reverts() public {
    vm.prank(ONRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.CallerIsNotARampOnRouter.selector, ONRAMP));
    s_pool.releaseOrMint(_releaseIn(1));
  }

  function test_releaseOrMint_invalidSourcePool_reverts() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(1);
    input.sourcePoolAddress = abi.encode(address(0xBAD));
    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidSourcePoolAddress.selector, abi.encode(address(0xBAD))));
    s_pool.releaseOrMint(input);
  }

  function test_releaseOrMint_invalidRemoteDecimals_reverts() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(1);
    input.sourcePoolData = abi.encode(uint256(256));
    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidRemoteChainDecimals.selector, input.sourcePoolData));
    s_pool.releaseOrMint(input);

    input.sourcePoolData = hex"01";
    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidRemoteChainDecimals.selector, input.sourcePoolData));
    s_pool.releaseOrMint(input);
  }

  function test_releaseOrMint_overflow_reverts() public {
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(type(uint256).max / 1e17);
    input.sourcePoolData = abi.encode(uint256(0)); // x 1e18
    vm.prank(OFFRAMP);
    vm.expectRevert(
      abi.encodeWithSelector(TokenPool.OverflowDetected.selector, uint8(0), uint8(18), type(uint256).max / 1e17)
    );
    s_pool.releaseOrMint(input);
  }

  function test_releaseOrMint_inboundRateLimit_reverts() public {
    vm.prank(OFFRAMP);
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.TokenMaxCapacityExceeded.selector, CAPACITY, CAPACITY + 1, address(s_token))
    );
    s_pool.releaseOrMint(_releaseIn(CAPACITY + 1));
  }

  // ================================================================
  // │                      Decimal conversion                      │
  // ================================================================

  function test_calculateLocalAmount_extremeDecimals_reverts() public {
    BurnMintTokenPoolHarness harness =
      new BurnMintTokenPoolHarness(s_token, 18, address(s_rmn), address(s_router));
    vm.expectRevert(abi.encodeWithSelector(TokenPool.OverflowDetected.selector, uint8(200), uint8(18), uint256(1)));
    harness.calculateLocalAmount(1, 200);
    assertEq(harness.calculateLocalAmount(type(uint256).max, 95), 1); // ~1.16e77 / 1e77

    BurnMintERC20 t100 = new BurnMintERC20("x", "x", 100, 0, 0);
    BurnMintTokenPoolHarness h100 = new BurnMintTokenPoolHarness(t100, 100, address(s_rmn), address(s_router));
    vm.expectRevert(abi.encodeWithSelector(TokenPool.OverflowDetected.selector, uint8(0), uint8(100), uint256(1)));
    h100.calculateLocalAmount(1, 0);
    assertEq(h100.calculateLocalAmount(0, 23), 0);
  }

  /// @dev Converting there and back never gives more than the original, and never overflows silently.
  function testFuzz_decimalRoundTrip_neverCreatesValue(uint8 decA, uint8 decB, uint256 amount) public {
    decA = uint8(bound(decA, 0, 36));
    decB = uint8(bound(decB, 0, 36));
    BurnMintTokenPoolHarness a =
      new BurnMintTokenPoolHarness(new BurnMintERC20("a", "a", decA, 0, 0), decA, address(s_rmn), address(s_router));
    BurnMintTokenPoolHarness b =
      new BurnMintTokenPoolHarness(new BurnMintERC20("b", "b", decB, 0, 0), decB, address(s_rmn), address(s_router));

    // Amount sent from chain A arrives on chain B.
    uint256 onB;
    try b.calculateLocalAmount(amount, decA) returns (uint256 converted) {
      onB = converted;
    } catch {
      // Only scaling up can fail, and only when the result would not fit.
      assertLt(decA, decB);
      assertGt(amount, type(uint256).max / 10 ** (decB - decA));
      return;
    }
    // Value is never created on B: scaled back up it is at most the original.
    if (decB <= decA) assertLe(onB * 10 ** (decA - decB), amount);
    else assertEq(onB, amount * 10 ** (decB - decA));
    // And back to A never exceeds what was sent.
    uint256 backOnA = a.calculateLocalAmount(onB, decB);
    assertLe(backOnA, amount);
  }

  // ================================================================
  // │                        Chain updates                         │
  // ================================================================

  function test_applyChainUpdates_added() public view {
    uint64[] memory chains = s_pool.getSupportedChains();
    assertEq(chains.length, 1);
    assertEq(chains[0], REMOTE);
    assertTrue(s_pool.isSupportedChain(REMOTE));
    assertEq(s_pool.getRemoteToken(REMOTE), abi.encode(REMOTE_TOKEN));
    bytes[] memory pools = s_pool.getRemotePools(REMOTE);
    assertEq(pools.length, 1);
    assertEq(pools[0], abi.encode(REMOTE_POOL));
    assertTrue(s_pool.isRemotePool(REMOTE, abi.encode(REMOTE_POOL)));
    RateLimiter.TokenBucket memory bucket = s_pool.getCurrentOutboundRateLimiterState(REMOTE);
    assertTrue(bucket.isEnabled);
    assertEq(bucket.tokens, CAPACITY); // starts full
    assertEq(bucket.capacity, CAPACITY);
    assertEq(bucket.rate, RATE);
  }

  function test_applyChainUpdates_events() public {
    TokenPool.ChainUpdate[] memory updates = _chainUpdate(99, address(0x99), address(0x98), false);
    vm.expectEmit();
    emit RemotePoolAdded(99, abi.encode(address(0x99)));
    vm.expectEmit();
    emit ChainAdded(99, abi.encode(address(0x98)), _rl(false), _rl(false));
    s_pool.applyChainUpdates(new uint64[](0), updates);

    uint64[] memory removes = new uint64[](1);
    removes[0] = 99;
    vm.expectEmit();
    emit RemotePoolRemoved(99, abi.encode(address(0x99)));
    vm.expectEmit();
    emit ChainRemoved(99);
    s_pool.applyChainUpdates(removes, new TokenPool.ChainUpdate[](0));
  }

  function test_applyChainUpdates_removeClearsEverything() public {
    uint64[] memory removes = new uint64[](1);
    removes[0] = REMOTE;
    s_pool.applyChainUpdates(removes, new TokenPool.ChainUpdate[](0));
    assertFalse(s_pool.isSupportedChain(REMOTE));
    assertEq(s_pool.getSupportedChains().length, 0);
    assertEq(s_pool.getRemoteToken(REMOTE).length, 0);
    assertEq(s_pool.getRemotePools(REMOTE).length, 0);
    assertFalse(s_pool.isRemotePool(REMOTE, abi.encode(REMOTE_POOL)));

    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.ChainNotAllowed.selector, REMOTE));
    s_pool.releaseOrMint(_releaseIn(1));

    // Re-adding with other pools does not resurrect the old ones.
    s_pool.applyChainUpdates(new uint64[](0), _chainUpdate(REMOTE, address(0x1234), REMOTE_TOKEN, false));
    assertFalse(s_pool.isRemotePool(REMOTE, abi.encode(REMOTE_POOL)));
    assertEq(s_pool.getRemotePools(REMOTE).length, 1);
  }

  function test_applyChainUpdates_nonExistent_reverts() public {
    uint64[] memory removes = new uint64[](1);
    removes[0] = 5;
    vm.expectRevert(abi.encodeWithSelector(TokenPool.NonExistentChain.selector, uint64(5)));
    s_pool.applyChainUpdates(removes, new TokenPool.ChainUpdate[](0));
  }

  function test_applyChainUpdates_alreadyExists_reverts() public {
    TokenPool.ChainUpdate[] memory updates = _chainUpdate(REMOTE, REMOTE_POOL, REMOTE_TOKEN, false);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.ChainAlreadyExists.selector, REMOTE));
    s_pool.applyChainUpdates(new uint64[](0), updates);
  }

  function test_applyChainUpdates_emptyRemoteToken_reverts() public {
    TokenPool.ChainUpdate[] memory updates = _chainUpdate(5, REMOTE_POOL, REMOTE_TOKEN, false);
    updates[0].remoteTokenAddress = "";
    vm.expectRevert(TokenPool.ZeroAddressNotAllowed.selector);
    s_pool.applyChainUpdates(new uint64[](0), updates);
  }

  function test_applyChainUpdates_invalidRateLimit_reverts() public {
    TokenPool.ChainUpdate[] memory updates = _chainUpdate(5, REMOTE_POOL, REMOTE_TOKEN, false);
    updates[0].inboundRateLimiterConfig = RateLimiter.Config({isEnabled: true, capacity: 10, rate: 10});
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.InvalidRateLimitRate.selector, updates[0].inboundRateLimiterConfig));
    s_pool.applyChainUpdates(new uint64[](0), updates);

    updates[0].inboundRateLimiterConfig = RateLimiter.Config({isEnabled: false, capacity: 10, rate: 0});
    vm.expectRevert(
      abi.encodeWithSelector(RateLimiter.DisabledNonZeroRateLimit.selector, updates[0].inboundRateLimiterConfig)
    );
    s_pool.applyChainUpdates(new uint64[](0), updates);
  }

  function test_applyChainUpdates_duplicatePool_reverts() public {
    TokenPool.ChainUpdate[] memory updates = _chainUpdate(5, REMOTE_POOL, REMOTE_TOKEN, false);
    bytes[] memory pools = new bytes[](2);
    pools[0] = abi.encode(REMOTE_POOL);
    pools[1] = abi.encode(REMOTE_POOL);
    updates[0].remotePoolAddresses = pools;
    vm.expectRevert(abi.encodeWithSelector(TokenPool.PoolAlreadyAdded.selector, uint64(5), abi.encode(REMOTE_POOL)));
    s_pool.applyChainUpdates(new uint64[](0), updates);
  }

  function test_applyChainUpdates_onlyOwner_reverts() public {
    vm.prank(SENDER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_pool.applyChainUpdates(new uint64[](0), new TokenPool.ChainUpdate[](0));
  }

  // ================================================================
  // │                         Remote pools                         │
  // ================================================================

  function test_addRemotePool_and_remove() public {
    bytes memory newPool = abi.encode(address(0xABC));
    vm.expectEmit();
    emit RemotePoolAdded(REMOTE, newPool);
    s_pool.addRemotePool(REMOTE, newPool);
    assertEq(s_pool.getRemotePools(REMOTE).length, 2);

    // Both old and new pools are trusted during an upgrade.
    Pool.ReleaseOrMintInV1 memory input = _releaseIn(1);
    input.sourcePoolAddress = newPool;
    vm.prank(OFFRAMP);
    s_pool.releaseOrMint(input);

    vm.expectEmit();
    emit RemotePoolRemoved(REMOTE, newPool);
    s_pool.removeRemotePool(REMOTE, newPool);
    assertFalse(s_pool.isRemotePool(REMOTE, newPool));
    vm.prank(OFFRAMP);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidSourcePoolAddress.selector, newPool));
    s_pool.releaseOrMint(input);
  }

  function test_addRemotePool_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(TokenPool.NonExistentChain.selector, uint64(5)));
    s_pool.addRemotePool(5, abi.encode(address(1)));
    vm.expectRevert(TokenPool.ZeroAddressNotAllowed.selector);
    s_pool.addRemotePool(REMOTE, "");
    vm.expectRevert(abi.encodeWithSelector(TokenPool.PoolAlreadyAdded.selector, REMOTE, abi.encode(REMOTE_POOL)));
    s_pool.addRemotePool(REMOTE, abi.encode(REMOTE_POOL));
    vm.prank(SENDER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_pool.addRemotePool(REMOTE, abi.encode(address(1)));
  }

  function test_removeRemotePool_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(TokenPool.NonExistentChain.selector, uint64(5)));
    s_pool.removeRemotePool(5, abi.encode(address(1)));
    vm.expectRevert(abi.encodeWithSelector(TokenPool.InvalidRemotePoolForChain.selector, REMOTE, abi.encode(address(1))));
    s_pool.removeRemotePool(REMOTE, abi.encode(address(1)));
    vm.prank(SENDER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_pool.removeRemotePool(REMOTE, abi.encode(REMOTE_POOL));
  }

  // ================================================================
  // │                    Rate limit configuration                  │
  // ================================================================

  function test_setChainRateLimiterConfig_byAdmin() public {
    address admin = address(0xAD);
    vm.expectEmit();
    emit RateLimitAdminSet(admin);
    s_pool.setRateLimitAdmin(admin);
    assertEq(s_pool.getRateLimitAdmin(), admin);

    RateLimiter.Config memory out = RateLimiter.Config({isEnabled: true, capacity: 10e18, rate: 1e17});
    vm.expectEmit();
    emit ChainConfigured(REMOTE, out, _rl(false));
    vm.prank(admin);
    s_pool.setChainRateLimiterConfig(REMOTE, out, _rl(false));
    RateLimiter.TokenBucket memory bucket = s_pool.getCurrentOutboundRateLimiterState(REMOTE);
    assertEq(bucket.capacity, 10e18);
    assertEq(bucket.tokens, 10e18); // clamped to the new capacity
    assertFalse(s_pool.getCurrentInboundRateLimiterState(REMOTE).isEnabled);
  }

  function test_setChainRateLimiterConfig_unauthorized_reverts() public {
    vm.prank(SENDER);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.Unauthorized.selector, SENDER));
    s_pool.setChainRateLimiterConfig(REMOTE, _rl(false), _rl(false));
  }

  function test_setChainRateLimiterConfig_nonExistent_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(TokenPool.NonExistentChain.selector, uint64(5)));
    s_pool.setChainRateLimiterConfig(5, _rl(false), _rl(false));
  }

  function test_setChainRateLimiterConfig_invalid_reverts() public {
    RateLimiter.Config memory bad = RateLimiter.Config({isEnabled: true, capacity: 10, rate: 0});
    vm.expectRevert(abi.encodeWithSelector(RateLimiter.InvalidRateLimitRate.selector, bad));
    s_pool.setChainRateLimiterConfig(REMOTE, bad, _rl(false));
  }

  function test_setChainRateLimiterConfigs() public {
    uint64[] memory selectors = new uint64[](1);
    selectors[0] = REMOTE;
    RateLimiter.Config[] memory outs = new RateLimiter.Config[](1);
    RateLimiter.Config[] memory ins = new RateLimiter.Config[](1);
    outs[0] = RateLimiter.Config({isEnabled: true, capacity: 5, rate: 1});
    s_pool.setChainRateLimiterConfigs(selectors, outs, ins);
    assertEq(s_pool.getCurrentOutboundRateLimiterState(REMOTE).capacity, 5);

    vm.expectRevert(TokenPool.MismatchedArrayLengths.selector);
    s_pool.setChainRateLimiterConfigs(selectors, outs, new RateLimiter.Config[](0));

    vm.prank(SENDER);
    vm.expectRevert(abi.encodeWithSelector(TokenPool.Unauthorized.selector, SENDER));
    s_pool.setChainRateLimiterConfigs(selectors, outs, ins);
  }

  function test_setRateLimitAdmin_onlyOwner_reverts() public {
    vm.prank(SENDER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_pool.setRateLimitAdmin(SENDER);
  }

  // ================================================================
  // │                            Router                            │
  // ================================================================

  function test_setRouter() public {
    vm.expectEmit();
    emit RouterUpdated(address(s_router), address(0x4242));
    s_pool.setRouter(address(0x4242));
    assertEq(s_pool.getRouter(), address(0x4242));

    vm.expectRevert(TokenPool.ZeroAddressNotAllowed.selector);
    s_pool.setRouter(address(0));
    vm.prank(SENDER);
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_pool.setRouter(address(1));
  }
}
