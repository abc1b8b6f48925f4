import type { Address, Hex } from 'viem';

/**
 * A DON node's configuration file (JSON). Validated at start by `parseNodeConfig`, which names the bad field
 * (e.g. `chains[1].rpcUrl: not a URL`). Secrets are not here: they live in the encrypted keystore.
 */
export interface NodeConfig {
  /** Human name for logs, e.g. "node-0". */
  name: string;
  /** Where the node keeps its SQLite database and logs. */
  dataDir: string;
  keystore: {
    path: string;
    /** Environment variable holding the keystore password (never the password itself). */
    passwordEnv: string;
  };
  p2p: {
    /** Multiaddr to listen on; only 127.0.0.1 / loopback is accepted in this project. */
    listen: string;
  };
  don: {
    f: number;
    /** Every node of the DON (including this one), in OracleId order: the order of the OffRamps' signers. */
    nodes: DonMember[];
  };
  chains: ChainConfig[];
  /** Optional overrides; defaults suit 1 s blocks. */
  timing?: Partial<TimingConfig>;
  /**
   * USD prices the commit plugin pushes (runtime/priceSource.ts): keyed by token symbol, token address or
   * "native" / a native coin's symbol. `file` is a JSON `{key: "usd"}` re-read when it changes and wins over
   * `staticUsd`; without either, native is $3000 and LINK $20 (the devnet's deploy-time prices).
   */
  prices?: { staticUsd?: Record<string, string>; file?: string };
  /** The RMN nodes this node asks for blessings when it leads a commit round. Without it, it blesses nothing. */
  rmn?: RmnClientConfig;
  /** JSON logs at this level and above. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Optional HTTP endpoint for health/metrics on 127.0.0.1. */
  metricsPort?: number;
}

export interface RmnClientConfig {
  nodes: RmnNodeConfig[];
  /** Per-node timeout of a blessing request (ms, default 5,000). Rounds do not wait on it (see blessWaitMs). */
  timeoutMs?: number;
  /** How long the commit leader's round waits for a blessing it needs (ms, default 500); a later answer serves a later round. */
  blessWaitMs?: number;
}

export interface RmnNodeConfig {
  name: string;
  /** The RMN node's HTTP API, e.g. http://127.0.0.1:13001 */
  url: string;
  /** The node's RMN signing address (one of RMNRemote's signers). */
  signer: Address;
}

export interface DonMember {
  name: string;
  /** libp2p peer id (bound to the node's ed25519 p2p key in its keystore). */
  peerId: string;
  /** Where it listens, e.g. /ip4/127.0.0.1/tcp/12001 */
  address: string;
  /** OCR signing address (secp256k1), as configured on every OffRamp. */
  ocrSigner: Address;
  /** Transmitter address per chain selector (decimal string key). */
  transmitters: Record<string, Address>;
}

export type Finality = { kind: 'depth'; depth: number } | { kind: 'finalized' };

export interface ChainConfig {
  name: string;
  chainId: number;
  /** Decimal string in the file (uint64 does not fit a JSON number); bigint after parsing. */
  chainSelector: bigint;
  rpcUrl: string;
  finality: Finality;
  contracts: {
    router: Address;
    onRamp: Address;
    offRamp: Address;
    feeQuoter: Address;
    nonceManager: Address;
    rmnRemote: Address;
    tokenAdminRegistry: Address;
  };
  /** OCR config digests set on this chain's OffRamp (one per plugin). */
  ocr: { commitConfigDigest: Hex; executeConfigDigest: Hex };
  /** Estimated gas budget of one execute transaction (default 15,000,000). */
  executeGasBudget?: number;
}

/** ms without progress before the pacemaker changes leader, unless timing.deltaProgress says otherwise. */
export const DEFAULT_DELTA_PROGRESS = 6_000;

export interface TimingConfig {
  /** ms between rounds of the same leader */
  deltaRound: number;
  /** ms between rounds while the leader sees nothing to report (a heartbeat round); must be below deltaProgress */
  deltaRoundIdle: number;
  /** ms without progress before the pacemaker changes leader */
  deltaProgress: number;
  /** ms the leader waits for more than 2f+1 observations */
  deltaGrace: number;
  /** ms between transmitter turns */
  deltaStage: number;
  /** ms between polls of each chain */
  pollInterval: number;
}

/** Decrypted keystore contents. */
export interface NodeKeys {
  /** secp256k1 key signing OCR reports and protocol messages. */
  ocrKey: Hex;
  /** ed25519 private key (libp2p protobuf encoding, hex) behind the node's peer id. */
  p2pKey: Hex;
  /** secp256k1 transmitter key per chain selector (decimal string). */
  transmitterKeys: Record<string, Hex>;
}
