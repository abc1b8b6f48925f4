import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { bytesToHex } from 'viem';
import { it } from 'vitest';
import { peerIdFromP2pKey } from './src/keys/keystore.js';
import { createLibp2pTransport } from './src/transport/libp2p.js';

it('dbg', async () => {
  const keys = await Promise.all([0, 1].map(async () => bytesToHex(privateKeyToProtobuf(await generateKeyPair('Ed25519')))));
  const peers = keys.map((k, i) => ({ peerId: peerIdFromP2pKey(k), address: `/ip4/127.0.0.1/tcp/${23450 + i}` }));
  const mk = (i: number) => {
    const t0 = Date.now();
    const log = (lvl: string) => (msg: string, f?: object) => console.log(Date.now() - t0, `n${i}`, lvl, msg, JSON.stringify(f ?? {}));
    const t = createLibp2pTransport({ self: i, peers, privateKey: keys[i]!, listen: peers[i]!.address, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }, backoff: { initialMs: 50, maxMs: 400 } });
    t.onMessage((from, m) => console.log(`n${i} got from ${from}: ${new TextDecoder().decode(m)}`));
    return t;
  };
  const a = mk(0), b = mk(1);
  await a.start(); await b.start();
  a.send(1, new TextEncoder().encode('x'));
  await new Promise((r) => setTimeout(r, 500));
  console.log('stopping b');
  await b.stop();
  console.log('stopped b', JSON.stringify(a.stats()));
  await new Promise((r) => setTimeout(r, 1000));
  console.log('after 1s', JSON.stringify(a.stats()));
  console.log('stopping a');
  await a.stop();
  console.log('stopped a');
}, 20000);
