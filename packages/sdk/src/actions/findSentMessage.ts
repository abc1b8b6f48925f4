import { getAbiItem, isAddressEqual, type Address, type Hex } from 'viem';
import { onRampAbi } from '../abi/onRamp.js';
import { decodeSentLogs } from './decodeSentLogs.js';
import { MessageNotFoundError } from './errors.js';
import { getMessagesInTx } from './getMessagesInTx.js';
import { scanLogsBackwards, type BlockRange } from './scanLogs.js';
import type { ReadClient, SentMessage } from './types.js';

export interface FindSentMessageParameters extends BlockRange {
  /** the message id; without txHash the source chain's CCIPMessageSent logs are scanned for it */
  messageId?: Hex;
  /** the sending transaction; with several messages in it, messageId picks one */
  txHash?: Hex;
  /** only messages of this OnRamp */
  onRamp?: Address;
}

const ccipMessageSent = getAbiItem({ abi: onRampAbi, name: 'CCIPMessageSent' });

/** Finds one sent message on the source chain by message id and/or transaction hash. */
export async function findSentMessage(client: ReadClient, params: FindSentMessageParameters): Promise<SentMessage> {
  const { messageId, txHash, onRamp } = params;
  if (!messageId && !txHash) throw new TypeError('findSentMessage needs a messageId or a txHash');
  const matches = (s: SentMessage) =>
    (!onRamp || isAddressEqual(s.onRamp, onRamp)) &&
    (!messageId || s.message.header.messageId.toLowerCase() === messageId.toLowerCase());

  if (txHash) {
    let inTx: SentMessage[];
    try {
      inTx = await getMessagesInTx(client, txHash);
    } catch (err) {
      if (err instanceof Error && err.name === 'TransactionReceiptNotFoundError') {
        throw new MessageNotFoundError({ messageId, txHash }, 'no such (mined) transaction on the source chain');
      }
      throw err;
    }
    const found = inTx.filter(matches);
    if (found.length === 0) throw new MessageNotFoundError({ messageId, txHash }, 'the transaction sent no matching CCIP message');
    if (found.length > 1) {
      const ids = found.map((s) => s.message.header.messageId).join(', ');
      throw new MessageNotFoundError({ txHash }, `the transaction sent ${found.length} messages, pick one by id: ${ids}`);
    }
    return found[0]!;
  }

  let hit: SentMessage | undefined;
  await scanLogsBackwards(client, { address: onRamp, event: ccipMessageSent }, params, (logs) => {
    hit = decodeSentLogs(logs).find(matches);
    return hit !== undefined;
  });
  if (!hit) throw new MessageNotFoundError({ messageId }, `no CCIPMessageSent with this id${onRamp ? ` from OnRamp ${onRamp}` : ''} since block ${params.fromBlock ?? 0n}`);
  return hit;
}
