// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../../../src/access/AuthorizedCallers.sol";
import {FeeQuoter} from "../../../src/core/FeeQuoter.sol";
import {NonceManager} from "../../../src/core/NonceManager.sol";
import {OnRamp} from "../../../src/core/OnRamp.sol";
import {Router} from "../../../src/core/Router.sol";
import {IRMNRemote} from "../../../src/interfaces/IRMNRemote.sol";
import {IRouter} from "../../../src/interfaces/IRouter.sol";
import {Client} from "../../../src/libraries/Client.sol";
import {Internal} from "../../../src/libraries/Internal.sol";
import {LinkToken} from "../../../src/tokens/LinkToken.sol";
import {WrappedNative} from "../../../src/tokens/WrappedNative.sol";
import {MintableERC20, RMNRemoteTestDouble, TokenAdminRegistryTestDouble, TokenPoolTestDouble} from "./TestDoubles.sol";

import {Test} from "forge-std/Test.sol";

/// @notice Deploys and wires the whole source side: Router -> OnRamp -> FeeQuoter / NonceManager, with test doubles
/// for the RMN, the token admin registry and the pools.
abstract contract CoreSrcSetup is Test {
  uint64 internal constant SOURCE_CHAIN = 7759470850252068959; // anvil 31337
  uint64 internal constant DEST_CHAIN = 16015286601757825753; // Ethereum Sepolia
  uint64 internal constant OTHER_CHAIN = 3478487238524512106;

  uint224 internal constant LINK_USD = 20e18; // $20
  uint224 internal constant WETH_USD = 2000e18; // $2000
  uint224 internal constant TOKEN_USD = 1e18; // $1
  // 1 gwei at $2000/ETH = 2e-6 USD per gas = 2e12 (1e18 per USD). DA price in the high 112 bits.
  uint224 internal constant EXEC_GAS_USD = 2e12;

  uint64 internal constant LINK_PREMIUM = 9e17; // 0.9x
  uint64 internal constant WETH_PREMIUM = 1e18; // 1x
  uint96 internal constant MAX_FEE_JUELS = 1_000e18;

  address internal constant OWNER = address(0x0abc);
  address internal constant USER = address(0x05e4);
  address internal constant FEE_AGGREGATOR = address(0xfee);
  address internal constant RECEIVER = address(0x7ec);

  RMNRemoteTestDouble internal s_rmn;
  TokenAdminRegistryTestDouble internal s_tokenAdminRegistry;
  WrappedNative internal s_weth;
  LinkToken internal s_link;
  MintableERC20 internal s_token;
  TokenPoolTestDouble internal s_pool;
  NonceManager internal s_nonceManager;
  FeeQuoter internal s_feeQuoter;
  OnRamp internal s_onRamp;
  Router internal s_router;

  function setUp() public virtual {
    vm.warp(1_700_000_000);
    vm.startPrank(OWNER);
    s_rmn = new RMNRemoteTestDouble();
    s_tokenAdminRegistry = new TokenAdminRegistryTestDouble();
    s_weth = new WrappedNative("Wrapped Ether", "WETH");
    s_link = new LinkToken();
    s_token = new MintableERC20("TKN");

    s_router = new Router(address(s_weth), address(s_rmn));
    s_nonceManager = new NonceManager(new address[](0));

    address[] memory priceUpdaters = new address[](1);
    priceUpdaters[0] = OWNER; // stands in for the OffRamp
    address[] memory feeTokens = new address[](2);
    feeTokens[0] = address(s_link);
    feeTokens[1] = address(s_weth);
    FeeQuoter.PremiumMultiplierWeiPerEthArgs[] memory premiums = new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](2);
    premiums[0] =
      FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(s_link), premiumMultiplierWeiPerEth: LINK_PREMIUM});
    premiums[1] =
      FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(s_weth), premiumMultiplierWeiPerEth: WETH_PREMIUM});
    FeeQuoter.DestChainConfigArgs[] memory destArgs = new FeeQuoter.DestChainConfigArgs[](1);
    destArgs[0] = FeeQuoter.DestChainConfigArgs({destChainSelector: DEST_CHAIN, destChainConfig: _destChainConfig()});

    s_feeQuoter = new FeeQuoter(
      FeeQuoter.StaticConfig({
        maxFeeJuelsPerMsg: MAX_FEE_JUELS, linkToken: address(s_link), tokenPriceStalenessThreshold: 0
      }),
      priceUpdaters,
      feeTokens,
      new FeeQuoter.TokenTransferFeeConfigArgs[](0),
      premiums,
      destArgs
    );

    OnRamp.DestChainConfigArgs[] memory onRampDests = new OnRamp.DestChainConfigArgs[](1);
    onRampDests[0] = OnRamp.DestChainConfigArgs({
      destChainSelector: DEST_CHAIN, router: IRouter(address(s_router)), allowlistEnabled: false
    });
    s_onRamp = new OnRamp(_staticConfig(), _dynamicConfig(), onRampDests);

    address[] memory callers = new address[](1);
    callers[0] = address(s_onRamp);
    s_nonceManager.applyAuthorizedCallerUpdates(
      AuthorizedCallers.AuthorizedCallerArgs({addedCallers: callers, removedCallers: new address[](0)})
    );

    Router.OnRamp[] memory onRamps = new Router.OnRamp[](1);
    onRamps[0] = Router.OnRamp({destChainSelector: DEST_CHAIN, onRamp: address(s_onRamp)});
    s_router.applyRampUpdates(onRamps, new Router.OffRamp[](0), new Router.OffRamp[](0));

    s_pool = new TokenPoolTestDouble(address(s_token), address(0xdead7));
    s_pool.setOnRamp(address(s_onRamp));
    s_pool.setSupportedChain(DEST_CHAIN, true);
    s_tokenAdminRegistry.setPool(address(s_token), address(s_pool));

    _setPrices();
    s_link.mint(USER, 1_000e18);
    vm.stopPrank();

    s_token.mint(USER, 1_000e18);
    vm.deal(USER, 100 ether);
  }

  function _destChainConfig() internal pure returns (FeeQuoter.DestChainConfig memory) {
    return FeeQuoter.DestChainConfig({
      isEnabled: true,
      maxNumberOfTokensPerMsg: 2,
      maxDataBytes: 30_000,
      maxPerMsgGasLimit: 3_000_000,
      destGasOverhead: 300_000,
      destGasPerPayloadByteBase: 16,
      destGasPerPayloadByteHigh: 40,
      destGasPerPayloadByteThreshold: 3_000,
      destDataAvailabilityOverheadGas: 100,
      destGasPerDataAvailabilityByte: 16,
      destDataAvailabilityMultiplierBps: 0,
      chainFamilySelector: Internal.CHAIN_FAMILY_SELECTOR_EVM,
      enforceOutOfOrder: false,
      defaultTokenFeeUSDCents: 25,
      defaultTokenDestGasOverhead: 90_000,
      defaultTxGasLimit: 200_000,
      gasMultiplierWeiPerEth: 5e17,
      gasPriceStalenessThreshold: 90_000,
      networkFeeUSDCents: 50
    });
  }

  function _staticConfig() internal view returns (OnRamp.StaticConfig memory) {
    return OnRamp.StaticConfig({
      chainSelector: SOURCE_CHAIN,
      rmnRemote: IRMNRemote(address(s_rmn)),
      nonceManager: address(s_nonceManager),
      tokenAdminRegistry: address(s_tokenAdminRegistry)
    });
  }

  function _dynamicConfig() internal view returns (OnRamp.DynamicConfig memory) {
    return OnRamp.DynamicConfig({
      feeQuoter: address(s_feeQuoter),
      reentrancyGuardEntered: false,
      messageInterceptor: address(0),
      feeAggregator: FEE_AGGREGATOR,
      allowlistAdmin: address(0)
    });
  }

  function _setPrices() internal {
    Internal.TokenPriceUpdate[] memory tokenPrices = new Internal.TokenPriceUpdate[](3);
    tokenPrices[0] = Internal.TokenPriceUpdate({sourceToken: address(s_link), usdPerToken: LINK_USD});
    tokenPrices[1] = Internal.TokenPriceUpdate({sourceToken: address(s_weth), usdPerToken: WETH_USD});
    tokenPrices[2] = Internal.TokenPriceUpdate({sourceToken: address(s_token), usdPerToken: TOKEN_USD});
    Internal.GasPriceUpdate[] memory gasPrices = new Internal.GasPriceUpdate[](1);
    gasPrices[0] = Internal.GasPriceUpdate({destChainSelector: DEST_CHAIN, usdPerUnitGas: EXEC_GAS_USD});
    s_feeQuoter.updatePrices(Internal.PriceUpdates({tokenPriceUpdates: tokenPrices, gasPriceUpdates: gasPrices}));
  }

  /// @dev Native fees are held by the OnRamp as native and leave, wrapped, through withdrawFeeTokens: checks both.
  function _assertNativeFeesHeldThenWithdrawn(uint256 expected) internal {
    assertEq(address(s_onRamp).balance, expected, "native held by the OnRamp");
    assertEq(s_weth.balanceOf(address(s_onRamp)), 0);
    assertEq(address(s_router).balance, 0, "the Router holds nothing");
    assertEq(s_weth.balanceOf(address(s_router)), 0);
    uint256 before = s_weth.balanceOf(FEE_AGGREGATOR);
    address[] memory tokens = new address[](1);
    tokens[0] = address(s_weth);
    s_onRamp.withdrawFeeTokens(tokens);
    assertEq(s_weth.balanceOf(FEE_AGGREGATOR) - before, expected, "withdrawn as wrapped native");
    assertEq(address(s_onRamp).balance, 0);
    assertEq(s_weth.balanceOf(address(s_onRamp)), 0);
  }

  function _message(address feeToken) internal pure returns (Client.EVM2AnyMessage memory) {
    return Client.EVM2AnyMessage({
      receiver: abi.encode(RECEIVER),
      data: "",
      tokenAmounts: new Client.EVMTokenAmount[](0),
      feeToken: feeToken,
      extraArgs: ""
    });
  }

  function _messageWithToken(address feeToken, uint256 amount) internal view returns (Client.EVM2AnyMessage memory m) {
    m = _message(feeToken);
    m.tokenAmounts = new Client.EVMTokenAmount[](1);
    m.tokenAmounts[0] = Client.EVMTokenAmount({token: address(s_token), amount: amount});
  }
}
