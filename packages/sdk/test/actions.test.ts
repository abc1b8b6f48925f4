import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAddress, parseEther, toHex, zeroAddress, type Address, type Hex } from 'viem';
import {
  buildMessage,
  configurableReceiverAbi,
  getFee,
  getMessageStatus,
  getMessagesInTx,
  InsufficientBalanceError,
  LaneNotConfiguredError,
  linkTokenAbi,
  manualExecute,
  MessageAlreadyExecutedError,
  MessageExecutionState,
  MessageNotCommittedError,
  MessageNotFoundError,
  sendMessage,
  waitForExecution,
  WaitTimeoutError,
  burnMintErc20Abi,
  type EVM2AnyRampMessage,
  type MessageStatus,
} from '../src/index.js';
import { configurableReceiverBytecode } from '../src/bytecode/index.js';
import {
  ANVIL_KEYS,
  commitMessages,
  deploy,
  deployLocalPair,
  deployTokenWithPool,
  executeMessages,
  startAnvil,
  makeChainClients,
  mintTokens,
  send,
  wireTokenPool,
  type ChainClients,
  type Anvil,
  type LocalPair,
} from '@openccip/devnet';


describe('SDK actions against two CCIP stacks on anvil', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  const user = (i: number): ChainClients => makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[i]!);
  const statusOf = (messageId: Hex) =>
    getMessageStatus(pair.a.clients.public, pair.b.clients.public, {
      messageId,
      sourceRouter: pair.a.contracts.router,
      destRouter: pair.b.contracts.router,
    });
  const toB = (message: ReturnType<typeof buildMessage>, fee?: bigint) => ({
    router: pair.a.contracts.router,
    destChainSelector: pair.b.chainSelector,
    message,
    fee,
  });

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('sends with a native fee and follows the message sent → committed → executed', async () => {
    const { a, b, relay } = pair;
    const message = buildMessage({ receiver: b.contracts.messageReceiver, data: toHex('hello via actions') });
    const fee = await getFee(a.clients.public, toB(message));
    expect(fee).toBeGreaterThan(0n);

    const sent = await sendMessage(user(1), toB(message));
    expect(sent.fee).toBe(fee);
    expect(sent.approvals).toEqual([]);
    expect(sent.message.header.messageId).toBe(sent.messageId);
    expect(sent.onRamp).toBe(getAddress(a.contracts.onRamp));

    const inTx = await getMessagesInTx(a.clients.public, sent.txHash);
    expect(inTx.map((m) => m.message.header.messageId)).toEqual([sent.messageId]);
    expect(inTx[0]!.onRamp).toBe(getAddress(a.contracts.onRamp));

    let status = await statusOf(sent.messageId);
    expect(status.state).toBe('sent');
    expect(status.sent).toMatchObject({ tx: sent.txHash, sourceChainSelector: a.chainSelector, destChainSelector: b.chainSelector });
    expect(status.offRamp).toBe(getAddress(b.contracts.offRamp));

    const commit = await commitMessages(relay, [sent.message]);
    status = await statusOf(sent.messageId);
    expect(status.state).toBe('committed');
    expect(status.committed).toMatchObject({
      tx: commit.hash,
      minSeqNr: sent.message.header.sequenceNumber,
      maxSeqNr: sent.message.header.sequenceNumber,
      blessed: true,
    });

    const exec = await executeMessages(relay, [sent.message], [sent.message]);
    // looked up by tx hash this time, with the OffRamp given directly
    status = await getMessageStatus(a.clients.public, b.clients.public, { txHash: sent.txHash, destOffRamp: b.contracts.offRamp });
    expect(status.state).toBe('executed');
    expect(status.executions).toHaveLength(1);
    expect(status.executions[0]).toMatchObject({ tx: exec.hash, state: MessageExecutionState.SUCCESS });
  });

  it('pays the fee in LINK (approving the Router) and refuses when the LINK balance is short', async () => {
    const { a, b, relay } = pair;
    const u = user(4);
    const message = buildMessage({ receiver: b.contracts.messageReceiver, data: '0x01', feeToken: a.contracts.linkToken, gasLimit: 300_000n });
    await expect(sendMessage(u, toB(message))).rejects.toBeInstanceOf(InsufficientBalanceError);

    await send(a.clients, a.contracts.linkToken, linkTokenAbi, 'mint', [u.wallet.account.address, parseEther('100')]);
    const sent = await sendMessage(u, toB(message));
    expect(sent.approvals).toHaveLength(1);
    expect(sent.message.feeToken).toBe(getAddress(a.contracts.linkToken));
    expect(sent.message.feeTokenAmount).toBe(sent.fee);
    const left = await a.clients.public.readContract({ address: a.contracts.linkToken, abi: linkTokenAbi, functionName: 'balanceOf', args: [u.wallet.account.address] });
    expect(left).toBe(parseEther('100') - sent.fee);

    await commitMessages(relay, [sent.message]);
    await executeMessages(relay, [sent.message], [sent.message]);
    expect((await statusOf(sent.messageId)).state).toBe('executed');
  });

  it('sends a token (approving it) and the receiver gets it on B', async () => {
    const { a, b, relay } = pair;
    const tA = await deployTokenWithPool(a, { name: 'Test', symbol: 'TST', decimals: 18, type: 'burn-mint' });
    const tB = await deployTokenWithPool(b, { name: 'Test', symbol: 'TST', decimals: 18, type: 'burn-mint' });
    await wireTokenPool(a, tA, [tB]);
    await wireTokenPool(b, tB, [tA]);
    const u = user(5);
    await mintTokens(a, tA, u.wallet.account.address, parseEther('5'));
    const eoa = '0x000000000000000000000000000000000000bEEF' as Address;

    const sent = await sendMessage(u, toB(buildMessage({ receiver: eoa, tokenAmounts: [{ token: tA.token, amount: parseEther('2') }] })));
    expect(sent.approvals).toHaveLength(1);
    expect(sent.message.tokenAmounts[0]!.amount).toBe(parseEther('2'));
    await commitMessages(relay, [sent.message]);
    await executeMessages(relay, [sent.message], [sent.message]);
    expect((await statusOf(sent.messageId)).state).toBe('executed');
    const got = await b.clients.public.readContract({ address: tB.token, abi: burnMintErc20Abi, functionName: 'balanceOf', args: [eoa] });
    expect(got).toBe(parseEther('2'));
  });

  it('reports an unsupported lane and an unknown message id', async () => {
    const { a } = pair;
    const message = buildMessage({ receiver: zeroAddress });
    await expect(getFee(a.clients.public, { router: a.contracts.router, destChainSelector: 12345n, message })).rejects.toBeInstanceOf(
      LaneNotConfiguredError,
    );
    await expect(statusOf(`0x${'ab'.repeat(32)}`)).rejects.toBeInstanceOf(MessageNotFoundError);
  });

  it('waits through each stage, reporting progress, and times out on a message nobody commits', async () => {
    const { b, relay } = pair;
    const u = user(6);
    const sent = await sendMessage(u, toB(buildMessage({ receiver: b.contracts.messageReceiver, data: '0x02' })));
    await expect(
      waitForExecution(pair.a.clients.public, b.clients.public, { messageId: sent.messageId, destRouter: b.contracts.router, timeoutMs: 300, pollMs: 50 }),
    ).rejects.toBeInstanceOf(WaitTimeoutError);

    const seen: string[] = [];
    const waiting = waitForExecution(pair.a.clients.public, b.clients.public, {
      txHash: sent.txHash,
      destRouter: b.contracts.router,
      timeoutMs: 20_000,
      pollMs: 50,
      onProgress: (s) => seen.push(s.state),
    });
    // Each stage is reported when a poll sees it: move on only once it was (a slow poll must not skip one).
    await vi.waitFor(() => expect(seen.at(-1)).toBe('sent'), { timeout: 10_000, interval: 20 });
    await commitMessages(relay, [sent.message]);
    await vi.waitFor(() => expect(seen.at(-1)).toBe('committed'), { timeout: 10_000, interval: 20 });
    await executeMessages(relay, [sent.message], [sent.message]);
    const final = await waiting;
    expect(final.state).toBe('executed');
    expect(seen).toEqual(['sent', 'committed', 'executed']);
  });

  it('a reverting receiver fails; manualExecute proves it within a 3-message interval after the fix', async () => {
    const { a, b, relay } = pair;
    const owner = b.clients; // deployer owns the receiver
    const receiver = await deploy(owner, 'ConfigurableReceiver', configurableReceiverAbi, configurableReceiverBytecode, [b.contracts.router]);
    await send(owner, receiver, configurableReceiverAbi, 'setRevert', [true]);

    const u = user(3);
    const first = await sendMessage(u, toB(buildMessage({ receiver: b.contracts.messageReceiver, data: '0x03' })));
    const failing = await sendMessage(u, toB(buildMessage({ receiver, data: toHex('please'), gasLimit: 250_000n })));
    const last = await sendMessage(u, toB(buildMessage({ receiver: b.contracts.messageReceiver, data: '0x04', allowOutOfOrderExecution: true })));
    const interval: EVM2AnyRampMessage[] = [first.message, failing.message, last.message];

    const dest = user(8); // anyone may manually execute a FAILURE
    const mParams = { source: a.clients.public, messageId: failing.messageId, destRouter: b.contracts.router };
    await expect(manualExecute(dest, mParams)).rejects.toBeInstanceOf(MessageNotCommittedError);

    await commitMessages(relay, interval);
    await executeMessages(relay, interval, interval);
    let status: MessageStatus = await statusOf(failing.messageId);
    expect(status.state).toBe('failed');
    expect(status.committed).toMatchObject({ minSeqNr: first.message.header.sequenceNumber, maxSeqNr: last.message.header.sequenceNumber });
    expect(status.executions.map((e) => e.state)).toEqual([MessageExecutionState.FAILURE]);
    expect((await statusOf(last.messageId)).state).toBe('executed');

    // Still reverting: the retry reverts and the error names the receiver's reason.
    await expect(manualExecute(dest, mParams)).rejects.toThrow(/ReceiverRejected/);

    await send(owner, receiver, configurableReceiverAbi, 'setRevert', [false]);
    // A gas limit below the message's is refused by the OffRamp.
    await expect(manualExecute(dest, { ...mParams, gasLimit: 1_000n })).rejects.toThrow(/InvalidManualExecutionGasLimit/);
    const res = await manualExecute(dest, { ...mParams, gasLimit: 400_000n });
    expect(res.execution.state).toBe(MessageExecutionState.SUCCESS);

    status = await statusOf(failing.messageId);
    expect(status.state).toBe('executed');
    expect(status.executions.map((e) => e.state)).toEqual([MessageExecutionState.FAILURE, MessageExecutionState.SUCCESS]);
    expect(status.executions[1]!.tx).toBe(res.txHash);
    const count = await b.clients.public.readContract({ address: receiver, abi: configurableReceiverAbi, functionName: 'getReceivedCount' });
    expect(count).toBe(1n);

    await expect(manualExecute(dest, mParams)).rejects.toBeInstanceOf(MessageAlreadyExecutedError);
  });
});
