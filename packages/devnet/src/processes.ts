import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * V8 flags for the long-running DON and RMN node processes. Their live heap is a few tens of MB, but V8's
 * defaults (16 MB semi-spaces, old space grown for throughput) let an idle node sit at 200+ MB RSS; a small young
 * generation and a capped old space keep each near its working set at a small CPU cost for more frequent GCs.
 */
export const NODE_PROCESS_V8_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=192'] as const;

/**
 * Node flags for a DON or RMN node process: NODE_PROCESS_V8_FLAGS plus any in OPENCCIP_NODE_FLAGS (space
 * separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them; NODE_OPTIONS refuses such flags).
 */
export function nodeProcessFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.OPENCCIP_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
  return [...NODE_PROCESS_V8_FLAGS, ...extra];
}

/** Children still running, SIGKILLed if this process exits: one 'exit' listener for all of them. */
const running = new Set<ChildProcess>();
const killRunning = () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};

/** Makes sure `child` does not outlive this process, however it ends; forgotten once `exited` resolves. */
export function killOnExit(child: ChildProcess, exited: Promise<unknown>): void {
  if (running.size === 0) process.on('exit', killRunning);
  running.add(child);
  void exited.then(() => {
    running.delete(child);
    if (running.size === 0) process.removeListener('exit', killRunning);
  });
}

/**
 * glibc malloc settings for a DON or RMN node process (read by glibc at process start, so they are environment
 * variables, not flags). Two arenas: glibc's default (8 per core) lets a threaded node process keep tens of MB of
 * freed memory. A fixed mmap threshold of 32 KB: V8's compilers allocate their zones in 8–32 KB segments, a
 * burst of optimizing compilation takes ~25 MB for a moment, and with glibc's default (a threshold that grows
 * up to 32 MB) those segments land in the heap and stay in RSS after they are freed (measured: 20–30 MB per node
 * under load, no CPU difference); mmapped, they go back to the system when freed.
 */
export const NODE_PROCESS_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768' };

/** Starts a node process whose stdout/stderr go to `logFile`; it is killed if this process exits. */
export function startProcess(name: string, command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; logFile: string }): ManagedProcess {
  const log: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  const env = { ...NODE_PROCESS_MALLOC_ENV, ...process.env, ...opts.env };
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      log.end();
      resolve({ code, signal });
    }),
  );
  killOnExit(child, exited); // a devnet that dies must not leave orphans behind
  return {
    name,
    child,
    exited,
    kill: (signal) => void child.kill(signal),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
