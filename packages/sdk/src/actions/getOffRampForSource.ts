import type { Address } from 'viem';
import { readContract } from 'viem/actions';
import { routerAbi } from '../abi/router.js';
import type { ChainSelector } from '../types.js';
import { LaneNotConfiguredError } from './errors.js';
import type { ReadClient } from './types.js';

/** The OffRamp a destination Router accepts messages from `sourceChainSelector` through (Router.getOffRamps). */
export async function getOffRampForSource(
  client: ReadClient,
  { router, sourceChainSelector }: { router: Address; sourceChainSelector: ChainSelector },
): Promise<Address> {
  const offRamps = await readContract(client, { address: router, abi: routerAbi, functionName: 'getOffRamps' });
  // A Router may list several OffRamps for one source during an upgrade: the newest (last added) is current.
  const mine = offRamps.filter((o) => o.sourceChainSelector === sourceChainSelector);
  const last = mine[mine.length - 1];
  if (!last) {
    throw new LaneNotConfiguredError(sourceChainSelector, 0n, `destination Router ${router} has no OffRamp for source ${sourceChainSelector}`);
  }
  return last.offRamp;
}
