import { encodeFunctionData, toHex, type Address } from 'viem';
import { offRampAbi, reportContext } from '@openccip/sdk';
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
      const res = await txs.send({ to: offRamp, data, purpose: `${kind}:${r.seqNr}` });
      if (res.reverted) {
        throw new Error(`${kind} report seqNr ${r.seqNr} reverted on chain ${chainSelector} (tx ${res.hash})`);
      }
    },
  };
}

