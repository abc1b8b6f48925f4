// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Internal} from "../libraries/Internal.sol";

/// @notice The on-chain half of the Risk Management Network, as the ramps and pools see it.
interface IRMNRemote {
  struct Signature {
    bytes32 r;
    bytes32 s;
  }

  /// @notice Reverts unless `signatures` are fSign+1 valid RMN blessings of `merkleRoots` for `offRampAddress`.
  function verify(address offRampAddress, Internal.MerkleRoot[] memory merkleRoots, Signature[] memory signatures)
    external
    view;

  /// @notice True when the global subject is cursed or the RMN heartbeat has lapsed.
  function isCursed() external view returns (bool);

  /// @notice True when `subject` or the global subject is cursed, or the RMN heartbeat has lapsed.
  function isCursed(bytes16 subject) external view returns (bool);

  function getCursedSubjects() external view returns (bytes16[] memory subjects);
}
