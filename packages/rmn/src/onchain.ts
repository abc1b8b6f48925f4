import type { Hex } from 'viem';
import { rmnRemoteAbi, type RmnSignature } from '@openccip/sdk';
import type { ChainAccess } from './chain.js';
import type { CurseChainOps } from './curses.js';
import type { HeartbeatChainOps } from './heartbeat.js';

/** Simulates, sends and waits for an RMNRemote call from the node's transaction key (one at a time per chain). */
async function sendRmnRemote(
  chain: ChainAccess,
  call: { functionName: 'curseWithSignatures'; args: readonly [readonly Hex[], readonly RmnSignature[]] } | { functionName: 'heartbeat'; args: readonly [bigint, readonly RmnSignature[]] },
): Promise<Hex> {
  return chain.serializeTx(async () => {
    // The simulation surfaces the revert reason (AlreadyCursed, StaleHeartbeat, ...) without paying for it.
    const { request } = await chain.public.simulateContract({
      account: chain.wallet.account,
      address: chain.cfg.contracts.rmnRemote,
      abi: rmnRemoteAbi,
      ...call,
    } as Parameters<typeof chain.public.simulateContract>[0]);
    const hash = await chain.wallet.writeContract(request as Parameters<typeof chain.wallet.writeContract>[0]);
    const receipt = await chain.public.waitForTransactionReceipt({ hash, timeout: 60_000 });
    if (receipt.status !== 'success') throw new Error(`${call.functionName} on chain ${chain.selector} reverted (tx ${hash})`);
    return hash;
  });
}

/** Curse votes against RMNRemote: getCurseGeneration and curseWithSignatures. */
export const onchainCurseOps: CurseChainOps = {
  generation: (chain) =>
    chain.public.readContract({ address: chain.cfg.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'getCurseGeneration' }),
  submitCurse: (chain, subjects, signatures) => sendRmnRemote(chain, { functionName: 'curseWithSignatures', args: [subjects, signatures] }),
};

/** Heartbeats against RMNRemote: getHeartbeat and heartbeat. */
export const onchainHeartbeatOps: HeartbeatChainOps = {
  lastHeartbeat: async (chain) => {
    const [last] = await chain.public.readContract({ address: chain.cfg.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'getHeartbeat' });
    return last;
  },
  submit: (chain, timestamp, signatures) => sendRmnRemote(chain, { functionName: 'heartbeat', args: [timestamp, signatures] }),
};
