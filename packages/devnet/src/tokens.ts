import { encodeAbiParameters, type Address } from 'viem';
import {
  burnMintErc20Abi,
  burnMintTokenPoolAbi,
  lockReleaseTokenPoolAbi,
  registryModuleOwnerCustomAbi,
  tokenAdminRegistryAbi,
} from '@openccip/sdk';
import { burnMintErc20Bytecode, burnMintTokenPoolBytecode, lockReleaseTokenPoolBytecode } from '@openccip/sdk/bytecode';
import type { ChainDeployment } from './deploy.js';
import { deploy, send } from './tx.js';

export type PoolType = 'burn-mint' | 'lock-release';

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
 */
export async function deployTokenWithPool(d: ChainDeployment, opts: DeployTokenOptions): Promise<TokenOnChain> {
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
  // The deployer mints (for funding test accounts): it needs the minter role too.
  await send(c, token, burnMintErc20Abi, 'grantMintAndBurnRoles', [c.wallet.account.address]);
  await send(c, registryModuleOwnerCustom, registryModuleOwnerCustomAbi, 'registerAdminViaOwner', [token]);
  await send(c, tokenAdminRegistry, tokenAdminRegistryAbi, 'acceptAdminRole', [token]);
  await send(c, tokenAdminRegistry, tokenAdminRegistryAbi, 'setPool', [token, pool]);
  return { chainSelector: d.chainSelector, token, pool, type: opts.type, decimals: opts.decimals };
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
  d: ChainDeployment,
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
export async function mintTokens(d: ChainDeployment, t: TokenOnChain, to: Address, amount: bigint): Promise<void> {
  await send(d.clients, t.token, burnMintErc20Abi, 'mint', [to, amount]);
}

/** Adds liquidity to a lock/release pool from the deployer (the pool's rebalancer). */
export async function provideLiquidity(d: ChainDeployment, t: TokenOnChain, amount: bigint): Promise<void> {
  await mintTokens(d, t, d.clients.wallet.account.address, amount);
  await send(d.clients, t.token, burnMintErc20Abi, 'approve', [t.pool, amount]);
  await send(d.clients, t.pool, lockReleaseTokenPoolAbi, 'provideLiquidity', [amount]);
}
