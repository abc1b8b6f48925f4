// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Internal} from "./Internal.sol";

/// @notice Merkle multi-proof verification with CCIP v1.6 rules: sorted-pair inner nodes under the
/// INTERNAL domain separator, odd layers padded with 0xff..ff, at most 256 leaves, every input consumed.
library MerkleMultiProof {
  uint256 internal constant MAX_NUM_HASHES = 256;

  error InvalidProof();
  error LeavesCannotBeEmpty();

  /// @param leaves the leaf hashes being proven, in tree order
  /// @param proofs the sibling hashes needed to reach the root
  /// @param proofFlagBits bit i = 1: step i takes the next leaf/computed hash; 0: the next proof element
  function _merkleRoot(bytes32[] memory leaves, bytes32[] memory proofs, uint256 proofFlagBits)
    internal
    pure
    returns (bytes32)
  {
    unchecked {
      uint256 leavesLen = leaves.length;
      uint256 proofsLen = proofs.length;
      if (leavesLen == 0) revert LeavesCannotBeEmpty();
      if (!(leavesLen <= MAX_NUM_HASHES + 1 && proofsLen <= MAX_NUM_HASHES + 1)) revert InvalidProof();
      uint256 totalHashes = leavesLen + proofsLen - 1;
      if (!(totalHashes <= MAX_NUM_HASHES)) revert InvalidProof();
      if (totalHashes == 0) return leaves[0];

      bytes32[] memory hashes = new bytes32[](totalHashes);
      (uint256 leafPos, uint256 hashPos, uint256 proofPos) = (0, 0, 0);
      for (uint256 i = 0; i < totalHashes; ++i) {
        bytes32 a;
        if ((proofFlagBits >> i) & 1 == 1) {
          a = leafPos < leavesLen ? leaves[leafPos++] : hashes[hashPos++];
        } else {
          if (proofPos >= proofsLen) revert InvalidProof();
          a = proofs[proofPos++];
        }
        // The second operand always comes from the leaves/computed hashes.
        bytes32 b = leafPos < leavesLen ? leaves[leafPos++] : hashes[hashPos++];
        if (hashPos > i) revert InvalidProof();
        hashes[i] = _hashPair(a, b);
      }
      if (!(hashPos == totalHashes - 1 && leafPos == leavesLen && proofPos == proofsLen)) revert InvalidProof();
      return hashes[totalHashes - 1];
    }
  }

  function _hashInternalNode(bytes32 left, bytes32 right) internal pure returns (bytes32 hash) {
    return keccak256(abi.encode(Internal.INTERNAL_DOMAIN_SEPARATOR, left, right));
  }

  function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
    return a < b ? _hashInternalNode(a, b) : _hashInternalNode(b, a);
  }
}
