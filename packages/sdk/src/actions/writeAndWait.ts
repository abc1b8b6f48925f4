import type { Address, Hex } from 'viem';
import { waitForTransactionReceipt, writeContract } from 'viem/actions';
import { describeError } from './describeError.js';
import { TransactionFailedError } from './errors.js';
import type { ChainWriteClients } from './types.js';

export interface WriteCall {
  address: Address;
  abi: readonly unknown[];
  functionName: string;
  args: readonly unknown[];
}

/** Sends one contract call from the wallet's account and waits for it to succeed; errors name the step. */
export async function writeAndWait(clients: ChainWriteClients, step: string, call: WriteCall): Promise<Hex> {
  const { wallet } = clients;
  let hash: Hex;
  try {
    hash = await writeContract(wallet, { ...call, chain: wallet.chain ?? null, account: wallet.account } as Parameters<typeof writeContract>[1]);
  } catch (err) {
    throw new TransactionFailedError(step, describeError(err));
  }
  const receipt = await waitForTransactionReceipt(clients.public, { hash });
  if (receipt.status !== 'success') throw new TransactionFailedError(step, 'reverted', hash);
  return hash;
}
