// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleMultiProof} from "../../../src/libraries/MerkleMultiProof.sol";

/// @notice Builds CCIP v1.6 merkle trees and multi-proofs in Solidity (sorted pairs, INTERNAL domain, odd layers
/// padded with 0xff..ff), mirroring what the execute plugin produces off-chain.
library MerkleHelper {
  bytes32 internal constant PAD = bytes32(type(uint256).max);

  function root(bytes32[] memory leaves) internal pure returns (bytes32) {
    bytes32[] memory layer = leaves;
    while (layer.length > 1) {
      uint256 len = layer.length;
      bytes32[] memory next = new bytes32[]((len + 1) / 2);
      for (uint256 j = 0; j < len; j += 2) {
        next[j / 2] = MerkleMultiProof._hashPair(layer[j], j + 1 < len ? layer[j + 1] : PAD);
      }
      layer = next;
    }
    return layer[0];
  }

  /// @param indices strictly increasing positions of the proven leaves
  function multiProof(bytes32[] memory leaves, uint256[] memory indices)
    internal
    pure
    returns (bytes32[] memory proofs, uint256 flagBits)
  {
    bytes32[] memory layer = leaves;
    bool[] memory known = new bool[](leaves.length);
    for (uint256 i = 0; i < indices.length; ++i) {
      known[indices[i]] = true;
    }
    proofs = new bytes32[](leaves.length + 16);
    uint256 numProofs;
    uint256 step;
    while (layer.length > 1) {
      uint256 len = layer.length;
      bytes32[] memory next = new bytes32[]((len + 1) / 2);
      bool[] memory nextKnown = new bool[]((len + 1) / 2);
      for (uint256 j = 0; j < len; j += 2) {
        bytes32 left = layer[j];
        bool hasRight = j + 1 < len;
        bytes32 right = hasRight ? layer[j + 1] : PAD;
        bool kl = known[j];
        bool kr = hasRight && known[j + 1];
        next[j / 2] = MerkleMultiProof._hashPair(left, right);
        if (kl && kr) {
          flagBits |= 1 << step++;
        } else if (kl) {
          proofs[numProofs++] = right;
          ++step;
        } else if (kr) {
          proofs[numProofs++] = left;
          ++step;
        } else {
          continue;
        }
        nextKnown[j / 2] = true;
      }
      layer = next;
      known = nextKnown;
    }
    assembly {
      mstore(proofs, numProofs)
    }
  }
}
