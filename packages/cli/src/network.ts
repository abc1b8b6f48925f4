import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPublicClient, createWalletClient, defineChain, http, isAddress, isHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { CHAIN_SELECTORS, type ChainWriteClients, type ReadClient } from '@openccip/sdk';
import { readDevnetFile, type DevnetChain, type DevnetFile } from '@openccip/devnet';
import { flag, flagAll, type FlagSpecs, type ParsedArgs } from './args.js';
import { CliError } from './errors.js';
import { readKeystoreV3 } from './keystoreV3.js';

/** Options every command takes to say where the chains are. */
export const networkFlags: FlagSpecs = {
  devnet: { type: 'optional' },
  rpc: { type: 'string', repeatable: true },
  router: { type: 'string', repeatable: true },
  keystore: { type: 'string' },
  'password-file': { type: 'string' },
  help: { type: 'boolean' },
};
export const networkHelp = `Network options:
  --devnet [path]              read chains, contracts and keys from a devnet.json (default ./devnet.json,
                               also used without this option when it exists)
  --rpc <chain>=<url>          JSON-RPC endpoint of a chain (repeatable)
  --router <chain>=<address>   CCIP Router of a chain (repeatable)
  --keystore <file>            sign with an Ethereum (v3) keystore; its password from --password-file <file>
                               or OPENCCIP_KEYSTORE_PASSWORD (--private-key and OPENCCIP_PRIVATE_KEY also work)
Chains are named by devnet name, registry name, chain selector or chain id.`;

export interface CliChain {
  name: string;
  chainId: number;
  selector: bigint;
  rpcUrl?: string;
  router?: Address;
  /** set for chains from devnet.json (fee token, funded accounts) */
  devnet?: DevnetChain;
}

export interface Network {
  /** chains with something configured (devnet or --rpc/--router), in the order given */
  chains: CliChain[];
  devnetPath?: string;
  /** devnet.json's tokens (symbol → chain selector → token, pool, type, decimals) */
  tokens?: NonNullable<DevnetFile['tokens']>;
  /** --private-key or OPENCCIP_PRIVATE_KEY */
  privateKey?: Hex;
}

const registryChains = (): CliChain[] => CHAIN_SELECTORS.map((c) => ({ name: c.name, chainId: c.chainId, selector: c.selector }));

export function loadNetwork(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): Network {
  const net: Network = { chains: [] };
  const devnetFlag = flag(args, 'devnet');
  const devnetPath = devnetFlag !== undefined ? resolve(devnetFlag || 'devnet.json') : existsSync('devnet.json') ? resolve('devnet.json') : undefined;
  if (devnetPath) {
    let file;
    try {
      file = readDevnetFile(devnetPath);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    net.devnetPath = devnetPath;
    net.tokens = file.tokens;
    for (const c of file.chains) {
      net.chains.push({ name: c.name, chainId: c.chainId, selector: BigInt(c.chainSelector), rpcUrl: c.rpcUrl, router: c.contracts.router, devnet: c });
    }
  }
  for (const [key, value] of flagAll(args, 'rpc').map((v) => splitPair('rpc', v))) {
    if (!/^https?:\/\//.test(value)) throw new CliError(`--rpc ${key}=${value}: the URL must start with http:// or https://`);
    configured(net, key).rpcUrl = value;
  }
  for (const [key, value] of flagAll(args, 'router').map((v) => splitPair('router', v))) {
    if (!isAddress(value, { strict: false })) throw new CliError(`--router ${key}=${value}: not an address`);
    configured(net, key).router = value;
  }
  const keystore = flag(args, 'keystore');
  const passwordFile = flag(args, 'password-file');
  const password = passwordFile !== undefined ? readPassword(passwordFile) : env.OPENCCIP_KEYSTORE_PASSWORD;
  const key = flag(args, 'private-key') ?? (keystore !== undefined ? readKeystoreV3(keystore, password) : undefined) ?? (env.OPENCCIP_PRIVATE_KEY || undefined);
  if (key !== undefined) {
    if (!isHex(key) || key.length !== 66) throw new CliError('the private key must be 0x followed by 64 hex digits');
    net.privateKey = key;
  }
  return net;
}

function readPassword(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new CliError(`--password-file ${path}: ${(err as Error).message}`);
  }
}

function splitPair(name: string, value: string): [string, string] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new CliError(`--${name} takes <chain>=<value>, got '${value}'`);
  return [value.slice(0, eq), value.slice(eq + 1)];
}

/** The configured chain for `query`, adding a registry chain to the configured ones on first use. */
function configured(net: Network, query: string): CliChain {
  const chain = resolveChain(net, query);
  if (!net.chains.includes(chain)) net.chains.push(chain);
  return chain;
}

/** Finds a chain by devnet name, registry name, selector or chain id (configured chains first). */
export function resolveChain(net: Network, query: string): CliChain {
  const registry = registryChains().filter((r) => !net.chains.some((c) => c.selector === r.selector));
  for (const pool of [net.chains, registry]) {
    const byName = pool.find((c) => c.name === query);
    if (byName) return byName;
  }
  if (/^\d+$/.test(query)) {
    for (const pool of [net.chains, registry]) {
      const bySelector = pool.find((c) => c.selector === BigInt(query));
      if (bySelector) return bySelector;
    }
    for (const pool of [net.chains, registry]) {
      const byId = pool.filter((c) => c.chainId === Number(query));
      if (byId.length > 1) {
        throw new CliError(`chain id ${query} is ambiguous (${byId.map((c) => c.name).join(', ')}): name the chain or give its selector`);
      }
      if (byId[0]) return byId[0];
    }
  }
  const mine = net.chains.map((c) => `${c.name} (selector ${c.selector}, chain id ${c.chainId})`);
  const others = registry.map((c) => c.name);
  throw new CliError(
    `unknown chain '${query}'; known chains: ${[...mine, ...others].join(', ')}`,
  );
}

/** The chain of a selector, configured or from the registry; undefined when neither knows it. */
export function chainBySelector(net: Network, selector: bigint): CliChain | undefined {
  return net.chains.find((c) => c.selector === selector) ?? registryChains().find((c) => c.selector === selector);
}

export function requireRpc(chain: CliChain): string {
  if (!chain.rpcUrl) throw new CliError(`no RPC for chain ${chain.name}: pass --rpc ${chain.name}=<url> (or --devnet)`);
  return chain.rpcUrl;
}

export function requireRouter(chain: CliChain): Address {
  if (!chain.router) throw new CliError(`no Router for chain ${chain.name}: pass --router ${chain.name}=<address> (or --devnet)`);
  return chain.router;
}

/** The key that signs on `chain`: --private-key / OPENCCIP_PRIVATE_KEY, else the devnet's first funded account. */
export function requireKey(net: Network, chain: CliChain): Hex {
  const key = net.privateKey ?? chain.devnet?.accounts[0]?.privateKey;
  if (!key) throw new CliError(`no key to sign on ${chain.name}: pass --private-key or set OPENCCIP_PRIVATE_KEY`);
  return key;
}

const viemChain = (chain: CliChain, rpcUrl: string) =>
  defineChain({
    id: chain.chainId,
    name: chain.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });

/** A reader for the chain, after checking its RPC answers with the expected chain id. */
export async function readClient(chain: CliChain): Promise<ReadClient> {
  const rpcUrl = requireRpc(chain);
  await probeRpc(chain, rpcUrl);
  return createPublicClient({ chain: viemChain(chain, rpcUrl), transport: http(rpcUrl, { retryCount: 1, timeout: 15_000 }), pollingInterval: 250 });
}

export async function writeClients(chain: CliChain, key: Hex): Promise<ChainWriteClients> {
  const reader = await readClient(chain);
  const rpcUrl = requireRpc(chain);
  // viem's default 4 s polling made every receipt wait (e.g. one per chain in `ccip curse`) take 4 s or more.
  const wallet = createWalletClient({
    chain: viemChain(chain, rpcUrl),
    transport: http(rpcUrl, { retryCount: 1, timeout: 15_000 }),
    account: privateKeyToAccount(key),
    pollingInterval: 250,
  });
  return { public: reader, wallet };
}

const probed = new Map<string, Promise<void>>();

/** eth_chainId with a short timeout: a dead or wrong endpoint becomes one clear line. */
export function probeRpc(chain: CliChain, rpcUrl: string): Promise<void> {
  const key = `${chain.chainId}@${rpcUrl}`;
  let p = probed.get(key);
  if (!p) {
    p = (async () => {
      let id: number;
      try {
        const res = await fetch(rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
          signal: AbortSignal.timeout(5_000),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as { result?: string };
        id = Number(body.result);
      } catch (err) {
        const c = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
        const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
        throw new CliError(`RPC ${rpcUrl} of chain ${chain.name} is not answering (${cause})`);
      }
      if (id !== chain.chainId) throw new CliError(`RPC ${rpcUrl} serves chain id ${id}, but ${chain.name} is chain id ${chain.chainId}`);
    })();
    probed.set(key, p);
  }
  return p;
}
