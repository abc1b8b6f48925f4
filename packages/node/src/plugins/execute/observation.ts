import type { Hex } from 'viem';
import { PluginCodecError, U64, asArray, asBigint, asBytes32, asObject, decodeJson, encodeJson } from '../codec.js';
import type { ExecuteObservation } from './types.js';

const MAX_ROOTS = 256;
const MAX_MESSAGES_PER_ROOT = 256;

export function encodeExecuteObservation(o: ExecuteObservation): Hex {
  return encodeJson(o);
}

export function decodeExecuteObservation(encoded: Hex): ExecuteObservation {
  const o = asObject(decodeJson(encoded), 'observation');
  const roots = asArray(o.roots, 'roots', MAX_ROOTS).map((r, i) => {
    const x = asObject(r, `roots[${i}]`);
    const minSeqNr = asBigint(x.minSeqNr, `roots[${i}].minSeqNr`, U64);
    const maxSeqNr = asBigint(x.maxSeqNr, `roots[${i}].maxSeqNr`, U64);
    if (maxSeqNr < minSeqNr || maxSeqNr - minSeqNr >= BigInt(MAX_MESSAGES_PER_ROOT)) {
      throw new PluginCodecError(`roots[${i}]: invalid interval ${minSeqNr}-${maxSeqNr}`);
    }
    const untouched = asArray(x.untouched, `roots[${i}].untouched`, MAX_MESSAGES_PER_ROOT).map((s, j) =>
      asBigint(s, `roots[${i}].untouched[${j}]`, U64),
    );
    for (const s of untouched) {
      if (s < minSeqNr || s > maxSeqNr) throw new PluginCodecError(`roots[${i}]: seqNr ${s} outside the interval`);
    }
    return { chainSelector: asBigint(x.chainSelector, `roots[${i}].chainSelector`, U64), merkleRoot: asBytes32(x.merkleRoot, `roots[${i}].merkleRoot`), minSeqNr, maxSeqNr, untouched };
  });
  return { roots };
}
