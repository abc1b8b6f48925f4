import type { Hex } from 'viem';
import type { Finality } from '../config/types.js';
import type { ChainClient } from './rpc.js';

export interface BlockRef {
  number: bigint;
  hash: Hex;
}

/**
 * The newest block this node treats as final: the chain's `finalized` block, or `latest - depth` (never below
 * genesis). Everything at or below it may be acted on; a later change there is a finality violation.
 */
export async function getFinalizedBlock(client: ChainClient, finality: Finality): Promise<BlockRef> {
  if (finality.kind === 'finalized') {
    const b = await client.getBlock({ blockTag: 'finalized' });
    if (b.number === null || b.hash === null) throw new Error(`chain ${client.chain.name}: finalized block has no number/hash`);
    return { number: b.number, hash: b.hash };
  }
  if (!Number.isSafeInteger(finality.depth) || finality.depth < 0) {
    throw new Error(`chain ${client.chain.name}: invalid finality depth ${finality.depth}`);
  }
  const latest = await client.getBlockNumber({ cacheTime: 0 });
  const n = latest > BigInt(finality.depth) ? latest - BigInt(finality.depth) : 0n;
  const b = await client.getBlock({ blockNumber: n });
  return { number: n, hash: b.hash };
}
