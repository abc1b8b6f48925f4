import {
  BaseError,
  keccak256,
  NonceTooLowError,
  parseTransaction,
  TransactionReceiptNotFoundError,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Store, StoredTx } from '../store/types.js';
import { describeError, signTransactionWithKey } from '@openccip/sdk';
import { noopLogger, type Logger } from '../log.js';
import { isTransientRpcError, type ChainClient } from './rpc.js';

export interface TxManagerTuning {
  /** Re-sign with higher fees when not included this long after the last broadcast (default 20,000 ms). */
  bumpAfterMs?: number;
  /** ...or after this many new blocks (default: time only). */
  bumpAfterBlocks?: number;
  /** Fee increase per bump, percent (default 20; nodes require >= 10 to accept a replacement). */
  bumpPercent?: number;
  /** Hard cap on maxFeePerGas, in wei (default 1,000 gwei). */
  maxFeePerGas?: bigint;
  /** Receipt polling interval (default 1,000 ms). */
  pollIntervalMs?: number;
  /** Margin on estimated gas, percent (default 120). */
  gasEstimatePercent?: number;
}

export interface TxManagerOptions {
  client: ChainClient;
  /** The transmitter's private key. One manager per account and chain: it owns the account's nonces. */
  account: Hex;
  chainSelector: bigint;
  store: Pick<Store, 'txs'>;
  logger?: Logger;
  opts?: TxManagerTuning;
}

export interface SendRequest {
  to: Address;
  data: Hex;
  value?: bigint;
  /** Gas limit; estimated (+ margin) when absent, and an estimation revert then rejects without using a nonce. */
  gas?: bigint;
  /**
   * Floor on the estimated gas limit: an estimate simulates today's state, which may be cheaper than the state at
   * inclusion (e.g. an OffRamp execute whose ordered message would be skipped now but runs by then).
   */
  minGas?: bigint;
  /** What the tx carries, for logs, errors and the store (e.g. `commit:<seqNr>`). */
  purpose: string;
}

export interface SendResult {
  /** The hash that was included (the last bump, or an earlier one that won the race). */
  hash: Hex;
  nonce: number;
  receipt: TransactionReceipt;
  /** status 0: included but reverted. Not retried. */
  reverted: boolean;
}

export interface ResumedTx {
  nonce: number;
  purpose: string;
  /** Settles like a `send`: with the receipt, or with an error naming chain + purpose. */
  done: Promise<SendResult>;
}

export interface TxManager {
  readonly address: Address;
  send(req: SendRequest): Promise<SendResult>;
  /** After a restart: confirms stored pending txs that landed, re-broadcasts (and keeps bumping) the rest. */
  resume(): Promise<ResumedTx[]>;
  /** Stops waiting (pending sends reject); stored txs stay pending for the next `resume`. */
  close(): Promise<void>;
}

interface Attempt {
  hash: Hex;
  raw: Hex;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  sentAt: number;
  sentBlock: bigint;
}

/** One nonce in flight and every signed version of it. */
interface Tracked {
  nonce: number;
  purpose: string;
  to: Address;
  data: Hex;
  value: bigint;
  gas: bigint;
  attempts: Attempt[];
}

const GWEI = 1_000_000_000n;

/**
 * Signs, persists, broadcasts and sees through the transactions of one account on one chain: own nonces,
 * EIP-1559 fees, fee bumps, restart recovery. Nonce allocation + signing + broadcast are serialized (a queue),
 * waiting for inclusion is concurrent.
 */
export function createTxManager(options: TxManagerOptions): TxManager {
  const { client, chainSelector, store } = options;
  const logger = options.logger ?? noopLogger;
  const account = privateKeyToAccount(options.account);
  const address = account.address;
  const t = {
    bumpAfterMs: options.opts?.bumpAfterMs ?? 20_000,
    bumpAfterBlocks: options.opts?.bumpAfterBlocks,
    bumpPercent: BigInt(options.opts?.bumpPercent ?? 20),
    maxFeePerGas: options.opts?.maxFeePerGas ?? 1_000n * GWEI,
    pollIntervalMs: options.opts?.pollIntervalMs ?? 1_000,
    gasEstimatePercent: BigInt(options.opts?.gasEstimatePercent ?? 120),
  };
  const chainName = client.chain.name;
  const where = (purpose: string) => `tx ${purpose} on chain ${chainName} (selector ${chainSelector})`;
  const ctx = (purpose: string, extra: Record<string, unknown> = {}) => ({
    chain: chainName,
    chainSelector: chainSelector.toString(),
    from: address,
    purpose,
    ...extra,
  });

  let queue: Promise<unknown> = Promise.resolve();
  /** Serializes nonce-touching work; a failed job does not block the next one. */
  function serial<T>(job: () => Promise<T>): Promise<T> {
    const p = queue.then(job, job);
    queue = p.catch(() => {});
    return p;
  }

  let nextNonce: number | undefined;
  let closed = false;
  const waiting = new Set<Promise<unknown>>();

  async function allocateNonce(): Promise<number> {
    const [onChain, recorded] = await Promise.all([
      client.getTransactionCount({ address, blockTag: 'pending' }),
      store.txs.nextNonce(chainSelector, address),
    ]);
    const n = Math.max(onChain, recorded ?? 0, nextNonce ?? 0);
    nextNonce = n + 1;
    return n;
  }

  async function marketFees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const [block, tip] = await Promise.all([client.getBlock({ blockTag: 'latest' }), client.estimateMaxPriorityFeePerGas()]);
    const base = block.baseFeePerGas ?? 0n;
    return capped(base * 2n + tip, tip);
  }

  function capped(maxFeePerGas: bigint, maxPriorityFeePerGas: bigint) {
    const maxFee = maxFeePerGas > t.maxFeePerGas ? t.maxFeePerGas : maxFeePerGas;
    return { maxFeePerGas: maxFee, maxPriorityFeePerGas: maxPriorityFeePerGas > maxFee ? maxFee : maxPriorityFeePerGas };
  }

  /** Signs and records a version of `tr` (the raw tx is on disk before anything is broadcast). */
  async function signAndPersist(tr: Tracked, fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }): Promise<Attempt> {
    const raw = signTransactionWithKey(
      { type: 'eip1559', chainId: client.chain.id, nonce: tr.nonce, to: tr.to, data: tr.data, value: tr.value, gas: tr.gas, ...fees },
      options.account,
    );
    const hash = keccak256(raw);
    const stored: StoredTx = {
      chainSelector,
      from: address,
      nonce: tr.nonce,
      hash,
      raw,
      ...fees,
      purpose: tr.purpose,
      state: 'pending',
      createdAt: Date.now(),
    };
    await store.txs.insert(stored);
    return { hash, raw, ...fees, sentAt: 0, sentBlock: 0n };
  }

  type BroadcastOutcome = 'sent' | 'transient' | 'nonce-used' | 'rejected';
  async function broadcast(tr: Tracked, a: Attempt): Promise<{ outcome: BroadcastOutcome; error?: unknown }> {
    a.sentAt = Date.now();
    try {
      a.sentBlock = await client.getBlockNumber({ cacheTime: 0 });
      await client.sendRawTransaction({ serializedTransaction: a.raw });
      logger.info(`sent ${where(tr.purpose)}`, ctx(tr.purpose, { nonce: tr.nonce, hash: a.hash, maxFeePerGas: a.maxFeePerGas.toString() }));
      return { outcome: 'sent' };
    } catch (error) {
      const text = describeError(error);
      if (/already known|already imported|known transaction/i.test(text)) return { outcome: 'sent' };
      if (isNonceTooLow(error)) return { outcome: 'nonce-used', error };
      if (isTransientRpcError(error)) {
        logger.warn(`broadcast of ${where(tr.purpose)} failed for now; will retry`, ctx(tr.purpose, { nonce: tr.nonce, hash: a.hash, error: text }));
        return { outcome: 'transient', error };
      }
      return { outcome: 'rejected', error };
    }
  }

  async function receiptOf(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await client.getTransactionReceipt({ hash });
    } catch (err) {
      if (err instanceof TransactionReceiptNotFoundError) return undefined;
      throw err;
    }
  }

  async function settle(tr: Tracked, receipt: TransactionReceipt): Promise<SendResult> {
    const reverted = receipt.status !== 'success';
    await store.txs.setState(receipt.transactionHash, reverted ? 'failed' : 'confirmed');
    for (const a of tr.attempts) if (a.hash !== receipt.transactionHash) await store.txs.setState(a.hash, 'replaced');
    const fields = ctx(tr.purpose, { nonce: tr.nonce, hash: receipt.transactionHash, block: receipt.blockNumber.toString(), gasUsed: receipt.gasUsed.toString() });
    if (reverted) logger.warn(`${where(tr.purpose)} reverted`, fields);
    else logger.info(`${where(tr.purpose)} included`, fields);
    return { hash: receipt.transactionHash, nonce: tr.nonce, receipt, reverted };
  }

  async function bump(tr: Tracked): Promise<void> {
    const last = tr.attempts[tr.attempts.length - 1]!;
    const market = await marketFees();
    const up = (v: bigint) => (v * (100n + t.bumpPercent) + 99n) / 100n;
    const fees = capped(max(up(last.maxFeePerGas), market.maxFeePerGas), max(up(last.maxPriorityFeePerGas), market.maxPriorityFeePerGas));
    if (fees.maxFeePerGas <= last.maxFeePerGas) {
      logger.warn(`${where(tr.purpose)} not included and at the fee cap; re-broadcasting`, ctx(tr.purpose, { nonce: tr.nonce, maxFeePerGas: last.maxFeePerGas.toString() }));
      await broadcast(tr, last);
      return;
    }
    const next = await signAndPersist(tr, fees);
    const { outcome, error } = await broadcast(tr, next);
    if (outcome === 'sent' || outcome === 'transient') {
      for (const a of tr.attempts) await store.txs.setState(a.hash, 'replaced');
      tr.attempts.push(next);
      logger.info(`bumped ${where(tr.purpose)}`, ctx(tr.purpose, { nonce: tr.nonce, replaced: last.hash, hash: next.hash, maxFeePerGas: fees.maxFeePerGas.toString() }));
    } else {
      // The replacement was refused (or the nonce is taken, which the wait loop resolves): keep the old one.
      await store.txs.setState(next.hash, 'failed');
      last.sentAt = Date.now();
      logger.warn(`bump of ${where(tr.purpose)} refused`, ctx(tr.purpose, { nonce: tr.nonce, error: describeError(error) }));
    }
  }

  /** Polls until one version of `tr` is included; bumps fees meanwhile. */
  async function waitForInclusion(tr: Tracked): Promise<SendResult> {
    let nonceUsedStrikes = 0;
    for (;;) {
      if (closed) throw new Error(`${where(tr.purpose)}: tx manager closed while waiting (nonce ${tr.nonce}, stays pending in the store)`);
      try {
        // Any version may win the race, so check them all (newest first: the likeliest).
        for (const a of [...tr.attempts].reverse()) {
          const receipt = await receiptOf(a.hash);
          if (receipt) return await settle(tr, receipt);
        }
        const confirmedNonce = await client.getTransactionCount({ address, blockTag: 'latest' });
        if (confirmedNonce > tr.nonce) {
          // The nonce is used but none of our versions has a receipt: a receipt lagging behind, or someone else.
          if (++nonceUsedStrikes >= 3) {
            for (const a of tr.attempts) await store.txs.setState(a.hash, 'replaced');
            throw new Error(`${where(tr.purpose)}: nonce ${tr.nonce} was used by another transaction; not included`);
          }
        } else {
          const last = tr.attempts[tr.attempts.length - 1]!;
          const byTime = Date.now() - last.sentAt >= t.bumpAfterMs;
          const byBlocks =
            t.bumpAfterBlocks !== undefined && (await client.getBlockNumber({ cacheTime: 0 })) - last.sentBlock >= BigInt(t.bumpAfterBlocks);
          if (byTime || byBlocks) await bump(tr);
        }
      } catch (err) {
        if (!isTransientRpcError(err)) throw err;
        logger.warn(`RPC trouble while waiting for ${where(tr.purpose)}`, ctx(tr.purpose, { nonce: tr.nonce, error: describeError(err) }));
      }
      await new Promise((r) => setTimeout(r, t.pollIntervalMs));
    }
  }

  function track(p: Promise<SendResult>): Promise<SendResult> {
    waiting.add(p);
    const forget = () => void waiting.delete(p);
    p.then(forget, forget);
    return p;
  }

  async function submit(req: SendRequest, gas: bigint): Promise<Tracked> {
    for (let tries = 0; ; tries++) {
      if (closed) throw new Error(`${where(req.purpose)}: tx manager closed`);
      const nonce = await allocateNonce();
      const tr: Tracked = { nonce, purpose: req.purpose, to: req.to, data: req.data, value: req.value ?? 0n, gas, attempts: [] };
      const a = await signAndPersist(tr, await marketFees());
      tr.attempts.push(a);
      const { outcome, error } = await broadcast(tr, a);
      if (outcome === 'sent' || outcome === 'transient') return tr; // transient: the wait loop re-broadcasts when it bumps
      await store.txs.setState(a.hash, 'failed');
      if (outcome === 'nonce-used' && tries < 3) {
        nextNonce = undefined; // something else used it: ask the chain again
        logger.warn(`nonce ${nonce} already used; re-allocating`, ctx(req.purpose, { nonce }));
        continue;
      }
      if (nextNonce === nonce + 1) nextNonce = nonce; // nothing else was allocated meanwhile (serialized): free it
      throw new Error(`${where(req.purpose)} was rejected: ${describeError(error)}`, { cause: error });
    }
  }

  async function estimate(req: SendRequest): Promise<bigint> {
    try {
      const est = await client.estimateGas({ account: address, to: req.to, data: req.data, value: req.value });
      const gas = (est * t.gasEstimatePercent) / 100n;
      return req.minGas !== undefined && req.minGas > gas ? req.minGas : gas;
    } catch (err) {
      throw new Error(`${where(req.purpose)}: gas estimation failed: ${describeError(err)}`, { cause: err });
    }
  }

  return {
    address,

    async send(req) {
      // Estimation runs concurrently with other sends, but the nonce is taken in call order (FIFO queue).
      const gas = req.gas !== undefined ? Promise.resolve(req.gas) : estimate(req);
      gas.catch(() => {}); // rejection is observed inside the queued job
      const tr = await serial(async () => submit(req, await gas));
      return track(waitForInclusion(tr));
    },

    resume() {
      return serial(async () => {
        const pending = await store.txs.pending(chainSelector, address);
        const byNonce = new Map<number, StoredTx[]>();
        for (const tx of pending) byNonce.set(tx.nonce, [...(byNonce.get(tx.nonce) ?? []), tx]);
        const resumed: ResumedTx[] = [];
        for (const [nonce, versions] of [...byNonce].sort((x, y) => x[0] - y[0])) {
          versions.sort((x, y) => (x.maxFeePerGas === y.maxFeePerGas ? x.createdAt - y.createdAt : x.maxFeePerGas < y.maxFeePerGas ? -1 : 1));
          const newest = versions[versions.length - 1]!;
          const parsed = parseTransaction(newest.raw);
          const tr: Tracked = {
            nonce,
            purpose: newest.purpose,
            to: parsed.to!,
            data: parsed.data ?? '0x',
            value: parsed.value ?? 0n,
            gas: parsed.gas!,
            attempts: versions.map((v) => ({
              hash: v.hash,
              raw: v.raw,
              maxFeePerGas: v.maxFeePerGas,
              maxPriorityFeePerGas: v.maxPriorityFeePerGas,
              sentAt: Date.now(),
              sentBlock: 0n,
            })),
          };
          nextNonce = Math.max(nextNonce ?? 0, nonce + 1);
          let landed: TransactionReceipt | undefined;
          for (const a of tr.attempts) landed ??= await receiptOf(a.hash);
          let done: Promise<SendResult>;
          if (landed) {
            done = settle(tr, landed);
          } else {
            logger.info(`re-broadcasting ${where(tr.purpose)} after restart`, ctx(tr.purpose, { nonce, hash: newest.hash }));
            await broadcast(tr, tr.attempts[tr.attempts.length - 1]!);
            done = track(waitForInclusion(tr));
          }
          // Callers may ignore `done`; failures are logged here rather than left unhandled.
          done.catch((err) => logger.error(`resumed ${where(tr.purpose)} failed`, ctx(tr.purpose, { nonce, error: describeError(err) })));
          resumed.push({ nonce, purpose: tr.purpose, done });
        }
        return resumed;
      });
    },

    async close() {
      closed = true;
      await queue; // a broadcast in progress finishes first
      await Promise.allSettled([...waiting]);
    },
  };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function isNonceTooLow(err: unknown): boolean {
  if (err instanceof BaseError && err.walk((e) => e instanceof NonceTooLowError)) return true;
  return /nonce too low|nonce has already been used|invalid nonce/i.test(describeError(err));
}
