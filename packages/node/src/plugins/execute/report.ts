import { encodeAbiParameters, size, type Hex } from 'viem';
import {
  type Any2EVMRampMessage,
  encodeExecutionReports,
  getLeafHash,
  getMerkleLayers,
  getMultiProof,
  toAny2EVMMessage,
  type EVM2AnyRampMessage,
  type ExecutionReport,
} from '@openccip/sdk';
import { noopLogger, type Logger } from '../../log.js';
import { InboundLedger, OnceLog } from './limits.js';
import type { ExecuteOutcome, ExecutePluginDeps, ExecutePluginOptions } from './types.js';

/** Estimated destination gas of one message: fixed overhead, its gas limit, its token pools' gas, calldata. */
export function estimateMessageGas(m: EVM2AnyRampMessage, opts: ExecutePluginOptions): number {
  return estimateExecGas(toAny2EVMMessage(m), opts);
}

function estimateExecGas(exec: Any2EVMRampMessage, opts: ExecutePluginOptions): number {
  const tokenGas = exec.tokenAmounts.reduce((sum, t) => sum + t.destGasAmount, 0);
  return opts.perMessageOverheadGas + Number(exec.gasLimit) + tokenGas + 16 * size(exec.data);
}

/** A committed root's messages as the OffRamp sees them, their leaves and merkle tree, checked against the root once. */
interface VerifiedRoot {
  messages: Any2EVMRampMessage[];
  leaves: Hex[];
  /** getMerkleLayers(leaves): every report's multi-proof for this root comes from it without re-hashing the tree. */
  layers: Hex[][];
}

/**
 * Roots already read and verified by this node. A busy root is executed over several rounds (a report takes only
 * what fits the gas budget), and every round would otherwise decode and hash all of its messages again: with
 * 256-message roots that re-hashing was most of a node's CPU under load. Entries are keyed by the committed
 * root and interval, so a hit always holds the same messages; the oldest entries go first.
 */
export class VerifiedRootCache {
  private readonly roots = new Map<string, VerifiedRoot>();
  // A full root holds 256 decoded messages, leaves and tree (~0.5 MB): 8 cover the roots a destination executes
  // at once under load (a report touches the first few) without letting memory grow with the backlog.
  constructor(private readonly maxRoots = 8) {}

  get(key: string): VerifiedRoot | undefined {
    return this.roots.get(key);
  }

  set(key: string, root: VerifiedRoot): void {
    if (this.roots.size >= this.maxRoots) this.roots.delete(this.roots.keys().next().value!);
    this.roots.set(key, root);
  }
}

/**
 * Builds the execute transaction's report for an outcome: per agreed root, the pending messages in order (rotating
 * which source goes first with the round, so no lane starves), proven against the committed root, until the gas
 * budget or message cap is reached. Deterministic for every node holding the same finalized messages; a node that
 * lacks a root's messages, or whose messages do not hash to the committed root, leaves that root out.
 */
export async function buildExecuteReport(
  seqNr: bigint,
  outcome: ExecuteOutcome,
  deps: ExecutePluginDeps,
  opts: ExecutePluginOptions,
  log: Logger = noopLogger,
  cache?: VerifiedRootCache,
  deferrals: OnceLog = new OnceLog(log),
): Promise<{ report: Hex; count: number; seqNrs: { source: bigint; seqNrs: bigint[] }[] } | undefined> {
  const onRampOf = new Map(deps.sources.map((s) => [s.chainSelector, encodeAbiParameters([{ type: 'address' }], [s.onRamp])]));
  const sources = [...new Set(outcome.roots.map((r) => r.chainSelector))];
  if (sources.length === 0) return undefined;
  const start = Number(seqNr % BigInt(sources.length));
  const order = [...sources.slice(start), ...sources.slice(0, start)];

  const reports: ExecutionReport[] = [];
  let gas = 0;
  let count = 0;
  const ledger = new InboundLedger(outcome.limits ?? [], outcome.aggregates ?? []);
  const dest = deps.destChainSelector.toString();
  outer: for (const source of order) {
    const onRamp = onRampOf.get(source);
    if (!onRamp) continue;
    // Senders with a deferred ordered message: their later ordered messages wait too (the OffRamp would skip them).
    const held = new Map<Hex, Hex>();
    for (const root of outcome.roots.filter((r) => r.chainSelector === source)) {
      const key = `${source}:${root.merkleRoot}:${root.minSeqNr}:${root.maxSeqNr}`;
      let verified = cache?.get(key);
      if (!verified) {
        const messages = await deps.readMessages(source, root.minSeqNr, root.maxSeqNr);
        if (!messages || messages.length !== Number(root.maxSeqNr - root.minSeqNr + 1n)) continue;
        const exec = messages.map((m) => toAny2EVMMessage(m));
        const leaves = exec.map((m) => (deps.leafHash ? deps.leafHash(m, onRamp) : getLeafHash(m, onRamp)));
        const layers = getMerkleLayers(leaves);
        if (layers[layers.length - 1]![0] !== root.merkleRoot) {
          log.error('execute: stored messages do not match the committed root', {
            source: source.toString(),
            dest: deps.destChainSelector.toString(),
            minSeqNr: root.minSeqNr.toString(),
            maxSeqNr: root.maxSeqNr.toString(),
            root: root.merkleRoot,
          });
          continue;
        }
        verified = { messages: exec, leaves, layers };
        cache?.set(key, verified);
      }
      const { messages, leaves, layers } = verified;
      const picked: number[] = [];
      for (const s of root.pending) {
        const i = Number(s - root.minSeqNr);
        const m = messages[i]!;
        const ordered = m.header.nonce !== 0n;
        const sender = m.sender.toLowerCase() as Hex;
        const fields = { dest, source: source.toString(), messageId: m.header.messageId, seqNr: s.toString() };
        const blocker = ordered ? held.get(sender) : undefined;
        if (blocker) {
          deferrals.once(m.header.messageId, 'info', 'execute: ordered message waits behind a rate-limited one', { ...fields, behind: blocker });
          continue;
        }
        const decision = ledger.check(m);
        if (decision.kind === 'wait') {
          if (ordered) held.set(sender, m.header.messageId);
          deferrals.once(m.header.messageId, 'info', 'execute: deferred until the inbound rate limit refills', {
            ...fields,
            token: decision.token,
            amount: decision.amount.toString(),
            waitSeconds: Number(decision.waitSeconds),
          });
          continue;
        }
        if (decision.kind === 'never') {
          deferrals.once(m.header.messageId, 'warn', 'execute: token transfer can never pass the inbound rate limit; left to manual execution', {
            ...fields,
            token: decision.token,
            amount: decision.amount.toString(),
            capacity: decision.capacity?.toString(),
            reason: decision.reason,
          });
        }
        const cost = estimateExecGas(m, opts);
        if (count >= opts.maxMessagesPerReport || (gas + cost > opts.gasBudget && count > 0)) break;
        if (decision.kind === 'ok') ledger.consume(source, decision);
        picked.push(i);
        gas += cost;
        count++;
      }
      if (picked.length > 0) {
        const { proofs, proofFlagBits } = getMultiProof(leaves, picked, layers);
        const execMsgs = picked.map((i) => messages[i]!);
        reports.push({
          sourceChainSelector: source,
          messages: execMsgs,
          offchainTokenData: execMsgs.map((m) => m.tokenAmounts.map(() => '0x' as Hex)),
          proofs,
          proofFlagBits,
        });
      }
      if (count >= opts.maxMessagesPerReport || gas >= opts.gasBudget) break outer;
    }
  }
  if (reports.length === 0) return undefined;
  return {
    report: encodeExecutionReports(reports),
    count,
    seqNrs: reports.map((r) => ({ source: r.sourceChainSelector, seqNrs: r.messages.map((m) => m.header.sequenceNumber) })),
  };
}
