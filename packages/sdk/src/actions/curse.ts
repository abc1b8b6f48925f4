import { BaseError, ContractFunctionRevertedError, type Address, type Hex } from 'viem';
import { readContract, simulateContract, waitForTransactionReceipt, writeContract } from 'viem/actions';
import { rmnRemoteAbi } from '../abi/rmnRemote.js';
import { CCIPSdkError } from '../errors.js';
import { describeError } from './describeError.js';
import { TransactionFailedError } from './errors.js';
import type { SignClient } from './types.js';

export type RmnCurseErrorCode = 'not-owner' | 'already-cursed' | 'not-cursed';

/** The owner's curse or uncurse cannot go through: the account is not the owner, or a subject's state is wrong. */
export class RmnCurseError extends CCIPSdkError {
  override name = 'RmnCurseError';
  constructor(
    readonly code: RmnCurseErrorCode,
    readonly rmnRemote: Address,
    message: string,
    /** the subject already cursed / not cursed, or the owner and the account that is not it */
    readonly details: { subject?: Hex; owner?: Address; account?: Address } = {},
  ) {
    super(`RMNRemote ${rmnRemote}: ${message}`);
  }
}

export interface CurseResult {
  txHash: Hex;
  blockNumber: bigint;
}

/** The owner's curse of `subjects` on `rmnRemote` (chainCurseSubject(selector) or GLOBAL_CURSE_SUBJECT); waits for it. */
export function curse(client: SignClient, rmnRemote: Address, subjects: readonly Hex[]): Promise<CurseResult> {
  return ownerCurseTx(client, rmnRemote, subjects, 'curse');
}

/** The owner's uncurse (governance): lifts the curse of `subjects`; waits for it. */
export function uncurse(client: SignClient, rmnRemote: Address, subjects: readonly Hex[]): Promise<CurseResult> {
  return ownerCurseTx(client, rmnRemote, subjects, 'uncurse');
}

async function ownerCurseTx(
  client: SignClient,
  rmnRemote: Address,
  subjects: readonly Hex[],
  functionName: 'curse' | 'uncurse',
): Promise<CurseResult> {
  const account = client.account;
  const owner = await readContract(client, { address: rmnRemote, abi: rmnRemoteAbi, functionName: 'owner' });
  if (owner.toLowerCase() !== account.address.toLowerCase()) {
    throw new RmnCurseError('not-owner', rmnRemote, `${account.address} is not the owner (${owner}), cannot ${functionName}`, {
      owner,
      account: account.address,
    });
  }
  const step = `${functionName}(${subjects.join(', ')}) on RMNRemote ${rmnRemote}`;
  let txHash: Hex;
  try {
    // Simulate first: a revert names the subject (AlreadyCursed / NotCursed) before any gas is spent.
    const { request } = await simulateContract(client, {
      address: rmnRemote,
      abi: rmnRemoteAbi,
      functionName,
      args: [[...subjects]],
      account,
      chain: client.chain,
    });
    txHash = await writeContract(client, request);
  } catch (err) {
    throw curseStateError(err, rmnRemote, account.address) ?? new TransactionFailedError(step, describeError(err));
  }
  const receipt = await waitForTransactionReceipt(client, { hash: txHash });
  if (receipt.status !== 'success') throw new TransactionFailedError(step, 'reverted', txHash);
  return { txHash, blockNumber: receipt.blockNumber };
}

function curseStateError(err: unknown, rmnRemote: Address, account: Address): RmnCurseError | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
  const name = reverted?.data?.errorName;
  const subject = reverted?.data?.args?.[0] as Hex | undefined;
  if (name === 'AlreadyCursed') return new RmnCurseError('already-cursed', rmnRemote, `subject ${subject} is already cursed`, { subject });
  if (name === 'NotCursed') return new RmnCurseError('not-cursed', rmnRemote, `subject ${subject} is not cursed`, { subject });
  if (name === 'OnlyCallableByOwner') return new RmnCurseError('not-owner', rmnRemote, `${account} is not the owner`, { account });
  return undefined;
}
