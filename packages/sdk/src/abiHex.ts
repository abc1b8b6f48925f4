import type { Address, Hex } from 'viem';
import { checksumLowerAddress } from './address.js';
import { CCIPSdkError } from './errors.js';

/**
 * Hand-written ABI reading and writing on hex strings for the fixed layouts on the hot paths (sent messages,
 * OffRamp events, leaf hashing). viem's generic coder converts to bytes and walks the ABI description per value;
 * these slice and concatenate 64-character words instead.
 */

/** ABI data that does not decode as the layout expected: bad hex, truncated, or an offset/length out of range. */
export class AbiDataError extends CCIPSdkError {
  override name = 'AbiDataError';
  constructor(
    readonly what: string,
    reason: string,
  ) {
    super(`cannot decode ${what}: ${reason}`);
  }
}

const LOWER_HEX = /^0x[0-9a-f]*$/;
const ANY_HEX = /^0x[0-9a-fA-F]*$/;
const ZEROS_50 = '0'.repeat(50);

/**
 * Reads 32-byte words of ABI-encoded data (positions in bytes) with the bounds viem's decoder enforces: every word
 * and every byte string must lie wholly inside the data, offsets and lengths are numbers below 2^53. Like viem, it
 * ignores what a well-formed encoding leaves unused: the upper bytes of address words, padding, trailing data.
 */
export class AbiHexReader {
  /** Data size in bytes. */
  readonly size: number;
  /** The data, lowercase (viem returns lowercase hex whatever the input's case). */
  readonly hex: string;

  constructor(
    data: Hex,
    readonly what: string,
  ) {
    if (typeof data !== 'string') throw new AbiDataError(what, `expected hex, got ${typeof data}`);
    let hex: string = data;
    if (!LOWER_HEX.test(hex)) {
      if (!ANY_HEX.test(hex)) throw new AbiDataError(what, 'not a 0x-prefixed hex string');
      hex = hex.toLowerCase();
    }
    if (hex.length % 2 !== 0) throw new AbiDataError(what, 'odd number of hex digits');
    this.hex = hex;
    this.size = (hex.length - 2) / 2;
  }

  fail(reason: string): never {
    throw new AbiDataError(this.what, reason);
  }

  /** The 64 hex digits of the word at byte `pos`. */
  word(pos: number): string {
    if (pos + 32 > this.size) this.fail(`word at byte ${pos} is beyond the ${this.size}-byte data`);
    const at = 2 + 2 * pos;
    return this.hex.slice(at, at + 64);
  }

  uint(pos: number): bigint {
    return BigInt(`0x${this.word(pos)}`);
  }

  bytes32(pos: number): Hex {
    return `0x${this.word(pos)}`;
  }

  /** The address in the low 20 bytes of a word, checksummed (as viem decodes it). */
  address(pos: number): Address {
    return checksumLowerAddress(this.word(pos).slice(24));
  }

  /** An offset or length word as a number; like viem, a value of 2^53 or more is an error. */
  count(pos: number): number {
    const w = this.word(pos);
    const n = w.startsWith(ZEROS_50) ? Number.parseInt(w.slice(50), 16) : Number.POSITIVE_INFINITY;
    if (n > Number.MAX_SAFE_INTEGER) this.fail(`offset/length 0x${w} at byte ${pos} is too large`);
    return n;
  }

  /** Dynamic `bytes` whose offset, relative to `base` (the enclosing tuple's start), is the word at `pos`. */
  bytes(pos: number, base: number): Hex {
    const at = base + this.count(pos);
    const length = this.count(at);
    if (length === 0) return '0x';
    if (at + 32 + length > this.size) this.fail(`${length} bytes at byte ${at + 32} run past the ${this.size}-byte data`);
    const from = 2 + 2 * (at + 32);
    return `0x${this.hex.slice(from, from + 2 * length)}`;
  }

  /**
   * A dynamic array whose offset (relative to `base`) is the word at `pos`: its length and where its element
   * slots start. Every slot must lie inside the data (each element has at least its offset word).
   */
  array(pos: number, base: number): { length: number; slots: number } {
    const at = base + this.count(pos);
    const length = this.count(at);
    const slots = at + 32;
    if (slots + 32 * length > this.size) this.fail(`array of ${length} elements at byte ${at} runs past the ${this.size}-byte data`);
    return { length, slots };
  }
}

const HEX_WORD = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
const PADDING = '0'.repeat(64);
const UINT_MAX = new Map<number, bigint>();
const uintMax = (bits: number): bigint => {
  let m = UINT_MAX.get(bits);
  if (m === undefined) UINT_MAX.set(bits, (m = (1n << BigInt(bits)) - 1n));
  return m;
};

/**
 * A value the fast encoders do not handle byte-identically to viem's encodeAbiParameters (out of range, wrong
 * type, odd hex): the caller re-encodes with viem, which gives its own result or error.
 */
export class NotPlain extends Error {}
/** One instance, thrown and caught inside the SDK (it never reaches a caller): no stack captured per throw. */
const notPlain = new NotPlain('not a plain ABI value');

/** uintN as a 64-digit word; a bigint or a safe integer in range. */
export function uintWord(value: bigint | number, bits: number): string {
  if (typeof value === 'bigint') {
    if (value < 0n || value > uintMax(bits)) throw notPlain;
  } else if (!Number.isSafeInteger(value) || value < 0 || (bits < 53 && value >= 2 ** bits)) throw notPlain;
  return value.toString(16).padStart(64, '0');
}

/** bytes32 as a word: exactly 32 bytes of hex (any case: hashing reads it as bytes). */
export function bytes32Word(value: Hex): string {
  if (typeof value !== 'string' || !HEX_WORD.test(value)) throw notPlain;
  return value.slice(2);
}

/** An address as a word, accepted exactly when viem's encoder accepts it: lowercase, or correctly checksummed. */
export function addressWord(value: Address): string {
  if (typeof value !== 'string' || !ADDRESS.test(value)) throw notPlain;
  const lower = value.slice(2).toLowerCase();
  // Mixed (or upper) case: viem's isAddress insists on the EIP-55 checksum.
  if (value.slice(2) !== lower && checksumLowerAddress(lower) !== value) throw notPlain;
  return `000000000000000000000000${lower}`;
}

/** Dynamic `bytes` tail: the length word, then the data padded to whole words. */
export function bytesTail(value: Hex): string {
  if (typeof value !== 'string' || !HEX_BYTES.test(value)) throw notPlain;
  const digits = value.length - 2;
  const rem = digits % 64;
  return (digits / 2).toString(16).padStart(64, '0') + value.slice(2) + (rem === 0 ? '' : PADDING.slice(rem));
}

/** One field of a tuple: a static word (64 digits) or the tail of a dynamic `bytes`. */
export type TupleField = { word: string } | { tail: string };

/** The encoding of a tuple of static words and dynamic bytes, as an element of a dynamic array or on its own. */
export function encodeTuple(fields: readonly TupleField[]): string {
  let head = '';
  let tail = '';
  let offset = fields.length * 32;
  for (const f of fields) {
    if ('word' in f) head += f.word;
    else {
      head += offset.toString(16).padStart(64, '0');
      tail += f.tail;
      offset += f.tail.length / 2;
    }
  }
  return head + tail;
}

/** abi.encode(T[]) for an array of dynamic tuples already encoded by encodeTuple: offset 0x20, length, slots, elements. */
export function encodeDynamicArray(elements: readonly string[]): string {
  let slots = '';
  let offset = elements.length * 32;
  for (const e of elements) {
    slots += offset.toString(16).padStart(64, '0');
    offset += e.length / 2;
  }
  return `${(32).toString(16).padStart(64, '0')}${elements.length.toString(16).padStart(64, '0')}${slots}${elements.join('')}`;
}
