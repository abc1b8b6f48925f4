import type { Hex } from 'viem';

/**
 * Merkle leaves by message, shared by a node's commit and execute instances: the commit plugin hashes every
 * message into its root and the execute plugin needs the same leaves for the proofs, so each message is hashed
 * once per node instead of once per plugin. Keyed by the lane's abi-encoded OnRamp (the leaf's metadata) and the
 * message id, which together fix the leaf; per lane, the oldest entries go first.
 */
export class LeafCache {
  // One map per lane keyed by the message id string the caller already holds: no per-entry key string is built.
  private readonly lanes = new Map<Hex, Map<Hex, Hex>>();
  // ~200 B an entry: a few roots' worth ahead of the OffRamp and behind it (proofs) is what is reused; a root
  // executed later than that has its leaves hashed again from the store.
  constructor(private readonly maxPerLane = 2_048) {}

  /** The cached leaf of `messageId` on the lane of `onRampBytes`, else `hash()` (cached). */
  leaf(messageId: Hex, onRampBytes: Hex, hash: () => Hex): Hex {
    let lane = this.lanes.get(onRampBytes);
    if (lane === undefined) this.lanes.set(onRampBytes, (lane = new Map()));
    let leaf = lane.get(messageId);
    if (leaf === undefined) {
      leaf = hash();
      if (lane.size >= this.maxPerLane) lane.delete(lane.keys().next().value!);
      lane.set(messageId, leaf);
    }
    return leaf;
  }

  /** The cached leaf, if any (no hashing). */
  peek(messageId: Hex, onRampBytes: Hex): Hex | undefined {
    return this.lanes.get(onRampBytes)?.get(messageId);
  }

  /** Entries over all lanes. */
  get size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.size;
    return n;
  }
}
