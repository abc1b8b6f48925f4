import { getAbiItem, type Address } from 'viem';
import { onRampAbi } from '../abi/onRamp.js';
import type { ChainSelector } from '../types.js';
import { decodeSentLogs } from './decodeSentLogs.js';
import { MessageNotFoundError } from './errors.js';
import { scanLogsBackwards, type BlockRange } from './scanLogs.js';
import type { ReadClient, SentMessage } from './types.js';

export interface GetIntervalMessagesParameters extends BlockRange {
  onRamp: Address;
  destChainSelector: ChainSelector;
  minSeqNr: bigint;
  maxSeqNr: bigint;
}

const ccipMessageSent = getAbiItem({ abi: onRampAbi, name: 'CCIPMessageSent' });
// Topic OR-lists per eth_getLogs call: small enough for public RPCs.
const SEQ_NRS_PER_QUERY = 64;

/** Every message of a committed interval [minSeqNr, maxSeqNr] from the source OnRamp, in sequence order. */
export async function getIntervalMessages(client: ReadClient, p: GetIntervalMessagesParameters): Promise<SentMessage[]> {
  const wanted: bigint[] = [];
  for (let s = p.minSeqNr; s <= p.maxSeqNr; s++) wanted.push(s);
  const bySeqNr = new Map<bigint, SentMessage>();
  for (let i = 0; i < wanted.length; i += SEQ_NRS_PER_QUERY) {
    const chunk = wanted.slice(i, i + SEQ_NRS_PER_QUERY);
    const logs = await scanLogsBackwards(
      client,
      { address: p.onRamp, event: ccipMessageSent, args: { destChainSelector: p.destChainSelector, sequenceNumber: chunk } },
      p,
      (l) => l.length >= chunk.length,
    );
    // Oldest first: a re-emitted seqNr (after a reorg) is overwritten by the newest.
    for (const s of decodeSentLogs(logs)) bySeqNr.set(s.message.header.sequenceNumber, s);
  }
  const missing = wanted.filter((s) => !bySeqNr.has(s));
  if (missing.length > 0) {
    throw new MessageNotFoundError(
      {},
      `OnRamp ${p.onRamp} has no CCIPMessageSent for seqNr ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} to ${p.destChainSelector} (interval ${p.minSeqNr}..${p.maxSeqNr})`,
    );
  }
  return wanted.map((s) => bySeqNr.get(s)!);
}
