import { toHex } from 'viem';
import { buildMessage, sendMessage, waitForExecution, type MessageStatus } from '@openccip/sdk';
import { makeChainClients } from './clients.js';
import type { DevnetFile } from './devnetFile.js';

/**
 * npm start's demo: one message between every ordered pair of devnet chains, to each chain's MessageReceiver,
 * printed as it is sent, committed and executed.
 */
export async function runDemo(file: DevnetFile, out: (line: string) => void): Promise<{ executed: number; total: number }> {
  const t0 = Date.now();
  const at = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
  const short = (h: string) => `${h.slice(0, 10)}…`;
  const jobs: Promise<boolean>[] = [];
  let i = 0;
  for (const from of file.chains) {
    for (const to of file.chains) {
      if (from === to) continue;
      // A different funded account per lane: sends on one chain run in parallel without nonce clashes.
      const account = from.accounts[i++ % from.accounts.length]!;
      const src = makeChainClients(from.rpcUrl, from.chainId, account.privateKey, from.name);
      const dst = makeChainClients(to.rpcUrl, to.chainId, account.privateKey, to.name);
      const lane = `${from.name} → ${to.name}`.padEnd(30);
      jobs.push(
        (async () => {
          const sent = await sendMessage(
            { public: src.public, wallet: src.wallet },
            {
              router: from.contracts.router,
              destChainSelector: BigInt(to.chainSelector),
              message: buildMessage({ receiver: to.contracts.messageReceiver, data: toHex(`hello ${to.name}, from ${from.name}`) }),
            },
          );
          out(`${at()} ${lane} ${short(sent.messageId)} sent      seqNr ${sent.message.header.sequenceNumber}, fee ${sent.fee} wei`);
          const final = await waitForExecution(src.public, dst.public, {
            sent: sent.sent,
            destRouter: to.contracts.router,
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
          return final.state === 'executed';
        })().catch((err: unknown) => {
          out(`${at()} ${lane} failed: ${err instanceof Error ? err.message : String(err)}`);
          return false;
        }),
      );
    }
  }
  const results = await Promise.all(jobs);
  return { executed: results.filter(Boolean).length, total: results.length };
}
