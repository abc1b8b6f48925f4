import { getAbiItem, parseEventLogs, type Address, type Hex } from 'viem';
import { readContract } from 'viem/actions';
import { offRampAbi } from '../abi/offRamp.js';
import { encodeEvmAddress } from '../address.js';
import type { ChainSelector, MerkleRoot } from '../types.js';
import { scanLogsBackwards, type BlockRange } from './scanLogs.js';
import type { MessageCommittedStage, ReadClient } from './types.js';

export interface FindCommitParameters extends BlockRange {
  offRamp: Address;
  sourceChainSelector: ChainSelector;
  /** the source OnRamp (roots carry it abi-encoded) */
  onRamp: Address;
  seqNr: bigint;
}

const commitReportAccepted = getAbiItem({ abi: offRampAbi, name: 'CommitReportAccepted' });

/**
 * The latest CommitReportAccepted root on the OffRamp covering the message (same source, OnRamp and an interval
 * holding seqNr) that is still stored (a root removed by the owner does not count). undefined: not committed.
 */
export async function findCommit(client: ReadClient, p: FindCommitParameters): Promise<MessageCommittedStage | undefined> {
  const onRampBytes = encodeEvmAddress(p.onRamp);
  const covers = (r: MerkleRoot) =>
    r.sourceChainSelector === p.sourceChainSelector &&
    r.onRampAddress.toLowerCase() === onRampBytes &&
    r.minSeqNr <= p.seqNr &&
    p.seqNr <= r.maxSeqNr;

  const pick = (logs: Parameters<typeof parseEventLogs>[0]['logs']) => {
    const parsed = parseEventLogs({ abi: offRampAbi, eventName: 'CommitReportAccepted', logs, strict: true });
    for (const log of parsed.reverse()) {
      const blessed = log.args.blessedMerkleRoots.find(covers);
      const root = blessed ?? log.args.unblessedMerkleRoots.find(covers);
      if (root && log.transactionHash && log.blockNumber != null) {
        return {
          tx: log.transactionHash as Hex,
          block: log.blockNumber,
          merkleRoot: root.merkleRoot,
          minSeqNr: root.minSeqNr,
          maxSeqNr: root.maxSeqNr,
          blessed: blessed !== undefined,
        } satisfies MessageCommittedStage;
      }
    }
    return undefined;
  };

  const logs = await scanLogsBackwards(client, { address: p.offRamp, event: commitReportAccepted }, p, (l) => pick(l) !== undefined);
  const found = pick(logs);
  if (!found) return undefined;
  const committedAt = await readContract(client, {
    address: p.offRamp,
    abi: offRampAbi,
    functionName: 'getMerkleRoot',
    args: [p.sourceChainSelector, found.merkleRoot],
  });
  return committedAt === 0n ? undefined : found;
}
