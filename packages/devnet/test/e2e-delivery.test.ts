import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { toHex } from 'viem';
import { configurableReceiverAbi, getMessageStatus, MessageExecutionState } from '@openccip/sdk';
import { configurableReceiverBytecode } from '@openccip/sdk/bytecode';
import { deploy, makeChainClients, send } from '../src/index.js';
import { startE2eDevnet, type E2eDevnet } from './e2e/devnetFixture.js';
import { exactlyOnceProblems, inboundNonce, nonceOrderProblems, outboundNonce, receivedMessages, unexpectedExecutions, waitForExecutions } from './e2e/executions.js';
import { INSUFFICIENT_GAS_TO_COMPLETE_TX, revertedTransmissions } from './e2e/nodeLogs.js';
import { abiAddress, lanes, sendBurst, type Send, type Sent } from './e2e/traffic.js';

// Issue 3 end to end: 3 anvil chains, 4 DON node processes (f = 1), messages over all 6 lanes.
describe('e2e: delivery over every lane', () => {
  let devnet: E2eDevnet;
  /** Everything sent in this file: no OffRamp may execute anything else. */
  const allSent: Sent[] = [];

  beforeAll(async () => {
    devnet = await startE2eDevnet('delivery');
  }, 120_000);
  afterAll(async () => {
    await devnet?.teardown();
  });

  it('delivers a message between every pair of chains with the right id, source, sender and data', async () => {
    const sends: Send[] = lanes(devnet.file).map(([from, to]) => ({
      from,
      to,
      account: 0,
      receiver: to.contracts.messageReceiver,
      data: toHex(`hello ${to.name}, from ${from.name}`),
    }));
    const sent = await sendBurst(sends);
    allSent.push(...sent);
    const all = await waitForExecutions(devnet.file, sent, 90_000);
    expect(exactlyOnceProblems(all, sent)).toEqual([]);

    for (const s of sent) {
      const received = (await receivedMessages(s.to)).get(s.message.header.messageId);
      expect(received, `${s.from.name} → ${s.to.name}: no MessageReceived`).toBeDefined();
      expect(received!.sourceChainSelector).toBe(BigInt(s.from.chainSelector));
      expect(received!.sender).toBe(abiAddress(s.from.accounts[0]!.address).toLowerCase());
      expect(received!.data).toBe(toHex(`hello ${s.to.name}, from ${s.from.name}`));
    }
  }, 120_000);

  it('executes a burst of 300 ordered messages over all 6 lanes exactly once, each sender in nonce order', async () => {
    const senders = [1, 2, 3];
    const sends: Send[] = [];
    for (const from of devnet.file.chains) {
      const dests = devnet.file.chains.filter((c) => c !== from);
      for (let i = 0; i < 100; i++) {
        const to = dests[Math.floor(i / senders.length) % dests.length]!;
        sends.push({ from, to, account: senders[i % senders.length]!, receiver: to.contracts.messageReceiver, data: toHex(`burst ${i}`) });
      }
    }
    // Ordered senders' inbound nonces before the burst (the same accounts may have sent before).
    const before = new Map<string, bigint>();
    const pairKey = (s: Send) => `${s.from.chainSelector}/${s.to.chainSelector}/${s.account}`;
    for (const s of sends) {
      if (!before.has(pairKey(s))) before.set(pairKey(s), await inboundNonce(s.to, s.from, s.from.accounts[s.account]!.address));
    }

    const t0 = Date.now();
    const sent = await sendBurst(sends);
    allSent.push(...sent);
    const all = await waitForExecutions(devnet.file, sent, 150_000);
    console.log(`e2e burst: 300 messages sent and executed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(exactlyOnceProblems(all, sent)).toEqual([]);
    expect(nonceOrderProblems(all, sent)).toEqual([]);

    const count = new Map<string, number>();
    for (const s of sends) count.set(pairKey(s), (count.get(pairKey(s)) ?? 0) + 1);
    for (const s of sends) {
      const sender = s.from.accounts[s.account]!.address;
      const expected = before.get(pairKey(s))! + BigInt(count.get(pairKey(s))!);
      expect(await inboundNonce(s.to, s.from, sender), `inbound nonce ${s.from.name} → ${s.to.name} of ${sender}`).toBe(expected);
      expect(await outboundNonce(s.from, s.to, sender)).toBe(expected);
    }
  }, 200_000);

  it('delivers out-of-order messages (allowOutOfOrderExecution, nonce 0)', async () => {
    const account = 4;
    const sends: Send[] = lanes(devnet.file).map(([from, to]) => ({
      from,
      to,
      account,
      receiver: to.contracts.messageReceiver,
      data: toHex(`out of order ${from.name} → ${to.name}`),
      allowOutOfOrderExecution: true,
    }));
    const sent = await sendBurst(sends);
    allSent.push(...sent);
    for (const s of sent) expect(s.message.header.nonce).toBe(0n);
    const all = await waitForExecutions(devnet.file, sent, 90_000);
    expect(exactlyOnceProblems(all, sent)).toEqual([]);
    for (const s of sent) {
      const received = (await receivedMessages(s.to)).get(s.message.header.messageId);
      expect(received?.data).toBe(toHex(`out of order ${s.from.name} → ${s.to.name}`));
      // Unordered messages leave the sender's ordered nonce alone.
      expect(await inboundNonce(s.to, s.from, s.from.accounts[account]!.address)).toBe(0n);
    }
  }, 120_000);

  it('a message that failed in the receiver is re-executed with `ccip manual-exec` once the receiver is fixed', async () => {
    const [from, to] = [devnet.file.chains[1]!, devnet.file.chains[2]!];
    const owner = makeChainClients(to.rpcUrl, to.chainId, to.accounts[5]!.privateKey, to.name);
    const receiver = await deploy(owner, 'ConfigurableReceiver', configurableReceiverAbi, configurableReceiverBytecode, [to.contracts.router]);
    await send(owner, receiver, configurableReceiverAbi, 'setRevert', [true]);

    const data = toHex('fails first');
    const [sent] = await sendBurst([{ from, to, account: 5, receiver, data }]);
    allSent.push(sent!);
    const all = await waitForExecutions(devnet.file, [sent!], 90_000);
    const key = `${from.chainSelector}→${to.chainSelector}#${sent!.message.header.sequenceNumber}`;
    expect(all.get(key)?.map((e) => e.state)).toEqual([MessageExecutionState.FAILURE]);

    await send(owner, receiver, configurableReceiverAbi, 'setRevert', [false]);
    const cli = join(dirname(fileURLToPath(import.meta.url)), '../../cli/bin/ccip.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'manual-exec', sent!.message.header.messageId, '--devnet', devnet.path, '--json'], {
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ state: 'SUCCESS' });

    const src = makeChainClients(from.rpcUrl, from.chainId, from.accounts[5]!.privateKey, from.name);
    const status = await getMessageStatus(src.public, owner.public, {
      messageId: sent!.message.header.messageId,
      sourceRouter: from.contracts.router,
      destRouter: to.contracts.router,
    });
    expect(status.state).toBe('executed');
    expect(status.executions.map((e) => e.state)).toEqual([MessageExecutionState.FAILURE, MessageExecutionState.SUCCESS]);
    const got = await owner.public.readContract({ address: receiver, abi: configurableReceiverAbi, functionName: 'getReceivedMessage', args: [0n] });
    expect(got.messageId).toBe(sent!.message.header.messageId);
    expect(got.data).toBe(data);
    expect(await owner.public.readContract({ address: receiver, abi: configurableReceiverAbi, functionName: 'getReceivedCount' })).toBe(1n);
  }, 120_000);

  it('executed nothing that was not sent', async () => {
    const all = await waitForExecutions(devnet.file, allSent, 10_000);
    expect(unexpectedExecutions(all, allSent)).toEqual([]);
  });

  it('no transmission ran out of gas', async () => {
    const reverted = await revertedTransmissions(devnet);
    expect(reverted.filter((r) => r.revertData.startsWith(INSUFFICIENT_GAS_TO_COMPLETE_TX))).toEqual([]);
  });
});
