// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPoolV1} from "../interfaces/IPool.sol";
import {IRMNRemote} from "../interfaces/IRMNRemote.sol";
import {IRouter} from "../interfaces/IRouter.sol";
import {Ownable2Step} from "../access/Ownable2Step.sol";
import {Pool} from "../libraries/Pool.sol";
import {RateLimiter} from "../libraries/RateLimiter.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice Base of every token pool: per remote chain it holds the remote token, the remote pools it trusts
/// and an outbound and an inbound rate limit; it enforces the ramp, curse and allowlist rules around the
/// concrete pool's lock/burn and release/mint.
abstract contract TokenPool is IPoolV1, Ownable2Step {
  using EnumerableSet for EnumerableSet.Bytes32Set;
  using EnumerableSet for EnumerableSet.AddressSet;
  using EnumerableSet for EnumerableSet.UintSet;
  using RateLimiter for RateLimiter.TokenBucket;

  error CallerIsNotARampOnRouter(address caller);
  error ZeroAddressNotAllowed();
  error SenderNotAllowed(address sender);
  error AllowListNotEnabled();
  error NonExistentChain(uint64 remoteChainSelector);
  error ChainNotAllowed(uint64 remoteChainSelector);
  error CursedByRMN();
  error ChainAlreadyExists(uint64 chainSelector);
  error InvalidSourcePoolAddress(bytes sourcePoolAddress);
  error InvalidToken(address token);
  error Unauthorized(address caller);
  error PoolAlreadyAdded(uint64 remoteChainSelector, bytes remotePoolAddress);
  error InvalidRemotePoolForChain(uint64 remoteChainSelector, bytes remotePoolAddress);
  error InvalidRemoteChainDecimals(bytes sourcePoolData);
  error MismatchedArrayLengths();
  error OverflowDetected(uint8 remoteDecimals, uint8 localDecimals, uint256 remoteAmount);
  error InvalidDecimalArgs(uint8 expected, uint8 actual);

  event LockedOrBurned(uint64 indexed remoteChainSelector, address token, address sender, uint256 amount);
  event ReleasedOrMinted(
    uint64 indexed remoteChainSelector, address token, address sender, address recipient, uint256 amount
  );
  event ChainAdded(
    uint64 remoteChainSelector,
    bytes remoteToken,
    RateLimiter.Config outboundRateLimiterConfig,
    RateLimiter.Config inboundRateLimiterConfig
  );
  event ChainConfigured(
    uint64 remoteChainSelector,
    RateLimiter.Config outboundRateLimiterConfig,
    RateLimiter.Config inboundRateLimiterConfig
  );
  event ChainRemoved(uint64 remoteChainSelector);
  event RemotePoolAdded(uint64 indexed remoteChainSelector, bytes remotePoolAddress);
  event RemotePoolRemoved(uint64 indexed remoteChainSelector, bytes remotePoolAddress);
  event AllowListAdd(address sender);
  event AllowListRemove(address sender);
  event RouterUpdated(address oldRouter, address newRouter);
  event RateLimitAdminSet(address rateLimitAdmin);

  struct ChainUpdate {
    uint64 remoteChainSelector;
    bytes[] remotePoolAddresses; // abi.encode(address) for EVM chains
    bytes remoteTokenAddress; // abi.encode(address) for EVM chains
    RateLimiter.Config outboundRateLimiterConfig;
    RateLimiter.Config inboundRateLimiterConfig;
  }

  struct RemoteChainConfig {
    RateLimiter.TokenBucket outboundRateLimiterConfig;
    RateLimiter.TokenBucket inboundRateLimiterConfig;
    bytes remoteTokenAddress; // non-empty exactly when the chain is supported
    EnumerableSet.Bytes32Set remotePools; // keccak256 of the remote pool addresses
    mapping(bytes32 poolHash => bytes poolAddress) remotePoolAddresses;
  }

  IERC20 internal immutable i_token;
  uint8 internal immutable i_tokenDecimals;
  address internal immutable i_rmnProxy;
  /// @dev Fixed at deployment: a pool without an allowlist never pays for the check.
  bool internal immutable i_allowlistEnabled;

  IRouter internal s_router;
  address internal s_rateLimitAdmin;
  EnumerableSet.AddressSet internal s_allowlist;
  EnumerableSet.UintSet internal s_remoteChainSelectors;
  mapping(uint64 remoteChainSelector => RemoteChainConfig) internal s_remoteChainConfigs;

  constructor(IERC20 token, uint8 localTokenDecimals, address[] memory allowlist, address rmnProxy, address router)
    Ownable2Step(msg.sender)
  {
    if (address(token) == address(0) || router == address(0) || rmnProxy == address(0)) {
      revert ZeroAddressNotAllowed();
    }
    // Tokens without decimals() are accepted; a token that reports them must agree.
    try IERC20Metadata(address(token)).decimals() returns (uint8 actualDecimals) {
      if (actualDecimals != localTokenDecimals) revert InvalidDecimalArgs(localTokenDecimals, actualDecimals);
    } catch {}
    i_token = token;
    i_tokenDecimals = localTokenDecimals;
    i_rmnProxy = rmnProxy;
    s_router = IRouter(router);

    i_allowlistEnabled = allowlist.length > 0;
    if (i_allowlistEnabled) _applyAllowListUpdates(new address[](0), allowlist);
  }

  // ================================================================
  // │                        Lock or burn                          │
  // ================================================================

  /// @inheritdoc IPoolV1
  /// @dev The Router has already moved `amount` into this pool.
  function lockOrBurn(Pool.LockOrBurnInV1 calldata lockOrBurnIn)
    external
    virtual
    override
    returns (Pool.LockOrBurnOutV1 memory)
  {
    RemoteChainConfig storage remote = _validateLockOrBurn(lockOrBurnIn);
    _lockOrBurn(lockOrBurnIn.amount);
    emit LockedOrBurned(lockOrBurnIn.remoteChainSelector, address(i_token), msg.sender, lockOrBurnIn.amount);
    return Pool.LockOrBurnOutV1({destTokenAddress: remote.remoteTokenAddress, destPoolData: _encodeLocalDecimals()});
  }

  /// @inheritdoc IPoolV1
  function releaseOrMint(Pool.ReleaseOrMintInV1 calldata releaseOrMintIn)
    external
    virtual
    override
    returns (Pool.ReleaseOrMintOutV1 memory)
  {
    RemoteChainConfig storage remote = _validateReleaseOrMint(releaseOrMintIn);
    uint256 localAmount = _calculateLocalAmount(
      releaseOrMintIn.sourceDenominatedAmount, _parseRemoteDecimals(releaseOrMintIn.sourcePoolData)
    );
    // The inbound limit is in local units: that is what leaves this pool.
    remote.inboundRateLimiterConfig._consume(localAmount, address(i_token));
    _releaseOrMint(releaseOrMintIn.receiver, localAmount);
    emit ReleasedOrMinted(
      releaseOrMintIn.remoteChainSelector, address(i_token), msg.sender, releaseOrMintIn.receiver, localAmount
    );
    return Pool.ReleaseOrMintOutV1({destinationAmount: localAmount});
  }

  /// @dev Locks or burns `amount` already held by the pool.
  function _lockOrBurn(uint256 amount) internal virtual;

  /// @dev Releases or mints `amount` (local decimals) to `receiver`; must revert when it cannot.
  function _releaseOrMint(address receiver, uint256 amount) internal virtual;

  function _validateLockOrBurn(Pool.LockOrBurnInV1 calldata lockOrBurnIn)
    internal
    returns (RemoteChainConfig storage remote)
  {
    if (lockOrBurnIn.localToken != address(i_token)) revert InvalidToken(lockOrBurnIn.localToken);
    uint64 remoteChainSelector = lockOrBurnIn.remoteChainSelector;
    remote = s_remoteChainConfigs[remoteChainSelector];
    // The remote token is read again for the return value, so this check is nearly free.
    if (remote.remoteTokenAddress.length == 0) revert ChainNotAllowed(remoteChainSelector);
    if (IRMNRemote(i_rmnProxy).isCursed(bytes16(uint128(remoteChainSelector)))) revert CursedByRMN();
    if (i_allowlistEnabled && !s_allowlist.contains(lockOrBurnIn.originalSender)) {
      revert SenderNotAllowed(lockOrBurnIn.originalSender);
    }
    if (msg.sender != s_router.getOnRamp(remoteChainSelector)) revert CallerIsNotARampOnRouter(msg.sender);
    remote.outboundRateLimiterConfig._consume(lockOrBurnIn.amount, address(i_token));
  }

  function _validateReleaseOrMint(Pool.ReleaseOrMintInV1 calldata releaseOrMintIn)
    internal
    view
    returns (RemoteChainConfig storage remote)
  {
    if (releaseOrMintIn.localToken != address(i_token)) revert InvalidToken(releaseOrMintIn.localToken);
    uint64 remoteChainSelector = releaseOrMintIn.remoteChainSelector;
    remote = s_remoteChainConfigs[remoteChainSelector];
    // A known remote pool implies a supported chain (pools are removed with their chain), so the chain slot
    // is only read on the failure path.
    bool isKnownPool = remote.remotePools.contains(keccak256(releaseOrMintIn.sourcePoolAddress));
    if (!isKnownPool && remote.remoteTokenAddress.length == 0) revert ChainNotAllowed(remoteChainSelector);
    if (IRMNRemote(i_rmnProxy).isCursed(bytes16(uint128(remoteChainSelector)))) revert CursedByRMN();
    if (!s_router.isOffRamp(remoteChainSelector, msg.sender)) revert CallerIsNotARampOnRouter(msg.sender);
    if (!isKnownPool) revert InvalidSourcePoolAddress(releaseOrMintIn.sourcePoolAddress);
  }

  // ================================================================
  // │                          Decimals                            │
  // ================================================================

  function _encodeLocalDecimals() internal view virtual returns (bytes memory) {
    return abi.encode(uint256(i_tokenDecimals));
  }

  /// @dev Empty sourcePoolData means the remote token has our decimals (pools that predate decimals).
  function _parseRemoteDecimals(bytes calldata sourcePoolData) internal view virtual returns (uint8) {
    if (sourcePoolData.length == 0) return i_tokenDecimals;
    if (sourcePoolData.length != 32) revert InvalidRemoteChainDecimals(sourcePoolData);
    uint256 remoteDecimals = abi.decode(sourcePoolData, (uint256));
    if (remoteDecimals > type(uint8).max) revert InvalidRemoteChainDecimals(sourcePoolData);
    return uint8(remoteDecimals);
  }

  /// @notice Converts a remote amount to local decimals, rounding down so that no value is created.
  function _calculateLocalAmount(uint256 remoteAmount, uint8 remoteDecimals) internal view virtual returns (uint256) {
    uint8 localDecimals = i_tokenDecimals;
    if (remoteDecimals == localDecimals) return remoteAmount;
    if (remoteDecimals > localDecimals) {
      uint8 diff = remoteDecimals - localDecimals;
      // 10**78 does not fit in uint256.
      if (diff > 77) revert OverflowDetected(remoteDecimals, localDecimals, remoteAmount);
      return remoteAmount / 10 ** diff;
    }
    uint8 up = localDecimals - remoteDecimals;
    if (up > 77) revert OverflowDetected(remoteDecimals, localDecimals, remoteAmount);
    uint256 factor = 10 ** up;
    if (remoteAmount > type(uint256).max / factor) revert OverflowDetected(remoteDecimals, localDecimals, remoteAmount);
    return remoteAmount * factor;
  }

  // ================================================================
  // │                        Chain config                          │
  // ================================================================

  /// @notice Removes chains (with their pools and limits), then adds new ones. Only the owner.
  function applyChainUpdates(uint64[] calldata remoteChainSelectorsToRemove, ChainUpdate[] calldata chainsToAdd)
    external
    virtual
    onlyOwner
  {
    for (uint256 i = 0; i < remoteChainSelectorsToRemove.length; ++i) {
      uint64 selector = remoteChainSelectorsToRemove[i];
      if (!s_remoteChainSelectors.remove(selector)) revert NonExistentChain(selector);
      RemoteChainConfig storage remote = s_remoteChainConfigs[selector];
      bytes32[] memory poolHashes = remote.remotePools.values();
      for (uint256 j = 0; j < poolHashes.length; ++j) {
        bytes memory poolAddress = remote.remotePoolAddresses[poolHashes[j]];
        remote.remotePools.remove(poolHashes[j]);
        delete remote.remotePoolAddresses[poolHashes[j]];
        emit RemotePoolRemoved(selector, poolAddress);
      }
      delete remote.outboundRateLimiterConfig;
      delete remote.inboundRateLimiterConfig;
      delete remote.remoteTokenAddress;
      emit ChainRemoved(selector);
    }

    for (uint256 i = 0; i < chainsToAdd.length; ++i) {
      ChainUpdate calldata update = chainsToAdd[i];
      RateLimiter._validateTokenBucketConfig(update.outboundRateLimiterConfig);
      RateLimiter._validateTokenBucketConfig(update.inboundRateLimiterConfig);
      if (update.remoteTokenAddress.length == 0 || update.remoteChainSelector == 0) revert ZeroAddressNotAllowed();
      if (!s_remoteChainSelectors.add(update.remoteChainSelector)) revert ChainAlreadyExists(update.remoteChainSelector);

      RemoteChainConfig storage remote = s_remoteChainConfigs[update.remoteChainSelector];
      // New buckets start full.
      remote.outboundRateLimiterConfig = _newBucket(update.outboundRateLimiterConfig);
      remote.inboundRateLimiterConfig = _newBucket(update.inboundRateLimiterConfig);
      remote.remoteTokenAddress = update.remoteTokenAddress;
      for (uint256 j = 0; j < update.remotePoolAddresses.length; ++j) {
        _setRemotePool(update.remoteChainSelector, update.remotePoolAddresses[j]);
      }
      emit ChainAdded(
        update.remoteChainSelector,
        update.remoteTokenAddress,
        update.outboundRateLimiterConfig,
        update.inboundRateLimiterConfig
      );
    }
  }

  /// @notice Trusts one more pool on `remoteChainSelector` (e.g. during a remote pool upgrade). Only the owner.
  function addRemotePool(uint64 remoteChainSelector, bytes calldata remotePoolAddress) external virtual onlyOwner {
    if (!isSupportedChain(remoteChainSelector)) revert NonExistentChain(remoteChainSelector);
    _setRemotePool(remoteChainSelector, remotePoolAddress);
  }

  /// @notice Stops trusting a remote pool; messages in flight from it can no longer be released. Only the owner.
  function removeRemotePool(uint64 remoteChainSelector, bytes calldata remotePoolAddress) external virtual onlyOwner {
    if (!isSupportedChain(remoteChainSelector)) revert NonExistentChain(remoteChainSelector);
    RemoteChainConfig storage remote = s_remoteChainConfigs[remoteChainSelector];
    bytes32 poolHash = keccak256(remotePoolAddress);
    if (!remote.remotePools.remove(poolHash)) revert InvalidRemotePoolForChain(remoteChainSelector, remotePoolAddress);
    delete remote.remotePoolAddresses[poolHash];
    emit RemotePoolRemoved(remoteChainSelector, remotePoolAddress);
  }

  function _setRemotePool(uint64 remoteChainSelector, bytes calldata remotePoolAddress) internal {
    if (remotePoolAddress.length == 0) revert ZeroAddressNotAllowed();
    RemoteChainConfig storage remote = s_remoteChainConfigs[remoteChainSelector];
    bytes32 poolHash = keccak256(remotePoolAddress);
    if (!remote.remotePools.add(poolHash)) revert PoolAlreadyAdded(remoteChainSelector, remotePoolAddress);
    remote.remotePoolAddresses[poolHash] = remotePoolAddress;
    emit RemotePoolAdded(remoteChainSelector, remotePoolAddress);
  }

  function _newBucket(RateLimiter.Config calldata config) private view returns (RateLimiter.TokenBucket memory) {
    return RateLimiter.TokenBucket({
      tokens: config.capacity,
      lastUpdated: uint32(block.timestamp),
      isEnabled: config.isEnabled,
      capacity: config.capacity,
      rate: config.rate
    });
  }

  function isSupportedChain(uint64 remoteChainSelector) public view override returns (bool) {
    return s_remoteChainSelectors.contains(remoteChainSelector);
  }

  function isSupportedToken(address token) public view virtual override returns (bool) {
    return token == address(i_token);
  }

  function getSupportedChains() external view returns (uint64[] memory chains) {
    uint256[] memory selectors = s_remoteChainSelectors.values();
    chains = new uint64[](selectors.length);
    for (uint256 i = 0; i < selectors.length; ++i) {
      chains[i] = uint64(selectors[i]);
    }
  }

  function getRemotePools(uint64 remoteChainSelector) external view returns (bytes[] memory pools) {
    RemoteChainConfig storage remote = s_remoteChainConfigs[remoteChainSelector];
    bytes32[] memory poolHashes = remote.remotePools.values();
    pools = new bytes[](poolHashes.length);
    for (uint256 i = 0; i < poolHashes.length; ++i) {
      pools[i] = remote.remotePoolAddresses[poolHashes[i]];
    }
  }

  function isRemotePool(uint64 remoteChainSelector, bytes calldata remotePoolAddress) public view returns (bool) {
    return s_remoteChainConfigs[remoteChainSelector].remotePools.contains(keccak256(remotePoolAddress));
  }

  function getRemoteToken(uint64 remoteChainSelector) external view returns (bytes memory) {
    return s_remoteChainConfigs[remoteChainSelector].remoteTokenAddress;
  }

  // ================================================================
  // │                         Rate limits                          │
  // ================================================================

  function setRateLimitAdmin(address rateLimitAdmin) external onlyOwner {
    s_rateLimitAdmin = rateLimitAdmin;
    emit RateLimitAdminSet(rateLimitAdmin);
  }

  function getRateLimitAdmin() external view returns (address) {
    return s_rateLimitAdmin;
  }

  /// @notice Only the owner or the rate limit admin.
  function setChainRateLimiterConfig(
    uint64 remoteChainSelector,
    RateLimiter.Config calldata outboundConfig,
    RateLimiter.Config calldata inboundConfig
  ) external {
    _onlyOwnerOrRateLimitAdmin();
    _setRateLimitConfig(remoteChainSelector, outboundConfig, inboundConfig);
  }

  /// @notice Batch form of setChainRateLimiterConfig.
  function setChainRateLimiterConfigs(
    uint64[] calldata remoteChainSelectors,
    RateLimiter.Config[] calldata outboundConfigs,
    RateLimiter.Config[] calldata inboundConfigs
  ) external {
    _onlyOwnerOrRateLimitAdmin();
    if (remoteChainSelectors.length != outboundConfigs.length || remoteChainSelectors.length != inboundConfigs.length)
    {
      revert MismatchedArrayLengths();
    }
    for (uint256 i = 0; i < remoteChainSelectors.length; ++i) {
      _setRateLimitConfig(remoteChainSelectors[i], outboundConfigs[i], inboundConfigs[i]);
    }
  }

  function _onlyOwnerOrRateLimitAdmin() internal view {
    if (msg.sender != s_rateLimitAdmin && msg.sender != owner()) revert Unauthorized(msg.sender);
  }

  function _setRateLimitConfig(
    uint64 remoteChainSelector,
    RateLimiter.Config calldata outboundConfig,
    RateLimiter.Config calldata inboundConfig
  ) internal {
    if (!isSupportedChain(remoteChainSelector)) revert NonExistentChain(remoteChainSelector);
    RateLimiter._validateTokenBucketConfig(outboundConfig);
    RateLimiter._validateTokenBucketConfig(inboundConfig);
    RemoteChainConfig storage remote = s_remoteChainConfigs[remoteChainSelector];
    remote.outboundRateLimiterConfig._setTokenBucketConfig(outboundConfig);
    remote.inboundRateLimiterConfig._setTokenBucketConfig(inboundConfig);
    emit ChainConfigured(remoteChainSelector, outboundConfig, inboundConfig);
  }

  function getCurrentOutboundRateLimiterState(uint64 remoteChainSelector)
    external
    view
    returns (RateLimiter.TokenBucket memory)
  {
    return RateLimiter._currentTokenBucketState(s_remoteChainConfigs[remoteChainSelector].outboundRateLimiterConfig);
  }

  function getCurrentInboundRateLimiterState(uint64 remoteChainSelector)
    external
    view
    returns (RateLimiter.TokenBucket memory)
  {
    return RateLimiter._currentTokenBucketState(s_remoteChainConfigs[remoteChainSelector].inboundRateLimiterConfig);
  }

  // ================================================================
  // │                     Router, token, RMN                       │
  // ================================================================

  function getRouter() external view returns (address) {
    return address(s_router);
  }

  /// @notice Only the owner.
  function setRouter(address newRouter) external onlyOwner {
    if (newRouter == address(0)) revert ZeroAddressNotAllowed();
    address oldRouter = address(s_router);
    s_router = IRouter(newRouter);
    emit RouterUpdated(oldRouter, newRouter);
  }

  function getToken() external view returns (IERC20) {
    return i_token;
  }

  function getTokenDecimals() external view returns (uint8) {
    return i_tokenDecimals;
  }

  function getRmnProxy() external view returns (address) {
    return i_rmnProxy;
  }

  // ================================================================
  // │                          Allowlist                           │
  // ================================================================

  function getAllowListEnabled() external view returns (bool) {
    return i_allowlistEnabled;
  }

  function getAllowList() external view returns (address[] memory) {
    return s_allowlist.values();
  }

  /// @notice Only the owner; only on pools deployed with an allowlist.
  function applyAllowListUpdates(address[] calldata removes, address[] calldata adds) external onlyOwner {
    if (!i_allowlistEnabled) revert AllowListNotEnabled();
    _applyAllowListUpdates(removes, adds);
  }

  function _applyAllowListUpdates(address[] memory removes, address[] memory adds) internal {
    for (uint256 i = 0; i < removes.length; ++i) {
      if (s_allowlist.remove(removes[i])) emit AllowListRemove(removes[i]);
    }
    for (uint256 i = 0; i < adds.length; ++i) {
      // address(0) is skipped rather than reverting, so a list can be applied as-is.
      if (adds[i] != address(0) && s_allowlist.add(adds[i])) emit AllowListAdd(adds[i]);
    }
  }

  /// @inheritdoc IERC165
  function supportsInterface(bytes4 interfaceId) public pure virtual override returns (bool) {
    return interfaceId == Pool.CCIP_POOL_V1 || interfaceId == type(IPoolV1).interfaceId
      || interfaceId == type(IERC165).interfaceId;
  }
}
