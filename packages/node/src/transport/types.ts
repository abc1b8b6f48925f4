/**
 * Authenticated point-to-point messaging between the configured nodes. Implementations bind each peer to a
 * configured identity and drop anything from unknown peers; the consensus layer never sees an unauthenticated
 * sender. The libp2p transport is for real processes; the in-memory one is for unit tests only.
 */
export type PeerIndex = number;

export interface Transport {
  /** This node's index in the configured peer list. */
  readonly self: PeerIndex;
  /** Best-effort delivery (the protocol tolerates loss); never throws for an unreachable peer. */
  send(to: PeerIndex, message: Uint8Array): void;
  broadcast(message: Uint8Array): void;
  /** Registers the single handler for incoming messages; `from` is authenticated. */
  onMessage(handler: (from: PeerIndex, message: Uint8Array) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
