import { encodeAbiParameters, type Hex } from 'viem';
import { encodeCommitReport, type CommitReport, type MerkleRoot } from '@openccip/sdk';
import type { CommitOutcome, ProposedRoot } from './types.js';

const encodeAddress = (a: Hex) => encodeAbiParameters([{ type: 'address' }], [a]);

/** The OffRamp's MerkleRoot for a root (onRampAddress = abi.encode(onRamp)). */
export function toMerkleRoot(r: ProposedRoot): MerkleRoot {
  return {
    sourceChainSelector: r.chainSelector,
    onRampAddress: encodeAddress(r.onRamp),
    minSeqNr: r.minSeqNr,
    maxSeqNr: r.maxSeqNr,
    merkleRoot: r.merkleRoot,
  };
}

/** The OffRamp.commit report for an outcome (blessed roots with its RMN signatures), or undefined when there is nothing to commit. */
export function buildCommitReport(outcome: CommitOutcome): Hex | undefined {
  if (outcome.roots.length === 0 && outcome.gasPriceUpdates.length === 0 && outcome.tokenPriceUpdates.length === 0) {
    return undefined;
  }
  const blessed = outcome.roots.filter((r) => r.blessed);
  const report: CommitReport = {
    priceUpdates: { tokenPriceUpdates: outcome.tokenPriceUpdates, gasPriceUpdates: outcome.gasPriceUpdates },
    blessedMerkleRoots: blessed.map(toMerkleRoot),
    unblessedMerkleRoots: outcome.roots.filter((r) => !r.blessed).map(toMerkleRoot),
    rmnSignatures: blessed.length > 0 ? outcome.rmnSignatures : [],
  };
  return encodeCommitReport(report);
}
