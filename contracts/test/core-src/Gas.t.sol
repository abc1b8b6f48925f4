// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../../src/libraries/Client.sol";
import {CoreSrcSetup} from "./helpers/CoreSrcSetup.sol";

/// @notice Gas of the hot path. Run with `forge test --isolate --match-path test/core-src/Gas.t.sol -vv`: with
/// --isolate every top-level call is its own transaction, so `vm.lastCallGas` sees real tx costs (refunds included).
contract CcipSendGasTest is CoreSrcSetup {
  function setUp() public override {
    super.setUp();
    // Steady state: the lane has carried messages, the OnRamp holds fees, the sender has a nonce.
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, _message(address(0)));
    vm.startPrank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
    vm.stopPrank();
  }

  function test_gas_ccipSend_native_noTokens() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, _message(address(0)));
    emit log_named_uint("ccipSend native, no tokens (call gas)", vm.lastCallGas().gasTotalUsed);
  }

  function test_gas_ccipSend_native_noTokens_outOfOrder() public {
    Client.EVM2AnyMessage memory message = _message(address(0));
    message.extraArgs =
      Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 200_000, allowOutOfOrderExecution: true}));
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, message);
    emit log_named_uint("ccipSend native, no tokens, out of order (call gas)", vm.lastCallGas().gasTotalUsed);
  }

  function test_gas_ccipSend_link_noTokens() public {
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
    emit log_named_uint("ccipSend LINK, no tokens (call gas)", vm.lastCallGas().gasTotalUsed);
  }

  function test_gas_ccipSend_link_oneToken() public {
    vm.startPrank(USER);
    s_token.approve(address(s_router), type(uint256).max);
    s_router.ccipSend(DEST_CHAIN, _messageWithToken(address(s_link), 1e18));
    vm.stopPrank();
    emit log_named_uint("ccipSend LINK, one token (call gas)", vm.lastCallGas().gasTotalUsed);
  }
}
