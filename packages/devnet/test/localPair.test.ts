import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256, parseEther, toHex, zeroAddress, type Address, type Hex } from 'viem';
import {
  burnMintErc20Abi,
  getMessageId,
  messageReceiverAbi,
  MessageExecutionState,
  offRampAbi,
  routerAbi,
} from '@openccip/sdk';
import {
  ANVIL_KEYS,
  commitMessages,
  deployLocalPair,
  deployTokenWithPool,
  executeMessages,
  getExecutionStates,
  getSentMessages,
  makeChainClients,
  merkleRootOf,
  mintTokens,
  send,
  startAnvil,
  wireTokenPool,
  type Anvil,
  type LocalPair,
} from '../src/index.js';

// The whole on-chain protocol on a real anvil chain, driven through the SDK's hashing, merkle and report codecs.
describe('two CCIP stacks on anvil', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  const user = (i = 1) => makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[i]!);

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  const message = (receiver: Address, data: Hex, tokenAmounts: { token: Address; amount: bigint }[] = []) => ({
    receiver: encodeAbiParameters([{ type: 'address' }], [receiver]),
    data,
    tokenAmounts,
    feeToken: zeroAddress,
    extraArgs: '0x' as Hex,
  });
  const ccipSend = async (m: ReturnType<typeof message>, from = user()) => {
    const { a, b } = pair;
    const fee = await a.clients.public.readContract({
      address: a.contracts.router,
      abi: routerAbi,
      functionName: 'getFee',
      args: [b.chainSelector, m],
    });
    return send(from, a.contracts.router, routerAbi, 'ccipSend', [b.chainSelector, m], fee);
  };

  it('sends, commits with DON + RMN signatures, executes, and the receiver gets the message', async () => {
    const { a, b, relay } = pair;
    const from = (await a.clients.public.getBlockNumber({ cacheTime: 0 })) + 1n;
    await ccipSend(message(b.contracts.messageReceiver, toHex('hello B')));
    const sent = await getSentMessages(relay, from);
    expect(sent).toHaveLength(1);
    const m = sent[0]!;
    expect(getMessageId(m, a.contracts.onRamp)).toBe(m.header.messageId); // SDK and OnRamp agree on the id

    await commitMessages(relay, sent);
    const root = merkleRootOf(relay, sent);
    const ts = await b.clients.public.readContract({
      address: b.contracts.offRamp,
      abi: offRampAbi,
      functionName: 'getMerkleRoot',
      args: [a.chainSelector, root.merkleRoot],
    });
    expect(ts).toBeGreaterThan(0n);

    await executeMessages(relay, sent, sent);
    expect(await getExecutionStates(relay, sent)).toEqual([MessageExecutionState.SUCCESS]);
    const expected = await b.clients.public.readContract({
      address: b.contracts.messageReceiver,
      abi: messageReceiverAbi,
      functionName: 'messageDigest',
      args: [m.header.messageId, a.chainSelector, encodeAbiParameters([{ type: 'address' }], [m.sender]), m.data],
    });
    const last = await b.clients.public.readContract({
      address: b.contracts.messageReceiver,
      abi: messageReceiverAbi,
      functionName: 'getLastMessageDigest',
    });
    expect(last).toBe(expected);

    // Replaying the execution is a skip, never a second delivery.
    await executeMessages(relay, sent, sent);
    expect(await getExecutionStates(relay, sent)).toEqual([MessageExecutionState.SUCCESS]);
  });

  it('refuses an unblessed root and a root blessed for different content on an RMN-verified lane', async () => {
    const { a, b, relay } = pair;
    const from = (await a.clients.public.getBlockNumber({ cacheTime: 0 })) + 1n;
    await ccipSend(message(b.contracts.messageReceiver, toHex('needs blessing')));
    const sent = await getSentMessages(relay, from);
    await expect(commitMessages(relay, sent, { blessed: false })).rejects.toThrow(/commit/);
    relay.ocrSeqNr++;
    const forged = { ...merkleRootOf(relay, sent), merkleRoot: keccak256(toHex('forged')) };
    await expect(commitMessages(relay, sent, { root: forged, blessed: true })).resolves.toBeTruthy(); // RMN keys sign anything here
    // ...but the genuine messages cannot be proven against the forged root.
    await expect(executeMessages(relay, sent, sent)).rejects.toThrow(/execute/);
  });

  it('moves a burn/mint token A → B: burned on A, minted to the receiver on B', async () => {
    const { a, b, relay } = pair;
    const tA = await deployTokenWithPool(a, { name: 'Test', symbol: 'TST', decimals: 18, type: 'burn-mint' });
    const tB = await deployTokenWithPool(b, { name: 'Test', symbol: 'TST', decimals: 18, type: 'burn-mint' });
    await wireTokenPool(a, tA, [tB]);
    await wireTokenPool(b, tB, [tA]);
    // Another sender: the previous test left user 1's ordered message stuck behind a forged root, as it should.
    const u = user(3);
    await mintTokens(a, tA, u.wallet.account.address, parseEther('10'));
    await send(u, tA.token, burnMintErc20Abi, 'approve', [a.contracts.router, parseEther('10')]);
    const eoa = '0x000000000000000000000000000000000000bEEF' as Address;

    const from = (await a.clients.public.getBlockNumber({ cacheTime: 0 })) + 1n;
    await ccipSend(message(eoa, '0x', [{ token: tA.token, amount: parseEther('3') }]), u);
    const sent = await getSentMessages(relay, from);
    const supplyA = await a.clients.public.readContract({ address: tA.token, abi: burnMintErc20Abi, functionName: 'totalSupply' });
    expect(supplyA).toBe(parseEther('7'));

    await commitMessages(relay, sent);
    await executeMessages(relay, sent, sent);
    expect(await getExecutionStates(relay, sent)).toEqual([MessageExecutionState.SUCCESS]);
    const got = await b.clients.public.readContract({ address: tB.token, abi: burnMintErc20Abi, functionName: 'balanceOf', args: [eoa] });
    expect(got).toBe(parseEther('3'));
  });
});
