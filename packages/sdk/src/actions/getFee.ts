import type { Address } from 'viem';
import { readContract } from 'viem/actions';
import { routerAbi } from '../abi/router.js';
import type { ChainSelector, EVM2AnyMessage } from '../types.js';
import { describeError } from './describeError.js';
import { LaneNotConfiguredError, TransactionFailedError } from './errors.js';
import type { ReadClient } from './types.js';

export interface GetFeeParameters {
  router: Address;
  destChainSelector: ChainSelector;
  message: EVM2AnyMessage;
}

/** Router.getFee: what ccipSend charges now, in message.feeToken (0 = native, in wei). */
export async function getFee(client: ReadClient, { router, destChainSelector, message }: GetFeeParameters): Promise<bigint> {
  await assertLaneSupported(client, router, destChainSelector);
  try {
    return await readContract(client, { address: router, abi: routerAbi, functionName: 'getFee', args: [destChainSelector, message] });
  } catch (err) {
    throw new TransactionFailedError(`Router(${router}).getFee to ${destChainSelector}`, describeError(err));
  }
}

/** Throws LaneNotConfiguredError when the Router has no OnRamp for the destination. */
export async function assertLaneSupported(client: ReadClient, router: Address, destChainSelector: ChainSelector): Promise<void> {
  const supported = await readContract(client, {
    address: router,
    abi: routerAbi,
    functionName: 'isChainSupported',
    args: [destChainSelector],
  });
  if (!supported) {
    throw new LaneNotConfiguredError(undefined, destChainSelector, `Router ${router} does not support the destination (isChainSupported false)`);
  }
}
