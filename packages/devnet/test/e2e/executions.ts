import { createPublicClient, http, type Hex, type PublicClient } from 'viem';
import { messageReceiverAbi, MessageExecutionState, nonceManagerAbi, offRampAbi } from '@openccip/sdk';
import type { DevnetChain, DevnetFile } from '../../src/index.js';
import { abiAddress, type Sent } from './traffic.js';

/** One ExecutionStateChanged event on a destination OffRamp. */
export interface Execution {
  dest: string;
  source: bigint;
  seqNr: bigint;
  messageId: Hex;
  state: number;
  tx: Hex;
  /** where on the destination: orders executions */
  block: bigint;
  logIndex: number;
}

const clients = new Map<string, PublicClient>();
const reader = (c: DevnetChain): PublicClient => {
  let p = clients.get(c.rpcUrl);
  if (!p) clients.set(c.rpcUrl, (p = createPublicClient({ transport: http(c.rpcUrl, { retryCount: 3 }), cacheTime: 0 })));
  return p;
};

export const laneKey = (source: bigint | string, dest: bigint | string, seqNr: bigint) => `${source}→${dest}#${seqNr}`;
const sentKey = (s: Sent) => laneKey(s.from.chainSelector, s.to.chainSelector, s.message.header.sequenceNumber);

/** Every ExecutionStateChanged on every devnet OffRamp, keyed by (source, dest, seqNr), oldest first. */
export async function readExecutions(file: DevnetFile): Promise<Map<string, Execution[]>> {
  const byKey = new Map<string, Execution[]>();
  for (const dest of file.chains) {
    const logs = await reader(dest).getContractEvents({
      address: dest.contracts.offRamp,
      abi: offRampAbi,
      eventName: 'ExecutionStateChanged',
      fromBlock: 0n,
      toBlock: 'latest',
      strict: true,
    });
    for (const l of logs) {
      const e: Execution = {
        dest: dest.chainSelector,
        source: l.args.sourceChainSelector,
        seqNr: l.args.sequenceNumber,
        messageId: l.args.messageId,
        state: l.args.state,
        tx: l.transactionHash,
        block: l.blockNumber,
        logIndex: l.logIndex,
      };
      const key = laneKey(e.source, dest.chainSelector, e.seqNr);
      byKey.set(key, [...(byKey.get(key) ?? []), e]);
    }
  }
  return byKey;
}

/**
 * Polls the OffRamps until every message in `sent` has a final execution (SUCCESS or FAILURE), then returns all
 * executions. On timeout the error says how many are missing, per lane.
 */
export async function waitForExecutions(file: DevnetFile, sent: readonly Sent[], timeoutMs: number): Promise<Map<string, Execution[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await readExecutions(file);
    const missing = sent.filter((s) => !(all.get(sentKey(s)) ?? []).some((e) => e.state === MessageExecutionState.SUCCESS || e.state === MessageExecutionState.FAILURE));
    if (missing.length === 0) return all;
    if (Date.now() > deadline) {
      const perLane = new Map<string, bigint[]>();
      for (const m of missing) {
        const lane = `${m.from.name} → ${m.to.name}`;
        perLane.set(lane, [...(perLane.get(lane) ?? []), m.message.header.sequenceNumber]);
      }
      const detail = [...perLane].map(([lane, seqs]) => `${lane}: ${seqs.length} (seqNr ${seqs.slice(0, 5).join(', ')}${seqs.length > 5 ? ', …' : ''})`);
      throw new Error(`${missing.length} of ${sent.length} messages not executed after ${timeoutMs} ms: ${detail.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * For each message: exactly one ExecutionStateChanged, SUCCESS, with the message's id. Returns problems as text
 * (empty = all good) so one assertion shows every violation.
 */
export function exactlyOnceProblems(all: Map<string, Execution[]>, sent: readonly Sent[]): string[] {
  const problems: string[] = [];
  for (const s of sent) {
    const ex = all.get(sentKey(s)) ?? [];
    const where = `${s.from.name} → ${s.to.name} seqNr ${s.message.header.sequenceNumber}`;
    if (ex.length !== 1) problems.push(`${where}: ${ex.length} executions (${ex.map((e) => e.state).join(',')})`);
    else if (ex[0]!.state !== MessageExecutionState.SUCCESS) problems.push(`${where}: state ${ex[0]!.state}`);
    else if (ex[0]!.messageId !== s.message.header.messageId) problems.push(`${where}: executed id ${ex[0]!.messageId} ≠ ${s.message.header.messageId}`);
  }
  return problems;
}

/** No OffRamp executed anything that is not among `known` (e.g. a phantom or repeated message). */
export function unexpectedExecutions(all: Map<string, Execution[]>, known: readonly Sent[]): string[] {
  const keys = new Set(known.map(sentKey));
  return [...all.keys()].filter((k) => !keys.has(k));
}

/** The MessageReceived events of a MessageReceiver/ConfigurableReceiver on `dest`, by message id. */
export async function receivedMessages(dest: DevnetChain, receiver = dest.contracts.messageReceiver) {
  const logs = await reader(dest).getContractEvents({
    address: receiver,
    abi: messageReceiverAbi,
    eventName: 'MessageReceived',
    fromBlock: 0n,
    toBlock: 'latest',
    strict: true,
  });
  return new Map(logs.map((l) => [l.args.messageId, { ...l.args, tx: l.transactionHash }]));
}

/** NonceManager.getInboundNonce on `dest` for `sender` on `source`. */
export async function inboundNonce(dest: DevnetChain, source: DevnetChain, sender: `0x${string}`): Promise<bigint> {
  return reader(dest).readContract({
    address: dest.contracts.nonceManager,
    abi: nonceManagerAbi,
    functionName: 'getInboundNonce',
    args: [BigInt(source.chainSelector), abiAddress(sender)],
  });
}

/** NonceManager.getOutboundNonce on `source` towards `dest` for `sender`. */
export async function outboundNonce(source: DevnetChain, dest: DevnetChain, sender: `0x${string}`): Promise<bigint> {
  return reader(source).readContract({
    address: source.contracts.nonceManager,
    abi: nonceManagerAbi,
    functionName: 'getOutboundNonce',
    args: [BigInt(dest.chainSelector), sender],
  });
}

/**
 * Ordered messages (nonce > 0) of one sender on one lane must execute in nonce order. Returns violations as text.
 */
export function nonceOrderProblems(all: Map<string, Execution[]>, sent: readonly Sent[]): string[] {
  const groups = new Map<string, { nonce: bigint; at: [bigint, number] }[]>();
  for (const s of sent) {
    if (s.message.header.nonce === 0n) continue;
    const ex = (all.get(sentKey(s)) ?? []).find((e) => e.state === MessageExecutionState.SUCCESS);
    if (!ex) continue; // reported by exactlyOnceProblems
    const g = `${s.from.name} → ${s.to.name} by ${s.message.sender}`;
    groups.set(g, [...(groups.get(g) ?? []), { nonce: s.message.header.nonce, at: [ex.block, ex.logIndex] }]);
  }
  const problems: string[] = [];
  for (const [g, list] of groups) {
    list.sort((a, b) => (a.at[0] !== b.at[0] ? (a.at[0] < b.at[0] ? -1 : 1) : a.at[1] - b.at[1]));
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.nonce <= list[i - 1]!.nonce) problems.push(`${g}: nonce ${list[i]!.nonce} executed after nonce ${list[i - 1]!.nonce}`);
    }
  }
  return problems;
}
