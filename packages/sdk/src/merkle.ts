import { type Hex, hexToBytes } from 'viem';
import { keccak256 } from './crypto/keccak.js';
import { InvalidMerkleProofError, MerkleTreeError } from './errors.js';

/** At most this many leaves (and hashes in a multi-proof) per root, as MerkleMultiProof.sol enforces. */
export const MAX_MERKLE_LEAVES = 256;
/** Padding of an odd layer: the maximum bytes32. */
export const MERKLE_PADDING = '0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' as const;

/** Multi-proof in the shape ExecutionReport carries it. */
export interface MerkleMultiProof {
  proofs: Hex[];
  /** bit i = 1: step i takes the next leaf/computed hash; 0: the next proof element */
  proofFlagBits: bigint;
}

/**
 * keccak256(INTERNAL ++ left ++ right), i.e. keccak256(abi.encode(INTERNAL_DOMAIN_SEPARATOR, left, right)). The 96
 * bytes are laid out directly: the ABI encoder costs several times the hash itself on a 256-leaf tree.
 */
export function hashInternalNode(left: Hex, right: Hex): Hex {
  const input = new Uint8Array(96);
  input[31] = 1; // INTERNAL_DOMAIN_SEPARATOR
  input.set(word(left, 'left'), 32);
  input.set(word(right, 'right'), 64);
  return keccak256(input);
}

/** A bytes32 as 32 bytes; like the ABI encoder, anything else is an error. */
function word(value: Hex, what: string): Uint8Array {
  if (typeof value !== 'string' || value.length !== 66) throw new MerkleTreeError(`${what}: expected a bytes32, got ${value}`);
  return hexToBytes(value); // throws on a character that is not hex
}

/** Inner node of two children, sorted so the smaller comes first. */
export function hashPair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? hashInternalNode(a, b) : hashInternalNode(b, a);
}

function checkLeaves(leaves: readonly Hex[]): void {
  if (leaves.length === 0) throw new MerkleTreeError('a merkle tree needs at least one leaf');
  if (leaves.length > MAX_MERKLE_LEAVES) {
    throw new MerkleTreeError(`${leaves.length} leaves exceed the maximum of ${MAX_MERKLE_LEAVES}`);
  }
}

/**
 * All layers of the tree, leaves first, root last. Every layer but the root is padded to an even
 * length with MERKLE_PADDING; a single leaf is its own root.
 */
export function getMerkleLayers(leaves: readonly Hex[]): Hex[][] {
  checkLeaves(leaves);
  const layers: Hex[][] = [];
  let layer = [...leaves];
  while (layer.length > 1) {
    if (layer.length % 2 === 1) layer.push(MERKLE_PADDING);
    layers.push(layer);
    const next: Hex[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(hashPair(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  layers.push(layer);
  return layers;
}

/** The merkle root of `leaves` (1..256 of them), as committed on the OffRamp. */
export function getMerkleRoot(leaves: readonly Hex[]): Hex {
  const layers = getMerkleLayers(leaves);
  return layers[layers.length - 1]![0]!;
}

/**
 * A multi-proof that the leaves at `indices` (strictly ascending, so that the proven leaves are in
 * tree order, as the execution report's messages must be) belong to the tree of `leaves`.
 * Verify it with the proven leaves `indices.map(i => leaves[i])`.
 */
export function getMultiProof(
  leaves: readonly Hex[],
  indices: readonly number[],
  /** getMerkleLayers(leaves) if the caller has it: one tree proven several times is then hashed once. */
  layers: readonly (readonly Hex[])[] = getMerkleLayers(leaves),
): MerkleMultiProof {
  if (indices.length === 0) throw new MerkleTreeError('prove at least one leaf');
  indices.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
      throw new MerkleTreeError(`leaf index ${index} out of range 0..${leaves.length - 1}`);
    }
    if (i > 0 && index <= indices[i - 1]!) throw new MerkleTreeError('leaf indices must be strictly ascending');
  });

  const proofs: Hex[] = [];
  const flags: boolean[] = [];
  let current = [...indices];
  // Walk up layer by layer: the verifier consumes leaves, then computed hashes, in exactly this order.
  for (const layer of layers.slice(0, -1)) {
    const next: number[] = [];
    for (let i = 0; i < current.length; ) {
      const index = current[i]!;
      const sibling = index ^ 1;
      if (current[i + 1] === sibling) {
        flags.push(true);
        i += 2;
      } else {
        proofs.push(layer[sibling]!);
        flags.push(false);
        i += 1;
      }
      next.push(index >> 1);
    }
    current = next;
  }
  let proofFlagBits = 0n;
  flags.forEach((flag, i) => {
    if (flag) proofFlagBits |= 1n << BigInt(i);
  });
  return { proofs, proofFlagBits };
}

/**
 * Port of MerkleMultiProof._merkleRoot: the root that `leaves` + `proofs` + `proofFlagBits` lead to.
 * Throws InvalidMerkleProofError where the contract reverts (every input must be consumed exactly).
 */
export function getMultiProofRoot(leaves: readonly Hex[], proofs: readonly Hex[], proofFlagBits: bigint): Hex {
  if (leaves.length === 0) throw new InvalidMerkleProofError('leaves cannot be empty');
  if (leaves.length > MAX_MERKLE_LEAVES + 1 || proofs.length > MAX_MERKLE_LEAVES + 1) {
    throw new InvalidMerkleProofError('too many leaves or proofs');
  }
  const totalHashes = leaves.length + proofs.length - 1;
  if (totalHashes > MAX_MERKLE_LEAVES) throw new InvalidMerkleProofError(`${totalHashes} hashes exceed ${MAX_MERKLE_LEAVES}`);
  if (totalHashes === 0) return leaves[0]!;

  const hashes: Hex[] = [];
  let leafPos = 0;
  let hashPos = 0;
  let proofPos = 0;
  // Next leaf while any are left, then the next computed hash (which must already exist).
  const nextLeafOrHash = (step: number): Hex => {
    if (leafPos < leaves.length) return leaves[leafPos++]!;
    if (hashPos >= step) throw new InvalidMerkleProofError(`step ${step} reads a hash not computed yet`);
    return hashes[hashPos++]!;
  };
  for (let i = 0; i < totalHashes; i++) {
    let a: Hex;
    if ((proofFlagBits >> BigInt(i)) & 1n) {
      a = nextLeafOrHash(i);
    } else {
      if (proofPos >= proofs.length) throw new InvalidMerkleProofError(`step ${i} needs a proof element, none left`);
      a = proofs[proofPos++]!;
    }
    const b = nextLeafOrHash(i);
    hashes.push(hashPair(a, b));
  }
  if (hashPos !== totalHashes - 1 || leafPos !== leaves.length || proofPos !== proofs.length) {
    throw new InvalidMerkleProofError('proof does not consume every leaf, proof and hash exactly');
  }
  return hashes[totalHashes - 1]!;
}

/** True when the multi-proof leads to `root` and would pass MerkleMultiProof.sol. */
export function verifyMultiProof({
  root,
  leaves,
  proofs,
  proofFlagBits,
}: {
  root: Hex;
  leaves: readonly Hex[];
  proofs: readonly Hex[];
  proofFlagBits: bigint;
}): boolean {
  try {
    return getMultiProofRoot(leaves, proofs, proofFlagBits).toLowerCase() === root.toLowerCase();
  } catch (error) {
    if (error instanceof InvalidMerkleProofError) return false;
    throw error;
  }
}
