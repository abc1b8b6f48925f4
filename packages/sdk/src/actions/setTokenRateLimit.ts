import { isAddressEqual, type Address, type Hex } from 'viem';
import { readContract } from 'viem/actions';
import { lockReleaseTokenPoolAbi } from '../abi/lockReleaseTokenPool.js';
import type { ChainSelector } from '../types.js';
import { InvalidRateLimitError, NotAuthorizedError, PoolChainNotSupportedError } from './errors.js';
import type { ChainWriteClients } from './types.js';
import { writeAndWait } from './writeAndWait.js';

export interface RateLimiterConfig {
  isEnabled: boolean;
  capacity: bigint;
  /** tokens (smallest units) per second */
  rate: bigint;
}

export const DISABLED_RATE_LIMIT: RateLimiterConfig = { isEnabled: false, capacity: 0n, rate: 0n };

export interface SetTokenRateLimitParameters {
  pool: Address;
  remoteChainSelector: ChainSelector;
  /** new outbound config; undefined keeps the current one */
  outbound?: RateLimiterConfig;
  /** new inbound config; undefined keeps the current one */
  inbound?: RateLimiterConfig;
}

/** Throws InvalidRateLimitError unless the pool would accept the config: enabled 0 < rate < capacity, disabled 0/0. */
export function validateRateLimiterConfig(c: RateLimiterConfig): void {
  if (c.capacity >= 2n ** 128n || c.rate >= 2n ** 128n) throw new InvalidRateLimitError(c, 'capacity and rate must fit in 128 bits');
  if (c.isEnabled) {
    if (c.rate === 0n) throw new InvalidRateLimitError(c, 'an enabled limit needs a rate above 0');
    if (c.rate >= c.capacity) throw new InvalidRateLimitError(c, 'the rate must be below the capacity');
  } else if (c.rate !== 0n || c.capacity !== 0n) {
    throw new InvalidRateLimitError(c, 'a disabled limit must have capacity and rate 0');
  }
}

/**
 * TokenPool.setChainRateLimiterConfig for one remote chain, changing only the given direction(s). Checks the
 * config, the lane and the caller's role (owner or rate limit admin) before sending.
 */
export async function setTokenRateLimit(clients: ChainWriteClients, p: SetTokenRateLimitParameters): Promise<Hex> {
  const reader = clients.public;
  const caller = clients.wallet.account.address;
  for (const c of [p.outbound, p.inbound]) if (c) validateRateLimiterConfig(c);
  const read = { address: p.pool, abi: lockReleaseTokenPoolAbi } as const;
  const [supported, owner, admin] = await Promise.all([
    readContract(reader, { ...read, functionName: 'isSupportedChain', args: [p.remoteChainSelector] }),
    readContract(reader, { ...read, functionName: 'owner' }),
    readContract(reader, { ...read, functionName: 'getRateLimitAdmin' }),
  ]);
  if (!supported) throw new PoolChainNotSupportedError(p.pool, p.remoteChainSelector);
  if (!isAddressEqual(caller, owner) && !isAddressEqual(caller, admin)) {
    throw new NotAuthorizedError(caller, `set rate limits of pool ${p.pool}`, [`the owner ${owner}`, `the rate limit admin ${admin}`]);
  }
  const current = async (fn: 'getCurrentOutboundRateLimiterState' | 'getCurrentInboundRateLimiterState'): Promise<RateLimiterConfig> => {
    const b = await readContract(reader, { ...read, functionName: fn, args: [p.remoteChainSelector] });
    return { isEnabled: b.isEnabled, capacity: b.capacity, rate: b.rate };
  };
  const outbound = p.outbound ?? (await current('getCurrentOutboundRateLimiterState'));
  const inbound = p.inbound ?? (await current('getCurrentInboundRateLimiterState'));
  return writeAndWait(clients, `setChainRateLimiterConfig on pool ${p.pool} for remote chain ${p.remoteChainSelector}`, {
    ...read,
    functionName: 'setChainRateLimiterConfig',
    args: [p.remoteChainSelector, outbound, inbound],
  });
}
