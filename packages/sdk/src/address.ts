import { type Address, type Hex, getAddress, isHex, padHex, size } from 'viem';
import { InvalidEVMAddressError } from './errors.js';

/** `abi.encode(address)`: how CCIP carries EVM addresses in `bytes` fields (receiver, sender, onRamp...). */
export function encodeEvmAddress(address: Address): Hex {
  return padHex(getAddress(address), { size: 32 }).toLowerCase() as Hex;
}

/**
 * Reads `abi.encode(address)` back into a checksummed address. Strict like the protocol: exactly
 * 32 bytes with the upper 12 zero (a bare 20-byte address is rejected, it would hash differently).
 */
export function decodeEvmAddress(encoded: Hex): Address {
  if (!isHex(encoded, { strict: true }) || size(encoded) !== 32 || !/^0x0{24}/i.test(encoded)) {
    throw new InvalidEVMAddressError(encoded);
  }
  return getAddress(`0x${encoded.slice(26)}`);
}
