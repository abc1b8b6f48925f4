import type { Hex } from 'viem';
import { findSentMessage, getMessagesInTx, MessageNotFoundError, type ReadClient, type SentMessage } from '@openccip/sdk';
import { CliError } from './errors.js';
import { chainBySelector, readClient, type CliChain, type Network } from './network.js';

export interface LocatedMessage {
  sent: SentMessage;
  source: CliChain;
  sourceClient: ReadClient;
  dest: CliChain;
}

/**
 * Finds the message(s) a hash names — a transaction's CCIP messages, or one message id — on `from` or on every
 * chain with an RPC. Chains sharing an RPC are searched once; the message header says which is the source.
 */
export async function locateMessages(net: Network, hash: Hex, opts: { from?: CliChain; messageIdOnly?: boolean }): Promise<LocatedMessage[]> {
  const candidates = opts.from ? [opts.from] : net.chains.filter((c) => c.rpcUrl);
  if (candidates.length === 0) throw new CliError('no chain to search: pass --devnet, or --from <chain> with --rpc <chain>=<url>');
  const searched = new Set<string>();
  for (const chain of candidates) {
    const key = `${chain.chainId}@${chain.rpcUrl}`;
    if (searched.has(key)) continue;
    searched.add(key);
    const client = await readClient(chain);
    // Messages on this RPC; with --from, only those whose source is that chain.
    const mine = (s: SentMessage) => !opts.from || s.message.header.sourceChainSelector === opts.from.selector;
    let found: SentMessage[] = [];
    if (!opts.messageIdOnly) {
      try {
        found = (await getMessagesInTx(client, hash)).filter(mine);
      } catch (err) {
        if (!(err instanceof Error && err.name === 'TransactionReceiptNotFoundError')) throw err;
      }
    }
    if (found.length === 0) {
      try {
        const s = await findSentMessage(client, { messageId: hash });
        if (mine(s)) found = [s];
      } catch (err) {
        if (!(err instanceof MessageNotFoundError)) throw err;
      }
    }
    if (found.length > 0) return found.map((sent) => ({ sent, sourceClient: client, ...lane(net, chain, sent) }));
  }
  const where = candidates.map((c) => c.name).join(', ');
  throw new CliError(
    `message not found: ${hash} is not a CCIP message id${opts.messageIdOnly ? '' : ' nor a transaction that sent CCIP messages'} on ${where}`,
  );
}

function lane(net: Network, searched: CliChain, sent: SentMessage): { source: CliChain; dest: CliChain } {
  const { sourceChainSelector, destChainSelector } = sent.message.header;
  const source = net.chains.find((c) => c.selector === sourceChainSelector) ?? searched;
  const dest = chainBySelector(net, destChainSelector);
  if (!dest) throw new CliError(`message ${sent.message.header.messageId} goes to chain selector ${destChainSelector}, which is not in the registry: pass --rpc ${destChainSelector}=<url> --router ${destChainSelector}=<address>`);
  return { source, dest };
}
