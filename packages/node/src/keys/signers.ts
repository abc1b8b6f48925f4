import { concat, getAddress, isAddress, keccak256, recoverAddress, serializeSignature, toBytes, type Address, type Hex } from 'viem';
import { privateKeyToAddress, sign } from 'viem/accounts';
import { ocrDigestFromReportHash } from '../consensus/payloads.js';
import type { OffchainSigner, OnchainSigner, OracleId } from '../consensus/types.js';

/**
 * Signers backed by the node's OCR key (secp256k1). On-chain: the OCR3 digest the OffRamp verifies.
 * Off-chain: protocol messages, under a domain prefix so a protocol signature can never be replayed as a
 * report signature (or as an Ethereum transaction / personal_sign message).
 */

/** Prepended to every off-chain payload before hashing. */
export const OFFCHAIN_DOMAIN: Uint8Array = toBytes('OpenCCIP/offchain/v1\n');

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export function offchainDigest(payload: Uint8Array): Hex {
  return keccak256(concat([OFFCHAIN_DOMAIN, payload]));
}

export function createOnchainSigner(ocrKey: Hex): OnchainSigner {
  const address = privateKeyToAddress(ocrKey);
  const signReportHash: OnchainSigner['signReportHash'] = async (configDigest, seqNr, reportHash) => {
    // The OCR3 digest keccak256(keccak256(report) ‖ configDigest ‖ seqNr), as the OffRamp computes it.
    const sig = await sign({ hash: ocrDigestFromReportHash(reportHash, configDigest, seqNr), privateKey: ocrKey });
    // viem's sign returns low-s signatures with yParity set; the OffRamp uses v = 27 + yParity.
    return { r: sig.r, s: sig.s, yParity: sig.yParity ?? Number((sig.v ?? 27n) - 27n) };
  };
  return {
    address,
    signReport: (configDigest, seqNr, report) => signReportHash(configDigest, seqNr, keccak256(report)),
    signReportHash,
  };
}

/**
 * `signerAddresses[i]` is the OCR signer address of OracleId i (the same list the OffRamp holds). Signatures are
 * 65 bytes r ‖ s ‖ v (v = 27/28).
 */
export function createOffchainSigner(ocrKey: Hex, signerAddresses: readonly Hex[]): OffchainSigner {
  const signers: Address[] = signerAddresses.map((a, i) => {
    if (!isAddress(a, { strict: false })) throw new TypeError(`signerAddresses[${i}]: not an address: ${a}`);
    return getAddress(a);
  });
  return {
    async sign(payload) {
      return serializeSignature(await sign({ hash: offchainDigest(payload), privateKey: ocrKey }));
    },
    async verify(signer: OracleId, payload, signature) {
      const expected = signers[signer];
      if (expected === undefined || !/^0x[0-9a-fA-F]{130}$/.test(signature)) return false;
      // Only the canonical low-s form, so a signature has exactly one valid encoding.
      if (BigInt(`0x${signature.slice(66, 130)}`) > SECP256K1_HALF_N) return false;
      try {
        const recovered = await recoverAddress({ hash: offchainDigest(payload), signature });
        return recovered === expected;
      } catch {
        return false; // malformed (r, s, v): never valid
      }
    },
  };
}
