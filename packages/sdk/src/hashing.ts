import { type Address, type Hex, encodeAbiParameters, hexToNumber, isHex, size, toHex } from 'viem';
import { keccak256 } from './crypto/keccak.js';
import { any2EvmTokenTransferComponents, evm2AnyTokenTransferComponents } from './abiParams.js';
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

/** Source-side metadata hash (Internal._evm2AnyMetadataHash): binds a message id to its lane and OnRamp. */
export function evm2AnyMetadataHash(
  sourceChainSelector: ChainSelector,
  destChainSelector: ChainSelector,
  onRamp: Address,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [b32, u64, u64, { type: 'address' }],
      [EVM_2_ANY_MESSAGE_HASH, sourceChainSelector, destChainSelector, onRamp],
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
  return keccak256(
    encodeAbiParameters(
      [b32, u64, u64, b32],
      [ANY_2_EVM_MESSAGE_HASH, sourceChainSelector, destChainSelector, keccak256(onRamp)],
    ),
  );
}

/** Internal._hash(EVM2AnyRampMessage, metadataHash): the message id, given a precomputed metadata hash. */
export function hashEVM2AnyRampMessage(message: EVM2AnyRampMessage, metadataHash: Hex): Hex {
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
}

/**
 * The merkle leaf of a message as the destination OffRamp computes it. `onRamp` is the source
 * OnRamp as raw bytes (`abi.encode(address)` for EVM sources, as in MerkleRoot.onRampAddress).
 */
export function getLeafHash(message: Any2EVMRampMessage, onRamp: Hex): Hex {
  const { sourceChainSelector, destChainSelector } = message.header;
  return hashAny2EVMRampMessage(message, any2EvmMetadataHash(sourceChainSelector, destChainSelector, onRamp));
}

/** Reads `abi.encode(uint32 destGasAmount)` from an EVM-bound token transfer's destExecData. */
export function decodeDestGasAmount(destExecData: Hex): number {
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
