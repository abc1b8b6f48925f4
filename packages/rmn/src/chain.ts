import {
  createPublicClient,
  createWalletClient,
  defineChain,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { offRampAbi, rmnRemoteAbi, type RmnRemoteDomain } from '@openccip/sdk';
import { jsonRpcHttp } from '@openccip/sdk/transport';
import type { RmnChainConfig } from './config.js';

/** How long chain config reads (RMN config digest, OCR signers, lane configs) are reused. */
const CONFIG_TTL_MS = 5_000;

/** One chain as the RMN node sees it: RPC clients, its finality rule and short-lived caches of on-chain config. */
export class ChainAccess {
  readonly public: PublicClient<Transport, Chain>;
  readonly wallet: WalletClient<Transport, Chain, Account>;
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();
  private txQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly cfg: RmnChainConfig,
    transactionKey: Hex,
  ) {
    const chain = defineChain({
      id: cfg.chainId,
      name: cfg.name,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [cfg.rpcUrl] } },
    });
    // node:http with keep-alive rather than viem's fetch-based http transport: the same errors, a fraction of the CPU.
    const transport = jsonRpcHttp(cfg.rpcUrl, { retryCount: 2, timeoutMs: 10_000 });
    this.public = createPublicClient({ chain, transport, pollingInterval: 250 });
    this.wallet = createWalletClient({ chain, transport, account: privateKeyToAccount(transactionKey) });
  }

  get selector(): bigint {
    return this.cfg.chainSelector;
  }

  /** The newest block this node treats as final: head − depth, or the node's `finalized` tag. */
  async finalizedBlock(): Promise<{ number: bigint; hash: Hex }> {
    if ('kind' in this.cfg.finality) {
      const b = await this.public.getBlock({ blockTag: 'finalized' });
      return { number: b.number, hash: b.hash };
    }
    const head = await this.public.getBlockNumber({ cacheTime: 0 });
    const n = head > BigInt(this.cfg.finality.depth) ? head - BigInt(this.cfg.finality.depth) : 0n;
    const b = await this.public.getBlock({ blockNumber: n });
    return { number: b.number, hash: b.hash };
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CONFIG_TTL_MS) return hit.value as Promise<T>;
    const value = load();
    this.cache.set(key, { at: Date.now(), value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  /** Runs transaction senders one at a time (curses and heartbeats share the transaction key's nonces). */
  serializeTx<T>(send: () => Promise<T>): Promise<T> {
    const run = this.txQueue.then(send, send);
    this.txQueue = run.catch(() => undefined);
    return run;
  }

  /** Forget cached config (after a curse or config change). */
  invalidate(): void {
    this.cache.clear();
  }

  /** The RMNRemote this chain's RMN signatures are for (config digest read from the chain). */
  domain(): Promise<RmnRemoteDomain> {
    return this.cached('domain', async () => {
      const [, config] = await this.public.readContract({
        address: this.cfg.contracts.rmnRemote,
        abi: rmnRemoteAbi,
        functionName: 'getVersionedConfig',
      });
      return {
        chainId: BigInt(this.cfg.chainId),
        chainSelector: this.cfg.chainSelector,
        rmnRemote: this.cfg.contracts.rmnRemote,
        rmnHomeConfigDigest: config.rmnHomeContractConfigDigest,
      };
    });
  }

  /** The OCR signers of the OffRamp's commit plugin: who may ask for blessings. */
  commitSigners(): Promise<Set<string>> {
    return this.cached('commitSigners', async () => {
      const cfg = await this.public.readContract({
        address: this.cfg.contracts.offRamp,
        abi: offRampAbi,
        functionName: 'latestConfigDetails',
        args: [0],
      });
      return new Set(cfg.signers.map((s: Address) => s.toLowerCase()));
    });
  }

  /** The OffRamp's config for `source`: enabled flag and the OnRamp bytes it accepts. */
  sourceConfig(source: bigint): Promise<{ isEnabled: boolean; onRamp: Hex }> {
    return this.cached(`source:${source}`, async () => {
      const c = await this.public.readContract({
        address: this.cfg.contracts.offRamp,
        abi: offRampAbi,
        functionName: 'getSourceChainConfig',
        args: [source],
      });
      return { isEnabled: c.isEnabled, onRamp: c.onRamp };
    });
  }

  /** Whether exactly `subject` is in RMNRemote's cursed list (a global curse or a missed heartbeat does not count). */
  async hasCursedSubject(subject: Hex): Promise<boolean> {
    const subjects = await this.public.readContract({ address: this.cfg.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'getCursedSubjects' });
    return subjects.some((s: Hex) => s.toLowerCase() === subject.toLowerCase());
  }

  /** Whether `subject` (or the global subject) is cursed on this chain's RMNRemote. */
  async isCursed(subject: Hex): Promise<boolean> {
    return this.public.readContract({
      address: this.cfg.contracts.rmnRemote,
      abi: rmnRemoteAbi,
      functionName: 'isCursed',
      args: [subject],
    });
  }
}
