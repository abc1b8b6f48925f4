import { readFileSync } from 'node:fs';
import { createPublicClient, http, type Hex } from 'viem';
import type { Devnet } from '../../src/index.js';

/** OffRamp.InsufficientGasToCompleteTx(bytes4): the transmitter gave an execute too little gas. */
export const INSUFFICIENT_GAS_TO_COMPLETE_TX = '0x2882569d';

export interface RevertedTransmission {
  node: string;
  purpose: string;
  hash: Hex;
  /** the OffRamp's revert data, from a call trace of the mined transaction */
  revertData: Hex;
}

/**
 * Transmissions the nodes logged as reverted (from `tx ... reverted` lines), with the revert data read back from
 * the chain. Some are expected under races (a report another node landed first); running out of gas is not.
 */
export async function revertedTransmissions(devnet: Devnet): Promise<RevertedTransmission[]> {
  const out: RevertedTransmission[] = [];
  for (const n of devnet.nodes) {
    for (const line of readFileSync(n.logFile, 'utf8').split('\n')) {
      if (!line.includes(' reverted"')) continue;
      let l: { chainSelector?: string; hash?: Hex; purpose?: string };
      try {
        l = JSON.parse(line) as typeof l;
      } catch {
        continue; // a partial last line
      }
      const chain = devnet.file.chains.find((c) => c.chainSelector === l.chainSelector);
      if (!chain || !l.hash) continue;
      const client = createPublicClient({ transport: http(chain.rpcUrl), cacheTime: 0 });
      const trace = (await client.request({ method: 'debug_traceTransaction', params: [l.hash, { tracer: 'callTracer' }] } as never)) as {
        output?: Hex;
      };
      out.push({ node: n.name, purpose: l.purpose ?? '?', hash: l.hash, revertData: trace.output ?? '0x' });
    }
  }
  return out;
}
