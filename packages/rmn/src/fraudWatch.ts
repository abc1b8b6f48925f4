import type { Hex } from 'viem';
import type { MerkleRoot } from '@openccip/sdk';
import { checkRoot } from './blessing.js';
import type { ChainAccess } from './chain.js';
import { errorMessage, type Logger } from './log.js';
import type { SourceReader } from './sourceReader.js';
import { COMMIT_REPORT_ACCEPTED, EXECUTION_STATE_CHANGED, getRawLogs, parseCommit, parseExecution } from './rawLogs.js';

/** A root some commit report put on a destination OffRamp, and what this node found out about it. */
interface CommittedRoot {
  dest: bigint;
  root: MerkleRoot;
  blessed: boolean;
  status: 'pending' | 'verified' | 'fraud' | 'unverifiable';
  firstSeenMs: number;
  /** The source blocks (number → hash) holding its messages, once verified. */
  blocks?: Map<bigint, Hex>;
  /**
   * Its verified leaves (index seqNr − minSeqNr), kept as long as `blocks`: executions are checked against them
   * without asking the source reader (a finality read and an RPC call per executed message otherwise).
   */
  leaves?: Hex[];
}

interface Execution {
  dest: bigint;
  source: bigint;
  seqNr: bigint;
  messageHash: Hex;
  state: number;
}

export interface Fraud {
  /** The chain whose RMNRemote gets the curse. */
  dest: bigint;
  /** The source chain to curse there. */
  source: bigint;
  reason: string;
}

export interface FraudWatchDeps {
  chains: ReadonlyMap<bigint, ChainAccess>;
  sources: ReadonlyMap<bigint, SourceReader>;
  commitGraceMs: number;
  chunk: bigint;
  log: Logger;
  onFraud(f: Fraud): Promise<void>;
  now?: () => number;
}

/** How far below the finalized head relied-on source blocks are re-checked for deep reorgs. */
const REORG_WINDOW = 1_024n;

/**
 * Watches every OffRamp (at the destination's finality): each committed root is re-derived from its source, each
 * execution must be a leaf of a root this node verified, and source blocks that verified roots rely on must keep
 * their hashes. Anything else is fraud, reported once per root/execution through onFraud.
 */
export class FraudWatch {
  private readonly scanned = new Map<bigint, bigint>();
  private readonly heads = new Map<bigint, bigint>();
  /** Per lane `${source}:${dest}`: committed roots in commit order. */
  private readonly roots = new Map<string, CommittedRoot[]>();
  private executions: Execution[] = [];
  private verified = 0;
  private readonly now: () => number;

  constructor(private readonly deps: FraudWatchDeps) {
    this.now = deps.now ?? Date.now;
    for (const c of deps.chains.values()) this.scanned.set(c.selector, c.cfg.startBlock - 1n);
  }

  status() {
    return {
      verifiedIntervals: this.verified,
      pendingRoots: [...this.roots.values()].flat().filter((r) => r.status === 'pending').length,
      pendingExecutions: this.executions.length,
      destHeads: Object.fromEntries([...this.heads].map(([k, v]) => [k.toString(), v.toString()])),
    };
  }

  /** One round: read new OffRamp events, settle pending roots and executions, check relied-on source blocks. */
  async tick(): Promise<void> {
    for (const dest of this.deps.chains.values()) {
      try {
        await this.scanDest(dest);
      } catch (err) {
        this.deps.log.warn('cannot read OffRamp events', { chain: dest.selector, error: errorMessage(err) });
      }
    }
    await this.settleRoots();
    await this.settleExecutions();
    await this.checkReorgs();
  }

  private async scanDest(dest: ChainAccess): Promise<void> {
    const fin = await dest.finalizedBlock();
    this.heads.set(dest.selector, fin.number);
    let scanned = this.scanned.get(dest.selector)!;
    while (scanned < fin.number) {
      const from = scanned + 1n;
      const to = from + this.deps.chunk - 1n < fin.number ? from + this.deps.chunk - 1n : fin.number;
      const logs = await getRawLogs(dest, dest.cfg.contracts.offRamp, [[COMMIT_REPORT_ACCEPTED, EXECUTION_STATE_CHANGED]], from, to);
      for (const l of logs) {
        try {
          const topic0 = l.topics[0]?.toLowerCase();
          if (topic0 === COMMIT_REPORT_ACCEPTED) {
            const c = parseCommit(l);
            for (const r of c.blessedMerkleRoots) this.addRoot(dest.selector, r, true);
            for (const r of c.unblessedMerkleRoots) this.addRoot(dest.selector, r, false);
          } else if (topic0 === EXECUTION_STATE_CHANGED) {
            const e = parseExecution(l);
            this.executions.push({ dest: dest.selector, source: e.source, seqNr: e.seqNr, messageHash: e.messageHash, state: e.state });
          }
        } catch (err) {
          this.deps.log.warn('OffRamp log does not decode, skipped', { chain: dest.selector, txHash: l.transactionHash, logIndex: l.logIndex, error: errorMessage(err) });
        }
      }
      scanned = to;
      this.scanned.set(dest.selector, scanned);
    }
  }

  private addRoot(dest: bigint, root: MerkleRoot, blessed: boolean): void {
    const key = `${root.sourceChainSelector}:${dest}`;
    const list = this.roots.get(key) ?? [];
    list.push({ dest, root, blessed, status: 'pending', firstSeenMs: this.now() });
    this.roots.set(key, list);
    this.deps.log.debug('committed root seen', { chain: dest, source: root.sourceChainSelector, min: root.minSeqNr, max: root.maxSeqNr, root: root.merkleRoot, blessed });
  }

  private async fraud(dest: bigint, source: bigint, reason: string): Promise<void> {
    this.deps.log.warn('fraud detected', { chain: dest, source, reason });
    await this.deps.onFraud({ dest, source, reason });
  }

  private async settleRoots(): Promise<void> {
    for (const list of this.roots.values()) {
      for (const c of list) {
        if (c.status !== 'pending') continue;
        const src = this.deps.sources.get(c.root.sourceChainSelector);
        const ctx = { chain: c.dest, source: c.root.sourceChainSelector, min: c.root.minSeqNr, max: c.root.maxSeqNr, root: c.root.merkleRoot };
        if (!src || c.root.onRampAddress.toLowerCase() !== src.onRampAddress.toLowerCase()) {
          c.status = 'unverifiable';
          this.deps.log.warn('committed root from a source this node does not watch', ctx);
          continue;
        }
        try {
          const check = await checkRoot(src, c.dest, c.root);
          if (check.ok) {
            c.status = 'verified';
            c.blocks = new Map(check.sent!.map((s) => [s.blockNumber, s.blockHash]));
            c.leaves = check.sent!.map((s) => s.leaf!);
            this.verified++;
            this.deps.log.info('committed root verified', ctx);
          } else if (check.code === 'not-finalized') {
            if (this.now() - c.firstSeenMs > this.deps.commitGraceMs) {
              c.status = 'fraud';
              await this.fraud(c.dest, ctx.source, `committed root ${c.root.merkleRoot} covers seqNrs ${c.root.minSeqNr}..${c.root.maxSeqNr} the source has not emitted (finalized) after ${this.deps.commitGraceMs} ms: ${check.reason}`);
            }
          } else if (check.code === 'root-mismatch') {
            c.status = 'fraud';
            await this.fraud(c.dest, ctx.source, `committed ${check.reason}`);
          } else {
            c.status = 'unverifiable';
            this.deps.log.warn('committed root cannot be verified', { ...ctx, reason: check.reason });
          }
        } catch (err) {
          this.deps.log.warn('cannot verify committed root yet', { ...ctx, error: errorMessage(err) });
        }
      }
    }
  }

  private async settleExecutions(): Promise<void> {
    const waiting: Execution[] = [];
    for (const e of this.executions) {
      if (!this.deps.sources.has(e.source)) continue;
      const root = (this.roots.get(`${e.source}:${e.dest}`) ?? []).find((r) => r.root.minSeqNr <= e.seqNr && e.seqNr <= r.root.maxSeqNr);
      const ctx = { chain: e.dest, source: e.source, seqNr: e.seqNr, messageHash: e.messageHash, state: e.state };
      if (!root && this.deps.chains.get(e.dest)!.cfg.startBlock > 0n) {
        // Watching from a later block: the root may have been committed before it.
        this.deps.log.warn('execution of a message in no root seen since startBlock; cannot verify it', ctx);
      } else if (!root) {
        await this.fraud(e.dest, e.source, `message seqNr ${e.seqNr} (hash ${e.messageHash}) was executed but is in no committed root`);
      } else if (root.status === 'pending') {
        waiting.push(e);
      } else if (root.status === 'verified') {
        const r = await this.leafOf(root, e.seqNr);
        if (r === undefined) waiting.push(e);
        else if (r.toLowerCase() !== e.messageHash.toLowerCase()) {
          await this.fraud(e.dest, e.source, `executed message seqNr ${e.seqNr} has hash ${e.messageHash}, the verified root holds ${r}`);
        } else this.deps.log.debug('execution verified', ctx);
      }
    }
    this.executions = waiting;
  }

  /** The verified leaf of seqNr in `root` (kept from verification, else from the source reader; undefined when it cannot be read now). */
  private async leafOf(root: CommittedRoot, seqNr: bigint): Promise<Hex | undefined> {
    const kept = root.leaves?.[Number(seqNr - root.root.minSeqNr)];
    if (kept !== undefined) return kept;
    const src = this.deps.sources.get(root.root.sourceChainSelector)!;
    try {
      const r = await src.interval(root.dest, seqNr, seqNr);
      return r.status === 'ok' ? (r.leaves[0]!.leaf ?? undefined) : undefined;
    } catch {
      return undefined;
    }
  }

  /** A relied-on source block whose hash changed means a reorg deeper than finality: re-derive what relied on it. */
  private async checkReorgs(): Promise<void> {
    for (const src of this.deps.sources.values()) {
      const relying: CommittedRoot[] = [];
      for (const list of this.roots.values())
        for (const c of list) if (c.status === 'verified' && c.root.sourceChainSelector === src.selector && c.blocks) relying.push(c);
      if (relying.length === 0) continue;
      const low = src.scannedTo > REORG_WINDOW ? src.scannedTo - REORG_WINDOW : 0n;
      const blocks = new Map<bigint, Hex>();
      for (const c of relying) {
        for (const [n, h] of c.blocks!) if (n >= low) blocks.set(n, h);
        // Blocks that fell out of the window are never re-checked: forget them (bounded memory).
        if (![...c.blocks!.keys()].some((n) => n >= low)) {
          c.blocks = undefined;
          c.leaves = undefined;
        }
      }
      let changedAt: bigint | undefined;
      try {
        for (const [n, h] of blocks) {
          const b = await src.chain.public.getBlock({ blockNumber: n });
          if (b.hash !== h && (changedAt === undefined || n < changedAt)) changedAt = n;
        }
      } catch (err) {
        this.deps.log.warn('cannot check source blocks for reorgs', { source: src.selector, error: errorMessage(err) });
        continue;
      }
      if (changedAt === undefined) continue;
      this.deps.log.warn('reorg deeper than finality on a source', { source: src.selector, block: changedAt });
      src.rewind(changedAt);
      for (const c of relying) {
        if (!c.blocks || ![...c.blocks.keys()].some((n) => n >= changedAt!)) continue;
        c.leaves = undefined; // until re-derived: executions meanwhile go through the source reader
        try {
          const check = await checkRoot(src, c.dest, c.root);
          if (check.ok) {
            c.blocks = new Map(check.sent!.map((s) => [s.blockNumber, s.blockHash]));
            c.leaves = check.sent!.map((s) => s.leaf!);
            this.deps.log.info('committed root still matches after the reorg', { chain: c.dest, source: src.selector, root: c.root.merkleRoot });
          } else {
            c.status = 'fraud';
            await this.fraud(c.dest, src.selector, `a reorg deeper than finality at block ${changedAt} changed committed messages ${c.root.minSeqNr}..${c.root.maxSeqNr}: ${check.reason}`);
          }
        } catch (err) {
          this.deps.log.warn('cannot re-derive root after reorg', { chain: c.dest, source: src.selector, error: errorMessage(err) });
        }
      }
    }
  }
}
