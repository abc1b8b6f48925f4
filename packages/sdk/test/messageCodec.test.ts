import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Hex, decodeAbiParameters } from 'viem';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  AbiDataError,
  type EVM2AnyRampMessage,
  decodeEVM2AnyRampMessage,
  encodeEVM2AnyRampMessage,
  evm2AnyRampMessageParam,
  keccakReady,
} from '../src/index.js';
import { randomMessage, randomSource } from './helpers/randomMessages.js';

beforeAll(() => keccakReady);

/** The reference: viem's generic decoder, which the fast one must match value for value and in what it accepts. */
const viemDecode = (encoded: Hex) => decodeAbiParameters([evm2AnyRampMessageParam], encoded)[0] as EVM2AnyRampMessage;

type Outcome = { ok: true; value: EVM2AnyRampMessage } | { ok: false; error: unknown };
const outcome = (f: () => EVM2AnyRampMessage): Outcome => {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
};

/** Both decoders accept with deep-equal results, or both throw. */
function expectSameAsViem(encoded: Hex): boolean {
  const ours = outcome(() => decodeEVM2AnyRampMessage(encoded));
  const theirs = outcome(() => viemDecode(encoded));
  expect(ours.ok, `viem ${theirs.ok ? 'accepts' : 'rejects'} ${encoded.slice(0, 200)}…`).toBe(theirs.ok);
  if (ours.ok && theirs.ok) expect(ours.value).toStrictEqual(theirs.value);
  if (!ours.ok) expect(ours.error).toBeInstanceOf(AbiDataError);
  return ours.ok;
}

const word = (n: bigint | number) => BigInt(n).toString(16).padStart(64, '0');
/** Replaces the 32-byte word at byte `pos`. */
const setWord = (encoded: Hex, pos: number, value: bigint | number): Hex =>
  `${encoded.slice(0, 2 + 2 * pos)}${word(value)}${encoded.slice(2 + 2 * pos + 64)}` as Hex;

describe('decodeEVM2AnyRampMessage', () => {
  test('decodes random messages exactly like viem (0–3 tokens, data 0–2,000 bytes, random extraArgs)', () => {
    const r = randomSource(1);
    const tokenCounts = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const m = randomMessage(r);
      tokenCounts.add(m.tokenAmounts.length);
      const encoded = encodeEVM2AnyRampMessage(m);
      const decoded = decodeEVM2AnyRampMessage(encoded);
      expect(decoded).toStrictEqual(viemDecode(encoded));
      expect(decoded).toStrictEqual(m); // the generator checksums addresses and writes lowercase hex, like viem
    }
    expect([...tokenCounts].sort()).toEqual([0, 1, 2, 3]);
  });

  test('decodes the shared vectors back to their messages', () => {
    const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('../../../contracts/test/vectors/messages.json', import.meta.url)), 'utf8'));
    for (const v of vectors.messages as { encodedMessage: Hex }[]) {
      expect(decodeEVM2AnyRampMessage(v.encodedMessage)).toStrictEqual(viemDecode(v.encodedMessage));
    }
  });

  test('uppercase hex decodes to the same lowercase values; checksummed addresses', () => {
    const r = randomSource(2);
    for (let i = 0; i < 20; i++) {
      const encoded = encodeEVM2AnyRampMessage(randomMessage(r, { maxData: 100 }));
      const upper = `0x${encoded.slice(2).toUpperCase()}` as Hex;
      expect(decodeEVM2AnyRampMessage(upper)).toStrictEqual(viemDecode(encoded));
      expectSameAsViem(upper);
    }
  });

  test('every truncation is rejected, as viem rejects it (the last word of padding may go, as in viem)', () => {
    const r = randomSource(3);
    for (let i = 0; i < 4; i++) {
      const encoded = encodeEVM2AnyRampMessage(randomMessage(r, { maxData: 80 }));
      const size = (encoded.length - 2) / 2;
      let accepted = 0;
      for (let n = 0; n < size; n++) if (expectSameAsViem(encoded.slice(0, 2 + 2 * n) as Hex)) accepted++;
      expect(accepted).toBeLessThan(32); // only cuts into the final padding can still decode
    }
  });

  test('offsets and lengths out of range, beyond 2^53 or pointing anywhere: same decision and values as viem', () => {
    const r = randomSource(4);
    let rejected = 0;
    let accepted = 0;
    for (let i = 0; i < 40; i++) {
      const m = randomMessage(r, { maxData: 120 });
      const encoded = encodeEVM2AnyRampMessage(m);
      const size = (encoded.length - 2) / 2;
      const values = [0n, 1n, 31n, 32n, 64n, 96n, 416n, BigInt(size - 32), BigInt(size), BigInt(size + 1), 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n, 2n ** 256n - 1n];
      // Every word that holds an offset or length somewhere in the layout, plus random ones.
      for (let k = 0; k < 30; k++) {
        const pos = 32 * r.int(size / 32);
        const bad = setWord(encoded, pos, values[r.int(values.length)]!);
        if (expectSameAsViem(bad)) accepted++;
        else rejected++;
      }
      for (const pos of [0, 32 + 192, 32 + 224, 32 + 256, 32 + 384]) {
        for (const v of values) {
          if (expectSameAsViem(setWord(encoded, pos, v))) accepted++;
          else rejected++;
        }
      }
    }
    expect(rejected).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(100);
  });

  test('non-canonical but in-range layouts decode like viem: aliased offsets, dirty address words, trailing bytes', () => {
    const r = randomSource(5);
    const m = randomMessage(r, { maxData: 50 });
    const encoded = encodeEVM2AnyRampMessage({ ...m, data: '0xabcdef', receiver: '0x0102' });
    const s = 32;
    // receiver's offset pointing at data's bytes: both fields read the same bytes.
    const dataOffset = BigInt(`0x${encoded.slice(2 + 2 * (s + 192), 2 + 2 * (s + 224))}`);
    const aliased = setWord(encoded, s + 224, dataOffset);
    expect(decodeEVM2AnyRampMessage(aliased).receiver).toBe('0xabcdef');
    expectSameAsViem(aliased);
    // Upper 12 bytes of the sender word are ignored (viem ignores them too); a uint64 field keeps its whole word.
    const dirty = setWord(setWord(encoded, s + 160, (1n << 255n) | BigInt(m.sender)), s + 32, 2n ** 200n);
    expect(decodeEVM2AnyRampMessage(dirty).sender).toBe(m.sender);
    expect(decodeEVM2AnyRampMessage(dirty).header.sourceChainSelector).toBe(2n ** 200n);
    expectSameAsViem(dirty);
    expectSameAsViem(`${encoded}${'ff'.repeat(40)}`);
  });

  test('random byte flips: same decision and values as viem', () => {
    const r = randomSource(6);
    for (let i = 0; i < 300; i++) {
      const encoded = encodeEVM2AnyRampMessage(randomMessage(r, { maxData: 64 }));
      const at = 2 + 2 * r.int((encoded.length - 2) / 2);
      expectSameAsViem(`${encoded.slice(0, at)}${r.hex(1).slice(2)}${encoded.slice(at + 2)}` as Hex);
    }
  });

  test('arrays longer than the fast path are decoded by viem itself', () => {
    const r = randomSource(7);
    const m = randomMessage(r, { maxData: 10 });
    const t = { sourcePoolAddress: m.sender, destTokenAddress: '0x' as Hex, extraData: '0x' as Hex, amount: 1n, destExecData: '0x' as Hex };
    const big = { ...m, tokenAmounts: Array.from({ length: 600 }, () => t) };
    const encoded = encodeEVM2AnyRampMessage(big);
    expect(decodeEVM2AnyRampMessage(encoded)).toStrictEqual(big);
    // A length far beyond the data is refused before any element is read.
    const tokensAt = 32 + Number(BigInt(`0x${encoded.slice(2 + 2 * (32 + 384), 2 + 2 * (32 + 416))}`));
    expect(() => decodeEVM2AnyRampMessage(setWord(encoded, tokensAt, 2n ** 40n))).toThrow(/array of 1099511627776 elements/);
  });

  test('what is not hex data throws AbiDataError', () => {
    const encoded = encodeEVM2AnyRampMessage(randomMessage(randomSource(8), { maxData: 10 }));
    for (const bad of ['0x', '', 'zz', `${encoded}0`, `${encoded.slice(0, 100)}zz${encoded.slice(102)}`, encoded.slice(2), `0X${encoded.slice(2)}`]) {
      expect(() => decodeEVM2AnyRampMessage(bad as Hex), bad.slice(0, 20)).toThrow(AbiDataError);
    }
    expect(() => decodeEVM2AnyRampMessage(undefined as unknown as Hex)).toThrow(AbiDataError);
  });
});

