import type { Address } from 'viem';
import { decodeEVM2AnyRampMessage, getLeafHash, offRampAbi, type EVM2AnyRampMessage } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import type { ExecutePluginDeps } from '../plugins/execute/types.js';
import { createAggregateLimitReader } from '../readers/aggregateLimit.js';
import { uncachedReads, type BlockReads } from '../readers/blockCache.js';
import { createInboundLimitReader } from '../readers/inboundLimits.js';
import { noopLogger, type Logger } from '../log.js';
import type { OffRampWatcher } from '../readers/offRampWatcher.js';
import type { MessageStore } from '../store/types.js';
import { LeafCache } from './leafCache.js';

export interface ExecuteDepsInput {
  destChainSelector: bigint;
  destClient: ChainClient;
  /** Destination reads shared per block with the node's other readers of that chain (default: uncached). */
  destReads?: BlockReads;
  offRamp: Address;
  sources: readonly { chainSelector: bigint; onRamp: Address }[];
  watcher: OffRampWatcher;
  messages: MessageStore;
  /**
   * The destination's TokenAdminRegistry: where the pools (and their inbound rate limits) of tokens are found.
   * With it, the plugin defers transfers the pools' or the interceptor's inbound limits cannot cover yet.
   */
  tokenAdminRegistry?: Address;
  /** Leaves the commit instance of the same destination already hashed (default: a cache of its own). */
  leaves?: LeafCache;
  log?: Logger;
}

/** ExecutePluginDeps over the destination OffRamp (its logs through the watcher, states on chain) and the message store. */
export function createExecuteDeps(input: ExecuteDepsInput): ExecutePluginDeps {
  const reads = input.destReads ?? uncachedReads(input.destClient);
  const limits = input.tokenAdminRegistry
    ? createInboundLimitReader({ client: input.destClient, reads, tokenAdminRegistry: input.tokenAdminRegistry, log: input.log ?? noopLogger })
    : undefined;
  const aggregate = input.tokenAdminRegistry
    ? createAggregateLimitReader({ client: input.destClient, reads, offRamp: input.offRamp, log: input.log ?? noopLogger })
    : undefined;
  const leaves = input.leaves ?? new LeafCache();
  return {
    destChainSelector: input.destChainSelector,
    sources: input.sources,
    leafHash: (m, onRampBytes) => leaves.leaf(m.header.messageId, onRampBytes, () => getLeafHash(m, onRampBytes)),

    async readPending(source) {
      await input.watcher.refresh();
      return input.watcher.pending(source);
    },

    async readMessages(source, min, max): Promise<EVM2AnyRampMessage[] | undefined> {
      const stored = await input.messages.range(source, input.destChainSelector, min, max);
      if (stored.length !== Number(max - min + 1n)) return undefined;
      return stored.map((m) => decodeEVM2AnyRampMessage(m.encoded));
    },

    /**
     * Authoritative states from the OffRamp (right before transmitting, so a message done meanwhile is not re-sent).
     * Not cached: each report's messages are read once, and only a read at the newest block is worth its call here.
     */
    async readExecutionStates(source, seqNrs) {
      return Promise.all(
        seqNrs.map((s) =>
          input.destClient.readContract({ address: input.offRamp, abi: offRampAbi, functionName: 'getExecutionState', args: [source, s] }),
        ),
      );
    },

    ...(limits ? { readInboundLimits: (source: bigint, tokens: readonly Address[]) => limits.read(source, tokens) } : {}),
    ...(aggregate ? { readAggregateLimit: (source: bigint, tokens: readonly Address[]) => aggregate.read(source, tokens) } : {}),
  };
}
