import { erc20Abi, isAddressEqual, zeroAddress, type Address, type Hex } from 'viem';
import { readContract } from 'viem/actions';
import { lockReleaseTokenPoolAbi } from '../abi/lockReleaseTokenPool.js';
import { InsufficientBalanceError, NotAuthorizedError } from './errors.js';
import type { ChainWriteClients } from './types.js';
import { writeAndWait } from './writeAndWait.js';

export interface PoolLiquidityParameters {
  pool: Address;
  /** smallest units */
  amount: bigint;
}

export interface PoolLiquidityResult {
  txHash: Hex;
  /** the approve sent first (add only, when the allowance was short) */
  approval?: Hex;
  /** the pool's token balance afterwards */
  liquidity: bigint;
}

async function checkRebalancer(clients: ChainWriteClients, pool: Address, action: string): Promise<Address> {
  const read = { address: pool, abi: lockReleaseTokenPoolAbi } as const;
  const [rebalancer, token] = await Promise.all([
    readContract(clients.public, { ...read, functionName: 'getRebalancer' }),
    readContract(clients.public, { ...read, functionName: 'getToken' }),
  ]);
  const caller = clients.wallet.account.address;
  if (!isAddressEqual(caller, rebalancer)) {
    throw new NotAuthorizedError(caller, `${action} of pool ${pool}`, [
      isAddressEqual(rebalancer, zeroAddress) ? 'its rebalancer (none set)' : `its rebalancer ${rebalancer}`,
    ]);
  }
  return token;
}

const balanceOf = (clients: ChainWriteClients, token: Address, who: Address) =>
  readContract(clients.public, { address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });

/** LockReleaseTokenPool.provideLiquidity from the rebalancer (the wallet), approving the pool first if needed. */
export async function addPoolLiquidity(clients: ChainWriteClients, p: PoolLiquidityParameters): Promise<PoolLiquidityResult> {
  const token = await checkRebalancer(clients, p.pool, 'add liquidity');
  const me = clients.wallet.account.address;
  const balance = await balanceOf(clients, token, me);
  if (balance < p.amount) throw new InsufficientBalanceError(`balance of token ${token} for ${me}`, p.amount, balance);
  let approval: Hex | undefined;
  const allowance = await readContract(clients.public, { address: token, abi: erc20Abi, functionName: 'allowance', args: [me, p.pool] });
  if (allowance < p.amount) {
    approval = await writeAndWait(clients, `approve pool ${p.pool} for ${p.amount} of token ${token}`, {
      address: token,
      abi: erc20Abi,
      functionName: 'approve',
      args: [p.pool, p.amount],
    });
  }
  const txHash = await writeAndWait(clients, `provideLiquidity ${p.amount} to pool ${p.pool}`, {
    address: p.pool,
    abi: lockReleaseTokenPoolAbi,
    functionName: 'provideLiquidity',
    args: [p.amount],
  });
  return { txHash, approval, liquidity: await balanceOf(clients, token, p.pool) };
}

/** LockReleaseTokenPool.withdrawLiquidity to the rebalancer (the wallet). */
export async function removePoolLiquidity(clients: ChainWriteClients, p: PoolLiquidityParameters): Promise<PoolLiquidityResult> {
  const token = await checkRebalancer(clients, p.pool, 'remove liquidity');
  const liquidity = await balanceOf(clients, token, p.pool);
  if (liquidity < p.amount) throw new InsufficientBalanceError(`liquidity of pool ${p.pool}`, p.amount, liquidity);
  const txHash = await writeAndWait(clients, `withdrawLiquidity ${p.amount} from pool ${p.pool}`, {
    address: p.pool,
    abi: lockReleaseTokenPoolAbi,
    functionName: 'withdrawLiquidity',
    args: [p.amount],
  });
  return { txHash, liquidity: await balanceOf(clients, token, p.pool) };
}
