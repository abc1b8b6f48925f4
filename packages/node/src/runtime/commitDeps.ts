import { decodeAbiParameters, encodeAbiParameters, type Address, type Hex } from 'viem';
import { decodeEVM2AnyRampMessage, feeQuoterAbi, getLeafHash, offRampAbi, toAny2EVMMessage } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import type { CommitPluginDeps, CommitRmnDeps, CommitSource, PriceObservation } from '../plugins/commit/types.js';
import type { MessageStore } from '../store/types.js';
import { LeafCache } from './leafCache.js';

export interface LaneSource extends CommitSource {
  /** abi.encode(onRamp): the bytes the OffRamp hashes into the leaf metadata. */
  onRampBytes: Hex;
}

/** The destination OffRamp's enabled sources, as its getAllSourceChainConfigs reports them. */
export async function readSources(dest: ChainClient, offRamp: Address): Promise<LaneSource[]> {
  const [selectors, configs] = await dest.readContract({ address: offRamp, abi: offRampAbi, functionName: 'getAllSourceChainConfigs' });
  const out: LaneSource[] = [];
  selectors.forEach((sel, i) => {
    const c = configs[i]!;
    if (!c.isEnabled) return;
    const [onRamp] = decodeAbiParameters([{ type: 'address' }], c.onRamp);
    out.push({ chainSelector: sel, onRamp, requiresBlessing: !c.isRMNVerificationDisabled, onRampBytes: c.onRamp });
  });
  return out;
}

export interface PriceSourceChain {
  chainSelector: bigint;
  client: ChainClient;
  /** USD per native coin (1e18 = $1). */
  nativeUsd: bigint;
}

export interface CommitDepsInput {
  destChainSelector: bigint;
  destClient: ChainClient;
  offRamp: Address;
  feeQuoter: Address;
  sources: readonly LaneSource[];
  messages: MessageStore;
  /** Chains the destination's FeeQuoter prices gas for (its outbound lanes), with their native USD price. */
  gasPriceChains: readonly PriceSourceChain[];
  /** USD price (1e18 scale) of each fee token on the destination, by token address (lowercase). */
  tokenUsd: ReadonlyMap<string, bigint>;
  /** RMN blessing (RMNRemote config, RMN nodes to ask). */
  rmn?: CommitRmnDeps;
  /** Leaves shared with the execute instance of the same destination (default: a cache of its own). */
  leaves?: LeafCache;
}

/** CommitPluginDeps over the destination chain (OffRamp, FeeQuoter), the other chains' gas prices and the message store. */
export function createCommitDeps(input: CommitDepsInput): CommitPluginDeps {
  const leafCache = input.leaves ?? new LeafCache(); // hashing is the observation's main cost
  const onRampBytes = new Map(input.sources.map((s) => [s.chainSelector, s.onRampBytes]));

  return {
    destChainSelector: input.destChainSelector,
    sources: input.sources,
    ...(input.rmn ? { rmn: input.rmn } : {}),

    async readNextSeqNr(source) {
      const cfg = await input.destClient.readContract({
        address: input.offRamp,
        abi: offRampAbi,
        functionName: 'getSourceChainConfig',
        args: [source],
      });
      return cfg.minSeqNr;
    },

    async readLeaves(source, fromSeqNr, max) {
      const bytes = onRampBytes.get(source);
      if (!bytes || max <= 0) return [];
      const stored = await input.messages.range(source, input.destChainSelector, fromSeqNr, fromSeqNr + BigInt(max) - 1n);
      const leaves: Hex[] = [];
      for (const [i, m] of stored.entries()) {
        if (m.seqNr !== fromSeqNr + BigInt(i)) break; // only a contiguous run from the next expected seqNr
        leaves.push(leafCache.leaf(m.messageId, bytes, () => getLeafHash(toAny2EVMMessage(decodeEVM2AnyRampMessage(m.encoded)), bytes)));
      }
      return leaves;
    },

    async readPrices(): Promise<PriceObservation> {
      const gas = await Promise.all(
        input.gasPriceChains.map(async (c) => {
          const [weiPerGas, onchain] = await Promise.all([
            c.client.getGasPrice(),
            input.destClient.readContract({
              address: input.feeQuoter,
              abi: feeQuoterAbi,
              functionName: 'getDestinationChainGasPrice',
              args: [c.chainSelector],
            }),
          ]);
          return {
            chainSelector: c.chainSelector,
            fresh: (weiPerGas * c.nativeUsd) / 10n ** 18n,
            onchain: onchain.value,
            onchainTimestamp: onchain.timestamp,
          };
        }),
      );
      const tokens = await Promise.all(
        [...input.tokenUsd.entries()].map(async ([token, usd]) => {
          const onchain = await input.destClient.readContract({
            address: input.feeQuoter,
            abi: feeQuoterAbi,
            functionName: 'getTokenPrice',
            args: [token as Address],
          });
          return { token: token as Address, fresh: usd, onchain: onchain.value, onchainTimestamp: onchain.timestamp };
        }),
      );
      return { gas, tokens };
    },

    now: () => Math.floor(Date.now() / 1000),
  };
}

export const encodeAddress = (a: Address): Hex => encodeAbiParameters([{ type: 'address' }], [a]);
