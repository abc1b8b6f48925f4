import { describe, expect, test } from 'vitest';
import {
  CHAIN_SELECTORS,
  UnknownChainError,
  findChainByChainId,
  findChainByName,
  findChainBySelector,
  getChainByChainId,
  getChainByName,
  getChainBySelector,
  getChainId,
  getChainSelector,
} from '../src/index.js';

describe('chain selector registry', () => {
  test('the entries the project relies on', () => {
    expect(getChainSelector(31337)).toBe(7759470850252068959n);
    expect(getChainSelector(11155111)).toBe(16015286601757825753n);
    expect(getChainSelector(1337)).toBe(3379446385462418246n);
    expect(getChainByChainId(31337).name).toBe('anvil-devnet');
    expect(getChainByChainId(1337).name).toBe('geth-testnet');
    expect(getChainByName('ethereum-testnet-sepolia').chainId).toBe(11155111);
    expect(getChainId(7759470850252068959n)).toBe(31337);
  });
  test('at least three local chains for a devnet', () => {
    const local = CHAIN_SELECTORS.filter((c) => c.test || c.name === 'anvil-devnet' || c.name === 'geth-testnet');
    expect(local.length).toBeGreaterThanOrEqual(3);
    expect(getChainByChainId(2337)).toMatchObject({ selector: 12922642891491394802n, name: 'test-2337', test: true });
  });
  test('ids, selectors and names are unique; selectors fit uint64', () => {
    expect(new Set(CHAIN_SELECTORS.map((c) => c.chainId)).size).toBe(CHAIN_SELECTORS.length);
    expect(new Set(CHAIN_SELECTORS.map((c) => c.selector)).size).toBe(CHAIN_SELECTORS.length);
    expect(new Set(CHAIN_SELECTORS.map((c) => c.name)).size).toBe(CHAIN_SELECTORS.length);
    for (const c of CHAIN_SELECTORS) expect(c.selector > 0n && c.selector < 2n ** 64n).toBe(true);
  });
  test('lookups accept bigint chain ids and decimal-string selectors', () => {
    expect(getChainByChainId(31337n).chainId).toBe(31337);
    expect(getChainBySelector('16015286601757825753').chainId).toBe(11155111);
  });
  test('unknown values: find* → undefined, get* → UnknownChainError saying what was looked up', () => {
    expect(findChainByChainId(999_999_999_999)).toBeUndefined();
    expect(findChainBySelector(1n)).toBeUndefined();
    expect(findChainBySelector('not a number')).toBeUndefined();
    expect(findChainByName('nope')).toBeUndefined();
    expect(() => getChainByChainId(424243)).toThrow(UnknownChainError);
    expect(() => getChainBySelector(1n)).toThrow(/selector 1 /);
    expect(() => getChainByName('nope')).toThrow(/name nope/);
    try {
      getChainSelector(5);
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownChainError);
      expect((error as UnknownChainError).by).toBe('chainId');
    }
  });
  test('the registry cannot be mutated', () => {
    expect(Object.isFrozen(CHAIN_SELECTORS)).toBe(true);
  });
});
