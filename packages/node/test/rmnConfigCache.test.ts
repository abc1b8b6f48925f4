import { describe, expect, it } from 'vitest';
import { createRmnConfigCache, type RmnRemoteConfig } from '../src/rmn/config.js';

describe('RMNRemote config cache', () => {
  it('re-reads after the TTL, shares concurrent reads, and forgets a config it could not refresh for maxAge', async () => {
    let t = 0;
    let reads = 0;
    let fail = false;
    const cfg = (v: number): RmnRemoteConfig => ({ version: v, rmnHomeConfigDigest: `0x${'00'.repeat(32)}`, signers: [], fSign: 0 });
    const cache = createRmnConfigCache(
      async () => {
        reads++;
        if (fail) throw new Error('rpc down');
        return cfg(reads);
      },
      { ttlMs: 100, maxAgeMs: 300, now: () => t },
    );
    expect(cache.current()).toBeUndefined();
    const [x, y] = await Promise.all([cache.get(), cache.get()]);
    expect([x.version, y.version, reads]).toEqual([1, 1, 1]);
    t = 99;
    expect((await cache.get()).version).toBe(1);
    t = 100;
    expect((await cache.get()).version).toBe(2);
    fail = true;
    t = 250;
    await expect(cache.get()).rejects.toThrow('rpc down');
    expect(cache.current()?.version).toBe(2); // still within maxAge of the last good read (t = 100)
    t = 400;
    expect(cache.current()).toBeUndefined(); // unreadable for too long: no blessing on a possibly changed config
  });
});
