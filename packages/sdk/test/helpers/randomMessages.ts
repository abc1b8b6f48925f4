import { type Address, type Hex, getAddress } from 'viem';
import { encodeGenericExtraArgsV2, encodeExtraArgsV1 } from '../../src/extraArgs.js';
import type { EVM2AnyRampMessage, EVM2AnyTokenTransfer } from '../../src/types.js';

/** A small seeded PRNG (mulberry32): failures reproduce from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomSource {
  int(maxExclusive: number): number;
  hex(bytes: number): Hex;
  uint(bits: number): bigint;
  address(): Address;
}

export function randomSource(seed: number): RandomSource {
  const next = prng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const hex = (bytes: number): Hex => {
    let s = '0x';
    for (let i = 0; i < bytes; i++) s += int(256).toString(16).padStart(2, '0');
    return s as Hex;
  };
  // Values near the edges as often as in the middle: 0, 1, the type's max, and random widths.
  const uint = (bits: number): bigint => {
    const r = int(4);
    if (r === 0) return 0n;
    if (r === 1) return (1n << BigInt(bits)) - 1n;
    const width = 1 + int(bits / 8);
    return BigInt(hex(width)) & ((1n << BigInt(bits)) - 1n);
  };
  const address = (): Address => (int(8) === 0 ? '0x0000000000000000000000000000000000000000' : getAddress(hex(20)));
  return { int, hex, uint, address };
}

const pad32 = (a: Address): Hex => `0x000000000000000000000000${a.slice(2).toLowerCase()}`;

function randomExtraArgs(r: RandomSource): Hex {
  switch (r.int(5)) {
    case 0:
      return '0x';
    case 1:
      return encodeExtraArgsV1({ gasLimit: r.uint(256) });
    case 2:
    case 3:
      return encodeGenericExtraArgsV2({ gasLimit: r.uint(256), allowOutOfOrderExecution: r.int(2) === 1 });
    default:
      return r.hex(r.int(100));
  }
}

/** Mostly what an EVM-bound message carries, sometimes arbitrary bytes (non-EVM destinations, odd pools). */
function randomTokenTransfer(r: RandomSource): EVM2AnyTokenTransfer {
  return {
    sourcePoolAddress: r.address(),
    destTokenAddress: r.int(4) === 0 ? r.hex(r.int(70)) : pad32(r.address()),
    extraData: r.hex(r.int(4) === 0 ? 0 : r.int(200)),
    amount: r.uint(256),
    destExecData: r.int(4) === 0 ? r.hex(r.int(70)) : (`0x${r.uint(32).toString(16).padStart(64, '0')}` as Hex),
  };
}

/** A random EVM2AnyRampMessage: 0–3 token amounts, data 0–2,000 bytes, random extraArgs and field values. */
export function randomMessage(r: RandomSource, { maxData = 2_000, maxTokens = 3 } = {}): EVM2AnyRampMessage {
  const tokens = r.int(maxTokens + 1);
  return {
    header: {
      messageId: r.hex(32),
      sourceChainSelector: r.uint(64),
      destChainSelector: r.uint(64),
      sequenceNumber: r.uint(64),
      nonce: r.uint(64),
    },
    sender: r.address(),
    data: r.hex(r.int(3) === 0 ? 0 : r.int(maxData + 1)),
    receiver: r.int(4) === 0 ? r.hex(r.int(70)) : pad32(r.address()),
    extraArgs: randomExtraArgs(r),
    feeToken: r.address(),
    feeTokenAmount: r.uint(256),
    feeValueJuels: r.uint(256),
    tokenAmounts: Array.from({ length: tokens }, () => randomTokenTransfer(r)),
  };
}
