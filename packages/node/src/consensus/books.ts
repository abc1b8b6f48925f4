import type { OracleId } from './types.js';

/**
 * Per-sender bounded memory of what peers told us (prepares, report signatures). Each sender has its own FIFO of
 * at most `capacity` keys, so a faulty peer can only evict its own entries and total memory is n * capacity.
 * The first value a sender gives for a key wins (an honest node never sends two).
 */
export class PerSenderBook<V> {
  private readonly bySender: Map<string, V>[];

  constructor(
    n: number,
    private readonly capacity: number,
  ) {
    this.bySender = Array.from({ length: n }, () => new Map<string, V>());
  }

  has(sender: OracleId, key: string): boolean {
    return this.bySender[sender]?.has(key) ?? false;
  }

  /** Returns false if the sender already gave a value for `key` (or is out of range). */
  add(sender: OracleId, key: string, value: V): boolean {
    const book = this.bySender[sender];
    if (!book || book.has(key)) return false;
    book.set(key, value);
    if (book.size > this.capacity) {
      const oldest = book.keys().next().value;
      if (oldest !== undefined) book.delete(oldest);
    }
    return true;
  }

  /** Forgets `key` for every sender (its round is over: what peers said of it is of no further use). */
  delete(key: string): void {
    for (const book of this.bySender) book.delete(key);
  }

  /** Every sender's value for `key`, in sender order. */
  values(key: string): { sender: OracleId; value: V }[] {
    const out: { sender: OracleId; value: V }[] = [];
    this.bySender.forEach((book, sender) => {
      const value = book.get(key);
      if (value !== undefined) out.push({ sender, value });
    });
    return out;
  }
}

/** Highest NEW_EPOCH epoch each node has asked for; the pacemaker's join/enter rules read it. */
export class EpochVotes {
  private readonly highest: number[];

  constructor(n: number) {
    this.highest = new Array<number>(n).fill(0);
  }

  get(sender: OracleId): number {
    return this.highest[sender] ?? 0;
  }

  /** Records `epoch` if it is higher than what `sender` asked for before; returns whether it changed. */
  raise(sender: OracleId, epoch: number): boolean {
    if (sender < 0 || sender >= this.highest.length || epoch <= (this.highest[sender] ?? 0)) return false;
    this.highest[sender] = epoch;
    return true;
  }

  /** The highest epoch that at least k nodes asked for (k-th largest wish), or 0. */
  supportedBy(k: number): number {
    if (k < 1 || k > this.highest.length) return 0;
    return [...this.highest].sort((a, b) => b - a)[k - 1] ?? 0;
  }
}
