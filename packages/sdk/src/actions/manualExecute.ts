import { parseEventLogs, type Hex } from 'viem';
import { waitForTransactionReceipt, writeContract } from 'viem/actions';
import { offRampAbi } from '../abi/offRamp.js';
import { encodeEvmAddress } from '../address.js';
import { toAny2EVMMessage, getLeafHash } from '../hashing.js';
import { getMerkleRoot, getMultiProof } from '../merkle.js';
import { MessageExecutionState, type ExecutionReport } from '../types.js';
import { describeError } from './describeError.js';
import {
  MessageAlreadyExecutedError,
  MessageNotCommittedError,
  RootMismatchError,
  TransactionFailedError,
} from './errors.js';
import { getIntervalMessages } from './getIntervalMessages.js';
import { getMessageStatus, type GetMessageStatusParameters } from './getMessageStatus.js';
import type { ChainWriteClients, MessageExecution, ReadClient } from './types.js';

export interface ManualExecuteParameters extends GetMessageStatusParameters {
  /** a client of the source chain (the message and its committed interval are read there) */
  source: ReadClient;
  /** raise the receiver's gas limit to this (never lower than the message's) */
  gasLimit?: bigint;
}

export interface ManualExecuteResult {
  txHash: Hex;
  /** the execution this transaction produced */
  execution: MessageExecution;
}

/**
 * OffRamp.manuallyExecute for one committed message: rebuilds the root from every message of the committed interval
 * (read from the source OnRamp), proves the message with a multi-proof and executes it from the wallet's account,
 * with an optional receiver gas limit override.
 */
export async function manualExecute(dest: ChainWriteClients, p: ManualExecuteParameters): Promise<ManualExecuteResult> {
  const status = await getMessageStatus(p.source, dest.public, p);
  const { messageId, message, onRamp, offRamp } = status;
  const { sourceChainSelector, destChainSelector, sequenceNumber } = message.header;
  if (status.state === 'executed') throw new MessageAlreadyExecutedError(messageId, status.executions[status.executions.length - 1]!.tx);
  if (!status.committed) throw new MessageNotCommittedError(messageId, sourceChainSelector, sequenceNumber);
  const { minSeqNr, maxSeqNr, merkleRoot } = status.committed;

  const interval = await getIntervalMessages(p.source, { onRamp, destChainSelector, minSeqNr, maxSeqNr, ...p.sourceBlocks });
  const onRampBytes = encodeEvmAddress(onRamp);
  const leaves = interval.map((s) => getLeafHash(toAny2EVMMessage(s.message), onRampBytes));
  const rebuilt = getMerkleRoot(leaves);
  if (rebuilt.toLowerCase() !== merkleRoot.toLowerCase()) throw new RootMismatchError(messageId, merkleRoot, rebuilt);

  const { proofs, proofFlagBits } = getMultiProof(leaves, [Number(sequenceNumber - minSeqNr)]);
  const execMessage = toAny2EVMMessage(message);
  const report: ExecutionReport = {
    sourceChainSelector,
    messages: [execMessage],
    offchainTokenData: [execMessage.tokenAmounts.map(() => '0x' as Hex)],
    proofs,
    proofFlagBits,
  };
  const overrides = [[{ receiverExecutionGasLimit: p.gasLimit ?? 0n, tokenGasOverrides: execMessage.tokenAmounts.map(() => 0) }]];

  const step = `manuallyExecute of message ${messageId} (source ${sourceChainSelector}, seqNr ${sequenceNumber}) on OffRamp ${offRamp}`;
  let txHash: Hex;
  try {
    txHash = await writeContract(dest.wallet, {
      address: offRamp,
      abi: offRampAbi,
      functionName: 'manuallyExecute',
      args: [[report], overrides],
      chain: dest.wallet.chain ?? null,
      account: dest.wallet.account,
    });
  } catch (err) {
    throw new TransactionFailedError(step, describeError(err));
  }
  const receipt = await waitForTransactionReceipt(dest.public, { hash: txHash });
  if (receipt.status !== 'success') throw new TransactionFailedError(step, 'reverted', txHash);
  const log = parseEventLogs({ abi: offRampAbi, eventName: 'ExecutionStateChanged', logs: receipt.logs, strict: true }).find(
    (l) => l.args.messageId.toLowerCase() === messageId.toLowerCase(),
  );
  if (!log) throw new TransactionFailedError(step, 'the OffRamp emitted no ExecutionStateChanged for the message', txHash);
  return {
    txHash,
    execution: {
      tx: txHash,
      block: receipt.blockNumber,
      state: log.args.state as MessageExecutionState,
      gasUsed: log.args.gasUsed,
      returnData: log.args.returnData,
    },
  };
}
