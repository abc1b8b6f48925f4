import { keccak256, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { ANVIL_KEYS, makeChainClients } from './clients.js';
import { connectLane, deployCore, setOcrConfigs, setRmnConfig, type ChainDeployment } from './deploy.js';
import type { KeyRelay } from './keyRelay.js';

export const SELECTOR_A = 7759470850252068959n; // anvil (31337) in the chain-selector registry
export const SELECTOR_B = 3379446385462418246n; // geth-testnet (1337)

export interface LocalPair {
  a: ChainDeployment;
  b: ChainDeployment;
  /** Relays A → B with locally held DON/RMN keys. */
  relay: KeyRelay;
}

export interface LocalPairOptions {
  /** OCR F of B's commit plugin (n = 3F + 1 signers). Default 1. */
  F?: number;
  rmnVerification?: boolean;
  log?: (msg: string) => void;
}

/**
 * Two CCIP stacks on one anvil chain (distinct chain selectors), lanes both ways, B's OffRamp configured for a
 * DON and RMN whose keys the returned relay holds. For contract-level tests and benchmarks.
 */
export async function deployLocalPair(rpcUrl: string, chainId: number, opts: LocalPairOptions = {}): Promise<LocalPair> {
  const admin = makeChainClients(rpcUrl, chainId, ANVIL_KEYS[0]!);
  const transmitter = makeChainClients(rpcUrl, chainId, ANVIL_KEYS[2]!);
  const a = await deployCore(admin, { chainSelector: SELECTOR_A, log: opts.log });
  const b = await deployCore(admin, { chainSelector: SELECTOR_B, log: opts.log });
  await connectLane(a, b, { rmnVerification: opts.rmnVerification ?? true });
  await connectLane(b, a, { rmnVerification: opts.rmnVerification ?? true });
  const relay: KeyRelay = {
    src: a,
    dst: b,
    transmitter,
    configDigest: keccak256(toHex('local-pair-ocr-config')),
    ocrKeys: [],
    F: 0,
    rmnKeys: Array.from({ length: 3 }, () => generatePrivateKey()),
    fSign: 1,
    rmnConfigDigest: keccak256(toHex('local-pair-rmn-config')),
    ocrSeqNr: 1n,
  };
  await configureDon(relay, opts.F ?? 1);
  await setRmnConfig(b, {
    rmnHomeContractConfigDigest: relay.rmnConfigDigest,
    signers: relay.rmnKeys.map((k) => privateKeyToAddress(k)),
    fSign: BigInt(relay.fSign),
  });
  return { a, b, relay };
}

/** Gives the relay a fresh DON of 3F+1 keys and installs it on the destination OffRamp (resets the OCR seqNr). */
export async function configureDon(relay: KeyRelay, F: number): Promise<void> {
  const keys: Hex[] = Array.from({ length: 3 * F + 1 }, () => generatePrivateKey());
  const signers = keys.map((k) => privateKeyToAddress(k));
  const transmitters = [relay.transmitter.wallet.account.address];
  await setOcrConfigs(
    relay.dst,
    { configDigest: relay.configDigest, F, signers, transmitters },
    { configDigest: relay.configDigest, F, signers, transmitters },
  );
  relay.ocrKeys = keys;
  relay.F = F;
  relay.ocrSeqNr = 1n;
}
