import type { Hex } from 'viem';
import type { RmnSignature } from '@openccip/sdk';
import { PluginCodecError, U64, asAddress, asArray, asBigint, asBytes32, asObject, decodeJson, encodeJson } from '../codec.js';
import type { CommitQuery } from './types.js';

const MAX_BLESSED_ROOTS = 64;
const MAX_RMN_SIGNATURES = 64;

/** '0x' when there is nothing blessed to propose. */
export function encodeCommitQuery(q: CommitQuery | undefined): Hex {
  return q === undefined || q.blessedRoots.length === 0 ? '0x' : encodeJson(q);
}

/**
 * The leader's query, strictly decoded: '0x' is "no blessings"; anything malformed is a PluginCodecError (a
 * byzantine leader's query can only cost the blessed roots of its own round).
 */
export function decodeCommitQuery(encoded: Hex): CommitQuery | undefined {
  if (encoded === '0x') return undefined;
  const o = asObject(decodeJson(encoded), 'query');
  const blessedRoots = asArray(o.blessedRoots, 'blessedRoots', MAX_BLESSED_ROOTS).map((r, i) => {
    const x = asObject(r, `blessedRoots[${i}]`);
    return {
      chainSelector: asBigint(x.chainSelector, `blessedRoots[${i}].chainSelector`, U64),
      onRamp: asAddress(x.onRamp, `blessedRoots[${i}].onRamp`),
      minSeqNr: asBigint(x.minSeqNr, `blessedRoots[${i}].minSeqNr`, U64),
      maxSeqNr: asBigint(x.maxSeqNr, `blessedRoots[${i}].maxSeqNr`, U64),
      merkleRoot: asBytes32(x.merkleRoot, `blessedRoots[${i}].merkleRoot`),
    };
  });
  if (blessedRoots.length === 0) throw new PluginCodecError('blessedRoots: empty (an empty query is 0x)');
  const rmnSignatures: RmnSignature[] = asArray(o.rmnSignatures, 'rmnSignatures', MAX_RMN_SIGNATURES).map((s, i) => {
    const x = asObject(s, `rmnSignatures[${i}]`);
    return { r: asBytes32(x.r, `rmnSignatures[${i}].r`), s: asBytes32(x.s, `rmnSignatures[${i}].s`) };
  });
  return { blessedRoots, rmnSignatures };
}
