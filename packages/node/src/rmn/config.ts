import { getAddress, type Address, type Hex } from 'viem';
import { rmnRemoteAbi } from '@openccip/sdk';
import type { ChainClient } from '../chain/rpc.js';

/** RMNRemote's signer set on one chain (getVersionedConfig): what blessings are checked against. */
export interface RmnRemoteConfig {
  /** 0 = never configured (no blessing can verify). */
  version: number;
  rmnHomeConfigDigest: Hex;
  /** Checksummed signer addresses, in the contract's order. */
  signers: Address[];
  fSign: number;
}

export async function readRmnRemoteConfig(client: ChainClient, rmnRemote: Address): Promise<RmnRemoteConfig> {
  const [version, cfg] = await client.readContract({ address: rmnRemote, abi: rmnRemoteAbi, functionName: 'getVersionedConfig' });
  return {
    version,
    rmnHomeConfigDigest: cfg.rmnHomeContractConfigDigest,
    signers: cfg.signers.map((s) => getAddress(s.onchainPublicKey)),
    fSign: Number(cfg.fSign),
  };
}

/** A cached RMNRemote config: `get` refreshes when older than the TTL; `current` answers synchronously. */
export interface RmnConfigSource {
  /** The config, read again if the cached one is older than the TTL. Throws if it cannot be read. */
  get(): Promise<RmnRemoteConfig>;
  /** The last config read within `maxAgeMs`, else undefined (an unreadable config blesses nothing). */
  current(): RmnRemoteConfig | undefined;
}

export interface RmnConfigCacheOptions {
  /** Re-read after this long (default 5 s). */
  ttlMs?: number;
  /** `current` forgets a config this old (default 3 × ttlMs): no blessing on a config that may have changed. */
  maxAgeMs?: number;
  now?: () => number;
}

export function createRmnConfigCache(read: () => Promise<RmnRemoteConfig>, opts: RmnConfigCacheOptions = {}): RmnConfigSource {
  const ttl = opts.ttlMs ?? 5_000;
  const maxAge = opts.maxAgeMs ?? 3 * ttl;
  const now = opts.now ?? Date.now;
  let cached: { value: RmnRemoteConfig; at: number } | undefined;
  let pending: Promise<RmnRemoteConfig> | undefined; // one read at a time

  return {
    async get() {
      if (cached && now() - cached.at < ttl) return cached.value;
      pending ??= read()
        .then((value) => {
          cached = { value, at: now() };
          return value;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    current() {
      return cached && now() - cached.at < maxAge ? cached.value : undefined;
    },
  };
}
