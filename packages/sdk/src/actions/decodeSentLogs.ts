import { getAddress, parseEventLogs, type Log } from 'viem';
import { onRampAbi } from '../abi/onRamp.js';
import { getMessageId } from '../hashing.js';
import type { EVM2AnyRampMessage } from '../types.js';
import type { SentMessage } from './types.js';

/**
 * CCIPMessageSent events among `logs`, decoded. A log counts only if its message id re-hashes from the message
 * and the emitting address: anything else merely shares the event signature and is not a CCIP OnRamp's message.
 */
export function decodeSentLogs(logs: readonly Log[]): SentMessage[] {
  const parsed = parseEventLogs({ abi: onRampAbi, eventName: 'CCIPMessageSent', logs: logs as Log[], strict: true });
  const out: SentMessage[] = [];
  for (const log of parsed) {
    if (log.transactionHash == null || log.blockNumber == null || log.logIndex == null) continue; // pending
    const message = log.args.message as EVM2AnyRampMessage;
    const onRamp = getAddress(log.address);
    if (getMessageId(message, onRamp).toLowerCase() !== message.header.messageId.toLowerCase()) continue;
    out.push({ message, onRamp, txHash: log.transactionHash, blockNumber: log.blockNumber, logIndex: log.logIndex });
  }
  return out;
}
