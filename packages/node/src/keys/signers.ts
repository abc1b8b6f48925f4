import { concat, getAddress, isAddress, toBytes, type Address, type Hex } from 'viem';
import {
  SECP256K1_HALF_N,
  addressFromPrivateKey,
  keccak256,
  parseSignature65,
  recoverDigestSigner,
  serializeSignature65,
  signDigest,
} from '@openccip/sdk';
import { ocrDigestFromReportHash } from '../consensus/payloads.js';
import type { OffchainSigner, OnchainSigner, OracleId } from '../consensus/types.js';

/**
 * Signers backed by the node's OCR key (secp256k1). On-chain: the OCR3 digest the OffRamp verifies.
 * Off-chain: protocol messages, under a domain prefix so a protocol signature can never be replayed as a
 * report signature (or as an Ethereum transaction / personal_sign message).
 */

/** Prepended to every off-chain payload before hashing. */
export const OFFCHAIN_DOMAIN: Uint8Array = toBytes('OpenCCIP/offchain/v1\n');

export function offchainDigest(payload: Uint8Array): Hex {
  return keccak256(concat([OFFCHAIN_DOMAIN, payload]));
}

export function createOnchainSigner(ocrKey: Hex): OnchainSigner {
  const address = addressFromPrivateKey(ocrKey);
  // The OCR3 digest keccak256(keccak256(report) ‖ configDigest ‖ seqNr), as the OffRamp computes it; low-s, and
  // the OffRamp uses v = 27 + yParity. Async for the interface (a remote signer would be).
  const signReportHash: OnchainSigner['signReportHash'] = async (configDigest, seqNr, reportHash) =>
    signDigest(ocrDigestFromReportHash(reportHash, configDigest, seqNr), ocrKey);
  return {
    address,
    signReport: (configDigest, seqNr, report) => signReportHash(configDigest, seqNr, keccak256(report)),
    signReportHash,
  };
}

/**
 * `signerAddresses[i]` is the OCR signer address of OracleId i (the same list the OffRamp holds). Signatures are
 * 65 bytes r ‖ s ‖ v (v = 27/28; 0/1 is read as 27/28).
 */
export function createOffchainSigner(ocrKey: Hex, signerAddresses: readonly Hex[]): OffchainSigner {
  const signers: Address[] = signerAddresses.map((a, i) => {
    if (!isAddress(a, { strict: false })) throw new TypeError(`signerAddresses[${i}]: not an address: ${a}`);
    return getAddress(a);
  });
  return {
    async sign(payload) {
      return serializeSignature65(signDigest(offchainDigest(payload), ocrKey));
    },
    async verify(signer: OracleId, payload, signature) {
      const expected = signers[signer];
      if (expected === undefined) return false;
      const sig = parseSignature65(signature);
      // Only the canonical low-s form, so a signature has exactly one valid encoding.
      if (sig === undefined || BigInt(sig.s) > SECP256K1_HALF_N) return false;
      // undefined when (r, s) is out of range or recovers no key: never valid
      return recoverDigestSigner(offchainDigest(payload), sig) === expected;
    },
  };
}
