// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBurnMintERC20} from "../../src/interfaces/IBurnMintERC20.sol";
import {Pool} from "../../src/libraries/Pool.sol";
import {RateLimiter} from "../../src/libraries/RateLimiter.sol";
import {BurnMintTokenPool} from "../../src/pools/BurnMintTokenPool.sol";
import {LockReleaseTokenPool} from "../../src/pools/LockReleaseTokenPool.sol";
import {TokenPool} from "../../src/pools/TokenPool.sol";
import {RMNRemote} from "../../src/rmn/RMNRemote.sol";
import {BurnMintERC20} from "../../src/tokens/BurnMintERC20.sol";
import {RouterTestDouble} from "./helpers/RouterTestDouble.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Test} from "forge-std/Test.sol";

/// @dev Random outbound (lockOrBurn) and inbound (releaseOrMint, with decimal conversion) traffic through a
/// burn/mint pool and a lock/release pool whose per-chain buckets are ENABLED, plus waits, liquidity moves and
/// rate-limit reconfigurations by the rate limit admin. A rejected transfer reverts as a whole (as the ramps'
/// transactions do). Records each bucket's consumption per configuration epoch for the window check.
contract PoolRateLimitHandler is Test {
  uint64 public constant REMOTE = 16015286601757825753;
  address public constant ONRAMP = address(0x0A0A);
  address public constant OFFRAMP = address(0x0F0F);
  address internal constant REMOTE_POOL = address(0x9001);

  struct Consumption {
    uint256 time;
    uint256 cumBefore;
    uint256 cumAfter;
  }

  /// @dev Bucket ids: 0 bm outbound, 1 bm inbound, 2 lr outbound, 3 lr inbound.
  struct Epoch {
    uint128 capacity;
    uint128 rate;
    bool isEnabled;
    uint256 consumed;
    Consumption[] log;
  }

  BurnMintERC20 public bmToken;
  BurnMintERC20 public lrToken;
  BurnMintTokenPool public bmPool;
  LockReleaseTokenPool public lrPool;

  Epoch[4] internal s_epochs;

  // Conservation ledgers.
  uint256 public bmUserMinted; // tokens handed to users before they send (the Router's transfer into the pool)
  uint256 public bmBurned;
  uint256 public bmMinted;
  uint256 public lrProvided;
  uint256 public lrWithdrawn;
  uint256 public lrLocked;
  uint256 public lrReleased;

  constructor() {
    RouterTestDouble router = new RouterTestDouble();
    router.setOnRamp(REMOTE, ONRAMP);
    router.setOffRamp(REMOTE, OFFRAMP, true);
    RMNRemote rmn = new RMNRemote(7759470850252068959);

    bmToken = new BurnMintERC20("BM", "BM", 18, 0, 0);
    lrToken = new BurnMintERC20("LR", "LR", 18, 0, 0);
    bmPool = new BurnMintTokenPool(IBurnMintERC20(address(bmToken)), 18, new address[](0), address(rmn), address(router));
    lrPool = new LockReleaseTokenPool(IERC20(address(lrToken)), 18, new address[](0), address(rmn), true, address(router));
    bmToken.grantMintAndBurnRoles(address(bmPool));
    bmToken.grantMintRole(address(this));
    lrToken.grantMintRole(address(this));
    lrPool.setRebalancer(address(this));

    RateLimiter.Config memory cfg = RateLimiter.Config({isEnabled: true, capacity: 1_000e18, rate: 1e18});
    _addChain(bmPool, cfg);
    _addChain(lrPool, cfg);
    for (uint256 i = 0; i < 4; ++i) {
      _startEpoch(i, cfg);
    }
  }

  function _addChain(TokenPool pool, RateLimiter.Config memory cfg) internal {
    TokenPool.ChainUpdate[] memory updates = new TokenPool.ChainUpdate[](1);
    bytes[] memory pools = new bytes[](1);
    pools[0] = abi.encode(REMOTE_POOL);
    updates[0] = TokenPool.ChainUpdate({
      remoteChainSelector: REMOTE,
      remotePoolAddresses: pools,
      remoteTokenAddress: abi.encode(address(0x7001)),
      outboundRateLimiterConfig: cfg,
      inboundRateLimiterConfig: cfg
    });
    pool.applyChainUpdates(new uint64[](0), updates);
  }

  function _startEpoch(uint256 id, RateLimiter.Config memory cfg) internal {
    Epoch storage e = s_epochs[id];
    e.capacity = cfg.capacity;
    e.rate = cfg.rate;
    e.isEnabled = cfg.isEnabled;
    e.consumed = 0;
    delete e.log;
  }

  function _record(uint256 id, uint256 amount) internal {
    Epoch storage e = s_epochs[id];
    if (!e.isEnabled || amount == 0) return;
    e.log.push(Consumption({time: block.timestamp, cumBefore: e.consumed, cumAfter: e.consumed + amount}));
    e.consumed += amount;
  }

  function _lockIn(address token, uint256 amount) internal pure returns (Pool.LockOrBurnInV1 memory) {
    return Pool.LockOrBurnInV1({
      receiver: abi.encode(address(0x4EC)),
      remoteChainSelector: REMOTE,
      originalSender: address(0x5E4D),
      amount: amount,
      localToken: token
    });
  }

  function _releaseIn(address token, uint256 amount, uint8 remoteDecimals)
    internal
    pure
    returns (Pool.ReleaseOrMintInV1 memory)
  {
    return Pool.ReleaseOrMintInV1({
      originalSender: abi.encode(address(0x5E4D)),
      remoteChainSelector: REMOTE,
      receiver: address(0x4EC),
      sourceDenominatedAmount: amount,
      localToken: token,
      sourcePoolAddress: abi.encode(REMOTE_POOL),
      sourcePoolData: abi.encode(uint256(remoteDecimals)),
      offchainTokenData: ""
    });
  }

  // ---------------------------------------------------------------- atomic steps (self-calls, all-or-nothing)

  function doBurn(uint256 amount) external {
    require(msg.sender == address(this));
    bmToken.mint(address(bmPool), amount); // the Router's transfer into the pool
    vm.prank(ONRAMP);
    bmPool.lockOrBurn(_lockIn(address(bmToken), amount));
  }

  function doLock(uint256 amount) external {
    require(msg.sender == address(this));
    lrToken.mint(address(lrPool), amount);
    vm.prank(ONRAMP);
    lrPool.lockOrBurn(_lockIn(address(lrToken), amount));
  }

  // ---------------------------------------------------------------- actions

  function burn(uint256 amount) external {
    amount = bound(amount, 0, 1_200e18);
    try this.doBurn(amount) {
      bmUserMinted += amount;
      bmBurned += amount;
      _record(0, amount);
    } catch {}
  }

  function mint(uint256 amount, bool sixDecimalsRemote) external {
    amount = bound(amount, 0, sixDecimalsRemote ? 1_200e6 : 1_200e18);
    vm.prank(OFFRAMP);
    try bmPool.releaseOrMint(_releaseIn(address(bmToken), amount, sixDecimalsRemote ? 6 : 18)) returns (
      Pool.ReleaseOrMintOutV1 memory out
    ) {
      bmMinted += out.destinationAmount;
      _record(1, out.destinationAmount); // inbound limits count local units
    } catch {}
  }

  function lock(uint256 amount) external {
    amount = bound(amount, 0, 1_200e18);
    try this.doLock(amount) {
      lrLocked += amount;
      _record(2, amount);
    } catch {}
  }

  function release(uint256 amount, bool sixDecimalsRemote) external {
    amount = bound(amount, 0, sixDecimalsRemote ? 1_200e6 : 1_200e18);
    vm.prank(OFFRAMP);
    // Fails (and is not counted) when rate-limited or when liquidity is short.
    try lrPool.releaseOrMint(_releaseIn(address(lrToken), amount, sixDecimalsRemote ? 6 : 18)) returns (
      Pool.ReleaseOrMintOutV1 memory out
    ) {
      lrReleased += out.destinationAmount;
      _record(3, out.destinationAmount);
    } catch {}
  }

  function provide(uint256 amount) external {
    amount = bound(amount, 0, 2_000e18);
    lrToken.mint(address(this), amount);
    lrToken.approve(address(lrPool), amount);
    lrPool.provideLiquidity(amount);
    lrProvided += amount;
  }

  function withdraw(uint256 amount) external {
    amount = bound(amount, 0, lrToken.balanceOf(address(lrPool)));
    lrPool.withdrawLiquidity(amount);
    lrWithdrawn += amount;
  }

  function wait(uint256 secs) external {
    vm.warp(block.timestamp + bound(secs, 0, 2_000));
  }

  /// @notice The rate limit admin changes one pool's buckets (sometimes disabling them).
  function reconfigure(bool lockRelease, uint128 capacity, uint128 rate, bool disable) external {
    RateLimiter.Config memory cfg;
    if (!disable) {
      capacity = uint128(bound(capacity, 2, 5_000e18));
      rate = uint128(bound(rate, 1, capacity - 1));
      cfg = RateLimiter.Config({isEnabled: true, capacity: capacity, rate: rate});
    }
    TokenPool pool = lockRelease ? TokenPool(address(lrPool)) : TokenPool(address(bmPool));
    pool.setChainRateLimiterConfig(REMOTE, cfg, cfg);
    uint256 base = lockRelease ? 2 : 0;
    _startEpoch(base, cfg);
    _startEpoch(base + 1, cfg);
  }

  // ---------------------------------------------------------------- views for the invariants

  function epoch(uint256 id) external view returns (uint128 capacity, uint128 rate, bool isEnabled, uint256 n) {
    Epoch storage e = s_epochs[id];
    return (e.capacity, e.rate, e.isEnabled, e.log.length);
  }

  function logAt(uint256 id, uint256 i) external view returns (Consumption memory) {
    return s_epochs[id].log[i];
  }
}

contract PoolRateLimitInvariantTest is Test {
  PoolRateLimitHandler internal s_handler;

  function setUp() public {
    vm.warp(1_700_000_000);
    s_handler = new PoolRateLimitHandler();
    targetContract(address(s_handler));
    // Traffic is listed twice so that reconfigurations (which start a new epoch) stay rare.
    bytes4[] memory selectors = new bytes4[](13);
    selectors[0] = PoolRateLimitHandler.burn.selector;
    selectors[1] = PoolRateLimitHandler.mint.selector;
    selectors[2] = PoolRateLimitHandler.lock.selector;
    selectors[3] = PoolRateLimitHandler.release.selector;
    selectors[4] = PoolRateLimitHandler.provide.selector;
    selectors[5] = PoolRateLimitHandler.withdraw.selector;
    selectors[6] = PoolRateLimitHandler.wait.selector;
    selectors[7] = PoolRateLimitHandler.reconfigure.selector;
    selectors[8] = PoolRateLimitHandler.wait.selector;
    selectors[9] = PoolRateLimitHandler.burn.selector;
    selectors[10] = PoolRateLimitHandler.mint.selector;
    selectors[11] = PoolRateLimitHandler.lock.selector;
    selectors[12] = PoolRateLimitHandler.release.selector;
    targetSelector(FuzzSelector({addr: address(s_handler), selectors: selectors}));
  }

  function _buckets(TokenPool pool) internal view returns (RateLimiter.TokenBucket[2] memory b) {
    b[0] = pool.getCurrentOutboundRateLimiterState(s_handler.REMOTE());
    b[1] = pool.getCurrentInboundRateLimiterState(s_handler.REMOTE());
  }

  /// @notice Neither pool's outbound nor inbound bucket ever holds more than its capacity.
  function invariant_bucketsNeverExceedCapacity() public view {
    TokenPool[2] memory pools = [TokenPool(address(s_handler.bmPool())), TokenPool(address(s_handler.lrPool()))];
    for (uint256 p = 0; p < 2; ++p) {
      RateLimiter.TokenBucket[2] memory b = _buckets(pools[p]);
      for (uint256 d = 0; d < 2; ++d) {
        assertLe(b[d].tokens, b[d].capacity, "bucket above capacity");
        (uint128 capacity, uint128 rate,,) = s_handler.epoch(p * 2 + d);
        assertEq(b[d].capacity, capacity, "capacity is the configured one");
        assertEq(b[d].rate, rate, "rate is the configured one");
      }
    }
  }

  /// @notice Per bucket and configuration: in every window from the i-th to the j-th transfer (both included),
  /// the amount moved is at most capacity + rate * (t_j - t_i).
  function invariant_transfersPerWindowBounded() public view {
    for (uint256 id = 0; id < 4; ++id) {
      (uint128 capacity, uint128 rate, bool isEnabled, uint256 n) = s_handler.epoch(id);
      if (!isEnabled) continue;
      for (uint256 i = 0; i < n; ++i) {
        PoolRateLimitHandler.Consumption memory a = s_handler.logAt(id, i);
        for (uint256 j = i; j < n; ++j) {
          PoolRateLimitHandler.Consumption memory b = s_handler.logAt(id, j);
          assertLe(b.cumAfter - a.cumBefore, uint256(capacity) + uint256(rate) * (b.time - a.time), "window");
        }
      }
    }
  }

  /// @notice Burn/mint: supply == user tokens + mints - burns, and the pool never keeps tokens.
  /// Lock/release: the pool's balance == provided - withdrawn + locked - released.
  function invariant_conservation() public view {
    assertEq(
      s_handler.bmToken().totalSupply() + s_handler.bmBurned(), s_handler.bmUserMinted() + s_handler.bmMinted()
    );
    assertEq(s_handler.bmToken().balanceOf(address(s_handler.bmPool())), 0);
    assertEq(
      s_handler.lrToken().balanceOf(address(s_handler.lrPool())) + s_handler.lrWithdrawn() + s_handler.lrReleased(),
      s_handler.lrProvided() + s_handler.lrLocked()
    );
  }
}
