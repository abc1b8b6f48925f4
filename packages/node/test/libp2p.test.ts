import { createServer } from 'node:net';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { Uint8ArrayList } from 'uint8arraylist';
import { bytesToHex, type Hex } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { peerIdFromP2pKey } from '../src/keys/keystore.js';
import { createLibp2pTransport, decodeFrames, encodeFrame, type Libp2pPeer, type Libp2pTransport, type Libp2pTransportOptions } from '../src/transport/libp2p.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

async function newP2pKey(): Promise<Hex> {
  return bytesToHex(privateKeyToProtobuf(await generateKeyPair('Ed25519')));
}

/** Ports that were free a moment ago (the OS hands out distinct ephemeral ports). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Resolves when something can listen on the port again. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Node {
  transport: Libp2pTransport;
  inbox: { from: number; msg: string }[];
}

describe('libp2p transport', () => {
  const N = 4;
  let keys: Hex[];
  let peers: Libp2pPeer[];
  let nodes: Node[] = [];
  const extra: Libp2pTransport[] = [];

  function makeNode(i: number, over: Partial<Libp2pTransportOptions> = {}): Node {
    const transport = createLibp2pTransport({
      self: i,
      peers,
      privateKey: keys[i]!,
      listen: peers[i]!.address,
      backoff: { initialMs: 50, maxMs: 400 },
      maxQueuedPerPeer: 8,
      maxFrameBytes: 64 * 1024,
      ...over,
    });
    const inbox: Node['inbox'] = [];
    transport.onMessage((from, m) => inbox.push({ from, msg: dec(m) }));
    return { transport, inbox };
  }

  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: N }, newP2pKey));
    const ports = await freePorts(N);
    peers = keys.map((k, i) => ({ peerId: peerIdFromP2pKey(k), address: `/ip4/127.0.0.1/tcp/${ports[i]}` }));
    // node 0 may send frames up to 1 MiB; the others accept 64 KiB (to test inbound dropping)
    nodes = peers.map((_, i) => makeNode(i, i === 0 ? { maxFrameBytes: 1024 * 1024 } : {}));
    await Promise.all(nodes.map((n) => n.transport.start()));
  });

  afterEach(() => {
    for (const n of nodes) n.inbox.length = 0;
  });

  afterAll(async () => {
    await Promise.all([...nodes.map((n) => n.transport.stop()), ...extra.map((t) => t.stop())]);
  });

  it('exchanges broadcasts and point-to-point messages', async () => {
    for (const n of nodes) n.transport.broadcast(enc(`hello from ${n.transport.self}`));
    await waitFor('every broadcast everywhere', () => nodes.every((n) => n.inbox.length === N));
    for (const n of nodes) {
      expect(n.inbox.map((m) => m.from).sort()).toEqual([0, 1, 2, 3]);
      for (const m of n.inbox) expect(m.msg).toBe(`hello from ${m.from}`);
    }
    nodes[1]!.transport.send(2, enc('1→2'));
    nodes[3]!.transport.send(0, enc('3→0'));
    await waitFor('point-to-point', () => nodes[2]!.inbox.length === 5 && nodes[0]!.inbox.length === 5);
    expect(nodes[2]!.inbox.at(-1)).toEqual({ from: 1, msg: '1→2' });
    expect(nodes[0]!.inbox.at(-1)).toEqual({ from: 3, msg: '3→0' });
    expect(nodes[1]!.inbox).toHaveLength(4);
    expect(nodes[3]!.inbox).toHaveLength(4);
  });

  it('keeps per-peer order over the long-lived stream', async () => {
    const queued = (): number => nodes[2]!.transport.stats().find((x) => x.peer === 3)!.queued;
    for (let batch = 0; batch < 25; batch++) {
      for (let k = 0; k < 8; k++) nodes[2]!.transport.send(3, enc(`m${batch * 8 + k}`)); // 8 = the queue bound
      await waitFor('the batch to be written', () => queued() === 0);
    }
    await waitFor('200 messages', () => nodes[3]!.inbox.length === 200);
    expect(nodes[3]!.inbox.map((m) => m.msg)).toEqual(Array.from({ length: 200 }, (_, k) => `m${k}`));
    expect(nodes[2]!.transport.stats().find((x) => x.peer === 3)!.dropped).toBe(0);
  });

  it('drops frames larger than the receiver accepts and keeps the stream', async () => {
    nodes[0]!.transport.send(1, new Uint8Array(200 * 1024).fill(0x41)); // > 64 KiB at node 1
    nodes[0]!.transport.send(1, enc('after the big one'));
    nodes[1]!.transport.send(2, new Uint8Array(65 * 1024)); // > 64 KiB at node 1 itself: never sent
    nodes[1]!.transport.send(2, enc('small'));
    await waitFor('small messages', () => nodes[1]!.inbox.length === 1 && nodes[2]!.inbox.length === 1);
    expect(nodes[1]!.inbox[0]).toEqual({ from: 0, msg: 'after the big one' });
    expect(nodes[2]!.inbox[0]).toEqual({ from: 1, msg: 'small' });
  });

  it('never delivers anything from a peer with an unknown key', async () => {
    const intruderKey = await newP2pKey();
    const [port] = await freePorts(1);
    // The intruder believes it is a fifth member; nobody else has it in their list.
    const intruderPeers = [...peers, { peerId: peerIdFromP2pKey(intruderKey), address: `/ip4/127.0.0.1/tcp/${port}` }];
    const intruderLog: string[] = [];
    const record = (msg: string): void => void intruderLog.push(msg);
    const intruder = createLibp2pTransport({
      self: N,
      peers: intruderPeers,
      privateKey: intruderKey,
      listen: intruderPeers[N]!.address,
      backoff: { initialMs: 50, maxMs: 100 },
      logger: { debug: record, info: record, warn: record, error: record },
    });
    extra.push(intruder);
    const intruderInbox: number[] = [];
    intruder.onMessage((from) => intruderInbox.push(from));
    await intruder.start();
    for (let k = 0; k < 10; k++) {
      intruder.broadcast(enc('forged'));
      await sleep(50);
    }
    await sleep(300);
    for (const n of nodes) expect(n.inbox.filter((m) => m.msg === 'forged')).toEqual([]);
    // The members' gaters refuse the connection itself: the intruder never even gets a stream open.
    expect(intruderLog.filter((m) => m === 'p2p dial or stream failed').length).toBeGreaterThan(N);
    expect(intruderLog).not.toContain('p2p connected');
    // The members still talk to each other (and ignore the intruder entirely).
    nodes[0]!.transport.send(1, enc('still fine'));
    await waitFor('a member message', () => nodes[1]!.inbox.some((m) => m.msg === 'still fine'));
    expect(nodes.flatMap((n) => n.inbox.map((m) => m.from)).every((f) => f < N)).toBe(true);
    expect(intruderInbox.filter((f) => f !== N)).toEqual([]); // only its own loopback
    await intruder.stop();
  });

  it('reconnects to a peer restarted on the same port, delivering what was queued (oldest dropped)', async () => {
    await nodes[3]!.transport.stop();
    await waitFor('node 0 to see node 3 gone', () => nodes[0]!.transport.stats().find((s) => s.peer === 3)!.connected === false);
    for (let k = 0; k < 12; k++) nodes[0]!.transport.send(3, enc(`queued ${k}`));
    expect(nodes[0]!.transport.stats().find((s) => s.peer === 3)).toMatchObject({ queued: 8, dropped: 4 });
    await sleep(500); // a few failed re-dials
    await nodes[3]!.transport.start(); // same key, same port
    expect(nodes[3]!.transport.listenAddresses()).toEqual([peers[3]!.address]);
    await waitFor('queued messages', () => nodes[3]!.inbox.length === 8);
    expect(nodes[3]!.inbox.map((m) => m.msg)).toEqual([4, 5, 6, 7, 8, 9, 10, 11].map((k) => `queued ${k}`));
    nodes[3]!.transport.broadcast(enc('back'));
    await waitFor('messages from the restarted node', () => nodes.slice(0, 3).every((n) => n.inbox.some((m) => m.from === 3 && m.msg === 'back')));
  });

  it('refuses non-loopback listen addresses and a key that does not match the configured peer id', () => {
    expect(() => createLibp2pTransport({ self: 0, peers, privateKey: keys[0]!, listen: '/ip4/0.0.0.0/tcp/0' })).toThrow(/only \/ip4\/127\.0\.0\.1\/tcp\/<port> is allowed/);
    expect(() => createLibp2pTransport({ self: 0, peers, privateKey: keys[0]!, listen: '/ip6/::1/tcp/0' })).toThrow(/listen: only/);
    expect(() => createLibp2pTransport({ self: 1, peers, privateKey: keys[0]!, listen: '/ip4/127.0.0.1/tcp/0' })).toThrow(/is not peers\[1\]\.peerId/);
    const bad = peers.map((p, i) => (i === 2 ? { ...p, address: '/ip4/192.168.1.2/tcp/4001' } : p));
    expect(() => createLibp2pTransport({ self: 0, peers: bad, privateKey: keys[0]!, listen: '/ip4/127.0.0.1/tcp/0' })).toThrow(/peers\[2\]\.address/);
  });

  it('fails to start with a clear error when its port is taken', async () => {
    const [port] = await freePorts(1);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const key = await newP2pKey();
      const t = createLibp2pTransport({
        self: 0,
        peers: [{ peerId: peerIdFromP2pKey(key), address: `/ip4/127.0.0.1/tcp/${port}` }],
        privateKey: key,
        listen: `/ip4/127.0.0.1/tcp/${port}`,
      });
      await expect(t.start()).rejects.toThrow(new RegExp(`libp2p transport \\(self = 0\\): cannot start on /ip4/127.0.0.1/tcp/${port}`));
      await t.stop(); // nothing started: a no-op
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('releases its ports on stop', async () => {
    const ports = peers.map((p) => Number(p.address.split('/')[4]));
    expect(await canListen(ports[0]!)).toBe(false); // sanity: in use while running
    await Promise.all(nodes.map((n) => n.transport.stop()));
    for (const port of ports) expect(await canListen(port)).toBe(true);
  });
});

describe('frame codec', () => {
  async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
    for (const p of parts) yield p;
  }
  const collect = async (parts: Uint8Array[], max: number, oversize: number[] = []): Promise<string[]> => {
    const out: string[] = [];
    for await (const f of decodeFrames(chunks(parts), max, (n) => oversize.push(n))) out.push(dec(f));
    return out;
  };

  it('splits frames across arbitrary chunk boundaries', async () => {
    const wire = new Uint8ArrayList(encodeFrame(enc('a')), encodeFrame(new Uint8Array(300).fill(0x62)), encodeFrame(enc('')), encodeFrame(enc('c'))).subarray();
    const expected = ['a', 'b'.repeat(300), '', 'c'];
    expect(await collect([wire], 1000)).toEqual(expected);
    expect(await collect(Array.from(wire, (b) => Uint8Array.of(b)), 1000)).toEqual(expected); // byte by byte
  });

  it('skips oversized frames without losing the following ones', async () => {
    const big = new Uint8Array(5000).fill(0x78);
    const wire = new Uint8ArrayList(encodeFrame(enc('before')), encodeFrame(big), encodeFrame(enc('after'))).subarray();
    const oversize: number[] = [];
    const parts = [wire.subarray(0, 10), wire.subarray(10, 2000), wire.subarray(2000, 4000), wire.subarray(4000)];
    expect(await collect(parts, 4096, oversize)).toEqual(['before', 'after']);
    expect(oversize).toEqual([5000]);
  });

  it('rejects a malformed length prefix', async () => {
    await expect(collect([new Uint8Array(10).fill(0xff)], 1000)).rejects.toThrow(/malformed frame length/);
  });
});
