// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleMultiProof} from "../../src/libraries/MerkleMultiProof.sol";
import {MerkleHelper} from "./helpers/MerkleHelper.sol";
import {OffRampBaseHarness} from "./helpers/OffRampBaseHarness.sol";

import {Test} from "forge-std/Test.sol";

/// @notice The OffRamp's calldata/scratch-memory multi-proof verifier must agree with MerkleMultiProof._merkleRoot on
/// every input: the same root for valid proofs, the same revert for anything else.
contract OffRampMerkleTest is Test {
  OffRampBaseHarness internal s_harness;

  function setUp() public {
    s_harness = new OffRampBaseHarness();
  }

  /// @dev The library, behind an external call so that its reverts can be compared.
  function referenceRoot(bytes32[] memory leaves, bytes32[] memory proofs, uint256 flags) external pure returns (bytes32) {
    return MerkleMultiProof._merkleRoot(leaves, proofs, flags);
  }

  function _assertSame(bytes32[] memory leaves, bytes32[] memory proofs, uint256 flags) internal view returns (bool ok) {
    (bool okRef, bytes memory retRef) =
      address(this).staticcall(abi.encodeCall(this.referenceRoot, (leaves, proofs, flags)));
    (bool okNew, bytes memory retNew) =
      address(s_harness).staticcall(abi.encodeCall(s_harness.merkleRoot, (leaves, proofs, flags)));
    assertEq(okNew, okRef, "success differs");
    assertEq(retNew, retRef, "root or revert data differs");
    return okRef;
  }

  function _leaves(uint256 n, uint256 seed) internal pure returns (bytes32[] memory leaves) {
    leaves = new bytes32[](n);
    for (uint256 i = 0; i < n; ++i) {
      leaves[i] = keccak256(abi.encode(seed, i));
    }
  }

  function _subset(bytes32[] memory leaves, uint256 mask)
    internal
    pure
    returns (uint256[] memory idx, bytes32[] memory picked)
  {
    uint256 n = leaves.length;
    uint256 count;
    uint256[] memory tmp = new uint256[](n);
    for (uint256 i = 0; i < n; ++i) {
      if (uint256(keccak256(abi.encode(mask, i))) & 1 == 1) tmp[count++] = i;
    }
    if (count == 0) tmp[count++] = mask % n;
    idx = new uint256[](count);
    picked = new bytes32[](count);
    for (uint256 i = 0; i < count; ++i) {
      idx[i] = tmp[i];
      picked[i] = leaves[tmp[i]];
    }
  }

  function test_edgeCases() public view {
    bytes32[] memory none = new bytes32[](0);
    bytes32[] memory one = _leaves(1, 1);
    assertFalse(_assertSame(none, none, 0)); // LeavesCannotBeEmpty
    assertTrue(_assertSame(one, none, 0)); // a single leaf is its own root
    assertTrue(_assertSame(one, _leaves(1, 2), 0)); // leaf + proof: one hash
    assertFalse(_assertSame(one, _leaves(1, 2), 1)); // flag 1: the second operand does not exist yet
    assertFalse(_assertSame(_leaves(258, 3), none, type(uint256).max)); // too many leaves
    assertFalse(_assertSame(one, _leaves(258, 4), 0)); // too many proofs
    assertFalse(_assertSame(_leaves(200, 5), _leaves(58, 6), 0)); // too many hashes
    assertTrue(_assertSame(_leaves(1, 7), _leaves(2, 8), 0)); // a path of two proof elements
    // Reading a computed hash that does not exist yet.
    assertFalse(_assertSame(_leaves(1, 7), _leaves(2, 8), 1));
    assertFalse(_assertSame(_leaves(2, 7), _leaves(0, 8), 0)); // flag 0 with no proof
    assertTrue(_assertSame(_leaves(2, 7), _leaves(0, 8), 1));
  }

  function testFuzz_validProofs(uint256 n, uint256 seed, uint256 mask) public view {
    n = bound(n, 1, 256);
    bytes32[] memory leaves = _leaves(n, seed);
    (uint256[] memory idx, bytes32[] memory picked) = _subset(leaves, mask);
    (bytes32[] memory proofs, uint256 flags) = MerkleHelper.multiProof(leaves, idx);
    assertTrue(_assertSame(picked, proofs, flags));
    assertEq(s_harness.merkleRoot(picked, proofs, flags), MerkleHelper.root(leaves));
  }

  function testFuzz_tamperedProofs(uint256 n, uint256 seed, uint256 mask, uint256 what, uint256 where) public view {
    n = bound(n, 2, 256);
    bytes32[] memory leaves = _leaves(n, seed);
    (uint256[] memory idx, bytes32[] memory picked) = _subset(leaves, mask);
    (bytes32[] memory proofs, uint256 flags) = MerkleHelper.multiProof(leaves, idx);
    what = what % 5;
    if (what == 0 && proofs.length > 0) {
      proofs[where % proofs.length] ^= bytes32(uint256(1) << (where % 256));
    } else if (what == 1) {
      picked[where % picked.length] ^= bytes32(uint256(1) << (where % 256));
    } else if (what == 2) {
      flags ^= 1 << (where % 256);
    } else if (what == 3 && proofs.length > 0) {
      assembly {
        mstore(proofs, sub(mload(proofs), 1))
      }
    } else {
      assembly {
        mstore(picked, sub(mload(picked), 1))
      }
    }
    _assertSame(picked, proofs, flags);
  }

  /// @dev Arbitrary inputs, mostly invalid: both must fail (or succeed) identically.
  function testFuzz_arbitraryInputs(uint8 numLeaves, uint8 numProofs, uint256 flags, uint256 seed) public view {
    _assertSame(_leaves(numLeaves, seed), _leaves(numProofs, ~seed), flags);
  }
}
