// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable2Step} from "../access/Ownable2Step.sol";
import {IEVM2AnyOnRampClient} from "../interfaces/IEVM2AnyOnRampClient.sol";
import {IFeeQuoter} from "../interfaces/IFeeQuoter.sol";
import {IMessageInterceptor} from "../interfaces/IMessageInterceptor.sol";
import {INonceManager} from "../interfaces/INonceManager.sol";
import {IPoolV1} from "../interfaces/IPool.sol";
import {IRMNRemote} from "../interfaces/IRMNRemote.sol";
import {IRouter} from "../interfaces/IRouter.sol";
import {ITokenAdminRegistry} from "../interfaces/ITokenAdminRegistry.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {IWrappedNative} from "../interfaces/IWrappedNative.sol";
import {Client} from "../libraries/Client.sol";
import {Internal} from "../libraries/Internal.sol";
import {Pool} from "../libraries/Pool.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice Source side of every lane from this chain: assigns sequence numbers and nonces, locks or burns
/// tokens through their pools and emits the message the DON commits to.
contract OnRamp is IEVM2AnyOnRampClient, ITypeAndVersion, Ownable2Step {
  using SafeERC20 for IERC20;
  using EnumerableSet for EnumerableSet.AddressSet;

  error CannotSendZeroTokens();
  error UnsupportedToken(address token);
  error MustBeCalledByRouter();
  error RouterMustSetOriginalSender();
  error InvalidConfig();
  error CursedByRMN(uint64 destChainSelector);
  error GetSupportedTokensFunctionalityRemovedCheckAdminRegistry();
  error InvalidDestChainConfig(uint64 destChainSelector);
  error OnlyCallableByOwnerOrAllowlistAdmin();
  error SenderNotAllowed(address sender);
  error InvalidAllowListRequest(uint64 destChainSelector);
  error ReentrancyGuardReentrantCall();
  /// @dev Same selectors as the Router's (IRouterClient / Router): the quoted send fails as the Router would.
  error InvalidMsgValue();
  error BadARMSignal();

  event ConfigSet(StaticConfig staticConfig, DynamicConfig dynamicConfig);
  event DestChainConfigSet(
    uint64 indexed destChainSelector, uint64 sequenceNumber, IRouter router, bool allowlistEnabled
  );
  event FeeTokenWithdrawn(address indexed feeAggregator, address indexed feeToken, uint256 amount);
  event CCIPMessageSent(
    uint64 indexed destChainSelector, uint64 indexed sequenceNumber, Internal.EVM2AnyRampMessage message
  );
  event AllowListSendersAdded(uint64 indexed destChainSelector, address[] senders);
  event AllowListSendersRemoved(uint64 indexed destChainSelector, address[] senders);
  /// @notice Native fees held by the OnRamp are (from now on) accounted in, and withdrawn as, `wrappedNative`.
  event NativeFeeTokenSet(address wrappedNative);

  struct StaticConfig {
    uint64 chainSelector;
    IRMNRemote rmnRemote;
    address nonceManager;
    address tokenAdminRegistry;
  }

  struct DynamicConfig {
    address feeQuoter;
    bool reentrancyGuardEntered; // reported from transient storage; must be false when set
    address messageInterceptor; // optional (0 = none)
    address feeAggregator; // receives withdrawn fees
    address allowlistAdmin; // may manage sender allowlists besides the owner (0 = owner only)
  }

  /// @dev One slot: the hot path reads it once and writes it once.
  struct DestChainConfig {
    uint64 sequenceNumber; // ──╮ last sequence number used
    bool allowlistEnabled; //   │
    IRouter router; // ─────────╯ address 0 pauses the lane
  }

  struct DestChainConfigArgs {
    uint64 destChainSelector;
    IRouter router;
    bool allowlistEnabled;
  }

  struct AllowlistConfigArgs {
    uint64 destChainSelector;
    bool allowlistEnabled;
    address[] addedAllowlistedSenders;
    address[] removedAllowlistedSenders;
  }

  string public constant override typeAndVersion = "OnRamp 1.6.0";

  uint64 private immutable i_chainSelector;
  IRMNRemote private immutable i_rmnRemote;
  address private immutable i_nonceManager;
  address private immutable i_tokenAdminRegistry;

  /// @dev The slot every send reads (once): a lane without an interceptor never reads the interceptor's slot and
  /// native sends never read the native fee token's.
  struct SendConfig {
    address feeQuoter; // ─────────╮
    bool hasMessageInterceptor; // │
    uint88 nativeFeeTokenTag; // ──╯ _nativeFeeTokenTag(s_nativeFeeToken), 0 before the first native fee
  }

  SendConfig private s_sendConfig;
  address private s_messageInterceptor;
  address private s_feeAggregator;
  address private s_allowlistAdmin;
  /// @dev The wrapped native the native fees held here are accounted in (the Router's, as of the last native fee).
  address private s_nativeFeeToken;

  /// @dev Transient: the guard costs 200 gas per send instead of two storage writes.
  bool private transient t_reentrancyGuardEntered;

  mapping(uint64 destChainSelector => DestChainConfig) private s_destChainConfigs;
  mapping(uint64 destChainSelector => EnumerableSet.AddressSet) private s_allowedSenders;

  constructor(
    StaticConfig memory staticConfig,
    DynamicConfig memory dynamicConfig,
    DestChainConfigArgs[] memory destChainConfigArgs
  ) Ownable2Step(msg.sender) {
    if (
      staticConfig.chainSelector == 0 || address(staticConfig.rmnRemote) == address(0)
        || staticConfig.nonceManager == address(0) || staticConfig.tokenAdminRegistry == address(0)
    ) revert InvalidConfig();

    i_chainSelector = staticConfig.chainSelector;
    i_rmnRemote = staticConfig.rmnRemote;
    i_nonceManager = staticConfig.nonceManager;
    i_tokenAdminRegistry = staticConfig.tokenAdminRegistry;

    _setDynamicConfig(dynamicConfig);
    _applyDestChainConfigUpdates(destChainConfigArgs);
  }

  // ================================================================
  // │                          Messaging                           │
  // ================================================================

  /// @inheritdoc IEVM2AnyOnRampClient
  /// @dev The Router has already moved the fee here and the tokens into their pools (v1.6 flow).
  function forwardFromRouter(
    uint64 destChainSelector,
    Client.EVM2AnyMessage calldata message,
    uint256 feeTokenAmount,
    address originalSender
  ) external returns (bytes32 messageId) {
    (messageId,) = _forwardFromRouter(
      destChainSelector, message, message.feeToken, feeTokenAmount, originalSender, false
    );
    return messageId;
  }

  /// @inheritdoc IEVM2AnyOnRampClient
  /// @dev Native fees stay here as native (no wrap + transfer per message, ~18k gas); withdrawFeeTokens wraps them.
  function forwardFromRouterQuoted(
    uint64 destChainSelector,
    Client.EVM2AnyMessage calldata message,
    address wrappedNative,
    address originalSender
  ) external payable returns (bytes32, uint256) {
    address feeToken = message.feeToken;
    if (feeToken == address(0)) feeToken = wrappedNative;
    else if (msg.value != 0) revert InvalidMsgValue();
    return _forwardFromRouter(destChainSelector, message, feeToken, msg.value, originalSender, true);
  }

  /// @param feeToken the token the fee is paid in (the wrapped native for native fees)
  /// @param feeTokenAmount the fee paid (v1.6 flow), or the value sent (quoted flow)
  /// @param quoted whether the fee is priced and checked here (our Router) rather than prepaid (v1.6 flow)
  function _forwardFromRouter(
    uint64 destChainSelector,
    Client.EVM2AnyMessage calldata message,
    address feeToken,
    uint256 feeTokenAmount,
    address originalSender,
    bool quoted
  ) internal returns (bytes32, uint256) {
    if (t_reentrancyGuardEntered) revert ReentrancyGuardReentrantCall();
    t_reentrancyGuardEntered = true;

    // The lane's slot is read once and written once (a memory copy would read it once per field).
    uint256 destChainWord = _loadDestChainWord(destChainSelector);
    // A zero router (paused or unknown lane) matches no caller.
    if (msg.sender != address(uint160(destChainWord >> 72))) revert MustBeCalledByRouter();
    // The subject check includes the global curse, so our Router does not ask the RMN itself.
    if (i_rmnRemote.isCursed(bytes16(uint128(destChainSelector)))) _revertCursed(destChainSelector, quoted);
    if (originalSender == address(0)) revert RouterMustSetOriginalSender();
    if (uint8(destChainWord >> 64) != 0 && !s_allowedSenders[destChainSelector].contains(originalSender)) {
      revert SenderNotAllowed(originalSender);
    }

    SendConfig memory sendConfig = s_sendConfig;
    if (sendConfig.hasMessageInterceptor) {
      IMessageInterceptor(s_messageInterceptor).onOutboundMessage(destChainSelector, message);
    }

    Internal.EVM2AnyRampMessage memory newMessage;
    newMessage.feeToken = feeToken;
    newMessage.feeTokenAmount = feeTokenAmount;
    if (!_processFee(sendConfig, destChainSelector, message, newMessage, quoted)) {
      newMessage.header.nonce =
        INonceManager(i_nonceManager).getIncrementedOutboundNonce(destChainSelector, originalSender);
    }

    uint64 sequenceNumber = _storeNextSequenceNumber(destChainSelector, destChainWord);

    newMessage.header.sourceChainSelector = i_chainSelector;
    newMessage.header.destChainSelector = destChainSelector;
    newMessage.header.sequenceNumber = sequenceNumber;
    newMessage.sender = originalSender;
    newMessage.data = message.data;
    newMessage.receiver = message.receiver;

    newMessage.tokenAmounts = new Internal.EVM2AnyTokenTransfer[](message.tokenAmounts.length);
    if (message.tokenAmounts.length != 0) {
      _lockOrBurnTokens(sendConfig.feeQuoter, destChainSelector, message.tokenAmounts, newMessage);
    }

    newMessage.header.messageId =
      Internal._hash(newMessage, Internal._evm2AnyMetadataHash(i_chainSelector, destChainSelector, address(this)));

    emit CCIPMessageSent(destChainSelector, sequenceNumber, newMessage);

    t_reentrancyGuardEntered = false;
    return (newMessage.header.messageId, newMessage.feeTokenAmount);
  }

  /// @dev Fills the fee fields and extraArgs of `newMessage` (whose feeToken and feeTokenAmount hold what was paid).
  /// @return isOutOfOrderExecution whether the message is unordered (nonce 0)
  function _processFee(
    SendConfig memory sendConfig,
    uint64 destChainSelector,
    Client.EVM2AnyMessage calldata message,
    Internal.EVM2AnyRampMessage memory newMessage,
    bool quoted
  ) internal returns (bool isOutOfOrderExecution) {
    if (quoted) {
      if (message.feeToken == address(0)) {
        _trackNativeFeeToken(sendConfig.nativeFeeTokenTag, newMessage.feeToken);
      }
      uint256 gasLimit;
      (newMessage.feeTokenAmount, newMessage.feeValueJuels, isOutOfOrderExecution, gasLimit) = IFeeQuoter(
          sendConfig.feeQuoter
        ).quoteAndProcessMessageArgs(destChainSelector, message, newMessage.feeToken, newMessage.feeTokenAmount);
      // Re-encoded here rather than returned as bytes by the fee quoter (cheaper to pass two words).
      newMessage.extraArgs = Client._argsToBytes(
        Client.GenericExtraArgsV2({gasLimit: gasLimit, allowOutOfOrderExecution: isOutOfOrderExecution})
      );
    } else {
      // The token receiver it returns is the message receiver: only EVM destinations are configurable.
      (newMessage.feeValueJuels, isOutOfOrderExecution, newMessage.extraArgs,) = IFeeQuoter(sendConfig.feeQuoter)
        .processMessageArgs(
          destChainSelector, newMessage.feeToken, newMessage.feeTokenAmount, message.extraArgs, message.receiver
        );
    }
    return isOutOfOrderExecution;
  }

  /// @dev The DestChainConfig slot: sequenceNumber in bits 0-63, allowlistEnabled in 64-71, router in 72-231.
  function _loadDestChainWord(uint64 destChainSelector) internal view returns (uint256 word) {
    DestChainConfig storage config = s_destChainConfigs[destChainSelector];
    assembly ("memory-safe") {
      word := sload(config.slot)
    }
  }

  function _storeNextSequenceNumber(uint64 destChainSelector, uint256 destChainWord)
    internal
    returns (uint64 sequenceNumber)
  {
    sequenceNumber = uint64(destChainWord) + 1;
    destChainWord = (destChainWord & ~uint256(type(uint64).max)) | sequenceNumber;
    DestChainConfig storage config = s_destChainConfigs[destChainSelector];
    assembly ("memory-safe") {
      sstore(config.slot, destChainWord)
    }
  }

  /// @dev Our Router no longer asks the RMN about the global curse before sending: report it with the Router's error.
  function _revertCursed(uint64 destChainSelector, bool quoted) internal view {
    if (quoted && i_rmnRemote.isCursed()) revert BadARMSignal();
    revert CursedByRMN(destChainSelector);
  }

  /// @dev Remembers which token the native fees held here are accounted in, so withdrawFeeTokens can wrap them.
  /// The hot path only compares a tag packed in the fee quoter's slot (no extra SLOAD).
  function _trackNativeFeeToken(uint88 currentTag, address wrappedNative) internal {
    uint88 tag = _nativeFeeTokenTag(wrappedNative);
    if (tag == currentTag) return;
    // First native fee, or the Router's wrapped native changed: what is held so far is the previous token's.
    address previous = s_nativeFeeToken;
    uint256 heldBefore = address(this).balance - msg.value;
    if (previous != address(0) && heldBefore != 0) IWrappedNative(previous).deposit{value: heldBefore}();
    s_nativeFeeToken = wrappedNative;
    s_sendConfig.nativeFeeTokenTag = tag;
    emit NativeFeeTokenSet(wrappedNative);
  }

  /// @dev Never 0 (the unset tag), so the first native fee is always recorded.
  function _nativeFeeTokenTag(address token) internal pure returns (uint88) {
    return uint88(uint160(token)) | 1;
  }

  /// @dev Pools are external code: everything they can influence is validated by the fee quoter afterwards.
  function _lockOrBurnTokens(
    address feeQuoter,
    uint64 destChainSelector,
    Client.EVMTokenAmount[] calldata tokenAmounts,
    Internal.EVM2AnyRampMessage memory newMessage
  ) internal {
    for (uint256 i = 0; i < tokenAmounts.length; ++i) {
      newMessage.tokenAmounts[i] =
        _lockOrBurnSingleToken(tokenAmounts[i], destChainSelector, newMessage.receiver, newMessage.sender);
    }
    bytes[] memory destExecDataPerToken =
      IFeeQuoter(feeQuoter).processPoolReturnData(destChainSelector, newMessage.tokenAmounts, tokenAmounts);
    for (uint256 i = 0; i < tokenAmounts.length; ++i) {
      newMessage.tokenAmounts[i].destExecData = destExecDataPerToken[i];
    }
  }

  function _lockOrBurnSingleToken(
    Client.EVMTokenAmount calldata tokenAndAmount,
    uint64 destChainSelector,
    bytes memory receiver,
    address originalSender
  ) internal returns (Internal.EVM2AnyTokenTransfer memory) {
    if (tokenAndAmount.amount == 0) revert CannotSendZeroTokens();
    address token = tokenAndAmount.token;
    IPoolV1 pool = getPoolBySourceToken(destChainSelector, IERC20(token));
    // A reverting supportsInterface simply reverts the send: nothing is lost.
    if (address(pool) == address(0) || !pool.supportsInterface(Pool.CCIP_POOL_V1)) revert UnsupportedToken(token);

    Pool.LockOrBurnOutV1 memory poolReturnData = pool.lockOrBurn(
      Pool.LockOrBurnInV1({
        receiver: receiver,
        remoteChainSelector: destChainSelector,
        originalSender: originalSender,
        amount: tokenAndAmount.amount,
        localToken: token
      })
    );

    return Internal.EVM2AnyTokenTransfer({
      sourcePoolAddress: address(pool),
      destTokenAddress: poolReturnData.destTokenAddress,
      extraData: poolReturnData.destPoolData,
      amount: tokenAndAmount.amount,
      destExecData: "" // filled in from the fee quoter
    });
  }

  /// @inheritdoc IEVM2AnyOnRampClient
  function getFee(uint64 destChainSelector, Client.EVM2AnyMessage calldata message)
    external
    view
    returns (uint256 feeTokenAmount)
  {
    if (i_rmnRemote.isCursed(bytes16(uint128(destChainSelector)))) revert CursedByRMN(destChainSelector);
    return IFeeQuoter(s_sendConfig.feeQuoter).getValidatedFee(destChainSelector, message);
  }

  /// @inheritdoc IEVM2AnyOnRampClient
  /// @dev 0 when the token has no pool or its pool does not serve `destChainSelector`.
  function getPoolBySourceToken(uint64 destChainSelector, IERC20 sourceToken) public view returns (IPoolV1) {
    address pool = ITokenAdminRegistry(i_tokenAdminRegistry).getPool(address(sourceToken));
    if (pool == address(0) || !IPoolV1(pool).isSupportedChain(destChainSelector)) return IPoolV1(address(0));
    return IPoolV1(pool);
  }

  /// @inheritdoc IEVM2AnyOnRampClient
  function getSupportedTokens(uint64) external pure returns (address[] memory) {
    revert GetSupportedTokensFunctionalityRemovedCheckAdminRegistry();
  }

  function getExpectedNextSequenceNumber(uint64 destChainSelector) external view returns (uint64) {
    return s_destChainConfigs[destChainSelector].sequenceNumber + 1;
  }

  // ================================================================
  // │                            Config                            │
  // ================================================================

  function getStaticConfig() public view returns (StaticConfig memory) {
    return StaticConfig({
      chainSelector: i_chainSelector,
      rmnRemote: i_rmnRemote,
      nonceManager: i_nonceManager,
      tokenAdminRegistry: i_tokenAdminRegistry
    });
  }

  function getDynamicConfig() public view returns (DynamicConfig memory) {
    return DynamicConfig({
      feeQuoter: s_sendConfig.feeQuoter,
      reentrancyGuardEntered: t_reentrancyGuardEntered,
      messageInterceptor: s_messageInterceptor,
      feeAggregator: s_feeAggregator,
      allowlistAdmin: s_allowlistAdmin
    });
  }

  function setDynamicConfig(DynamicConfig memory dynamicConfig) external onlyOwner {
    _setDynamicConfig(dynamicConfig);
  }

  function _setDynamicConfig(DynamicConfig memory dynamicConfig) internal {
    if (
      dynamicConfig.feeQuoter == address(0) || dynamicConfig.feeAggregator == address(0)
        || dynamicConfig.reentrancyGuardEntered
    ) revert InvalidConfig();

    s_sendConfig.feeQuoter = dynamicConfig.feeQuoter;
    s_sendConfig.hasMessageInterceptor = dynamicConfig.messageInterceptor != address(0);
    s_messageInterceptor = dynamicConfig.messageInterceptor;
    s_feeAggregator = dynamicConfig.feeAggregator;
    s_allowlistAdmin = dynamicConfig.allowlistAdmin;

    emit ConfigSet(getStaticConfig(), dynamicConfig);
  }

  /// @return sequenceNumber the last sequence number used on the lane
  function getDestChainConfig(uint64 destChainSelector)
    external
    view
    returns (uint64 sequenceNumber, bool allowlistEnabled, address router)
  {
    DestChainConfig memory config = s_destChainConfigs[destChainSelector];
    return (config.sequenceNumber, config.allowlistEnabled, address(config.router));
  }

  /// @notice Sets router and allowlist flag per destination; sequence numbers are never reset.
  function applyDestChainConfigUpdates(DestChainConfigArgs[] memory destChainConfigArgs) external onlyOwner {
    _applyDestChainConfigUpdates(destChainConfigArgs);
  }

  function _applyDestChainConfigUpdates(DestChainConfigArgs[] memory destChainConfigArgs) internal {
    for (uint256 i = 0; i < destChainConfigArgs.length; ++i) {
      DestChainConfigArgs memory args = destChainConfigArgs[i];
      uint64 destChainSelector = args.destChainSelector;
      if (destChainSelector == 0 || destChainSelector == i_chainSelector) {
        revert InvalidDestChainConfig(destChainSelector);
      }
      DestChainConfig storage config = s_destChainConfigs[destChainSelector];
      config.router = args.router;
      config.allowlistEnabled = args.allowlistEnabled;
      emit DestChainConfigSet(destChainSelector, config.sequenceNumber, args.router, args.allowlistEnabled);
    }
  }

  function getAllowedSendersList(uint64 destChainSelector)
    external
    view
    returns (bool isEnabled, address[] memory configuredAddresses)
  {
    return (s_destChainConfigs[destChainSelector].allowlistEnabled, s_allowedSenders[destChainSelector].values());
  }

  /// @notice Owner or allowlist admin: per destination, sets the allowlist flag, then removes and adds senders.
  function applyAllowlistUpdates(AllowlistConfigArgs[] calldata allowlistConfigArgsItems) external {
    if (msg.sender != owner() && msg.sender != s_allowlistAdmin) revert OnlyCallableByOwnerOrAllowlistAdmin();

    for (uint256 i = 0; i < allowlistConfigArgsItems.length; ++i) {
      AllowlistConfigArgs calldata args = allowlistConfigArgsItems[i];
      DestChainConfig storage config = s_destChainConfigs[args.destChainSelector];
      EnumerableSet.AddressSet storage allowed = s_allowedSenders[args.destChainSelector];

      if (config.allowlistEnabled != args.allowlistEnabled) {
        config.allowlistEnabled = args.allowlistEnabled;
        emit DestChainConfigSet(args.destChainSelector, config.sequenceNumber, config.router, args.allowlistEnabled);
      }

      for (uint256 j = 0; j < args.removedAllowlistedSenders.length; ++j) {
        allowed.remove(args.removedAllowlistedSenders[j]);
      }
      if (args.removedAllowlistedSenders.length != 0) {
        emit AllowListSendersRemoved(args.destChainSelector, args.removedAllowlistedSenders);
      }

      if (args.addedAllowlistedSenders.length != 0) {
        // Adding senders to a disabled allowlist is almost certainly a mistake.
        if (!args.allowlistEnabled) revert InvalidAllowListRequest(args.destChainSelector);
        for (uint256 j = 0; j < args.addedAllowlistedSenders.length; ++j) {
          address sender = args.addedAllowlistedSenders[j];
          if (sender == address(0)) revert InvalidAllowListRequest(args.destChainSelector);
          allowed.add(sender);
        }
        emit AllowListSendersAdded(args.destChainSelector, args.addedAllowlistedSenders);
      }
    }
  }

  /// @notice Sends the whole balance of each fee token to the fee aggregator (callable by anyone). Native fees are
  /// held as native and wrapped here first, so they leave as the wrapped native token named in their events.
  function withdrawFeeTokens(address[] calldata feeTokens) external {
    address feeAggregator = s_feeAggregator;
    address nativeFeeToken = s_nativeFeeToken;
    for (uint256 i = 0; i < feeTokens.length; ++i) {
      IERC20 feeToken = IERC20(feeTokens[i]);
      if (address(feeToken) == nativeFeeToken && nativeFeeToken != address(0)) {
        uint256 nativeBalance = address(this).balance;
        if (nativeBalance != 0) IWrappedNative(nativeFeeToken).deposit{value: nativeBalance}();
      }
      uint256 balance = feeToken.balanceOf(address(this));
      if (balance > 0) {
        feeToken.safeTransfer(feeAggregator, balance);
        emit FeeTokenWithdrawn(feeAggregator, address(feeToken), balance);
      }
    }
  }
}
