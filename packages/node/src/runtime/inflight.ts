/**
 * What this DON has already attested but the chain does not show yet. Every honest node signs the same reports,
 * so each one knows the same in-flight set without asking the transmitter; entries expire so a transmission that
 * never lands is retried.
 */
export class InflightCache<K> {
  private readonly entries = new Map<K, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(keys: Iterable<K>): void {
    const until = this.now() + this.ttlMs;
    for (const k of keys) this.entries.set(k, until);
  }

  has(key: K): boolean {
    const until = this.entries.get(key);
    if (until === undefined) return false;
    if (until < this.now()) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops expired entries (call now and then; `has` also expires lazily). */
  prune(): void {
    const t = this.now();
    for (const [k, until] of this.entries) if (until < t) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}
