import type { Hex } from 'viem';
import type { ChainAccess } from './chain.js';

/** How long a curse status read for blessing is reused by default: about one block. */
export const DEFAULT_CURSE_STATUS_TTL_MS = 1_000;

/**
 * RMNRemote.isCursed(subject) per chain, reused for ttlMs, so a burst of bless requests costs one read per
 * subject instead of one per request and root. Blessing may therefore miss a curse for up to ttlMs (about a
 * block): acceptable, because the destination's RMNRemote checks curses itself when the commit lands, so a root
 * blessed meanwhile for a cursed source is still never accepted.
 */
export class CurseStatusCache {
  private readonly cache = new Map<string, { at: number; value: Promise<boolean> }>();

  constructor(
    private readonly ttlMs = DEFAULT_CURSE_STATUS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  isCursed(chain: ChainAccess, subject: Hex): Promise<boolean> {
    const key = `${chain.selector}:${subject.toLowerCase()}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    // Concurrent callers share one read; a failed read is not kept.
    const value = chain.isCursed(subject);
    this.cache.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    return value;
  }
}
