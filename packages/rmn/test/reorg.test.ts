import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCurseSubject, rmnRemoteAbi } from '@openccip/sdk';
import { commitMessages, getSentMessages } from '@openccip/devnet';
import type { RmnNode } from '../src/index.js';
import { mine, sendMessages, setupHarness, startNodes, waitFor, type Harness } from './helpers.js';

// A reorg of the source deeper than the RMN's finality depth removes messages a verified committed root relied on.
describe('RMN reorg watch', () => {
  let h: Harness;
  let nodes: RmnNode[];

  beforeAll(async () => {
    h = await setupHarness({ depth: 2, twoChains: true });
    nodes = await startNodes(h, [0, 1, 2]);
  });
  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.stop()));
    await h?.stop();
  });

  it('curses the source on the destination when committed messages change below finality', async () => {
    const src = h.pair.a.clients.public;
    const first = (await src.getBlockNumber({ cacheTime: 0 })) + 1n;
    await sendMessages(h, 2, 'reorged');
    await mine(h, 3);
    const sent = await getSentMessages(h.pair.relay);
    await commitMessages(h.pair.relay, sent, { blessed: false });
    await mine(h, 3);
    for (const n of nodes) await waitFor('root verified', async () => n.fraudWatch.status().verifiedIntervals >= 1, 15_000);
    const subject = chainCurseSubject(h.pair.a.chainSelector);
    expect(nodes.every((n) => n.curses.pool.size() === 0)).toBe(true);

    // Replace every block from the first message on (deeper than depth 2) with empty ones.
    const head = await src.getBlockNumber({ cacheTime: 0 });
    await src.request({ method: 'anvil_reorg' as never, params: [Number(head - first + 1n), []] as never });
    expect(await getSentMessages(h.pair.relay)).toHaveLength(0);
    await waitFor(
      'curse of the source on the destination',
      () => h.pair.b.clients.public.readContract({ address: h.pair.b.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'isCursed', args: [subject] }),
      15_000,
    );
  });
});
