import { decodeAbiParameters, encodeAbiParameters, encodePacked, numberToHex, toHex, type Address, type Hex } from 'viem';
import { keccak256 } from './crypto/keccak.js';
import { addressFromPrivateKey, signDigest } from './crypto/secp256k1.js';
import { commitReportParam, executionReportsParam, rmnReportParam } from './abiParams.js';
import type { CommitReport, ExecutionReport, MerkleRoot, RmnSignature } from './types.js';

/** OCR3 report context: [configDigest, OCR sequence number]. */
export type ReportContext = readonly [Hex, Hex];

/** secp256k1 group order, to move a signature to the low-s / v = 27 form. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export function encodeCommitReport(report: CommitReport): Hex {
  return encodeAbiParameters([commitReportParam], [report]);
}

export function encodeExecutionReports(reports: readonly ExecutionReport[]): Hex {
  return encodeAbiParameters([executionReportsParam], [reports]);
}

export function decodeCommitReport(report: Hex): CommitReport {
  const [decoded] = decodeAbiParameters([commitReportParam], report);
  return decoded as CommitReport;
}

export function decodeExecutionReports(report: Hex): ExecutionReport[] {
  const [decoded] = decodeAbiParameters([executionReportsParam], report);
  return decoded as unknown as ExecutionReport[];
}

export function reportContext(configDigest: Hex, ocrSeqNr: bigint): ReportContext {
  return [configDigest, numberToHex(ocrSeqNr, { size: 32 })];
}

/** What OCR3 signers sign: keccak256(abi.encodePacked(keccak256(report), reportContext)). */
export function ocrReportDigest(report: Hex, context: ReportContext): Hex {
  return keccak256(encodePacked(['bytes32', 'bytes32', 'bytes32'], [keccak256(report), context[0], context[1]]));
}

export interface OcrSignatures {
  rs: Hex[];
  ss: Hex[];
  /** byte i = v_i - 27 */
  rawVs: Hex;
}

/** Signs an OCR3 report with each key (exactly F+1 are expected on chain). */
export async function signOcrReport(privateKeys: readonly Hex[], report: Hex, context: ReportContext): Promise<OcrSignatures> {
  if (privateKeys.length > 32) throw new RangeError(`at most 32 OCR signatures fit rawVs, got ${privateKeys.length}`);
  const hash = ocrReportDigest(report, context);
  const sigs = privateKeys.map((privateKey) => signDigest(hash, privateKey));
  const vs = new Uint8Array(32);
  sigs.forEach((sig, i) => (vs[i] = sig.yParity));
  return { rs: sigs.map((s) => s.r), ss: sigs.map((s) => s.s), rawVs: toHex(vs) };
}

export interface RmnReportInput {
  destChainId: bigint;
  destChainSelector: bigint;
  rmnRemote: Address;
  offRamp: Address;
  rmnHomeConfigDigest: Hex;
  merkleRoots: readonly MerkleRoot[];
}

export const RMN_REPORT_DIGEST_HEADER = keccak256(toHex('RMN_V1_6_ANY2EVM_REPORT'));

/** What RMN nodes sign for RMNRemote.verify. */
export function rmnReportDigest(r: RmnReportInput): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, rmnReportParam],
      [
        RMN_REPORT_DIGEST_HEADER,
        {
          destChainId: r.destChainId,
          destChainSelector: r.destChainSelector,
          rmnRemoteContractAddress: r.rmnRemote,
          offrampAddress: r.offRamp,
          rmnHomeContractConfigDigest: r.rmnHomeConfigDigest,
          merkleRoots: r.merkleRoots,
        },
      ],
    ),
  );
}

/** An RMN signature in the v = 27 form RMNRemote requires: (r, s, 28) is the same signature as (r, n - s, 27). */
export async function signRmnDigest(privateKey: Hex, digest: Hex): Promise<{ signer: Address; signature: RmnSignature }> {
  const sig = signDigest(digest, privateKey);
  const s = sig.yParity === 1 ? numberToHex(SECP256K1_N - BigInt(sig.s), { size: 32 }) : sig.s;
  return { signer: addressFromPrivateKey(privateKey), signature: { r: sig.r, s } };
}

/** Signs with each key and orders the signatures by signer address, ascending, as RMNRemote.verify requires. */
export async function signRmnReport(privateKeys: readonly Hex[], input: RmnReportInput): Promise<RmnSignature[]> {
  const digest = rmnReportDigest(input);
  const signed = await Promise.all(privateKeys.map((k) => signRmnDigest(k, digest)));
  signed.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  return signed.map((x) => x.signature);
}
