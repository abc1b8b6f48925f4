/**
 * The newest block number of one chain as this node knows it, shared by every reader of that chain. It is fed for
 * free by the block numbers RPC answers reveal (see RpcClientOptions.onHead) and asks eth_blockNumber itself only
 * when its last sighting of the head is older than `maxAgeMs`.
 */
export interface ChainHead {
  /** The head: the known one if seen within maxAgeMs, else a fresh eth_blockNumber (concurrent callers share it). */
  latest(): Promise<bigint>;
  /**
   * A block number an answer revealed. `exact`: the head itself, asked at `sentAt` (performance.now()); otherwise a
   * block known to exist (a receipt's), so the head is at least `n`.
   */
  observe(n: bigint, exact: boolean, sentAt: number): void;
}

export interface ChainHeadOptions {
  /** Re-ask eth_blockNumber when the head was last seen longer ago than this (default 250 ms). */
  maxAgeMs?: number;
  /** Monotonic ms clock, the same as the `sentAt` of observations (default performance.now). */
  now?: () => number;
}

export function createChainHead(fetchHead: () => Promise<bigint>, opts: ChainHeadOptions = {}): ChainHead {
  const maxAgeMs = opts.maxAgeMs ?? 250;
  const now = opts.now ?? (() => performance.now());
  let value: bigint | undefined;
  let seenAt = -Infinity; // when the newest exact sighting was asked
  let raisedAt = -Infinity; // when `value` last changed
  let pending: Promise<bigint> | undefined;

  const observe = (n: bigint, exact: boolean, sentAt: number): void => {
    if (value === undefined || n > value) {
      value = n;
      raisedAt = now();
    } else if (n < value && exact && sentAt > raisedAt) {
      // Asked after the higher block was learnt and still lower: the chain got shorter (a reorg, a rollback).
      // An older answer arriving late is ignored: it must not hide a block (our own transaction's) seen since.
      value = n;
      raisedAt = now();
    }
    if (exact && sentAt > seenAt) seenAt = sentAt;
  };

  return {
    observe,
    latest() {
      if (value !== undefined && now() - seenAt < maxAgeMs) return Promise.resolve(value);
      pending ??= (async () => {
        const sentAt = now();
        observe(await fetchHead(), true, sentAt);
        return value!;
      })().finally(() => (pending = undefined));
      return pending;
    },
  };
}
