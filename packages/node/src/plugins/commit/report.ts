import { encodeAbiParameters, type Hex } from 'viem';
import { encodeCommitReport, type CommitReport, type MerkleRoot, type RmnSignature } from '@openccip/sdk';
import type { CommitOutcome } from './types.js';

const encodeAddress = (a: Hex) => encodeAbiParameters([{ type: 'address' }], [a]);

/** The OffRamp.commit report for an outcome, or undefined when there is nothing to commit. */
export function buildCommitReport(outcome: CommitOutcome, rmnSignatures: readonly RmnSignature[] = []): Hex | undefined {
  if (outcome.roots.length === 0 && outcome.gasPriceUpdates.length === 0 && outcome.tokenPriceUpdates.length === 0) {
    return undefined;
  }
  const toRoot = (r: CommitOutcome['roots'][number]): MerkleRoot => ({
    sourceChainSelector: r.chainSelector,
    onRampAddress: encodeAddress(r.onRamp),
    minSeqNr: r.minSeqNr,
    maxSeqNr: r.maxSeqNr,
    merkleRoot: r.merkleRoot,
  });
  const report: CommitReport = {
    priceUpdates: { tokenPriceUpdates: outcome.tokenPriceUpdates, gasPriceUpdates: outcome.gasPriceUpdates },
    blessedMerkleRoots: outcome.roots.filter((r) => r.blessed).map(toRoot),
    unblessedMerkleRoots: outcome.roots.filter((r) => !r.blessed).map(toRoot),
    rmnSignatures,
  };
  return encodeCommitReport(report);
}

