import { getAbiItem, toEventSelector, type Address, type Hex, type PublicClient } from 'viem';
import { offRampAbi, onRampAbi } from '@openccip/sdk';

export interface SentEvent {
  source: bigint;
  dest: bigint;
  seqNr: bigint;
  block: number;
  /** Wall clock (performance.now ms) when this watcher first saw the block. */
  seenAt: number;
}

export interface ExecEvent extends SentEvent {
  /** MessageExecutionState: 2 success, 3 failure. */
  state: number;
}

export const laneKey = (source: bigint, dest: bigint, seqNr: bigint): string => `${source}:${dest}:${seqNr}`;

const SENT_TOPIC = toEventSelector(getAbiItem({ abi: onRampAbi, name: 'CCIPMessageSent' }));
const EXEC_TOPIC = toEventSelector(getAbiItem({ abi: offRampAbi, name: 'ExecutionStateChanged' }));

interface RawLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
}

/**
 * Follows one chain block by block: the wall-clock time each block was first seen (polled every `pollMs`, so
 * latencies are measured at that resolution, not the chain's 1 s timestamps), and the OnRamp's CCIPMessageSent and
 * the OffRamp's ExecutionStateChanged logs of each new block, read from topics only (no ABI decoding: the
 * benchmark's own CPU use stays small beside the nodes it measures).
 */
export class ChainWatcher {
  private last = -1;
  private readonly seen = new Map<number, number>();
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly chainSelector: bigint,
    private readonly client: PublicClient,
    private readonly onRamp: Address,
    private readonly offRamp: Address,
    private readonly on: { sent(e: SentEvent): void; exec(e: ExecEvent): void },
    private readonly pollMs = 50,
  ) {}

  async start(): Promise<void> {
    this.last = Number(await this.client.getBlockNumber({ cacheTime: 0 }));
    this.seen.set(this.last, performance.now());
    this.loop = this.run();
  }

  /** When block `n` was first seen, if it has been. */
  seenAt(n: number): number | undefined {
    return this.seen.get(n);
  }

  get head(): number {
    return this.last;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const latest = Number(await this.client.getBlockNumber({ cacheTime: 0 }));
        if (latest > this.last) {
          const now = performance.now();
          const from = this.last + 1;
          for (let b = from; b <= latest; b++) this.seen.set(b, now);
          await this.readLogs(from, latest);
          this.last = latest;
        }
      } catch (err) {
        console.error(`[bench] watcher ${this.name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  private async readLogs(from: number, to: number): Promise<void> {
    const logs = (await this.client.request({
      method: 'eth_getLogs',
      params: [{ address: [this.onRamp, this.offRamp], fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}`, topics: [[SENT_TOPIC, EXEC_TOPIC]] }],
    } as never)) as RawLog[];
    for (const l of logs) {
      const block = Number(l.blockNumber);
      const seenAt = this.seen.get(block)!;
      const address = l.address.toLowerCase();
      if (l.topics[0] === SENT_TOPIC && address === this.onRamp.toLowerCase()) {
        this.on.sent({ source: this.chainSelector, dest: BigInt(l.topics[1]!), seqNr: BigInt(l.topics[2]!), block, seenAt });
      } else if (l.topics[0] === EXEC_TOPIC && address === this.offRamp.toLowerCase()) {
        // data = messageHash, state, returnData offset, gasUsed, ...: the state is the second word.
        const state = Number(BigInt(`0x${l.data.slice(2 + 64, 2 + 128)}`));
        this.on.exec({ source: BigInt(l.topics[1]!), dest: this.chainSelector, seqNr: BigInt(l.topics[2]!), block, seenAt, state });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
