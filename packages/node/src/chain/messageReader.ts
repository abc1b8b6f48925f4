import { BlockNotFoundError, numberToHex, toEventSelector, type Address, type Hex } from 'viem';
import { onRampAbi } from '@openccip/sdk';
import type { Finality } from '../config/types.js';
import type { Store, StoredMessage } from '../store/types.js';
import { getFinalizedBlock, type BlockRef } from './finality.js';
import { noopLogger, type Logger } from '../log.js';
import type { ChainClient } from './rpc.js';

const MESSAGE_SENT_TOPIC = toEventSelector(onRampAbi.find((x) => x.type === 'event' && x.name === 'CCIPMessageSent')!);

/** An eth_getLogs entry as the node returns it (hex quantities). */
interface RawLog {
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
}

export interface MessageReaderOptions {
  client: ChainClient;
  onRamp: Address;
  sourceChainSelector: bigint;
  finality: Finality;
  store: Pick<Store, 'messages' | 'cursors'>;
  logger?: Logger;
  /** First block to scan when there is no cursor yet (the OnRamp's deployment block). Default 0. */
  fromBlock?: bigint;
  /** Blocks per eth_getLogs request (default 2,000). */
  chunkSize?: number;
  /**
   * Reorg walk-back history: a checkpoint (block number + hash) is kept every `checkpointSpacing` blocks for the
   * newest `checkpoints` multiples (default 16 × 64 = the last 1,024 final blocks). A reorg deeper than that
   * falls back to re-reading from `fromBlock`.
   */
  checkpointSpacing?: number;
  checkpoints?: number;
}

export interface ReorgInfo {
  /** The cursor block whose hash no longer matched the chain. */
  detectedAt: bigint;
  /** Newest recorded block still on the chain (undefined: none left, re-read from `fromBlock`). */
  commonAncestor: bigint | undefined;
  /** Blocks re-read: detectedAt - commonAncestor. */
  depth: bigint;
  /** Stored messages forgotten. */
  deleted: number;
}

export interface SyncResult {
  /** Last block scanned and stored (undefined if nothing has been scanned yet). */
  cursor: BlockRef | undefined;
  /** The final block at the start of this sync. */
  finalBlock: BlockRef;
  /** Messages stored by this sync. */
  stored: number;
  reorg?: ReorgInfo;
  /** True when the chain changed under a read; the next sync resolves it. */
  interrupted: boolean;
}

export interface MessageReader {
  /** Cursor name in the store, `msgs:<sourceSelector>`. */
  readonly cursorName: string;
  /** Reads final CCIPMessageSent events since the cursor into the store, handling reorgs first. */
  sync(): Promise<SyncResult>;
}

/**
 * Reads the OnRamp's CCIPMessageSent events into the store at finality. Not re-entrant: call `sync` from one
 * loop (concurrent calls are chained, never interleaved).
 */
export function createMessageReader(opts: MessageReaderOptions): MessageReader {
  const { client, onRamp, sourceChainSelector: source, finality, store } = opts;
  const logger = opts.logger ?? noopLogger;
  const chainName = client.chain.name;
  const startBlock = opts.fromBlock ?? 0n;
  const chunkSize = BigInt(Math.max(1, opts.chunkSize ?? 2_000));
  const spacing = BigInt(Math.max(1, opts.checkpointSpacing ?? 16));
  const slots = BigInt(Math.max(1, opts.checkpoints ?? 64));
  const cursorName = `msgs:${source}`;
  const ctx = { chain: chainName, sourceChainSelector: source.toString(), onRamp };

  const slotName = (b: bigint) => `${cursorName}@${(b / spacing) % slots}`;

  /** The chain's hash at `n`, or undefined if it has no such block (it got shorter). */
  async function hashAt(n: bigint): Promise<Hex | undefined> {
    try {
      return (await client.getBlock({ blockNumber: n })).hash;
    } catch (err) {
      if (err instanceof BlockNotFoundError) return undefined;
      throw err;
    }
  }

  async function findCommonAncestor(cursor: BlockRef): Promise<BlockRef | undefined> {
    let b = (cursor.number / spacing) * spacing;
    if (b === cursor.number) b -= spacing;
    for (let i = 0n; i < slots && b >= startBlock && b >= 0n; i++, b -= spacing) {
      const cp = await store.cursors.get(slotName(b));
      if (!cp || cp.blockNumber !== b) continue; // overwritten or never recorded: no knowledge of b
      // A matching hash vouches for every block below it too (each header commits to its parent).
      if ((await hashAt(b)) === cp.blockHash) return { number: b, hash: cp.blockHash };
    }
    return undefined;
  }

  async function handleReorg(cursor: BlockRef, finalBlock: BlockRef): Promise<{ cursor: BlockRef | undefined; info: ReorgInfo }> {
    const ancestor = await findCommonAncestor(cursor);
    const deleteFrom = ancestor ? ancestor.number + 1n : startBlock;
    const deleted = await store.messages.deleteFromBlock(source, deleteFrom);
    const info: ReorgInfo = {
      detectedAt: cursor.number,
      commonAncestor: ancestor?.number,
      depth: cursor.number - (ancestor ? ancestor.number : startBlock - 1n),
      deleted,
    };
    const fields = {
      ...ctx,
      cursorBlock: cursor.number.toString(),
      cursorHash: cursor.hash,
      commonAncestor: ancestor?.number.toString(),
      depth: info.depth.toString(),
      finality,
      finalBlock: finalBlock.number.toString(),
      deleted,
    };
    if (ancestor) {
      logger.warn(
        `reorg below finality on chain ${chainName} (selector ${source}): block ${cursor.number} was replaced, ` +
          `common ancestor ${ancestor.number} (${info.depth} blocks back, finality ${describeFinality(finality)}); ` +
          `forgot ${deleted} messages, re-reading`,
        fields,
      );
      await store.cursors.set(cursorName, { blockNumber: ancestor.number, blockHash: ancestor.hash });
    } else {
      logger.error(
        `reorg on chain ${chainName} (selector ${source}) deeper than the checkpoint history: block ${cursor.number} ` +
          `was replaced, no recorded block is left; forgot ${deleted} messages, re-reading from block ${startBlock}`,
        fields,
      );
    }
    return { cursor: ancestor, info };
  }

  async function recordCheckpoints(from: bigint, to: bigint, toHash: Hex, finalBlock: BlockRef): Promise<void> {
    const oldestUseful = finalBlock.number - spacing * slots;
    let b = ((from + spacing - 1n) / spacing) * spacing;
    if (b < oldestUseful) b = ((oldestUseful + spacing - 1n) / spacing) * spacing;
    for (; b <= to; b += spacing) {
      const hash = b === to ? toHash : await hashAt(b);
      if (!hash) return;
      await store.cursors.set(slotName(b), { blockNumber: b, blockHash: hash });
    }
  }

  /**
   * A raw CCIPMessageSent log as a StoredMessage. The log data is exactly abi.encode(EVM2AnyRampMessage) — the
   * encoding the store keeps — so it is stored as it came, without a decode/encode round trip per message; only the
   * header words are read (the lane check below). The commit plugin decodes it once, when it hashes the leaf.
   */
  function toStored(log: RawLog): StoredMessage | undefined {
    const [, destTopic, seqTopic] = log.topics;
    const word = (i: number) => BigInt(`0x${log.data.slice(2 + 64 * i, 2 + 64 * (i + 1))}`);
    // Word 0 is the offset of the message tuple (0x20); words 1-5 its header.
    const wellFormed = destTopic && seqTopic && log.data.length >= 2 + 64 * 16 && word(0) === 32n;
    const headerSource = wellFormed ? word(2) : undefined;
    const seqNr = seqTopic ? BigInt(seqTopic) : undefined;
    if (!wellFormed || headerSource !== source || word(4) !== seqNr || word(3) !== BigInt(destTopic!)) {
      logger.error(`CCIPMessageSent on chain ${chainName} does not match its OnRamp's lane, skipped`, {
        ...ctx,
        txHash: log.transactionHash,
        logIndex: log.logIndex,
        headerSource: headerSource?.toString(),
        seqNr: seqNr?.toString(),
      });
      return undefined;
    }
    return {
      sourceChainSelector: source,
      destChainSelector: BigInt(destTopic!),
      seqNr: seqNr!,
      messageId: `0x${log.data.slice(66, 130)}`,
      blockNumber: BigInt(log.blockNumber),
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: Number(log.logIndex),
      encoded: log.data,
    };
  }

  async function syncOnce(): Promise<SyncResult> {
    const finalBlock = await getFinalizedBlock(client, finality);
    const stored0 = await store.cursors.get(cursorName);
    let cursor: BlockRef | undefined = stored0 && { number: stored0.blockNumber, hash: stored0.blockHash };
    // Most polls find the final block unchanged: the chain still has the cursor block, so nothing to check or read.
    if (cursor && cursor.number === finalBlock.number && cursor.hash === finalBlock.hash) {
      return { cursor, finalBlock, stored: 0, interrupted: false };
    }
    let reorg: ReorgInfo | undefined;
    if (cursor && (await hashAt(cursor.number)) !== cursor.hash) {
      const r = await handleReorg(cursor, finalBlock);
      cursor = r.cursor;
      reorg = r.info;
    }

    let stored = 0;
    let next = cursor ? cursor.number + 1n : startBlock;
    while (next <= finalBlock.number) {
      const to = next + chunkSize - 1n < finalBlock.number ? next + chunkSize - 1n : finalBlock.number;
      const toHash = to === finalBlock.number ? finalBlock.hash : await hashAt(to);
      const logs = (await client.request({
        method: 'eth_getLogs',
        params: [{ address: onRamp, topics: [MESSAGE_SENT_TOPIC], fromBlock: numberToHex(next), toBlock: numberToHex(to) }],
      })) as unknown as RawLog[];
      // The logs must belong to the chain segment [cursor, to] seen before and after the read; otherwise the
      // chain moved under us and the next sync's reorg check sorts it out.
      const consistent =
        toHash !== undefined &&
        (await hashAt(to)) === toHash &&
        (!cursor || (await hashAt(cursor.number)) === cursor.hash) &&
        logs.every((l) => BigInt(l.blockNumber) !== to || l.blockHash === toHash);
      if (!consistent) {
        logger.warn(`chain ${chainName} changed while reading blocks ${next}..${to}; will retry`, { ...ctx });
        return { cursor, finalBlock, stored, reorg, interrupted: true };
      }
      const messages = logs.map(toStored).filter((m): m is StoredMessage => m !== undefined);
      if (messages.length) await store.messages.put(messages);
      await recordCheckpoints(next, to, toHash, finalBlock);
      await store.cursors.set(cursorName, { blockNumber: to, blockHash: toHash });
      logger.debug(`read blocks ${next}..${to} of chain ${chainName}: ${messages.length} messages`, {
        ...ctx,
        fromBlock: next.toString(),
        toBlock: to.toString(),
        messages: messages.length,
      });
      stored += messages.length;
      cursor = { number: to, hash: toHash };
      next = to + 1n;
    }
    return { cursor, finalBlock, stored, reorg, interrupted: false };
  }

  let running: Promise<unknown> = Promise.resolve();
  return {
    cursorName,
    sync() {
      const p = running.then(syncOnce, syncOnce);
      running = p.catch(() => {});
      return p;
    },
  };
}

function describeFinality(f: Finality): string {
  return f.kind === 'depth' ? `depth ${f.depth}` : 'finalized tag';
}
