// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AuthorizedCallers} from "../../src/access/AuthorizedCallers.sol";
import {NonceManager} from "../../src/core/NonceManager.sol";
import {Test} from "forge-std/Test.sol";

contract NonceManagerTest is Test {
  address internal constant RAMP = address(0x0a);
  uint64 internal constant CHAIN_A = 1;
  uint64 internal constant CHAIN_B = 2;
  NonceManager internal s_nonceManager;

  function setUp() public {
    address[] memory callers = new address[](1);
    callers[0] = RAMP;
    s_nonceManager = new NonceManager(callers);
  }

  function test_typeAndVersion() public view {
    assertEq(s_nonceManager.typeAndVersion(), "NonceManager 1.6.0");
    assertEq(s_nonceManager.getAllAuthorizedCallers()[0], RAMP);
    assertEq(s_nonceManager.owner(), address(this));
  }

  function test_outbound_perChainPerSender() public {
    vm.startPrank(RAMP);
    assertEq(s_nonceManager.getIncrementedOutboundNonce(CHAIN_A, address(1)), 1);
    assertEq(s_nonceManager.getIncrementedOutboundNonce(CHAIN_A, address(1)), 2);
    assertEq(s_nonceManager.getIncrementedOutboundNonce(CHAIN_A, address(2)), 1);
    assertEq(s_nonceManager.getIncrementedOutboundNonce(CHAIN_B, address(1)), 1);
    vm.stopPrank();
    assertEq(s_nonceManager.getOutboundNonce(CHAIN_A, address(1)), 2);
    assertEq(s_nonceManager.getOutboundNonce(CHAIN_B, address(2)), 0);
  }

  function test_inbound() public {
    bytes memory sender = abi.encode(address(7));
    vm.startPrank(RAMP);
    assertTrue(s_nonceManager.incrementInboundNonce(CHAIN_A, 1, sender));
    assertEq(s_nonceManager.getInboundNonce(CHAIN_A, sender), 1);

    // Skipping ahead or replaying is refused with an event, and nothing changes.
    vm.expectEmit(address(s_nonceManager));
    emit NonceManager.SkippedIncorrectNonce(CHAIN_A, 3, sender);
    assertFalse(s_nonceManager.incrementInboundNonce(CHAIN_A, 3, sender));
    vm.expectEmit(address(s_nonceManager));
    emit NonceManager.SkippedIncorrectNonce(CHAIN_A, 1, sender);
    assertFalse(s_nonceManager.incrementInboundNonce(CHAIN_A, 1, sender));
    assertEq(s_nonceManager.getInboundNonce(CHAIN_A, sender), 1);

    assertTrue(s_nonceManager.incrementInboundNonce(CHAIN_A, 2, sender));
    // Other source chains and senders are independent.
    assertTrue(s_nonceManager.incrementInboundNonce(CHAIN_B, 1, sender));
    assertTrue(s_nonceManager.incrementInboundNonce(CHAIN_A, 1, abi.encode(address(8))));
    vm.stopPrank();
    assertEq(s_nonceManager.getInboundNonce(CHAIN_A, sender), 2);
  }

  function test_unauthorized_reverts() public {
    vm.expectRevert(abi.encodeWithSelector(AuthorizedCallers.UnauthorizedCaller.selector, address(this)));
    s_nonceManager.getIncrementedOutboundNonce(CHAIN_A, address(1));
    vm.expectRevert(abi.encodeWithSelector(AuthorizedCallers.UnauthorizedCaller.selector, address(this)));
    s_nonceManager.incrementInboundNonce(CHAIN_A, 1, "");
  }

  function testFuzz_inbound_onlyNextNonceAccepted(uint64 expected, bytes calldata sender) public {
    vm.prank(RAMP);
    bool ok = s_nonceManager.incrementInboundNonce(CHAIN_A, expected, sender);
    assertEq(ok, expected == 1);
    assertEq(s_nonceManager.getInboundNonce(CHAIN_A, sender), ok ? 1 : 0);
  }
}
