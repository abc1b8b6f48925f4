// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Client} from "../../src/libraries/Client.sol";
import {CoreSrcSetup} from "./helpers/CoreSrcSetup.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice Gas of the hot path. Run with `forge test --isolate --match-path test/core-src/Gas.t.sol -vv`: with
/// --isolate every top-level call is its own transaction, so `vm.lastCallGas` sees real tx costs (refunds included).
contract CcipSendGasTest is CoreSrcSetup {
  // Regression bound for the whole native-fee transaction (target 100k; see the report for the breakdown).
  uint256 internal constant NATIVE_TX_GAS_BOUND = 140_000;

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

  /// @dev Whole-transaction gas: execution (lastCallGas excludes the intrinsic cost) - refund + 21,000 + calldata.
  function _txGas(uint64 dest, Client.EVM2AnyMessage memory message, string memory label) internal returns (uint256) {
    bytes memory callData = abi.encodeCall(s_router.ccipSend, (dest, message));
    uint256 calldataGas = 0;
    for (uint256 i = 0; i < callData.length; ++i) {
      calldataGas += callData[i] == 0 ? 4 : 16;
    }
    Vm.Gas memory g = vm.lastCallGas();
    uint256 execution = g.gasTotalUsed;
    uint256 refund = uint256(uint64(g.gasRefunded));
    if (refund > (execution + 21_000 + calldataGas) / 5) refund = (execution + 21_000 + calldataGas) / 5;
    uint256 txGas = execution - refund + 21_000 + calldataGas;
    emit log_named_uint(string.concat(label, " - execution"), execution);
    emit log_named_uint(string.concat(label, " - refund"), refund);
    emit log_named_uint(string.concat(label, " - whole tx"), txGas);
    return txGas;
  }

  function test_gas_ccipSend_native_noTokens() public {
    uint256 fee = s_router.getFee(DEST_CHAIN, _message(address(0)));
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, _message(address(0)));
    uint256 txGas = _txGas(DEST_CHAIN, _message(address(0)), "native, no tokens");
    assertLt(txGas, NATIVE_TX_GAS_BOUND);
  }

  function test_gas_ccipSend_native_noTokens_outOfOrder() public {
    Client.EVM2AnyMessage memory message = _message(address(0));
    message.extraArgs =
      Client._argsToBytes(Client.GenericExtraArgsV2({gasLimit: 200_000, allowOutOfOrderExecution: true}));
    uint256 fee = s_router.getFee(DEST_CHAIN, message);
    vm.prank(USER);
    s_router.ccipSend{value: fee}(DEST_CHAIN, message);
    _txGas(DEST_CHAIN, message, "native, no tokens, out of order");
  }

  function test_gas_ccipSend_link_noTokens() public {
    vm.prank(USER);
    s_router.ccipSend(DEST_CHAIN, _message(address(s_link)));
    _txGas(DEST_CHAIN, _message(address(s_link)), "LINK, no tokens");
  }

  function test_gas_ccipSend_link_oneToken() public {
    vm.startPrank(USER);
    s_token.approve(address(s_router), type(uint256).max);
    s_router.ccipSend(DEST_CHAIN, _messageWithToken(address(s_link), 1e18));
    vm.stopPrank();
    _txGas(DEST_CHAIN, _messageWithToken(address(s_link), 1e18), "LINK, one token (test-double pool)");
  }
}
