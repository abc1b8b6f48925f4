import type { Hex } from 'viem';
import type { InstanceId, OracleId } from './types.js';

/**
 * Wire format v1: one UTF-8 JSON object per message, `{"v":1,"t":<type>,"i":<instance>,...}`; byte strings are
 * 0x-hex, uint64 values decimal strings. The decoder validates every field and returns an error instead of
 * throwing, so a peer's garbage can never escape the message handler.
 */

export const WIRE_VERSION = 1;
/** Larger messages are dropped before parsing (bounds memory per message). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
export const MAX_INSTANCE_ID_LENGTH = 128;
/** More observations than this cannot come from a valid DON (OCR3 allows at most 31 signers). */
export const MAX_OBSERVERS = 256;
/** Report index bound per round (plugins emit few reports per round). */
export const MAX_REPORTS_PER_ROUND = 1024;

export interface SignedObservation {
  observer: OracleId;
  observation: Hex;
  signature: Hex;
}

export type WireMessage =
  | { type: 'query'; instance: InstanceId; seqNr: bigint; query: Hex }
  | { type: 'observation'; instance: InstanceId; seqNr: bigint; observation: Hex; signature: Hex }
  | { type: 'proposal'; instance: InstanceId; seqNr: bigint; query: Hex; observations: SignedObservation[] }
  | { type: 'prepare'; instance: InstanceId; seqNr: bigint; reportsHash: Hex }
  | { type: 'reportSignature'; instance: InstanceId; seqNr: bigint; index: number; reportHash: Hex; r: Hex; s: Hex; yParity: number }
  | { type: 'newEpoch'; instance: InstanceId; epoch: number; signature: Hex };

export type DecodeResult = { ok: true; message: WireMessage } | { ok: false; error: string };

const TYPE_TAGS = {
  query: 'q',
  observation: 'o',
  proposal: 'p',
  prepare: 'r',
  reportSignature: 's',
  newEpoch: 'e',
} as const satisfies Record<WireMessage['type'], string>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeMessage(m: WireMessage): Uint8Array {
  const base = { v: WIRE_VERSION, t: TYPE_TAGS[m.type], i: m.instance };
  let body: Record<string, unknown>;
  switch (m.type) {
    case 'query':
      body = { n: m.seqNr.toString(), q: m.query };
      break;
    case 'observation':
      body = { n: m.seqNr.toString(), o: m.observation, g: m.signature };
      break;
    case 'proposal':
      body = { n: m.seqNr.toString(), q: m.query, a: m.observations.map((a) => [a.observer, a.observation, a.signature]) };
      break;
    case 'prepare':
      body = { n: m.seqNr.toString(), h: m.reportsHash };
      break;
    case 'reportSignature':
      body = { n: m.seqNr.toString(), x: m.index, h: m.reportHash, r: m.r, s: m.s, y: m.yParity };
      break;
    case 'newEpoch':
      body = { e: m.epoch, g: m.signature };
      break;
  }
  return encoder.encode(JSON.stringify({ ...base, ...body }));
}

class WireError extends Error {}

const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
const HEX_32 = /^0x[0-9a-fA-F]{64}$/;
const HEX_SIG = /^0x[0-9a-fA-F]{130}$/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;
const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

function field(o: Record<string, unknown>, key: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key)) throw new WireError(`missing field ${key}`);
  return o[key];
}
function hexBytes(v: unknown, what: string): Hex {
  if (typeof v !== 'string' || !HEX_BYTES.test(v)) throw new WireError(`${what}: not 0x-hex bytes`);
  return v as Hex;
}
function hex32(v: unknown, what: string): Hex {
  if (typeof v !== 'string' || !HEX_32.test(v)) throw new WireError(`${what}: not a 32-byte hex value`);
  return v.toLowerCase() as Hex;
}
function sig65(v: unknown, what: string): Hex {
  if (typeof v !== 'string' || !HEX_SIG.test(v)) throw new WireError(`${what}: not a 65-byte signature`);
  return v as Hex;
}
function uint64(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !DECIMAL.test(v)) throw new WireError(`${what}: not a decimal uint64 string`);
  const x = BigInt(v);
  if (x > UINT64_MAX) throw new WireError(`${what}: exceeds uint64`);
  return x;
}
function int(v: unknown, what: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new WireError(`${what}: not an integer in [0, ${max}]`);
  return v;
}

/** Parses and validates one message. Never throws. */
export function decodeMessage(bytes: Uint8Array): DecodeResult {
  try {
    if (!(bytes instanceof Uint8Array)) throw new WireError('not bytes');
    if (bytes.length > MAX_MESSAGE_BYTES) throw new WireError(`message of ${bytes.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
    let raw: unknown;
    try {
      raw = JSON.parse(decoder.decode(bytes));
    } catch {
      throw new WireError('not UTF-8 JSON');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WireError('not a JSON object');
    const o = raw as Record<string, unknown>;
    if (field(o, 'v') !== WIRE_VERSION) throw new WireError(`unsupported wire version ${String(o.v)}`);
    const instance = field(o, 'i');
    if (typeof instance !== 'string' || instance.length === 0 || instance.length > MAX_INSTANCE_ID_LENGTH) throw new WireError('bad instance id');
    const t = field(o, 't');
    switch (t) {
      case 'q':
        return ok({ type: 'query', instance, seqNr: uint64(field(o, 'n'), 'seqNr'), query: hexBytes(field(o, 'q'), 'query') });
      case 'o':
        return ok({
          type: 'observation',
          instance,
          seqNr: uint64(field(o, 'n'), 'seqNr'),
          observation: hexBytes(field(o, 'o'), 'observation'),
          signature: sig65(field(o, 'g'), 'signature'),
        });
      case 'p': {
        const a = field(o, 'a');
        if (!Array.isArray(a) || a.length > MAX_OBSERVERS) throw new WireError('observations: not an array of bounded length');
        const observations = a.map((item: unknown, k): SignedObservation => {
          if (!Array.isArray(item) || item.length !== 3) throw new WireError(`observations[${k}]: not a triple`);
          return {
            observer: int(item[0], `observations[${k}].observer`, MAX_OBSERVERS - 1),
            observation: hexBytes(item[1], `observations[${k}].observation`),
            signature: sig65(item[2], `observations[${k}].signature`),
          };
        });
        return ok({ type: 'proposal', instance, seqNr: uint64(field(o, 'n'), 'seqNr'), query: hexBytes(field(o, 'q'), 'query'), observations });
      }
      case 'r':
        return ok({ type: 'prepare', instance, seqNr: uint64(field(o, 'n'), 'seqNr'), reportsHash: hex32(field(o, 'h'), 'reportsHash') });
      case 's':
        return ok({
          type: 'reportSignature',
          instance,
          seqNr: uint64(field(o, 'n'), 'seqNr'),
          index: int(field(o, 'x'), 'index', MAX_REPORTS_PER_ROUND - 1),
          reportHash: hex32(field(o, 'h'), 'reportHash'),
          r: hex32(field(o, 'r'), 'r'),
          s: hex32(field(o, 's'), 's'),
          yParity: int(field(o, 'y'), 'yParity', 1),
        });
      case 'e':
        return ok({ type: 'newEpoch', instance, epoch: int(field(o, 'e'), 'epoch', 0xffff_ffff), signature: sig65(field(o, 'g'), 'signature') });
      default:
        throw new WireError(`unknown message type ${JSON.stringify(t)?.slice(0, 20)}`);
    }
  } catch (err) {
    return { ok: false, error: err instanceof WireError ? err.message : `decode failed: ${String(err)}` };
  }
}

function ok(message: WireMessage): DecodeResult {
  return { ok: true, message };
}
