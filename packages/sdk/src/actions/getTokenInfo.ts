import { decodeAbiParameters, erc20Abi, isAddressEqual, zeroAddress, type Address, type Hex } from 'viem';
import { readContract } from 'viem/actions';
import { feeQuoterAbi } from '../abi/feeQuoter.js';
import { lockReleaseTokenPoolAbi } from '../abi/lockReleaseTokenPool.js';
import { tokenAdminRegistryAbi } from '../abi/tokenAdminRegistry.js';
import type { ChainSelector } from '../types.js';
import { CCIPSdkError } from '../errors.js';
import type { ReadClient } from './types.js';

/** A pool's token bucket now (after refill): `tokens` is the current level. */
export interface RateLimiterState {
  tokens: bigint;
  lastUpdated: number;
  isEnabled: boolean;
  capacity: bigint;
  rate: bigint;
}

export interface TokenTransferFeeConfig {
  minFeeUSDCents: number;
  maxFeeUSDCents: number;
  deciBps: number;
  destGasOverhead: number;
  destBytesOverhead: number;
  isEnabled: boolean;
}

export interface TokenPoolRemote {
  chainSelector: ChainSelector;
  /** EVM address when the remote token is a 32-byte ABI-encoded address, else the raw bytes */
  remoteToken: Hex;
  remotePools: Hex[];
  outbound: RateLimiterState;
  inbound: RateLimiterState;
  /** the FeeQuoter's config for this token on the lane to the remote (undefined when no FeeQuoter was given) */
  transferFee?: TokenTransferFeeConfig;
}

export interface TokenInfo {
  token: Address;
  name: string;
  symbol: string;
  decimals: number;
  totalSupply: bigint;
  pool: Address;
  /** from the pool's typeAndVersion */
  poolType: 'burn-mint' | 'lock-release' | 'unknown';
  typeAndVersion: string;
  poolOwner: Address;
  rateLimitAdmin: Address;
  /** lock/release pools: the token balance of the pool (liquidity) and its rebalancer */
  liquidity?: bigint;
  rebalancer?: Address;
  remotes: TokenPoolRemote[];
}

export interface GetTokenInfoParameters {
  token: Address;
  /** the token's pool; default: TokenAdminRegistry.getPool(token) */
  pool?: Address;
  tokenAdminRegistry?: Address;
  /** to read the token transfer fee config per remote chain */
  feeQuoter?: Address;
}

/** The token's pool is not registered. */
export class TokenNotRegisteredError extends CCIPSdkError {
  override name = 'TokenNotRegisteredError';
  constructor(readonly token: Address, detail: string) {
    super(`token ${token} has no pool: ${detail}`);
  }
}

const decodeRemote = (b: Hex): Hex => (b.length === 66 ? decodeAbiParameters([{ type: 'address' }], b)[0] : b);

/** Resolves a token's pool: the given one, else TokenAdminRegistry.getPool. */
export async function getTokenPool(client: ReadClient, p: Pick<GetTokenInfoParameters, 'token' | 'pool' | 'tokenAdminRegistry'>): Promise<Address> {
  if (p.pool) return p.pool;
  if (!p.tokenAdminRegistry) throw new TokenNotRegisteredError(p.token, 'give the pool or the TokenAdminRegistry');
  const pool = await readContract(client, { address: p.tokenAdminRegistry, abi: tokenAdminRegistryAbi, functionName: 'getPool', args: [p.token] });
  if (isAddressEqual(pool, zeroAddress)) throw new TokenNotRegisteredError(p.token, `TokenAdminRegistry ${p.tokenAdminRegistry} has no pool for it`);
  return pool;
}

/**
 * Everything about a token on one chain: ERC20 facts, its pool (type, owner, liquidity for lock/release) and per
 * remote chain the remote pools and token, both rate limiters now, and the FeeQuoter transfer fee config.
 */
export async function getTokenInfo(client: ReadClient, p: GetTokenInfoParameters): Promise<TokenInfo> {
  const pool = await getTokenPool(client, p);
  // The lock/release ABI is a superset of the burn/mint one for the common TokenPool functions.
  const poolRead = <fn extends 'typeAndVersion' | 'owner' | 'getRateLimitAdmin' | 'getSupportedChains'>(functionName: fn) =>
    readContract(client, { address: pool, abi: lockReleaseTokenPoolAbi, functionName });
  const erc = <fn extends 'name' | 'symbol' | 'decimals' | 'totalSupply'>(functionName: fn) =>
    readContract(client, { address: p.token, abi: erc20Abi, functionName });
  const [name, symbol, decimals, totalSupply, typeAndVersion, poolOwner, rateLimitAdmin, chains] = await Promise.all([
    erc('name'),
    erc('symbol'),
    erc('decimals'),
    erc('totalSupply'),
    poolRead('typeAndVersion'),
    poolRead('owner'),
    poolRead('getRateLimitAdmin'),
    poolRead('getSupportedChains'),
  ]);
  const poolType = typeAndVersion.startsWith('LockReleaseTokenPool') ? 'lock-release' : typeAndVersion.startsWith('BurnMintTokenPool') ? 'burn-mint' : 'unknown';
  const info: TokenInfo = { token: p.token, name, symbol, decimals, totalSupply, pool, poolType, typeAndVersion, poolOwner, rateLimitAdmin, remotes: [] };
  if (poolType === 'lock-release') {
    [info.liquidity, info.rebalancer] = await Promise.all([
      readContract(client, { address: p.token, abi: erc20Abi, functionName: 'balanceOf', args: [pool] }),
      readContract(client, { address: pool, abi: lockReleaseTokenPoolAbi, functionName: 'getRebalancer' }),
    ]);
  }
  info.remotes = await Promise.all(
    chains.map(async (chainSelector): Promise<TokenPoolRemote> => {
      const args = [chainSelector] as const;
      const [remoteToken, remotePools, outbound, inbound, transferFee] = await Promise.all([
        readContract(client, { address: pool, abi: lockReleaseTokenPoolAbi, functionName: 'getRemoteToken', args }),
        readContract(client, { address: pool, abi: lockReleaseTokenPoolAbi, functionName: 'getRemotePools', args }),
        readContract(client, { address: pool, abi: lockReleaseTokenPoolAbi, functionName: 'getCurrentOutboundRateLimiterState', args }),
        readContract(client, { address: pool, abi: lockReleaseTokenPoolAbi, functionName: 'getCurrentInboundRateLimiterState', args }),
        p.feeQuoter
          ? readContract(client, { address: p.feeQuoter, abi: feeQuoterAbi, functionName: 'getTokenTransferFeeConfig', args: [chainSelector, p.token] })
          : undefined,
      ]);
      return {
        chainSelector,
        remoteToken: decodeRemote(remoteToken),
        remotePools: remotePools.map(decodeRemote),
        outbound: { ...outbound },
        inbound: { ...inbound },
        ...(transferFee ? { transferFee: { ...transferFee } } : {}),
      };
    }),
  );
  return info;
}
