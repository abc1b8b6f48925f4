import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { keccak256, toHex, type Hex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import {
  RMN_API_PATHS,
  RmnApiError,
  decodeSignatureResponse,
  encodeRmnJson,
  chainCurseSubject,
  orderRmnSignatures,
  postRmnRequest,
  rmnRemoteAbi,
  type BlessRequest,
  type MerkleRoot,
} from '@openccip/sdk';
import { getSentMessages, leavesOf, merkleRootOf, send } from '@openccip/devnet';
import { ChainAccess, CurseStatusCache, RmnRefusal, SourceReader, bless, noopLogger, type BlessDeps, type RmnNode } from '../src/index.js';
import { mine, sendMessages, setupHarness, startNodes, startRpcCounter, type Harness } from './helpers.js';

// Blessing against real chains and real HTTP: three in-process RMN nodes (fSign = 1) watching two CCIP stacks.
describe('RMN blessing', () => {
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

  const request = (roots: MerkleRoot[]): BlessRequest => ({ destChainSelector: h.pair.b.chainSelector, offRamp: h.pair.b.contracts.offRamp, merkleRoots: roots });
  const commitSigner = () => h.pair.relay.ocrKeys[0]!;
  const ask = async (node: RmnNode, req: BlessRequest, key: Hex = commitSigner()) => decodeSignatureResponse(await postRmnRequest(node.url, RMN_API_PATHS.bless, req, key));
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RmnApiError);
    return (err as RmnApiError).code;
  };
  const verify = (roots: MerkleRoot[], sigs: { signer: `0x${string}`; r: Hex; s: Hex }[]) =>
    h.pair.b.clients.public.readContract({
      address: h.pair.b.contracts.rmnRemote,
      abi: rmnRemoteAbi,
      functionName: 'verify',
      args: [h.pair.b.contracts.offRamp, roots, orderRmnSignatures(sigs.map((s) => ({ signer: s.signer, signature: { r: s.r, s: s.s } })))],
    });

  it('signs a correct finalized root; RMNRemote.verify accepts fSign+1 signatures and refuses one', async () => {
    await sendMessages(h, 3, 'ok');
    await mine(h, 3);
    const sent = await getSentMessages(h.pair.relay);
    const root = merkleRootOf(h.pair.relay, sent);
    const sigs = await Promise.all(nodes.slice(0, 2).map((n) => ask(n, request([root]))));
    expect(new Set(sigs.map((s) => s.signer.toLowerCase())).size).toBe(2);
    await expect(verify([root], sigs)).resolves.toBeUndefined();
    await expect(verify([root], sigs.slice(0, 1))).rejects.toThrow(/ThresholdNotMet|revert/);
  });

  it('refuses a root with one changed leaf (root-mismatch) and a wrong OnRamp (unknown-lane)', async () => {
    const sent = await getSentMessages(h.pair.relay);
    const leaves = leavesOf(h.pair.relay, sent);
    leaves[1] = keccak256(toHex('forged'));
    const good = merkleRootOf(h.pair.relay, sent);
    const { getMerkleRoot } = await import('@openccip/sdk');
    const forged = { ...good, merkleRoot: getMerkleRoot(leaves) };
    expect(await refusal(ask(nodes[0]!, request([forged])))).toBe('root-mismatch');
    // A root over a subset of the interval with the full root's hash does not match either.
    expect(await refusal(ask(nodes[1]!, request([{ ...good, maxSeqNr: good.maxSeqNr - 1n }])))).toBe('root-mismatch');
    expect(await refusal(ask(nodes[0]!, request([{ ...good, onRampAddress: `0x${'00'.repeat(12)}${'11'.repeat(20)}` }])))).toBe('unknown-lane');
  });

  it('refuses an interval the source has not finalized (not-finalized), then signs it once it is', async () => {
    const before = (await getSentMessages(h.pair.relay)).length;
    await sendMessages(h, 1, 'late'); // the head now holds it, depth 2 is not reached
    const sent = await getSentMessages(h.pair.relay);
    expect(sent.length).toBe(before + 1);
    const root = merkleRootOf(h.pair.relay, sent.slice(before));
    expect(await refusal(ask(nodes[2]!, request([root])))).toBe('not-finalized');
    await mine(h, 2);
    const sig = await ask(nodes[2]!, request([root]));
    expect(sig.signer.toLowerCase()).toBe(nodes[2]!.signer.toLowerCase());
  });

  it('answers 401 to callers that are not commit OCR signers, to unsigned requests and to stale signatures', async () => {
    const sent = await getSentMessages(h.pair.relay);
    const root = merkleRootOf(h.pair.relay, sent.slice(0, 1));
    expect(await refusal(ask(nodes[0]!, request([root]), generatePrivateKey()))).toBe('unauthorized');
    // An RMN peer is not a commit signer either.
    expect(await refusal(ask(nodes[0]!, request([root]), h.keys[1]!.signingKey))).toBe('unauthorized');
    const res = await fetch(nodes[0]!.url + RMN_API_PATHS.bless, { method: 'POST', body: encodeRmnJson(request([root])), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('unauthorized');
    // A body signed for another path does not authenticate this one.
    const { signRmnRequest } = await import('@openccip/sdk');
    const body = encodeRmnJson(request([root]));
    const headers = await signRmnRequest(commitSigner(), RMN_API_PATHS.curseVote, body);
    const res2 = await fetch(nodes[0]!.url + RMN_API_PATHS.bless, { method: 'POST', body, headers });
    expect(res2.status).toBe(401);
  });

  it('rejects bodies over 1 MB and serves its status', async () => {
    const res = await fetch(nodes[0]!.url + RMN_API_PATHS.bless, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(400);
    const status = (await (await fetch(nodes[0]!.url + RMN_API_PATHS.status)).json()) as { name: string; signer: string; chains: unknown[] };
    expect(status.name).toBe('rmn-0');
    expect(status.signer).toBe(nodes[0]!.signer);
    expect(status.chains).toHaveLength(2);
  });

  it('a burst of bless requests costs a few RPC calls; a curse is seen within about a second', async () => {
    // The blessing path on its own chain clients (not a running node's, whose loop reads too), counting RPC calls.
    const cfg = h.configFor(0);
    const counter = await startRpcCounter(h.anvil.rpcUrl); // both stacks live on this anvil
    onTestFinished(() => counter.stop());
    const chains = new Map(cfg.chains.map((c) => [c.chainSelector, new ChainAccess({ ...c, rpcUrl: counter.url }, h.keys[0]!.transactionKey)]));
    const dests = [...chains.keys()];
    const sources = new Map([...chains].map(([sel, c]) => [sel, new SourceReader(c, dests.filter((d) => d !== sel), BigInt(cfg.logChunkBlocks), noopLogger)]));
    const deps: BlessDeps = { chains, sources, curseStatus: new CurseStatusCache(), signingKey: h.keys[0]!.signingKey, log: noopLogger };
    const root = merkleRootOf(h.pair.relay, await getSentMessages(h.pair.relay));

    const cold = await Promise.all(Array.from({ length: 10 }, () => bless(deps, request([root]))));
    expect(new Set(cold.map((r) => r.r)).size).toBe(1);
    // Sync (block number, block, logs), the OnRamp's next seqNr, curse status, lane config, RMNRemote domain.
    expect(counter.calls.length).toBeGreaterThanOrEqual(5);
    expect(counter.calls.length).toBeLessThanOrEqual(8);
    counter.calls.length = 0;
    for (let i = 0; i < 10; i++) await bless(deps, request([root]));
    await Promise.all(Array.from({ length: 10 }, () => bless(deps, request([root]))));
    expect(counter.calls.length).toBeLessThanOrEqual(1); // at most the curse status, read again after a second

    const subject = chainCurseSubject(h.pair.a.chainSelector);
    await send(h.pair.b.clients, h.pair.b.contracts.rmnRemote, rmnRemoteAbi, 'curse', [subject]);
    try {
      await new Promise((r) => setTimeout(r, 1_100));
      const err = await bless(deps, request([root])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RmnRefusal);
      expect((err as RmnRefusal).code).toBe('cursed');
    } finally {
      await send(h.pair.b.clients, h.pair.b.contracts.rmnRemote, rmnRemoteAbi, 'uncurse', [subject]);
    }
  });
});
