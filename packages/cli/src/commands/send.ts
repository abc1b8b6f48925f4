import { formatUnits, isAddress, isHex, toHex, zeroAddress, type Address, type Hex } from 'viem';
import { buildMessage, getFee, sendMessage, type EVMTokenAmount, type ReadClient } from '@openccip/sdk';
import { flag, flagAll, hasFlag, parseArgs, parseBigIntArg } from '../args.js';
import { CliError } from '../errors.js';
import { formatFee, toJson } from '../format.js';
import { loadNetwork, networkFlags, networkHelp, readClient, requireKey, requireRouter, resolveChain, writeClients, type CliChain, type Network } from '../network.js';
import { decimalsOf, parseAmount, tokenOn } from './tokenRef.js';
import { waitAndReport, waitFlags, waitHelp } from './wait.js';

export const sendHelp = `ccip send: send a CCIP message and print its fee, transaction and message id

Usage: ccip send --from <chain> --to <chain> --receiver <address> [--data <text|0xhex>] [options]

  --from <chain>                source chain
  --to <chain>                  destination chain
  --receiver <address>          receiver on the destination
  --data <text|0xhex>           payload: 0x-prefixed hex as is, anything else as UTF-8 text (default empty)
  --gas-limit <n>               receiver gas limit (GenericExtraArgsV2; default: the lane's, 200000)
  --out-of-order                allow out-of-order execution (nonce 0)
  --fee-token native|link|<address>   pay the fee in native (default), the devnet's LINK, or a token
  --token <address|symbol>=<amount>   also transfer tokens (repeatable): a devnet.json symbol (BnM, LnR) or an
                                address; whole tokens in its source-chain decimals (1.5) or smallest units
                                (1500000wei). The Router is approved as needed
  --private-key <0x..>          signing key (default: OPENCCIP_PRIVATE_KEY, else the devnet's first account)
  --wait                        follow the message until it is executed (or fails), printing each stage
  --json                        print JSON
${waitHelp}
${networkHelp}`;

export async function sendCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(
    argv,
    {
      ...networkFlags,
      ...waitFlags,
      from: { type: 'string' },
      to: { type: 'string' },
      receiver: { type: 'string' },
      data: { type: 'string' },
      'gas-limit': { type: 'string' },
      'out-of-order': { type: 'boolean' },
      'fee-token': { type: 'string' },
      token: { type: 'string', repeatable: true },
      'private-key': { type: 'string' },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'send',
  );
  if (hasFlag(args, 'help')) return out(sendHelp), 0;
  if (args.positionals.length) throw new CliError(`unexpected argument '${args.positionals[0]}' (see: ccip send --help)`);
  const need = (name: string) => {
    const v = flag(args, name);
    if (!v) throw new CliError(`ccip send needs --${name} (see: ccip send --help)`);
    return v;
  };
  const net = loadNetwork(args);
  const from = resolveChain(net, need('from'));
  const to = resolveChain(net, need('to'));
  const receiver = need('receiver');
  if (!isAddress(receiver, { strict: false })) throw new CliError(`--receiver ${receiver} is not an address`);

  const tokens = await Promise.all(flagAll(args, 'token').map(async (v) => parseToken(net, from, await readClient(from), v)));
  const message = buildMessage({
    receiver,
    data: parseData(flag(args, 'data') ?? ''),
    tokenAmounts: tokens.map((t) => t.amount),
    feeToken: parseFeeToken(flag(args, 'fee-token') ?? 'native', from.devnet?.feeToken),
    gasLimit: flag(args, 'gas-limit') !== undefined ? parseBigIntArg('gas-limit', flag(args, 'gas-limit')!) : undefined,
    allowOutOfOrderExecution: hasFlag(args, 'out-of-order') ? true : undefined,
  });
  const router = requireRouter(from);
  const clients = await writeClients(from, requireKey(net, from));
  const params = { router, destChainSelector: to.selector, message };
  const fee = await getFee(clients.public, params);
  const feeShown = formatFee(fee, message.feeToken === zeroAddress ? 'native' : message.feeToken);
  const json = hasFlag(args, 'json');
  if (!json) {
    for (const t of tokens) out(`token: ${t.shown}`);
    out(`fee: ${feeShown}`);
  }

  const sent = await sendMessage(clients, { ...params, fee });
  const wait = hasFlag(args, 'wait');
  if (json) {
    // With --wait, one line per JSON object: this one, then a status per stage.
    const result = toJson({ fee: sent.fee, txHash: sent.txHash, messageId: sent.messageId, message: sent.message });
    out(wait ? JSON.stringify(JSON.parse(result)) : result);
  } else {
    out(`tx: ${sent.txHash}`);
    out(`messageId: ${sent.messageId}`);
  }
  if (!wait) return 0;
  return waitAndReport(net, args, {
    source: from,
    sourceClient: clients.public,
    dest: to,
    sent: sent.sent,
    json,
    out,
  });
}

function parseData(v: string): Hex {
  if (v.startsWith('0x')) {
    if (!isHex(v, { strict: true }) || v.length % 2 !== 0) throw new CliError(`--data ${v} is not valid hex (whole bytes)`);
    return v;
  }
  return toHex(v);
}

/** `--token <address|symbol>=<amount>`: the symbol from devnet.json, the amount in the token's decimals unless `wei`. */
async function parseToken(net: Network, from: CliChain, reader: ReadClient, v: string): Promise<{ amount: EVMTokenAmount; shown: string }> {
  const eq = v.lastIndexOf('=');
  if (eq <= 0) throw new CliError(`--token takes <address|symbol>=<amount> (e.g. BnM=1.5 or 0x..=1500000wei), got '${v}'`);
  const ref = v.slice(0, eq);
  const t = tokenOn(net, ref, from);
  const decimals = await decimalsOf(reader, t);
  const amount = parseAmount(`--token ${ref}`, v.slice(eq + 1), decimals);
  if (amount === 0n) throw new CliError(`--token ${v}: the amount must be above 0`);
  const name = isAddress(ref, { strict: false }) ? '' : ` ${ref}`;
  return { amount: { token: t.token, amount }, shown: `${formatUnits(amount, decimals)}${name} (${amount} smallest units of ${t.token})` };
}

function parseFeeToken(v: string, devnetFeeToken: Address | undefined): Address {
  if (v === 'native') return zeroAddress;
  if (v === 'link') {
    if (!devnetFeeToken) throw new CliError('--fee-token link needs a devnet.json (or give the token address)');
    return devnetFeeToken;
  }
  if (!isAddress(v, { strict: false })) throw new CliError(`--fee-token takes native, link or an address, got '${v}'`);
  return v;
}
