import { getAddress, type Hex } from 'viem';
import {
  MAX_MERKLE_LEAVES,
  chainCurseSubject,
  getMerkleRoot,
  rmnReportDigest,
  signRmnDigest,
  type BlessRequest,
  type MerkleRoot,
  type RmnApiErrorCode,
  type SignatureResponse,
} from '@openccip/sdk';
import type { ChainAccess } from './chain.js';
import type { CurseStatusCache } from './curseStatus.js';
import { RmnRefusal } from './errors.js';
import type { Logger } from './log.js';
import type { SentLeaf, SourceReader } from './sourceReader.js';

export type RootCheck = { ok: true } | { ok: false; code: RmnApiErrorCode; reason: string };

/**
 * Re-derives one root from the source chain at finality: the result is ok only when every message min..max is
 * finalized and the recomputed merkle root is exactly the given one.
 */
export async function checkRoot(source: SourceReader, dest: bigint, root: MerkleRoot): Promise<RootCheck & { sent?: SentLeaf[] }> {
  const where = `root ${root.merkleRoot} (source ${root.sourceChainSelector} → dest ${dest}, seqNrs ${root.minSeqNr}..${root.maxSeqNr})`;
  if (root.onRampAddress.toLowerCase() !== source.onRampAddress.toLowerCase()) {
    return { ok: false, code: 'unknown-lane', reason: `${where}: onRampAddress ${root.onRampAddress} is not the source OnRamp` };
  }
  const count = root.maxSeqNr - root.minSeqNr + 1n;
  if (root.minSeqNr < 1n || count < 1n || count > BigInt(MAX_MERKLE_LEAVES)) {
    return { ok: false, code: 'bad-request', reason: `${where}: must cover 1..${MAX_MERKLE_LEAVES} sequence numbers` };
  }
  const r = await source.interval(dest, root.minSeqNr, root.maxSeqNr);
  if (r.status === 'not-finalized') {
    return { ok: false, code: 'not-finalized', reason: `${where}: the source has finalized seqNrs below ${r.finalizedNext} only` };
  }
  const leaves = r.leaves.map((l) => l.leaf);
  if (leaves.some((l) => l === null)) return { ok: false, code: 'root-mismatch', reason: `${where}: a message of the interval has no valid leaf` };
  const derived = getMerkleRoot(leaves as Hex[]);
  if (derived.toLowerCase() !== root.merkleRoot.toLowerCase()) {
    return { ok: false, code: 'root-mismatch', reason: `${where}: the source's messages give root ${derived}` };
  }
  return { ok: true, sent: r.leaves };
}

export interface BlessDeps {
  chains: ReadonlyMap<bigint, ChainAccess>;
  sources: ReadonlyMap<bigint, SourceReader>;
  /** Curse status reused for about a block (a burst of requests reads it once). */
  curseStatus: CurseStatusCache;
  signingKey: Hex;
  log: Logger;
}

/**
 * Handles POST /v1/bless: every root re-derived and matching, lanes known, enabled and not cursed → one signature.
 * Cheap in bursts: lane config and RMNRemote domain come from ChainAccess's short-lived cache, curse status from
 * curseStatus, and roots inside the source reader's finalized view cost no RPC call (sourceReader.interval).
 */
export async function bless(deps: BlessDeps, req: BlessRequest): Promise<SignatureResponse> {
  const dest = deps.chains.get(req.destChainSelector);
  if (!dest) throw new RmnRefusal('unknown-lane', `destination ${req.destChainSelector} is not watched by this node`);
  if (getAddress(req.offRamp) !== dest.cfg.contracts.offRamp) {
    throw new RmnRefusal('unknown-lane', `offRamp ${req.offRamp} is not the OffRamp of ${req.destChainSelector}`);
  }
  if (req.merkleRoots.length === 0) throw new RmnRefusal('bad-request', 'no merkle roots');
  for (const root of req.merkleRoots) {
    const src = deps.sources.get(root.sourceChainSelector);
    if (!src || root.sourceChainSelector === req.destChainSelector) {
      throw new RmnRefusal('unknown-lane', `source ${root.sourceChainSelector} → ${req.destChainSelector} is not a lane this node watches`);
    }
    const lane = await dest.sourceConfig(root.sourceChainSelector);
    if (!lane.isEnabled) throw new RmnRefusal('unknown-lane', `lane ${root.sourceChainSelector} → ${req.destChainSelector} is disabled on the OffRamp`);
    if (await deps.curseStatus.isCursed(dest, chainCurseSubject(root.sourceChainSelector))) {
      throw new RmnRefusal('cursed', `source ${root.sourceChainSelector} (or the chain) is cursed on ${req.destChainSelector}`);
    }
    const check = await checkRoot(src, req.destChainSelector, root);
    if (!check.ok) throw new RmnRefusal(check.code, check.reason);
  }
  const domain = await dest.domain();
  const digest = rmnReportDigest({
    destChainId: domain.chainId,
    destChainSelector: domain.chainSelector,
    rmnRemote: domain.rmnRemote,
    offRamp: dest.cfg.contracts.offRamp,
    rmnHomeConfigDigest: domain.rmnHomeConfigDigest,
    merkleRoots: req.merkleRoots,
  });
  const { signer, signature } = await signRmnDigest(deps.signingKey, digest);
  deps.log.info('blessed', {
    dest: req.destChainSelector,
    roots: req.merkleRoots.map((r) => ({ source: r.sourceChainSelector, min: r.minSeqNr, max: r.maxSeqNr, root: r.merkleRoot })),
  });
  return { signer, r: signature.r, s: signature.s };
}
