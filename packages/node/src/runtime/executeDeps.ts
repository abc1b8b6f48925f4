import type { Address } from 'viem';
import { decodeEVM2AnyRampMessage, offRampAbi, type EVM2AnyRampMessage } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import type { ExecutePluginDeps } from '../plugins/execute/types.js';
import type { OffRampWatcher } from '../readers/offRampWatcher.js';
import type { MessageStore } from '../store/types.js';

export interface ExecuteDepsInput {
  destChainSelector: bigint;
  destClient: ChainClient;
  offRamp: Address;
  sources: readonly { chainSelector: bigint; onRamp: Address }[];
  watcher: OffRampWatcher;
  messages: MessageStore;
}

/** ExecutePluginDeps over the destination OffRamp (its logs through the watcher, states on chain) and the message store. */
export function createExecuteDeps(input: ExecuteDepsInput): ExecutePluginDeps {
  return {
    destChainSelector: input.destChainSelector,
    sources: input.sources,

    async readPending(source) {
      await input.watcher.refresh();
      return input.watcher.pending(source);
    },

    async readMessages(source, min, max): Promise<EVM2AnyRampMessage[] | undefined> {
      const stored = await input.messages.range(source, input.destChainSelector, min, max);
      if (stored.length !== Number(max - min + 1n)) return undefined;
      return stored.map((m) => decodeEVM2AnyRampMessage(m.encoded));
    },

    /** Authoritative states from the OffRamp (right before transmitting, so a message done meanwhile is not re-sent). */
    async readExecutionStates(source, seqNrs) {
      return Promise.all(
        seqNrs.map((s) =>
          input.destClient.readContract({ address: input.offRamp, abi: offRampAbi, functionName: 'getExecutionState', args: [source, s] }),
        ),
      );
    },
  };
}
