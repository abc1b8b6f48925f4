import { encodeAbiParameters } from 'viem';
import { keccak256 } from '@openccip/sdk';
import type { InstanceId, OracleId } from './types.js';

/** Rounds of one epoch fit 32 bits; the epoch takes the upper 32 bits of the uint64 OCR sequence number. */
export const MAX_EPOCH = 0xffff_ffff;
export const MAX_ROUND = 0xffff_ffff;

/** seqNr = epoch << 32 | round: strictly increasing across epochs, so "newer seqNr" on chain means "newer round". */
export function makeSeqNr(epoch: number, round: number): bigint {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) throw new RangeError(`epoch ${epoch} out of range`);
  if (!Number.isInteger(round) || round < 1 || round > MAX_ROUND) throw new RangeError(`round ${round} out of range (epoch ${epoch})`);
  return (BigInt(epoch) << 32n) | BigInt(round);
}

export function epochOf(seqNr: bigint): number {
  return Number(seqNr >> 32n);
}

export function roundOf(seqNr: bigint): number {
  return Number(seqNr & 0xffff_ffffn);
}

/** A well-formed seqNr has a round ≥ 1 and fits uint64. */
export function isValidSeqNr(seqNr: bigint): boolean {
  return seqNr > 0n && seqNr <= 0xffff_ffff_ffff_ffffn && roundOf(seqNr) >= 1;
}

export function leaderOf(epoch: number, n: number, offset = 0): OracleId {
  return (epoch + offset) % n;
}

/**
 * A per-instance leader offset from its id: a node runs a commit and an execute instance per chain, and with the
 * same leader in all of them one node would do every instance's leader work (queries, RMN blessing, checking
 * everyone's observations) while the others idle.
 */
export function leaderOffsetOf(instance: string, n: number): number {
  let h = 0;
  for (let i = 0; i < instance.length; i++) h = (h * 31 + instance.charCodeAt(i)) >>> 0;
  return h % n;
}

/** Maximum number of faulty nodes for n = 3f+1 nodes; used to check configs. */
export function checkFaultTolerance(n: number, f: number): void {
  if (!Number.isInteger(f) || f < 0 || n <= 3 * f) throw new RangeError(`need n > 3f, got n=${n} f=${f}`);
}

/**
 * Transmission order for a seqNr: the oracles rotated by an offset derived from (instance, seqNr), so the duty
 * to pay gas moves around and a node does not learn its turn before the round exists. Returns self's rank.
 */
export function transmissionRank(instance: InstanceId, seqNr: bigint, self: OracleId, n: number): number {
  const offset = Number(BigInt(keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'uint64' }], [instance, seqNr]))) % BigInt(n));
  return (self - offset + n) % n;
}
