import type { Hex } from 'viem';
import { getTransactionReceipt } from 'viem/actions';
import { decodeSentLogs } from './decodeSentLogs.js';
import type { ReadClient, SentMessage } from './types.js';

/** The CCIP messages a (mined) transaction sent: its CCIPMessageSent events, each with the OnRamp that emitted it. */
export async function getMessagesInTx(client: ReadClient, txHash: Hex): Promise<SentMessage[]> {
  const receipt = await getTransactionReceipt(client, { hash: txHash });
  return decodeSentLogs(receipt.logs);
}
