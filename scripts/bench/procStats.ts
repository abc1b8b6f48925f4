import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** One process's CPU and memory over a sampled window. */
export interface ProcFigures {
  name: string;
  pid: number;
  /** Mean CPU over the window, percent of one core. */
  meanCpuPercent: number;
  /** CPU time over the window, seconds. */
  cpuSeconds: number;
  /** Highest resident set seen in a sample (VmRSS), MB. */
  maxRssMb: number;
  /** The kernel's own peak (VmHWM) at the last sample, MB: catches spikes between samples. */
  peakRssMb: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux
const MB = 1024 * 1024;

interface Sample {
  at: number;
  ticks: number;
  rss: number;
  hwm: number;
}

function read(pid: number): Sample | undefined {
  try {
    // Fields after the ")" of the command name: state is field 3, utime 14, stime 15 (1-based).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { at: performance.now(), ticks, rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined; // the process is gone
  }
}

/** CPU time of the whole machine (all cores), from the first line of /proc/stat. */
function readMachine(): { at: number; busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { at: performance.now(), busy: total - fields[3]! - fields[4]!, total };
}

/** The machine over a window: how busy its cores were, and how much of that was processes outside the list. */
export interface MachineFigures {
  cores: number;
  /** Percent of all cores busy. */
  busyPercent: number;
  /** Percent of one core used by processes not sampled here (other work on a shared machine skews the figures). */
  othersPercentOfOneCore: number;
}

/**
 * Samples /proc/<pid>/stat and /proc/<pid>/status of named processes every `intervalMs`; `window()` opens a
 * measurement window whose `close()` gives mean CPU and max RSS per process over just that window.
 */
export class ProcSampler {
  private readonly samples = new Map<number, Sample[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly procs: readonly { name: string; pid: number }[],
    intervalMs = 1_000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    for (const p of this.procs) {
      const s = read(p.pid);
      if (s) (this.samples.get(p.pid) ?? this.samples.set(p.pid, []).get(p.pid)!).push(s);
    }
  }

  /** Figures from now until `close()` is called. */
  window(): { close(): { procs: ProcFigures[]; machine: MachineFigures } } {
    this.sample();
    const start = new Map([...this.samples].map(([pid, list]) => [pid, list.length - 1]));
    const m0 = readMachine();
    return {
      close: () => {
        this.sample();
        const m1 = readMachine();
        const procs = this.procs.map((p) => {
          const list = (this.samples.get(p.pid) ?? []).slice(start.get(p.pid) ?? 0);
          const first = list[0];
          const last = list[list.length - 1];
          const cpu =
            first && last && last.at > first.at ? ((last.ticks - first.ticks) / CLOCK_TICKS / ((last.at - first.at) / 1000)) * 100 : Number.NaN;
          return {
            name: p.name,
            pid: p.pid,
            meanCpuPercent: cpu,
            cpuSeconds: first && last ? (last.ticks - first.ticks) / CLOCK_TICKS : Number.NaN,
            maxRssMb: Math.max(0, ...list.map((s) => s.rss)) / MB,
            peakRssMb: (last?.hwm ?? 0) / MB,
          };
        });
        const cores = cpus().length;
        const seconds = (m1.at - m0.at) / 1000;
        const ours = procs.reduce((sum, p) => sum + (Number.isFinite(p.meanCpuPercent) ? p.meanCpuPercent : 0), 0);
        const allOneCore = ((m1.busy - m0.busy) / CLOCK_TICKS / seconds) * 100;
        return {
          procs,
          machine: { cores, busyPercent: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100, othersPercentOfOneCore: Math.max(0, allOneCore - ours) },
        };
      },
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
