import { readFileSync, writeFileSync } from 'node:fs';
import type { Address, Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import type { ChainDeployment } from './deploy.js';

/**
 * devnet.json: what `ccip devnet up` writes and the CLI, SDK examples and tests read. Selectors and amounts are
 * decimal strings (uint64/uint256 do not fit JSON numbers).
 */
export interface DevnetFile {
  version: 1;
  chains: DevnetChain[];
  /** DON nodes: name, p2p address and peer id, OCR signer, health endpoint. */
  nodes: { name: string; peerId: string; p2pAddress: string; ocrSigner: Address; metricsUrl?: string }[];
  /** RMN nodes (issue 4). */
  rmnNodes?: { name: string; signer: Address; url?: string }[];
  /** Test tokens (issue 5): symbol → per chain selector. */
  tokens?: Record<string, Record<string, { address: Address; pool: Address; type: 'burn-mint' | 'lock-release'; decimals: number }>>;
}

export interface DevnetChain {
  name: string;
  chainId: number;
  chainSelector: string;
  rpcUrl: string;
  contracts: {
    router: Address;
    onRamp: Address;
    offRamp: Address;
    feeQuoter: Address;
    nonceManager: Address;
    rmnRemote: Address;
    tokenAdminRegistry: Address;
    registryModuleOwnerCustom: Address;
    messageReceiver: Address;
  };
  feeToken: Address;
  wrappedNative: Address;
  /** The MultiAggregateRateLimiter both ramps call (USD aggregate limits per lane), when the devnet deployed one. */
  aggregateRateLimiter?: Address;
  /** Funded test accounts (local chains only). */
  accounts: { address: Address; privateKey: Hex }[];
}

export function readDevnetFile(path: string): DevnetFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read devnet file ${path}: ${(err as Error).message} (is the devnet up? run: ccip devnet up)`);
  }
  const f = parsed as Partial<DevnetFile>;
  if (f.version !== 1 || !Array.isArray(f.chains)) throw new Error(`${path} is not a devnet.json (version 1) file`);
  return f as DevnetFile;
}

/** A deployment as devnet.json lists it, with the given funded account keys. */
export function toDevnetChain(d: ChainDeployment, accountKeys: readonly Hex[]): DevnetChain {
  const c = d.contracts;
  return {
    name: d.clients.chain.name,
    chainId: d.clients.chain.id,
    chainSelector: d.chainSelector.toString(),
    rpcUrl: d.clients.chain.rpcUrls.default.http[0]!,
    contracts: {
      router: c.router,
      onRamp: c.onRamp,
      offRamp: c.offRamp,
      feeQuoter: c.feeQuoter,
      nonceManager: c.nonceManager,
      rmnRemote: c.rmnRemote,
      tokenAdminRegistry: c.tokenAdminRegistry,
      registryModuleOwnerCustom: c.registryModuleOwnerCustom,
      messageReceiver: c.messageReceiver,
    },
    feeToken: c.linkToken,
    wrappedNative: c.wrappedNative,
    accounts: accountKeys.map((privateKey) => ({ address: privateKeyToAddress(privateKey), privateKey })),
  };
}

/** Adds (or replaces) one token in a devnet.json's `tokens`, keeping the rest of the file as it is. */
export function writeDevnetToken(path: string, symbol: string, entry: NonNullable<DevnetFile['tokens']>[string]): void {
  const file = readDevnetFile(path);
  file.tokens = { ...file.tokens, [symbol]: entry };
  writeFileSync(path, JSON.stringify(file, null, 2));
}
