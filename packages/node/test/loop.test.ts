import { describe, expect, it } from 'vitest';
import { every } from '../src/runtime/loop.js';
import type { LogFields } from '../src/log.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** fn that records each run's start/end and takes `ms`; tracks overlap. */
function work(ms: number) {
  const runs: { start: number; end?: number }[] = [];
  let active = 0;
  let maxActive = 0;
  const fn = async () => {
    const r: { start: number; end?: number } = { start: Date.now() };
    runs.push(r);
    maxActive = Math.max(maxActive, ++active);
    await sleep(ms);
    active--;
    r.end = Date.now();
  };
  return { fn, runs, maxActive: () => maxActive };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('every (a polling loop)', () => {
  it('runs at once, then intervalMs after each run ends', async () => {
    const w = work(10);
    const loop = every(100, 'test', w.fn, silent);
    await sleep(50);
    expect(w.runs).toHaveLength(1);
    for (let i = 0; i < 100 && w.runs.length < 2; i++) await sleep(10);
    expect(w.runs[1]!.start - w.runs[0]!.end!).toBeGreaterThanOrEqual(99); // timers never fire early
    await loop.stop();
  });

  it('runNow runs after the run in progress, never overlapping it; callers before it starts share one run', async () => {
    const w = work(40);
    const loop = every(10_000, 'test', w.fn, silent);
    await sleep(5); // the first run is in progress
    const [a, b] = [loop.runNow(), loop.runNow()];
    await Promise.all([a, b]);
    expect(w.runs).toHaveLength(2); // the first run, then one shared run
    expect(w.runs[1]!.start).toBeGreaterThanOrEqual(w.runs[0]!.end!);
    expect(w.maxActive()).toBe(1);
    // Idle (waiting for its timer): runNow does not wait for the timer.
    const t = Date.now();
    await loop.runNow();
    expect(Date.now() - t).toBeLessThan(1_000);
    expect(w.runs).toHaveLength(3);
    await loop.stop();
  });

  it('keeps going after a failing run (logged), and does nothing once stopped', async () => {
    const warnings: LogFields[] = [];
    let n = 0;
    const loop = every(
      10,
      'flaky',
      async () => {
        if (++n === 1) throw new Error('rpc down\nstack');
      },
      { ...silent, warn: (_msg: string, f?: LogFields) => void warnings.push(f ?? {}) },
    );
    await sleep(60);
    expect(n).toBeGreaterThan(1);
    expect(warnings[0]).toEqual({ error: 'rpc down' });
    await loop.stop();
    const after = n;
    await loop.runNow();
    await sleep(30);
    expect(n).toBe(after);
  });
});
