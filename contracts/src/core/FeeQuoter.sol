// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../access/AuthorizedCallers.sol";
import {Ownable2Step} from "../access/Ownable2Step.sol";
import {IFeeQuoter} from "../interfaces/IFeeQuoter.sol";
import {ITypeAndVersion} from "../interfaces/ITypeAndVersion.sol";
import {Client} from "../libraries/Client.sol";
import {Internal} from "../libraries/Internal.sol";
import {Pool} from "../libraries/Pool.sol";

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @notice Prices (pushed only by commit reports through `updatePrices`) and the fee rules of every lane.
/// @dev All USD amounts are 1e18 per USD; token prices are USD per 1e18 of the token's smallest unit.
contract FeeQuoter is IFeeQuoter, AuthorizedCallers, ITypeAndVersion {
  using EnumerableSet for EnumerableSet.AddressSet;

  error TokenNotSupported(address token);
  error FeeTokenNotSupported(address token);
  error ChainNotSupported(uint64 chain);
  error StaleGasPrice(uint64 destChainSelector, uint256 threshold, uint256 timePassed);
  error StaleTokenPrice(address token, uint256 threshold, uint256 timePassed);
  error DestinationChainNotEnabled(uint64 destChainSelector);
  error InvalidDestChainConfig(uint64 destChainSelector);
  error InvalidStaticConfig();
  error InvalidExtraArgsTag();
  error MessageGasLimitTooHigh();
  error ExtraArgOutOfOrderExecutionMustBeTrue();
  error MessageTooLarge(uint256 maxSize, uint256 actualSize);
  error UnsupportedNumberOfTokens(uint256 numberOfTokens, uint256 maxNumberOfTokensPerMsg);
  error MessageFeeTooHigh(uint256 msgFeeJuels, uint256 maxFeeJuelsPerMsg);
  error SourceTokenDataTooLarge(address token);
  error InvalidFeeRange(uint256 minFeeUSDCents, uint256 maxFeeUSDCents);
  error InvalidDestBytesOverhead(address token, uint32 destBytesOverhead);
  error InvalidChainFamilySelector(bytes4 chainFamilySelector);
  /// @dev Same selector as IRouterClient's: a short native payment fails with the Router's error.
  error InsufficientFeeTokenAmount();

  event FeeTokenAdded(address indexed feeToken);
  event FeeTokenRemoved(address indexed feeToken);
  event UsdPerTokenUpdated(address indexed token, uint256 value, uint256 timestamp);
  event UsdPerUnitGasUpdated(uint64 indexed destChain, uint256 value, uint256 timestamp);
  event PremiumMultiplierWeiPerEthUpdated(address indexed token, uint64 premiumMultiplierWeiPerEth);
  event TokenTransferFeeConfigUpdated(
    uint64 indexed destChainSelector, address indexed token, TokenTransferFeeConfig tokenTransferFeeConfig
  );
  event TokenTransferFeeConfigDeleted(uint64 indexed destChainSelector, address indexed token);
  event DestChainAdded(uint64 indexed destChainSelector, DestChainConfig destChainConfig);
  event DestChainConfigUpdated(uint64 indexed destChainSelector, DestChainConfig destChainConfig);

  struct StaticConfig {
    uint96 maxFeeJuelsPerMsg; // ─╮ upper bound of a message fee, in LINK juels
    address linkToken; // ────────╯
    uint32 tokenPriceStalenessThreshold; // seconds; 0 = prices never go stale
  }

  /// @dev Exactly two storage slots; the field order is CCIP v1.6's.
  struct DestChainConfig {
    bool isEnabled; // ──────────────────────────╮ messages to this chain are accepted
    uint16 maxNumberOfTokensPerMsg; //           │
    uint32 maxDataBytes; //                      │
    uint32 maxPerMsgGasLimit; //                 │
    uint32 destGasOverhead; //                   │ fixed gas of executing any message on the destination
    uint8 destGasPerPayloadByteBase; //          │ gas per data byte up to the threshold
    uint8 destGasPerPayloadByteHigh; //          │ gas per data byte above the threshold
    uint16 destGasPerPayloadByteThreshold; //    │
    uint32 destDataAvailabilityOverheadGas; //   │
    uint16 destGasPerDataAvailabilityByte; //    │
    uint16 destDataAvailabilityMultiplierBps; // │
    bytes4 chainFamilySelector; //               │
    bool enforceOutOfOrder; // ──────────────────╯
    uint16 defaultTokenFeeUSDCents; // ──────────╮ fee of a token without its own transfer config
    uint32 defaultTokenDestGasOverhead; //       │
    uint32 defaultTxGasLimit; //                 │ gasLimit of messages with empty extraArgs
    uint64 gasMultiplierWeiPerEth; //            │ 1e18 = 1x
    uint32 gasPriceStalenessThreshold; //        │ seconds; 0 = never stale
    uint32 networkFeeUSDCents; // ───────────────╯ premium of a message without tokens
  }

  struct DestChainConfigArgs {
    uint64 destChainSelector;
    DestChainConfig destChainConfig;
  }

  struct TokenTransferFeeConfig {
    uint32 minFeeUSDCents; // ──╮
    uint32 maxFeeUSDCents; //   │
    uint16 deciBps; //          │ 1 = 0.001%
    uint32 destGasOverhead; //  │ gas of the destination pool call
    uint32 destBytesOverhead; //│ bytes of destPoolData the sender pays for (>= 32)
    bool isEnabled; // ─────────╯
  }

  struct TokenTransferFeeConfigSingleTokenArgs {
    address token;
    TokenTransferFeeConfig tokenTransferFeeConfig;
  }

  struct TokenTransferFeeConfigArgs {
    uint64 destChainSelector;
    TokenTransferFeeConfigSingleTokenArgs[] tokenTransferFeeConfigs;
  }

  struct TokenTransferFeeConfigRemoveArgs {
    uint64 destChainSelector;
    address token;
  }

  struct PremiumMultiplierWeiPerEthArgs {
    address token;
    uint64 premiumMultiplierWeiPerEth; // 1e18 = 1x
  }

  /// @dev A token's price and fee-token config in one slot, so pricing a message reads one slot per fee token.
  /// Prices are uint224 in the ABI; the few that do not fit in 144 bits (> 2.2e43, e.g. a $22M token with 0
  /// decimals) live in s_wideUsdPerToken instead.
  struct TokenState {
    uint144 usdPerToken; // ───────────────╮ the price, unless isWidePrice
    uint32 timestamp; //                    │ of the last price update; 0 = never
    uint64 premiumMultiplierWeiPerEth; //   │ 1e18 = 1x
    bool isFeeToken; //                     │
    bool isWidePrice; // ───────────────────╯ the price is in s_wideUsdPerToken
  }

  string public constant override typeAndVersion = "FeeQuoter 1.6.0";

  /// @dev Bytes of a message on the destination that do not depend on its content (15 words), and per token.
  uint256 internal constant MESSAGE_FIXED_BYTES = 32 * 15;
  uint256 internal constant MESSAGE_FIXED_BYTES_PER_TOKEN = 32 * (4 + (3 + 2));
  /// @dev The high 112 bits of a packed gas price are the data availability price, the low 112 the execution price.
  uint8 internal constant GAS_PRICE_BITS = 112;

  uint96 internal immutable i_maxFeeJuelsPerMsg;
  address internal immutable i_linkToken;
  uint32 internal immutable i_tokenPriceStalenessThreshold;

  mapping(uint64 destChainSelector => DestChainConfig) internal s_destChainConfigs;
  mapping(uint64 destChainSelector => Internal.TimestampedPackedUint224) internal s_usdPerUnitGasByDestChainSelector;
  mapping(address token => TokenState) internal s_tokenStates;
  mapping(address token => uint224 usdPerToken) internal s_wideUsdPerToken;
  mapping(uint64 destChainSelector => mapping(address token => TokenTransferFeeConfig)) internal
    s_tokenTransferFeeConfig;
  EnumerableSet.AddressSet internal s_feeTokens;

  constructor(
    StaticConfig memory staticConfig,
    address[] memory priceUpdaters,
    address[] memory feeTokens,
    TokenTransferFeeConfigArgs[] memory tokenTransferFeeConfigArgs,
    PremiumMultiplierWeiPerEthArgs[] memory premiumMultiplierWeiPerEthArgs,
    DestChainConfigArgs[] memory destChainConfigArgs
  ) AuthorizedCallers(priceUpdaters) Ownable2Step(msg.sender) {
    if (staticConfig.linkToken == address(0) || staticConfig.maxFeeJuelsPerMsg == 0) revert InvalidStaticConfig();
    i_maxFeeJuelsPerMsg = staticConfig.maxFeeJuelsPerMsg;
    i_linkToken = staticConfig.linkToken;
    i_tokenPriceStalenessThreshold = staticConfig.tokenPriceStalenessThreshold;

    _applyFeeTokensUpdates(new address[](0), feeTokens);
    _applyPremiumMultiplierWeiPerEthUpdates(premiumMultiplierWeiPerEthArgs);
    _applyDestChainConfigUpdates(destChainConfigArgs);
    _applyTokenTransferFeeConfigUpdates(tokenTransferFeeConfigArgs, new TokenTransferFeeConfigRemoveArgs[](0));
  }

  // ================================================================
  // │                          Prices                              │
  // ================================================================

  /// @inheritdoc IFeeQuoter
  function getTokenPrice(address token) public view returns (Internal.TimestampedPackedUint224 memory) {
    TokenState memory state = s_tokenStates[token];
    return Internal.TimestampedPackedUint224({value: _price(token, state), timestamp: state.timestamp});
  }

  function getTokenPrices(address[] calldata tokens)
    external
    view
    returns (Internal.TimestampedPackedUint224[] memory)
  {
    Internal.TimestampedPackedUint224[] memory prices = new Internal.TimestampedPackedUint224[](tokens.length);
    for (uint256 i = 0; i < tokens.length; ++i) {
      prices[i] = getTokenPrice(tokens[i]);
    }
    return prices;
  }

  /// @inheritdoc IFeeQuoter
  function getValidatedTokenPrice(address token) public view returns (uint224) {
    return _getValidatedTokenPrice(token);
  }

  function getDestinationChainGasPrice(uint64 destChainSelector)
    external
    view
    returns (Internal.TimestampedPackedUint224 memory)
  {
    return s_usdPerUnitGasByDestChainSelector[destChainSelector];
  }

  /// @notice The validated price of `token` and the (packed, unvalidated) gas price of an enabled destination.
  function getTokenAndGasPrices(address token, uint64 destChainSelector)
    external
    view
    returns (uint224 tokenPrice, uint224 gasPriceValue)
  {
    if (!s_destChainConfigs[destChainSelector].isEnabled) revert DestinationChainNotEnabled(destChainSelector);
    return (_getValidatedTokenPrice(token), s_usdPerUnitGasByDestChainSelector[destChainSelector].value);
  }

  /// @notice `fromTokenAmount` of `fromToken` expressed in `toToken`, at validated prices.
  function convertTokenAmount(address fromToken, uint256 fromTokenAmount, address toToken)
    public
    view
    returns (uint256)
  {
    return (fromTokenAmount * _getValidatedTokenPrice(fromToken)) / _getValidatedTokenPrice(toToken);
  }

  /// @inheritdoc IFeeQuoter
  function updatePrices(Internal.PriceUpdates calldata priceUpdates) external onlyAuthorizedCallers {
    uint32 timestamp = uint32(block.timestamp);
    for (uint256 i = 0; i < priceUpdates.tokenPriceUpdates.length; ++i) {
      Internal.TokenPriceUpdate calldata update = priceUpdates.tokenPriceUpdates[i];
      // Read-modify-write: the cold SLOAD makes the SSTORE warm, so keeping the fee config costs ~100 gas.
      TokenState memory state = s_tokenStates[update.sourceToken];
      state.timestamp = timestamp;
      state.isWidePrice = update.usdPerToken > type(uint144).max;
      if (state.isWidePrice) {
        state.usdPerToken = 0;
        s_wideUsdPerToken[update.sourceToken] = update.usdPerToken;
      } else {
        state.usdPerToken = uint144(update.usdPerToken);
      }
      s_tokenStates[update.sourceToken] = state;
      emit UsdPerTokenUpdated(update.sourceToken, update.usdPerToken, block.timestamp);
    }
    for (uint256 i = 0; i < priceUpdates.gasPriceUpdates.length; ++i) {
      Internal.GasPriceUpdate calldata update = priceUpdates.gasPriceUpdates[i];
      s_usdPerUnitGasByDestChainSelector[update.destChainSelector] =
        Internal.TimestampedPackedUint224({value: update.usdPerUnitGas, timestamp: timestamp});
      emit UsdPerUnitGasUpdated(update.destChainSelector, update.usdPerUnitGas, block.timestamp);
    }
  }

  function _getValidatedTokenPrice(address token) internal view returns (uint224) {
    return _validatedPrice(token, s_tokenStates[token]);
  }

  function _validatedPrice(address token, TokenState memory state) internal view returns (uint224 price) {
    price = _price(token, state);
    if (state.timestamp == 0 || price == 0) revert TokenNotSupported(token);
    uint256 threshold = i_tokenPriceStalenessThreshold;
    if (threshold != 0) {
      uint256 timePassed = block.timestamp - state.timestamp;
      if (timePassed > threshold) revert StaleTokenPrice(token, threshold, timePassed);
    }
    return price;
  }

  function _price(address token, TokenState memory state) internal view returns (uint224) {
    return state.isWidePrice ? s_wideUsdPerToken[token] : state.usdPerToken;
  }

  /// @dev A gas price of 0 is allowed (free chains); an unset or stale one is not.
  function _getValidatedGasPrice(uint64 destChainSelector, uint32 stalenessThreshold) internal view returns (uint224) {
    // One SLOAD and no memory struct: measurably cheaper than copying the struct.
    Internal.TimestampedPackedUint224 storage gasPrice = s_usdPerUnitGasByDestChainSelector[destChainSelector];
    uint256 word;
    assembly ("memory-safe") {
      word := sload(gasPrice.slot)
    }
    uint256 timestamp = word >> 224;
    if (timestamp == 0) revert ChainNotSupported(destChainSelector);
    if (stalenessThreshold != 0) {
      uint256 timePassed = block.timestamp - timestamp;
      if (timePassed > stalenessThreshold) revert StaleGasPrice(destChainSelector, stalenessThreshold, timePassed);
    }
    return uint224(word);
  }

  // ================================================================
  // │                            Fees                              │
  // ================================================================

  /// @dev Intermediate values of the token transfer part of a fee (kept in memory to keep the stack shallow).
  struct TokenTransferCost {
    uint256 premiumUSDWei;
    uint256 gas;
    uint256 bytesOverhead;
  }

  /// @inheritdoc IFeeQuoter
  function getValidatedFee(uint64 destChainSelector, Client.EVM2AnyMessage calldata message)
    external
    view
    returns (uint256 feeTokenAmount)
  {
    (feeTokenAmount,,) = _getValidatedFee(destChainSelector, message, message.feeToken);
    return feeTokenAmount;
  }

  /// @inheritdoc IFeeQuoter
  /// @dev The send path of our OnRamp: the message is validated, its extraArgs parsed and its fee priced once, in
  /// one call (getValidatedFee + processMessageArgs would read the same config and prices twice).
  function quoteAndProcessMessageArgs(
    uint64 destChainSelector,
    Client.EVM2AnyMessage calldata message,
    address feeToken,
    uint256 nativeFeeTokenAmount
  ) external view returns (uint256 feeTokenAmount, uint256 msgFeeJuels, bool isOutOfOrderExecution, uint256 gasLimit) {
    // A non-native message is priced in its own fee token; only native fees are priced in the given token.
    if (message.feeToken != address(0)) feeToken = message.feeToken;
    (uint256 fee, uint224 feeTokenPrice, Client.GenericExtraArgsV2 memory args) =
      _getValidatedFee(destChainSelector, message, feeToken);

    if (message.feeToken == address(0)) {
      // Native: all of the value sent is kept, and it must cover the fee.
      if (nativeFeeTokenAmount < fee) revert InsufficientFeeTokenAmount();
      feeTokenAmount = nativeFeeTokenAmount;
    } else {
      feeTokenAmount = fee;
    }

    address linkToken = i_linkToken;
    msgFeeJuels =
      feeToken == linkToken ? feeTokenAmount : (feeTokenAmount * feeTokenPrice) / _getValidatedTokenPrice(linkToken);
    if (msgFeeJuels > i_maxFeeJuelsPerMsg) revert MessageFeeTooHigh(msgFeeJuels, i_maxFeeJuelsPerMsg);

    return (feeTokenAmount, msgFeeJuels, args.allowOutOfOrderExecution, args.gasLimit);
  }

  /// @dev Validates `message` (priced in `feeToken`) and returns its fee, the fee token's price and its parsed extraArgs.
  function _getValidatedFee(uint64 destChainSelector, Client.EVM2AnyMessage calldata message, address feeToken)
    internal
    view
    returns (uint256 feeTokenAmount, uint224 feeTokenPrice, Client.GenericExtraArgsV2 memory args)
  {
    DestChainConfig memory destChainConfig = s_destChainConfigs[destChainSelector];
    if (!destChainConfig.isEnabled) revert DestinationChainNotEnabled(destChainSelector);
    TokenState memory feeTokenState = s_tokenStates[feeToken];
    if (!feeTokenState.isFeeToken) revert FeeTokenNotSupported(feeToken);

    _validateMessage(destChainConfig, message.data.length, message.tokenAmounts.length, message.receiver);
    args = _parseExtraArgs(destChainConfig, message.extraArgs);

    feeTokenPrice = _validatedPrice(feeToken, feeTokenState);
    uint224 packedGasPrice = _getValidatedGasPrice(destChainSelector, destChainConfig.gasPriceStalenessThreshold);

    TokenTransferCost memory tokenCost;
    if (message.tokenAmounts.length > 0) {
      tokenCost =
        _getTokenTransferCost(destChainConfig, destChainSelector, feeToken, feeTokenPrice, message.tokenAmounts);
    } else {
      tokenCost.premiumUSDWei = uint256(destChainConfig.networkFeeUSDCents) * 1e16;
    }

    // USD with 36 decimals from here on: premium x multiplier (1e18 = 1x).
    uint256 totalUSD36 = tokenCost.premiumUSDWei * feeTokenState.premiumMultiplierWeiPerEth;

    uint256 daGasPrice = uint112(packedGasPrice >> GAS_PRICE_BITS);
    if (destChainConfig.destDataAvailabilityMultiplierBps > 0 && daGasPrice > 0) {
      totalUSD36 += _getDataAvailabilityCost(
        destChainConfig, daGasPrice, message.data.length, message.tokenAmounts.length, tokenCost.bytesOverhead
      );
    }

    uint256 executionGas = args.gasLimit + destChainConfig.destGasOverhead
      + _payloadGas(destChainConfig, message.data.length) + tokenCost.gas;
    totalUSD36 += uint256(uint112(packedGasPrice)) * executionGas * destChainConfig.gasMultiplierWeiPerEth;

    return (totalUSD36 / feeTokenPrice, feeTokenPrice, args);
  }

  /// @dev Data gas: `base` per byte up to the threshold, `high` per byte above it.
  function _payloadGas(DestChainConfig memory destChainConfig, uint256 dataLength) internal pure returns (uint256) {
    uint256 threshold = destChainConfig.destGasPerPayloadByteThreshold;
    if (dataLength <= threshold) return dataLength * destChainConfig.destGasPerPayloadByteBase;
    return threshold * destChainConfig.destGasPerPayloadByteBase + (dataLength - threshold)
      * destChainConfig.destGasPerPayloadByteHigh;
  }

  /// @dev USD (36 decimals) of the data-availability (L1) cost of the message on a rollup destination.
  function _getDataAvailabilityCost(
    DestChainConfig memory destChainConfig,
    uint256 daGasPrice,
    uint256 dataLength,
    uint256 numberOfTokens,
    uint256 tokenTransferBytesOverhead
  ) internal pure returns (uint256) {
    uint256 daLengthBytes = MESSAGE_FIXED_BYTES + dataLength + numberOfTokens * MESSAGE_FIXED_BYTES_PER_TOKEN
      + tokenTransferBytesOverhead;
    uint256 daGas =
      daLengthBytes * destChainConfig.destGasPerDataAvailabilityByte + destChainConfig.destDataAvailabilityOverheadGas;
    // bps (1e4) x 1e14 = 1e18: keeps the 36-decimal scale of the other parts.
    return daGas * daGasPrice * destChainConfig.destDataAvailabilityMultiplierBps * 1e14;
  }

  /// @dev Premium (USD, 18 decimals), destination gas and extra bytes of the tokens of a message.
  function _getTokenTransferCost(
    DestChainConfig memory destChainConfig,
    uint64 destChainSelector,
    address feeToken,
    uint224 feeTokenPrice,
    Client.EVMTokenAmount[] calldata tokenAmounts
  ) internal view returns (TokenTransferCost memory cost) {
    for (uint256 i = 0; i < tokenAmounts.length; ++i) {
      Client.EVMTokenAmount calldata tokenAmount = tokenAmounts[i];
      TokenTransferFeeConfig memory transferFeeConfig = s_tokenTransferFeeConfig[destChainSelector][tokenAmount.token];

      if (!transferFeeConfig.isEnabled) {
        cost.premiumUSDWei += uint256(destChainConfig.defaultTokenFeeUSDCents) * 1e16;
        cost.gas += destChainConfig.defaultTokenDestGasOverhead;
        cost.bytesOverhead += Pool.CCIP_LOCK_OR_BURN_V1_RET_BYTES;
        continue;
      }

      uint256 bpsFeeUSDWei = 0;
      if (transferFeeConfig.deciBps > 0) {
        uint224 tokenPrice = tokenAmount.token == feeToken ? feeTokenPrice : _getValidatedTokenPrice(tokenAmount.token);
        // deciBps: 1e5 = 100%.
        bpsFeeUSDWei = ((uint256(tokenPrice) * tokenAmount.amount) / 1e18) * transferFeeConfig.deciBps / 1e5;
      }

      cost.gas += transferFeeConfig.destGasOverhead;
      cost.bytesOverhead += transferFeeConfig.destBytesOverhead;

      uint256 minFeeUSDWei = uint256(transferFeeConfig.minFeeUSDCents) * 1e16;
      uint256 maxFeeUSDWei = uint256(transferFeeConfig.maxFeeUSDCents) * 1e16;
      if (bpsFeeUSDWei < minFeeUSDWei) cost.premiumUSDWei += minFeeUSDWei;
      else if (bpsFeeUSDWei > maxFeeUSDWei) cost.premiumUSDWei += maxFeeUSDWei;
      else cost.premiumUSDWei += bpsFeeUSDWei;
    }
    return cost;
  }

  function _validateMessage(
    DestChainConfig memory destChainConfig,
    uint256 dataLength,
    uint256 numberOfTokens,
    bytes calldata receiver
  ) internal pure {
    if (dataLength > destChainConfig.maxDataBytes) {
      revert MessageTooLarge(destChainConfig.maxDataBytes, dataLength);
    }
    if (numberOfTokens > destChainConfig.maxNumberOfTokensPerMsg) {
      revert UnsupportedNumberOfTokens(numberOfTokens, destChainConfig.maxNumberOfTokensPerMsg);
    }
    // Only EVM destinations are configurable (see _applyDestChainConfigUpdates). Same rule as
    // Internal._validateEVMAddress, checked in calldata (no copy of the receiver to memory).
    if (receiver.length != 32) revert Internal.InvalidEVMAddress(receiver);
    uint256 encoded = uint256(bytes32(receiver));
    if (encoded > type(uint160).max || encoded < Internal.PRECOMPILE_SPACE) {
      revert Internal.InvalidEVMAddress(receiver);
    }
  }

  /// @notice Parses and validates extraArgs against a destination's limits (empty = default gas limit, ordered).
  function _parseExtraArgs(DestChainConfig memory destChainConfig, bytes calldata extraArgs)
    internal
    pure
    returns (Client.GenericExtraArgsV2 memory args)
  {
    if (extraArgs.length == 0) {
      args.gasLimit = destChainConfig.defaultTxGasLimit;
    } else {
      if (extraArgs.length < 4) revert InvalidExtraArgsTag();
      bytes4 tag = bytes4(extraArgs[:4]);
      if (tag == Client.GENERIC_EXTRA_ARGS_V2_TAG) {
        args = abi.decode(extraArgs[4:], (Client.GenericExtraArgsV2));
      } else if (tag == Client.EVM_EXTRA_ARGS_V1_TAG) {
        args.gasLimit = abi.decode(extraArgs[4:], (uint256));
      } else {
        revert InvalidExtraArgsTag();
      }
    }
    if (args.gasLimit > destChainConfig.maxPerMsgGasLimit) revert MessageGasLimitTooHigh();
    if (destChainConfig.enforceOutOfOrder && !args.allowOutOfOrderExecution) {
      revert ExtraArgOutOfOrderExecutionMustBeTrue();
    }
    return args;
  }

  /// @notice Parses extraArgs as the OnRamp would (for tools): the validated GenericExtraArgsV2 of `destChainSelector`.
  function parseEVMExtraArgsFromBytes(bytes calldata extraArgs, uint64 destChainSelector)
    external
    view
    returns (Client.GenericExtraArgsV2 memory)
  {
    return _parseExtraArgs(s_destChainConfigs[destChainSelector], extraArgs);
  }

  /// @inheritdoc IFeeQuoter
  function processMessageArgs(
    uint64 destChainSelector,
    address feeToken,
    uint256 feeTokenAmount,
    bytes calldata extraArgs,
    bytes calldata messageReceiver
  )
    external
    view
    returns (
      uint256 msgFeeJuels,
      bool isOutOfOrderExecution,
      bytes memory convertedExtraArgs,
      bytes memory tokenReceiver
    )
  {
    msgFeeJuels = feeToken == i_linkToken ? feeTokenAmount : convertTokenAmount(feeToken, feeTokenAmount, i_linkToken);
    if (msgFeeJuels > i_maxFeeJuelsPerMsg) revert MessageFeeTooHigh(msgFeeJuels, i_maxFeeJuelsPerMsg);

    Client.GenericExtraArgsV2 memory args = _parseExtraArgs(s_destChainConfigs[destChainSelector], extraArgs);
    // EVM destinations: tokens go to the message receiver.
    return (msgFeeJuels, args.allowOutOfOrderExecution, Client._argsToBytes(args), messageReceiver);
  }

  /// @inheritdoc IFeeQuoter
  function processPoolReturnData(
    uint64 destChainSelector,
    Internal.EVM2AnyTokenTransfer[] calldata onRampTokenTransfers,
    Client.EVMTokenAmount[] calldata sourceTokenAmounts
  ) external view returns (bytes[] memory destExecDataPerToken) {
    destExecDataPerToken = new bytes[](onRampTokenTransfers.length);
    uint32 defaultTokenDestGasOverhead = s_destChainConfigs[destChainSelector].defaultTokenDestGasOverhead;
    for (uint256 i = 0; i < onRampTokenTransfers.length; ++i) {
      address sourceToken = sourceTokenAmounts[i].token;
      TokenTransferFeeConfig memory transferFeeConfig = s_tokenTransferFeeConfig[destChainSelector][sourceToken];

      // Pools may return more than the default 32 bytes only if the sender paid for them.
      uint256 destPoolDataLength = onRampTokenTransfers[i].extraData.length;
      if (
        destPoolDataLength > Pool.CCIP_LOCK_OR_BURN_V1_RET_BYTES
          && destPoolDataLength > transferFeeConfig.destBytesOverhead
      ) revert SourceTokenDataTooLarge(sourceToken);

      Internal._validateEVMAddress(onRampTokenTransfers[i].destTokenAddress);

      destExecDataPerToken[i] =
        abi.encode(transferFeeConfig.isEnabled ? transferFeeConfig.destGasOverhead : defaultTokenDestGasOverhead);
    }
    return destExecDataPerToken;
  }

  // ================================================================
  // │                           Config                             │
  // ================================================================

  function getStaticConfig() external view returns (StaticConfig memory) {
    return StaticConfig({
      maxFeeJuelsPerMsg: i_maxFeeJuelsPerMsg,
      linkToken: i_linkToken,
      tokenPriceStalenessThreshold: i_tokenPriceStalenessThreshold
    });
  }

  function getDestChainConfig(uint64 destChainSelector) external view returns (DestChainConfig memory) {
    return s_destChainConfigs[destChainSelector];
  }

  function getTokenTransferFeeConfig(uint64 destChainSelector, address token)
    external
    view
    returns (TokenTransferFeeConfig memory)
  {
    return s_tokenTransferFeeConfig[destChainSelector][token];
  }

  function getPremiumMultiplierWeiPerEth(address token) external view returns (uint64) {
    return s_tokenStates[token].premiumMultiplierWeiPerEth;
  }

  /// @inheritdoc IFeeQuoter
  function getFeeTokens() external view returns (address[] memory) {
    return s_feeTokens.values();
  }

  function applyFeeTokensUpdates(address[] memory feeTokensToRemove, address[] memory feeTokensToAdd)
    external
    onlyOwner
  {
    _applyFeeTokensUpdates(feeTokensToRemove, feeTokensToAdd);
  }

  function _applyFeeTokensUpdates(address[] memory feeTokensToRemove, address[] memory feeTokensToAdd) internal {
    for (uint256 i = 0; i < feeTokensToRemove.length; ++i) {
      address token = feeTokensToRemove[i];
      if (s_feeTokens.remove(token)) {
        s_tokenStates[token].isFeeToken = false;
        emit FeeTokenRemoved(token);
      }
    }
    for (uint256 i = 0; i < feeTokensToAdd.length; ++i) {
      address token = feeTokensToAdd[i];
      if (token == address(0)) revert ZeroAddressNotAllowed();
      if (s_feeTokens.add(token)) {
        s_tokenStates[token].isFeeToken = true;
        emit FeeTokenAdded(token);
      }
    }
  }

  function applyPremiumMultiplierWeiPerEthUpdates(PremiumMultiplierWeiPerEthArgs[] memory premiumMultiplierWeiPerEthArgs)
    external
    onlyOwner
  {
    _applyPremiumMultiplierWeiPerEthUpdates(premiumMultiplierWeiPerEthArgs);
  }

  function _applyPremiumMultiplierWeiPerEthUpdates(PremiumMultiplierWeiPerEthArgs[] memory args) internal {
    for (uint256 i = 0; i < args.length; ++i) {
      s_tokenStates[args[i].token].premiumMultiplierWeiPerEth = args[i].premiumMultiplierWeiPerEth;
      emit PremiumMultiplierWeiPerEthUpdated(args[i].token, args[i].premiumMultiplierWeiPerEth);
    }
  }

  function applyTokenTransferFeeConfigUpdates(
    TokenTransferFeeConfigArgs[] memory tokenTransferFeeConfigArgs,
    TokenTransferFeeConfigRemoveArgs[] memory tokensToUseDefaultFeeConfigs
  ) external onlyOwner {
    _applyTokenTransferFeeConfigUpdates(tokenTransferFeeConfigArgs, tokensToUseDefaultFeeConfigs);
  }

  function _applyTokenTransferFeeConfigUpdates(
    TokenTransferFeeConfigArgs[] memory tokenTransferFeeConfigArgs,
    TokenTransferFeeConfigRemoveArgs[] memory tokensToUseDefaultFeeConfigs
  ) internal {
    for (uint256 i = 0; i < tokenTransferFeeConfigArgs.length; ++i) {
      TokenTransferFeeConfigArgs memory chainArgs = tokenTransferFeeConfigArgs[i];
      for (uint256 j = 0; j < chainArgs.tokenTransferFeeConfigs.length; ++j) {
        address token = chainArgs.tokenTransferFeeConfigs[j].token;
        TokenTransferFeeConfig memory config = chainArgs.tokenTransferFeeConfigs[j].tokenTransferFeeConfig;
        if (config.minFeeUSDCents >= config.maxFeeUSDCents) {
          revert InvalidFeeRange(config.minFeeUSDCents, config.maxFeeUSDCents);
        }
        // The default 32 bytes of destPoolData are always paid for.
        if (config.destBytesOverhead < Pool.CCIP_LOCK_OR_BURN_V1_RET_BYTES) {
          revert InvalidDestBytesOverhead(token, config.destBytesOverhead);
        }
        config.isEnabled = true;
        s_tokenTransferFeeConfig[chainArgs.destChainSelector][token] = config;
        emit TokenTransferFeeConfigUpdated(chainArgs.destChainSelector, token, config);
      }
    }
    for (uint256 i = 0; i < tokensToUseDefaultFeeConfigs.length; ++i) {
      uint64 destChainSelector = tokensToUseDefaultFeeConfigs[i].destChainSelector;
      address token = tokensToUseDefaultFeeConfigs[i].token;
      delete s_tokenTransferFeeConfig[destChainSelector][token];
      emit TokenTransferFeeConfigDeleted(destChainSelector, token);
    }
  }

  function applyDestChainConfigUpdates(DestChainConfigArgs[] memory destChainConfigArgs) external onlyOwner {
    _applyDestChainConfigUpdates(destChainConfigArgs);
  }

  function _applyDestChainConfigUpdates(DestChainConfigArgs[] memory destChainConfigArgs) internal {
    for (uint256 i = 0; i < destChainConfigArgs.length; ++i) {
      uint64 destChainSelector = destChainConfigArgs[i].destChainSelector;
      DestChainConfig memory config = destChainConfigArgs[i].destChainConfig;
      if (
        destChainSelector == 0 || config.defaultTxGasLimit == 0 || config.defaultTxGasLimit > config.maxPerMsgGasLimit
      ) revert InvalidDestChainConfig(destChainSelector);
      // Receivers and extraArgs are only understood for EVM destinations.
      if (config.chainFamilySelector != Internal.CHAIN_FAMILY_SELECTOR_EVM) {
        revert InvalidChainFamilySelector(config.chainFamilySelector);
      }

      // A chain that was never configured has a zero chain family selector.
      bool isNew = s_destChainConfigs[destChainSelector].chainFamilySelector == bytes4(0);
      s_destChainConfigs[destChainSelector] = config;
      if (isNew) emit DestChainAdded(destChainSelector, config);
      else emit DestChainConfigUpdated(destChainSelector, config);
    }
  }
}
