import { formatUnits } from 'viem';
import { addPoolLiquidity, DISABLED_RATE_LIMIT, removePoolLiquidity, setTokenRateLimit, type RateLimiterConfig } from '@openccip/sdk';
import { flag, hasFlag, parseArgs } from '../args.js';
import { CliError } from '../errors.js';
import { toJson } from '../format.js';
import { loadNetwork, networkFlags, networkHelp, requireKey, resolveChain, writeClients } from '../network.js';
import { decimalsOf, parseAmount, poolOf, tokenOn } from './tokenRef.js';

export const rateLimitHelp = `ccip token rate-limit set: set a token pool's rate limit toward/from one remote chain

Usage: ccip token rate-limit set <address|symbol> --chain <chain> --remote <chain> [--outbound|--inbound]
         (--capacity <amount> --rate <amount/s> | --disable)

  --chain <chain>        the pool's chain
  --remote <chain>       the remote chain the limit applies to
  --outbound/--inbound   which bucket (default: both)
  --capacity, --rate     bucket size and refill per second (0 < rate < capacity); whole tokens in the pool's
                         decimals (1.5) or smallest units (1500000wei). A newly enabled bucket starts at its
                         current level and refills at the rate.
  --disable              turn the limit off
  --private-key <0x..>   the pool owner or its rate limit admin
  --json                 print JSON
${networkHelp}`;

export const liquidityHelp = `ccip token liquidity add|remove: move liquidity into or out of a lock/release pool

Usage: ccip token liquidity add|remove <address|symbol> --chain <chain> --amount <amount>

  --amount <amount>      whole tokens (1.5) or smallest units (1500000wei)
  --private-key <0x..>   the pool's rebalancer (add: approves the pool as needed)
  --json                 print JSON
${networkHelp}`;

export async function rateLimitCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === undefined) return out(rateLimitHelp), sub ? 0 : 1;
  if (sub !== 'set') throw new CliError(`unknown rate-limit command '${sub}' (see: ccip token rate-limit --help)`);
  const args = parseArgs(
    rest,
    {
      ...networkFlags,
      chain: { type: 'string' },
      remote: { type: 'string' },
      outbound: { type: 'boolean' },
      inbound: { type: 'boolean' },
      capacity: { type: 'string' },
      rate: { type: 'string' },
      disable: { type: 'boolean' },
      'private-key': { type: 'string' },
      json: { type: 'boolean' },
    },
    'token rate-limit set',
  );
  if (hasFlag(args, 'help')) return out(rateLimitHelp), 0;
  const [ref, extra] = args.positionals;
  if (!ref) throw new CliError('ccip token rate-limit set needs a token address or symbol (see: ccip token rate-limit --help)');
  if (extra) throw new CliError(`unexpected argument '${extra}'`);
  const net = loadNetwork(args);
  const need = (name: string) => {
    const v = flag(args, name);
    if (!v) throw new CliError(`ccip token rate-limit set needs --${name}`);
    return v;
  };
  const chain = resolveChain(net, need('chain'));
  const remote = resolveChain(net, need('remote'));
  const t = tokenOn(net, ref, chain);
  const clients = await writeClients(chain, requireKey(net, chain));
  const pool = await poolOf(clients.public, t);
  if (!pool) throw new CliError(`token ${t.token} has no pool on ${chain.name}`);
  const decimals = await decimalsOf(clients.public, t);

  let config: RateLimiterConfig;
  if (hasFlag(args, 'disable')) {
    if (flag(args, 'capacity') !== undefined || flag(args, 'rate') !== undefined) throw new CliError('--disable takes no --capacity or --rate');
    config = DISABLED_RATE_LIMIT;
  } else {
    const capacity = flag(args, 'capacity');
    const rate = flag(args, 'rate');
    if (capacity === undefined || rate === undefined) throw new CliError('give --capacity and --rate, or --disable');
    config = { isEnabled: true, capacity: parseAmount('--capacity', capacity, decimals), rate: parseAmount('--rate', rate, decimals) };
  }
  const both = !hasFlag(args, 'outbound') && !hasFlag(args, 'inbound');
  const outbound = both || hasFlag(args, 'outbound') ? config : undefined;
  const inbound = both || hasFlag(args, 'inbound') ? config : undefined;
  const txHash = await setTokenRateLimit(clients, { pool, remoteChainSelector: remote.selector, outbound, inbound });
  const dirs = [outbound && 'outbound', inbound && 'inbound'].filter(Boolean).join(' and ');
  const desc = config.isEnabled ? `capacity ${formatUnits(config.capacity, decimals)}, rate ${formatUnits(config.rate, decimals)}/s` : 'disabled';
  if (hasFlag(args, 'json')) out(toJson({ txHash, chain: chain.name, remote: remote.name, pool, outbound, inbound }));
  else out(`${dirs} rate limit of pool ${pool} on ${chain.name} for ${remote.name}: ${desc} (tx ${txHash})`);
  return 0;
}

export async function liquidityCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === undefined) return out(liquidityHelp), sub ? 0 : 1;
  if (sub !== 'add' && sub !== 'remove') throw new CliError(`unknown liquidity command '${sub}': add or remove (see: ccip token liquidity --help)`);
  const args = parseArgs(
    rest,
    { ...networkFlags, chain: { type: 'string' }, amount: { type: 'string' }, 'private-key': { type: 'string' }, json: { type: 'boolean' } },
    `token liquidity ${sub}`,
  );
  if (hasFlag(args, 'help')) return out(liquidityHelp), 0;
  const [ref, extra] = args.positionals;
  if (!ref) throw new CliError(`ccip token liquidity ${sub} needs a token address or symbol`);
  if (extra) throw new CliError(`unexpected argument '${extra}'`);
  const chainName = flag(args, 'chain');
  const amountText = flag(args, 'amount');
  if (!chainName || !amountText) throw new CliError(`ccip token liquidity ${sub} needs --chain and --amount`);
  const net = loadNetwork(args);
  const chain = resolveChain(net, chainName);
  const t = tokenOn(net, ref, chain);
  const clients = await writeClients(chain, requireKey(net, chain));
  const pool = await poolOf(clients.public, t);
  if (!pool) throw new CliError(`token ${t.token} has no pool on ${chain.name}`);
  const decimals = await decimalsOf(clients.public, t);
  const amount = parseAmount('--amount', amountText, decimals);
  const r = sub === 'add' ? await addPoolLiquidity(clients, { pool, amount }) : await removePoolLiquidity(clients, { pool, amount });
  if (hasFlag(args, 'json')) out(toJson({ ...r, chain: chain.name, pool, amount }));
  else out(`${sub === 'add' ? 'added' : 'removed'} ${formatUnits(amount, decimals)} ${sub === 'add' ? 'to' : 'from'} pool ${pool} on ${chain.name}; liquidity now ${formatUnits(r.liquidity, decimals)} (tx ${r.txHash})`);
  return 0;
}
