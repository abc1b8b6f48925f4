import { encodeAbiParameters, type Address, type Hex } from 'viem';
import { buildMessage, getMessagesInTx, routerAbi, type EVM2AnyMessage, type EVM2AnyRampMessage } from '@openccip/sdk';
import { makeChainClients, type DevnetChain, type DevnetFile } from '../../src/index.js';

/** One message to send: from a chain, by one of its funded accounts, to a receiver on another chain. */
export interface Send {
  from: DevnetChain;
  to: DevnetChain;
  /** index into `from.accounts` */
  account: number;
  receiver: Address;
  data: Hex;
  allowOutOfOrderExecution?: boolean;
}

/** A message as the source OnRamp emitted it, with the lane it went over. */
export interface Sent {
  from: DevnetChain;
  to: DevnetChain;
  message: EVM2AnyRampMessage;
  txHash: Hex;
}

export const abiAddress = (a: Address): Hex => encodeAbiParameters([{ type: 'address' }], [a]);

const messageOf = (s: Send): EVM2AnyMessage =>
  buildMessage({
    receiver: s.receiver,
    data: s.data,
    ...(s.allowOutOfOrderExecution ? { allowOutOfOrderExecution: true, gasLimit: 200_000n } : {}),
  });

/**
 * Sends many ccipSend transactions fast: per (chain, account) the transactions go out back to back with explicit
 * nonces (no wait for receipts in between), so a burst lands in a few blocks, the way a busy chain looks to the DON.
 * Resolves with every message read back from its receipt, in send order.
 */
export async function sendBurst(sends: readonly Send[]): Promise<Sent[]> {
  const groups = new Map<string, { idx: number; send: Send }[]>();
  sends.forEach((send, idx) => {
    const key = `${send.from.chainSelector}/${send.account}`;
    groups.set(key, [...(groups.get(key) ?? []), { idx, send }]);
  });
  const out: Sent[] = new Array(sends.length);
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const { from, account } = group[0]!.send;
      const key = from.accounts[account]!.privateKey;
      const c = makeChainClients(from.rpcUrl, from.chainId, key, from.name);
      let nonce = await c.public.getTransactionCount({ address: c.wallet.account.address, blockTag: 'pending' });
      const hashes: { idx: number; send: Send; hash: Hex }[] = [];
      for (const { idx, send } of group) {
        const message = messageOf(send);
        const dest = BigInt(send.to.chainSelector);
        const fee = await c.public.readContract({ address: from.contracts.router, abi: routerAbi, functionName: 'getFee', args: [dest, message] });
        const hash = await c.wallet.writeContract({
          address: from.contracts.router,
          abi: routerAbi,
          functionName: 'ccipSend',
          args: [dest, message],
          value: fee,
          nonce: nonce++,
          gas: 500_000n,
        });
        hashes.push({ idx, send, hash });
      }
      for (const { idx, send, hash } of hashes) {
        const receipt = await c.public.waitForTransactionReceipt({ hash, pollingInterval: 200, timeout: 60_000 });
        if (receipt.status !== 'success') throw new Error(`ccipSend ${from.name} → ${send.to.name} by account ${account} reverted (tx ${hash})`);
        const sent = (await getMessagesInTx(c.public, hash)).find((s) => s.message.header.destChainSelector === BigInt(send.to.chainSelector));
        if (!sent) throw new Error(`no CCIPMessageSent in tx ${hash} (${from.name} → ${send.to.name})`);
        out[idx] = { from, to: send.to, message: sent.message, txHash: hash };
      }
    }),
  );
  return out;
}

/** Every ordered pair of distinct chains. */
export function lanes(file: DevnetFile): [DevnetChain, DevnetChain][] {
  return file.chains.flatMap((from) => file.chains.filter((to) => to !== from).map((to) => [from, to] as [DevnetChain, DevnetChain]));
}
