import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { Uint8ArrayList } from 'uint8arraylist';
import type { Hex } from 'viem';
import { p2pPrivateKey, peerIdFromP2pKey } from '../keys/keystore.js';
import type { PeerIndex, Transport } from './types.js';
import { noopLogger, type Logger } from '../log.js';

/**
 * Transport over libp2p 2.x: TCP on 127.0.0.1 only, noise encryption (which authenticates the remote's peer id
 * against its ed25519 key), yamux muxing. The peer set is fixed by configuration: a connection gater refuses any
 * other peer id in both directions, and every incoming stream is checked again, so the handler only ever sees
 * configured peers. Each node keeps one long-lived outbound stream per peer carrying length-prefixed frames,
 * re-dials with backoff when the peer is down, and queues a bounded number of frames meanwhile (oldest dropped).
 * No discovery, DHT, relay, mdns or identify: peers are dialled at their configured addresses.
 */

/**
 * The installed libp2p 2.10 peer store locks through mortice → it-queue 1.1.x, which calls Promise.withResolvers
 * (Node >= 22). On Node 20 every peer disconnect then raises an unhandled rejection, which kills the process.
 * Install the standard behaviour only where it is missing; this is the one global this module touches.
 */
function ensurePromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export const CONSENSUS_PROTOCOL = '/openccip/consensus/1.0.0';
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Structured logger; the node's log module has this shape. */


export interface Libp2pPeer {
  /** libp2p peer id string (ed25519, from the peer's keystore). */
  peerId: string;
  /** `/ip4/127.0.0.1/tcp/<port>` */
  address: string;
}

export interface Libp2pTransportOptions {
  /** This node's index in `peers`. */
  self: PeerIndex;
  /** Every node, this one included, in PeerIndex order. */
  peers: readonly Libp2pPeer[];
  /** This node's ed25519 p2p key (NodeKeys.p2pKey); must match `peers[self].peerId`. */
  privateKey: Hex;
  /** `/ip4/127.0.0.1/tcp/<port>` (port 0 picks a free one). */
  listen: string;
  logger?: Logger;
  protocol?: string;
  /** Larger frames are dropped, outbound and inbound (default 4 MiB). */
  maxFrameBytes?: number;
  /** Frames queued per peer while it is unreachable; the oldest go first (default 1024). */
  maxQueuedPerPeer?: number;
  /** Re-dial backoff: starts at `initialMs`, doubles up to `maxMs` (defaults 100 ms, 3 s). */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Whether `send(self, m)` and `broadcast(m)` also deliver to this node's own handler (asynchronously), as
   * libocr's endpoints do. Default true.
   */
  loopback?: boolean;
}

export interface Libp2pTransport extends Transport {
  readonly peerId: string;
  /** The addresses actually listened on (after start), e.g. to learn the port when listening on port 0. */
  listenAddresses(): string[];
  /** Diagnostics: frames waiting and dropped per peer, and whether its outbound stream is up. */
  stats(): { peer: PeerIndex; connected: boolean; queued: number; dropped: number }[];
}

const LOOPBACK_TCP_RE = /^\/ip4\/127\.0\.0\.1\/tcp\/([0-9]{1,5})(\/p2p\/[1-9A-HJ-NP-Za-km-z]+)?$/;

function assertLoopbackTcp(addr: string, what: string, allowPortZero: boolean): void {
  const m = LOOPBACK_TCP_RE.exec(addr);
  const port = m === null ? -1 : Number(m[1]);
  if (m === null || port > 65535 || (port === 0 && !allowPortZero)) {
    throw new Error(`${what}: only /ip4/127.0.0.1/tcp/<port> is allowed, got ${JSON.stringify(addr)}`);
  }
}

export function createLibp2pTransport(opts: Libp2pTransportOptions): Libp2pTransport {
  const { self, peers } = opts;
  const log = opts.logger ?? noopLogger;
  const protocol = opts.protocol ?? CONSENSUS_PROTOCOL;
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const maxQueued = opts.maxQueuedPerPeer ?? 1024;
  const backoff = opts.backoff ?? { initialMs: 100, maxMs: 3000 };
  const loopback = opts.loopback ?? true;

  if (!Number.isInteger(self) || peers[self] === undefined) throw new Error(`libp2p transport: self = ${self} is not an index of peers (n = ${peers.length})`);
  assertLoopbackTcp(opts.listen, 'libp2p transport listen', true);
  peers.forEach((p, i) => assertLoopbackTcp(p.address, `libp2p transport peers[${i}].address`, false));
  const peerId = peerIdFromP2pKey(opts.privateKey);
  if (peerId !== peers[self].peerId) {
    throw new Error(`libp2p transport: the p2p key's peer id ${peerId} is not peers[${self}].peerId ${peers[self].peerId}`);
  }
  const indexByPeerId = new Map<string, PeerIndex>();
  peers.forEach((p, i) => {
    if (indexByPeerId.has(p.peerId)) throw new Error(`libp2p transport: duplicate peer id ${p.peerId} at peers[${i}]`);
    indexByPeerId.set(p.peerId, i);
  });
  /** A remote configured peer (never ourselves). */
  const remoteIndex = (id: PeerId): PeerIndex | undefined => {
    const i = indexByPeerId.get(id.toString());
    return i === self ? undefined : i;
  };

  let handler: ((from: PeerIndex, message: Uint8Array) => void) | undefined;
  let node: Libp2p | undefined;
  let links: (PeerLink | undefined)[] = [];
  let running = false;

  const deliver = (from: PeerIndex, message: Uint8Array): void => {
    if (handler === undefined) {
      log.debug('p2p message dropped: no handler', { from });
      return;
    }
    try {
      handler(from, message);
    } catch (err) {
      log.error('p2p message handler threw', { from, error: String(err) });
    }
  };

  const handleInbound = (stream: Stream, remotePeer: PeerId): void => {
    const from = remoteIndex(remotePeer);
    if (from === undefined) {
      // The gater should have refused the connection already; never let an unknown peer reach the handler.
      log.warn('p2p stream from unknown peer refused', { peerId: remotePeer.toString() });
      stream.abort(new Error(`unknown peer ${remotePeer.toString()}`));
      return;
    }
    const onOversize = (len: number): void => log.warn('p2p inbound frame too large, dropped', { from, bytes: len, max: maxFrameBytes });
    void (async () => {
      for await (const frame of decodeFrames(stream.source, maxFrameBytes, onOversize)) deliver(from, frame);
    })()
      .catch((err: unknown) => {
        if (running) log.debug('p2p inbound stream ended', { from, error: String(err) });
      })
      .finally(() => stream.abort(new Error('inbound stream done')));
  };

  /** No services (identify, ping, DHT...): peers are dialled at configured addresses only. */
  const libp2pInit = (): Parameters<typeof createLibp2p>[0] => ({
    privateKey: p2pPrivateKey(opts.privateKey),
    addresses: { listen: [opts.listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: (id) => remoteIndex(id) === undefined,
      denyDialMultiaddr: (ma) => !LOOPBACK_TCP_RE.test(ma.toString()),
      denyInboundConnection: (maConn) => maConn.remoteAddr.nodeAddress().address !== '127.0.0.1',
      denyInboundEncryptedConnection: (id) => remoteIndex(id) === undefined,
      denyOutboundEncryptedConnection: (id) => remoteIndex(id) === undefined,
      denyInboundUpgradedConnection: (id) => remoteIndex(id) === undefined,
      denyOutboundUpgradedConnection: (id) => remoteIndex(id) === undefined,
    },
    connectionManager: {
      // Every peer shares the host 127.0.0.1; the default of 5 inbound connections/s per host is too low
      // when several peers reconnect at once.
      inboundConnectionThreshold: Math.max(50, 10 * peers.length),
      dialTimeout: 5_000,
    },
  });

  const transport: Libp2pTransport = {
    self,
    peerId,

    send(to, message) {
      if (!running) return;
      if (to === self) {
        if (loopback) setImmediate(() => deliver(self, message));
        return;
      }
      const link = links[to];
      if (link === undefined) {
        log.warn('p2p send to unknown peer index dropped', { to });
        return;
      }
      if (message.byteLength > maxFrameBytes) {
        log.warn('p2p outbound message too large, dropped', { to, bytes: message.byteLength, max: maxFrameBytes });
        return;
      }
      link.enqueue(message);
    },

    broadcast(message) {
      for (let i = 0; i < peers.length; i++) if (i !== self || loopback) transport.send(i, message);
    },

    onMessage(h) {
      handler = h;
    },

    async start() {
      if (running) return;
      ensurePromiseWithResolvers();
      const created = await createLibp2p(libp2pInit()).catch((err: unknown) => {
        throw new Error(`libp2p transport (self = ${self}): cannot start on ${opts.listen}: ${(err as Error).message}`, { cause: err });
      });
      await created.handle(protocol, ({ stream, connection }) => handleInbound(stream, connection.remotePeer), {
        maxInboundStreams: 8,
        maxOutboundStreams: 8,
      });
      node = created;
      running = true;
      links = peers.map((p, i) =>
        i === self
          ? undefined
          : new PeerLink(created, i, multiaddr(`${p.address}/p2p/${p.peerId}`), protocol, maxQueued, backoff, log),
      );
      for (const link of links) link?.run();
      log.info('p2p transport started', { self, peerId, listen: transport.listenAddresses() });
    },

    async stop() {
      if (!running || node === undefined) return;
      running = false;
      const current = node;
      const stopping = links;
      node = undefined;
      links = [];
      for (const link of stopping) link?.stop();
      await current.stop();
      await Promise.all(stopping.map((l) => l?.done));
      log.info('p2p transport stopped', { self });
    },

    listenAddresses() {
      return node?.getMultiaddrs().map((ma) => ma.decapsulateCode(421 /* p2p */).toString()) ?? [];
    },

    stats() {
      return links.flatMap((l, i) => (l === undefined ? [] : [{ peer: i, connected: l.connected, queued: l.queued, dropped: l.dropped }]));
    },
  };
  return transport;
}

/** The outbound side towards one peer: a bounded queue and a dial → write → re-dial loop. */
class PeerLink {
  private readonly queue: Uint8ArrayList[] = [];
  private wake: (() => void) | undefined;
  private readonly abort = new AbortController();
  connected = false;
  dropped = 0;
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly node: Libp2p,
    private readonly index: PeerIndex,
    private readonly addr: Multiaddr,
    private readonly protocol: string,
    private readonly maxQueued: number,
    private readonly backoff: { initialMs: number; maxMs: number },
    private readonly log: Logger,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  enqueue(message: Uint8Array): void {
    if (this.queue.length >= this.maxQueued) {
      this.queue.shift();
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 1000 === 0) this.log.warn('p2p queue full, dropping oldest', { peer: this.index, dropped: this.dropped });
    }
    this.queue.push(encodeFrame(message));
    this.signal();
  }

  run(): void {
    this.done = this.loop();
  }

  stop(): void {
    this.abort.abort();
    this.queue.length = 0;
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async loop(): Promise<void> {
    const { signal } = this.abort;
    let delay = this.backoff.initialMs;
    while (!signal.aborted) {
      const startedAt = Date.now();
      try {
        const stream = await this.node.dialProtocol(this.addr, this.protocol, { signal });
        this.connected = true;
        this.log.debug('p2p connected', { peer: this.index });
        await this.pump(stream);
      } catch (err) {
        if (!signal.aborted) this.log.debug('p2p dial or stream failed', { peer: this.index, error: String(err) });
      } finally {
        if (this.connected) this.log.debug('p2p disconnected', { peer: this.index });
        this.connected = false;
      }
      if (signal.aborted) break;
      // A session that lasted a while resets the backoff; one that failed at once keeps growing it.
      if (Date.now() - startedAt > 1000) delay = this.backoff.initialMs;
      await sleep(delay * (0.75 + Math.random() / 2), signal);
      delay = Math.min(delay * 2, this.backoff.maxMs);
    }
  }

  /** Writes queued frames until the stream breaks or the link stops. */
  private async pump(stream: Stream): Promise<void> {
    const { signal } = this.abort;
    let broken = false;
    // The remote never writes on this stream; its source ends or throws only when the stream or connection dies,
    // which is how an idle link notices the peer went away.
    const watch = (async () => {
      try {
        for await (const _ of stream.source) {
          // ignore
        }
      } catch {
        // reset / connection closed
      }
      broken = true;
      this.signal();
    })();
    const frames = async function* (link: PeerLink): AsyncGenerator<Uint8ArrayList> {
      while (!broken && !signal.aborted) {
        const next = link.queue.shift();
        if (next !== undefined) yield next;
        else await new Promise<void>((resolve) => (link.wake = resolve));
      }
    };
    const sent = stream.sink(frames(this)).catch((err: unknown) => {
      if (!signal.aborted) this.log.debug('p2p outbound stream write failed', { peer: this.index, error: String(err) });
    });
    // Either side may end the session. The sink can stay pending after the connection died (closing the write
    // side of a dead yamux stream never completes), so it is raced, never awaited alone.
    await Promise.race([sent, watch]);
    broken = true;
    this.signal();
    stream.abort(new Error('outbound session over'));
    await watch;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** unsigned varint (LEB128) length prefix + payload, without copying the payload. */
export function encodeFrame(payload: Uint8Array): Uint8ArrayList {
  const header: number[] = [];
  let n = payload.byteLength;
  while (n >= 0x80) {
    header.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  header.push(n);
  return new Uint8ArrayList(Uint8Array.from(header), payload);
}

/** Longest varint accepted: 7 bytes (lengths < 2^49), far above any frame we accept. */
const MAX_VARINT_BYTES = 7;

/**
 * Splits a byte stream into length-prefixed frames. Frames longer than `maxFrameBytes` are skipped without being
 * buffered (`onOversize` is told), so a peer cannot make us hold more than one maximal frame. A malformed length
 * throws, which ends the stream.
 */
export async function* decodeFrames(
  source: AsyncIterable<Uint8ArrayList | Uint8Array>,
  maxFrameBytes: number,
  onOversize: (length: number) => void = () => {},
): AsyncGenerator<Uint8Array> {
  const buf = new Uint8ArrayList();
  let skip = 0;
  for await (const chunk of source) {
    buf.append(chunk);
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, buf.byteLength);
        buf.consume(n);
        skip -= n;
        if (skip > 0) break;
      }
      let length = 0;
      let headerBytes = 0;
      let complete = false;
      for (let i = 0; i < Math.min(buf.byteLength, MAX_VARINT_BYTES); i++) {
        const b = buf.get(i);
        length += (b & 0x7f) * 2 ** (7 * i);
        if ((b & 0x80) === 0) {
          headerBytes = i + 1;
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (buf.byteLength >= MAX_VARINT_BYTES) throw new Error('malformed frame length prefix');
        break;
      }
      if (length > maxFrameBytes) {
        onOversize(length);
        buf.consume(headerBytes);
        skip = length;
        continue;
      }
      if (buf.byteLength < headerBytes + length) break;
      const frame = buf.subarray(headerBytes, headerBytes + length);
      buf.consume(headerBytes + length);
      yield frame;
    }
  }
}
