import type { Logger } from '../log.js';

export interface Loop {
  stop(): Promise<void>;
}

/** Runs `fn` again `intervalMs` after each run ends (never overlapping); errors are logged, the loop goes on. */
export function every(intervalMs: number, name: string, fn: () => Promise<unknown>, log: Logger): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        await fn();
      } catch (err) {
        log.warn(`${name} failed; retrying`, { error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
