// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Internal} from "../../src/libraries/Internal.sol";
import {IntegrationHandler} from "./helpers/IntegrationHandler.sol";
import {TwoChainSetup} from "./helpers/TwoChainSetup.sol";

import {Test} from "forge-std/Test.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";

/// @notice Protocol invariants over random traffic between two complete chains (see IntegrationHandler).
contract InvariantsTest is Test {
  uint64 internal constant CHAIN_A = 7759470850252068959;
  uint64 internal constant CHAIN_B = 3379446385462418246;

  IntegrationHandler internal s_handler;

  function setUp() public {
    s_handler = new IntegrationHandler();
    bytes4[] memory selectors = new bytes4[](5);
    selectors[0] = IntegrationHandler.send.selector;
    selectors[1] = IntegrationHandler.commit.selector;
    selectors[2] = IntegrationHandler.execute.selector;
    selectors[3] = IntegrationHandler.manuallyExecute.selector;
    selectors[4] = IntegrationHandler.disturb.selector;
    targetContract(address(s_handler));
    targetSelector(StdInvariant.FuzzSelector({addr: address(s_handler), selectors: selectors}));
  }

  /// (a) Every message executes successfully at most once: at most one SUCCESS event per (source, seqNr), a
  /// SUCCESS state exactly when there was one, and each receiver got each message id at most once.
  /// forge-config: default.invariant.runs = 32
  /// forge-config: default.invariant.depth = 64
  /// forge-config: default.invariant.fail-on-revert = true
  function invariant_eachMessageSucceedsAtMostOnce() public view {
    assertFalse(s_handler.g_doubleSuccess(), "two SUCCESS events for one message");
    assertFalse(s_handler.g_eventMismatch(), "ExecutionStateChanged does not match the sent message");
    for (uint256 d = 0; d < 2; ++d) {
      uint64 dest = d == 0 ? CHAIN_A : CHAIN_B;
      uint64 source = d == 0 ? CHAIN_B : CHAIN_A;
      TwoChainSetup.CCIPChain memory c = s_handler.chain(dest);
      uint256 n = s_handler.sentCount(dest);
      for (uint64 seqNr = 1; seqNr <= n; ++seqNr) {
        bool success = c.offRamp.getExecutionState(source, seqNr) == Internal.MessageExecutionState.SUCCESS;
        assertEq(s_handler.g_successEvents(source, seqNr), success ? 1 : 0, "SUCCESS state without exactly one event");
      }
      uint256 received = c.cfgReceiver.getReceivedCount();
      bytes32[] memory ids = new bytes32[](received);
      for (uint256 i = 0; i < received; ++i) {
        ids[i] = c.cfgReceiver.getReceivedMessage(i).messageId;
        for (uint256 j = 0; j < i; ++j) {
          assertTrue(ids[i] != ids[j], "receiver got a message twice");
        }
      }
    }
  }

  /// (b) Ordered nonces never skip: per (source, sender) the executed nonces are exactly 1..k, k = inbound nonce.
  /// forge-config: default.invariant.runs = 32
  /// forge-config: default.invariant.depth = 64
  /// forge-config: default.invariant.fail-on-revert = true
  function invariant_orderedNoncesNeverSkip() public view {
    assertFalse(s_handler.g_nonceSkipped(), "an ordered message ran before its predecessor");
    address[] memory senders = s_handler.senders();
    for (uint256 d = 0; d < 2; ++d) {
      uint64 dest = d == 0 ? CHAIN_A : CHAIN_B;
      uint64 source = d == 0 ? CHAIN_B : CHAIN_A;
      TwoChainSetup.CCIPChain memory c = s_handler.chain(dest);
      for (uint256 i = 0; i < senders.length; ++i) {
        assertEq(
          c.nonceManager.getInboundNonce(source, abi.encode(senders[i])),
          s_handler.g_lastExecutedNonce(source, senders[i]),
          "inbound nonce != executed nonces"
        );
        assertLe(
          c.nonceManager.getInboundNonce(source, abi.encode(senders[i])),
          s_handler.chain(source).nonceManager.getOutboundNonce(dest, senders[i]),
          "executed a nonce never sent"
        );
      }
    }
  }

  /// (c) Token conservation. Burn/mint: supply(A) + supply(B) + in flight == initial supplies.
  /// Lock/release: pool balances == liquidity provided + in flight (locked on one side, not yet released).
  /// forge-config: default.invariant.runs = 32
  /// forge-config: default.invariant.depth = 64
  /// forge-config: default.invariant.fail-on-revert = true
  function invariant_tokenConservation() public view {
    TwoChainSetup.CCIPChain memory a = s_handler.chain(CHAIN_A);
    TwoChainSetup.CCIPChain memory b = s_handler.chain(CHAIN_B);
    (uint256 bmInFlight, uint256 lrInFlight) = s_handler.inFlight();

    assertEq(a.bmToken.totalSupply() + b.bmToken.totalSupply() + bmInFlight, 2 * 1_000_000e18, "burn/mint");
    assertEq(
      a.lrToken.balanceOf(address(a.lrPool)) + b.lrToken.balanceOf(address(b.lrPool)),
      s_handler.liquidity(address(a.lrPool)) + s_handler.liquidity(address(b.lrPool)) + lrInFlight,
      "lock/release"
    );
    // Nothing is ever stranded in the OffRamp or the Router.
    assertEq(a.bmToken.balanceOf(address(a.offRamp)) + b.lrToken.balanceOf(address(b.router)), 0);
  }
}
