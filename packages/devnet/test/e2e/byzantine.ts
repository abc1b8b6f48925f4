import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, keccak256, toHex, type Hex } from 'viem';
import {
  createLibp2pTransport,
  createOcrKeySigners,
  decodeMessage,
  encodeMessage,
  observationPayload,
  readKeystore,
  type Libp2pTransport,
  type OffchainSigner,
  type WireMessage,
} from '@openccip/node';
import type { Devnet } from '../../src/index.js';

/** What the byzantine participant did and saw (to check it really took part). */
export interface ByzantineStats {
  received: number;
  /** decodable messages received from honest nodes, by type */
  receivedByType: Record<string, number>;
  garbageSent: number;
  badSignatureObservations: number;
  conflictingObservations: number;
  randomReportSignatures: number;
}

export interface Byzantine {
  stats: ByzantineStats;
  transport: Libp2pTransport;
  stop(): Promise<void>;
}

const rand = (n: number): Hex => bytesToHex(randomBytes(n));
/** A 65-byte signature-shaped value that is no one's signature (low s, so only the recovery can reject it). */
const randomSignature = (): Hex => `0x${randomBytes(32).toString('hex')}${'3'.padEnd(64, '0')}${randomBytes(1)[0]! & 1 ? '1c' : '1b'}`;

/**
 * A byzantine DON member: takes over node `index`'s identity (its keystore and p2p address; the real node must be
 * stopped first) and, instead of running the protocol, answers every round with garbage, badly signed and
 * conflicting observations and random report signatures, and sprays malformed frames on a timer. It does sign
 * with the node's real OCR key where that makes the attack stronger (conflicting observations).
 */
export async function startByzantine(devnet: Devnet, index: number, opts: { sprayMs?: number } = {}): Promise<Byzantine> {
  const nodeDir = join(devnet.path, '..', '.devnet', `node-${index}`);
  const keys = await readKeystore(join(nodeDir, 'keystore.json'), devnet.password);
  const config = JSON.parse(readFileSync(join(nodeDir, 'node.json'), 'utf8')) as {
    chains: { chainSelector: string; ocr: { commitConfigDigest: Hex; executeConfigDigest: Hex } }[];
  };
  const digests = new Map<string, Hex>();
  for (const c of config.chains) {
    digests.set(`commit:${c.chainSelector}`, c.ocr.commitConfigDigest);
    digests.set(`execute:${c.chainSelector}`, c.ocr.executeConfigDigest);
  }
  const signers = devnet.file.nodes.map((n) => n.ocrSigner);
  const offchain: OffchainSigner = createOcrKeySigners(keys.ocrKey, signers).offchain;
  const peers = devnet.file.nodes.map((n) => ({ peerId: n.peerId, address: n.p2pAddress }));
  const transport = createLibp2pTransport({ self: index, peers, privateKey: keys.p2pKey, listen: peers[index]!.address, loopback: false });

  const stats: ByzantineStats = {
    received: 0,
    receivedByType: {},
    garbageSent: 0,
    badSignatureObservations: 0,
    conflictingObservations: 0,
    randomReportSignatures: 0,
  };
  /** Latest seqNr seen per instance, so the attacks target live rounds. */
  const live = new Map<string, bigint>();
  const others = peers.map((_, i) => i).filter((i) => i !== index);
  const send = (to: number, m: WireMessage) => transport.send(to, encodeMessage(m));
  const broadcast = (m: WireMessage) => transport.broadcast(encodeMessage(m));

  /** Rounds already attacked, so each attack is our first (not merely a dropped repeat). */
  const done = new Set<string>();
  /** Honest observations seen in proposals, per instance: well-formed content to replay under our own signature. */
  const seen = new Map<string, Hex[]>();

  const attackRound = async (leader: number, instance: string, seqNr: bigint, query: Hex): Promise<void> => {
    const digest = digests.get(instance);
    // A well-formed observation with no one's signature.
    send(leader, { type: 'observation', instance, seqNr, observation: rand(64), signature: randomSignature() });
    stats.badSignatureObservations++;
    if (digest) {
      const sign = (observation: Hex) => offchain.sign(observationPayload(digest, instance, seqNr, query, observation));
      // Equivocation, correctly signed: a replayed honest (stale, but well-formed) observation, then a different one.
      const replay = seen.get(instance)?.[0] ?? rand(32);
      send(leader, { type: 'observation', instance, seqNr, observation: replay, signature: await sign(replay) });
      const other = seen.get(instance)?.[1] ?? rand(48);
      send(leader, { type: 'observation', instance, seqNr, observation: other, signature: await sign(other) });
      stats.conflictingObservations++;
      // ...and yet other observations to the nodes that do not lead this round.
      for (const to of others.filter((o) => o !== leader)) {
        const observation = rand(32 + to);
        send(to, { type: 'observation', instance, seqNr, observation, signature: await sign(observation) });
      }
    }
    // Signatures on reports no one made (index 0 is kept for a forged signature on the real report, below).
    for (let i = 1; i < 3; i++) {
      broadcast({ type: 'reportSignature', instance, seqNr, index: i, reportHash: keccak256(rand(32)), r: rand(32), s: rand(32), yParity: i & 1 });
      stats.randomReportSignatures++;
    }
  };

  transport.onMessage((from, bytes) => {
    stats.received++;
    const d = decodeMessage(bytes);
    if (!d.ok) return;
    const m = d.message;
    stats.receivedByType[m.type] = (stats.receivedByType[m.type] ?? 0) + 1;
    if (m.type === 'newEpoch') return;
    live.set(m.instance, m.seqNr);
    if (m.type === 'query') void attackRound(from, m.instance, m.seqNr, m.query).catch(() => {});
    if (m.type === 'proposal' && m.observations.length > 0) seen.set(m.instance, m.observations.map((o) => o.observation));
    const key = `${m.instance}/${m.seqNr}`;
    if ((m.type === 'proposal' || m.type === 'prepare') && !done.has(`prepare ${key}`)) {
      // A PREPARE for a report set no one proposed.
      done.add(`prepare ${key}`);
      broadcast({ type: 'prepare', instance: m.instance, seqNr: m.seqNr, reportsHash: keccak256(rand(32)) });
    }
    if (m.type === 'reportSignature' && !done.has(`sig ${key}/${m.index}`)) {
      // A random signature on the real report (its hash copied from an honest signer), as our first and only one.
      done.add(`sig ${key}/${m.index}`);
      broadcast({ type: 'reportSignature', instance: m.instance, seqNr: m.seqNr, index: m.index, reportHash: m.reportHash, r: rand(32), s: rand(32), yParity: 0 });
      stats.randomReportSignatures++;
    }
  });

  const enc = new TextEncoder();
  const spray = (): void => {
    const [instance, seqNr] = [...live.entries()][Math.floor(Math.random() * Math.max(1, live.size))] ?? ['commit:0', 1n];
    const frames: Uint8Array[] = [
      randomBytes(1 + Math.floor(Math.random() * 512)),
      new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
      enc.encode('{"v":1,"t":"o","i":"' + instance + '","n":"-1","o":"0x","g":"0x"}'),
      enc.encode('{"v":2,"t":"q","i":"' + instance + '","n":"1","q":"0x"}'),
      enc.encode(JSON.stringify({ v: 1, t: 'p', i: instance, n: seqNr.toString(), q: '0x', a: [[0, '0xzz', '0x00']] })),
      enc.encode(JSON.stringify({ v: 1, t: 'p', i: instance, n: (seqNr + 1n).toString(), q: '0x', a: others.map((o) => [o, rand(16), randomSignature()]) })),
      enc.encode(JSON.stringify({ v: 1, t: 'e', i: instance, e: Number(seqNr >> 32n) + 1, g: randomSignature() })),
      enc.encode(JSON.stringify({ v: 1, t: 's', i: instance, n: '18446744073709551615', x: 1_000_000, h: toHex(1n, { size: 32 }), r: '0x', s: '0x', y: 7 })),
      enc.encode('[' + '['.repeat(5000) + ']'.repeat(5000) + ']'),
    ];
    for (const f of frames) transport.broadcast(f);
    stats.garbageSent += frames.length;
  };

  await transport.start();
  const timer = setInterval(spray, opts.sprayMs ?? 250);
  return {
    stats,
    transport,
    async stop() {
      clearInterval(timer);
      await transport.stop();
    },
  };
}
