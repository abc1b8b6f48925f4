import { formatEther, type Address } from 'viem';
import { decodeEvmAddress, decodeExtraArgs, decodeRevertData, MessageExecutionState, type MessageExecution, type MessageStatus } from '@openccip/sdk';
import type { CliChain, Network } from './network.js';
import { chainBySelector } from './network.js';

/** JSON with bigints as decimal strings (uint64/uint256 do not fit JSON numbers). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

const STATE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(MessageExecutionState).map(([k, v]) => [v, k]));
export const executionStateName = (s: number): string => STATE_NAMES[s] ?? String(s);

export const chainLabel = (net: Network, selector: bigint): string => {
  const c: CliChain | undefined = chainBySelector(net, selector);
  return c ? `${c.name} (${selector})` : String(selector);
};

export function formatFee(fee: bigint, feeToken: Address | 'native'): string {
  return feeToken === 'native' ? `${formatEther(fee)} native (${fee} wei)` : `${fee} of token ${feeToken}`;
}

/** `sent: ...` — the source stage, for --wait progress. */
export const sentLine = (s: MessageStatus): string => `sent: seqNr ${s.sent.seqNr}, tx ${s.sent.tx} (block ${s.sent.block})`;
/** `committed: ...` (the status must have a commit). */
export const committedLine = (s: MessageStatus): string => `committed: ${describeCommit(s)}`;
/** `executed: ...` / `failed: ...` for one execution. */
export const executionLine = (e: MessageExecution): string =>
  `${e.state === MessageExecutionState.SUCCESS ? 'executed' : 'failed'}: ${describeExecution(e)}`;

function describeExecution(e: MessageExecution): string {
  return `${executionStateName(e.state)}, tx ${e.tx} (block ${e.block}), gas used ${e.gasUsed}${e.returnData !== '0x' ? `, returned ${decodeRevertData(e.returnData)}` : ''}`;
}

function describeCommit(s: MessageStatus): string {
  const c = s.committed!;
  return `root ${c.merkleRoot}, interval ${c.minSeqNr}..${c.maxSeqNr}, ${c.blessed ? 'blessed' : 'unblessed'}, tx ${c.tx} (block ${c.block})`;
}

const receiverOf = (s: MessageStatus): string => {
  try {
    return decodeEvmAddress(s.message.receiver);
  } catch {
    return s.message.receiver;
  }
};

/** The whole lifecycle, for `ccip show`. */
export function formatStatus(net: Network, s: MessageStatus): string {
  const m = s.message;
  const args = decodeExtraArgs(m.extraArgs);
  const lines = [
    `message ${s.messageId}`,
    `  state:      ${s.state}`,
    `  lane:       ${chainLabel(net, s.sent.sourceChainSelector)} → ${chainLabel(net, s.sent.destChainSelector)}`,
    `  seqNr:      ${s.sent.seqNr} (nonce ${m.header.nonce}${m.header.nonce === 0n ? ', out of order' : ''})`,
    `  sender:     ${m.sender}`,
    `  receiver:   ${receiverOf(s)}`,
    `  data:       ${m.data.length > 130 ? `${m.data.slice(0, 130)}… (${(m.data.length - 2) / 2} bytes)` : m.data}`,
    `  gas limit:  ${args.gasLimit}`,
    `  fee:        ${m.feeTokenAmount} of ${m.feeToken}`,
    ...m.tokenAmounts.map((t) => `  token:      ${t.amount} via pool ${t.sourcePoolAddress}`),
    `  onRamp:     ${s.onRamp}`,
    `  offRamp:    ${s.offRamp}`,
    `  sent:       tx ${s.sent.tx} (block ${s.sent.block})`,
    `  committed:  ${s.committed ? describeCommit(s) : 'not yet'}`,
    ...(s.executions.length === 0
      ? ['  executions: none yet']
      : s.executions.map((e) => `  execution:  ${describeExecution(e)}`)),
  ];
  if (s.state === 'failed') lines.push(`  hint:       fix the receiver, then: ccip manual-exec ${s.messageId} [--gas-limit N]`);
  return lines.join('\n');
}
