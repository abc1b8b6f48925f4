// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../../src/access/AuthorizedCallers.sol";
import {Ownable2Step} from "../../src/access/Ownable2Step.sol";
import {FeeQuoter} from "../../src/core/FeeQuoter.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {CoreSrcSetup} from "./helpers/CoreSrcSetup.sol";

contract FeeQuoterTest is CoreSrcSetup {
  function _setGasPrice(uint64 dest, uint224 packed) internal {
    Internal.GasPriceUpdate[] memory gasPrices = new Internal.GasPriceUpdate[](1);
    gasPrices[0] = Internal.GasPriceUpdate({destChainSelector: dest, usdPerUnitGas: packed});
    vm.prank(OWNER);
    s_feeQuoter.updatePrices(
      Internal.PriceUpdates({tokenPriceUpdates: new Internal.TokenPriceUpdate[](0), gasPriceUpdates: gasPrices})
    );
  }

  function _setTokenPrice(address token, uint224 price) internal {
    Internal.TokenPriceUpdate[] memory tokenPrices = new Internal.TokenPriceUpdate[](1);
    tokenPrices[0] = Internal.TokenPriceUpdate({sourceToken: token, usdPerToken: price});
    vm.prank(OWNER);
    s_feeQuoter.updatePrices(
      Internal.PriceUpdates({tokenPriceUpdates: tokenPrices, gasPriceUpdates: new Internal.GasPriceUpdate[](0)})
    );
  }

  function _setDestConfig(FeeQuoter.DestChainConfig memory config) internal {
    FeeQuoter.DestChainConfigArgs[] memory args = new FeeQuoter.DestChainConfigArgs[](1);
    args[0] = FeeQuoter.DestChainConfigArgs({destChainSelector: DEST_CHAIN, destChainConfig: config});
    vm.prank(OWNER);
    s_feeQuoter.applyDestChainConfigUpdates(args);
  }

  function _setTokenTransferFeeConfig(FeeQuoter.TokenTransferFeeConfig memory config) internal {
    FeeQuoter.TokenTransferFeeConfigArgs[] memory args = new FeeQuoter.TokenTransferFeeConfigArgs[](1);
    args[0].destChainSelector = DEST_CHAIN;
    args[0].tokenTransferFeeConfigs = new FeeQuoter.TokenTransferFeeConfigSingleTokenArgs[](1);
    args[0].tokenTransferFeeConfigs[0] =
      FeeQuoter.TokenTransferFeeConfigSingleTokenArgs({token: address(s_token), tokenTransferFeeConfig: config});
    vm.prank(OWNER);
    s_feeQuoter.applyTokenTransferFeeConfigUpdates(args, new FeeQuoter.TokenTransferFeeConfigRemoveArgs[](0));
  }

  function _fee(Client.EVM2AnyMessage memory message) internal view returns (uint256) {
    return s_feeQuoter.getValidatedFee(DEST_CHAIN, message);
  }

  // ================================================================
  // │                         Config                               │
  // ================================================================

  function test_staticConfig() public view {
    assertEq(s_feeQuoter.typeAndVersion(), "FeeQuoter 1.6.0");
    FeeQuoter.StaticConfig memory sc = s_feeQuoter.getStaticConfig();
    assertEq(sc.maxFeeJuelsPerMsg, MAX_FEE_JUELS);
    assertEq(sc.linkToken, address(s_link));
    assertEq(sc.tokenPriceStalenessThreshold, 0);
    address[] memory feeTokens = s_feeQuoter.getFeeTokens();
    assertEq(feeTokens.length, 2);
    assertEq(s_feeQuoter.getPremiumMultiplierWeiPerEth(address(s_link)), LINK_PREMIUM);
    assertEq(s_feeQuoter.getDestChainConfig(DEST_CHAIN).defaultTxGasLimit, 200_000);
  }

  function test_constructor_invalidStaticConfig_reverts() public {
    FeeQuoter.StaticConfig memory sc =
      FeeQuoter.StaticConfig({maxFeeJuelsPerMsg: 1, linkToken: address(0), tokenPriceStalenessThreshold: 0});
    vm.expectRevert(FeeQuoter.InvalidStaticConfig.selector);
    new FeeQuoter(
      sc,
      new address[](0),
      new address[](0),
      new FeeQuoter.TokenTransferFeeConfigArgs[](0),
      new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](0),
      new FeeQuoter.DestChainConfigArgs[](0)
    );
    sc.linkToken = address(s_link);
    sc.maxFeeJuelsPerMsg = 0;
    vm.expectRevert(FeeQuoter.InvalidStaticConfig.selector);
    new FeeQuoter(
      sc,
      new address[](0),
      new address[](0),
      new FeeQuoter.TokenTransferFeeConfigArgs[](0),
      new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](0),
      new FeeQuoter.DestChainConfigArgs[](0)
    );
  }

  function test_applyFeeTokensUpdates() public {
    address[] memory add = new address[](1);
    add[0] = address(s_token);
    address[] memory remove = new address[](1);
    remove[0] = address(s_link);
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.FeeTokenRemoved(address(s_link));
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.FeeTokenAdded(address(s_token));
    vm.prank(OWNER);
    s_feeQuoter.applyFeeTokensUpdates(remove, add);

    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.FeeTokenNotSupported.selector, address(s_link)));
    _fee(_message(address(s_link)));
    // $1 premium-less token price is $1: premium multiplier 0 (not configured) => only execution cost.
    assertEq(_fee(_message(address(s_token))), 5e17);

    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_feeQuoter.applyFeeTokensUpdates(remove, add);
    add[0] = address(0);
    vm.expectRevert(AuthorizedCallers.ZeroAddressNotAllowed.selector);
    vm.prank(OWNER);
    s_feeQuoter.applyFeeTokensUpdates(new address[](0), add);
  }

  function test_applyPremiumMultiplierWeiPerEthUpdates() public {
    FeeQuoter.PremiumMultiplierWeiPerEthArgs[] memory args = new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](1);
    args[0] = FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(s_weth), premiumMultiplierWeiPerEth: 2e18});
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.PremiumMultiplierWeiPerEthUpdated(address(s_weth), 2e18);
    vm.prank(OWNER);
    s_feeQuoter.applyPremiumMultiplierWeiPerEthUpdates(args);
    assertEq(s_feeQuoter.getPremiumMultiplierWeiPerEth(address(s_weth)), 2e18);
    // $0.50 x 2 + $0.50 = $1.50 / $2000.
    assertEq(_fee(_message(address(s_weth))), 7.5e14);

    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_feeQuoter.applyPremiumMultiplierWeiPerEthUpdates(args);
  }

  function test_applyDestChainConfigUpdates() public {
    FeeQuoter.DestChainConfig memory config = _destChainConfig();
    FeeQuoter.DestChainConfigArgs[] memory args = new FeeQuoter.DestChainConfigArgs[](1);
    args[0] = FeeQuoter.DestChainConfigArgs({destChainSelector: OTHER_CHAIN, destChainConfig: config});
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.DestChainAdded(OTHER_CHAIN, config);
    vm.prank(OWNER);
    s_feeQuoter.applyDestChainConfigUpdates(args);

    config.isEnabled = false;
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.DestChainConfigUpdated(OTHER_CHAIN, config);
    vm.prank(OWNER);
    s_feeQuoter.applyDestChainConfigUpdates(args);
    assertFalse(s_feeQuoter.getDestChainConfig(OTHER_CHAIN).isEnabled);
  }

  function test_applyDestChainConfigUpdates_reverts() public {
    FeeQuoter.DestChainConfigArgs[] memory args = new FeeQuoter.DestChainConfigArgs[](1);
    args[0] = FeeQuoter.DestChainConfigArgs({destChainSelector: 0, destChainConfig: _destChainConfig()});
    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_feeQuoter.applyDestChainConfigUpdates(args);

    vm.startPrank(OWNER);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.InvalidDestChainConfig.selector, uint64(0)));
    s_feeQuoter.applyDestChainConfigUpdates(args);
    args[0].destChainSelector = OTHER_CHAIN;
    args[0].destChainConfig.defaultTxGasLimit = 0;
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.InvalidDestChainConfig.selector, OTHER_CHAIN));
    s_feeQuoter.applyDestChainConfigUpdates(args);
    args[0].destChainConfig.defaultTxGasLimit = 3_000_001;
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.InvalidDestChainConfig.selector, OTHER_CHAIN));
    s_feeQuoter.applyDestChainConfigUpdates(args);
    args[0].destChainConfig = _destChainConfig();
    args[0].destChainConfig.chainFamilySelector = 0x1e10bdc4; // SVM
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.InvalidChainFamilySelector.selector, bytes4(0x1e10bdc4)));
    s_feeQuoter.applyDestChainConfigUpdates(args);
    vm.stopPrank();
  }

  function test_applyTokenTransferFeeConfigUpdates() public {
    FeeQuoter.TokenTransferFeeConfig memory config = FeeQuoter.TokenTransferFeeConfig({
      minFeeUSDCents: 10,
      maxFeeUSDCents: 500,
      deciBps: 100,
      destGasOverhead: 50_000,
      destBytesOverhead: 64,
      isEnabled: false // set to true by the setter
    });
    FeeQuoter.TokenTransferFeeConfig memory stored = config;
    stored.isEnabled = true;
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.TokenTransferFeeConfigUpdated(DEST_CHAIN, address(s_token), stored);
    _setTokenTransferFeeConfig(config);
    FeeQuoter.TokenTransferFeeConfig memory got = s_feeQuoter.getTokenTransferFeeConfig(DEST_CHAIN, address(s_token));
    assertTrue(got.isEnabled);
    assertEq(got.destGasOverhead, 50_000);

    FeeQuoter.TokenTransferFeeConfigRemoveArgs[] memory removes = new FeeQuoter.TokenTransferFeeConfigRemoveArgs[](1);
    removes[0] = FeeQuoter.TokenTransferFeeConfigRemoveArgs({destChainSelector: DEST_CHAIN, token: address(s_token)});
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.TokenTransferFeeConfigDeleted(DEST_CHAIN, address(s_token));
    vm.prank(OWNER);
    s_feeQuoter.applyTokenTransferFeeConfigUpdates(new FeeQuoter.TokenTransferFeeConfigArgs[](0), removes);
    assertFalse(s_feeQuoter.getTokenTransferFeeConfig(DEST_CHAIN, address(s_token)).isEnabled);

    vm.expectRevert(Ownable2Step.OnlyCallableByOwner.selector);
    s_feeQuoter.applyTokenTransferFeeConfigUpdates(new FeeQuoter.TokenTransferFeeConfigArgs[](0), removes);

    config.minFeeUSDCents = 500;
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.InvalidFeeRange.selector, uint256(500), uint256(500)));
    _setTokenTransferFeeConfig(config);
    config.minFeeUSDCents = 10;
    config.destBytesOverhead = 31;
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.InvalidDestBytesOverhead.selector, address(s_token), uint32(31)));
    _setTokenTransferFeeConfig(config);
  }

  // ================================================================
  // │                          Prices                              │
  // ================================================================

  function test_updatePrices() public {
    vm.warp(block.timestamp + 10);
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.UsdPerTokenUpdated(address(s_link), 25e18, block.timestamp);
    _setTokenPrice(address(s_link), 25e18);
    vm.expectEmit(address(s_feeQuoter));
    emit FeeQuoter.UsdPerUnitGasUpdated(DEST_CHAIN, 7, block.timestamp);
    _setGasPrice(DEST_CHAIN, 7);

    Internal.TimestampedPackedUint224 memory p = s_feeQuoter.getTokenPrice(address(s_link));
    assertEq(p.value, 25e18);
    assertEq(p.timestamp, block.timestamp);
    assertEq(s_feeQuoter.getDestinationChainGasPrice(DEST_CHAIN).value, 7);
    address[] memory tokens = new address[](2);
    tokens[0] = address(s_link);
    tokens[1] = address(s_weth);
    Internal.TimestampedPackedUint224[] memory prices = s_feeQuoter.getTokenPrices(tokens);
    assertEq(prices[1].value, WETH_USD);
    (uint224 tokenPrice, uint224 gasPrice) = s_feeQuoter.getTokenAndGasPrices(address(s_weth), DEST_CHAIN);
    assertEq(tokenPrice, WETH_USD);
    assertEq(gasPrice, 7);
  }

  function test_updatePrices_unauthorized_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(AuthorizedCallers.UnauthorizedCaller.selector, USER));
    vm.prank(USER);
    s_feeQuoter.updatePrices(
      Internal.PriceUpdates({
        tokenPriceUpdates: new Internal.TokenPriceUpdate[](0), gasPriceUpdates: new Internal.GasPriceUpdate[](0)
      })
    );
  }

  function test_getTokenAndGasPrices_disabledChain_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.DestinationChainNotEnabled.selector, OTHER_CHAIN));
    s_feeQuoter.getTokenAndGasPrices(address(s_weth), OTHER_CHAIN);
  }

  function test_convertTokenAmount() public view {
    // 1 WETH = $2000 = 100 LINK.
    assertEq(s_feeQuoter.convertTokenAmount(address(s_weth), 1e18, address(s_link)), 100e18);
    assertEq(s_feeQuoter.getValidatedTokenPrice(address(s_link)), LINK_USD);
  }

  function test_getValidatedTokenPrice_unknown_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.TokenNotSupported.selector, address(0x1234)));
    s_feeQuoter.getValidatedTokenPrice(address(0x1234));
    _setTokenPrice(address(0x1234), 0);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.TokenNotSupported.selector, address(0x1234)));
    s_feeQuoter.getValidatedTokenPrice(address(0x1234));
  }

  function test_staleTokenPrice_reverts() public {
    address[] memory updaters = new address[](1);
    updaters[0] = OWNER;
    address[] memory feeTokens = new address[](1);
    feeTokens[0] = address(s_link);
    FeeQuoter fq = new FeeQuoter(
      FeeQuoter.StaticConfig({
        maxFeeJuelsPerMsg: MAX_FEE_JUELS, linkToken: address(s_link), tokenPriceStalenessThreshold: 3600
      }),
      updaters,
      feeTokens,
      new FeeQuoter.TokenTransferFeeConfigArgs[](0),
      new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](0),
      new FeeQuoter.DestChainConfigArgs[](0)
    );
    Internal.TokenPriceUpdate[] memory tokenPrices = new Internal.TokenPriceUpdate[](1);
    tokenPrices[0] = Internal.TokenPriceUpdate({sourceToken: address(s_link), usdPerToken: LINK_USD});
    vm.prank(OWNER);
    fq.updatePrices(
      Internal.PriceUpdates({tokenPriceUpdates: tokenPrices, gasPriceUpdates: new Internal.GasPriceUpdate[](0)})
    );

    vm.warp(block.timestamp + 3600);
    assertEq(fq.getValidatedTokenPrice(address(s_link)), LINK_USD); // exactly at the threshold: still fresh
    vm.warp(block.timestamp + 1);
    vm.expectRevert(
      abi.encodeWithSelector(FeeQuoter.StaleTokenPrice.selector, address(s_link), uint256(3600), uint256(3601))
    );
    fq.getValidatedTokenPrice(address(s_link));
  }

  function test_staleGasPrice_reverts() public {
    vm.warp(block.timestamp + 90_001);
    _setTokenPrice(address(s_weth), WETH_USD);
    vm.expectRevert(
      abi.encodeWithSelector(FeeQuoter.StaleGasPrice.selector, DEST_CHAIN, uint256(90_000), uint256(90_001))
    );
    _fee(_message(address(s_weth)));

    // Threshold 0 turns the check off.
    FeeQuoter.DestChainConfig memory config = _destChainConfig();
    config.gasPriceStalenessThreshold = 0;
    _setDestConfig(config);
    assertEq(_fee(_message(address(s_weth))), 5e14);
  }

  function test_noGasPrice_reverts() public {
    FeeQuoter.DestChainConfigArgs[] memory args = new FeeQuoter.DestChainConfigArgs[](1);
    args[0] = FeeQuoter.DestChainConfigArgs({destChainSelector: OTHER_CHAIN, destChainConfig: _destChainConfig()});
    vm.prank(OWNER);
    s_feeQuoter.applyDestChainConfigUpdates(args);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.ChainNotSupported.selector, OTHER_CHAIN));
    s_feeQuoter.getValidatedFee(OTHER_CHAIN, _message(address(s_weth)));
  }

  // ================================================================
  // │                 Fee formula (checked by hand)                │
  // ================================================================

  function test_fee_link_noData() public view {
    // premium $0.50 x 0.9 = $0.45; execution (200k + 300k) gas x 2e-6 $/gas x 0.5 = $0.50; $0.95 / $20 = 0.0475 LINK.
    assertEq(_fee(_message(address(s_link))), 4.75e16);
  }

  function test_fee_payloadBelowThreshold() public view {
    Client.EVM2AnyMessage memory message = _message(address(s_weth));
    message.data = new bytes(100); // 100 x 16 = 1,600 gas
    // $0.50 + 501,600 x 1e-6 = $1.0016 / $2000
    assertEq(_fee(message), 5.008e14);
  }

  function test_fee_payloadAboveThreshold() public view {
    Client.EVM2AnyMessage memory message = _message(address(s_weth));
    message.data = new bytes(3_100); // 3,000 x 16 + 100 x 40 = 52,000 gas
    // $0.50 + 552,000 x 1e-6 = $1.052 / $2000
    assertEq(_fee(message), 5.26e14);
  }

  function test_fee_gasLimitFromExtraArgs() public view {
    Client.EVM2AnyMessage memory message = _message(address(s_weth));
    message.extraArgs = Client._argsToBytes(Client.EVMExtraArgsV1({gasLimit: 1_000_000}));
    // $0.50 + 1,300,000 x 1e-6 = $1.80 / $2000
    assertEq(_fee(message), 9e14);
  }

  function test_fee_dataAvailability() public {
    FeeQuoter.DestChainConfig memory config = _destChainConfig();
    config.destDataAvailabilityMultiplierBps = 10_000; // 1x
    _setDestConfig(config);
    _setGasPrice(DEST_CHAIN, (uint224(1e12) << 112) | EXEC_GAS_USD);
    // DA: (480 fixed bytes x 16 + 100) = 7,780 gas x 1e-6 $/gas = $0.00778. Total $1.00778 / $2000.
    assertEq(_fee(_message(address(s_weth))), 5.0389e14);

    // With a token (default config): + 288 + 32 bytes.
    // DA: ((480 + 288 + 32) x 16 + 100) = 12,900 gas = $0.0129; premium $0.25; exec 590,000 gas = $0.59.
    assertEq(_fee(_messageWithToken(address(s_weth), 1e18)), 4.2645e14);
  }

  function test_fee_token_defaultConfig() public view {
    // premium = default $0.25 (replaces the network fee); exec (200k + 300k + 90k) = $0.59; $0.84 / $2000.
    assertEq(_fee(_messageWithToken(address(s_weth), 1e18)), 4.2e14);
  }

  function test_fee_token_bpsWithinMinMax() public {
    _setTokenTransferFeeConfig(
      FeeQuoter.TokenTransferFeeConfig({
        minFeeUSDCents: 10,
        maxFeeUSDCents: 500,
        deciBps: 100, // 0.1%
        destGasOverhead: 50_000,
        destBytesOverhead: 64,
        isEnabled: true
      })
    );
    // 1000 tokens at $1 x 0.1% = $1; exec (200k + 300k + 50k) = $0.55; $1.55 / $2000.
    assertEq(_fee(_messageWithToken(address(s_weth), 1_000e18)), 7.75e14);
    // $0.001 < min $0.10: $0.65 / $2000.
    assertEq(_fee(_messageWithToken(address(s_weth), 1e18)), 3.25e14);
    // $10 > max $5: $5.55 / $2000.
    assertEq(_fee(_messageWithToken(address(s_weth), 10_000e18)), 2.775e15);
  }

  function test_fee_token_isFeeToken_usesFeeTokenPrice() public {
    FeeQuoter.TokenTransferFeeConfigArgs[] memory args = new FeeQuoter.TokenTransferFeeConfigArgs[](1);
    args[0].destChainSelector = DEST_CHAIN;
    args[0].tokenTransferFeeConfigs = new FeeQuoter.TokenTransferFeeConfigSingleTokenArgs[](1);
    args[0].tokenTransferFeeConfigs[0] = FeeQuoter.TokenTransferFeeConfigSingleTokenArgs({
      token: address(s_link),
      tokenTransferFeeConfig: FeeQuoter.TokenTransferFeeConfig({
        minFeeUSDCents: 0,
        maxFeeUSDCents: 100_000,
        deciBps: 1_000, // 1%
        destGasOverhead: 0,
        destBytesOverhead: 32,
        isEnabled: true
      })
    });
    vm.prank(OWNER);
    s_feeQuoter.applyTokenTransferFeeConfigUpdates(args, new FeeQuoter.TokenTransferFeeConfigRemoveArgs[](0));
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.tokenAmounts = new Client.EVMTokenAmount[](1);
    message.tokenAmounts[0] = Client.EVMTokenAmount({token: address(s_link), amount: 100e18});
    // 100 LINK = $2000 x 1% = $20 x 0.9 = $18; exec $0.50; $18.50 / $20 = 0.925 LINK.
    assertEq(_fee(message), 0.925e18);
  }

  function testFuzz_fee_noOverflow(
    uint32 dataLength,
    uint32 gasLimit,
    uint112 execGasPrice,
    uint112 daGasPrice,
    uint128 amount,
    uint224 feeTokenPrice,
    uint64 premium
  ) public {
    FeeQuoter.DestChainConfig memory config = _destChainConfig();
    config.destDataAvailabilityMultiplierBps = type(uint16).max;
    config.destGasPerDataAvailabilityByte = type(uint16).max;
    config.gasMultiplierWeiPerEth = type(uint64).max;
    config.networkFeeUSDCents = type(uint32).max;
    config.destGasOverhead = type(uint32).max;
    _setDestConfig(config);
    _setGasPrice(DEST_CHAIN, (uint224(daGasPrice) << 112) | execGasPrice);
    _setTokenPrice(address(s_weth), uint224(bound(feeTokenPrice, 1, type(uint224).max)));
    FeeQuoter.PremiumMultiplierWeiPerEthArgs[] memory args = new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](1);
    args[0] = FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(s_weth), premiumMultiplierWeiPerEth: premium});
    vm.prank(OWNER);
    s_feeQuoter.applyPremiumMultiplierWeiPerEthUpdates(args);

    Client.EVM2AnyMessage memory message = _messageWithToken(address(s_weth), bound(amount, 1, type(uint128).max));
    message.data = new bytes(bound(dataLength, 0, 30_000));
    message.extraArgs = Client._argsToBytes(Client.EVMExtraArgsV1({gasLimit: bound(gasLimit, 0, 3_000_000)}));
    uint256 fee = _fee(message);
    // The fee never falls below the execution part alone.
    uint256 minExec = uint256(execGasPrice) * (uint256(type(uint32).max)) * type(uint64).max;
    assertGe(fee, minExec / bound(feeTokenPrice, 1, type(uint224).max));
  }

  // ================================================================
  // │                   Message validation                         │
  // ================================================================

  function test_fee_validation_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.DestinationChainNotEnabled.selector, OTHER_CHAIN));
    s_feeQuoter.getValidatedFee(OTHER_CHAIN, _message(address(s_weth)));

    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.FeeTokenNotSupported.selector, address(s_token)));
    _fee(_message(address(s_token)));

    Client.EVM2AnyMessage memory message = _message(address(s_weth));
    message.data = new bytes(30_001);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.MessageTooLarge.selector, uint256(30_000), uint256(30_001)));
    _fee(message);

    message = _message(address(s_weth));
    message.tokenAmounts = new Client.EVMTokenAmount[](3);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.UnsupportedNumberOfTokens.selector, uint256(3), uint256(2)));
    _fee(message);

    message = _message(address(s_weth));
    message.receiver = abi.encodePacked(RECEIVER); // 20 bytes, not abi.encode
    vm.expectRevert(abi.encodeWithSelector(Internal.InvalidEVMAddress.selector, message.receiver));
    _fee(message);
    message.receiver = abi.encode(uint256(type(uint160).max) + 1);
    vm.expectRevert(abi.encodeWithSelector(Internal.InvalidEVMAddress.selector, message.receiver));
    _fee(message);

    FeeQuoter.DestChainConfig memory config = _destChainConfig();
    config.isEnabled = false;
    _setDestConfig(config);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.DestinationChainNotEnabled.selector, DEST_CHAIN));
    _fee(_message(address(s_weth)));
  }

  function test_extraArgs_reverts() public {
    Client.EVM2AnyMessage memory message = _message(address(s_weth));
    message.extraArgs = hex"97a657";
    vm.expectRevert(FeeQuoter.InvalidExtraArgsTag.selector);
    _fee(message);
    message.extraArgs = abi.encodeWithSelector(bytes4(0x12345678), uint256(1));
    vm.expectRevert(FeeQuoter.InvalidExtraArgsTag.selector);
    _fee(message);

    message.extraArgs = Client._argsToBytes(Client.EVMExtraArgsV1({gasLimit: 3_000_001}));
    vm.expectRevert(FeeQuoter.MessageGasLimitTooHigh.selector);
    _fee(message);

    FeeQuoter.DestChainConfig memory config = _destChainConfig();
    config.enforceOutOfOrder = true;
    _setDestConfig(config);
    message.extraArgs = "";
    vm.expectRevert(FeeQuoter.ExtraArgOutOfOrderExecutionMustBeTrue.selector);
    _fee(message);
    message.extraArgs = Client._argsToBytes(Client.EVMExtraArgsV1({gasLimit: 1}));
    vm.expectRevert(FeeQuoter.ExtraArgOutOfOrderExecutionMustBeTrue.selector);
    _fee(message);
    message.extraArgs = Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 1, allowOutOfOrderExecution: true}));
    _fee(message);
  }

  function testFuzz_extraArgs_roundTrip(uint256 gasLimit, bool outOfOrder, bool useV1) public view {
    gasLimit = bound(gasLimit, 0, 3_000_000);
    bytes memory extraArgs = useV1
      ? Client._argsToBytes(Client.EVMExtraArgsV1({gasLimit: gasLimit}))
      : Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: gasLimit, allowOutOfOrderExecution: outOfOrder}));
    bool expectedOutOfOrder = useV1 ? false : outOfOrder;

    Client.GenericExtraArgsV2 memory parsed = s_feeQuoter.parseEVMExtraArgsFromBytes(extraArgs, DEST_CHAIN);
    assertEq(parsed.gasLimit, gasLimit);
    assertEq(parsed.allowOutOfOrderExecution, expectedOutOfOrder);

    (, bool isOutOfOrder, bytes memory converted, bytes memory tokenReceiver) =
      s_feeQuoter.processMessageArgs(DEST_CHAIN, address(s_link), 1e18, extraArgs, abi.encode(RECEIVER));
    assertEq(isOutOfOrder, expectedOutOfOrder);
    assertEq(converted, abi.encodeWithSelector(Client.GENERIC_EXTRA_ARGS_V2_TAG, gasLimit, expectedOutOfOrder));
    assertEq(tokenReceiver, abi.encode(RECEIVER));
  }

  function testFuzz_extraArgs_unknownTag_reverts(bytes4 tag, uint256 word) public {
    vm.assume(tag != Client.EVM_EXTRA_ARGS_V1_TAG && tag != Client.GENERIC_EXTRA_ARGS_V2_TAG);
    vm.expectRevert(FeeQuoter.InvalidExtraArgsTag.selector);
    s_feeQuoter.parseEVMExtraArgsFromBytes(abi.encodeWithSelector(tag, word), DEST_CHAIN);
  }

  function test_processMessageArgs_emptyExtraArgs() public view {
    (uint256 juels, bool isOutOfOrder, bytes memory converted,) =
      s_feeQuoter.processMessageArgs(DEST_CHAIN, address(s_weth), 1e16, "", abi.encode(RECEIVER));
    assertEq(juels, 1e18); // 0.01 WETH = $20 = 1 LINK
    assertFalse(isOutOfOrder);
    assertEq(
      converted, Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 200_000, allowOutOfOrderExecution: false}))
    );
  }

  function test_processMessageArgs_feeTooHigh_reverts() public {
    // 10.01 WETH = 1001 LINK > 1000 LINK.
    vm.expectRevert(
      abi.encodeWithSelector(FeeQuoter.MessageFeeTooHigh.selector, uint256(1001e18), uint256(MAX_FEE_JUELS))
    );
    s_feeQuoter.processMessageArgs(DEST_CHAIN, address(s_weth), 10.01e18, "", abi.encode(RECEIVER));
  }

  function test_processPoolReturnData() public {
    _setTokenTransferFeeConfig(
      FeeQuoter.TokenTransferFeeConfig({
        minFeeUSDCents: 0,
        maxFeeUSDCents: 1,
        deciBps: 0,
        destGasOverhead: 55_555,
        destBytesOverhead: 64,
        isEnabled: true
      })
    );
    Internal.EVM2AnyTokenTransfer[] memory transfers = new Internal.EVM2AnyTokenTransfer[](2);
    transfers[0] = Internal.EVM2AnyTokenTransfer({
      sourcePoolAddress: address(s_pool),
      destTokenAddress: abi.encode(address(0xdead7)),
      extraData: new bytes(64),
      amount: 1,
      destExecData: ""
    });
    transfers[1] = transfers[0];
    transfers[1].extraData = new bytes(32);
    Client.EVMTokenAmount[] memory tokenAmounts = new Client.EVMTokenAmount[](2);
    tokenAmounts[0] = Client.EVMTokenAmount({token: address(s_token), amount: 1});
    tokenAmounts[1] = Client.EVMTokenAmount({token: address(s_link), amount: 1}); // no config: default gas
    bytes[] memory destExecData = s_feeQuoter.processPoolReturnData(DEST_CHAIN, transfers, tokenAmounts);
    assertEq(destExecData[0], abi.encode(uint32(55_555)));
    assertEq(destExecData[1], abi.encode(uint32(90_000)));

    transfers[0].extraData = new bytes(65);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.SourceTokenDataTooLarge.selector, address(s_token)));
    s_feeQuoter.processPoolReturnData(DEST_CHAIN, transfers, tokenAmounts);
    transfers[0].extraData = "";
    transfers[1].extraData = new bytes(33);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.SourceTokenDataTooLarge.selector, address(s_link)));
    s_feeQuoter.processPoolReturnData(DEST_CHAIN, transfers, tokenAmounts);
  }

  // ================================================================
  // │            quoteAndProcessMessageArgs (send path)            │
  // ================================================================

  function test_quote_native_keepsValueAndConvertsIt() public view {
    Client.EVM2AnyMessage memory message = _message(address(0));
    uint256 fee = _fee(_message(address(s_weth)));
    (uint256 feeTokenAmount, uint256 juels, bool outOfOrder, uint256 gasLimit) =
      s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, message, address(s_weth), fee + 7);
    assertEq(feeTokenAmount, fee + 7); // all of the value is kept
    assertEq(juels, s_feeQuoter.convertTokenAmount(address(s_weth), fee + 7, address(s_link)));
    assertFalse(outOfOrder);
    assertEq(gasLimit, 200_000); // the lane's default
  }

  function test_quote_native_insufficient_reverts() public {
    uint256 fee = _fee(_message(address(s_weth)));
    vm.expectRevert(FeeQuoter.InsufficientFeeTokenAmount.selector);
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, _message(address(0)), address(s_weth), fee - 1);
    vm.expectRevert(FeeQuoter.InsufficientFeeTokenAmount.selector);
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, _message(address(0)), address(s_weth), 0);
  }

  function test_quote_native_notAFeeToken_reverts() public {
    // The wrapped native must itself be a configured fee token.
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.FeeTokenNotSupported.selector, address(s_token)));
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, _message(address(0)), address(s_token), 1 ether);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.FeeTokenNotSupported.selector, address(0)));
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, _message(address(0)), address(0), 1 ether);
  }

  function test_quote_feeToken_paysExactlyTheFee() public view {
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.extraArgs =
      Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 77_777, allowOutOfOrderExecution: true}));
    // The native-only arguments are ignored: the message is priced in its own fee token.
    (uint256 feeTokenAmount, uint256 juels, bool outOfOrder, uint256 gasLimit) =
      s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, message, address(s_weth), 123 ether);
    assertEq(feeTokenAmount, _fee(message));
    assertEq(juels, feeTokenAmount); // LINK is its own juel value
    assertTrue(outOfOrder);
    assertEq(gasLimit, 77_777);
  }

  function test_quote_reverts() public {
    // Too much value kept: 10.01 WETH = 1001 LINK > 1000 LINK.
    vm.expectRevert(
      abi.encodeWithSelector(FeeQuoter.MessageFeeTooHigh.selector, uint256(1001e18), uint256(MAX_FEE_JUELS))
    );
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, _message(address(0)), address(s_weth), 10.01e18);
    // Same validation as getValidatedFee.
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.DestinationChainNotEnabled.selector, OTHER_CHAIN));
    s_feeQuoter.quoteAndProcessMessageArgs(OTHER_CHAIN, _message(address(s_link)), address(0), 0);
    Client.EVM2AnyMessage memory message = _message(address(s_link));
    message.receiver = abi.encode(uint256(1023)); // precompile space
    vm.expectRevert(abi.encodeWithSelector(Internal.InvalidEVMAddress.selector, message.receiver));
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, message, address(0), 0);
    message.receiver = abi.encodePacked(RECEIVER); // 20 bytes
    vm.expectRevert(abi.encodeWithSelector(Internal.InvalidEVMAddress.selector, message.receiver));
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, message, address(0), 0);
    message.receiver = abi.encode(uint256(type(uint160).max) + 1);
    vm.expectRevert(abi.encodeWithSelector(Internal.InvalidEVMAddress.selector, message.receiver));
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, message, address(0), 0);
    message.receiver = abi.encode(RECEIVER);
    message.extraArgs = hex"deadbeef";
    vm.expectRevert(FeeQuoter.InvalidExtraArgsTag.selector);
    s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, message, address(0), 0);
  }

  /// @dev The one-call send path agrees with the two v1.6 calls it replaces (getValidatedFee + processMessageArgs).
  function testFuzz_quote_matchesGetValidatedFeeAndProcessMessageArgs(
    uint16 dataLength,
    uint32 gasLimit,
    bool outOfOrder,
    bool native,
    uint96 extra
  ) public view {
    Client.EVM2AnyMessage memory message = _message(native ? address(0) : address(s_link));
    message.data = new bytes(bound(dataLength, 0, 30_000));
    message.extraArgs = Client._argsToBytes(
      Client.GenericExtraArgsV2({gasLimit: bound(gasLimit, 0, 3_000_000), allowOutOfOrderExecution: outOfOrder})
    );
    Client.EVM2AnyMessage memory priced = _message(native ? address(s_weth) : address(s_link));
    priced.data = message.data;
    priced.extraArgs = message.extraArgs;
    uint256 paid = _fee(priced) + (native ? bound(extra, 0, 1 ether) : 0);
    _checkQuoteMatchesV16(message, priced.feeToken, paid);
  }

  function _checkQuoteMatchesV16(Client.EVM2AnyMessage memory message, address feeToken, uint256 paid) internal view {
    (uint256 feeTokenAmount, uint256 juels, bool isOutOfOrder, uint256 parsedGasLimit) =
      s_feeQuoter.quoteAndProcessMessageArgs(DEST_CHAIN, message, address(s_weth), paid);
    (uint256 v16Juels, bool v16OutOfOrder, bytes memory v16ExtraArgs,) =
      s_feeQuoter.processMessageArgs(DEST_CHAIN, feeToken, paid, message.extraArgs, message.receiver);
    assertEq(feeTokenAmount, paid);
    assertEq(juels, v16Juels);
    assertEq(isOutOfOrder, v16OutOfOrder);
    assertEq(
      Client._argsToBytes(
        Client.GenericExtraArgsV2({gasLimit: parsedGasLimit, allowOutOfOrderExecution: isOutOfOrder})
      ),
      v16ExtraArgs
    );
  }

  // ================================================================
  // │              Packed token state (price + fee config)         │
  // ================================================================

  /// @dev Prices and fee-token config share a slot: neither write may clobber the other, for any price.
  function testFuzz_tokenState_priceAndFeeConfigIndependent(uint224 price, uint64 premium, uint32 warp) public {
    FeeQuoter.PremiumMultiplierWeiPerEthArgs[] memory args = new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](1);
    args[0] = FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(s_weth), premiumMultiplierWeiPerEth: premium});
    vm.prank(OWNER);
    s_feeQuoter.applyPremiumMultiplierWeiPerEthUpdates(args);
    vm.warp(block.timestamp + bound(warp, 0, 80_000)); // within the gas price's staleness threshold
    _setTokenPrice(address(s_weth), price);

    Internal.TimestampedPackedUint224 memory p = s_feeQuoter.getTokenPrice(address(s_weth));
    assertEq(p.value, price);
    assertEq(p.timestamp, block.timestamp);
    assertEq(s_feeQuoter.getPremiumMultiplierWeiPerEth(address(s_weth)), premium);
    // Still a fee token after the price write.
    if (price != 0) _fee(_message(address(s_weth))); // reverts with FeeTokenNotSupported otherwise

    // And back to a small price (the wide slot must no longer be used).
    _setTokenPrice(address(s_weth), 3);
    assertEq(s_feeQuoter.getTokenPrice(address(s_weth)).value, 3);
    assertEq(s_feeQuoter.getValidatedTokenPrice(address(s_weth)), 3);
    assertEq(s_feeQuoter.getPremiumMultiplierWeiPerEth(address(s_weth)), premium);

    // Removing it as a fee token keeps its price and premium.
    address[] memory remove = new address[](1);
    remove[0] = address(s_weth);
    vm.prank(OWNER);
    s_feeQuoter.applyFeeTokensUpdates(remove, new address[](0));
    assertEq(s_feeQuoter.getTokenPrice(address(s_weth)).value, 3);
    assertEq(s_feeQuoter.getPremiumMultiplierWeiPerEth(address(s_weth)), premium);
    vm.expectRevert(abi.encodeWithSelector(FeeQuoter.FeeTokenNotSupported.selector, address(s_weth)));
    s_feeQuoter.getValidatedFee(DEST_CHAIN, _message(address(s_weth)));
  }

  function test_tokenState_widePrice() public {
    uint224 wide = uint224(type(uint144).max) + 1;
    _setTokenPrice(address(s_weth), wide);
    assertEq(s_feeQuoter.getTokenPrice(address(s_weth)).value, wide);
    assertEq(s_feeQuoter.getValidatedTokenPrice(address(s_weth)), wide);
    address[] memory tokens = new address[](1);
    tokens[0] = address(s_weth);
    assertEq(s_feeQuoter.getTokenPrices(tokens)[0].value, wide);
    // The fee divides by the (wide) price.
    uint256 usd36 = (50e16 * uint256(WETH_PREMIUM)) + uint256(EXEC_GAS_USD) * 500_000 * 5e17;
    assertEq(_fee(_message(address(s_weth))), usd36 / wide);
  }
}
