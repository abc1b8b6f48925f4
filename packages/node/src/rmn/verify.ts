import type { Address, Hex } from 'viem';
import { asWord, recoverDigestSigner, type RmnSignature } from '@openccip/sdk';
import type { RmnRemoteConfig } from './config.js';

/** The signer of an RMN signature (v = 27, as RMNRemote.verify recovers it), or undefined if it recovers nothing. */
export async function recoverRmnSigner(digest: Hex, sig: RmnSignature): Promise<Address | undefined> {
  try {
    return recoverDigestSigner(digest, { r: asWord(sig.r), s: asWord(sig.s), yParity: 0 });
  } catch {
    return undefined; // r or s is not hex or wider than 32 bytes
  }
}

/**
 * Why `signatures` would not pass RMNRemote.verify for `digest` under `config`, or undefined if they would:
 * exactly fSign+1 signatures (what this DON puts in a report), each recovering to a configured signer, signers
 * strictly ascending (so distinct).
 */
export async function rmnSignaturesProblem(
  digest: Hex,
  signatures: readonly RmnSignature[],
  config: RmnRemoteConfig,
): Promise<string | undefined> {
  if (config.version === 0) return 'RMNRemote has no config';
  if (signatures.length !== config.fSign + 1) return `${signatures.length} RMN signatures, expected fSign+1 = ${config.fSign + 1}`;
  const allowed = new Set(config.signers.map((s) => s.toLowerCase()));
  let prev = -1n;
  for (const [i, sig] of signatures.entries()) {
    const signer = await recoverRmnSigner(digest, sig);
    if (signer === undefined) return `RMN signature ${i} recovers no signer`;
    if (!allowed.has(signer.toLowerCase())) return `RMN signature ${i} is by ${signer}, not a configured RMN signer`;
    if (BigInt(signer) <= prev) return `RMN signature ${i} (${signer}) is not in ascending signer order`;
    prev = BigInt(signer);
  }
  return undefined;
}
