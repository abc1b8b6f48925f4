import { decodeAbiParameters, encodeAbiParameters, type Hex } from 'viem';
import { evm2AnyRampMessageParam } from './abiParams.js';
import type { EVM2AnyRampMessage } from './types.js';

/** The ABI encoding of Internal.EVM2AnyRampMessage (how nodes store a sent message). */
export function encodeEVM2AnyRampMessage(message: EVM2AnyRampMessage): Hex {
  return encodeAbiParameters([evm2AnyRampMessageParam], [message]);
}

export function decodeEVM2AnyRampMessage(encoded: Hex): EVM2AnyRampMessage {
  const [decoded] = decodeAbiParameters([evm2AnyRampMessageParam], encoded);
  return decoded as EVM2AnyRampMessage;
}
