import { erc20Abi, zeroAddress, type Address } from 'viem';
import { multiAggregateRateLimiterAbi } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import { uncachedReads, type BlockReads } from './blockCache.js';
import { readOffRampDynamicConfig, readTokenPrice } from './contractReads.js';
import type { Logger } from '../log.js';
import type { AggregateLimit } from '../plugins/execute/limits.js';


export interface AggregateLimitReaderInput {
  client: ChainClient;
  /** Reads shared per block (default: uncached). */
  reads?: BlockReads;
  offRamp: Address;
  log: Logger;
}

/**
 * Reads the USD aggregate inbound bucket the OffRamp's interceptor applies to messages from a source, and the
 * FeeQuoter prices of the given tokens it counts. Undefined without an interceptor, or when it does not answer
 * these views (warned once): such messages are then not deferred for the aggregate limit.
 */
export function createAggregateLimitReader(input: AggregateLimitReaderInput) {
  const { client, offRamp, log } = input;
  const reads = input.reads ?? uncachedReads(client);
  const decimalsOf = new Map<Address, number>();
  const warned = new Set<string>();

  return {
    async read(source: bigint, tokens: readonly Address[]): Promise<AggregateLimit | undefined> {
      const { messageInterceptor, feeQuoter } = await readOffRampDynamicConfig(client, reads, offRamp);
      if (messageInterceptor === zeroAddress) return undefined;
      const limiter = messageInterceptor.toLowerCase();
      let bucket, counted: readonly Address[];
      try {
        [bucket, [counted]] = await Promise.all([
          reads.read(`${limiter}.currentRateLimiterState(${source},false)`, () =>
            client.readContract({ address: messageInterceptor, abi: multiAggregateRateLimiterAbi, functionName: 'currentRateLimiterState', args: [source, false] }),
          ),
          reads.read(`${limiter}.getAllRateLimitTokens(${source})`, () =>
            client.readContract({ address: messageInterceptor, abi: multiAggregateRateLimiterAbi, functionName: 'getAllRateLimitTokens', args: [source] }),
          ),
        ]);
      } catch (err) {
        const key = `${messageInterceptor}:${source}`;
        if (!warned.has(key)) {
          warned.add(key);
          log.warn('message interceptor has no readable aggregate rate limit; not deferring for it', {
            source: source.toString(),
            interceptor: messageInterceptor,
            error: (err as Error).message.split('\n')[0],
          });
        }
        return undefined;
      }
      const wanted = new Set(tokens.map((t) => t.toLowerCase()));
      const relevant = counted.map((t) => t.toLowerCase() as Address).filter((t) => wanted.has(t));
      const priced = await Promise.all(
        relevant.map(async (token) => {
          const [price, decimals] = await Promise.all([
            readTokenPrice(client, reads, feeQuoter, token),
            decimalsOf.get(token) ?? client.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' }),
          ]);
          decimalsOf.set(token, decimals);
          return { token, decimals, usdPerToken: price.value };
        }),
      );
      return {
        source,
        bucket: { isEnabled: bucket.isEnabled, tokens: bucket.tokens, capacity: bucket.capacity, rate: bucket.rate },
        tokens: priced,
      };
    },
  };
}
