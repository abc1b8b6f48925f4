// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CCIPReceiver} from "../../../src/applications/CCIPReceiver.sol";
import {Client} from "../../../src/libraries/Client.sol";

/// @notice A hostile application (not a stand-in for any project contract): a valid CCIP receiver that reverts
/// with `size` bytes of revert data, to check that the OffRamp and Router bound what they copy and report.
contract RevertBombReceiver is CCIPReceiver {
  uint256 internal immutable i_size;

  constructor(address router, uint256 size) CCIPReceiver(router) {
    i_size = size;
  }

  function _ccipReceive(Client.Any2EVMMessage memory) internal view override {
    uint256 size = i_size;
    assembly ("memory-safe") {
      let ptr := mload(0x40)
      for { let i := 0 } lt(i, size) { i := add(i, 32) } { mstore(add(ptr, i), not(0)) }
      revert(ptr, size)
    }
  }
}
