import { encodeAbiParameters, size, type Hex } from 'viem';
import {
  encodeExecutionReports,
  getLeafHash,
  getMerkleRoot,
  getMultiProof,
  toAny2EVMMessage,
  type EVM2AnyRampMessage,
  type ExecutionReport,
} from '@openccip/sdk';
import { noopLogger, type Logger } from '../../log.js';
import type { ExecuteOutcome, ExecutePluginDeps, ExecutePluginOptions } from './types.js';

/** Estimated destination gas of one message: fixed overhead, its gas limit, its token pools' gas, calldata. */
export function estimateMessageGas(m: EVM2AnyRampMessage, opts: ExecutePluginOptions): number {
  const exec = toAny2EVMMessage(m);
  const tokenGas = exec.tokenAmounts.reduce((sum, t) => sum + t.destGasAmount, 0);
  return opts.perMessageOverheadGas + Number(exec.gasLimit) + tokenGas + 16 * size(m.data);
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
): Promise<{ report: Hex; count: number } | undefined> {
  const onRampOf = new Map(deps.sources.map((s) => [s.chainSelector, encodeAbiParameters([{ type: 'address' }], [s.onRamp])]));
  const sources = [...new Set(outcome.roots.map((r) => r.chainSelector))];
  if (sources.length === 0) return undefined;
  const start = Number(seqNr % BigInt(sources.length));
  const order = [...sources.slice(start), ...sources.slice(0, start)];

  const reports: ExecutionReport[] = [];
  let gas = 0;
  let count = 0;
  outer: for (const source of order) {
    const onRamp = onRampOf.get(source);
    if (!onRamp) continue;
    for (const root of outcome.roots.filter((r) => r.chainSelector === source)) {
      const messages = await deps.readMessages(source, root.minSeqNr, root.maxSeqNr);
      if (!messages || messages.length !== Number(root.maxSeqNr - root.minSeqNr + 1n)) continue;
      const leaves = messages.map((m) => getLeafHash(toAny2EVMMessage(m), onRamp));
      if (getMerkleRoot(leaves) !== root.merkleRoot) {
        log.error('execute: stored messages do not match the committed root', {
          source: source.toString(),
          dest: deps.destChainSelector.toString(),
          minSeqNr: root.minSeqNr.toString(),
          maxSeqNr: root.maxSeqNr.toString(),
          root: root.merkleRoot,
        });
        continue;
      }
      const picked: number[] = [];
      for (const s of root.pending) {
        const i = Number(s - root.minSeqNr);
        const cost = estimateMessageGas(messages[i]!, opts);
        if (count >= opts.maxMessagesPerReport || (gas + cost > opts.gasBudget && count > 0)) break;
        picked.push(i);
        gas += cost;
        count++;
      }
      if (picked.length > 0) {
        const { proofs, proofFlagBits } = getMultiProof(leaves, picked);
        const execMsgs = picked.map((i) => toAny2EVMMessage(messages[i]!));
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
  return { report: encodeExecutionReports(reports), count };
}
