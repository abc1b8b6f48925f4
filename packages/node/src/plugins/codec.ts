import { hexToString, stringToHex, type Hex } from 'viem';

/**
 * Observations and outcomes travel as hex-encoded JSON with bigints as decimal strings. Decoding is strict and
 * bounded: a byzantine peer's bytes can only produce a PluginCodecError, never an exception elsewhere.
 */
export class PluginCodecError extends Error {
  override name = 'PluginCodecError';
}

export const MAX_ENCODED_BYTES = 2 * 1024 * 1024;

export function encodeJson(value: unknown): Hex {
  return stringToHex(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

export function decodeJson(encoded: Hex): unknown {
  if ((encoded.length - 2) / 2 > MAX_ENCODED_BYTES) throw new PluginCodecError(`encoded value over ${MAX_ENCODED_BYTES} bytes`);
  try {
    return JSON.parse(hexToString(encoded));
  } catch (err) {
    throw new PluginCodecError(`not JSON: ${(err as Error).message}`);
  }
}

// Field readers: each throws PluginCodecError naming the field.
export function asObject(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PluginCodecError(`${field}: expected an object`);
  return v as Record<string, unknown>;
}

export function asArray(v: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw new PluginCodecError(`${field}: expected an array`);
  if (v.length > max) throw new PluginCodecError(`${field}: more than ${max} entries`);
  return v;
}

export function asBigint(v: unknown, field: string, max = 2n ** 256n - 1n): bigint {
  if (typeof v !== 'string' || !/^\d{1,78}$/.test(v)) throw new PluginCodecError(`${field}: expected a decimal string`);
  const n = BigInt(v);
  if (n > max) throw new PluginCodecError(`${field}: out of range`);
  return n;
}

export const U64 = 2n ** 64n - 1n;
export const U224 = 2n ** 224n - 1n;

export function asBytes32(v: unknown, field: string): Hex {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(v)) throw new PluginCodecError(`${field}: expected 32 bytes of hex`);
  return v.toLowerCase() as Hex;
}

export function asAddress(v: unknown, field: string): Hex {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new PluginCodecError(`${field}: expected an address`);
  return v.toLowerCase() as Hex;
}

export function asInt(v: unknown, field: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new PluginCodecError(`${field}: expected an integer 0..${max}`);
  return v;
}

/** The value reported by at least `threshold` observers, if exactly one value reaches it (ties → undefined). */
export function agreedValue<T>(values: readonly T[], threshold: number, key: (v: T) => string = String): T | undefined {
  const counts = new Map<string, { v: T; n: number }>();
  for (const v of values) {
    const k = key(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { v, n: 1 });
  }
  const winners = [...counts.values()].filter((c) => c.n >= threshold);
  return winners.length === 1 ? winners[0]!.v : undefined;
}

/** Median of bigints (lower middle for even counts): robust to f outliers when given ≥ 2f+1 values. */
export function median(values: readonly bigint[]): bigint {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
