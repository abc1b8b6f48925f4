import { encodeAbiParameters, encodePacked, hexToBytes, numberToHex, type Hex } from 'viem';
import { keccak256 } from '@openccip/sdk';
import type { ReportWithInfo } from './types.js';

/**
 * What nodes sign off-chain (observations, epoch changes) and what they sign on-chain (reports). Off-chain payloads
 * are ABI-encoded with a domain tag, the config digest and the instance, so a signature is valid for exactly one
 * purpose, one configuration and one instance; they are never 96 bytes long, so they cannot be confused with the
 * OCR3 report digest preimage either.
 */

const OBSERVATION_DOMAIN = 'openccip/ocr/observation/v1';
const NEW_EPOCH_DOMAIN = 'openccip/ocr/newepoch/v1';

export function observationPayload(configDigest: Hex, instance: string, seqNr: bigint, query: Hex, observation: Hex): Uint8Array {
  return hexToBytes(
    encodeAbiParameters(
      [{ type: 'string' }, { type: 'bytes32' }, { type: 'string' }, { type: 'uint64' }, { type: 'bytes32' }, { type: 'bytes' }],
      [OBSERVATION_DOMAIN, configDigest, instance, seqNr, keccak256(query), observation],
    ),
  );
}

export function newEpochPayload(configDigest: Hex, instance: string, epoch: number): Uint8Array {
  return hexToBytes(
    encodeAbiParameters(
      [{ type: 'string' }, { type: 'bytes32' }, { type: 'string' }, { type: 'uint32' }],
      [NEW_EPOCH_DOMAIN, configDigest, instance, epoch],
    ),
  );
}

/** The hash a node commits to (store.recordSignature, PREPARE) for one round: all report bytes, in order. */
export function reportsHash(reports: readonly ReportWithInfo[]): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes[]' }], [reports.map((r) => r.report)]));
}

/** The OCR3 digest from keccak256(report), so a signature can be checked before the report itself is known. */
export function ocrDigestFromReportHash(reportHash: Hex, configDigest: Hex, seqNr: bigint): Hex {
  return keccak256(encodePacked(['bytes32', 'bytes32', 'bytes32'], [reportHash, configDigest, numberToHex(seqNr, { size: 32 })]));
}


