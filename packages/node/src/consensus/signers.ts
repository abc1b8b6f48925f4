import { isAddressEqual, type Hex } from 'viem';
import { SECP256K1_HALF_N, asWord, keccak256, recoverDigestSigner } from '@openccip/sdk';
import { createOffchainSigner, createOnchainSigner } from '../keys/signers.js';
import { ocrDigestFromReportHash } from './payloads.js';
import type { OffchainSigner, OnchainSigner, OracleId, ReportSignature } from './types.js';

/** The OCR key of a node, as both signers the protocol needs. `signers` is the instance's ordered signer list. */
export function createOcrKeySigners(privateKey: Hex, signers: readonly Hex[]): { onchain: OnchainSigner; offchain: OffchainSigner } {
  return { onchain: createOnchainSigner(privateKey), offchain: createOffchainSigner(privateKey, signers) };
}

/** True iff `sig` is a canonical OCR3 signature by `expected` on the report with keccak256 `reportHash` at `seqNr`. */
export async function verifyReportSignature(
  expected: Hex,
  configDigest: Hex,
  seqNr: bigint,
  reportHash: Hex,
  sig: Omit<ReportSignature, 'signer'>,
): Promise<boolean> {
  if (sig.yParity !== 0 && sig.yParity !== 1) return false;
  try {
    const r = BigInt(sig.r);
    const s = BigInt(sig.s);
    // s above n/2 is the malleated twin of a low-s signature; honest signers never produce it.
    if (s === 0n || s > SECP256K1_HALF_N || r === 0n) return false;
    const hash = ocrDigestFromReportHash(reportHash, configDigest, seqNr);
    const addr = recoverDigestSigner(hash, { r: asWord(sig.r), s: asWord(sig.s), yParity: sig.yParity });
    return addr !== undefined && isAddressEqual(addr, expected);
  } catch {
    return false; // not hex, or wider than 32 bytes
  }
}

/** Checks an OCR3 signature on a whole report (what a contract would do), for transmitters and tests. */
export async function verifyReportSignatureOn(
  signers: readonly Hex[],
  configDigest: Hex,
  seqNr: bigint,
  report: Hex,
  sig: ReportSignature,
): Promise<boolean> {
  const expected = signers[sig.signer as OracleId];
  if (expected === undefined) return false;
  return verifyReportSignature(expected, configDigest, seqNr, keccak256(report), sig);
}
