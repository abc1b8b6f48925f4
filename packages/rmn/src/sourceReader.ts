import { encodeAbiParameters, type Hex } from 'viem';
import { any2EvmMetadataHash, hashAny2EVMRampMessage, onRampAbi, toAny2EVMMessage, type EVM2AnyRampMessage } from '@openccip/sdk';
import type { ChainAccess } from './chain.js';
import { errorMessage, type Logger } from './log.js';
import { CCIP_MESSAGE_SENT, getRawLogs, parseMessageSent, uintTopic, type MessageSentLog, type TopicFilter } from './rawLogs.js';

/** A finalized CCIPMessageSent as the RMN node relies on it. `leaf` is null when the message cannot be executed as sent. */
export interface SentLeaf {
  seqNr: bigint;
  leaf: Hex | null;
  messageId: Hex;
  blockNumber: bigint;
  blockHash: Hex;
}

export type IntervalResult =
  | { status: 'ok'; leaves: SentLeaf[] }
  /** The source has not finalized every sequence number of the interval; `finalizedNext` is its finalized next seqNr. */
  | { status: 'not-finalized'; finalizedNext: bigint };

/** Per-lane cap of cached leaves; older ones are re-read from the chain on demand. */
const DEFAULT_MAX_LEAVES_PER_LANE = 100_000;

/**
 * Reads one source chain's OnRamp: CCIPMessageSent logs up to the finalized block, in chunks, into a bounded
 * in-memory cache of leaves per destination (lane). Leaves are computed with the SDK's hashing, never taken from
 * anyone else.
 */
export class SourceReader {
  /** Last block ingested (a finalized block); startBlock − 1 before the first scan. */
  scannedTo: bigint;
  scannedHash: Hex | undefined;
  private readonly lanes = new Map<bigint, Map<bigint, SentLeaf>>();
  private readonly onRampBytes: Hex;
  private readonly metadataHashes = new Map<bigint, Hex>();
  private syncing: Promise<void> | undefined;
  /** Syncs started so far: a caller knows whether a sync began after it arrived. */
  private syncsStarted = 0;
  /** OnRamp next seqNr per destination at `block` (a finalized block read): fixed for that block, read once. */
  private readonly nextAt = new Map<bigint, { block: bigint; value: Promise<bigint> }>();

  constructor(
    readonly chain: ChainAccess,
    private readonly dests: readonly bigint[],
    private readonly chunk: bigint,
    private readonly log: Logger,
    private readonly maxLeavesPerLane = DEFAULT_MAX_LEAVES_PER_LANE,
  ) {
    this.scannedTo = chain.cfg.startBlock - 1n;
    this.onRampBytes = encodeAbiParameters([{ type: 'address' }], [chain.cfg.contracts.onRamp]);
    for (const d of dests) this.lanes.set(d, new Map());
  }

  get selector(): bigint {
    return this.chain.selector;
  }

  /** abi.encode(onRamp): the onRampAddress a MerkleRoot from this source must carry. */
  get onRampAddress(): Hex {
    return this.onRampBytes;
  }

  /** Ingests every finalized block not read yet (one sync at a time; concurrent callers share it). */
  sync(): Promise<void> {
    if (!this.syncing) {
      this.syncsStarted++;
      this.syncing = this.doSync().finally(() => (this.syncing = undefined));
    }
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const fin = await this.chain.finalizedBlock();
    while (this.scannedTo < fin.number) {
      const from = this.scannedTo + 1n;
      const to = from + this.chunk - 1n < fin.number ? from + this.chunk - 1n : fin.number;
      for (const leaf of await this.readLogs(from, to)) this.store(leaf.dest, leaf.sent);
      this.scannedTo = to;
    }
    this.scannedHash = fin.hash;
  }

  /**
   * CCIPMessageSent logs of the OnRamp in [fromBlock, toBlock] (optionally one lane's given seqNrs) as leaves, read
   * raw and parsed by hand (rawLogs.ts). A log whose layout does not decode is skipped with a warning: its seqNr then
   * has no leaf and an interval over it is refused rather than guessed.
   */
  private async readLogs(fromBlock: bigint, toBlock: bigint, dest?: bigint, seqNrs?: bigint[]) {
    const topics: TopicFilter = dest === undefined ? [CCIP_MESSAGE_SENT] : [CCIP_MESSAGE_SENT, uintTopic(dest), seqNrs ? seqNrs.map(uintTopic) : null];
    const logs = await getRawLogs(this.chain, this.chain.cfg.contracts.onRamp, topics, fromBlock, toBlock);
    const out: { dest: bigint; sent: SentLeaf }[] = [];
    for (const l of logs) {
      if (l.blockHash === null || l.blockNumber === null) continue;
      let sent: MessageSentLog | undefined;
      try {
        sent = parseMessageSent(l, (d) => this.lanes.has(d));
      } catch (err) {
        this.log.warn('CCIPMessageSent log does not decode, skipped', { source: this.selector, txHash: l.transactionHash, logIndex: l.logIndex, error: errorMessage(err) });
        continue;
      }
      if (!sent) continue; // another lane's
      const { dest: d, seqNr, message: m } = sent;
      out.push({ dest: d, sent: { seqNr, leaf: this.leafOf(m, d, seqNr), messageId: m.header.messageId, blockNumber: BigInt(l.blockNumber), blockHash: l.blockHash } });
    }
    return out;
  }

  /** Internal._any2EvmMetadataHash of the lane to `dest`: the same for all its leaves, hashed once. */
  private metadataHash(dest: bigint): Hex {
    let h = this.metadataHashes.get(dest);
    if (h === undefined) this.metadataHashes.set(dest, (h = any2EvmMetadataHash(this.selector, dest, this.onRampBytes)));
    return h;
  }

  /** The destination leaf of a sent message; null when the header disagrees with the log or it cannot be converted. */
  private leafOf(m: EVM2AnyRampMessage, dest: bigint, seqNr: bigint): Hex | null {
    const h = m.header;
    if (h.sourceChainSelector !== this.selector || h.destChainSelector !== dest || h.sequenceNumber !== seqNr) return null;
    try {
      return hashAny2EVMRampMessage(toAny2EVMMessage(m), this.metadataHash(dest));
    } catch (err) {
      this.log.warn('sent message cannot be converted to a leaf', { source: this.selector, dest, seqNr, error: errorMessage(err) });
      return null;
    }
  }

  private store(dest: bigint, sent: SentLeaf): void {
    const lane = this.lanes.get(dest)!;
    lane.set(sent.seqNr, sent);
    // Bounded memory: drop the oldest entries (Maps iterate in insertion order, i.e. by block).
    if (lane.size > this.maxLeavesPerLane) {
      for (const k of lane.keys()) {
        lane.delete(k);
        if (lane.size <= this.maxLeavesPerLane) break;
      }
    }
  }

  /**
   * Completes a sync that started after `ticket` (syncsStarted when the caller arrived): one already running
   * before could miss blocks finalized since it began. Concurrent callers share it.
   */
  private async syncSince(ticket: number): Promise<void> {
    if (this.syncsStarted > ticket) {
      if (this.syncing) return this.syncing;
      return; // started after the caller arrived and already done
    }
    if (this.syncing) await this.syncing.catch(() => undefined);
    return this.sync();
  }

  /** The OnRamp's next sequence number to `dest` as of the last finalized block read (one RPC call per block). */
  finalizedNextSeqNr(dest: bigint): Promise<bigint> {
    const block = this.scannedTo;
    if (block < 0n) return Promise.resolve(1n);
    const hit = this.nextAt.get(dest);
    if (hit && hit.block === block) return hit.value;
    const value = this.chain.public.readContract({
      address: this.chain.cfg.contracts.onRamp,
      abi: onRampAbi,
      functionName: 'getExpectedNextSequenceNumber',
      args: [dest],
      blockNumber: block,
    });
    this.nextAt.set(dest, { block, value });
    value.catch(() => {
      if (this.nextAt.get(dest)?.value === value) this.nextAt.delete(dest);
    });
    return value;
  }

  /**
   * The finalized leaves min..max of the lane to `dest`, re-reading from the chain what the cache dropped. An
   * interval inside the finalized view already read costs no RPC call (finalized messages do not change; deep
   * reorgs are the fraud watch's job, which rewinds this reader); otherwise the view is synced first.
   */
  async interval(dest: bigint, min: bigint, max: bigint): Promise<IntervalResult> {
    if (!this.lanes.has(dest)) throw new Error(`lane ${this.selector} → ${dest} is not configured`);
    const ticket = this.syncsStarted;
    let finalizedNext = await this.finalizedNextSeqNr(dest);
    if (max >= finalizedNext) {
      await this.syncSince(ticket);
      finalizedNext = await this.finalizedNextSeqNr(dest);
    }
    if (max >= finalizedNext) return { status: 'not-finalized', finalizedNext };
    const lane = this.lanes.get(dest)!;
    const missing: bigint[] = [];
    for (let s = min; s <= max; s++) if (!lane.has(s)) missing.push(s);
    if (missing.length > 0) {
      const found = await this.reread(dest, missing, this.chain.cfg.startBlock, this.scannedTo);
      for (const f of found) lane.set(f.seqNr, f);
    }
    const leaves: SentLeaf[] = [];
    for (let s = min; s <= max; s++) {
      const l = lane.get(s);
      // A finalized seqNr without a log would be an RPC gap: refuse rather than guess.
      if (!l) throw new Error(`source ${this.selector}: no CCIPMessageSent for dest ${dest} seqNr ${s} below finalized block ${this.scannedTo}`);
      leaves.push(l);
    }
    return { status: 'ok', leaves };
  }

  /** Reads the given sequence numbers of one lane again from the chain (chunked), e.g. after a reorg. */
  async reread(dest: bigint, seqNrs: bigint[], fromBlock: bigint, toBlock: bigint): Promise<SentLeaf[]> {
    const out: SentLeaf[] = [];
    for (let from = fromBlock; from <= toBlock; from += this.chunk) {
      const to = from + this.chunk - 1n < toBlock ? from + this.chunk - 1n : toBlock;
      for (let i = 0; i < seqNrs.length; i += 256) {
        for (const r of await this.readLogs(from, to, dest, seqNrs.slice(i, i + 256))) out.push(r.sent);
      }
    }
    return out;
  }

  /** Forgets everything read from `block` on (a reorg replaced it) so the next sync reads it again. */
  rewind(block: bigint): void {
    if (block > this.scannedTo) return;
    for (const lane of this.lanes.values()) for (const [k, l] of lane) if (l.blockNumber >= block) lane.delete(k);
    this.scannedTo = block - 1n;
    this.scannedHash = undefined;
    this.nextAt.clear();
  }
}
