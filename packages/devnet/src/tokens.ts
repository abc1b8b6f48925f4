import { encodeAbiParameters, getAddress, parseUnits, type Address } from 'viem';
import {
  burnMintErc20Abi,
  burnMintTokenPoolAbi,
  feeQuoterAbi,
  lockReleaseTokenPoolAbi,
  registryModuleOwnerCustomAbi,
  tokenAdminRegistryAbi,
} from '@openccip/sdk';
import { burnMintErc20Bytecode, burnMintTokenPoolBytecode, lockReleaseTokenPoolBytecode } from '@openccip/sdk/bytecode';
import type { ChainClients } from './clients.js';
import type { CoreContracts } from './deploy.js';
import { deploy, send } from './tx.js';

export type PoolType = 'burn-mint' | 'lock-release';

/** What token deployment needs of a chain: a ChainDeployment, or one rebuilt from devnet.json. */
export interface TokenChain {
  chainSelector: bigint;
  clients: ChainClients;
  contracts: Pick<CoreContracts, 'router' | 'rmnRemote' | 'tokenAdminRegistry' | 'registryModuleOwnerCustom' | 'feeQuoter'>;
}

export interface TokenOnChain {
  chainSelector: bigint;
  token: Address;
  pool: Address;
  type: PoolType;
  decimals: number;
}

export interface DeployTokenOptions {
  name: string;
  symbol: string;
  decimals: number;
  type: PoolType;
}

/**
 * Deploys a BurnMintERC20 and its pool on one chain and registers the pool self-serve: the deployer owns the
 * token, so it registers as the token's administrator through RegistryModuleOwnerCustom and sets the pool.
 * The deployer also gets the mint/burn roles (to mint supply) and is the lock/release pool's rebalancer.
 */
export async function deployTokenWithPool(d: TokenChain, opts: DeployTokenOptions): Promise<TokenOnChain> {
  const c = d.clients;
  const { rmnRemote, router, registryModuleOwnerCustom, tokenAdminRegistry } = d.contracts;
  const token = await deploy(c, `${opts.symbol} token`, burnMintErc20Abi, burnMintErc20Bytecode, [
    opts.name,
    opts.symbol,
    opts.decimals,
    0n,
    0n,
  ]);
  const pool =
    opts.type === 'burn-mint'
      ? await deploy(c, `${opts.symbol} BurnMintTokenPool`, burnMintTokenPoolAbi, burnMintTokenPoolBytecode, [
          token,
          opts.decimals,
          [],
          rmnRemote,
          router,
        ])
      : await deploy(c, `${opts.symbol} LockReleaseTokenPool`, lockReleaseTokenPoolAbi, lockReleaseTokenPoolBytecode, [
          token,
          opts.decimals,
          [],
          rmnRemote,
          true,
          router,
        ]);
  if (opts.type === 'burn-mint') await send(c, token, burnMintErc20Abi, 'grantMintAndBurnRoles', [pool]);
  else await send(c, pool, lockReleaseTokenPoolAbi, 'setRebalancer', [c.wallet.account.address]);
  // The deployer mints (initial supply, funding test accounts): it needs the minter role too.
  await send(c, token, burnMintErc20Abi, 'grantMintAndBurnRoles', [c.wallet.account.address]);
  await send(c, registryModuleOwnerCustom, registryModuleOwnerCustomAbi, 'registerAdminViaOwner', [token]);
  await send(c, tokenAdminRegistry, tokenAdminRegistryAbi, 'acceptAdminRole', [token]);
  await send(c, tokenAdminRegistry, tokenAdminRegistryAbi, 'setPool', [token, pool]);
  // Checksummed: these addresses end up in devnet.json and CLI output.
  return { chainSelector: d.chainSelector, token: getAddress(token), pool: getAddress(pool), type: opts.type, decimals: opts.decimals };
}

export interface RateLimit {
  isEnabled: boolean;
  capacity: bigint;
  rate: bigint;
}

export const NO_RATE_LIMIT: RateLimit = { isEnabled: false, capacity: 0n, rate: 0n };

const encodeAddress = (a: Address) => encodeAbiParameters([{ type: 'address' }], [a]);

/** Lets `local`'s pool send to and receive from each of `remotes` (remote pool + token, rate limits). */
export async function wireTokenPool(
  d: TokenChain,
  local: TokenOnChain,
  remotes: readonly TokenOnChain[],
  limits: { outbound?: RateLimit; inbound?: RateLimit } = {},
): Promise<void> {
  await send(d.clients, local.pool, burnMintTokenPoolAbi, 'applyChainUpdates', [
    [],
    remotes.map((r) => ({
      remoteChainSelector: r.chainSelector,
      remotePoolAddresses: [encodeAddress(r.pool)],
      remoteTokenAddress: encodeAddress(r.token),
      outboundRateLimiterConfig: limits.outbound ?? NO_RATE_LIMIT,
      inboundRateLimiterConfig: limits.inbound ?? NO_RATE_LIMIT,
    })),
  ]);
}

/** Mints test tokens (the deployer holds the minter role). */
export async function mintTokens(d: TokenChain, t: TokenOnChain, to: Address, amount: bigint): Promise<void> {
  await send(d.clients, t.token, burnMintErc20Abi, 'mint', [to, amount]);
}

/** Adds liquidity to a lock/release pool from the deployer (the pool's rebalancer), minting it first. */
export async function provideLiquidity(d: TokenChain, t: TokenOnChain, amount: bigint): Promise<void> {
  await mintTokens(d, t, d.clients.wallet.account.address, amount);
  await send(d.clients, t.token, burnMintErc20Abi, 'approve', [t.pool, amount]);
  await send(d.clients, t.pool, lockReleaseTokenPoolAbi, 'provideLiquidity', [amount]);
}

/** FeeQuoter token transfer fee config (without isEnabled: the FeeQuoter sets it). */
export interface TokenFeeConfig {
  /** 1 = 0.001% of the transferred value */
  deciBps: number;
  minFeeUSDCents: number;
  maxFeeUSDCents: number;
  /** gas of the destination pool's releaseOrMint */
  destGasOverhead: number;
  /** destPoolData bytes the sender pays for (≥ 32) */
  destBytesOverhead: number;
}

/** 0.01% of the value, at least $0.10 and at most $50. */
export const DEFAULT_TOKEN_FEE: TokenFeeConfig = {
  deciBps: 10,
  minFeeUSDCents: 10,
  maxFeeUSDCents: 5_000,
  destGasOverhead: 90_000,
  destBytesOverhead: 32,
};

/** Sets `tokens`' transfer fee config on every lane to `destSelectors`, in one FeeQuoter transaction (owner only). */
export async function setTokenTransferFees(
  d: TokenChain,
  tokens: readonly Address[],
  destSelectors: readonly bigint[],
  fee: TokenFeeConfig = DEFAULT_TOKEN_FEE,
): Promise<void> {
  await send(d.clients, d.contracts.feeQuoter, feeQuoterAbi, 'applyTokenTransferFeeConfigUpdates', [
    destSelectors.map((destChainSelector) => ({
      destChainSelector,
      tokenTransferFeeConfigs: tokens.map((token) => ({ token, tokenTransferFeeConfig: { ...fee, isEnabled: true } })),
    })),
    [],
  ]);
}

/**
 * The FeeQuoter price of a token worth `usd` dollars per whole token: USD with 18 decimals per 1e18 smallest
 * units, so a 6-decimal token at $1 is 1e30.
 */
export function usdPerToken(usd: string, decimals: number): bigint {
  return parseUnits(usd, 36 - decimals);
}

/** Seeds FeeQuoter token prices (the caller must be an authorized price updater, as the devnet deployer is). */
export async function setTokenPrices(d: TokenChain, prices: readonly { token: Address; usdPerToken: bigint }[]): Promise<void> {
  await send(d.clients, d.contracts.feeQuoter, feeQuoterAbi, 'updatePrices', [
    { tokenPriceUpdates: prices.map((p) => ({ sourceToken: p.token, usdPerToken: p.usdPerToken })), gasPriceUpdates: [] },
  ]);
}

export interface CrossChainTokenOptions {
  name: string;
  symbol: string;
  type: PoolType;
  /** decimals on each chain, by chain selector (chains not listed: `defaultDecimals`) */
  decimals: ReadonlyMap<bigint, number> | number;
  outbound?: RateLimit;
  inbound?: RateLimit;
  /** FeeQuoter transfer fee config and USD price per whole token; skipped when undefined (needs FeeQuoter owner) */
  fee?: { config: TokenFeeConfig; usd: string };
  /** smallest units minted to the deployer on each chain, by chain selector */
  initialSupply?: (t: TokenOnChain) => bigint;
  /** smallest units of liquidity each lock/release pool gets */
  liquidity?: (t: TokenOnChain) => bigint;
  /** progress lines */
  log?: (line: string) => void;
}

/**
 * One token on every chain: token + pool deployed and registered, every pair of pools wired, optional fee config
 * and price, supply and liquidity. Chains run in parallel (each has its own sender).
 */
export async function deployCrossChainToken(chains: readonly TokenChain[], opts: CrossChainTokenOptions): Promise<TokenOnChain[]> {
  const log = opts.log ?? (() => {});
  const decimalsOf = (sel: bigint) => (typeof opts.decimals === 'number' ? opts.decimals : opts.decimals.get(sel));
  const deployed = await perSender(chains, async (d) => {
    const decimals = decimalsOf(d.chainSelector);
    if (decimals === undefined) throw new Error(`no decimals for ${opts.symbol} on chain selector ${d.chainSelector}`);
    const t = await deployTokenWithPool(d, { name: opts.name, symbol: opts.symbol, decimals, type: opts.type });
    log(`${opts.symbol} on ${d.clients.chain.name}: token ${t.token}, ${t.type} pool ${t.pool} (${decimals} decimals), registered`);
    return t;
  });
  await perSender(chains, async (d, i) => {
    const t = deployed[i]!;
    const remotes = deployed.filter((r) => r !== t);
    await wireTokenPool(d, t, remotes, { outbound: opts.outbound, inbound: opts.inbound });
    if (opts.fee) {
      await setTokenPrices(d, [{ token: t.token, usdPerToken: usdPerToken(opts.fee.usd, t.decimals) }]);
      await setTokenTransferFees(d, [t.token], remotes.map((r) => r.chainSelector), opts.fee.config);
    }
    const supply = opts.initialSupply?.(t) ?? 0n;
    if (supply > 0n) await mintTokens(d, t, d.clients.wallet.account.address, supply);
    const liquidity = t.type === 'lock-release' ? (opts.liquidity?.(t) ?? 0n) : 0n;
    if (liquidity > 0n) await provideLiquidity(d, t, liquidity);
    log(
      `${opts.symbol} on ${d.clients.chain.name}: wired to ${remotes.length} chain(s)` +
        `${opts.fee ? ', fee config and price set' : ''}${supply ? `, minted ${supply}` : ''}${liquidity ? `, liquidity ${liquidity}` : ''}`,
    );
  });
  return deployed;
}

/**
 * Runs `fn` for every chain: chains with different senders in parallel, those sharing one (same RPC and
 * account, e.g. two stacks on one anvil) one after the other, so nonces never clash. Results in chain order.
 */
export async function perSender<T extends { clients: ChainClients }, R>(
  chains: readonly T[],
  fn: (chain: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(chains.length);
  const groups = new Map<string, number[]>();
  chains.forEach((chain, i) => {
    const c = chain.clients;
    const key = `${c.chain.rpcUrls.default.http[0]}|${c.wallet.account.address}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      for (const i of indexes) results[i] = await fn(chains[i]!, i);
    }),
  );
  return results;
}
