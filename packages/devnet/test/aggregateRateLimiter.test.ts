import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BaseError,
  ContractFunctionRevertedError,
  encodeAbiParameters,
  isAddressEqual,
  parseEther,
  zeroAddress,
  type Address,
  type Hex,
} from 'viem';
import { burnMintErc20Abi, multiAggregateRateLimiterAbi, offRampAbi, onRampAbi, routerAbi } from '@openccip/sdk';
import {
  ANVIL_KEYS,
  deployAggregateRateLimiter,
  deployLocalPair,
  deployTokenWithPool,
  makeChainClients,
  mintTokens,
  send,
  startAnvil,
  wireTokenPool,
  type Anvil,
  type LocalPair,
  type TokenOnChain,
} from '../src/index.js';

// deployAggregateRateLimiter on a real anvil: configured, wired into both ramps, and enforced on ccipSend.
describe('deployAggregateRateLimiter', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let tA: TokenOnChain;
  let limiter: Address;
  const eoa = '0x000000000000000000000000000000000000bEEF' as Address;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
    const { a, b } = pair;
    tA = await deployTokenWithPool(a, { name: 'Test', symbol: 'TST', decimals: 18, type: 'burn-mint' });
    const tB = await deployTokenWithPool(b, { name: 'Test', symbol: 'TST', decimals: 18, type: 'burn-mint' });
    await wireTokenPool(a, tA, [tB]);
    await wireTokenPool(b, tB, [tA]);
    limiter = await deployAggregateRateLimiter(a, {
      // $10 at $0.01/s outbound A → B; TST at $2.
      limits: [{ remoteChainSelector: b.chainSelector, isOutbound: true, capacity: parseEther('10'), rate: parseEther('0.01') }],
      tokens: [{ remoteChainSelector: b.chainSelector, localToken: tA.token, remoteToken: tB.token, usdPerToken: parseEther('2') }],
    });
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('is configured and is both ramps’ message interceptor', async () => {
    const { a, b } = pair;
    const read = a.clients.public;
    expect(await read.readContract({ address: limiter, abi: multiAggregateRateLimiterAbi, functionName: 'typeAndVersion' })).toBe(
      'MultiAggregateRateLimiter 1.6.0',
    );
    const feeQuoter = await read.readContract({ address: limiter, abi: multiAggregateRateLimiterAbi, functionName: 'getFeeQuoter' });
    expect(isAddressEqual(feeQuoter, a.contracts.feeQuoter)).toBe(true);
    const [locals, remotes] = await read.readContract({
      address: limiter,
      abi: multiAggregateRateLimiterAbi,
      functionName: 'getAllRateLimitTokens',
      args: [b.chainSelector],
    });
    expect(locals).toHaveLength(1);
    expect(isAddressEqual(locals[0]!, tA.token)).toBe(true);
    expect(remotes).toHaveLength(1);
    const bucket = await read.readContract({
      address: limiter,
      abi: multiAggregateRateLimiterAbi,
      functionName: 'currentRateLimiterState',
      args: [b.chainSelector, true],
    });
    expect(bucket).toMatchObject({ isEnabled: true, capacity: parseEther('10'), tokens: parseEther('10') });
    const onCfg = await read.readContract({ address: a.contracts.onRamp, abi: onRampAbi, functionName: 'getDynamicConfig' });
    const offCfg = await read.readContract({ address: a.contracts.offRamp, abi: offRampAbi, functionName: 'getDynamicConfig' });
    expect(isAddressEqual(onCfg.messageInterceptor, limiter)).toBe(true);
    expect(isAddressEqual(offCfg.messageInterceptor, limiter)).toBe(true);
  });

  it('limits the USD value a lane carries: over the limit ccipSend reverts saying how long to wait', async () => {
    const { a, b } = pair;
    const u = makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[3]!);
    await mintTokens(a, tA, u.wallet.account.address, parseEther('10'));
    await send(u, tA.token, burnMintErc20Abi, 'approve', [a.contracts.router, parseEther('10')]);
    const msg = (amount: bigint) => ({
      receiver: encodeAbiParameters([{ type: 'address' }], [eoa]),
      data: '0x' as Hex,
      tokenAmounts: [{ token: tA.token, amount }],
      feeToken: zeroAddress,
      extraArgs: '0x' as Hex,
    });
    const fee = (amount: bigint) =>
      a.clients.public.readContract({ address: a.contracts.router, abi: routerAbi, functionName: 'getFee', args: [b.chainSelector, msg(amount)] });

    await send(u, a.contracts.router, routerAbi, 'ccipSend', [b.chainSelector, msg(parseEther('3'))], await fee(parseEther('3'))); // $6

    // $6 more with $4 (+ a few seconds of refill) left: rejected, naming the wait.
    const err = await a.clients.public
      .simulateContract({
        account: u.wallet.account,
        address: a.contracts.router,
        abi: [...routerAbi, ...multiAggregateRateLimiterAbi.filter((x) => x.type === 'error')],
        functionName: 'ccipSend',
        args: [b.chainSelector, msg(parseEther('3'))],
        value: await fee(parseEther('3')),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(BaseError);
    const reverted = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
    expect(reverted).toBeInstanceOf(ContractFunctionRevertedError);
    const data = (reverted as ContractFunctionRevertedError).data;
    expect(data?.errorName).toBe('AggregateValueRateLimitReached');
    const [waitSeconds, available] = data!.args as readonly [bigint, bigint];
    expect(available).toBeLessThan(parseEther('6'));
    expect(waitSeconds).toBe((parseEther('6') - available + parseEther('0.01') - 1n) / parseEther('0.01'));
    expect(await a.clients.public.readContract({ address: tA.token, abi: burnMintErc20Abi, functionName: 'balanceOf', args: [u.wallet.account.address] })).toBe(
      parseEther('7'),
    );
  });
});
