import type { Address, Hex } from 'viem';
import { rmnReportDigest } from '@openccip/sdk';
import type { RmnRemoteConfig } from '../../rmn/config.js';
import { rmnSignaturesProblem } from '../../rmn/verify.js';
import { toMerkleRoot } from './report.js';
import type { CommitOutcome, ProposedRoot } from './types.js';

/** Everything the RMN report digest binds besides the roots and RMNRemote's config digest. */
export interface RmnDigestDomain {
  destChainId: bigint;
  destChainSelector: bigint;
  rmnRemote: Address;
  offRamp: Address;
}

/** What the RMN signs for `roots` (in this order) on the destination: rmnReportDigest. */
export function blessingDigest(domain: RmnDigestDomain, config: RmnRemoteConfig, roots: readonly ProposedRoot[]): Hex {
  return rmnReportDigest({ ...domain, rmnHomeConfigDigest: config.rmnHomeConfigDigest, merkleRoots: roots.map(toMerkleRoot) });
}

/**
 * The second half of the commit outcome (signature recovery is async, so it runs when reports are built): the
 * outcome's blessed roots stay only if its RMN signatures are fSign+1 configured signers, ascending, over exactly
 * these roots; otherwise all of them go (with the reason) and the rest of the outcome stands. Deterministic for
 * nodes holding the same RMNRemote config; `config` undefined (unreadable) blesses nothing.
 */
export async function verifyOutcomeBlessing(
  outcome: CommitOutcome,
  domain: RmnDigestDomain,
  config: RmnRemoteConfig | undefined,
): Promise<{ outcome: CommitOutcome; rejected?: string }> {
  const blessed = outcome.roots.filter((r) => r.blessed);
  if (blessed.length === 0) return { outcome: outcome.rmnSignatures.length === 0 ? outcome : { ...outcome, rmnSignatures: [] } };
  const problem =
    config === undefined
      ? 'RMNRemote config unknown (not read recently)'
      : await rmnSignaturesProblem(blessingDigest(domain, config, blessed), outcome.rmnSignatures, config);
  if (problem === undefined) return { outcome };
  return { outcome: { ...outcome, roots: outcome.roots.filter((r) => !r.blessed), rmnSignatures: [] }, rejected: problem };
}
