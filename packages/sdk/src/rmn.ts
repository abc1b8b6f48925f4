import { encodeAbiParameters, numberToHex, toHex, type Address, type Hex } from 'viem';
import { keccak256 } from './crypto/keccak.js';
import { signRmnDigest } from './reports.js';
import type { RmnSignature } from './types.js';

/**
 * What RMN nodes sign besides blessings (RMNRemote verifies each with fSign+1 signatures, v = 27, signers
 * strictly ascending): curse votes, uncurse votes and heartbeats. Every digest binds the chain, the RMNRemote
 * and its config digest, so a signature is good for one contract and one signer set only.
 */
export const RMN_CURSE_HEADER = keccak256(toHex('RMN_V1_6_CURSE'));
export const RMN_UNCURSE_HEADER = keccak256(toHex('RMN_V1_6_UNCURSE'));
export const RMN_HEARTBEAT_HEADER = keccak256(toHex('RMN_V1_6_HEARTBEAT'));

/** Cursing this subject stops every lane of a chain. */
export const GLOBAL_CURSE_SUBJECT: Hex = '0x01000000000000000000000000000001';

/** The curse subject of a remote chain: bytes16(uint128(chainSelector)). */
export function chainCurseSubject(chainSelector: bigint): Hex {
  return numberToHex(chainSelector, { size: 16 });
}

/** Which RMNRemote a signature is for. */
export interface RmnRemoteDomain {
  chainId: bigint;
  chainSelector: bigint;
  rmnRemote: Address;
  /** RMNRemote's rmnHomeContractConfigDigest (getVersionedConfig). */
  rmnHomeConfigDigest: Hex;
}

const domainParams = [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'uint64' }, { type: 'address' }, { type: 'bytes32' }] as const;

/**
 * keccak256(abi.encode(header, chainId, chainSelector, rmnRemote, configDigest, curseGeneration, bytes16[] subjects)).
 * The generation (RMNRemote.getCurseGeneration) grows with every uncurse, so an old vote cannot curse again.
 */
function voteDigest(header: Hex, d: RmnRemoteDomain, generation: bigint, subjects: readonly Hex[]): Hex {
  return keccak256(
    encodeAbiParameters(
      [...domainParams, { type: 'uint64' }, { type: 'bytes16[]' }],
      [header, d.chainId, d.chainSelector, d.rmnRemote, d.rmnHomeConfigDigest, generation, subjects],
    ),
  );
}

export function rmnCurseDigest(d: RmnRemoteDomain, generation: bigint, subjects: readonly Hex[]): Hex {
  return voteDigest(RMN_CURSE_HEADER, d, generation, subjects);
}

export function rmnUncurseDigest(d: RmnRemoteDomain, generation: bigint, subjects: readonly Hex[]): Hex {
  return voteDigest(RMN_UNCURSE_HEADER, d, generation, subjects);
}

/** keccak256(abi.encode(RMN_V1_6_HEARTBEAT, chainId, chainSelector, rmnRemote, configDigest, uint64 timestamp)). */
export function rmnHeartbeatDigest(d: RmnRemoteDomain, timestamp: bigint): Hex {
  return keccak256(
    encodeAbiParameters(
      [...domainParams, { type: 'uint64' }],
      [RMN_HEARTBEAT_HEADER, d.chainId, d.chainSelector, d.rmnRemote, d.rmnHomeConfigDigest, timestamp],
    ),
  );
}

export interface SignedRmnDigest {
  signer: Address;
  signature: RmnSignature;
}

/** Orders signatures by signer, ascending, drops repeated signers, and keeps the first `max`: RMNRemote's order. */
export function orderRmnSignatures(signed: readonly SignedRmnDigest[], max = Infinity): RmnSignature[] {
  const seen = new Set<string>();
  return [...signed]
    .sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : BigInt(a.signer) > BigInt(b.signer) ? 1 : 0))
    .filter((x) => {
      const k = x.signer.toLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .slice(0, max)
    .map((x) => x.signature);
}

