import { encodeFunctionData, size, toHex, type Address, type Hex } from 'viem';
import { decodeExecutionReports, offRampAbi, reportContext } from '@openccip/sdk';
import type { TxManager } from '../chain/txManager.js';
import type { AttestedReport, ContractTransmitter } from '../consensus/types.js';

export type PluginKind = 'commit' | 'execute';

/** Sends attested reports to the destination OffRamp through the node's transaction manager for that chain. */
export function createOffRampTransmitter(kind: PluginKind, offRamp: Address, txs: TxManager, chainSelector: bigint): ContractTransmitter {
  return {
    async transmit(r: AttestedReport) {
      const ctx = reportContext(r.configDigest, r.seqNr);
      const data =
        kind === 'commit'
          ? encodeFunctionData({
              abi: offRampAbi,
              functionName: 'commit',
              args: [
                ctx,
                r.report.report,
                r.signatures.map((s) => s.r),
                r.signatures.map((s) => s.s),
                toHex(Uint8Array.from({ length: 32 }, (_, i) => r.signatures[i]?.yParity ?? 0)),
              ],
            })
          : encodeFunctionData({ abi: offRampAbi, functionName: 'execute', args: [ctx, r.report.report] });
      const minGas = kind === 'execute' ? executeGasFloor(r.report.report) : undefined;
      const res = await txs.send({ to: offRamp, data, purpose: `${kind}:${r.seqNr}`, minGas });
      if (res.reverted) {
        throw new Error(`${kind} report seqNr ${r.seqNr} reverted on chain ${chainSelector} (tx ${res.hash})`);
      }
    },
  };
}


/**
 * Gas an OffRamp.execute transaction needs when every message in it runs. estimateGas cannot promise this: it
 * simulates the current state, where an ordered message whose predecessor is still in flight is skipped and costs
 * little, while by inclusion the predecessor has landed, the message runs, and the OffRamp reverts the whole
 * transaction (InsufficientGasToCompleteTx) unless its gas limit is still available for the receiver call.
 */
export function executeGasFloor(report: Hex): bigint {
  let gas = 100_000n + 16n * BigInt(size(report));
  for (const r of decodeExecutionReports(report)) {
    for (const m of r.messages) {
      const tokenGas = m.tokenAmounts.reduce((sum, t) => sum + BigInt(t.destGasAmount), 0n);
      // OffRamp → executeSingleMessage → Router → receiver: each call keeps back 1/64 of the gas (EIP-150).
      gas += ((m.gasLimit + tokenGas) * 64n * 64n) / (63n * 63n) + 60_000n;
    }
  }
  return gas;
}
