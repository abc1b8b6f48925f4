import type { Address, Hex, PublicClient } from 'viem';
import { offRampAbi } from '@openccip/sdk';
import { noopLogger, type Logger } from '../log.js';

type WatchedEvent = Extract<(typeof offRampAbi)[number], { type: 'event'; name: 'CommitReportAccepted' | 'ExecutionStateChanged' }>;
/**
 * Just the two events the watcher handles: viem matches every log against the ABI's events by hashing each
 * event signature in turn, and the log filter then asks the node for these two only.
 */
const WATCHED_EVENTS = offRampAbi.filter(
  (x): x is WatchedEvent => x.type === 'event' && (x.name === 'CommitReportAccepted' || x.name === 'ExecutionStateChanged'),
);

export interface CommittedRoot {
  sourceChainSelector: bigint;
  merkleRoot: Hex;
  minSeqNr: bigint;
  maxSeqNr: bigint;
  blockNumber: bigint;
}

/**
 * Follows one OffRamp's commits and executions from its logs (CommitReportAccepted, ExecutionStateChanged), so the
 * execute plugin knows what is committed and still untouched without an RPC call per message. Reads up to the
 * latest block: the destination's own state is what matters for execution, and a stale view only costs a skipped
 * message (the OffRamp refuses double execution).
 */
export class OffRampWatcher {
  private nextBlock: bigint;
  private readonly roots = new Map<bigint, CommittedRoot[]>();
  /** Last known execution state per source and seqNr (absent = untouched). */
  private readonly states = new Map<bigint, Map<bigint, number>>();
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly client: PublicClient,
    private readonly offRamp: Address,
    opts: { fromBlock?: bigint; chunk?: bigint; log?: Logger; head?: () => Promise<bigint> } = {},
  ) {
    this.nextBlock = opts.fromBlock ?? 0n;
    this.head = opts.head ?? (() => client.getBlockNumber({ cacheTime: 0 }));
    this.chunk = opts.chunk ?? 5_000n;
    this.log = opts.log ?? noopLogger;
  }

  private readonly chunk: bigint;
  private readonly log: Logger;
  /** The chain's head: the node's shared one (no eth_blockNumber of its own per round), else asked each refresh. */
  private readonly head: () => Promise<bigint>;

  /** Reads new logs up to the latest block; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const latest = await this.head();
    while (this.nextBlock <= latest) {
      const to = this.nextBlock + this.chunk - 1n < latest ? this.nextBlock + this.chunk - 1n : latest;
      const logs = await this.client.getContractEvents({
        address: this.offRamp,
        abi: WATCHED_EVENTS,
        fromBlock: this.nextBlock,
        toBlock: to,
        strict: true,
      });
      for (const l of logs) {
        if (l.eventName === 'CommitReportAccepted') {
          const args = l.args as { blessedMerkleRoots: readonly RootArg[]; unblessedMerkleRoots: readonly RootArg[] };
          for (const r of [...args.blessedMerkleRoots, ...args.unblessedMerkleRoots]) {
            const list = this.roots.get(r.sourceChainSelector) ?? [];
            list.push({ sourceChainSelector: r.sourceChainSelector, merkleRoot: r.merkleRoot, minSeqNr: r.minSeqNr, maxSeqNr: r.maxSeqNr, blockNumber: l.blockNumber });
            this.roots.set(r.sourceChainSelector, list);
          }
        } else if (l.eventName === 'ExecutionStateChanged') {
          const args = l.args as { sourceChainSelector: bigint; sequenceNumber: bigint; state: number };
          let m = this.states.get(args.sourceChainSelector);
          if (!m) this.states.set(args.sourceChainSelector, (m = new Map()));
          m.set(args.sequenceNumber, args.state);
        }
      }
      this.nextBlock = to + 1n;
    }
  }

  /** Last seen state of a message (0 = untouched, or forgotten because its whole root finished). */
  state(source: bigint, seqNr: bigint): number {
    return this.states.get(source)?.get(seqNr) ?? 0;
  }

  /** Committed roots of `source` with at least one untouched message, oldest first; fully executed roots are pruned. */
  pending(source: bigint): { merkleRoot: Hex; minSeqNr: bigint; maxSeqNr: bigint; untouched: bigint[] }[] {
    const list = this.roots.get(source) ?? [];
    const out: { merkleRoot: Hex; minSeqNr: bigint; maxSeqNr: bigint; untouched: bigint[] }[] = [];
    const keep: CommittedRoot[] = [];
    for (const r of list) {
      const untouched: bigint[] = [];
      for (let s = r.minSeqNr; s <= r.maxSeqNr; s++) if (this.state(source, s) === 0) untouched.push(s);
      // A root with no untouched message never needs the DON again (FAILUREs are for manual execution).
      if (untouched.length > 0) {
        keep.push(r);
        out.push({ merkleRoot: r.merkleRoot, minSeqNr: r.minSeqNr, maxSeqNr: r.maxSeqNr, untouched });
      } else {
        // Memory stays bounded by what is still pending: forget a finished root's states.
        const m = this.states.get(source);
        for (let s = r.minSeqNr; s <= r.maxSeqNr; s++) m?.delete(s);
      }
    }
    if (keep.length !== list.length) {
      this.roots.set(source, keep);
      this.log.debug('offramp watcher: pruned executed roots', { source: source.toString(), pruned: list.length - keep.length });
    }
    return out;
  }
}

interface RootArg {
  sourceChainSelector: bigint;
  onRampAddress: Hex;
  minSeqNr: bigint;
  maxSeqNr: bigint;
  merkleRoot: Hex;
}
