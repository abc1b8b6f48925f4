import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeEventLog, parseEther, parseUnits, toHex, zeroAddress, type Address, type Hex } from 'viem';
import {
  burnMintTokenPoolAbi,
  configurableReceiverAbi,
  feeQuoterAbi,
  getMessageStatus,
  linkTokenAbi,
  MessageExecutionState,
  routerAbi,
  wrappedNativeAbi,
  buildMessage,
} from '@openccip/sdk';
import { configurableReceiverBytecode } from '@openccip/sdk/bytecode';
import { ANVIL_KEYS, DEFAULT_TOKEN_FEE, deploy, makeChainClients, send, usdPerToken, type DevnetChain } from '../src/index.js';
import { startE2eDevnet, type E2eDevnet } from './e2e/devnetFixture.js';
import { exactlyOnceProblems, laneKey, readExecutions, unexpectedExecutions, waitForExecutions, type Execution } from './e2e/executions.js';
import { INSUFFICIENT_GAS_TO_COMPLETE_TX, revertedTransmissions } from './e2e/nodeLogs.js';
import {
  balanceOf,
  deltaProblems,
  destAmount,
  expectedDeltas,
  freshAddress,
  ledgerKey,
  reader,
  readLedger,
  tokenAmounts,
  tokenOn,
  TRANSFER_TOPIC,
  type TokenMove,
} from './e2e/tokens.js';
import { sendBurst, type Send, type Sent } from './e2e/traffic.js';

const execFileP = promisify(execFile);
const cliPath = join(dirname(fileURLToPath(import.meta.url)), '../../cli/bin/ccip.js');
const DEPLOYER = ANVIL_KEYS[0]!;

/** A token transfer to send and to account for. */
interface Transfer {
  from: DevnetChain;
  to: DevnetChain;
  account: number;
  receiver: Address;
  data: Hex;
  tokens: { symbol: string; amount: bigint }[];
  gasLimit?: bigint;
  feeToken?: Address;
}

// Issue 5 end to end: 3 anvil chains (LnR has 6 decimals on the second), 4 DON nodes, the devnet's BnM and LnR.
describe('e2e: tokens across chains', () => {
  let devnet: E2eDevnet;
  const allSent: Sent[] = [];
  let c0: DevnetChain, c1: DevnetChain, c2: DevnetChain;

  const cli = async (...args: string[]) => {
    const { stdout } = await execFileP(process.execPath, [cliPath, ...args, '--devnet', devnet.path, '--json'], { timeout: 60_000 });
    return JSON.parse(stdout) as Record<string, unknown>;
  };
  const moveOf = (t: Transfer): TokenMove => ({ from: t.from, to: t.to, sender: t.from.accounts[t.account]!.address, receiver: t.receiver, tokens: t.tokens });
  const sendOf = (t: Transfer): Send => ({
    from: t.from,
    to: t.to,
    account: t.account,
    receiver: t.receiver,
    data: t.data,
    tokenAmounts: tokenAmounts(devnet.file, t.from, t.tokens),
    gasLimit: t.gasLimit,
    feeToken: t.feeToken,
  });
  const sendTransfers = async (ts: readonly Transfer[]) => {
    const sent = await sendBurst(ts.map(sendOf));
    allSent.push(...sent);
    return sent;
  };
  const executionsOf = (all: Map<string, Execution[]>, s: Sent) => all.get(laneKey(s.from.chainSelector, s.to.chainSelector, s.message.header.sequenceNumber)) ?? [];
  const deployReceiver = async (chain: DevnetChain, account: number) => {
    const owner = makeChainClients(chain.rpcUrl, chain.chainId, chain.accounts[account]!.privateKey, chain.name);
    const address = await deploy(owner, 'ConfigurableReceiver', configurableReceiverAbi, configurableReceiverBytecode, [chain.contracts.router]);
    return { owner, address };
  };
  const receivedBy = async (chain: DevnetChain, receiver: Address) => {
    const r = reader(chain);
    const n = await r.readContract({ address: receiver, abi: configurableReceiverAbi, functionName: 'getReceivedCount' });
    return Promise.all(Array.from({ length: Number(n) }, (_, i) => r.readContract({ address: receiver, abi: configurableReceiverAbi, functionName: 'getReceivedMessage', args: [BigInt(i)] })));
  };
  /** The destination tokenAmounts a receiver must see: destination token addresses, converted amounts. */
  const expectedDestTokens = (t: Transfer) =>
    t.tokens.map((x) => {
      const src = tokenOn(devnet.file, x.symbol, t.from);
      const dst = tokenOn(devnet.file, x.symbol, t.to);
      return { token: dst.address, amount: destAmount(x.amount, src.decimals, dst.decimals) };
    });
  const manualExec = (messageId: Hex) => cli('manual-exec', messageId);

  beforeAll(async () => {
    devnet = await startE2eDevnet('tokens');
    [c0, c1, c2] = devnet.file.chains as [DevnetChain, DevnetChain, DevnetChain];
  }, 120_000);
  afterAll(async () => {
    await devnet?.teardown();
  });

  it('token-only transfers to EOAs and programmable transfers (tokens + data) over every lane, converting 18 ↔ 6 decimals exactly', async () => {
    expect(tokenOn(devnet.file, 'LnR', c1).decimals).toBe(6);
    const receivers = new Map<string, Address>();
    for (const c of devnet.file.chains) receivers.set(c.chainSelector, (await deployReceiver(c, 8)).address);

    // Amounts with digits below 6 decimals: 18 → 6 must round them down, 6 → 18 must scale exactly.
    const lnrAmount = (from: DevnetChain, i: number) =>
      tokenOn(devnet.file, 'LnR', from).decimals === 6 ? 3_141_593n + BigInt(i) : parseUnits('2.000000123456789', 18) + BigInt(i) * 10n ** 11n;
    const transfers: Transfer[] = [];
    let i = 0;
    for (const from of devnet.file.chains) {
      for (const to of devnet.file.chains) {
        if (from === to) continue;
        i++;
        const tokens = [
          { symbol: 'BnM', amount: parseUnits('1.25', 18) + BigInt(i) },
          { symbol: 'LnR', amount: lnrAmount(from, i) },
        ];
        transfers.push(
          { from, to, account: 1, receiver: freshAddress(`eoa ${from.name} → ${to.name}`), data: '0x', tokens, gasLimit: 0n },
          { from, to, account: 2, receiver: receivers.get(to.chainSelector)!, data: toHex(`tokens and data ${from.name} → ${to.name}`), tokens, gasLimit: 600_000n },
        );
      }
    }
    // Token-only (no data, gas limit 0) to a contract: the tokens arrive, the receiver is not called.
    const silent = (await deployReceiver(c1, 8)).address;
    transfers.push({ from: c0, to: c1, account: 3, receiver: silent, data: '0x', tokens: [{ symbol: 'LnR', amount: parseUnits('1.5', 18) }], gasLimit: 0n });

    const expected = expectedDeltas(devnet.file, transfers.map(moveOf));
    const before = await readLedger(devnet.file, expected.keys());
    const sent = await sendTransfers(transfers);
    const all = await waitForExecutions(devnet.file, sent, 120_000);
    expect(exactlyOnceProblems(all, sent)).toEqual([]);
    expect(deltaProblems(devnet.file, before, await readLedger(devnet.file, expected.keys()), expected)).toEqual([]);

    // Spot checks of the conversion itself (the ledger uses the same rule): 18 → 6 rounds down, 6 → 18 is exact.
    const eoa01 = transfers.find((t) => t.from === c0 && t.to === c1 && t.gasLimit === 0n && t.tokens.length === 2)!;
    expect(await balanceOf(c1, tokenOn(devnet.file, 'LnR', c1).address, eoa01.receiver)).toBe(2_000_000n);
    const eoa10 = transfers.find((t) => t.from === c1 && t.to === c0 && t.gasLimit === 0n)!;
    expect(await balanceOf(c0, tokenOn(devnet.file, 'LnR', c0).address, eoa10.receiver)).toBe(eoa10.tokens[1]!.amount * 10n ** 12n);

    for (const [k, t] of transfers.entries()) {
      const s = sent[k]!;
      const ex = executionsOf(all, s)[0]!;
      const receipt = await reader(t.to).getTransactionReceipt({ hash: ex.tx });
      const received = (await receivedBy(t.to, t.receiver).catch(() => [])).find((r) => r.messageId === s.message.header.messageId);
      if (t.gasLimit === 0n) {
        expect(received, `${t.from.name} → ${t.to.name}: token-only receiver was called`).toBeUndefined();
        continue;
      }
      // Programmable: ccipReceive saw the data and the converted tokens, and the tokens were already there
      // (transferred earlier in the same execution).
      expect(received, `${t.from.name} → ${t.to.name}: ccipReceive not recorded`).toBeDefined();
      expect(received!.data).toBe(t.data);
      expect(received!.sourceChainSelector).toBe(BigInt(t.from.chainSelector));
      expect(received!.destTokenAmounts.map((x) => ({ token: x.token, amount: x.amount }))).toEqual(expectedDestTokens(t));
      const receivedAt = receipt.logs.findIndex((l) => l.address.toLowerCase() === t.receiver.toLowerCase());
      for (const x of expectedDestTokens(t)) {
        const transferAt = receipt.logs.findIndex(
          (l) => l.address.toLowerCase() === x.token.toLowerCase() && l.topics[0] === TRANSFER_TOPIC && l.topics[2]?.toLowerCase().endsWith(t.receiver.slice(2).toLowerCase()),
        );
        expect(transferAt, `${t.from.name} → ${t.to.name}: ${x.token} to the receiver`).toBeGreaterThanOrEqual(0);
        expect(transferAt).toBeLessThan(receivedAt);
      }
    }
    expect(await reader(c1).readContract({ address: silent, abi: configurableReceiverAbi, functionName: 'getReceivedCount' })).toBe(0n);
  }, 240_000);

  it('an inbound rate limit delays a transfer (no FAILURE) until the bucket refills', async () => {
    const [from, to] = [c0, c2];
    const bnm = tokenOn(devnet.file, 'BnM', to);
    // A newly enabled bucket starts empty and refills 0.25 BnM/s: 6 BnM fit 24 s after this transaction.
    const set = await cli('token', 'rate-limit', 'set', 'BnM', '--chain', to.name, '--remote', from.name, '--inbound', '--capacity', '10', '--rate', '0.25', '--private-key', DEPLOYER);
    const setBlock = await reader(to).getTransactionReceipt({ hash: set.txHash as Hex }).then((r) => reader(to).getBlock({ blockNumber: r.blockNumber }));
    const bucket = await reader(to).readContract({ address: bnm.pool, abi: burnMintTokenPoolAbi, functionName: 'getCurrentInboundRateLimiterState', args: [BigInt(from.chainSelector)] });
    expect(bucket.isEnabled).toBe(true);
    expect(bucket.tokens).toBeLessThan(parseEther('6'));

    const t: Transfer = { from, to, account: 3, receiver: freshAddress('rate limited'), data: '0x', tokens: [{ symbol: 'BnM', amount: parseEther('6') }], gasLimit: 0n };
    const [sent] = await sendTransfers([t]);
    const all = await waitForExecutions(devnet.file, [sent!], 120_000);
    expect(exactlyOnceProblems(all, [sent!])).toEqual([]);
    expect(await balanceOf(to, bnm.address, t.receiver)).toBe(parseEther('6'));

    const status = await getMessageStatus(reader(from), reader(to), { messageId: sent!.message.header.messageId, sourceRouter: from.contracts.router, destRouter: to.contracts.router });
    const [committed, executed] = await Promise.all([
      reader(to).getBlock({ blockNumber: status.committed!.block }),
      reader(to).getBlock({ blockNumber: status.executions[0]!.block }),
    ]);
    const ready = setBlock.timestamp + 24n;
    // Committed while the bucket could not cover it; executed only once it could.
    expect(committed.timestamp).toBeLessThan(ready);
    expect(executed.timestamp).toBeGreaterThanOrEqual(ready);
    console.log(`e2e tokens: rate-limited transfer committed ${committed.timestamp - setBlock.timestamp} s and executed ${executed.timestamp - setBlock.timestamp} s after the limit was set (bucket full enough at 24 s)`);

    await cli('token', 'rate-limit', 'set', 'BnM', '--chain', to.name, '--remote', from.name, '--inbound', '--disable', '--private-key', DEPLOYER);
  }, 180_000);

  it('a lock/release pool without liquidity fails the transfer without losing it; after liquidity add, manual-exec delivers', async () => {
    const [from, to] = [c0, c1];
    const lnr = tokenOn(devnet.file, 'LnR', to);
    const liquidity = await balanceOf(to, lnr.address, lnr.pool);
    const drained = liquidity - 1_000_000n; // leaves 1 LnR (6 decimals)
    await cli('token', 'liquidity', 'remove', 'LnR', '--chain', to.name, '--amount', `${drained}wei`, '--private-key', DEPLOYER);
    expect(await balanceOf(to, lnr.address, lnr.pool)).toBe(1_000_000n);

    const t: Transfer = { from, to, account: 4, receiver: freshAddress('no liquidity'), data: '0x', tokens: [{ symbol: 'LnR', amount: parseUnits('5.5', 18) }], gasLimit: 0n };
    const expected = expectedDeltas(devnet.file, [moveOf(t)]);
    const before = await readLedger(devnet.file, expected.keys());
    const [sent] = await sendTransfers([t]);
    const all = await waitForExecutions(devnet.file, [sent!], 120_000);
    expect(executionsOf(all, sent!).map((e) => e.state)).toEqual([MessageExecutionState.FAILURE]);
    // Locked on the source, nothing released on the destination.
    expect(await balanceOf(to, lnr.address, t.receiver)).toBe(0n);
    expect(await balanceOf(to, lnr.address, lnr.pool)).toBe(1_000_000n);
    const srcKey = ledgerKey(from, 'LnR', from.accounts[4]!.address);
    expect((await readLedger(devnet.file, [srcKey])).get(srcKey)).toBe(before.get(srcKey)! - t.tokens[0]!.amount);

    await cli('token', 'liquidity', 'add', 'LnR', '--chain', to.name, '--amount', `${drained}wei`, '--private-key', DEPLOYER);
    expect(await manualExec(sent!.message.header.messageId)).toMatchObject({ state: 'SUCCESS' });
    // The transfer, plus the liquidity put back into the destination pool after the ledger's `before`.
    const poolKey = ledgerKey(to, 'LnR', lnr.pool);
    expected.set(poolKey, expected.get(poolKey)! + drained);
    expect(deltaProblems(devnet.file, before, await readLedger(devnet.file, expected.keys()), expected)).toEqual([]);
    expect(await balanceOf(to, lnr.address, t.receiver)).toBe(5_500_000n);
    const after = await readExecutions(devnet.file);
    expect(executionsOf(after, sent!).map((e) => e.state)).toEqual([MessageExecutionState.FAILURE, MessageExecutionState.SUCCESS]);
  }, 180_000);

  it('a reverting receiver gets no tokens (FAILURE); after the fix manual-exec delivers tokens and data', async () => {
    const [from, to] = [c2, c1];
    const { owner, address: receiver } = await deployReceiver(to, 7);
    await send(owner, receiver, configurableReceiverAbi, 'setRevert', [true]);
    const t: Transfer = {
      from,
      to,
      account: 5,
      receiver,
      data: toHex('fix me first'),
      tokens: [
        { symbol: 'BnM', amount: parseEther('3') },
        { symbol: 'LnR', amount: parseUnits('4.5', 18) + 999n },
      ],
      gasLimit: 600_000n,
    };
    const expected = expectedDeltas(devnet.file, [moveOf(t)]);
    const before = await readLedger(devnet.file, expected.keys());
    const [sent] = await sendTransfers([t]);
    const all = await waitForExecutions(devnet.file, [sent!], 120_000);
    expect(executionsOf(all, sent!).map((e) => e.state)).toEqual([MessageExecutionState.FAILURE]);
    // Nothing minted or released on the destination.
    const mid = await readLedger(devnet.file, expected.keys());
    for (const k of expected.keys()) if (k.startsWith(`${to.chainSelector}|`)) expect(mid.get(k), k).toBe(before.get(k));

    await send(owner, receiver, configurableReceiverAbi, 'setRevert', [false]);
    expect(await manualExec(sent!.message.header.messageId)).toMatchObject({ state: 'SUCCESS' });
    expect(deltaProblems(devnet.file, before, await readLedger(devnet.file, expected.keys()), expected)).toEqual([]);
    const [got] = await receivedBy(to, receiver);
    expect(got?.messageId).toBe(sent!.message.header.messageId);
    expect(got?.data).toBe(t.data);
    expect(got?.destTokenAmounts.map((x) => ({ token: x.token, amount: x.amount }))).toEqual(expectedDestTokens(t));
    expect(await balanceOf(to, tokenOn(devnet.file, 'LnR', to).address, receiver)).toBe(4_500_000n);
  }, 180_000);

  it('charges exactly the quoted fee in native, wrapped native and LINK, with the token transfer fee (deciBps, USD min and max)', async () => {
    const [from, to] = [c0, c1];
    const account = 6;
    const user = from.accounts[account]!;
    const me = makeChainClients(from.rpcUrl, from.chainId, user.privateKey, from.name);
    const owner = makeChainClients(from.rpcUrl, from.chainId, DEPLOYER, from.name);
    await send(owner, from.feeToken, linkTokenAbi, 'mint', [user.address, parseEther('100')]);
    await send(me, from.wrappedNative, wrappedNativeAbi, 'deposit', [], parseEther('10'));
    const bnm = tokenOn(devnet.file, 'BnM', from);
    const r = reader(from);
    const dest = BigInt(to.chainSelector);

    for (const [what, feeToken] of [
      ['native', zeroAddress],
      ['wrapped native', from.wrappedNative],
      ['LINK', from.feeToken],
    ] as const) {
      const t: Transfer = { from, to, account, receiver: freshAddress(`fee ${what}`), data: '0x', tokens: [{ symbol: 'BnM', amount: parseEther('2') }], gasLimit: 0n, feeToken };
      const paidIn = feeToken === zeroAddress ? undefined : feeToken;
      const balance = (blockNumber: bigint) => (paidIn ? balanceOf(from, paidIn, user.address, blockNumber) : r.getBalance({ address: user.address, blockNumber }));
      const onRampBalance = (blockNumber: bigint) => (paidIn ? balanceOf(from, paidIn, from.contracts.onRamp, blockNumber) : r.getBalance({ address: from.contracts.onRamp, blockNumber }));
      const [sent] = await sendTransfers([t]);
      const receipt = await r.getTransactionReceipt({ hash: sent!.txHash });
      const n = receipt.blockNumber;
      // The quote on the state the send ran on: the parent block, unless a price update landed before it in its block.
      const priceUpdateFirst = receipt.logs.length > 0 && (await r.getLogs({ address: from.contracts.feeQuoter, blockHash: receipt.blockHash })).some((l) => l.logIndex! < receipt.logs[0]!.logIndex!);
      const quoted = await r.readContract({
        address: from.contracts.router,
        abi: routerAbi,
        functionName: 'getFee',
        args: [dest, buildMessage({ receiver: t.receiver, tokenAmounts: tokenAmounts(devnet.file, from, t.tokens), feeToken, gasLimit: 0n })],
        blockNumber: priceUpdateFirst ? n : n - 1n,
      });
      const charged = sent!.message.feeTokenAmount;
      expect(charged, `${what}: charged vs quoted`).toBe(quoted);
      expect(sent!.message.feeToken.toLowerCase()).toBe((paidIn ?? from.wrappedNative).toLowerCase());
      const gas = paidIn ? 0n : receipt.gasUsed * receipt.effectiveGasPrice;
      expect((await balance(n - 1n)) - (await balance(n)), `${what}: the sender paid`).toBe(charged + gas);
      expect((await onRampBalance(n)) - (await onRampBalance(n - 1n)), `${what}: the OnRamp holds the fee`).toBe(charged);
      console.log(`e2e tokens: 2 BnM ${from.name} → ${to.name}, fee in ${what}: quoted ${quoted}, charged ${charged}`);

      // The token transfer fee: deciBps of the USD value, at least minFeeUSDCents and at most maxFeeUSDCents, times
      // the fee token's premium multiplier, in the fee token at its price. Quotes on one block differ only by it.
      const cfg = await r.readContract({ address: from.contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenTransferFeeConfig', args: [dest, bnm.address], blockNumber: n });
      expect(cfg).toMatchObject({ isEnabled: true, deciBps: DEFAULT_TOKEN_FEE.deciBps, minFeeUSDCents: DEFAULT_TOKEN_FEE.minFeeUSDCents, maxFeeUSDCents: DEFAULT_TOKEN_FEE.maxFeeUSDCents });
      const pricedIn = paidIn ?? from.wrappedNative;
      const [multiplier, feeTokenPrice, bnmPrice] = await Promise.all([
        r.readContract({ address: from.contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getPremiumMultiplierWeiPerEth', args: [pricedIn], blockNumber: n }),
        r.readContract({ address: from.contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenPrice', args: [pricedIn], blockNumber: n }),
        r.readContract({ address: from.contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenPrice', args: [bnm.address], blockNumber: n }),
      ]);
      const quote = (amount: bigint) =>
        r.readContract({
          address: from.contracts.router,
          abi: routerAbi,
          functionName: 'getFee',
          args: [dest, buildMessage({ receiver: t.receiver, tokenAmounts: [{ token: bnm.address, amount }], feeToken, gasLimit: 0n })],
          blockNumber: n,
        });
      const usdFee = (amount: bigint) => {
        const bps = (((bnmPrice.value * amount) / 10n ** 18n) * BigInt(cfg.deciBps)) / 100_000n;
        const [min, max] = [BigInt(cfg.minFeeUSDCents) * 10n ** 16n, BigInt(cfg.maxFeeUSDCents) * 10n ** 16n];
        return bps < min ? min : bps > max ? max : bps;
      };
      const inFeeToken = (usd: bigint) => (usd * BigInt(multiplier)) / feeTokenPrice.value;
      const [small, mid, huge, huger] = [parseEther('1'), parseEther('3000'), parseEther('1000000'), parseEther('2000000')];
      expect(usdFee(small)).toBe(BigInt(cfg.minFeeUSDCents) * 10n ** 16n); // below the minimum
      expect(usdFee(mid)).toBe(parseEther('0.3')); // 0.01% of $3000
      expect(usdFee(huge)).toBe(BigInt(cfg.maxFeeUSDCents) * 10n ** 16n); // above the maximum
      const [qSmall, qTiny, qMid, qHuge, qHuger] = await Promise.all([quote(small), quote(1n), quote(mid), quote(huge), quote(huger)]);
      expect(qTiny).toBe(qSmall);
      expect(qHuger).toBe(qHuge);
      const near = (got: bigint, want: bigint) => expect(got - want >= -1n && got - want <= 1n, `${what}: ${got} ≈ ${want}`).toBe(true);
      near(qMid - qSmall, inFeeToken(usdFee(mid) - usdFee(small)));
      near(qHuge - qSmall, inFeeToken(usdFee(huge) - usdFee(small)));
    }
  }, 180_000);

  it('the commit DON pushes token prices from its price source (BnM on an 18-decimal chain, LnR on the 6-decimal one)', async () => {
    // Knock two prices off (the deployer is a price updater) and wait for commit reports to put $1 back.
    const [bnmChain, lnrChain] = [c2, c1];
    const bnm = tokenOn(devnet.file, 'BnM', bnmChain);
    const lnr = tokenOn(devnet.file, 'LnR', lnrChain);
    expect(lnr.decimals).toBe(6);
    for (const [chain, t] of [
      [bnmChain, bnm],
      [lnrChain, lnr],
    ] as const) {
      const owner = makeChainClients(chain.rpcUrl, chain.chainId, DEPLOYER, chain.name);
      await send(owner, chain.contracts.feeQuoter, feeQuoterAbi, 'updatePrices', [{ tokenPriceUpdates: [{ sourceToken: t.address, usdPerToken: usdPerToken('2', t.decimals) }], gasPriceUpdates: [] }]);
    }
    const deadline = Date.now() + 90_000;
    for (const [chain, t] of [
      [bnmChain, bnm],
      [lnrChain, lnr],
    ] as const) {
      const price = () => reader(chain).readContract({ address: chain.contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenPrice', args: [t.address] });
      while ((await price()).value !== usdPerToken('1', t.decimals) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 1_000));
      expect((await price()).value, `${t.symbol} price on ${chain.name}`).toBe(usdPerToken('1', t.decimals));
      // The update came in a commit report: a transaction to the OffRamp.
      const logs = await reader(chain).getLogs({ address: chain.contracts.feeQuoter, fromBlock: 0n, toBlock: 'latest' });
      const updates = logs
        .map((l) => ({ l, ev: decodeEventLog({ abi: feeQuoterAbi, data: l.data, topics: l.topics, strict: false }) }))
        .filter(({ ev }) => ev.eventName === 'UsdPerTokenUpdated' && (ev.args as { token?: Address }).token?.toLowerCase() === t.address.toLowerCase());
      const last = updates.at(-1)!;
      const tx = await reader(chain).getTransaction({ hash: last.l.transactionHash! });
      expect(tx.to?.toLowerCase(), `${t.symbol} on ${chain.name}: price pushed by`).toBe(chain.contracts.offRamp.toLowerCase());
    }
  }, 120_000);

  it('executed nothing that was not sent, and no transmission ran out of gas', async () => {
    const all = await waitForExecutions(devnet.file, allSent, 10_000);
    expect(unexpectedExecutions(all, allSent)).toEqual([]);
    const reverted = await revertedTransmissions(devnet);
    expect(reverted.filter((x) => x.revertData.startsWith(INSUFFICIENT_GAS_TO_COMPLETE_TX))).toEqual([]);
  }, 60_000);
});
