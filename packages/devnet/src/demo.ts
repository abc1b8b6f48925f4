import { erc20Abi, formatUnits, parseUnits, toHex, type Address, type Hex } from 'viem';
import { buildMessage, sendMessage, waitForExecution, type EVMTokenAmount, type MessageStatus } from '@openccip/sdk';
import { makeChainClients } from './clients.js';
import type { DevnetChain, DevnetFile } from './devnetFile.js';

interface DemoTransfer {
  from: DevnetChain;
  to: DevnetChain;
  account: DevnetChain['accounts'][number];
  receiver: Address;
  data: Hex;
  tokens: { symbol: string; amount: string }[];
  gasLimit?: bigint;
  what: string;
}

/**
 * npm start's demo: one message between every ordered pair of devnet chains, to each chain's MessageReceiver,
 * then (when devnet.json lists the test tokens) programmable token transfers (tokens + data to the receiver
 * contract) and a token-only transfer to an EOA; each printed as it is sent, committed and executed, with the
 * token balances before and after.
 */
export async function runDemo(file: DevnetFile, out: (line: string) => void): Promise<{ executed: number; total: number }> {
  const t0 = Date.now();
  const at = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
  const short = (h: string) => `${h.slice(0, 10)}…`;
  const tokenOf = (symbol: string, chain: DevnetChain) => file.tokens?.[symbol]?.[chain.chainSelector];

  const transfers: DemoTransfer[] = [];
  let i = 0;
  for (const from of file.chains) {
    for (const to of file.chains) {
      if (from === to) continue;
      // A different funded account per transfer: sends on one chain run in parallel without nonce clashes.
      const account = from.accounts[i++ % from.accounts.length]!;
      transfers.push({ from, to, account, receiver: to.contracts.messageReceiver, data: toHex(`hello ${to.name}, from ${from.name}`), tokens: [], what: 'message' });
    }
  }
  const [c0, c1] = file.chains as [DevnetChain, DevnetChain];
  const c2 = file.chains[2] ?? c0;
  const spare = (k: number) => c0.accounts[c0.accounts.length - 1 - k] ?? c0.accounts[0]!;
  if (file.tokens?.BnM && file.tokens.LnR) {
    transfers.push(
      { from: c0, to: c1, account: spare(0), receiver: c1.contracts.messageReceiver, data: toHex('tokens and data'), tokens: [{ symbol: 'LnR', amount: '1.5' }], what: 'programmable transfer' },
      { from: c1, to: c0, account: spare(1), receiver: c0.contracts.messageReceiver, data: toHex('tokens and data'), tokens: [{ symbol: 'BnM', amount: '2' }, { symbol: 'LnR', amount: '0.25' }], what: 'programmable transfer' },
      // Token-only to an EOA: no receiver call, so no receiver gas.
      { from: c2 === c0 ? c1 : c2, to: c0, account: spare(2), receiver: spare(3).address, data: '0x', tokens: [{ symbol: 'BnM', amount: '1' }], gasLimit: 0n, what: 'token transfer to an EOA' },
    );
  }

  const balances = async (chain: DevnetChain, who: Address, symbols: string[]) => {
    const c = makeChainClients(chain.rpcUrl, chain.chainId, chain.accounts[0]!.privateKey, chain.name);
    const parts = await Promise.all(
      symbols.map(async (s) => {
        const t = tokenOf(s, chain)!;
        const b = await c.public.readContract({ address: t.address, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
        return `${formatUnits(b, t.decimals)} ${s}`;
      }),
    );
    return parts.join(', ');
  };

  const jobs = transfers.map(async (t) => {
    const src = makeChainClients(t.from.rpcUrl, t.from.chainId, t.account.privateKey, t.from.name);
    const dst = makeChainClients(t.to.rpcUrl, t.to.chainId, t.account.privateKey, t.to.name);
    const lane = `${t.from.name} → ${t.to.name}`.padEnd(30);
    const symbols = t.tokens.map((x) => x.symbol);
    try {
      const tokenAmounts: EVMTokenAmount[] = t.tokens.map((x) => {
        const tok = tokenOf(x.symbol, t.from)!;
        return { token: tok.address, amount: parseUnits(x.amount, tok.decimals) };
      });
      const before = symbols.length ? await balances(t.to, t.receiver, symbols) : '';
      const sent = await sendMessage(
        { public: src.public, wallet: src.wallet },
        {
          router: t.from.contracts.router,
          destChainSelector: BigInt(t.to.chainSelector),
          message: buildMessage({ receiver: t.receiver, data: t.data, tokenAmounts, gasLimit: t.gasLimit }),
        },
      );
      const carried = t.tokens.map((x) => `${x.amount} ${x.symbol}`).join(' + ');
      out(`${at()} ${lane} ${short(sent.messageId)} sent      ${t.what}${carried ? ` of ${carried}` : ''}, seqNr ${sent.message.header.sequenceNumber}, fee ${sent.fee} wei`);
      const final = await waitForExecution(src.public, dst.public, {
        sent: sent.sent,
        destRouter: t.to.contracts.router,
        pollMs: 500,
        timeoutMs: 120_000,
        onProgress: (s: MessageStatus) => {
          if (s.state === 'committed' && s.committed) {
            out(`${at()} ${lane} ${short(sent.messageId)} committed root ${short(s.committed.merkleRoot)} (seqNr ${s.committed.minSeqNr}-${s.committed.maxSeqNr})`);
          }
        },
      });
      const ex = final.executions.at(-1);
      out(`${at()} ${lane} ${short(sent.messageId)} ${final.state.padEnd(9)} ${ex ? `tx ${short(ex.tx)} gas ${ex.gasUsed}` : ''}`);
      if (symbols.length) out(`${at()} ${lane} ${short(sent.messageId)} receiver ${short(t.receiver)} on ${t.to.name}: ${before} → ${await balances(t.to, t.receiver, symbols)}`);
      return final.state === 'executed';
    } catch (err) {
      out(`${at()} ${lane} ${t.what} failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  });
  const results = await Promise.all(jobs);
  return { executed: results.filter(Boolean).length, total: results.length };
}
