import { getAbiItem, isAddressEqual, parseEventLogs, type Address, type Hex } from 'viem';
import { readContract } from 'viem/actions';
import { offRampAbi } from '../abi/offRamp.js';
import { routerAbi } from '../abi/router.js';
import { MessageExecutionState } from '../types.js';
import { MessageNotFoundError } from './errors.js';
import { findCommit } from './findCommit.js';
import { findSentMessage } from './findSentMessage.js';
import { getOffRampForSource } from './getOffRampForSource.js';
import { scanLogsBackwards, type BlockRange } from './scanLogs.js';
import type { MessageExecution, MessageState, MessageStatus, ReadClient, SentMessage } from './types.js';

export interface GetMessageStatusParameters {
  /** the message id (or txHash, or both) */
  messageId?: Hex;
  txHash?: Hex;
  /** source Router: the message must come from the OnRamp it uses for the message's destination */
  sourceRouter?: Address;
  /** source OnRamp: only its messages */
  onRamp?: Address;
  /** destination Router (its getOffRamps() gives the OffRamp) — or the OffRamp directly */
  destRouter?: Address;
  destOffRamp?: Address;
  /** where to scan the source chain for the message id (default: all blocks) */
  sourceBlocks?: BlockRange;
  /** where to scan the destination chain for commits and executions (default: all blocks) */
  destBlocks?: BlockRange;
  /** the sent message when already known (skips the source lookup) */
  sent?: SentMessage;
}

const executionStateChanged = getAbiItem({ abi: offRampAbi, name: 'ExecutionStateChanged' });

/** Finds the message on the source (honouring sourceRouter/onRamp); shared by status, wait and manual execution. */
export async function resolveSentMessage(source: ReadClient, p: GetMessageStatusParameters): Promise<SentMessage> {
  const sent = p.sent ?? (await findSentMessage(source, { messageId: p.messageId, txHash: p.txHash, onRamp: p.onRamp, ...p.sourceBlocks }));
  if (p.sourceRouter && !p.onRamp) {
    const dest = sent.message.header.destChainSelector;
    const routerOnRamp = await readContract(source, { address: p.sourceRouter, abi: routerAbi, functionName: 'getOnRamp', args: [dest] });
    if (!isAddressEqual(routerOnRamp, sent.onRamp)) {
      throw new MessageNotFoundError(
        { messageId: sent.message.header.messageId },
        `it was sent by OnRamp ${sent.onRamp}, but Router ${p.sourceRouter} uses ${routerOnRamp} for destination ${dest}`,
      );
    }
  }
  return sent;
}

/** The destination OffRamp for the message's source: given, or looked up on the destination Router. */
export async function resolveOffRamp(dest: ReadClient, p: GetMessageStatusParameters, sent: SentMessage): Promise<Address> {
  if (p.destOffRamp) return p.destOffRamp;
  if (!p.destRouter) throw new TypeError('getMessageStatus needs destRouter or destOffRamp');
  return getOffRampForSource(dest, { router: p.destRouter, sourceChainSelector: sent.message.header.sourceChainSelector });
}

/**
 * A message's lifecycle: sent (source CCIPMessageSent), committed (a CommitReportAccepted root covering it on the
 * destination OffRamp), executions (ExecutionStateChanged). state is 'executed' / 'failed' by the last execution.
 */
export async function getMessageStatus(source: ReadClient, dest: ReadClient, p: GetMessageStatusParameters): Promise<MessageStatus> {
  const sent = await resolveSentMessage(source, p);
  const offRamp = await resolveOffRamp(dest, p, sent);
  const { header } = sent.message;

  const [committed, executionLogs] = await Promise.all([
    findCommit(dest, {
      offRamp,
      sourceChainSelector: header.sourceChainSelector,
      onRamp: sent.onRamp,
      seqNr: header.sequenceNumber,
      ...p.destBlocks,
    }),
    scanLogsBackwards(
      dest,
      {
        address: offRamp,
        event: executionStateChanged,
        args: { sourceChainSelector: header.sourceChainSelector, sequenceNumber: header.sequenceNumber, messageId: header.messageId },
      },
      p.destBlocks ?? {},
    ),
  ]);

  const executions: MessageExecution[] = parseEventLogs({
    abi: offRampAbi,
    eventName: 'ExecutionStateChanged',
    logs: executionLogs,
    strict: true,
  }).map((l) => ({
    tx: l.transactionHash as Hex,
    block: l.blockNumber as bigint,
    state: l.args.state as MessageExecutionState,
    gasUsed: l.args.gasUsed,
    returnData: l.args.returnData,
  }));

  const last = executions[executions.length - 1];
  let state: MessageState = committed ? 'committed' : 'sent';
  if (last?.state === MessageExecutionState.SUCCESS) state = 'executed';
  else if (last?.state === MessageExecutionState.FAILURE) state = 'failed';

  return {
    state,
    messageId: header.messageId,
    message: sent.message,
    onRamp: sent.onRamp,
    offRamp,
    sent: {
      tx: sent.txHash,
      block: sent.blockNumber,
      seqNr: header.sequenceNumber,
      sourceChainSelector: header.sourceChainSelector,
      destChainSelector: header.destChainSelector,
    },
    committed,
    executions,
  };
}
