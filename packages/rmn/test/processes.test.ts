import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak256, toHex } from 'viem';
import { chainCurseSubject, getMerkleRoot, rmnRemoteAbi } from '@openccip/sdk';
import { commitMessages, deployLocalPair, getSentMessages, leavesOf, merkleRootOf, startAnvil, startRmnNodes, type Anvil, type LocalPair, type RmnNodes } from '@openccip/devnet';
import { sendMessages, waitFor } from './helpers.js';

// Real `openccip-rmn` processes (started the way the devnet starts them) against a compromised commit DON.
describe('openccip-rmn processes', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let rmn: RmnNodes;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rmn-proc-'));
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337, { rmnVerification: false });
    rmn = await startRmnNodes([pair.a, pair.b], { dir, depth: 2, pollIntervalMs: 250, count: 3, fSign: 1 });
    // Blocks on a clock from now on, so finality advances by itself.
    await pair.a.clients.public.request({ method: 'evm_setIntervalMining' as never, params: [1] as never });
  });
  afterAll(async () => {
    await rmn?.stop();
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serve their status and curse the source of a forged committed root on the destination', async () => {
    const status = (await (await fetch(`${rmn.nodes[0]!.url}/v1/status`)).json()) as { signer: string; chains: unknown[] };
    expect(status.signer).toBe(rmn.nodes[0]!.signer);
    expect(status.chains).toHaveLength(2);

    await sendMessages({ anvil, pair }, 2);
    const sent = await getSentMessages(pair.relay);
    const leaves = leavesOf(pair.relay, sent);
    leaves[0] = keccak256(toHex('forged'));
    await commitMessages(pair.relay, sent, { blessed: false, root: { ...merkleRootOf(pair.relay, sent), merkleRoot: getMerkleRoot(leaves) } });
    const subject = chainCurseSubject(pair.a.chainSelector);
    await waitFor(
      'curse of the source on the destination',
      () => pair.b.clients.public.readContract({ address: pair.b.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'isCursed', args: [subject] }),
      20_000,
      250,
    );
    // Every node took part: each holds the fSign+1 (or more) votes.
    const all = await Promise.all(rmn.nodes.map(async (n) => ((await (await fetch(`${n.url}/v1/status`)).json()) as { votesHeld: number }).votesHeld));
    expect(all.every((v) => v >= 2)).toBe(true);
  });
});
