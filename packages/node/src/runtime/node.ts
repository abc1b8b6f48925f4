import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageReader } from '../chain/messageReader.js';
import { createRpcClient, type ChainClient } from '../chain/rpc.js';
import { createTxManager, type TxManager } from '../chain/txManager.js';
import { createConsensusHost } from '../consensus/host.js';
import type { ConsensusInstance } from '../consensus/instance.js';
import { leaderOffsetOf } from '../consensus/seqnr.js';
import { createOcrKeySigners } from '../consensus/signers.js';
import type { InstanceConfig } from '../consensus/types.js';
import { DEFAULT_DELTA_PROGRESS, type ChainConfig, type NodeConfig, type NodeKeys, type TimingConfig } from '../config/types.js';
import type { RootLogger } from '../log.js';
import { createCommitPlugin } from '../plugins/commit/plugin.js';
import { createExecutePlugin } from '../plugins/execute/plugin.js';
import { createBlockReads, type BlockReads } from '../readers/blockCache.js';
import { createChainHead } from '../readers/chainHead.js';
import { OffRampWatcher } from '../readers/offRampWatcher.js';
import { createRmnBlessingClient } from '../rmn/client.js';
import { createRmnConfigCache, readRmnRemoteConfig } from '../rmn/config.js';
import { openSqliteStore } from '../store/sqlite.js';
import { createLibp2pTransport } from '../transport/libp2p.js';
import { createCommitDeps, readSources } from './commitDeps.js';
import { createExecuteDeps } from './executeDeps.js';
import { LeafCache } from './leafCache.js';
import { every, type Loop } from './loop.js';
import { createNodePrices } from './prices.js';
import { createOffRampTransmitter } from './transmitter.js';

/** Defaults suited to 1 s blocks. */
export const DEFAULT_TIMING: TimingConfig = {
  deltaRound: 300,
  deltaRoundIdle: 1_500,
  deltaProgress: DEFAULT_DELTA_PROGRESS,
  deltaGrace: 50,
  deltaStage: 3_500, // a transmission lands in 1–3 s with 1 s blocks under load: the next rank waits past that
  pollInterval: 500,
};

export interface RunningNode {
  readonly name: string;
  instances(): ConsensusInstance[];
  stop(): Promise<void>;
}

/**
 * Starts a DON node: store, chain readers, transaction managers, the authenticated transport and, per
 * destination chain, a commit and an execute protocol instance. Everything it starts, `stop` stops.
 */
export async function startNode(config: NodeConfig, keys: NodeKeys, log: RootLogger): Promise<RunningNode> {
  const timing = { ...DEFAULT_TIMING, ...config.timing };
  const self = config.don.nodes.findIndex((n) => n.name === config.name);
  if (self < 0) throw new Error(`node ${config.name} is not in don.nodes`);
  mkdirSync(config.dataDir, { recursive: true });
  const store = openSqliteStore(join(config.dataDir, 'node.db'));
  const loops: Loop[] = [];
  const txManagers: TxManager[] = [];
  const stops: (() => Promise<void>)[] = [];

  try {
    const clients = new Map<bigint, ChainClient>();
    // Per chain, one head every reader shares, fed by the block numbers the RPC answers carry, and the
    // per-block reads cached over it: the rounds of every plugin instance ask the same views many times a block.
    const reads = new Map<bigint, BlockReads>();
    for (const c of config.chains) {
      const head = createChainHead(() => client.getBlockNumber({ cacheTime: 0 }));
      const client = createRpcClient({ url: c.rpcUrl, name: c.name, chainId: c.chainId, logger: log.child({ chain: c.name }), onHead: head.observe });
      clients.set(c.chainSelector, client);
      reads.set(c.chainSelector, createBlockReads(head));
    }
    const clientOf = (c: ChainConfig) => clients.get(c.chainSelector)!;
    const readsOf = (c: ChainConfig) => reads.get(c.chainSelector)!;

    // Source side: every chain's OnRamp, read at finality into the store.
    const readerLoops = new Map<bigint, Loop>();
    for (const c of config.chains) {
      const reader = createMessageReader({
        client: clientOf(c),
        onRamp: c.contracts.onRamp,
        sourceChainSelector: c.chainSelector,
        finality: c.finality,
        store,
        logger: log.child({ component: 'reader', chain: c.name }),
      });
      const loop = every(timing.pollInterval, `reading ${c.name}`, () => reader.sync(), log);
      loops.push(loop);
      readerLoops.set(c.chainSelector, loop);
    }

    // Destination side: transactions from this node's transmitter key per chain.
    const txOf = new Map<bigint, TxManager>();
    for (const c of config.chains) {
      const key = keys.transmitterKeys[c.chainSelector.toString()];
      if (!key) throw new Error(`keystore has no transmitter key for chain ${c.name} (${c.chainSelector})`);
      const txs = createTxManager({
        client: clientOf(c),
        account: key,
        chainSelector: c.chainSelector,
        store,
        logger: log.child({ component: 'tx', chain: c.name }),
        opts: { bumpAfterMs: 8_000, pollIntervalMs: 250 },
      });
      await txs.resume();
      txManagers.push(txs);
      txOf.set(c.chainSelector, txs);
    }

    const transport = createLibp2pTransport({
      self,
      peers: config.don.nodes.map((n) => ({ peerId: n.peerId, address: n.address })),
      privateKey: keys.p2pKey,
      listen: config.p2p.listen,
      logger: log.child({ component: 'p2p' }),
      loopback: false, // the protocol delivers to itself internally
    });
    await transport.start();
    stops.push(() => transport.stop());
    const host = createConsensusHost(transport, { logger: log });
    stops.unshift(() => host.stop());

    const signers = config.don.nodes.map((n) => n.ocrSigner);
    const { onchain, offchain } = createOcrKeySigners(keys.ocrKey, signers);
    const prices = createNodePrices(
      config.prices ?? {},
      config.chains.map((c) => ({ chainSelector: c.chainSelector, client: clientOf(c), reads: readsOf(c), router: c.contracts.router })),
      log.child({ component: 'prices' }),
    );

    // Blessing requests are signed with the OCR key: RMN nodes serve the OffRamps' commit signers only.
    const rmnClient = config.rmn && createRmnBlessingClient({ nodes: config.rmn.nodes, privateKey: keys.ocrKey, timeoutMs: config.rmn.timeoutMs });

    for (const dest of config.chains) {
      const destClient = clientOf(dest);
      const offRamp = dest.contracts.offRamp;
      const sources = await readSources(destClient, offRamp);
      const base = (kind: string, configDigest: `0x${string}`): InstanceConfig => ({
        instance: `${kind}:${dest.chainSelector}`,
        leaderOffset: leaderOffsetOf(`${kind}:${dest.chainSelector}`, signers.length),
        configDigest,
        signers,
        f: config.don.f,
        self,
        deltaRound: timing.deltaRound,
        deltaRoundIdle: timing.deltaRoundIdle,
        deltaProgress: timing.deltaProgress,
        deltaGrace: timing.deltaGrace,
        deltaStage: timing.deltaStage,
      });

      const leaves = new LeafCache(); // this destination's commit and execute hash the same messages
      const destPrices = prices.forDestination({ client: destClient, chainSelector: dest.chainSelector, contracts: dest.contracts });
      const commitDeps = destPrices.live(createCommitDeps({
        destChainSelector: dest.chainSelector,
        destClient,
        destReads: readsOf(dest),
        offRamp,
        feeQuoter: dest.contracts.feeQuoter,
        sources,
        messages: store.messages,
        leaves,
        catchUp: (source) => readerLoops.get(source)?.runNow() ?? Promise.resolve(),
        gasPriceChains: destPrices.gasPriceChains,
        tokenUsd: destPrices.tokenUsd,
        rmn: {
          destChainId: BigInt(dest.chainId),
          rmnRemote: dest.contracts.rmnRemote,
          offRamp,
          config: createRmnConfigCache(() => readRmnRemoteConfig(destClient, dest.contracts.rmnRemote)),
          client: rmnClient,
        },
      }));
      const instLog = log.child({ dest: dest.name });
      await host.startInstance(
        base('commit', dest.ocr.commitConfigDigest),
        createCommitPlugin(
          commitDeps,
          config.don.f,
          config.rmn?.blessWaitMs === undefined ? {} : { blessWaitMs: config.rmn.blessWaitMs },
          instLog.child({ plugin: 'commit' }),
        ),
        createOffRampTransmitter('commit', offRamp, txOf.get(dest.chainSelector)!, dest.chainSelector),
        onchain,
        offchain,
        store.consensus,
        instLog.child({ plugin: 'commit' }),
      );

      const watcher = new OffRampWatcher(destClient, offRamp, { log: instLog, head: readsOf(dest).head });
      const executeDeps = createExecuteDeps({
        destChainSelector: dest.chainSelector,
        destClient,
        destReads: readsOf(dest),
        offRamp,
        sources: sources.map((s) => ({ chainSelector: s.chainSelector, onRamp: s.onRamp })),
        watcher,
        messages: store.messages,
        tokenAdminRegistry: dest.contracts.tokenAdminRegistry,
        leaves,
        log: instLog.child({ plugin: 'execute' }),
      });
      await host.startInstance(
        base('execute', dest.ocr.executeConfigDigest),
        createExecutePlugin(executeDeps, config.don.f, dest.executeGasBudget === undefined ? {} : { gasBudget: dest.executeGasBudget }, instLog.child({ plugin: 'execute' })),
        createOffRampTransmitter('execute', offRamp, txOf.get(dest.chainSelector)!, dest.chainSelector),
        onchain,
        offchain,
        store.consensus,
        instLog.child({ plugin: 'execute' }),
      );
    }
    log.info('node started', { self, peerId: transport.peerId, chains: config.chains.length, instances: host.instances().length });

    return {
      name: config.name,
      instances: () => host.instances().flatMap((id) => host.instance(id) ?? []),
      stop: () => shutdown(),
    };
  } catch (err) {
    await shutdown();
    throw err;
  }

  async function shutdown(): Promise<void> {
    for (const l of loops) await l.stop();
    for (const s of stops) await s();
    for (const t of txManagers) await t.close();
    await store.close();
  }
}
