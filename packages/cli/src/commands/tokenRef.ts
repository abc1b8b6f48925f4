import { erc20Abi, getAddress, isAddress, parseUnits, type Address } from 'viem';
import { readContract } from 'viem/actions';
import { tokenAdminRegistryAbi, type ReadClient } from '@openccip/sdk';
import type { TokenChain } from '@openccip/devnet';
import { makeChainClients } from '@openccip/devnet';
import type { Hex } from 'viem';
import { CliError } from '../errors.js';
import type { CliChain, Network } from '../network.js';

/** A token on one chain, as a command uses it. */
export interface TokenOnCliChain {
  chain: CliChain;
  token: Address;
  /** known from devnet.json; else looked up in the TokenAdminRegistry when needed */
  pool?: Address;
  decimals?: number;
}

const known = (net: Network) => Object.keys(net.tokens ?? {});

/** The token a `<address|symbol>` names on `chain`: a devnet.json symbol, or an address as is. */
export function tokenOn(net: Network, ref: string, chain: CliChain): TokenOnCliChain {
  if (isAddress(ref, { strict: false })) return { chain, token: getAddress(ref) };
  const bySymbol = net.tokens?.[ref];
  if (!bySymbol) {
    const list = known(net);
    throw new CliError(
      `unknown token '${ref}': give an address or a symbol from devnet.json${list.length ? ` (${list.join(', ')})` : net.devnetPath ? ' (it lists none)' : ' (no devnet.json found: pass --devnet <path>)'}`,
    );
  }
  const entry = bySymbol[chain.selector.toString()];
  if (!entry) throw new CliError(`token ${ref} is not deployed on ${chain.name} (devnet.json lists it on selectors ${Object.keys(bySymbol).join(', ')})`);
  return { chain, token: entry.address, pool: entry.pool, decimals: entry.decimals };
}

/** Every configured chain the token is on: a symbol's devnet.json chains, or for an address every devnet chain. */
export function tokenChains(net: Network, ref: string): TokenOnCliChain[] {
  if (isAddress(ref, { strict: false })) return net.chains.filter((c) => c.devnet).map((c) => tokenOn(net, ref, c));
  tokenOn(net, ref, net.chains[0] ?? ({ selector: 0n } as CliChain)); // unknown symbol → its error
  return net.chains.filter((c) => net.tokens?.[ref]?.[c.selector.toString()]).map((c) => tokenOn(net, ref, c));
}

/** The token's pool: from devnet.json, else TokenAdminRegistry.getPool (undefined when not registered). */
export async function poolOf(client: ReadClient, t: TokenOnCliChain): Promise<Address | undefined> {
  if (t.pool) return t.pool;
  const registry = t.chain.devnet?.contracts.tokenAdminRegistry;
  if (!registry) throw new CliError(`no TokenAdminRegistry known for ${t.chain.name}: use a devnet.json chain`);
  const pool = await readContract(client, { address: registry, abi: tokenAdminRegistryAbi, functionName: 'getPool', args: [t.token] });
  return /^0x0{40}$/.test(pool) ? undefined : pool;
}

export async function decimalsOf(client: ReadClient, t: TokenOnCliChain): Promise<number> {
  if (t.decimals !== undefined) return t.decimals;
  try {
    return await readContract(client, { address: t.token, abi: erc20Abi, functionName: 'decimals' });
  } catch {
    throw new CliError(`token ${t.token} on ${t.chain.name} has no decimals() (is it an ERC20 on this chain?)`);
  }
}

/**
 * An amount as the user writes it: whole units with the token's decimals (`1.5`), or smallest units with the
 * `wei` suffix (`1500000wei`).
 */
export function parseAmount(what: string, text: string, decimals: number): bigint {
  const raw = /^(\d+)wei$/.exec(text);
  if (raw) return BigInt(raw[1]!);
  if (!/^\d+(\.\d+)?$/.test(text)) throw new CliError(`${what}: '${text}' is not an amount (e.g. 1.5, or 1500000wei for smallest units)`);
  const frac = text.split('.')[1] ?? '';
  if (frac.length > decimals) throw new CliError(`${what}: ${text} has more than the token's ${decimals} decimals`);
  return parseUnits(text, decimals);
}

/** A TokenChain (for @openccip/devnet's token deployment) for a devnet.json chain, signing with `key`. */
export function tokenChainOf(chain: CliChain, key: Hex): TokenChain {
  const d = chain.devnet;
  if (!d) throw new CliError(`chain ${chain.name} is not in devnet.json: token deploy needs its CCIP contracts (pass --devnet <path>)`);
  return {
    chainSelector: chain.selector,
    clients: makeChainClients(d.rpcUrl, d.chainId, key, d.name),
    contracts: {
      router: d.contracts.router,
      rmnRemote: d.contracts.rmnRemote,
      tokenAdminRegistry: d.contracts.tokenAdminRegistry,
      registryModuleOwnerCustom: d.contracts.registryModuleOwnerCustom,
      feeQuoter: d.contracts.feeQuoter,
    },
  };
}
