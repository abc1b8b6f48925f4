import { zeroAddress, type Address } from 'viem';
import { burnMintTokenPoolAbi, tokenAdminRegistryAbi } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import { uncachedReads, type BlockReads } from './blockCache.js';
import type { Logger } from '../log.js';
import type { InboundLimit } from '../plugins/execute/limits.js';

export interface InboundLimitReaderInput {
  client: ChainClient;
  /** Reads shared per block (default: uncached). */
  reads?: BlockReads;
  tokenAdminRegistry: Address;
  log: Logger;
}

/**
 * Reads the inbound rate limits the destination pools apply to messages from a source: the pool of each token
 * (TokenAdminRegistry.getPool), its current inbound bucket for the source and its token decimals. A pool that
 * does not answer (no pool, a pool without rate limits) is left out once with a warning: nothing is deferred for it.
 */
export function createInboundLimitReader(input: InboundLimitReaderInput) {
  const { client, tokenAdminRegistry, log } = input;
  const reads = input.reads ?? uncachedReads(client);
  const registryKey = tokenAdminRegistry.toLowerCase();
  const decimalsOf = new Map<Address, number>(); // a pool's token decimals are immutable
  const warned = new Set<string>();

  async function readOne(source: bigint, token: Address): Promise<InboundLimit | undefined> {
    const pool = await reads.read(`${registryKey}.getPool(${token})`, () =>
      client.readContract({ address: tokenAdminRegistry, abi: tokenAdminRegistryAbi, functionName: 'getPool', args: [token] }),
    );
    if (pool === zeroAddress) return undefined;
    try {
      const [bucket, decimals] = await Promise.all([
        reads.read(`${pool.toLowerCase()}.getCurrentInboundRateLimiterState(${source})`, () =>
          client.readContract({ address: pool, abi: burnMintTokenPoolAbi, functionName: 'getCurrentInboundRateLimiterState', args: [source] }),
        ),
        decimalsOf.get(pool) ?? client.readContract({ address: pool, abi: burnMintTokenPoolAbi, functionName: 'getTokenDecimals' }),
      ]);
      decimalsOf.set(pool, decimals);
      return {
        source,
        token: token.toLowerCase() as Address,
        decimals,
        bucket: { isEnabled: bucket.isEnabled, tokens: bucket.tokens, capacity: bucket.capacity, rate: bucket.rate },
      };
    } catch (err) {
      const key = `${source}:${pool}`;
      if (!warned.has(key)) {
        warned.add(key);
        log.warn('pool has no readable inbound rate limit; its transfers are not deferred', {
          source: source.toString(),
          token,
          pool,
          error: (err as Error).message.split('\n')[0],
        });
      }
      return undefined;
    }
  }

  return {
    /** The inbound buckets (now) of the pools of `tokens` for `source`; one read per (pool, source). */
    async read(source: bigint, tokens: readonly Address[]): Promise<InboundLimit[]> {
      const out = await Promise.all([...new Set(tokens.map((t) => t.toLowerCase() as Address))].map((t) => readOne(source, t)));
      return out.filter((l): l is InboundLimit => l !== undefined);
    },
  };
}

export type InboundLimitReader = ReturnType<typeof createInboundLimitReader>;
