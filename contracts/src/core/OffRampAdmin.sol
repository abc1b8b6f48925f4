// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Internal} from "../libraries/Internal.sol";
import {OffRamp} from "./OffRamp.sol";
import {OffRampBase} from "./OffRampBase.sol";

/// @notice The OffRamp's cold owner-only setters. The OffRamp creates one in its constructor and forwards these calls
/// (and setOCR3Configs, inherited) to it by delegatecall, so they run on the OffRamp's storage with the OffRamp's
/// msg.sender: onlyOwner checks the OffRamp's owner and events come from the OffRamp.
/// @dev Called directly, it only touches its own, unused storage (its owner is the OffRamp, which never calls it).
contract OffRampAdmin is OffRampBase {
  constructor(OffRamp.StaticConfig memory staticConfig) OffRampBase(staticConfig) {}

  function applySourceChainConfigUpdates(OffRamp.SourceChainConfigArgs[] memory sourceChainConfigUpdates)
    external
    onlyOwner
  {
    _applySourceChainConfigUpdates(sourceChainConfigUpdates);
  }

  function setDynamicConfig(OffRamp.DynamicConfig memory dynamicConfig) external onlyOwner {
    _setDynamicConfig(dynamicConfig);
  }

  /// @notice Owner escape hatch: forgets committed roots (e.g. a root committed by a faulty DON).
  /// Messages already executed keep their state; the lane's minSeqNr is not rewound.
  function removeRoots(Internal.MerkleRoot[] calldata rootsToRemove) external onlyOwner {
    for (uint256 i = 0; i < rootsToRemove.length; ++i) {
      delete s_roots[rootsToRemove[i].sourceChainSelector][rootsToRemove[i].merkleRoot];
      emit OffRamp.RootRemoved(rootsToRemove[i].merkleRoot);
    }
  }
}
