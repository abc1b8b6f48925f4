// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OffRamp} from "../../../src/core/OffRamp.sol";
import {OffRampBase} from "../../../src/core/OffRampBase.sol";
import {IRMNRemote} from "../../../src/interfaces/IRMNRemote.sol";

/// @notice Exposes OffRampBase's internal helpers (no state is used).
contract OffRampBaseHarness is OffRampBase {
  constructor()
    OffRampBase(
      OffRamp.StaticConfig({
        chainSelector: 1,
        gasForCallExactCheck: 5_000,
        rmnRemote: IRMNRemote(address(1)),
        tokenAdminRegistry: address(1),
        nonceManager: address(1)
      })
    )
  {}

  function merkleRoot(bytes32[] memory leaves, bytes32[] calldata proofs, uint256 flags)
    external
    pure
    returns (bytes32)
  {
    return _merkleRoot(leaves, proofs, flags);
  }
}
