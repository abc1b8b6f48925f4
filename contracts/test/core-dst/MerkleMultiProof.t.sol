// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleMultiProof} from "../../src/libraries/MerkleMultiProof.sol";
import {MerkleHelper} from "./helpers/MerkleHelper.sol";

import {Test} from "forge-std/Test.sol";

/// @notice The test helper's proofs against the on-chain verifier, and the verifier's rejection of tampering.
contract MerkleMultiProofTest is Test {
  /// @dev Wrapper so reverts of the internal library can be caught.
  function verify(bytes32[] memory leaves, bytes32[] memory proofs, uint256 flags) external pure returns (bytes32) {
    return MerkleMultiProof._merkleRoot(leaves, proofs, flags);
  }

  function _leaves(uint256 n, uint256 seed) internal pure returns (bytes32[] memory leaves) {
    leaves = new bytes32[](n);
    for (uint256 i = 0; i < n; ++i) {
      leaves[i] = keccak256(abi.encode(seed, i));
    }
  }

  function _subset(uint256 n, uint256 mask) internal pure returns (uint256[] memory idx, bytes32[] memory) {
    uint256 count;
    uint256[] memory tmp = new uint256[](n);
    for (uint256 i = 0; i < n; ++i) {
      if (uint256(keccak256(abi.encode(mask, i))) & 1 == 1) tmp[count++] = i;
    }
    if (count == 0) tmp[count++] = mask % n;
    idx = new uint256[](count);
    for (uint256 i = 0; i < count; ++i) {
      idx[i] = tmp[i];
    }
    return (idx, new bytes32[](0));
  }

  function _pick(bytes32[] memory leaves, uint256[] memory idx) internal pure returns (bytes32[] memory out) {
    out = new bytes32[](idx.length);
    for (uint256 i = 0; i < idx.length; ++i) {
      out[i] = leaves[idx[i]];
    }
  }

  function test_singleLeafIsItsOwnRoot() public view {
    bytes32[] memory leaves = _leaves(1, 1);
    assertEq(MerkleHelper.root(leaves), leaves[0]);
    (bytes32[] memory proofs, uint256 flags) = MerkleHelper.multiProof(leaves, new uint256[](1));
    assertEq(proofs.length, 0);
    assertEq(this.verify(leaves, proofs, flags), leaves[0]);
  }

  function test_knownSmallTree() public pure {
    // Three leaves: root = H(H(a,b), H(c, 0xff..ff)) with sorted pairs under the INTERNAL domain.
    bytes32[] memory l = _leaves(3, 7);
    bytes32 left = MerkleMultiProof._hashPair(l[0], l[1]);
    bytes32 right = MerkleMultiProof._hashPair(l[2], bytes32(type(uint256).max));
    bytes32 expected = MerkleMultiProof._hashPair(left, right);
    assertEq(MerkleHelper.root(l), expected);
    assertEq(
      MerkleMultiProof._hashInternalNode(l[0], l[1]), keccak256(abi.encode(bytes32(uint256(1)), l[0], l[1]))
    );
  }

  function testFuzz_subsetsProveToRoot(uint256 n, uint256 seed, uint256 mask) public view {
    n = bound(n, 1, 256);
    bytes32[] memory leaves = _leaves(n, seed);
    (uint256[] memory idx,) = _subset(n, mask);
    (bytes32[] memory proofs, uint256 flags) = MerkleHelper.multiProof(leaves, idx);
    assertEq(this.verify(_pick(leaves, idx), proofs, flags), MerkleHelper.root(leaves));
  }

  function testFuzz_tamperingFails(uint256 n, uint256 seed, uint256 mask, uint256 what, uint256 where) public view {
    n = bound(n, 2, 256);
    bytes32[] memory leaves = _leaves(n, seed);
    bytes32 root = MerkleHelper.root(leaves);
    (uint256[] memory idx,) = _subset(n, mask);
    (bytes32[] memory proofs, uint256 flags) = MerkleHelper.multiProof(leaves, idx);
    bytes32[] memory picked = _pick(leaves, idx);
    uint256 totalHashes = picked.length + proofs.length - 1;

    what = what % 4;
    if (what == 0 && proofs.length > 0) {
      proofs[where % proofs.length] ^= bytes32(uint256(1) << (where % 256));
    } else if (what == 1) {
      picked[where % picked.length] ^= bytes32(uint256(1) << (where % 256));
    } else if (what == 2 && totalHashes > 0) {
      flags ^= 1 << (where % totalHashes);
    } else {
      // Drop or add a proof element.
      if (proofs.length > 0 && where % 2 == 0) {
        assembly {
          mstore(proofs, sub(mload(proofs), 1))
        }
      } else {
        bytes32[] memory longer = new bytes32[](proofs.length + 1);
        for (uint256 i = 0; i < proofs.length; ++i) {
          longer[i] = proofs[i];
        }
        longer[proofs.length] = keccak256("extra");
        proofs = longer;
      }
    }
    try this.verify(picked, proofs, flags) returns (bytes32 got) {
      assertTrue(got != root, "tampered proof verified");
    } catch {}
  }
}
