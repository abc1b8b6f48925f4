// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {Client} from "../../src/libraries/Client.sol";
import {Internal} from "../../src/libraries/Internal.sol";
import {MerkleMultiProof} from "../../src/libraries/MerkleMultiProof.sol";

/// @notice Checks the shared vectors written by scripts/gen-vectors.ts (the TypeScript SDK) against the
/// Solidity libraries, so both implementations provably hash messages and build merkle proofs alike.
/// Each vector is checked in its own external call: a fresh memory frame keeps the big JSON files
/// from blowing up memory costs across vectors.
contract VectorsTest is Test {
  string internal constant MESSAGES = "test/vectors/messages.json";
  string internal constant MERKLE = "test/vectors/merkle.json";

  string internal constant HEADER_T =
    "RampMessageHeader(bytes32 messageId,uint64 sourceChainSelector,uint64 destChainSelector,uint64 sequenceNumber,uint64 nonce)";
  string internal constant ANY2EVM_T =
    "Any2EVMRampMessage(RampMessageHeader header,bytes sender,bytes data,address receiver,uint256 gasLimit,Any2EVMTokenTransfer[] tokenAmounts)";
  string internal constant ANY2EVM_TOKEN_T =
    "Any2EVMTokenTransfer(bytes sourcePoolAddress,address destTokenAddress,uint32 destGasAmount,bytes extraData,uint256 amount)";
  string internal constant EVM2ANY_T =
    "EVM2AnyRampMessage(RampMessageHeader header,address sender,bytes data,bytes receiver,bytes extraArgs,address feeToken,uint256 feeTokenAmount,uint256 feeValueJuels,EVM2AnyTokenTransfer[] tokenAmounts)";
  string internal constant EVM2ANY_TOKEN_T =
    "EVM2AnyTokenTransfer(address sourcePoolAddress,bytes destTokenAddress,bytes extraData,uint256 amount,bytes destExecData)";
  string internal constant MESSAGE_VECTOR_T =
    "MessageVector(string name,address onRamp,bytes onRampBytes,EVM2AnyRampMessage message,bytes encodedMessage,bytes32 evm2AnyMetadataHash,bytes32 messageId,Any2EVMRampMessage any2EvmMessage,bytes encodedAny2EvmMessage,bytes32 any2EvmMetadataHash,bytes32 leafHash)";
  string internal constant KNOWN_ANSWER_T =
    "KnownAnswerLeaf(string name,bytes onRampBytes,Any2EVMRampMessage any2EvmMessage,bytes32 leafHash)";
  string internal constant TREE_VECTOR_T =
    "TreeVector(uint256 size,bytes32[] leaves,bytes32 root,bytes32[] proofs,uint256 proofFlagBits)";
  string internal constant MULTI_PROOF_VECTOR_T =
    "MultiProofVector(uint256 tree,uint256 treeSize,uint256[] indices,bytes32[] leaves,bytes32[] proofs,uint256 proofFlagBits,bytes32 root)";

  /// @dev Field order = declaration order above; fields are matched to JSON keys by name.
  struct MessageVector {
    string name;
    address onRamp;
    bytes onRampBytes;
    Internal.EVM2AnyRampMessage message;
    bytes encodedMessage;
    bytes32 evm2AnyMetadataHash;
    bytes32 messageId;
    Internal.Any2EVMRampMessage any2EvmMessage;
    bytes encodedAny2EvmMessage;
    bytes32 any2EvmMetadataHash;
    bytes32 leafHash;
  }

  struct KnownAnswerLeaf {
    string name;
    bytes onRampBytes;
    Internal.Any2EVMRampMessage any2EvmMessage;
    bytes32 leafHash;
  }

  struct TreeVector {
    uint256 size;
    bytes32[] leaves;
    bytes32 root;
    bytes32[] proofs;
    uint256 proofFlagBits;
  }

  struct MultiProofVector {
    uint256 tree;
    uint256 treeSize;
    uint256[] indices;
    bytes32[] leaves;
    bytes32[] proofs;
    uint256 proofFlagBits;
    bytes32 root;
  }

  function test_vectorsArePresent() public view {
    assertGt(vm.parseJsonUint(vm.readFile(MESSAGES), ".count"), 20);
    string memory merkle = vm.readFile(MERKLE);
    assertGt(vm.parseJsonUint(merkle, ".treeCount"), 18);
    assertGt(vm.parseJsonUint(merkle, ".multiProofCount"), 100);
  }

  // ================================================================
  // │                         Messages                             │
  // ================================================================

  function test_messages() public view {
    uint256 count = vm.parseJsonUint(vm.readFile(MESSAGES), ".count");
    for (uint256 i = 0; i < count; ++i) {
      this.checkMessage(i);
    }
  }

  /// @notice One message: readable fields = encoded blob, message id, the destination conversion and the leaf.
  function checkMessage(uint256 i) external view {
    MessageVector memory v = abi.decode(
      vm.parseJsonType(
        vm.readFile(MESSAGES),
        _at(".messages", i),
        string.concat(MESSAGE_VECTOR_T, ANY2EVM_T, ANY2EVM_TOKEN_T, EVM2ANY_T, EVM2ANY_TOKEN_T, HEADER_T)
      ),
      (MessageVector)
    );
    Internal.EVM2AnyRampMessage memory source = v.message;
    Internal.Any2EVMRampMessage memory dest = v.any2EvmMessage;
    // The readable JSON (for other languages) and the abi-encoded blobs say the same.
    assertEq(abi.encode(source), v.encodedMessage, v.name);
    assertEq(abi.encode(dest), v.encodedAny2EvmMessage, v.name);

    // Source side: metadata hash and message id; the emitted header carries the id it hashes to.
    bytes32 metadataHash =
      Internal._evm2AnyMetadataHash(source.header.sourceChainSelector, source.header.destChainSelector, v.onRamp);
    assertEq(metadataHash, v.evm2AnyMetadataHash, v.name);
    assertEq(Internal._hash(source, metadataHash), v.messageId, v.name);
    assertEq(source.header.messageId, v.messageId, v.name);

    // Destination side: the SDK's conversion equals an independent Solidity one, and the leaves agree.
    assertEq(abi.encode(this.toAny2EVM(source)), v.encodedAny2EvmMessage, v.name);
    assertEq(v.onRampBytes, abi.encode(v.onRamp), v.name);
    metadataHash =
      Internal._any2EvmMetadataHash(dest.header.sourceChainSelector, dest.header.destChainSelector, v.onRampBytes);
    assertEq(metadataHash, v.any2EvmMetadataHash, v.name);
    assertEq(Internal._hash(dest, metadataHash), v.leafHash, v.name);
  }

  /// @notice Leaves published by upstream CCIP tooling: our Internal.sol reproduces deployed CCIP v1.6.
  function test_knownAnswerLeaves() public view {
    string memory json = vm.readFile(MESSAGES);
    uint256 count = vm.parseJsonUint(json, ".knownAnswerCount");
    assertGt(count, 0);
    for (uint256 i = 0; i < count; ++i) {
      KnownAnswerLeaf memory v = abi.decode(
        vm.parseJsonType(
          json, _at(".knownAnswers", i), string.concat(KNOWN_ANSWER_T, ANY2EVM_T, ANY2EVM_TOKEN_T, HEADER_T)
        ),
        (KnownAnswerLeaf)
      );
      Internal.Any2EVMRampMessage memory m = v.any2EvmMessage;
      bytes32 metadataHash =
        Internal._any2EvmMetadataHash(m.header.sourceChainSelector, m.header.destChainSelector, v.onRampBytes);
      assertEq(Internal._hash(m, metadataHash), v.leafHash, v.name);
    }
  }

  /// @notice The execute DON's conversion, written independently of the SDK: what the destination sees.
  function toAny2EVM(Internal.EVM2AnyRampMessage calldata source)
    external
    view
    returns (Internal.Any2EVMRampMessage memory dest)
  {
    dest.header = source.header;
    dest.sender = abi.encode(source.sender);
    dest.data = source.data;
    dest.receiver = abi.decode(source.receiver, (address));
    dest.gasLimit = this.gasLimitOf(source.extraArgs);
    dest.tokenAmounts = new Internal.Any2EVMTokenTransfer[](source.tokenAmounts.length);
    for (uint256 j = 0; j < source.tokenAmounts.length; ++j) {
      Internal.EVM2AnyTokenTransfer calldata t = source.tokenAmounts[j];
      dest.tokenAmounts[j] = Internal.Any2EVMTokenTransfer({
        sourcePoolAddress: abi.encode(t.sourcePoolAddress),
        destTokenAddress: abi.decode(t.destTokenAddress, (address)),
        destGasAmount: abi.decode(t.destExecData, (uint32)),
        extraData: t.extraData,
        amount: t.amount
      });
    }
  }

  /// @notice Gas limit from extraArgs: empty = the lane default (200k), else V2 or V1.
  function gasLimitOf(bytes calldata extraArgs) external pure returns (uint256) {
    if (extraArgs.length == 0) return 200_000;
    bytes4 tag = bytes4(extraArgs[:4]);
    if (tag == Client.GENERIC_EXTRA_ARGS_V2_TAG) {
      return abi.decode(extraArgs[4:], (Client.GenericExtraArgsV2)).gasLimit;
    }
    require(tag == Client.EVM_EXTRA_ARGS_V1_TAG, "unknown extraArgs tag");
    return abi.decode(extraArgs[4:], (Client.EVMExtraArgsV1)).gasLimit;
  }

  // ================================================================
  // │                          Merkle                              │
  // ================================================================

  function test_merkleRoots() public view {
    uint256 count = vm.parseJsonUint(vm.readFile(MERKLE), ".treeCount");
    for (uint256 i = 0; i < count; ++i) {
      this.checkTree(i);
    }
  }

  /// @notice One tree's root: from the all-leaves multi-proof and from a naive layer-by-layer build.
  function checkTree(uint256 i) external view {
    TreeVector memory v =
      abi.decode(vm.parseJsonType(vm.readFile(MERKLE), _at(".trees", i), TREE_VECTOR_T), (TreeVector));
    string memory label = string.concat("tree of ", vm.toString(v.size));
    assertEq(v.leaves.length, v.size, label);
    assertEq(_naiveRoot(v.leaves), v.root, label);
    assertEq(MerkleMultiProof._merkleRoot(v.leaves, v.proofs, v.proofFlagBits), v.root, label);
  }

  function test_multiProofs() public view {
    uint256 count = vm.parseJsonUint(vm.readFile(MERKLE), ".multiProofCount");
    for (uint256 i = 0; i < count; ++i) {
      this.checkMultiProof(i);
    }
  }

  /// @notice One subset multi-proof: verifies on-chain, proves the tree's leaves at the listed
  /// indices, and a tampered proof element never yields the root.
  function checkMultiProof(uint256 i) external view {
    string memory json = vm.readFile(MERKLE);
    MultiProofVector memory v =
      abi.decode(vm.parseJsonType(json, _at(".multiProofs", i), MULTI_PROOF_VECTOR_T), (MultiProofVector));
    string memory label = string.concat("multi-proof ", vm.toString(i));
    assertEq(MerkleMultiProof._merkleRoot(v.leaves, v.proofs, v.proofFlagBits), v.root, label);

    bytes32[] memory treeLeaves = vm.parseJsonBytes32Array(json, string.concat(_at(".trees", v.tree), ".leaves"));
    assertEq(treeLeaves.length, v.treeSize, label);
    assertEq(v.leaves.length, v.indices.length, label);
    for (uint256 j = 0; j < v.indices.length; ++j) {
      assertEq(v.leaves[j], treeLeaves[v.indices[j]], label);
    }

    if (v.proofs.length > 0) {
      v.proofs[0] = bytes32(uint256(v.proofs[0]) ^ 1);
      try this.merkleRoot(v.leaves, v.proofs, v.proofFlagBits) returns (bytes32 tampered) {
        assertTrue(tampered != v.root, label);
      } catch {}
    }
  }

  function merkleRoot(bytes32[] memory leaves, bytes32[] memory proofs, uint256 flags) external pure returns (bytes32) {
    return MerkleMultiProof._merkleRoot(leaves, proofs, flags);
  }

  /// @dev Independent reference: build the tree layer by layer, padding odd layers with 0xff..ff.
  function _naiveRoot(bytes32[] memory leaves) internal pure returns (bytes32) {
    bytes32[] memory layer = leaves;
    while (layer.length > 1) {
      bytes32[] memory next = new bytes32[]((layer.length + 1) / 2);
      for (uint256 j = 0; j < next.length; ++j) {
        bytes32 a = layer[2 * j];
        bytes32 b = 2 * j + 1 < layer.length ? layer[2 * j + 1] : bytes32(type(uint256).max);
        next[j] = a < b
          ? keccak256(abi.encode(bytes32(uint256(1)), a, b))
          : keccak256(abi.encode(bytes32(uint256(1)), b, a));
      }
      layer = next;
    }
    return layer[0];
  }

  function _at(string memory array, uint256 i) internal pure returns (string memory) {
    return string.concat(array, "[", vm.toString(i), "]");
  }
}
