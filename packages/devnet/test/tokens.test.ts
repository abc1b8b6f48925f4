import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAbiParameters, encodeAbiParameters, parseUnits, zeroAddress, type Address, type Hex } from 'viem';
import {
  burnMintErc20Abi,
  feeQuoterAbi,
  lockReleaseTokenPoolAbi,
  MessageExecutionState,
  routerAbi,
  tokenAdminRegistryAbi,
} from '@openccip/sdk';
import {
  ANVIL_KEYS,
  commitMessages,
  DEFAULT_TOKEN_FEE,
  deployDevnetTokens,
  deployLocalPair,
  devnetTokensFile,
  executeMessages,
  getExecutionStates,
  getSentMessages,
  makeChainClients,
  send,
  startAnvil,
  usdPerToken,
  type Anvil,
  type DevnetTokens,
  type LocalPair,
} from '../src/index.js';

const decodeAddress = (b: Hex) => decodeAbiParameters([{ type: 'address' }], b)[0];

describe('devnet test tokens (BnM, LnR) on two CCIP stacks', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let tokens: DevnetTokens;
  const user = makeChainClients('http://unused', 31337, ANVIL_KEYS[4]!).wallet.account.address;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
    tokens = await deployDevnetTokens([pair.a, pair.b], [user]);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('usdPerToken scales the price to 1e18 smallest units', () => {
    expect(usdPerToken('1', 18)).toBe(10n ** 18n);
    expect(usdPerToken('1', 6)).toBe(10n ** 30n);
    expect(usdPerToken('2.5', 18)).toBe(25n * 10n ** 17n);
  });

  it('registers, wires, prices and funds both tokens on both chains; LnR has 6 decimals on the second', async () => {
    const chains = [pair.a, pair.b];
    expect(tokens.BnM.map((t) => t.decimals)).toEqual([18, 18]);
    expect(tokens.LnR.map((t) => t.decimals)).toEqual([18, 6]);
    for (const [symbol, list] of Object.entries(tokens)) {
      for (const [i, d] of chains.entries()) {
        const t = list[i]!;
        const other = list[1 - i]!;
        const r = d.clients.public;
        expect(await r.readContract({ address: d.contracts.tokenAdminRegistry, abi: tokenAdminRegistryAbi, functionName: 'getPool', args: [t.token] })).toBe(t.pool);
        expect(await r.readContract({ address: t.token, abi: burnMintErc20Abi, functionName: 'decimals' })).toBe(t.decimals);
        expect(await r.readContract({ address: t.token, abi: burnMintErc20Abi, functionName: 'symbol' })).toBe(symbol);
        expect(await r.readContract({ address: t.pool, abi: lockReleaseTokenPoolAbi, functionName: 'getSupportedChains' })).toEqual([other.chainSelector]);
        const remoteToken = await r.readContract({ address: t.pool, abi: lockReleaseTokenPoolAbi, functionName: 'getRemoteToken', args: [other.chainSelector] });
        expect(decodeAddress(remoteToken)).toBe(other.token);
        const remotePools = await r.readContract({ address: t.pool, abi: lockReleaseTokenPoolAbi, functionName: 'getRemotePools', args: [other.chainSelector] });
        expect(remotePools.map(decodeAddress)).toEqual([other.pool]);
        const fee = await r.readContract({ address: d.contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenTransferFeeConfig', args: [other.chainSelector, t.token] });
        expect(fee).toEqual({ ...DEFAULT_TOKEN_FEE, isEnabled: true });
        const price = await r.readContract({ address: d.contracts.feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenPrice', args: [t.token] });
        expect(price.value).toBe(usdPerToken('1', t.decimals));
        const funded = await r.readContract({ address: t.token, abi: burnMintErc20Abi, functionName: 'balanceOf', args: [user] });
        expect(funded).toBe(parseUnits('1000', t.decimals));
        const inPool = await r.readContract({ address: t.token, abi: burnMintErc20Abi, functionName: 'balanceOf', args: [t.pool] });
        expect(inPool).toBe(t.type === 'lock-release' ? parseUnits('1000000', t.decimals) : 0n);
      }
    }
    const file = devnetTokensFile(tokens);
    expect(file.LnR![pair.b.chainSelector.toString()]).toEqual({ address: tokens.LnR[1]!.token, pool: tokens.LnR[1]!.pool, type: 'lock-release', decimals: 6 });
  });

  it('moves LnR A (18 decimals) → B (6 decimals): locked on A, released on B, rounded down; the fee includes the token fee', async () => {
    const { a, b, relay } = pair;
    const [lA, lB] = tokens.LnR as [DevnetTokens['LnR'][number], DevnetTokens['LnR'][number]];
    const u = makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[4]!);
    const eoa = '0x000000000000000000000000000000000000bEEF' as Address;
    const amount = parseUnits('1.5', 18) + 999n; // the 999 wei below B's precision are not created on B
    const msg = (tokenAmounts: { token: Address; amount: bigint }[]) => ({
      receiver: encodeAbiParameters([{ type: 'address' }], [eoa]),
      data: '0x' as Hex,
      tokenAmounts,
      feeToken: zeroAddress,
      extraArgs: '0x' as Hex,
    });
    const getFee = (m: ReturnType<typeof msg>) =>
      a.clients.public.readContract({ address: a.contracts.router, abi: routerAbi, functionName: 'getFee', args: [b.chainSelector, m] });
    const m = msg([{ token: lA.token, amount }]);
    const fee = await getFee(m);
    expect(fee).toBeGreaterThan(await getFee(msg([])));

    await send(u, lA.token, burnMintErc20Abi, 'approve', [a.contracts.router, amount]);
    const from = (await a.clients.public.getBlockNumber({ cacheTime: 0 })) + 1n;
    await send(u, a.contracts.router, routerAbi, 'ccipSend', [b.chainSelector, m], fee);
    const sent = await getSentMessages(relay, from);
    expect(sent).toHaveLength(1);
    const balanceOf = (d: typeof a, token: Address, who: Address) =>
      d.clients.public.readContract({ address: token, abi: burnMintErc20Abi, functionName: 'balanceOf', args: [who] });
    expect(await balanceOf(a, lA.token, lA.pool)).toBe(parseUnits('1000000', 18) + amount);

    await commitMessages(relay, sent);
    await executeMessages(relay, sent, sent);
    expect(await getExecutionStates(relay, sent)).toEqual([MessageExecutionState.SUCCESS]);
    expect(await balanceOf(b, lB.token, eoa)).toBe(parseUnits('1.5', 6));
    expect(await balanceOf(b, lB.token, lB.pool)).toBe(parseUnits('1000000', 6) - parseUnits('1.5', 6));
  });
});
