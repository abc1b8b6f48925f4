import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePrivateKey } from 'viem/accounts';
import { RMN_API_PATHS, postRmnRequest, rmnRemoteAbi } from '@openccip/sdk';
import { send } from '@openccip/devnet';
import { heartbeatLeader, RmnNode } from '../src/index.js';
import { setupHarness, testLogger, waitFor, type Harness } from './helpers.js';

describe('heartbeat leader', () => {
  it('rotates through the peers slot by slot', () => {
    expect([0n, 10n, 20n, 30n, 39n].map((t) => heartbeatLeader(t, 10, 3))).toEqual([0, 1, 2, 0, 0]);
  });
});

// Joint heartbeats on both RMNRemotes of a local pair; the dead-man switch fires once every RMN node is stopped.
describe('RMN heartbeats', () => {
  let h: Harness;
  let nodes: RmnNode[] = [];
  const TIMEOUT = 8; // s: 8 heartbeats at 1 s, so a few seconds of a loaded machine do not expire it

  beforeAll(async () => {
    h = await setupHarness({ depth: 1 });
    for (const d of [h.pair.a, h.pair.b]) await send(d.clients, d.contracts.rmnRemote, rmnRemoteAbi, 'setHeartbeatTimeout', [TIMEOUT]);
    // Blocks on a clock: block.timestamp follows the wall clock the way a live chain's does.
    await h.pair.a.clients.public.request({ method: 'evm_setIntervalMining' as never, params: [1] as never });
    for (const i of [0, 1, 2]) {
      const n = new RmnNode({ config: h.configFor(i, { heartbeat: { intervalSec: 1 } }), keys: h.keys[i]!, log: testLogger(`rmn-${i}`) });
      await n.start();
      nodes.push(n);
    }
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await h?.stop();
  });

  const heartbeat = (which: 'a' | 'b') =>
    h.pair[which].clients.public.readContract({ address: h.pair[which].contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'getHeartbeat' });

  it('peers sign only timestamps near their clock, and only for RMN peers', async () => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const sel = h.pair.b.chainSelector;
    await expect(postRmnRequest(nodes[0]!.url, RMN_API_PATHS.heartbeatSign, { chainSelector: sel, timestamp: now }, h.keys[1]!.signingKey)).resolves.toMatchObject({ signer: nodes[0]!.signer });
    await expect(postRmnRequest(nodes[0]!.url, RMN_API_PATHS.heartbeatSign, { chainSelector: sel, timestamp: now - 100n }, h.keys[1]!.signingKey)).rejects.toMatchObject({ code: 'refused' });
    await expect(postRmnRequest(nodes[0]!.url, RMN_API_PATHS.heartbeatSign, { chainSelector: sel, timestamp: now }, generatePrivateKey())).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('keep getHeartbeat().expired false on every chain while they run, and it expires when all stop', async () => {
    const start = (await heartbeat('a'))[0];
    await waitFor('heartbeats on both chains', async () => (await heartbeat('a'))[0] > start && (await heartbeat('b'))[0] > start, 10_000, 250);
    for (let i = 0; i < 8; i++) {
      for (const w of ['a', 'b'] as const) expect((await heartbeat(w))[2]).toBe(false);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];
    await waitFor('heartbeat expiry', async () => (await heartbeat('b'))[2], (TIMEOUT + 5) * 1_000, 250);
    const cursed = await h.pair.b.clients.public.readContract({ address: h.pair.b.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'isCursed' });
    expect(cursed).toBe(true);
  });
});
