import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Address, type Hex, encodeAbiParameters } from 'viem';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  type Any2EVMRampMessage,
  type EVM2AnyRampMessage,
  any2EvmMetadataHash,
  any2EvmRampMessageParam,
  encodeEvmAddress,
  evm2AnyMetadataHash,
  evm2AnyRampMessageParam,
  getLeafHash,
  getMerkleRoot,
  getMessageId,
  getMultiProof,
  getMultiProofRoot,
  keccakReady,
  toAny2EVMMessage,
  verifyMultiProof,
} from '../src/index.js';

// keccak256 is WebAssembly once loaded (viem's JS before): the vectors must hold on the path the nodes use.
beforeAll(() => keccakReady);

/** The shared vectors (scripts/gen-vectors.ts), also checked by contracts/test/vectors/Vectors.t.sol. */
const read = (file: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../../contracts/test/vectors/${file}`, import.meta.url)), 'utf8'));

type Json = Record<string, any>;
const header = (h: Json) => ({
  messageId: h.messageId as Hex,
  sourceChainSelector: BigInt(h.sourceChainSelector),
  destChainSelector: BigInt(h.destChainSelector),
  sequenceNumber: BigInt(h.sequenceNumber),
  nonce: BigInt(h.nonce),
});
const evm2Any = (m: Json): EVM2AnyRampMessage => ({
  header: header(m.header),
  sender: m.sender,
  data: m.data,
  receiver: m.receiver,
  extraArgs: m.extraArgs,
  feeToken: m.feeToken,
  feeTokenAmount: BigInt(m.feeTokenAmount),
  feeValueJuels: BigInt(m.feeValueJuels),
  tokenAmounts: m.tokenAmounts.map((t: Json) => ({ ...t, amount: BigInt(t.amount) })),
});
const any2Evm = (m: Json): Any2EVMRampMessage => ({
  header: header(m.header),
  sender: m.sender,
  data: m.data,
  receiver: m.receiver,
  gasLimit: BigInt(m.gasLimit),
  tokenAmounts: m.tokenAmounts.map((t: Json) => ({ ...t, amount: BigInt(t.amount) })),
});

const messages = read('messages.json');
const merkle = read('merkle.json');
const messageVectors: Json[] = messages.messages;
const treeVectors: Json[] = merkle.trees;

describe('message vectors', () => {
  test('are present', () => {
    expect(messages.messages).toHaveLength(messages.count);
    expect(messages.count).toBeGreaterThan(20);
  });
  test.each(messageVectors.map((v): [string, Json] => [v.name, v]))('%s', (_name: string, v: Json) => {
    const source = evm2Any(v.message);
    const dest = any2Evm(v.any2EvmMessage);
    const onRamp = v.onRamp as Address;
    const { sourceChainSelector, destChainSelector } = source.header;

    expect(encodeAbiParameters([evm2AnyRampMessageParam], [source])).toBe(v.encodedMessage);
    expect(encodeAbiParameters([any2EvmRampMessageParam], [dest])).toBe(v.encodedAny2EvmMessage);
    expect(v.onRampBytes).toBe(encodeEvmAddress(onRamp));

    expect(evm2AnyMetadataHash(sourceChainSelector, destChainSelector, onRamp)).toBe(v.evm2AnyMetadataHash);
    expect(getMessageId(source, onRamp)).toBe(v.messageId);
    expect(source.header.messageId).toBe(v.messageId);

    expect(toAny2EVMMessage(source)).toEqual(dest);
    expect(any2EvmMetadataHash(sourceChainSelector, destChainSelector, v.onRampBytes)).toBe(v.any2EvmMetadataHash);
    expect(getLeafHash(dest, v.onRampBytes)).toBe(v.leafHash);
  });
  test('cover the variations the brief asks for', () => {
    const all = messages.messages.map((v: Json) => evm2Any(v.message));
    const tokenCounts = new Set(all.map((m: EVM2AnyRampMessage) => m.tokenAmounts.length));
    expect([...tokenCounts].sort()).toEqual([0, 1, 2, 3]);
    expect(all.some((m: EVM2AnyRampMessage) => m.data === '0x')).toBe(true);
    expect(all.some((m: EVM2AnyRampMessage) => m.data.length > 2 + 2 * 1000)).toBe(true);
    expect(all.some((m: EVM2AnyRampMessage) => m.header.nonce === 0n)).toBe(true);
    expect(all.some((m: EVM2AnyRampMessage) => m.header.nonce !== 0n)).toBe(true);
    for (const tag of ['0x97a657c9', '0x181dcf10']) {
      expect(all.some((m: EVM2AnyRampMessage) => m.extraArgs.startsWith(tag))).toBe(true);
    }
  });
});

describe('known-answer leaves (upstream CCIP tooling)', () => {
  test.each((messages.knownAnswers as Json[]).map((v): [string, Json] => [v.name, v]))('%s', (_name: string, v: Json) => {
    expect(getLeafHash(any2Evm(v.any2EvmMessage), v.onRampBytes)).toBe(v.leafHash);
  });
});

describe('merkle vectors', () => {
  test('cover 1..17, 64 and 256 leaves', () => {
    expect(merkle.trees.map((t: Json) => t.size)).toEqual([...Array.from({ length: 17 }, (_, i) => i + 1), 64, 256]);
    expect(merkle.multiProofs).toHaveLength(merkle.multiProofCount);
  });
  test.each(treeVectors.map((t): [number, Json] => [t.size, t]))('tree of %i leaves', (_size: number, t: Json) => {
    expect(getMerkleRoot(t.leaves)).toBe(t.root);
    const all = getMultiProof(t.leaves, t.leaves.map((_: Hex, i: number) => i));
    expect(all.proofs).toEqual(t.proofs);
    expect(all.proofFlagBits).toBe(BigInt(t.proofFlagBits));
    expect(getMultiProofRoot(t.leaves, t.proofs, BigInt(t.proofFlagBits))).toBe(t.root);
  });
  test('every multi-proof', () => {
    for (const p of merkle.multiProofs as Json[]) {
      const tree = merkle.trees[p.tree];
      expect(p.leaves).toEqual(p.indices.map((i: number) => tree.leaves[i]));
      const proof = getMultiProof(tree.leaves, p.indices);
      expect(proof.proofs).toEqual(p.proofs);
      expect(proof.proofFlagBits).toBe(BigInt(p.proofFlagBits));
      expect(verifyMultiProof({ root: p.root, leaves: p.leaves, proofs: p.proofs, proofFlagBits: BigInt(p.proofFlagBits) })).toBe(true);
    }
  });
});
