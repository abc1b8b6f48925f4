// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RMNRemote} from "../../src/rmn/RMNRemote.sol";
import {OffRamp} from "../../src/core/OffRamp.sol";
import {OnRamp} from "../../src/core/OnRamp.sol";
import {Router} from "../../src/core/Router.sol";
import {IRMNRemote} from "../../src/interfaces/IRMNRemote.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {TwoChainSetup} from "../integration/helpers/TwoChainSetup.sol";

/// @notice The heartbeat dead-man switch on complete chains: a lapsed heartbeat halts sends, commits and executions
/// with the ramps' curse errors; a fresh signed heartbeat resumes them.
contract RMNHeartbeatLanesTest is TwoChainSetup {
  address internal s_user;
  address internal s_eoa;
  CCIPChain internal a;
  CCIPChain internal b;

  uint32 internal constant TIMEOUT = 300;

  function setUp() public {
    _deployTwoChains();
    a = s_chains[CHAIN_A];
    b = s_chains[CHAIN_B];
    s_user = makeAddr("user");
    s_eoa = makeAddr("eoa");
  }

  function _heartbeat(CCIPChain storage c, uint64 timestamp) internal {
    (, RMNRemote.Config memory cfg) = c.rmn.getVersionedConfig();
    bytes32 digest = keccak256(
      abi.encode(
        keccak256("RMN_V1_6_HEARTBEAT"),
        block.chainid,
        c.selector,
        address(c.rmn),
        cfg.rmnHomeContractConfigDigest,
        timestamp
      )
    );
    uint256[] storage keys = s_rmnKeys[c.selector];
    IRMNRemote.Signature[] memory sigs = new IRMNRemote.Signature[](RMN_F_SIGN + 1);
    for (uint256 i = 0; i < sigs.length; ++i) {
      (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
      if (v == 28) s = bytes32(SECP256K1_N - uint256(s));
      sigs[i] = IRMNRemote.Signature({r: r, s: s});
    }
    c.rmn.heartbeat(timestamp, sigs);
  }

  function _message() internal view returns (Client.EVM2AnyMessage memory) {
    return Client.EVM2AnyMessage({
      receiver: abi.encode(s_eoa),
      data: "x",
      tokenAmounts: _noTokens(),
      feeToken: address(0),
      extraArgs: _extraArgs(0, false)
    });
  }

  function test_HeartbeatLapse_HaltsEverything_HeartbeatResumes() public {
    Internal.EVM2AnyRampMessage memory m =
      _send(s_user, CHAIN_A, address(a.receiver), "m", _noTokens(), address(0), "");
    Internal.CommitReport memory cr = _commitReport(CHAIN_A, _merkleRootOf(CHAIN_A, _single(m)), _noPrices());

    a.rmn.setHeartbeatTimeout(TIMEOUT);
    b.rmn.setHeartbeatTimeout(TIMEOUT);
    // Within the grace period nothing changes.
    vm.warp(block.timestamp + TIMEOUT);
    assertFalse(b.rmn.isCursed());
    vm.warp(block.timestamp + 1);
    assertTrue(a.rmn.isCursed());
    assertTrue(b.rmn.isCursed());

    // Sends: our Router's flow reports a global curse with the Router's error; quoting fails with the OnRamp's.
    vm.deal(s_user, 1 ether);
    vm.prank(s_user);
    vm.expectRevert(Router.BadARMSignal.selector);
    b.router.ccipSend{value: 1 ether}(CHAIN_A, _message());
    vm.expectRevert(abi.encodeWithSelector(OnRamp.CursedByRMN.selector, CHAIN_A));
    b.router.getFee(CHAIN_A, _message());
    assertEq(s_user.balance, 1 ether);

    // Commits and executions on A from B.
    vm.expectRevert(abi.encodeWithSelector(OffRamp.CursedByRMN.selector, CHAIN_B));
    _submitCommit(CHAIN_A, cr);

    // A signed heartbeat on each chain resumes everything.
    _heartbeat(a, uint64(block.timestamp));
    _heartbeat(b, uint64(block.timestamp));
    assertFalse(a.rmn.isCursed());
    _submitCommit(CHAIN_A, cr);
    _execute(CHAIN_A, _single(m), _one(0));
    assertEq(uint8(_state(CHAIN_A, m)), uint8(Internal.MessageExecutionState.SUCCESS));
    Internal.EVM2AnyRampMessage memory m2 =
      _send(s_user, CHAIN_A, address(a.receiver), "m2", _noTokens(), address(0), "");
    assertEq(m2.header.sequenceNumber, 2);

    // Committed but the heartbeat lapses before execution: the DON's execution is skipped, nothing lost.
    _commit(CHAIN_A, _single(m2));
    vm.warp(block.timestamp + TIMEOUT + 1);
    _execute(CHAIN_A, _single(m2), _one(0));
    assertEq(uint8(_state(CHAIN_A, m2)), uint8(Internal.MessageExecutionState.UNTOUCHED));
    _heartbeat(a, uint64(block.timestamp));
    _execute(CHAIN_A, _single(m2), _one(0));
    assertEq(uint8(_state(CHAIN_A, m2)), uint8(Internal.MessageExecutionState.SUCCESS));
  }
}
