import type { Log } from 'viem';
import { getBlockNumber, getLogs } from 'viem/actions';
import type { ReadClient } from './types.js';

export interface BlockRange {
  /** first block to look at (default 0) */
  fromBlock?: bigint;
  /** at most this many blocks per eth_getLogs call (default 100,000; public RPCs often allow less) */
  maxBlockRange?: bigint;
}

type GetLogsArgs = Omit<Parameters<typeof getLogs>[1], 'fromBlock' | 'toBlock' | 'blockHash'>;

/**
 * eth_getLogs over [fromBlock, latest] in chunks, newest chunk first, stopping as soon as `done(logsSoFar)` says so.
 * Newest first: the message or commit a caller looks for is usually recent.
 */
export async function scanLogsBackwards(
  client: ReadClient,
  filter: GetLogsArgs,
  range: BlockRange,
  done: (logs: Log[]) => boolean = () => false,
): Promise<Log[]> {
  const from = range.fromBlock ?? 0n;
  const step = range.maxBlockRange ?? 100_000n;
  let to = await getBlockNumber(client, { cacheTime: 0 });
  const found: Log[] = [];
  while (to >= from) {
    const start = to - step + 1n > from ? to - step + 1n : from;
    const logs = (await getLogs(client, { ...filter, fromBlock: start, toBlock: to } as Parameters<typeof getLogs>[1])) as Log[];
    found.unshift(...logs);
    if (done(found)) break;
    to = start - 1n;
  }
  return found;
}
