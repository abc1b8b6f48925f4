import type { Hex } from 'viem';
import { PluginCodecError, U64, asAddress, asArray, asBigint, asBytes32, asInt, asObject, decodeJson, encodeJson } from '../codec.js';
import type { AggregateLimit, InboundLimit, TokenBucket } from './limits.js';
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
  return {
    roots,
    ...(o.limits === undefined ? {} : { limits: decodeInboundLimits(o.limits, 'limits') }),
    ...(o.aggregates === undefined ? {} : { aggregates: decodeAggregateLimits(o.aggregates, 'aggregates') }),
  };
}

function decodeBucket(v: unknown, field: string): TokenBucket {
  const b = asObject(v, field);
  if (typeof b.isEnabled !== 'boolean') throw new PluginCodecError(`${field}.isEnabled: expected a boolean`);
  return {
    isEnabled: b.isEnabled,
    tokens: asBigint(b.tokens, `${field}.tokens`, U128),
    capacity: asBigint(b.capacity, `${field}.capacity`, U128),
    rate: asBigint(b.rate, `${field}.rate`, U128),
  };
}

/** Strict, bounded decoding of USD aggregate buckets with their token prices. */
export function decodeAggregateLimits(v: unknown, field: string): AggregateLimit[] {
  return asArray(v, field, MAX_ROOTS).map((l, i) => {
    const x = asObject(l, `${field}[${i}]`);
    return {
      source: asBigint(x.source, `${field}[${i}].source`, U64),
      bucket: decodeBucket(x.bucket, `${field}[${i}].bucket`),
      tokens: asArray(x.tokens, `${field}[${i}].tokens`, MAX_LIMITS).map((t, j) => {
        const y = asObject(t, `${field}[${i}].tokens[${j}]`);
        return {
          token: asAddress(y.token, `${field}[${i}].tokens[${j}].token`),
          decimals: asInt(y.decimals, `${field}[${i}].tokens[${j}].decimals`, 255),
          usdPerToken: asBigint(y.usdPerToken, `${field}[${i}].tokens[${j}].usdPerToken`, 2n ** 224n - 1n),
        };
      }),
    };
  });
}

/** Strict, bounded decoding of inbound bucket states (observations and outcomes). */
export function decodeInboundLimits(v: unknown, field: string): InboundLimit[] {
  return asArray(v, field, MAX_LIMITS).map((l, i) => {
    const x = asObject(l, `${field}[${i}]`);
    return {
      source: asBigint(x.source, `${field}[${i}].source`, U64),
      token: asAddress(x.token, `${field}[${i}].token`),
      decimals: asInt(x.decimals, `${field}[${i}].decimals`, 255),
      bucket: decodeBucket(x.bucket, `${field}[${i}].bucket`),
    };
  });
}
