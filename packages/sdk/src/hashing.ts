import { type Address, type Hex, encodeAbiParameters, hexToNumber, isHex, size, toHex } from 'viem';
import { decodeHexInto, keccak256 } from './crypto/keccak.js';
import { any2EvmTokenTransferComponents, evm2AnyTokenTransferComponents } from './abiParams.js';
import { NotPlain, addressWord, bytes32Word, bytesTail, encodeDynamicArray, encodeTuple, uintWord } from './abiHex.js';
import { decodeEvmAddress, encodeEvmAddress } from './address.js';
import { InvalidDestExecDataError } from './errors.js';
import { DEFAULT_GAS_LIMIT, decodeExtraArgs } from './extraArgs.js';
import type { Any2EVMRampMessage, Any2EVMTokenTransfer, ChainSelector, EVM2AnyRampMessage } from './types.js';

/** Merkle domain separators: leaves are hashed under LEAF, inner nodes under INTERNAL. */
export const LEAF_DOMAIN_SEPARATOR = '0x0000000000000000000000000000000000000000000000000000000000000000' as const;
export const INTERNAL_DOMAIN_SEPARATOR = '0x0000000000000000000000000000000000000000000000000000000000000001' as const;

/** keccak256("EVM2AnyMessageHashV1") */
export const EVM_2_ANY_MESSAGE_HASH = keccak256(toHex('EVM2AnyMessageHashV1'));
/** keccak256("Any2EVMMessageHashV1") */
export const ANY_2_EVM_MESSAGE_HASH = keccak256(toHex('Any2EVMMessageHashV1'));

const b32 = { type: 'bytes32' } as const;
const u64 = { type: 'uint64' } as const;

/*
 * The hashes below lay out their fixed-shape ABI encodings by hand (abiHex.ts): viem's generic encoder cost several
 * times the hashing itself per leaf. Any input the hand layout does not cover byte-identically (an out-of-range
 * number, a badly checksummed address, odd-length hex...) goes through viem's encodeAbiParameters as before, so
 * results and errors are unchanged; the vectors and hashing tests pin the bytes.
 */

/** The fast layout, or viem's encoder when an input is not plain (see NotPlain). */
function viaFastPath(fast: () => Hex, viem: () => Hex): Hex {
  try {
    return fast();
  } catch (err) {
    if (err instanceof NotPlain) return viem();
    throw err;
  }
}

/** keccak256 of a layout built of abiHex words (unprefixed hex digits), as a digest. */
const hashDigits = (digits: string): Uint8Array => keccak256(`0x${digits}`, 'bytes');
const hashHex = (value: Hex): Uint8Array => keccak256(value, 'bytes');

/** keccak256 over 32-byte words: 64 validated hex digits (an abiHex word) or a digest. */
function hashWords(words: readonly (string | Uint8Array)[]): Hex {
  const buf = new Uint8Array(32 * words.length);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (typeof w === 'string') decodeHexInto(w, 0, buf, 32 * i);
    else buf.set(w, 32 * i);
  }
  return keccak256(buf);
}

const LEAF_WORD = LEAF_DOMAIN_SEPARATOR.slice(2);
/** keccak256(abi.encode(T[])) of an empty array (most messages carry no tokens). */
const EMPTY_ARRAY_HASH = hashDigits(encodeDynamicArray([]));

/** keccak256(abi.encode(T[])) of dynamic tuples encoded by encodeTuple. */
const hashTupleArray = (elements: readonly string[]): Uint8Array =>
  elements.length === 0 ? EMPTY_ARRAY_HASH : hashDigits(encodeDynamicArray(elements));

/** Source-side metadata hash (Internal._evm2AnyMetadataHash): binds a message id to its lane and OnRamp. */
export function evm2AnyMetadataHash(
  sourceChainSelector: ChainSelector,
  destChainSelector: ChainSelector,
  onRamp: Address,
): Hex {
  return viaFastPath(
    () => hashWords([EVM_2_ANY_MESSAGE_HASH.slice(2), uintWord(sourceChainSelector, 64), uintWord(destChainSelector, 64), addressWord(onRamp)]),
    () =>
      keccak256(
        encodeAbiParameters(
          [b32, u64, u64, { type: 'address' }],
          [EVM_2_ANY_MESSAGE_HASH, sourceChainSelector, destChainSelector, onRamp],
        ),
      ),
  );
}

/**
 * Destination-side metadata hash (Internal._any2EvmMetadataHash). `onRamp` is the raw bytes the
 * OffRamp has configured for the source, i.e. `abi.encode(address)` for EVM sources (see encodeEvmAddress).
 */
export function any2EvmMetadataHash(
  sourceChainSelector: ChainSelector,
  destChainSelector: ChainSelector,
  onRamp: Hex,
): Hex {
  return viaFastPath(
    () => hashWords([ANY_2_EVM_MESSAGE_HASH.slice(2), uintWord(sourceChainSelector, 64), uintWord(destChainSelector, 64), hashHex(onRamp)]),
    () =>
      keccak256(
        encodeAbiParameters([b32, u64, u64, b32], [ANY_2_EVM_MESSAGE_HASH, sourceChainSelector, destChainSelector, keccak256(onRamp)]),
      ),
  );
}

/** Internal._hash(EVM2AnyRampMessage, metadataHash): the message id, given a precomputed metadata hash. */
export function hashEVM2AnyRampMessage(message: EVM2AnyRampMessage, metadataHash: Hex): Hex {
  return viaFastPath(
    () => {
      const { header } = message;
      const fixed = hashDigits(
        addressWord(message.sender) +
          uintWord(header.sequenceNumber, 64) +
          uintWord(header.nonce, 64) +
          addressWord(message.feeToken) +
          uintWord(message.feeTokenAmount, 256),
      );
      const tokens = hashTupleArray(
        message.tokenAmounts.map((t) =>
          encodeTuple([
            { word: addressWord(t.sourcePoolAddress) },
            { tail: bytesTail(t.destTokenAddress) },
            { tail: bytesTail(t.extraData) },
            { word: uintWord(t.amount, 256) },
            { tail: bytesTail(t.destExecData) },
          ]),
        ),
      );
      const meta = bytes32Word(metadataHash);
      const [receiver, data] = [hashHex(message.receiver), hashHex(message.data)];
      return hashWords([LEAF_WORD, meta, fixed, receiver, data, tokens, hashHex(message.extraArgs)]);
    },
    () => {
      const { header } = message;
      return keccak256(
        encodeAbiParameters(
          [b32, b32, b32, b32, b32, b32, b32],
          [
            LEAF_DOMAIN_SEPARATOR,
            metadataHash,
            keccak256(
              encodeAbiParameters(
                [{ type: 'address' }, u64, u64, { type: 'address' }, { type: 'uint256' }],
                [message.sender, header.sequenceNumber, header.nonce, message.feeToken, message.feeTokenAmount],
              ),
            ),
            keccak256(message.receiver),
            keccak256(message.data),
            keccak256(
              encodeAbiParameters(
                [{ type: 'tuple[]', components: evm2AnyTokenTransferComponents }],
                [message.tokenAmounts],
              ),
            ),
            keccak256(message.extraArgs),
          ],
        ),
      );
    },
  );
}

/**
 * The CCIP v1.6 message id as the source OnRamp computes it. Lane selectors come from the header;
 * `onRamp` is the OnRamp contract that emitted the message.
 */
export function getMessageId(message: EVM2AnyRampMessage, onRamp: Address): Hex {
  const { sourceChainSelector, destChainSelector } = message.header;
  return hashEVM2AnyRampMessage(message, evm2AnyMetadataHash(sourceChainSelector, destChainSelector, onRamp));
}

/** Internal._hash(Any2EVMRampMessage, metadataHash): the merkle leaf, given a precomputed metadata hash. */
export function hashAny2EVMRampMessage(message: Any2EVMRampMessage, metadataHash: Hex): Hex {
  return viaFastPath(
    () => {
      const { header } = message;
      const fixed = hashDigits(
        bytes32Word(header.messageId) +
          addressWord(message.receiver) +
          uintWord(header.sequenceNumber, 64) +
          uintWord(message.gasLimit, 256) +
          uintWord(header.nonce, 64),
      );
      const tokens = hashTupleArray(
        message.tokenAmounts.map((t) =>
          encodeTuple([
            { tail: bytesTail(t.sourcePoolAddress) },
            { word: addressWord(t.destTokenAddress) },
            { word: uintWord(t.destGasAmount, 32) },
            { tail: bytesTail(t.extraData) },
            { word: uintWord(t.amount, 256) },
          ]),
        ),
      );
      const meta = bytes32Word(metadataHash);
      const [sender, data] = [hashHex(message.sender), hashHex(message.data)];
      return hashWords([LEAF_WORD, meta, fixed, sender, data, tokens]);
    },
    () => {
      const { header } = message;
      return keccak256(
        encodeAbiParameters(
          [b32, b32, b32, b32, b32, b32],
          [
            LEAF_DOMAIN_SEPARATOR,
            metadataHash,
            keccak256(
              encodeAbiParameters(
                [b32, { type: 'address' }, u64, { type: 'uint256' }, u64],
                [header.messageId, message.receiver, header.sequenceNumber, message.gasLimit, header.nonce],
              ),
            ),
            keccak256(message.sender),
            keccak256(message.data),
            keccak256(
              encodeAbiParameters(
                [{ type: 'tuple[]', components: any2EvmTokenTransferComponents }],
                [message.tokenAmounts],
              ),
            ),
          ],
        ),
      );
    },
  );
}

/**
 * The merkle leaf of a message as the destination OffRamp computes it. `onRamp` is the source
 * OnRamp as raw bytes (`abi.encode(address)` for EVM sources, as in MerkleRoot.onRampAddress).
 */
export function getLeafHash(message: Any2EVMRampMessage, onRamp: Hex): Hex {
  const { sourceChainSelector: source, destChainSelector: dest } = message.header;
  // The metadata hash is a pure function of the lane, the same for every leaf of it: two hashes saved per leaf.
  if (typeof source !== 'bigint' || typeof dest !== 'bigint') return hashAny2EVMRampMessage(message, any2EvmMetadataHash(source, dest, onRamp));
  const key = `${source}:${dest}:${onRamp}`;
  let metadataHash = laneMetadataHashes.get(key);
  if (metadataHash === undefined) {
    metadataHash = any2EvmMetadataHash(source, dest, onRamp);
    if (laneMetadataHashes.size >= MAX_LANE_METADATA_HASHES) laneMetadataHashes.clear();
    laneMetadataHashes.set(key, metadataHash);
  }
  return hashAny2EVMRampMessage(message, metadataHash);
}

/** Bounded memo of any2EvmMetadataHash by `${source}:${dest}:${onRamp}`. */
const laneMetadataHashes = new Map<string, Hex>();
const MAX_LANE_METADATA_HASHES = 1_024;

const UINT32_WORD = /^0x0{56}[0-9a-fA-F]{8}$/;

/** Reads `abi.encode(uint32 destGasAmount)` from an EVM-bound token transfer's destExecData. */
export function decodeDestGasAmount(destExecData: Hex): number {
  if (typeof destExecData === 'string' && UINT32_WORD.test(destExecData)) return Number.parseInt(destExecData.slice(58), 16);
  // Solidity's abi.decode(destExecData, (uint32)) reverts unless the upper 28 bytes are zero.
  if (!isHex(destExecData, { strict: true }) || size(destExecData) !== 32 || !/^0x0{56}/i.test(destExecData)) {
    throw new InvalidDestExecDataError(destExecData);
  }
  return hexToNumber(destExecData);
}

/**
 * What the destination sees of a source message (the execute DON's conversion): sender abi-encoded,
 * receiver and dest token decoded, gas limit from extraArgs (empty → `defaultGasLimit`), each token's
 * destGasAmount decoded from destExecData and its source pool abi-encoded. feeToken, fee amounts are dropped.
 */
export function toAny2EVMMessage(
  message: EVM2AnyRampMessage,
  { defaultGasLimit = DEFAULT_GAS_LIMIT }: { defaultGasLimit?: bigint } = {},
): Any2EVMRampMessage {
  const tokenAmounts: Any2EVMTokenTransfer[] = message.tokenAmounts.map((t) => ({
    sourcePoolAddress: encodeEvmAddress(t.sourcePoolAddress),
    destTokenAddress: decodeEvmAddress(t.destTokenAddress),
    destGasAmount: decodeDestGasAmount(t.destExecData),
    extraData: t.extraData,
    amount: t.amount,
  }));
  return {
    header: { ...message.header },
    sender: encodeEvmAddress(message.sender),
    data: message.data,
    receiver: decodeEvmAddress(message.receiver),
    gasLimit: decodeExtraArgs(message.extraArgs, { defaultGasLimit }).gasLimit,
    tokenAmounts,
  };
}
