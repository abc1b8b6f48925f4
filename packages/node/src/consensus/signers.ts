import { isAddressEqual, keccak256, recoverAddress, type Hex } from 'viem';
import { createOffchainSigner, createOnchainSigner } from '../keys/signers.js';
import { ocrDigestFromReportHash } from './payloads.js';
import type { OffchainSigner, OnchainSigner, OracleId, ReportSignature } from './types.js';

/** secp256k1 order / 2: signatures above it are the malleated twin; honest signers never produce them. */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

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
  const s = BigInt(sig.s);
  if (s === 0n || s > HALF_N || BigInt(sig.r) === 0n) return false;
  try {
    const hash = ocrDigestFromReportHash(reportHash, configDigest, seqNr);
    const addr = await recoverAddress({ hash, signature: { r: sig.r, s: sig.s, yParity: sig.yParity } });
    return isAddressEqual(addr, expected);
  } catch {
    return false;
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
