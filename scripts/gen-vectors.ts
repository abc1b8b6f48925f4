/**
 * Writes the shared TS/Solidity test vectors to contracts/test/vectors/*.json (deterministic: a
 * keccak-based PRNG from a fixed seed, so re-running gives identical files).
 *
 *   npx tsx scripts/gen-vectors.ts
 *
 * messages.json: varied EVM2AnyRampMessages with their message id, the Any2EVMRampMessage the
 *   destination executes and its leaf. Each message is also given abi-encoded, so Solidity can decode it.
 *   knownAnswers: leaves published by upstream CCIP tooling (independent of this repo).
 * merkle.json: trees of 1..17, 64 and 256 leaves (root + the all-leaves multi-proof) and multi-proofs
 *   for chosen subsets.
 * Checked by contracts/test/vectors/Vectors.t.sol and packages/sdk/test/vectors.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Address,
  type Hex,
  concatHex,
  encodeAbiParameters,
  getAddress,
  hexToBigInt,
  keccak256,
  numberToHex,
  sliceHex,
  toHex,
  zeroAddress,
} from 'viem';
import {
  type EVM2AnyRampMessage,
  type EVM2AnyTokenTransfer,
  any2EvmMetadataHash,
  any2EvmRampMessageParam,
  encodeEvmAddress,
  encodeExtraArgsV1,
  encodeGenericExtraArgsV2,
  evm2AnyMetadataHash,
  evm2AnyRampMessageParam,
  getChainSelector,
  getLeafHash,
  getMerkleRoot,
  getMessageId,
  getMultiProof,
  toAny2EVMMessage,
} from '../packages/sdk/src/index.js';
import { upstreamLeafHash, upstreamMessage, upstreamOnRamp } from '../packages/sdk/test/fixtures/upstreamV16Leaf.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VECTORS_DIR = join(ROOT, 'contracts/test/vectors');
const SEED = 'openccip-vectors-v1';

/** keccak256(seed ++ counter) stream: deterministic, platform independent. */
class Prng {
  private counter = 0n;
  private readonly seed: Hex;
  constructor(seed: string) {
    this.seed = keccak256(toHex(seed));
  }
  word(): Hex {
    return keccak256(concatHex([this.seed, numberToHex(this.counter++, { size: 32 })]));
  }
  bytes(length: number): Hex {
    let out: Hex = '0x';
    while ((out.length - 2) / 2 < length) out = concatHex([out, this.word()]);
    return length === 0 ? '0x' : sliceHex(out, 0, length);
  }
  /** uniform-ish integer in [0, max) (max ≤ 2^256; modulo bias is irrelevant for test vectors) */
  below(max: bigint): bigint {
    return hexToBigInt(this.word()) % max;
  }
  int(max: number): number {
    return Number(this.below(BigInt(max)));
  }
  uint(bits: number): bigint {
    return this.below(1n << BigInt(bits));
  }
  address(): Address {
    return getAddress(this.bytes(20));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const rng = new Prng(SEED);
const U64_MAX = (1n << 64n) - 1n;
const U256_MAX = (1n << 256n) - 1n;

/** JSON with bigints as decimal strings (forge's parseJsonUint and JS BigInt both read them). */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

// ---------------------------------------------------------------- messages

type ExtraArgsKind = 'v2' | 'v2-out-of-order' | 'v1' | 'empty';

interface MessageCase {
  name: string;
  sourceChainSelector: bigint;
  destChainSelector: bigint;
  sequenceNumber: bigint;
  nonce: bigint;
  dataLength: number;
  tokens: number;
  extraArgs: ExtraArgsKind;
  gasLimit: bigint;
  nativeFee: boolean;
}

function extraArgsOf(kind: ExtraArgsKind, gasLimit: bigint): Hex {
  switch (kind) {
    case 'v2':
      return encodeGenericExtraArgsV2({ gasLimit, allowOutOfOrderExecution: false });
    case 'v2-out-of-order':
      return encodeGenericExtraArgsV2({ gasLimit, allowOutOfOrderExecution: true });
    case 'v1':
      return encodeExtraArgsV1({ gasLimit });
    case 'empty':
      return '0x';
  }
}

function tokenTransfer(index: number): EVM2AnyTokenTransfer {
  const destGasAmount = [0, 90_000, 2 ** 32 - 1][index % 3]!;
  return {
    sourcePoolAddress: rng.address(),
    destTokenAddress: encodeEvmAddress(rng.address()),
    extraData: rng.bytes(rng.pick([0, 32, 64, 5])),
    amount: index === 2 ? U256_MAX : rng.uint(rng.pick([8, 64, 128])),
    destExecData: encodeAbiParameters([{ type: 'uint32' }], [destGasAmount]),
  };
}

function buildMessage(c: MessageCase): EVM2AnyRampMessage {
  const message: EVM2AnyRampMessage = {
    header: {
      messageId: '0x0000000000000000000000000000000000000000000000000000000000000000',
      sourceChainSelector: c.sourceChainSelector,
      destChainSelector: c.destChainSelector,
      sequenceNumber: c.sequenceNumber,
      nonce: c.nonce,
    },
    sender: rng.address(),
    data: rng.bytes(c.dataLength),
    receiver: encodeEvmAddress(rng.address()),
    extraArgs: extraArgsOf(c.extraArgs, c.gasLimit),
    feeToken: c.nativeFee ? zeroAddress : rng.address(),
    feeTokenAmount: rng.uint(rng.pick([32, 64, 96])),
    feeValueJuels: rng.uint(96),
    tokenAmounts: Array.from({ length: c.tokens }, (_, i) => tokenTransfer(i)),
  };
  return message;
}

function messageCases(): MessageCase[] {
  const anvil = getChainSelector(31337);
  const sepolia = getChainSelector(11155111);
  const geth = getChainSelector(1337);
  const cases: MessageCase[] = [
    { name: 'anvil→sepolia hello, v2 ordered', sourceChainSelector: anvil, destChainSelector: sepolia, sequenceNumber: 1n, nonce: 1n, dataLength: 5, tokens: 0, extraArgs: 'v2', gasLimit: 200_000n, nativeFee: true },
    { name: 'empty data, token-only, out of order', sourceChainSelector: anvil, destChainSelector: geth, sequenceNumber: 2n, nonce: 0n, dataLength: 0, tokens: 1, extraArgs: 'v2-out-of-order', gasLimit: 0n, nativeFee: false },
    { name: 'empty extraArgs → default gas', sourceChainSelector: geth, destChainSelector: anvil, sequenceNumber: 7n, nonce: 3n, dataLength: 32, tokens: 0, extraArgs: 'empty', gasLimit: 0n, nativeFee: true },
    { name: 'V1 extraArgs, 3 tokens', sourceChainSelector: sepolia, destChainSelector: anvil, sequenceNumber: 1000n, nonce: 999n, dataLength: 100, tokens: 3, extraArgs: 'v1', gasLimit: 500_000n, nativeFee: false },
    { name: 'long data 4096 bytes', sourceChainSelector: anvil, destChainSelector: sepolia, sequenceNumber: 42n, nonce: 0n, dataLength: 4096, tokens: 2, extraArgs: 'v2-out-of-order', gasLimit: 3_000_000n, nativeFee: true },
    { name: 'max values', sourceChainSelector: U64_MAX, destChainSelector: U64_MAX - 1n, sequenceNumber: U64_MAX, nonce: U64_MAX, dataLength: 33, tokens: 3, extraArgs: 'v2', gasLimit: U256_MAX, nativeFee: false },
  ];
  const kinds: ExtraArgsKind[] = ['v2', 'v2-out-of-order', 'v1', 'empty'];
  const dataLengths = [0, 1, 31, 32, 33, 64, 65, 100, 256, 1000];
  for (let i = 0; i < 18; i++) {
    const extraArgs = kinds[i % kinds.length]!;
    cases.push({
      name: `random #${i}`,
      sourceChainSelector: rng.uint(64),
      destChainSelector: rng.uint(64),
      sequenceNumber: 1n + rng.uint(40),
      nonce: extraArgs === 'v2-out-of-order' || i % 5 === 0 ? 0n : 1n + rng.uint(32),
      dataLength: dataLengths[i % dataLengths.length]!,
      tokens: i % 4,
      extraArgs,
      gasLimit: rng.uint(rng.pick([16, 24, 32])),
      nativeFee: i % 3 === 0,
    });
  }
  return cases;
}

function messageVectors() {
  return messageCases().map((c) => {
    const onRamp = rng.address();
    const onRampBytes = encodeEvmAddress(onRamp);
    const draft = buildMessage(c);
    const messageId = getMessageId(draft, onRamp);
    // As emitted: the OnRamp puts the id it computed into the header (the id does not hash the header's id).
    const message: EVM2AnyRampMessage = { ...draft, header: { ...draft.header, messageId } };
    const any2EvmMessage = toAny2EVMMessage(message);
    const { sourceChainSelector, destChainSelector } = message.header;
    return {
      name: c.name,
      onRamp,
      onRampBytes,
      message,
      encodedMessage: encodeAbiParameters([evm2AnyRampMessageParam], [message]),
      evm2AnyMetadataHash: evm2AnyMetadataHash(sourceChainSelector, destChainSelector, onRamp),
      messageId,
      any2EvmMessage,
      encodedAny2EvmMessage: encodeAbiParameters([any2EvmRampMessageParam], [any2EvmMessage]),
      any2EvmMetadataHash: any2EvmMetadataHash(sourceChainSelector, destChainSelector, onRampBytes),
      leafHash: getLeafHash(any2EvmMessage, onRampBytes),
    };
  });
}

// ---------------------------------------------------------------- merkle

const TREE_SIZES = [...Array.from({ length: 17 }, (_, i) => i + 1), 64, 256];

function subsetsOf(size: number): number[][] {
  const all = Array.from({ length: size }, (_, i) => i);
  const subsets: number[][] = [[0], [size - 1], all];
  if (size > 1) subsets.push([0, size - 1]);
  if (size > 2) {
    subsets.push(all.filter(() => rng.int(3) === 0)); // a random third
    const start = rng.int(size - 1);
    subsets.push(all.slice(start, Math.min(size, start + 1 + rng.int(8)))); // a contiguous batch
    subsets.push(all.filter((i) => i % 2 === 1)); // every other leaf
  }
  // drop empty and duplicate subsets
  const unique = new Map(subsets.filter((s) => s.length > 0).map((s) => [s.join(','), s]));
  return [...unique.values()];
}

function merkleVectors() {
  const trees = TREE_SIZES.map((size) => {
    const leaves = Array.from({ length: size }, () => rng.word());
    const all = getMultiProof(leaves, leaves.map((_, i) => i));
    return { size, leaves, root: getMerkleRoot(leaves), proofs: all.proofs, proofFlagBits: all.proofFlagBits };
  });
  const multiProofs = trees.flatMap((tree, treeIndex) =>
    subsetsOf(tree.size).map((indices) => {
      const { proofs, proofFlagBits } = getMultiProof(tree.leaves, indices);
      return {
        tree: treeIndex,
        treeSize: tree.size,
        indices,
        leaves: indices.map((i) => tree.leaves[i]!),
        proofs,
        proofFlagBits,
        root: tree.root,
      };
    }),
  );
  return { trees, multiProofs };
}

/** Leaves published by upstream CCIP tooling: both implementations must reproduce them. */
function knownAnswerLeaves() {
  const onRampBytes = encodeEvmAddress(upstreamOnRamp);
  return [{ name: 'ccip-tools-ts v1.6 leaf', onRampBytes, any2EvmMessage: upstreamMessage, leafHash: upstreamLeafHash }];
}

// ---------------------------------------------------------------- write

const messages = messageVectors();
const { trees, multiProofs } = merkleVectors();
const header = { generator: 'scripts/gen-vectors.ts', seed: SEED };
const knownAnswers = knownAnswerLeaves();
writeFileSync(
  join(VECTORS_DIR, 'messages.json'),
  toJson({ ...header, count: messages.length, messages, knownAnswerCount: knownAnswers.length, knownAnswers }),
);
writeFileSync(
  join(VECTORS_DIR, 'merkle.json'),
  toJson({ ...header, treeCount: trees.length, multiProofCount: multiProofs.length, trees, multiProofs }),
);
console.log(`gen-vectors: ${messages.length} messages, ${trees.length} trees, ${multiProofs.length} multi-proofs`);
