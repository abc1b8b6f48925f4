import { concatHex, numberToHex, padHex } from 'viem';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_GAS_LIMIT,
  EVM_EXTRA_ARGS_V1_TAG,
  GENERIC_EXTRA_ARGS_V2_TAG,
  InvalidExtraArgsError,
  UnknownExtraArgsTagError,
  decodeExtraArgs,
  encodeExtraArgsV1,
  encodeGenericExtraArgsV2,
} from '../src/index.js';
import { keccak256, toHex, sliceHex } from 'viem';

const word = (n: bigint | number) => numberToHex(n, { size: 32 });

describe('tags', () => {
  test('are bytes4(keccak256("CCIP EVMExtraArgsV1/V2"))', () => {
    expect(sliceHex(keccak256(toHex('CCIP EVMExtraArgsV1')), 0, 4)).toBe(EVM_EXTRA_ARGS_V1_TAG);
    expect(sliceHex(keccak256(toHex('CCIP EVMExtraArgsV2')), 0, 4)).toBe(GENERIC_EXTRA_ARGS_V2_TAG);
  });
});

describe('encode', () => {
  test('EVMExtraArgsV1 = tag ++ abi.encode(gasLimit)', () => {
    expect(encodeExtraArgsV1({ gasLimit: 200_000n })).toBe(concatHex(['0x97a657c9', word(200_000)]));
  });
  test('GenericExtraArgsV2 = tag ++ abi.encode(gasLimit, allowOutOfOrderExecution)', () => {
    expect(encodeGenericExtraArgsV2({ gasLimit: 1n, allowOutOfOrderExecution: true })).toBe(
      concatHex(['0x181dcf10', word(1), word(1)]),
    );
    expect(encodeGenericExtraArgsV2({ gasLimit: 0n, allowOutOfOrderExecution: false })).toBe(
      concatHex(['0x181dcf10', word(0), word(0)]),
    );
  });
});

describe('decode', () => {
  test('empty → lane default, ordered', () => {
    expect(decodeExtraArgs('0x')).toEqual({ kind: 'default', gasLimit: DEFAULT_GAS_LIMIT, allowOutOfOrderExecution: false });
    expect(DEFAULT_GAS_LIMIT).toBe(200_000n);
    expect(decodeExtraArgs('0x', { defaultGasLimit: 7n }).gasLimit).toBe(7n);
  });
  test('V1 → ordered', () => {
    expect(decodeExtraArgs(encodeExtraArgsV1({ gasLimit: 123n }))).toEqual({
      kind: 'EVMExtraArgsV1',
      gasLimit: 123n,
      allowOutOfOrderExecution: false,
    });
  });
  test('V2 round trip, including uint256 max', () => {
    for (const args of [
      { gasLimit: 0n, allowOutOfOrderExecution: false },
      { gasLimit: 3_000_000n, allowOutOfOrderExecution: true },
      { gasLimit: 2n ** 256n - 1n, allowOutOfOrderExecution: true },
    ]) {
      expect(decodeExtraArgs(encodeGenericExtraArgsV2(args))).toEqual({ kind: 'GenericExtraArgsV2', ...args });
    }
  });
  test('tag is case-insensitive hex', () => {
    const encoded = encodeGenericExtraArgsV2({ gasLimit: 5n, allowOutOfOrderExecution: true });
    expect(decodeExtraArgs(encoded.toUpperCase().replace('0X', '0x') as `0x${string}`).gasLimit).toBe(5n);
  });
  test('trailing bytes are ignored, like abi.decode', () => {
    const encoded = concatHex([encodeExtraArgsV1({ gasLimit: 9n }), '0xdeadbeef']);
    expect(decodeExtraArgs(encoded).gasLimit).toBe(9n);
  });
  test('unknown tag throws', () => {
    expect(() => decodeExtraArgs(concatHex(['0x12345678', word(1)]))).toThrow(UnknownExtraArgsTagError);
    expect(() => decodeExtraArgs('0x97a6')).toThrow(UnknownExtraArgsTagError);
  });
  test('short body throws', () => {
    expect(() => decodeExtraArgs('0x97a657c9')).toThrow(InvalidExtraArgsError);
    expect(() => decodeExtraArgs(concatHex([GENERIC_EXTRA_ARGS_V2_TAG, word(1)]))).toThrow(InvalidExtraArgsError);
  });
  test('a bool other than 0/1 throws (Solidity reverts on it)', () => {
    expect(() => decodeExtraArgs(concatHex([GENERIC_EXTRA_ARGS_V2_TAG, word(1), word(2)]))).toThrow(InvalidExtraArgsError);
    expect(() =>
      decodeExtraArgs(concatHex([GENERIC_EXTRA_ARGS_V2_TAG, word(1), padHex('0x01', { size: 32, dir: 'right' })])),
    ).toThrow(InvalidExtraArgsError);
  });
  test('non-hex throws', () => {
    expect(() => decodeExtraArgs('0xzz' as `0x${string}`)).toThrow(InvalidExtraArgsError);
  });
});
