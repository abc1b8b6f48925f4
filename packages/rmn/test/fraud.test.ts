import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keccak256, toHex } from 'viem';
import { RMN_API_PATHS, chainCurseSubject, getMerkleRoot, postRmnRequest, rmnCurseDigest, rmnRemoteAbi, signRmnDigest, type CurseVote } from '@openccip/sdk';
import { commitMessages, executeMessages, getSentMessages, leavesOf, merkleRootOf } from '@openccip/devnet';
import type { RmnNode } from '../src/index.js';
import { mine, sendMessages, setupHarness, startNodes, waitFor, type Harness } from './helpers.js';

// A compromised commit DON (its OCR keys used directly) commits a forged root on a lane with blessing off.
describe('RMN fraud watch', () => {
  let h: Harness;
  let nodes: RmnNode[];

  beforeAll(async () => {
    h = await setupHarness({ depth: 2 });
    nodes = await startNodes(h, [0, 1, 2]);
  });
  afterAll(async () => {
    await Promise.all((nodes ?? []).map((n) => n.stop()));
    await h?.stop();
  });

  const subject = () => chainCurseSubject(h.pair.a.chainSelector);
  const isCursed = () =>
    h.pair.b.clients.public.readContract({ address: h.pair.b.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'isCursed', args: [subject()] });

  it('one byzantine RMN signer alone cannot make a curse (fSign = 1)', async () => {
    const byz = h.keys[2]!.signingKey;
    const domain = await nodes[0]!.chains.get(h.pair.b.chainSelector)!.domain();
    const { signer, signature } = await signRmnDigest(byz, rmnCurseDigest(domain, 0n, [subject()]));
    const vote: CurseVote = { chainSelector: h.pair.b.chainSelector, generation: 0n, subjects: [subject()], signer, signature, reason: 'byzantine' };
    for (const n of nodes.slice(0, 2)) {
      expect(await postRmnRequest(n.url, RMN_API_PATHS.curseVote, vote, byz)).toEqual({ accepted: 1 });
    }
    // The honest nodes hold the vote but add none of their own: no fraud was seen.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const n of nodes.slice(0, 2)) expect(n.curses.pool.count(h.pair.b.chainSelector, 0n, subject())).toBe(1);
    expect(await isCursed()).toBe(false);
  });

  it('curse votes from non-peers are refused with 401', async () => {
    const outsider = keccak256(toHex('outsider'));
    await expect(postRmnRequest(nodes[0]!.url, RMN_API_PATHS.curseVote, {}, outsider)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('checks executions of a verified root against its kept leaves: no source read per executed message', async () => {
    const fromBlock = await h.pair.a.clients.public.getBlockNumber();
    await sendMessages(h, 3, 'honest');
    await mine(h, 3);
    const sent = await getSentMessages(h.pair.relay, fromBlock + 1n);
    expect(sent).toHaveLength(3);
    const before = nodes.map((n) => n.fraudWatch.status().verifiedIntervals);
    await commitMessages(h.pair.relay, sent, { blessed: false });
    await mine(h, 3);
    for (const [i, n] of nodes.entries()) await waitFor('honest root verified', async () => n.fraudWatch.status().verifiedIntervals > before[i]!, 15_000);
    const src = nodes[0]!.sources.get(h.pair.a.chainSelector)!;
    const interval = src.interval.bind(src);
    let reads = 0;
    src.interval = (...args) => (reads++, interval(...args));
    try {
      await executeMessages(h.pair.relay, sent, sent);
      const execBlock = await h.pair.b.clients.public.getBlockNumber();
      await mine(h, 3);
      const dest = h.pair.b.chainSelector.toString();
      // The tick that scanned past the execution settles it before the next one starts.
      await waitFor('execution block scanned', async () => BigInt(nodes[0]!.fraudWatch.status().destHeads[dest] ?? '0') >= execBlock, 15_000);
      await waitFor('executions settled', async () => nodes[0]!.fraudWatch.status().pendingExecutions === 0, 15_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(reads).toBe(0);
      expect(await isCursed()).toBe(false);
    } finally {
      src.interval = interval;
    }
  });

  it('re-derives a forged committed root, votes, and fSign+1 votes curse the source on the destination within a few blocks', async () => {
    const fromBlock = await h.pair.a.clients.public.getBlockNumber();
    await sendMessages(h, 3, 'fraud');
    await mine(h, 3);
    const sent = await getSentMessages(h.pair.relay, fromBlock + 1n);
    const leaves = leavesOf(h.pair.relay, sent);
    leaves[2] = keccak256(toHex('forged message'));
    const forged = { ...merkleRootOf(h.pair.relay, sent), merkleRoot: getMerkleRoot(leaves) };
    await commitMessages(h.pair.relay, sent, { blessed: false, root: forged });
    await mine(h, 3);
    await waitFor('curse of the source on the destination', isCursed, 15_000);
    // Only the destination: the source's RMNRemote curses nothing.
    const onA = await h.pair.a.clients.public.readContract({ address: h.pair.a.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'getCursedSubjects' });
    expect(onA).toEqual([]);
    const onB = await h.pair.b.clients.public.readContract({ address: h.pair.b.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'getCursedSubjects' });
    expect(onB).toEqual([subject()]);
    for (const n of nodes) await waitFor('every node sees the curse done', async () => n.curses.pool.ready().length === 0, 10_000);
  });
});
