import type { Hex } from 'viem';
import { PluginCodecError, U64, asAddress, asArray, asBigint, asBytes32, asInt, asObject, decodeJson, encodeJson } from '../codec.js';
import type { InboundLimit } from './limits.js';
import type { ExecuteObservation } from './types.js';

const MAX_ROOTS = 256;
const MAX_MESSAGES_PER_ROOT = 256;
export const MAX_LIMITS = 256;
const U128 = 2n ** 128n - 1n;

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
  // Nodes that predate rate-limit deferral send no limits.
  return o.limits === undefined ? { roots } : { roots, limits: decodeInboundLimits(o.limits, 'limits') };
}

/** Strict, bounded decoding of inbound bucket states (observations and outcomes). */
export function decodeInboundLimits(v: unknown, field: string): InboundLimit[] {
  return asArray(v, field, MAX_LIMITS).map((l, i) => {
    const x = asObject(l, `${field}[${i}]`);
    const b = asObject(x.bucket, `${field}[${i}].bucket`);
    if (typeof b.isEnabled !== 'boolean') throw new PluginCodecError(`${field}[${i}].bucket.isEnabled: expected a boolean`);
    return {
      source: asBigint(x.source, `${field}[${i}].source`, U64),
      token: asAddress(x.token, `${field}[${i}].token`),
      decimals: asInt(x.decimals, `${field}[${i}].decimals`, 255),
      bucket: {
        isEnabled: b.isEnabled,
        tokens: asBigint(b.tokens, `${field}[${i}].bucket.tokens`, U128),
        capacity: asBigint(b.capacity, `${field}[${i}].bucket.capacity`, U128),
        rate: asBigint(b.rate, `${field}[${i}].bucket.rate`, U128),
      },
    };
  });
}
