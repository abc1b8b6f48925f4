import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUnits } from 'viem';
import {
  addPoolLiquidity,
  DISABLED_RATE_LIMIT,
  getTokenInfo,
  InsufficientBalanceError,
  InvalidRateLimitError,
  NotAuthorizedError,
  PoolChainNotSupportedError,
  removePoolLiquidity,
  setTokenRateLimit,
  TokenNotRegisteredError,
  validateRateLimiterConfig,
} from '../src/index.js';
import {
  ANVIL_KEYS,
  DEFAULT_TOKEN_FEE,
  deployDevnetTokens,
  deployLocalPair,
  makeChainClients,
  mintTokens,
  startAnvil,
  type Anvil,
  type DevnetTokens,
  type LocalPair,
} from '@openccip/devnet';

describe('SDK token actions: info, rate limits, liquidity', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let tokens: DevnetTokens;
  const clientsOf = (i: number) => {
    const c = makeChainClients(anvil.rpcUrl, 31337, ANVIL_KEYS[i]!);
    return { public: c.public, wallet: c.wallet };
  };

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
    tokens = await deployDevnetTokens([pair.a, pair.b], []);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('validates rate limiter configs like the pool does', () => {
    expect(() => validateRateLimiterConfig(DISABLED_RATE_LIMIT)).not.toThrow();
    expect(() => validateRateLimiterConfig({ isEnabled: true, capacity: 10n, rate: 1n })).not.toThrow();
    expect(() => validateRateLimiterConfig({ isEnabled: true, capacity: 10n, rate: 10n })).toThrow(/rate must be below the capacity/);
    expect(() => validateRateLimiterConfig({ isEnabled: true, capacity: 10n, rate: 0n })).toThrow(InvalidRateLimitError);
    expect(() => validateRateLimiterConfig({ isEnabled: false, capacity: 10n, rate: 0n })).toThrow(/disabled limit/);
  });

  it('getTokenInfo reads the token, its registered pool, liquidity and per-remote config', async () => {
    const [lA, lB] = tokens.LnR;
    const info = await getTokenInfo(pair.a.clients.public, { token: lA!.token, tokenAdminRegistry: pair.a.contracts.tokenAdminRegistry, feeQuoter: pair.a.contracts.feeQuoter });
    expect(info).toMatchObject({
      symbol: 'LnR',
      decimals: 18,
      pool: lA!.pool,
      poolType: 'lock-release',
      typeAndVersion: 'LockReleaseTokenPool 1.6.0',
      liquidity: parseUnits('1000000', 18),
      rebalancer: pair.a.clients.wallet.account.address,
      poolOwner: pair.a.clients.wallet.account.address,
    });
    expect(info.totalSupply).toBe(parseUnits('1000000', 18));
    expect(info.remotes).toHaveLength(1);
    const r = info.remotes[0]!;
    expect(r.chainSelector).toBe(pair.b.chainSelector);
    expect(r.remoteToken).toBe(lB!.token);
    expect(r.remotePools).toEqual([lB!.pool]);
    expect(r.outbound).toMatchObject({ isEnabled: false, capacity: 0n, rate: 0n });
    expect(r.transferFee).toEqual({ ...DEFAULT_TOKEN_FEE, isEnabled: true });

    const bnm = await getTokenInfo(pair.b.clients.public, { token: tokens.BnM[1]!.token, pool: tokens.BnM[1]!.pool });
    expect(bnm.poolType).toBe('burn-mint');
    expect(bnm.liquidity).toBeUndefined();
    expect(bnm.remotes[0]!.transferFee).toBeUndefined();
    await expect(getTokenInfo(pair.a.clients.public, { token: pair.a.contracts.linkToken, tokenAdminRegistry: pair.a.contracts.tokenAdminRegistry })).rejects.toThrow(TokenNotRegisteredError);
  });

  it('setTokenRateLimit changes one direction, checks the role, the lane and the config first', async () => {
    const t = tokens.BnM[0]!;
    const owner = clientsOf(0);
    const outbound = { isEnabled: true, capacity: parseUnits('100', 18), rate: parseUnits('1', 18) };
    await expect(setTokenRateLimit(owner, { pool: t.pool, remoteChainSelector: pair.b.chainSelector, outbound: { ...outbound, rate: outbound.capacity } })).rejects.toThrow(InvalidRateLimitError);
    await expect(setTokenRateLimit(clientsOf(5), { pool: t.pool, remoteChainSelector: pair.b.chainSelector, outbound })).rejects.toThrow(NotAuthorizedError);
    await expect(setTokenRateLimit(owner, { pool: t.pool, remoteChainSelector: 42n, outbound })).rejects.toThrow(PoolChainNotSupportedError);

    await setTokenRateLimit(owner, { pool: t.pool, remoteChainSelector: pair.b.chainSelector, outbound });
    let r = (await getTokenInfo(owner.public, { token: t.token, pool: t.pool })).remotes[0]!;
    expect(r.outbound).toMatchObject(outbound);
    // Enabling a disabled bucket keeps its level (0) and lets it refill at the rate, as upstream does.
    expect(r.outbound.tokens).toBeLessThan(outbound.capacity);
    expect(r.inbound).toMatchObject(DISABLED_RATE_LIMIT);

    const inbound = { isEnabled: true, capacity: 50n, rate: 5n };
    await setTokenRateLimit(owner, { pool: t.pool, remoteChainSelector: pair.b.chainSelector, inbound });
    r = (await getTokenInfo(owner.public, { token: t.token, pool: t.pool })).remotes[0]!;
    expect(r.outbound).toMatchObject(outbound); // kept
    expect(r.inbound).toMatchObject(inbound);
    await setTokenRateLimit(owner, { pool: t.pool, remoteChainSelector: pair.b.chainSelector, outbound: DISABLED_RATE_LIMIT, inbound: DISABLED_RATE_LIMIT });
  });

  it('adds and removes liquidity as the rebalancer only, within balances', async () => {
    const t = tokens.LnR[1]!; // 6 decimals
    const rebalancer = clientsOf(0);
    const amount = parseUnits('25', 6);
    await expect(addPoolLiquidity(clientsOf(5), { pool: t.pool, amount })).rejects.toThrow(/may not add liquidity.*only its rebalancer/);
    await expect(addPoolLiquidity(rebalancer, { pool: t.pool, amount })).rejects.toThrow(InsufficientBalanceError);
    await mintTokens(pair.b, t, rebalancer.wallet.account.address, amount);
    const added = await addPoolLiquidity(rebalancer, { pool: t.pool, amount });
    expect(added.approval).toBeDefined();
    expect(added.liquidity).toBe(parseUnits('1000025', 6));
    const removed = await removePoolLiquidity(rebalancer, { pool: t.pool, amount: parseUnits('1000', 6) });
    expect(removed.liquidity).toBe(parseUnits('999025', 6));
    await expect(removePoolLiquidity(rebalancer, { pool: t.pool, amount: parseUnits('999026', 6) })).rejects.toThrow(/insufficient liquidity of pool/);
    await expect(removePoolLiquidity(clientsOf(5), { pool: t.pool, amount: 1n })).rejects.toThrow(NotAuthorizedError);
  });
});
