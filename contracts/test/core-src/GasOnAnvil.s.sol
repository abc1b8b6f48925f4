// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../../src/access/AuthorizedCallers.sol";
import {FeeQuoter} from "../../src/core/FeeQuoter.sol";
import {NonceManager} from "../../src/core/NonceManager.sol";
import {OnRamp} from "../../src/core/OnRamp.sol";
import {Router} from "../../src/core/Router.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {IRouter} from "../../src/interfaces/IRouter.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {LinkToken} from "../../src/tokens/LinkToken.sol";
import {WrappedNative} from "../../src/tokens/WrappedNative.sol";
import {RMNRemoteTestDouble, TokenAdminRegistryTestDouble} from "./helpers/TestDoubles.sol";
import {CoreSrcSetup} from "./helpers/CoreSrcSetup.sol";
import {Script} from "forge-std/Script.sol";

/// @notice Real-transaction cross-check of Gas.t.sol's figures (receipt gasUsed of the two MEASURED sends):
///   anvil --port 8555 &
///   npx forge script test/core-src/GasOnAnvil.s.sol:GasOnAnvil --rpc-url http://127.0.0.1:8555 --broadcast \
///     --slow --private-key <anvil key 0>
/// then read the last two receipts in broadcast/GasOnAnvil.s.sol/31337/run-latest.json (do not commit broadcast/).
contract GasOnAnvil is Script, CoreSrcSetup {
  Router internal r;
  LinkToken internal l;

  function run() external {
    vm.startBroadcast();
    _deploy(msg.sender);
    l.mint(msg.sender, 1_000e18);
    l.approve(address(r), type(uint256).max);
    Client.EVM2AnyMessage memory native = _message(address(0));
    uint256 fee = r.getFee(DEST_CHAIN, native);
    r.ccipSend{value: fee}(DEST_CHAIN, native); // warm-up: nonce and balances become non-zero
    r.ccipSend(DEST_CHAIN, _message(address(l)));
    r.ccipSend{value: fee}(DEST_CHAIN, native); // MEASURED: native
    r.ccipSend(DEST_CHAIN, _message(address(l))); // MEASURED: LINK
    vm.stopBroadcast();
  }

  function _deploy(address me) internal {
    RMNRemoteTestDouble rmn = new RMNRemoteTestDouble();
    TokenAdminRegistryTestDouble tar = new TokenAdminRegistryTestDouble();
    WrappedNative weth = new WrappedNative("Wrapped Ether", "WETH");
    LinkToken link = new LinkToken();
    Router router = new Router(address(weth), address(rmn));
    NonceManager nm = new NonceManager(new address[](0));
    address[] memory updaters = new address[](1);
    updaters[0] = me;
    address[] memory feeTokens = new address[](2);
    feeTokens[0] = address(link);
    feeTokens[1] = address(weth);
    FeeQuoter.PremiumMultiplierWeiPerEthArgs[] memory premiums = new FeeQuoter.PremiumMultiplierWeiPerEthArgs[](2);
    premiums[0] = FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(link), premiumMultiplierWeiPerEth: 9e17});
    premiums[1] = FeeQuoter.PremiumMultiplierWeiPerEthArgs({token: address(weth), premiumMultiplierWeiPerEth: 1e18});
    FeeQuoter.DestChainConfigArgs[] memory destArgs = new FeeQuoter.DestChainConfigArgs[](1);
    destArgs[0] = FeeQuoter.DestChainConfigArgs({destChainSelector: DEST_CHAIN, destChainConfig: _destChainConfig()});
    FeeQuoter fq = new FeeQuoter(
      FeeQuoter.StaticConfig({maxFeeJuelsPerMsg: 1_000e18, linkToken: address(link), tokenPriceStalenessThreshold: 0}),
      updaters,
      feeTokens,
      new FeeQuoter.TokenTransferFeeConfigArgs[](0),
      premiums,
      destArgs
    );
    OnRamp.DestChainConfigArgs[] memory onRampDests = new OnRamp.DestChainConfigArgs[](1);
    onRampDests[0] = OnRamp.DestChainConfigArgs({
      destChainSelector: DEST_CHAIN, router: IRouter(address(router)), allowlistEnabled: false
    });
    OnRamp onRamp = new OnRamp(
      OnRamp.StaticConfig({
        chainSelector: SOURCE_CHAIN,
        rmnRemote: IRMNRemote(address(rmn)),
        nonceManager: address(nm),
        tokenAdminRegistry: address(tar)
      }),
      OnRamp.DynamicConfig({
        feeQuoter: address(fq),
        reentrancyGuardEntered: false,
        messageInterceptor: address(0),
        feeAggregator: address(0xfee),
        allowlistAdmin: address(0)
      }),
      onRampDests
    );
    address[] memory callers = new address[](1);
    callers[0] = address(onRamp);
    nm.applyAuthorizedCallerUpdates(
      AuthorizedCallers.AuthorizedCallerArgs({addedCallers: callers, removedCallers: new address[](0)})
    );
    Router.OnRamp[] memory onRamps = new Router.OnRamp[](1);
    onRamps[0] = Router.OnRamp({destChainSelector: DEST_CHAIN, onRamp: address(onRamp)});
    router.applyRampUpdates(onRamps, new Router.OffRamp[](0), new Router.OffRamp[](0));
    Internal.TokenPriceUpdate[] memory tokenPrices = new Internal.TokenPriceUpdate[](2);
    tokenPrices[0] = Internal.TokenPriceUpdate({sourceToken: address(link), usdPerToken: LINK_USD});
    tokenPrices[1] = Internal.TokenPriceUpdate({sourceToken: address(weth), usdPerToken: WETH_USD});
    Internal.GasPriceUpdate[] memory gasPrices = new Internal.GasPriceUpdate[](1);
    gasPrices[0] = Internal.GasPriceUpdate({destChainSelector: DEST_CHAIN, usdPerUnitGas: EXEC_GAS_USD});
    fq.updatePrices(Internal.PriceUpdates({tokenPriceUpdates: tokenPrices, gasPriceUpdates: gasPrices}));
    r = router;
    l = link;
  }
}
