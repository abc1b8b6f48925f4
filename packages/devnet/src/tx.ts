import type { Abi, Address, ContractConstructorArgs, ContractFunctionArgs, ContractFunctionName, Hex } from 'viem';
import { describeError } from '@openccip/sdk';
import type { ChainClients } from './clients.js';

/** Deploys a contract and waits for its receipt; errors name the contract. */
export async function deploy<const abi extends Abi>(
  c: ChainClients,
  name: string,
  abi: abi,
  bytecode: Hex,
  args: ContractConstructorArgs<abi>,
): Promise<Address> {
  // viem's deployContract overloads do not narrow well for a generic abi; the args type above is the real check.
  let hash: Hex;
  try {
    hash = await c.wallet.deployContract({ abi, bytecode, args } as never);
  } catch (err) {
    throw new Error(`deploying ${name} on chain ${c.chain.id} failed: ${describeError(err)}`);
  }
  const receipt = await c.public.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`deploying ${name} on chain ${c.chain.id} failed (tx ${hash})`);
  }
  return receipt.contractAddress;
}

/** Sends a contract call and waits for it to succeed; errors carry the chain, contract and function. */
export async function send<
  const abi extends Abi,
  fn extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
>(
  c: ChainClients,
  address: Address,
  abi: abi,
  functionName: fn,
  args: ContractFunctionArgs<abi, 'nonpayable' | 'payable', fn>,
  value?: bigint,
): Promise<{ hash: Hex; gasUsed: bigint }> {
  let hash: Hex;
  try {
    hash = await c.wallet.writeContract({ address, abi, functionName, args, value } as never);
  } catch (err) {
    throw new Error(`${functionName} on ${address} (chain ${c.chain.id}) failed: ${describeError(err)}`);
  }
  const receipt = await c.public.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`${functionName} on ${address} (chain ${c.chain.id}) reverted (tx ${hash})`);
  return { hash, gasUsed: receipt.gasUsed };
}

