import { type Address, type Hex, getAddress } from 'viem';
import { keccak256 } from './crypto/keccak.js';
import { InvalidEVMAddressError } from './errors.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const ABI_ADDRESS = /^0x0{24}[0-9a-fA-F]{40}$/;

/** Bounded memo of checksummed addresses: a handful of senders, pools and tokens recur in every message. */
const checksums = new Map<string, Address>();
const MAX_CHECKSUMS = 8_192;
const ascii = new Uint8Array(40);

/**
 * EIP-55 checksummed form of a lowercase 40-hex-digit address body (no 0x), the same string viem's
 * checksumAddress returns; hashed with the SDK's (WebAssembly) keccak and memoized.
 */
export function checksumLowerAddress(body: string): Address {
  const hit = checksums.get(body);
  if (hit !== undefined) return hit;
  for (let i = 0; i < 40; i++) ascii[i] = body.charCodeAt(i);
  const hash = keccak256(ascii, 'bytes');
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = body[i]!;
    const nibble = i & 1 ? hash[i >> 1]! & 15 : hash[i >> 1]! >> 4;
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  if (checksums.size >= MAX_CHECKSUMS) checksums.clear();
  checksums.set(body, out as Address);
  return out as Address;
}

/** `abi.encode(address)`: how CCIP carries EVM addresses in `bytes` fields (receiver, sender, onRamp...). */
export function encodeEvmAddress(address: Address): Hex {
  // Any-case 20-byte hex is accepted (like viem's getAddress): the checksum is not checked, only lowercased away.
  if (typeof address !== 'string' || !ADDRESS.test(address)) getAddress(address); // throws viem's InvalidAddressError
  return `0x000000000000000000000000${address.slice(2).toLowerCase()}`;
}

/**
 * Reads `abi.encode(address)` back into a checksummed address. Strict like the protocol: exactly
 * 32 bytes with the upper 12 zero (a bare 20-byte address is rejected, it would hash differently).
 */
export function decodeEvmAddress(encoded: Hex): Address {
  if (typeof encoded !== 'string' || !ABI_ADDRESS.test(encoded)) throw new InvalidEVMAddressError(encoded);
  return checksumLowerAddress(encoded.slice(26).toLowerCase());
}
