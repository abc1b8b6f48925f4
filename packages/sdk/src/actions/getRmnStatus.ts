import type { Address, Hex } from 'viem';
import { getBlock, readContract } from 'viem/actions';
import { rmnRemoteAbi } from '../abi/rmnRemote.js';
import type { ReadClient } from './types.js';

/** The heartbeat dead-man switch of one RMNRemote. */
export interface RmnHeartbeatStatus {
  /** timestamp (s) of the newest signed heartbeat, or of when the timeout was last enabled; 0 = never */
  last: bigint;
  /** seconds without a heartbeat before the chain counts as globally cursed; 0 = switch off */
  timeout: number;
  /** the heartbeat has lapsed: RMNRemote reports the chain globally cursed */
  expired: boolean;
  /** latest block's timestamp minus `last` (negative if the heartbeat is ahead of the block clock) */
  ageSeconds: bigint;
}

export interface RmnSignerInfo {
  onchainPublicKey: Address;
  nodeIndex: bigint;
}

/** What one chain's RMNRemote holds: its RMN signer set, curses and heartbeat. */
export interface RmnStatus {
  rmnRemote: Address;
  localChainSelector: bigint;
  /** config version; 0 = never configured (no blessing, signed vote or heartbeat can pass) */
  version: number;
  signers: RmnSignerInfo[];
  fSign: bigint;
  /** RMNHome config digest the signers belong to (part of every digest they sign) */
  configDigest: Hex;
  /** what signed curse/uncurse votes must carry; grows with every uncurse */
  curseGeneration: bigint;
  /** as getCursedSubjects: includes the global subject while the heartbeat has lapsed */
  cursedSubjects: Hex[];
  heartbeat: RmnHeartbeatStatus;
}

/** Reads an RMNRemote's signer set, cursed subjects and heartbeat in one go (all at the same block). */
export async function getRmnStatus(client: ReadClient, rmnRemote: Address): Promise<RmnStatus> {
  const block = await getBlock(client, { blockTag: 'latest' });
  const at = { address: rmnRemote, abi: rmnRemoteAbi, blockNumber: block.number } as const;
  const [[version, config], cursedSubjects, [last, timeout, expired], curseGeneration, localChainSelector] = await Promise.all([
    readContract(client, { ...at, functionName: 'getVersionedConfig' }),
    readContract(client, { ...at, functionName: 'getCursedSubjects' }),
    readContract(client, { ...at, functionName: 'getHeartbeat' }),
    readContract(client, { ...at, functionName: 'getCurseGeneration' }),
    readContract(client, { ...at, functionName: 'getLocalChainSelector' }),
  ]);
  return {
    rmnRemote,
    localChainSelector,
    version,
    signers: config.signers.map((s) => ({ onchainPublicKey: s.onchainPublicKey, nodeIndex: s.nodeIndex })),
    fSign: config.fSign,
    configDigest: config.rmnHomeContractConfigDigest,
    curseGeneration,
    cursedSubjects: [...cursedSubjects],
    heartbeat: { last, timeout, expired, ageSeconds: block.timestamp - last },
  };
}
