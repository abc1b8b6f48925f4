import { laneKey, type ChainWatcher, type ExecEvent, type SentEvent } from './chainWatcher.js';

export interface MessageRecord {
  phase: string;
  source: bigint;
  dest: bigint;
  seqNr: bigint;
  sentBlock: number;
  sentAt: number;
  execBlock?: number;
  execAt?: number;
  state?: number;
}

const SUCCESS = 2;

/**
 * Pairs each CCIPMessageSent with its ExecutionStateChanged (by source, dest and seqNr) and labels messages with
 * the phase that was running when their send was seen.
 */
export class Tracker {
  phase = 'setup';
  readonly records = new Map<string, MessageRecord>();
  private readonly early = new Map<string, ExecEvent>();
  failures = 0;

  onSent = (e: SentEvent): void => {
    const key = laneKey(e.source, e.dest, e.seqNr);
    const rec: MessageRecord = { phase: this.phase, source: e.source, dest: e.dest, seqNr: e.seqNr, sentBlock: e.block, sentAt: e.seenAt };
    this.records.set(key, rec);
    const ex = this.early.get(key);
    if (ex) {
      this.early.delete(key);
      this.onExec(ex);
    }
  };

  onExec = (e: ExecEvent): void => {
    const key = laneKey(e.source, e.dest, e.seqNr);
    const rec = this.records.get(key);
    if (!rec) {
      this.early.set(key, e); // the source watcher has not read that block yet
      return;
    }
    if (rec.state === SUCCESS) return;
    if (e.state !== SUCCESS) this.failures++;
    rec.execBlock = e.block;
    rec.execAt = e.seenAt;
    rec.state = e.state;
  };

  inPhase(phase: string): MessageRecord[] {
    return [...this.records.values()].filter((r) => r.phase === phase);
  }

  /** Messages of `phase` not executed successfully yet. */
  outstanding(phase: string): number {
    let n = 0;
    for (const r of this.records.values()) if (r.phase === phase && r.state !== SUCCESS) n++;
    return n;
  }

  /** Per successful message of `phase`: end-to-end latency and the part after its send block became final. */
  latencies(phase: string, watchers: ReadonlyMap<bigint, ChainWatcher>, depth: number): { total: number[]; overhead: number[]; finality: number[] } {
    const total: number[] = [];
    const overhead: number[] = [];
    const finality: number[] = [];
    for (const r of this.inPhase(phase)) {
      if (r.state !== SUCCESS || r.execAt === undefined) continue;
      total.push(r.execAt - r.sentAt);
      const finalAt = watchers.get(r.source)?.seenAt(r.sentBlock + depth);
      if (finalAt !== undefined) {
        finality.push(finalAt - r.sentAt);
        overhead.push(r.execAt - finalAt);
      }
    }
    return { total, overhead, finality };
  }

  /** Successful executions of `phase` seen in [from, to] (performance.now ms). */
  executedBetween(phase: string, from: number, to: number): number {
    let n = 0;
    for (const r of this.records.values()) if (r.phase === phase && r.state === SUCCESS && r.execAt! >= from && r.execAt! <= to) n++;
    return n;
  }

  sentBetween(phase: string, from: number, to: number): number {
    let n = 0;
    for (const r of this.records.values()) if (r.phase === phase && r.sentAt >= from && r.sentAt <= to) n++;
    return n;
  }
}
