import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAbiParameters, toHex, zeroAddress, type Hex } from 'viem';
import { getMerkleRoot, offRampAbi, reportContext, routerAbi, signOcrReport } from '@openccip/sdk';
import {
  ANVIL_KEYS,
  deployLocalPair,
  getSentMessages,
  leavesOf,
  makeChainClients,
  send,
  startAnvil,
  type Anvil,
  type LocalPair,
} from '@openccip/devnet';
import { createCommitPlugin } from '../src/plugins/commit/plugin.js';
import { createRmnBlessingClient } from '../src/rmn/client.js';
import { createRmnConfigCache, readRmnRemoteConfig } from '../src/rmn/config.js';
import { readSources } from '../src/runtime/commitDeps.js';
import { startRmnStandIn, type RmnStandIn } from './rmnStandIn.js';

// A blessed commit built by the plugin (query → outcome → report) is accepted by a real OffRamp whose lane has RMN
// verification on: checks the digest's domain (chain id, RMNRemote, OffRamp, config digest) against RMNRemote.verify.
describe('blessed commit on a real OffRamp', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let standIns: RmnStandIn[] = [];

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(standIns.map((s) => s.stop()));
    await anvil?.stop();
  });

  it('commits RMN-blessed roots collected over HTTP; the OffRamp accepts them', async () => {
    const { a, b, relay } = pair;
    const user = makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[1]!);
    const msg = {
      receiver: encodeAbiParameters([{ type: 'address' }], [b.contracts.messageReceiver]),
      data: toHex('blessed'),
      tokenAmounts: [],
      feeToken: zeroAddress,
      extraArgs: '0x' as Hex,
    };
    for (let i = 0; i < 2; i++) {
      const fee = await a.clients.public.readContract({ address: a.contracts.router, abi: routerAbi, functionName: 'getFee', args: [b.chainSelector, msg] });
      await send(user, a.contracts.router, routerAbi, 'ccipSend', [b.chainSelector, msg], fee);
    }
    const sent = await getSentMessages(relay);
    const leaves = leavesOf(relay, sent);

    const destClient = b.clients.public;
    const sources = await readSources(destClient, b.contracts.offRamp);
    expect(sources.map((s) => [s.chainSelector, s.requiresBlessing])).toEqual([[a.chainSelector, true]]);
    standIns = await Promise.all(
      relay.rmnKeys.map((k) =>
        startRmnStandIn(k, { destChainId: 31337n, rmnRemote: b.contracts.rmnRemote, rmnHomeConfigDigest: relay.rmnConfigDigest }),
      ),
    );
    const readNextSeqNr = async (s: bigint) =>
      (await destClient.readContract({ address: b.contracts.offRamp, abi: offRampAbi, functionName: 'getSourceChainConfig', args: [s] })).minSeqNr;
    const plugin = createCommitPlugin(
      {
        destChainSelector: b.chainSelector,
        sources,
        readNextSeqNr,
        readLeaves: async (_s, from, max) => leaves.slice(Number(from) - 1, Number(from) - 1 + max),
        now: () => Math.floor(Date.now() / 1000),
        rmn: {
          destChainId: 31337n,
          rmnRemote: b.contracts.rmnRemote,
          offRamp: b.contracts.offRamp,
          config: createRmnConfigCache(() => readRmnRemoteConfig(destClient, b.contracts.rmnRemote)),
          client: createRmnBlessingClient({
            nodes: standIns.map((s, i) => ({ name: `rmn-${i}`, url: s.url, signer: s.signer })),
            privateKey: relay.ocrKeys[0]!,
          }),
        },
      },
      relay.F,
    );
    const ctx = { instance: 'commit', seqNr: 1n, epoch: 0, leader: 0 };
    const query = await plugin.query(ctx);
    expect(query).not.toBe('0x');
    const observation = await plugin.observation(ctx, query);
    const aos = [0, 1, 2].map((observer) => ({ observer, observation }));
    const [report] = await plugin.reports(1n, plugin.outcome(ctx, query, aos));
    expect(report!.info).toMatch(/\*/); // a blessed root

    const rc = reportContext(relay.configDigest, relay.ocrSeqNr++);
    const sigs = await signOcrReport(relay.ocrKeys.slice(0, relay.F + 1), report!.report, rc);
    await send(relay.transmitter, b.contracts.offRamp, offRampAbi, 'commit', [rc, report!.report, sigs.rs, sigs.ss, sigs.rawVs]);
    expect(await readNextSeqNr(a.chainSelector)).toBe(3n);
    const ts = await destClient.readContract({
      address: b.contracts.offRamp,
      abi: offRampAbi,
      functionName: 'getMerkleRoot',
      args: [a.chainSelector, getMerkleRoot(leaves)],
    });
    expect(ts).toBeGreaterThan(0n);
    // Nothing left: the next round asks nobody.
    expect(await plugin.query({ ...ctx, seqNr: 2n })).toBe('0x');
  }, 120_000);
});
