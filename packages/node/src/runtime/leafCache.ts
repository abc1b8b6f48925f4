import type { Hex } from 'viem';

/**
 * Merkle leaves by message, shared by a node's commit and execute instances: the commit plugin hashes every
 * message into its root and the execute plugin needs the same leaves for the proofs, so each message is hashed
 * once per node instead of once per plugin. Keyed by message id and the lane's abi-encoded OnRamp (the leaf's
 * metadata), which fix the leaf; the oldest entries go first.
 */
export class LeafCache {
  private readonly leaves = new Map<string, Hex>();
  // ~250 B an entry: a few roots' worth per source ahead of the OffRamp and behind it (proofs) is what is reused.
  constructor(private readonly max = 16_384) {}

  /** The cached leaf of `messageId` on the lane of `onRampBytes`, else `hash()` (cached). */
  leaf(messageId: Hex, onRampBytes: Hex, hash: () => Hex): Hex {
    const key = `${onRampBytes}:${messageId}`;
    let leaf = this.leaves.get(key);
    if (leaf === undefined) {
      leaf = hash();
      if (this.leaves.size >= this.max) this.leaves.delete(this.leaves.keys().next().value!);
      this.leaves.set(key, leaf);
    }
    return leaf;
  }

  /** The cached leaf, if any (no hashing). */
  peek(messageId: Hex, onRampBytes: Hex): Hex | undefined {
    return this.leaves.get(`${onRampBytes}:${messageId}`);
  }

  get size(): number {
    return this.leaves.size;
  }
}
