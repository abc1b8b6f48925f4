import { type Hex, encodeAbiParameters, keccak256, numberToHex } from 'viem';
import { describe, expect, test } from 'vitest';
import {
  InvalidMerkleProofError,
  MAX_MERKLE_LEAVES,
  MERKLE_PADDING,
  MerkleTreeError,
  getMerkleLayers,
  getMerkleRoot,
  getMultiProof,
  getMultiProofRoot,
  hashInternalNode,
  hashPair,
  verifyMultiProof,
} from '../src/index.js';

const leaf = (i: number): Hex => keccak256(numberToHex(i, { size: 32 }));
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leaf(i));
const ONE = `0x${'00'.repeat(31)}01` as const;

describe('nodes', () => {
  test('inner node = keccak(INTERNAL ++ left ++ right)', () => {
    const [a, b] = [leaf(1), leaf(2)];
    expect(hashInternalNode(a, b)).toBe(
      keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }], [ONE, a, b])),
    );
  });
  test('pairs are sorted', () => {
    const [a, b] = [leaf(1), leaf(2)];
    expect(hashPair(a, b)).toBe(hashPair(b, a));
    const [lo, hi] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
    expect(hashPair(a, b)).toBe(hashInternalNode(lo, hi));
  });
});

describe('getMerkleRoot', () => {
  test('one leaf is its own root', () => {
    expect(getMerkleRoot([leaf(0)])).toBe(leaf(0));
  });
  test('two leaves', () => {
    expect(getMerkleRoot(leavesOf(2))).toBe(hashPair(leaf(0), leaf(1)));
  });
  test('odd layers are padded with 0xff..ff', () => {
    const [a, b, c] = leavesOf(3);
    expect(getMerkleRoot([a!, b!, c!])).toBe(hashPair(hashPair(a!, b!), hashPair(c!, MERKLE_PADDING)));
    const five = leavesOf(5);
    const l1 = [hashPair(five[0]!, five[1]!), hashPair(five[2]!, five[3]!), hashPair(five[4]!, MERKLE_PADDING)];
    expect(getMerkleRoot(five)).toBe(hashPair(hashPair(l1[0]!, l1[1]!), hashPair(l1[2]!, MERKLE_PADDING)));
  });
  test('layers end with the root and are even below it', () => {
    const layers = getMerkleLayers(leavesOf(13));
    expect(layers.at(-1)).toEqual([getMerkleRoot(leavesOf(13))]);
    for (const layer of layers.slice(0, -1)) expect(layer.length % 2).toBe(0);
  });
  test('limits: 1..256 leaves', () => {
    expect(() => getMerkleRoot([])).toThrow(MerkleTreeError);
    expect(() => getMerkleRoot(leavesOf(MAX_MERKLE_LEAVES + 1))).toThrow(MerkleTreeError);
    expect(getMerkleRoot(leavesOf(MAX_MERKLE_LEAVES))).toMatch(/^0x[0-9a-f]{64}$/);
  });
});

describe('multi-proofs', () => {
  test('every subset of trees up to 9 leaves verifies', () => {
    for (let n = 1; n <= 9; n++) {
      const leaves = leavesOf(n);
      const root = getMerkleRoot(leaves);
      for (let mask = 1; mask < 1 << n; mask++) {
        const indices = leaves.map((_, i) => i).filter((i) => mask & (1 << i));
        const proof = getMultiProof(leaves, indices);
        const proven = indices.map((i) => leaves[i]!);
        expect(getMultiProofRoot(proven, proof.proofs, proof.proofFlagBits)).toBe(root);
        expect(verifyMultiProof({ root, leaves: proven, ...proof })).toBe(true);
      }
    }
  });
  test('random subsets of 256 leaves verify', () => {
    const leaves = leavesOf(256);
    const root = getMerkleRoot(leaves);
    let seed = 1;
    for (let round = 0; round < 40; round++) {
      const indices = leaves.map((_, i) => i).filter(() => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) & 7) === 0);
      if (indices.length === 0) continue;
      const proof = getMultiProof(leaves, indices);
      expect(verifyMultiProof({ root, leaves: indices.map((i) => leaves[i]!), ...proof })).toBe(true);
    }
    const all = getMultiProof(leaves, leaves.map((_, i) => i));
    expect(all.proofs).toEqual([]);
    expect(all.proofFlagBits).toBe((1n << 255n) - 1n);
  });
  test('a proof from prebuilt layers equals one built from the leaves, and the layers are not changed', () => {
    for (const n of [1, 2, 7, 256]) {
      const leaves = leavesOf(n);
      const layers = getMerkleLayers(leaves);
      const before = JSON.stringify(layers);
      for (const indices of [[0], [n - 1], leaves.map((_, i) => i).filter((i) => i % 3 === 0)]) {
        expect(getMultiProof(leaves, indices, layers)).toEqual(getMultiProof(leaves, indices));
      }
      expect(JSON.stringify(layers)).toBe(before);
    }
  });
  test('single leaf of a single-leaf tree: no proof, no flags', () => {
    expect(getMultiProof([leaf(0)], [0])).toEqual({ proofs: [], proofFlagBits: 0n });
    expect(getMultiProofRoot([leaf(0)], [], 0n)).toBe(leaf(0));
  });
  test('padding shows up as a proof element', () => {
    expect(getMultiProof(leavesOf(3), [2]).proofs[0]).toBe(MERKLE_PADDING);
  });
  test('bad indices are rejected', () => {
    const leaves = leavesOf(4);
    expect(() => getMultiProof(leaves, [])).toThrow(MerkleTreeError);
    expect(() => getMultiProof(leaves, [4])).toThrow(MerkleTreeError);
    expect(() => getMultiProof(leaves, [-1])).toThrow(MerkleTreeError);
    expect(() => getMultiProof(leaves, [1.5])).toThrow(MerkleTreeError);
    expect(() => getMultiProof(leaves, [2, 1])).toThrow(MerkleTreeError);
    expect(() => getMultiProof(leaves, [1, 1])).toThrow(MerkleTreeError);
  });
});

describe('getMultiProofRoot (port of MerkleMultiProof._merkleRoot)', () => {
  const leaves = leavesOf(8);
  const root = getMerkleRoot(leaves);
  const indices = [1, 4, 5];
  const proven = indices.map((i) => leaves[i]!);
  const proof = getMultiProof(leaves, indices);

  test('empty leaves revert', () => {
    expect(() => getMultiProofRoot([], [], 0n)).toThrow(InvalidMerkleProofError);
  });
  test('too many leaves / proofs / hashes revert', () => {
    expect(() => getMultiProofRoot(leavesOf(258), [], 0n)).toThrow(InvalidMerkleProofError);
    expect(() => getMultiProofRoot([leaf(0)], leavesOf(258), 0n)).toThrow(InvalidMerkleProofError);
    expect(() => getMultiProofRoot(leavesOf(200), leavesOf(58), 0n)).toThrow(InvalidMerkleProofError);
  });
  test('an extra proof element adds a step: another root, never this one', () => {
    expect(verifyMultiProof({ root, leaves: proven, proofs: [...proof.proofs, leaf(99)], proofFlagBits: proof.proofFlagBits })).toBe(false);
  });
  test('flags that leave a leaf unconsumed → revert', () => {
    // 4 leaves, no proofs, 3 steps; all flags 0 would need 3 proof elements
    expect(() => getMultiProofRoot(leavesOf(4), [], 0n)).toThrow(InvalidMerkleProofError);
    // 2 leaves + 1 proof: step 0 = (leaf0, leaf1), step 1 = (proof, hash0) is valid; flag 1 on step 1 would read past the end
    expect(getMultiProofRoot(leavesOf(2), [leaf(7)], 1n)).toBe(hashPair(leaf(7), hashPair(leaf(0), leaf(1))));
    expect(() => getMultiProofRoot(leavesOf(2), [leaf(7)], 3n)).toThrow(InvalidMerkleProofError);
  });
  test('a missing proof element → revert', () => {
    expect(() => getMultiProofRoot(proven, proof.proofs.slice(1), proof.proofFlagBits)).toThrow(InvalidMerkleProofError);
  });
  test('reading a hash not computed yet → revert', () => {
    // two leaves, no proofs: a single step; flag 1 takes leaf 0 then leaf 1: valid
    expect(getMultiProofRoot(leavesOf(2), [], 1n)).toBe(getMerkleRoot(leavesOf(2)));
    // three leaves, flags all 1: step 1 needs leaf 2 and hash 0 (ok), so this one is fine ...
    expect(() => getMultiProofRoot(leavesOf(3), [], 3n)).not.toThrow();
    // ... but one leaf and two proofs with flag 1 on step 0 would read hash 0 before it exists
    expect(() => getMultiProofRoot([leaf(0)], [leaf(1), leaf(2)], 1n)).toThrow(InvalidMerkleProofError);
  });
  test('wrong flags / leaves / proofs give another root, verify says false', () => {
    expect(verifyMultiProof({ root, leaves: proven, proofs: proof.proofs, proofFlagBits: proof.proofFlagBits ^ 1n })).toBe(false);
    expect(verifyMultiProof({ root, leaves: [leaf(9), ...proven.slice(1)], ...proof })).toBe(false);
    expect(verifyMultiProof({ root, leaves: proven, proofs: [leaf(9), ...proof.proofs.slice(1)], proofFlagBits: proof.proofFlagBits })).toBe(false);
    expect(verifyMultiProof({ root: leaf(0), leaves: proven, ...proof })).toBe(false);
    expect(verifyMultiProof({ root: root.toUpperCase().replace('0X', '0x') as Hex, leaves: proven, ...proof })).toBe(true);
  });
});
