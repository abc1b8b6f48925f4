import { numberToHex, toEventSelector, type Address, type Hex, type RpcLog } from 'viem';
import { AbiHexReader, decodeEVM2AnyRampMessage, offRampAbi, onRampAbi, type EVM2AnyRampMessage, type MerkleRoot } from '@openccip/sdk';
import type { ChainAccess } from './chain.js';

/**
 * The OnRamp/OffRamp events the RMN node reads on every poll, fetched with a raw eth_getLogs and parsed by hand:
 * viem's getContractEvents runs its generic ABI decoder on every log (a few % of an RMN node's CPU under load).
 * Each parser reads only the fields its caller uses and throws on a log that does not have the event's layout.
 */

const selectorOf = (abi: readonly { type: string; name?: string }[], name: string): Hex =>
  toEventSelector(abi.find((x) => x.type === 'event' && x.name === name) as Parameters<typeof toEventSelector>[0]);

export const CCIP_MESSAGE_SENT = selectorOf(onRampAbi, 'CCIPMessageSent');
export const COMMIT_REPORT_ACCEPTED = selectorOf(offRampAbi, 'CommitReportAccepted');
export const EXECUTION_STATE_CHANGED = selectorOf(offRampAbi, 'ExecutionStateChanged');

/** An eth_getLogs topic filter: per position one topic, any of several, or any at all (null). */
export type TopicFilter = (Hex | Hex[] | null)[];

/** A uint64/uint256 as an indexed-topic value. */
export const uintTopic = (value: bigint): Hex => `0x${value.toString(16).padStart(64, '0')}`;

/** The logs of `address` in [fromBlock, toBlock] matching `topics`, as the node returns them (hex quantities). */
export async function getRawLogs(chain: ChainAccess, address: Address, topics: TopicFilter, fromBlock: bigint, toBlock: bigint): Promise<RpcLog[]> {
  const logs = await chain.public.request({
    method: 'eth_getLogs',
    params: [{ address, topics, fromBlock: numberToHex(fromBlock), toBlock: numberToHex(toBlock) }],
  });
  return logs as unknown as RpcLog[];
}

/** Indexed topic `i` (after the selector) as a whole-word uint, as viem decodes an indexed uint64. */
function topicUint(log: RpcLog, i: number, what: string): bigint {
  const t = log.topics[i];
  if (t === undefined) throw new Error(`${what} log has ${log.topics.length} topics, expected at least ${i + 1}`);
  return new AbiHexReader(t, `${what} topic ${i}`).uint(0);
}

function checkSelector(log: RpcLog, selector: Hex, what: string): void {
  if (log.topics[0]?.toLowerCase() !== selector) throw new Error(`log is not ${what} (topic0 ${log.topics[0]})`);
}

export interface MessageSentLog {
  dest: bigint;
  seqNr: bigint;
  message: EVM2AnyRampMessage;
}

/**
 * CCIPMessageSent(uint64 indexed destChainSelector, uint64 indexed sequenceNumber, EVM2AnyRampMessage message);
 * undefined, without decoding the message, when `wantDest` rejects its destination.
 */
export function parseMessageSent(log: RpcLog, wantDest: (dest: bigint) => boolean = () => true): MessageSentLog | undefined {
  checkSelector(log, CCIP_MESSAGE_SENT, 'CCIPMessageSent');
  const dest = topicUint(log, 1, 'CCIPMessageSent');
  const seqNr = topicUint(log, 2, 'CCIPMessageSent');
  if (!wantDest(dest)) return undefined;
  return { dest, seqNr, message: decodeEVM2AnyRampMessage(log.data) };
}

export interface ExecutionLog {
  source: bigint;
  seqNr: bigint;
  messageHash: Hex;
  state: number;
}

/**
 * ExecutionStateChanged(uint64 indexed sourceChainSelector, uint64 indexed sequenceNumber, bytes32 indexed
 * messageId, bytes32 messageHash, uint8 state, bytes returnData, uint256 gasUsed): the head words it needs, not
 * the receiver's return data.
 */
export function parseExecution(log: RpcLog): ExecutionLog {
  checkSelector(log, EXECUTION_STATE_CHANGED, 'ExecutionStateChanged');
  if (log.topics.length < 4) throw new Error(`ExecutionStateChanged log has ${log.topics.length} topics, expected 4`);
  const r = new AbiHexReader(log.data, 'ExecutionStateChanged data');
  if (r.size < 128) r.fail(`${r.size} bytes, shorter than the event's 4 head words`);
  return { source: topicUint(log, 1, 'ExecutionStateChanged'), seqNr: topicUint(log, 2, 'ExecutionStateChanged'), messageHash: r.bytes32(0), state: r.count(32) };
}

export interface CommitLog {
  blessedMerkleRoots: MerkleRoot[];
  unblessedMerkleRoots: MerkleRoot[];
}

/** The merkle roots array whose offset is head word `slot` (MerkleRoot{uint64, bytes, uint64, uint64, bytes32}). */
function merkleRoots(r: AbiHexReader, slot: number): MerkleRoot[] {
  const { length, slots } = r.array(slot, 0);
  const roots: MerkleRoot[] = [];
  for (let i = 0; i < length; i++) {
    const e = slots + r.count(slots + 32 * i);
    roots.push({
      sourceChainSelector: r.uint(e),
      onRampAddress: r.bytes(e + 32, e),
      minSeqNr: r.uint(e + 64),
      maxSeqNr: r.uint(e + 96),
      merkleRoot: r.bytes32(e + 128),
    });
  }
  return roots;
}

/**
 * CommitReportAccepted(MerkleRoot[] blessedMerkleRoots, MerkleRoot[] unblessedMerkleRoots, PriceUpdates
 * priceUpdates): the two root arrays (price updates are not the RMN's business and are not read).
 */
export function parseCommit(log: RpcLog): CommitLog {
  checkSelector(log, COMMIT_REPORT_ACCEPTED, 'CommitReportAccepted');
  const r = new AbiHexReader(log.data, 'CommitReportAccepted data');
  if (r.size < 96) r.fail(`${r.size} bytes, shorter than the event's 3 head words`);
  return { blessedMerkleRoots: merkleRoots(r, 0), unblessedMerkleRoots: merkleRoots(r, 32) };
}
