import { erc20Abi, isAddressEqual, zeroAddress, type Address, type Hex } from 'viem';
import { getBalance, readContract, waitForTransactionReceipt, writeContract } from 'viem/actions';
import { routerAbi } from '../abi/router.js';
import type { ChainSelector, EVM2AnyMessage, EVM2AnyRampMessage } from '../types.js';
import { decodeSentLogs } from './decodeSentLogs.js';
import { describeError } from './describeError.js';
import { InsufficientBalanceError, InsufficientFeeError, TransactionFailedError } from './errors.js';
import { assertLaneSupported, getFee } from './getFee.js';
import type { ChainWriteClients, SentMessage, SignClient } from './types.js';

export interface SendMessageParameters {
  router: Address;
  destChainSelector: ChainSelector;
  message: EVM2AnyMessage;
  /** the fee to pay (default: Router.getFee now); for native fees all of it is kept */
  fee?: bigint;
}

export interface SendMessageResult {
  txHash: Hex;
  messageId: Hex;
  fee: bigint;
  /** the EVM2AnyRampMessage the OnRamp emitted */
  message: EVM2AnyRampMessage;
  onRamp: Address;
  /** the decoded CCIPMessageSent event (block, log index) */
  sent: SentMessage;
  /** approve transactions sent first (tokens and a non-native fee token whose allowance was short) */
  approvals: Hex[];
}

/**
 * Router.ccipSend from the wallet's account: checks the lane and balances, approves the Router for each token
 * (and the fee token) where the allowance is short, pays native fees as msg.value, and reads the message from
 * the receipt.
 */
export async function sendMessage(clients: ChainWriteClients, p: SendMessageParameters): Promise<SendMessageResult> {
  const { public: reader, wallet } = clients;
  const owner = wallet.account.address;
  const lane = `to ${p.destChainSelector} via Router ${p.router}`;
  await assertLaneSupported(reader, p.router, p.destChainSelector);

  const required = await getFee(reader, p);
  const fee = p.fee ?? required;
  if (fee < required) throw new InsufficientFeeError(fee, required);
  const nativeFee = isAddressEqual(p.message.feeToken, zeroAddress);

  // What the Router pulls with transferFrom: each token's total, plus the fee for a non-native fee token.
  const pulls = new Map<Address, bigint>();
  for (const t of p.message.tokenAmounts) pulls.set(t.token, (pulls.get(t.token) ?? 0n) + t.amount);
  if (!nativeFee) pulls.set(p.message.feeToken, (pulls.get(p.message.feeToken) ?? 0n) + fee);

  for (const [token, amount] of pulls) {
    const balance = await readContract(reader, { address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });
    if (balance < amount) throw new InsufficientBalanceError(`balance of token ${token} for ${owner}`, amount, balance);
  }
  if (nativeFee) {
    const balance = await getBalance(reader, { address: owner });
    if (balance < fee) throw new InsufficientBalanceError(`native balance of ${owner} for the fee`, fee, balance);
  }

  const approvals: Hex[] = [];
  for (const [token, amount] of pulls) {
    const allowance = await readContract(reader, { address: token, abi: erc20Abi, functionName: 'allowance', args: [owner, p.router] });
    if (allowance >= amount) continue;
    const hash = await write(wallet, `approve Router ${p.router} for ${amount} of token ${token}`, {
      address: token,
      abi: erc20Abi,
      functionName: 'approve',
      args: [p.router, amount],
    });
    await waitForSuccess(clients, hash, `approve of token ${token}`);
    approvals.push(hash);
  }

  const txHash = await write(wallet, `ccipSend ${lane}`, {
    address: p.router,
    abi: routerAbi,
    functionName: 'ccipSend',
    args: [p.destChainSelector, p.message],
    value: nativeFee ? fee : 0n,
  });
  const receipt = await waitForSuccess(clients, txHash, `ccipSend ${lane}`);

  const onRamp = await readContract(reader, { address: p.router, abi: routerAbi, functionName: 'getOnRamp', args: [p.destChainSelector] });
  const sent = decodeSentLogs(receipt.logs).find(
    (s) => isAddressEqual(s.onRamp, onRamp) && s.message.header.destChainSelector === p.destChainSelector,
  );
  if (!sent) throw new TransactionFailedError(`ccipSend ${lane}`, `no CCIPMessageSent from OnRamp ${onRamp} in the receipt`, txHash);
  return { txHash, messageId: sent.message.header.messageId, fee, message: sent.message, onRamp, sent, approvals };
}

type WriteArgs = { address: Address; abi: readonly unknown[]; functionName: string; args: readonly unknown[]; value?: bigint };

async function write(wallet: SignClient, step: string, args: WriteArgs): Promise<Hex> {
  try {
    return await writeContract(wallet, { ...args, chain: wallet.chain ?? null, account: wallet.account } as Parameters<typeof writeContract>[1]);
  } catch (err) {
    throw new TransactionFailedError(step, describeError(err));
  }
}

async function waitForSuccess(clients: ChainWriteClients, hash: Hex, step: string) {
  const receipt = await waitForTransactionReceipt(clients.public, { hash });
  if (receipt.status !== 'success') throw new TransactionFailedError(step, 'reverted', hash);
  return receipt;
}
