import type { ChainClient } from '../chain/rpc.js';
import type { ChainHead } from './chainHead.js';

/**
 * Chain reads whose result only changes with a new block: each is done once per (key, head block) and shared by
 * every caller on the node until the head moves. A value is kept under the head seen before its read started, and
 * reads ask `latest`, so a cached value is never older than the block its key names: once the node has seen a block
 * (its own transaction's receipt, say), every later read reflects at least that block. Failed reads are not kept.
 */
export interface BlockReads {
  /** The chain's head as this node knows it (see ChainHead). */
  head(): Promise<bigint>;
  /** `load()`'s value for `key` at the current head; `key` must name everything the read depends on. */
  read<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export function createBlockReads(head: ChainHead): BlockReads {
  const entries = new Map<string, { block: bigint; value: Promise<unknown> }>();
  return {
    head: () => head.latest(),
    async read<T>(key: string, load: () => Promise<T>): Promise<T> {
      const block = await head.latest();
      const hit = entries.get(key);
      if (hit && hit.block === block) return hit.value as Promise<T>;
      const value = load();
      entries.set(key, { block, value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
  };
}

/** Every read goes to the chain, the head too (for tools and tests that want no sharing). */
export function uncachedReads(client: ChainClient): BlockReads {
  return {
    head: () => client.getBlockNumber({ cacheTime: 0 }),
    read: (_key, load) => load(),
  };
}
