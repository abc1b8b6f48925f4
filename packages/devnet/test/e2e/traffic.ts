import { encodeAbiParameters, erc20Abi, maxUint256, zeroAddress, type Address, type Hex } from 'viem';
import { buildMessage, getMessagesInTx, routerAbi, type EVM2AnyMessage, type EVM2AnyRampMessage, type EVMTokenAmount } from '@openccip/sdk';
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
  /** tokens to carry (source token, source smallest units); the Router is approved as needed */
  tokenAmounts?: readonly EVMTokenAmount[];
  /** receiver gas limit (0 with empty data: the receiver is not called) */
  gasLimit?: bigint;
  /** default native; a non-native fee token is approved as needed */
  feeToken?: Address;
}

/** A message as the source OnRamp emitted it, with the lane it went over. */
export interface Sent {
  from: DevnetChain;
  to: DevnetChain;
  message: EVM2AnyRampMessage;
  txHash: Hex;
  /** Router.getFee right before the send (what was offered: msg.value for native) */
  fee?: bigint;
}

export const abiAddress = (a: Address): Hex => encodeAbiParameters([{ type: 'address' }], [a]);

const messageOf = (s: Send): EVM2AnyMessage =>
  buildMessage({
    receiver: s.receiver,
    data: s.data,
    tokenAmounts: s.tokenAmounts,
    feeToken: s.feeToken,
    ...(s.allowOutOfOrderExecution ? { allowOutOfOrderExecution: true, gasLimit: 200_000n } : {}),
    ...(s.gasLimit !== undefined ? { gasLimit: s.gasLimit } : {}),
  });

/** What the Router pulls from the sender for a group of sends: tokens (and non-native fee tokens, unknown amount). */
function pulledTokens(group: readonly Send[]): Address[] {
  const tokens = new Set<Address>();
  for (const s of group) {
    for (const t of s.tokenAmounts ?? []) tokens.add(t.token);
    if (s.feeToken && s.feeToken !== zeroAddress) tokens.add(s.feeToken);
  }
  return [...tokens];
}

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
      // Tokens (and fee tokens) the Router pulls: one unlimited approval each, in the same nonce run.
      const approvals: Hex[] = [];
      for (const token of pulledTokens(group.map((g) => g.send))) {
        const allowance = await c.public.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [c.wallet.account.address, from.contracts.router] });
        if (allowance >= maxUint256 / 2n) continue;
        approvals.push(await c.wallet.writeContract({ address: token, abi: erc20Abi, functionName: 'approve', args: [from.contracts.router, maxUint256], nonce: nonce++, gas: 100_000n }));
      }
      for (const hash of approvals) {
        const receipt = await c.public.waitForTransactionReceipt({ hash, pollingInterval: 200, timeout: 60_000 });
        if (receipt.status !== 'success') throw new Error(`approve on ${from.name} by account ${account} reverted (tx ${hash})`);
      }
      const hashes: { idx: number; send: Send; hash: Hex; fee: bigint }[] = [];
      for (const { idx, send } of group) {
        const message = messageOf(send);
        const dest = BigInt(send.to.chainSelector);
        const fee = await c.public.readContract({ address: from.contracts.router, abi: routerAbi, functionName: 'getFee', args: [dest, message] });
        const native = message.feeToken === zeroAddress;
        const hash = await c.wallet.writeContract({
          address: from.contracts.router,
          abi: routerAbi,
          functionName: 'ccipSend',
          args: [dest, message],
          value: native ? fee : 0n,
          nonce: nonce++,
          // Pools and the aggregate limiter add gas per token.
          gas: 500_000n + 250_000n * BigInt(message.tokenAmounts.length),
        });
        hashes.push({ idx, send, hash, fee });
      }
      for (const { idx, send, hash, fee } of hashes) {
        const receipt = await c.public.waitForTransactionReceipt({ hash, pollingInterval: 200, timeout: 60_000 });
        if (receipt.status !== 'success') throw new Error(`ccipSend ${from.name} → ${send.to.name} by account ${account} reverted (tx ${hash})`);
        const sent = (await getMessagesInTx(c.public, hash)).find((s) => s.message.header.destChainSelector === BigInt(send.to.chainSelector));
        if (!sent) throw new Error(`no CCIPMessageSent in tx ${hash} (${from.name} → ${send.to.name})`);
        out[idx] = { from, to: send.to, message: sent.message, txHash: hash, fee };
      }
    }),
  );
  return out;
}

/** Every ordered pair of distinct chains. */
export function lanes(file: DevnetFile): [DevnetChain, DevnetChain][] {
  return file.chains.flatMap((from) => file.chains.filter((to) => to !== from).map((to) => [from, to] as [DevnetChain, DevnetChain]));
}
