import { decodeAbiParameters, encodeAbiParameters, type Address, type Hex } from 'viem';
import { decodeEVM2AnyRampMessage, getLeafHash, offRampAbi, toAny2EVMMessage } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';
import { uncachedReads, type BlockReads } from '../readers/blockCache.js';
import { readDestinationChainGasPrice, readGasPrice, readSourceChainConfig, readTokenPrice } from '../readers/contractReads.js';
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
  /** Its gas price is read once per block through these (default: every time). */
  reads?: BlockReads;
  /** USD per native coin (1e18 = $1). */
  nativeUsd: bigint;
}

export interface CommitDepsInput {
  destChainSelector: bigint;
  destClient: ChainClient;
  /** Destination reads shared per block with the node's other readers of that chain (default: uncached). */
  destReads?: BlockReads;
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
  /** Reads a source's newly final messages into the store now (the node's reader loop for that chain). */
  catchUp?: (source: bigint) => Promise<void>;
}

/** CommitPluginDeps over the destination chain (OffRamp, FeeQuoter), the other chains' gas prices and the message store. */
export function createCommitDeps(input: CommitDepsInput): CommitPluginDeps {
  const leafCache = input.leaves ?? new LeafCache(); // hashing is the observation's main cost
  const onRampBytes = new Map(input.sources.map((s) => [s.chainSelector, s.onRampBytes]));
  const dest = input.destReads ?? uncachedReads(input.destClient);
  const gasReads = new Map(input.gasPriceChains.map((c) => [c.chainSelector, c.reads ?? uncachedReads(c.client)]));

  return {
    destChainSelector: input.destChainSelector,
    sources: input.sources,
    ...(input.rmn ? { rmn: input.rmn } : {}),
    ...(input.catchUp ? { catchUp: input.catchUp } : {}),

    // Asked by the query, the observation and both report checks of every round: once per block is enough.
    async readNextSeqNr(source, opts) {
      const cfg = await readSourceChainConfig(input.destClient, opts?.fresh ? uncachedReads(input.destClient) : dest, input.offRamp, source);
      return cfg.minSeqNr;
    },

    async readLeaves(source, fromSeqNr, max) {
      const bytes = onRampBytes.get(source);
      if (!bytes || max <= 0) return [];
      // Asked several times a round: ids first, message bodies only for leaves not hashed yet.
      const ids = await input.messages.ids(source, input.destChainSelector, fromSeqNr, fromSeqNr + BigInt(max) - 1n);
      const leaves: (Hex | undefined)[] = [];
      let missing: { from: bigint; to: bigint } | undefined;
      for (const [i, m] of ids.entries()) {
        if (m.seqNr !== fromSeqNr + BigInt(i)) break; // only a contiguous run from the next expected seqNr
        const leaf = leafCache.peek(m.messageId, bytes);
        leaves.push(leaf);
        if (leaf === undefined) missing = { from: missing?.from ?? m.seqNr, to: m.seqNr };
      }
      if (missing) {
        for (const m of await input.messages.range(source, input.destChainSelector, missing.from, missing.to)) {
          const i = Number(m.seqNr - fromSeqNr);
          if (i >= leaves.length || leaves[i] !== undefined || ids[i]!.messageId !== m.messageId) continue;
          leaves[i] = leafCache.leaf(m.messageId, bytes, () => getLeafHash(toAny2EVMMessage(decodeEVM2AnyRampMessage(m.encoded)), bytes));
        }
      }
      // A message gone between the two reads (a reorg below finality) ends the run there.
      const end = leaves.indexOf(undefined);
      return (end < 0 ? leaves : leaves.slice(0, end)) as Hex[];
    },

    async readPrices(): Promise<PriceObservation> {
      const gas = await Promise.all(
        input.gasPriceChains.map(async (c) => {
          const [weiPerGas, onchain] = await Promise.all([
            readGasPrice(c.client, gasReads.get(c.chainSelector)!),
            readDestinationChainGasPrice(input.destClient, dest, input.feeQuoter, c.chainSelector),
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
          const onchain = await readTokenPrice(input.destClient, dest, input.feeQuoter, token as Address);
          return { token: token as Address, fresh: usd, onchain: onchain.value, onchainTimestamp: onchain.timestamp };
        }),
      );
      return { gas, tokens };
    },

    now: () => Math.floor(Date.now() / 1000),
  };
}

export const encodeAddress = (a: Address): Hex => encodeAbiParameters([{ type: 'address' }], [a]);
