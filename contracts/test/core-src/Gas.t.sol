// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../../src/libraries/Client.sol";
import {CoreSrcSetup} from "./helpers/CoreSrcSetup.sol";
import {Vm} from "forge-std/Vm.sol";

contract GasProbe {
  function noop() external {}
}

/// @notice Gas of the hot path. Run with `forge test --isolate --match-path test/core-src/Gas.t.sol -vv`: with
/// --isolate every top-level call is its own transaction, and `vm.lastCallGas().gasTotalUsed` is that transaction's
/// receipt gas (21,000 + calldata + execution - refund). Without --isolate the figures mean nothing (state is warm,
/// no intrinsic cost), so the bounds are only checked in isolation.
contract CcipSendGasTest is CoreSrcSetup {
  // Regression bounds on whole-transaction gas: the figures when written (same as anvil receipts, see
  // GasOnAnvil.s.sol) + ~3%. Before the one-call send: 132,500 / 123,087 / 116,536 / 198,640.
  uint256 internal constant NATIVE_TX_GAS_BOUND = 102_500; // 99,543
  uint256 internal constant NATIVE_OOO_TX_GAS_BOUND = 92_100; // 89,418
  uint256 internal constant LINK_TX_GAS_BOUND = 109_550; // 106,357
  uint256 internal constant LINK_ONE_TOKEN_TX_GAS_BOUND = 194_250; // 188,585

  bool internal s_isolated;

  function setUp() public override {
    super.setUp();
    // Steady state: the lane has carried messages, the OnRamp holds fees, the sender has a nonce.
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, _message(address(0)));
    vm.startPrank(USER);
    s_link.approve(address(s_router), type(uint256).max);
    s_token.approve(address(s_router), type(uint256).max);
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
    s_router.ccipSend(DEST_CHAIN, _messageWithToken(address(s_link), 1e18));
    vm.stopPrank();

    // An empty call costs at least the 21,000 intrinsic gas only when it is its own transaction.
    GasProbe probe = new GasProbe();
    probe.noop();
    s_isolated = vm.lastCallGas().gasTotalUsed >= 21_000;
  }

  function _txGas(string memory label, uint256 bound) internal {
    Vm.Gas memory g = vm.lastCallGas();
    emit log_named_uint(string.concat(label, " - whole tx"), g.gasTotalUsed);
    emit log_named_int(string.concat(label, " - refund included"), g.gasRefunded);
    if (s_isolated) assertLe(g.gasTotalUsed, bound, label);
  }

  function test_gas_ccipSend_native_noTokens() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, _message(address(0)));
    _txGas("native, no tokens", NATIVE_TX_GAS_BOUND);
  }

  function test_gas_ccipSend_native_noTokens_outOfOrder() public {
    Client.EVM2AnyMessage memory message = _message(address(0));
    message.extraArgs =
      Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 200_000, allowOutOfOrderExecution: true}));
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, message);
    _txGas("native, no tokens, out of order", NATIVE_OOO_TX_GAS_BOUND);
  }

  function test_gas_ccipSend_link_noTokens() public {
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
    _txGas("LINK, no tokens", LINK_TX_GAS_BOUND);
  }

  function test_gas_ccipSend_link_oneToken() public {
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, _messageWithToken(address(s_link), 1e18));
    _txGas("LINK, one token (test-double pool)", LINK_ONE_TOKEN_TX_GAS_BOUND);
  }
}
