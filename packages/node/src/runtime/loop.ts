import type { Logger } from '../log.js';

export interface Loop {
  /**
   * Runs the loop's work now instead of waiting for its timer: after the run in progress, if any (runs never
   * overlap), so what it reads is at least as new as this call. Callers before that run starts share it.
   */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `fn` again `intervalMs` after each run ends (never overlapping); errors are logged, the loop goes on. */
export function every(intervalMs: number, name: string, fn: () => Promise<unknown>, log: Logger): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let last: Promise<void> = Promise.resolve(); // the newest run, queued or running
  let queued: Promise<void> | undefined; // a run that has not started yet

  const schedule = (): Promise<void> => {
    if (queued) return queued;
    clearTimeout(timer);
    const run = last.then(async () => {
      queued = undefined;
      if (stopped) return;
      try {
        await fn();
      } catch (err) {
        try {
          log.warn(`${name} failed; retrying`, { error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
        } catch {
          // a failing log sink must not end the loop
        }
      }
      // A run queued meanwhile goes next and sets the timer after itself.
      if (!stopped && queued === undefined) timer = setTimeout(() => void schedule(), intervalMs);
    });
    queued = run;
    last = run;
    return run;
  };
  void schedule();

  return {
    runNow: () => (stopped ? Promise.resolve() : schedule()),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await last;
    },
  };
}
