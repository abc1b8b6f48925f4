import type { Hex } from 'viem';

/**
 * The consensus protocol (libocr-style) runs one *instance* per (plugin, destination chain). The protocol is
 * written once; plugins (commit, execute) only answer the callbacks below. Everything a plugin returns is
 * opaque bytes to the protocol, so the protocol can sign, relay and persist it without knowing the plugin.
 */

/** Identifies one protocol instance, e.g. `commit:3379446385462418246`. Every wire message carries it. */
export type InstanceId = string;

/** Index of a node in the instance's ordered oracle list (0..n-1). */
export type OracleId = number;

export interface RoundContext {
  instance: InstanceId;
  /** OCR sequence number of the round: strictly increasing across epochs (epoch << 32 | round). */
  seqNr: bigint;
  epoch: number;
  leader: OracleId;
}

/** An observation together with the node that made it (the leader proves it with that node's signature). */
export interface AttributedObservation {
  observer: OracleId;
  observation: Hex;
}

/** A report the plugin wants signed and transmitted, with plugin-chosen metadata for the transmitter. */
export interface ReportWithInfo {
  report: Hex;
  /** Opaque to the protocol; handed to the ContractTransmitter (e.g. which roots it carries, for logs). */
  info?: string;
}

export interface ReportingPlugin {
  /**
   * Leader only, before a round: false when this node's own view shows nothing to report, so the leader may skip
   * the round (up to deltaRoundIdle). Must be cheap. Optional: without it every round runs.
   */
  hasWork?(): Promise<boolean>;
  /** Leader only: what followers should observe this round (may be '0x'). */
  query(ctx: RoundContext): Promise<Hex>;
  /** Every node: its observation for `query`. Must be fast (the leader waits ~1 s for 2f+1 of them). */
  observation(ctx: RoundContext, query: Hex): Promise<Hex>;
  /** Throws when an observation is malformed or out of bounds; such observations are dropped, never counted. */
  validateObservation(ctx: RoundContext, query: Hex, ao: AttributedObservation): void;
  /**
   * Deterministic: every honest node computes the same outcome from the same ≥ 2f+1 valid observations.
   * Must tolerate up to f arbitrary (but individually valid) observations.
   */
  outcome(ctx: RoundContext, query: Hex, aos: readonly AttributedObservation[]): Hex;
  /**
   * Deterministic: the reports to sign for `outcome` (often zero or one). May read finalized chain data the
   * outcome refers to (e.g. the messages of a committed interval), which is the same for every honest node.
   */
  reports(seqNr: bigint, outcome: Hex): ReportWithInfo[] | Promise<ReportWithInfo[]>;
  /** Local check before signing a report (e.g. still relevant on chain). */
  shouldAcceptAttestedReport(seqNr: bigint, report: ReportWithInfo): Promise<boolean>;
  /** Local check right before transmitting (e.g. not already on chain). */
  shouldTransmitAcceptedReport(seqNr: bigint, report: ReportWithInfo): Promise<boolean>;
}

/** An OCR3 signature as the OffRamp verifies it: over keccak256(abi.encodePacked(keccak256(report), reportContext)). */
export interface ReportSignature {
  signer: OracleId;
  r: Hex;
  s: Hex;
  /** 0 or 1 (v - 27) */
  yParity: number;
}

export interface AttestedReport {
  configDigest: Hex;
  seqNr: bigint;
  report: ReportWithInfo;
  /** Exactly f+1 signatures from distinct signers. */
  signatures: ReportSignature[];
}

/** Sends attested reports to the chain. Implemented by the chain layer (OffRamp.commit / OffRamp.execute). */
export interface ContractTransmitter {
  /** Resolves once the transaction is included (or throws with chain/seqNr context). */
  transmit(report: AttestedReport): Promise<void>;
}

/** Signs for the instance with this node's OCR key (secp256k1; the OffRamp knows the address). */
export interface OnchainSigner {
  address: Hex;
  signReport(configDigest: Hex, seqNr: bigint, report: Hex): Promise<Omit<ReportSignature, 'signer'>>;
  /** signReport for a report known by its keccak256 (the instance hashes each report once per round). */
  signReportHash(configDigest: Hex, seqNr: bigint, reportHash: Hex): Promise<Omit<ReportSignature, 'signer'>>;
}

/** Signs and verifies protocol messages between nodes (the same OCR key; peers know each other's address). */
export interface OffchainSigner {
  sign(payload: Uint8Array): Promise<Hex>;
  verify(signer: OracleId, payload: Uint8Array, signature: Hex): Promise<boolean>;
}

/** The static part of an instance: who is in it and how many may fail. */
export interface InstanceConfig {
  instance: InstanceId;
  configDigest: Hex;
  /** OCR signer addresses, indexed by OracleId (must equal the OffRamp's configured signers). */
  signers: readonly Hex[];
  f: number;
  self: OracleId;
  /** Timing (ms). */
  deltaRound: number; // pause between rounds of the same leader
  deltaProgress: number; // no progress for this long → pacemaker moves to the next epoch/leader
  deltaGrace: number; // leader waits this long after 2f+1 observations for more
  deltaStage: number; // transmitter k waits k * deltaStage before sending
  /** How often a node re-sends its NEW_EPOCH wish, so peers that missed it (or restarted) catch up. Default deltaProgress / 2. */
  deltaResend?: number;
  /** The leader gives up a round that has no 2f+1 valid observations after this long and starts the next. Default deltaProgress / 2. */
  deltaRoundTimeout?: number;
  /**
   * With a plugin that implements hasWork: while it reports none, the leader runs a round only this often (a
   * heartbeat that keeps prices fresh and followers' progress timers quiet); must be below deltaProgress.
   * Default deltaRound (every round runs).
   */
  deltaRoundIdle?: number;
  /** Leader of epoch e is (e + leaderOffset) mod n; every node of the instance must use the same (default 0). */
  leaderOffset?: number;
  /**
   * Rounds per epoch (libocr's rMax): once an epoch's last round is agreed, every node asks for the next epoch, so
   * leadership rotates even while rounds succeed and a faulty leader that keeps rounds going while leaving work out
   * (say, every blessed root) holds the instance for at most this many rounds. Every node of the instance must use
   * the same (default ROUNDS_PER_EPOCH).
   */
  roundsPerEpoch?: number;
}
