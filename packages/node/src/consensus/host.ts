import type { Transport } from '../transport/types.js';
import type { ConsensusStore } from '../store/types.js';
import { noopLogger, withFields, type Logger } from '../log.js';
import { startConsensusInstance, type ConsensusInstance, type InternalInstance } from './instance.js';
import { checkFaultTolerance } from './seqnr.js';
import { decodeMessage } from './wire.js';
import type { ContractTransmitter, InstanceConfig, InstanceId, OffchainSigner, OnchainSigner, ReportingPlugin } from './types.js';

/**
 * Runs any number of protocol instances over one Transport: decodes each incoming message once and routes it by
 * its instance id. Malformed bytes and messages for unknown instances are dropped (logged at debug).
 * The host does not start or stop the transport; its owner does.
 */
export interface ConsensusHost {
  startInstance(
    config: InstanceConfig,
    plugin: ReportingPlugin,
    transmitter: ContractTransmitter,
    onchainSigner: OnchainSigner,
    offchainSigner: OffchainSigner,
    store: ConsensusStore,
    logger?: Logger,
  ): Promise<ConsensusInstance>;
  instance(id: InstanceId): ConsensusInstance | undefined;
  instances(): InstanceId[];
  /** Stops every instance (the transport keeps running). */
  stop(): Promise<void>;
}

export interface ConsensusHostOptions {
  logger?: Logger;
}

export function createConsensusHost(transport: Transport, options: ConsensusHostOptions = {}): ConsensusHost {
  const log = withFields(options.logger ?? noopLogger, { component: 'consensus', self: transport.self });
  const running = new Map<InstanceId, { internal: InternalInstance; handle: ConsensusInstance }>();
  const starting = new Set<InstanceId>();

  transport.onMessage((from, bytes) => {
    try {
      const decoded = decodeMessage(bytes);
      if (!decoded.ok) return log.debug('dropped undecodable message', { from, error: decoded.error, bytes: bytes.length });
      const target = running.get(decoded.message.instance);
      if (!target) return log.debug('dropped message for an unknown instance', { from, instance: decoded.message.instance });
      target.internal.receive(from, decoded.message);
    } catch (err) {
      // Defensive: nothing a peer sends may take the node down.
      log.error('message handler failed', { from, error: err instanceof Error ? err.message : String(err) });
    }
  });

  return {
    async startInstance(config, plugin, transmitter, onchainSigner, offchainSigner, store, logger) {
      const id = config.instance;
      checkConfig(config, transport.self);
      if (running.has(id) || starting.has(id)) throw new Error(`instance ${id} is already running on node ${transport.self}`);
      starting.add(id);
      try {
        const instLog = withFields(logger ?? log, { instance: id, self: config.self });
        const inst = await startConsensusInstance({
          config,
          plugin,
          transmitter,
          onchainSigner,
          offchainSigner,
          store,
          logger: instLog,
          send: (to, bytes) => transport.send(to, bytes),
        });
        const entry = {
          internal: inst,
          handle: {
            id,
            status: () => inst.status(),
            stop: async () => {
              if (running.get(id) === entry) running.delete(id);
              await inst.stop();
            },
          } satisfies ConsensusInstance,
        };
        running.set(id, entry);
        return entry.handle;
      } finally {
        starting.delete(id);
      }
    },
    instance: (id) => running.get(id)?.handle,
    instances: () => [...running.keys()],
    async stop() {
      const all = [...running.values()];
      running.clear();
      await Promise.all(all.map((e) => e.internal.stop()));
    },
  };
}


function checkConfig(c: InstanceConfig, transportSelf: number): void {
  const where = `instance ${c.instance}`;
  if (!c.instance || c.instance.length > 128) throw new Error(`${where}: instance id must be 1..128 characters`);
  checkFaultTolerance(c.signers.length, c.f);
  if (c.self !== transportSelf) throw new Error(`${where}: config.self ${c.self} != transport.self ${transportSelf}`);
  if (!Number.isInteger(c.self) || c.self < 0 || c.self >= c.signers.length) throw new Error(`${where}: self ${c.self} out of range`);
  if (!/^0x[0-9a-fA-F]{64}$/.test(c.configDigest)) throw new Error(`${where}: configDigest must be 32 bytes`);
  for (const k of ['deltaRound', 'deltaProgress', 'deltaGrace', 'deltaStage'] as const) {
    if (!(Number.isFinite(c[k]) && c[k] >= 0)) throw new Error(`${where}: ${k} must be a non-negative number of ms`);
  }
  if (c.deltaProgress <= 0) throw new Error(`${where}: deltaProgress must be positive`);
  if (c.leaderOffset !== undefined && !(Number.isInteger(c.leaderOffset) && c.leaderOffset >= 0)) {
    throw new Error(`${where}: leaderOffset must be a non-negative integer`);
  }
  if (c.roundsPerEpoch !== undefined && !(Number.isInteger(c.roundsPerEpoch) && c.roundsPerEpoch >= 1)) {
    throw new Error(`${where}: roundsPerEpoch must be a positive integer`);
  }
  if (c.deltaRoundIdle !== undefined && !(c.deltaRoundIdle >= 0 && c.deltaRoundIdle < c.deltaProgress)) {
    throw new Error(`${where}: deltaRoundIdle must be a non-negative number of ms below deltaProgress (${c.deltaProgress})`);
  }
}
