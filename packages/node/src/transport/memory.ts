import type { PeerIndex, Transport } from './types.js';

/**
 * An in-process network of `n` transports for tests, with fault injection: loss, delay, partitions, crashed
 * nodes, and a hook to rewrite what a (byzantine) node sends. Delivery is always asynchronous (a timer), like a
 * socket, so handlers never run inside `send`.
 */

export interface MemoryNetworkOptions {
  /** Delay of every message in ms (default 0, i.e. the next macrotask). */
  latency?: number | ((from: PeerIndex, to: PeerIndex) => number);
  /** Random source for drop rates (default Math.random); pass a seeded one for reproducible runs. */
  random?: () => number;
}

/** Rewrites one outgoing message of a node: return the messages to deliver instead (empty array drops it). */
export type Interceptor = (to: PeerIndex, message: Uint8Array) => Uint8Array[];

export interface MemoryNetwork {
  readonly size: number;
  transport(index: PeerIndex): MemoryTransport;
  /** Drops each message with this probability (0 turns loss off). */
  setDropRate(rate: number): void;
  /** Drops a message when the predicate is true (replaces the previous predicate; undefined removes it). */
  setDropFilter(filter: ((from: PeerIndex, to: PeerIndex, message: Uint8Array) => boolean) | undefined): void;
  setLatency(latency: number | ((from: PeerIndex, to: PeerIndex) => number)): void;
  /** Only nodes in the same group can talk; nodes in no group are isolated. */
  partition(groups: readonly (readonly PeerIndex[])[]): void;
  heal(): void;
  /** Every outgoing message of `from` passes through `fn` (a scripted byzantine node); undefined removes it. */
  intercept(from: PeerIndex, fn: Interceptor | undefined): void;
  /** Delivers raw bytes to `to` as if `from` had sent them (bypasses interceptors, obeys partitions and crashes). */
  inject(from: PeerIndex, to: PeerIndex, message: Uint8Array): void;
  /** Messages delivered so far, per sender. */
  readonly delivered: number[];
  /** Stops delivery of pending timers (test cleanup). */
  close(): void;
}

export interface MemoryTransport extends Transport {
  readonly started: boolean;
}

export function createMemoryNetwork(n: number, options: MemoryNetworkOptions = {}): MemoryNetwork {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`memory network size must be a positive integer, got ${n}`);
  const random = options.random ?? Math.random;
  let latency = options.latency ?? 0;
  let dropRate = 0;
  let dropFilter: ((from: PeerIndex, to: PeerIndex, message: Uint8Array) => boolean) | undefined;
  let groupOf: Map<PeerIndex, number> | undefined;
  let closed = false;
  const interceptors = new Map<PeerIndex, Interceptor>();
  const handlers: (((from: PeerIndex, message: Uint8Array) => void) | undefined)[] = new Array(n).fill(undefined);
  const running: boolean[] = new Array(n).fill(false);
  const timers = new Set<NodeJS.Timeout>();
  const delivered: number[] = new Array(n).fill(0);

  const checkIndex = (i: PeerIndex) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`peer index ${i} out of range 0..${n - 1}`);
  };
  const connected = (a: PeerIndex, b: PeerIndex) => !groupOf || (groupOf.has(a) && groupOf.get(a) === groupOf.get(b));

  function deliver(from: PeerIndex, to: PeerIndex, message: Uint8Array): void {
    if (closed || !running[from] || to < 0 || to >= n || to === from) return;
    if (!connected(from, to)) return;
    if (dropRate > 0 && random() < dropRate) return;
    if (dropFilter?.(from, to, message)) return;
    const copy = message.slice(); // the receiver must not see later mutations by the sender
    const delay = typeof latency === 'function' ? latency(from, to) : latency;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // Re-check at delivery: a crash or partition in between loses the message, as on a real network.
      if (closed || !running[to] || !running[from] || !connected(from, to)) return;
      const handler = handlers[to];
      if (!handler) return;
      delivered[from] = (delivered[from] ?? 0) + 1;
      handler(from, copy);
    }, Math.max(0, delay));
    timers.add(timer);
  }

  function send(from: PeerIndex, to: PeerIndex, message: Uint8Array): void {
    const fn = interceptors.get(from);
    if (!fn) return deliver(from, to, message);
    for (const m of fn(to, message)) deliver(from, to, m);
  }

  const transports: MemoryTransport[] = Array.from({ length: n }, (_, self) => ({
    self,
    get started() {
      return running[self] ?? false;
    },
    send(to: PeerIndex, message: Uint8Array) {
      send(self, to, message);
    },
    broadcast(message: Uint8Array) {
      for (let to = 0; to < n; to++) if (to !== self) send(self, to, message);
    },
    onMessage(handler) {
      handlers[self] = handler;
    },
    async start() {
      running[self] = true;
    },
    async stop() {
      running[self] = false;
    },
  }));

  return {
    size: n,
    delivered,
    transport(index) {
      checkIndex(index);
      return transports[index]!;
    },
    setDropRate(rate) {
      if (!(rate >= 0 && rate <= 1)) throw new RangeError(`drop rate must be in [0, 1], got ${rate}`);
      dropRate = rate;
    },
    setDropFilter(filter) {
      dropFilter = filter;
    },
    setLatency(l) {
      latency = l;
    },
    partition(groups) {
      groupOf = new Map();
      groups.forEach((g, gi) => g.forEach((i) => (checkIndex(i), groupOf!.set(i, gi))));
    },
    heal() {
      groupOf = undefined;
    },
    intercept(from, fn) {
      checkIndex(from);
      if (fn) interceptors.set(from, fn);
      else interceptors.delete(from);
    },
    inject(from, to, message) {
      checkIndex(from);
      checkIndex(to);
      deliver(from, to, message);
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
