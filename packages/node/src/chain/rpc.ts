import {
  createPublicClient,
  custom,
  defineChain,
  HttpRequestError,
  LimitExceededRpcError,
  TimeoutError,
  type Chain,
  type EIP1193RequestFn,
  type PublicClient,
  type Transport,
} from 'viem';
import { describeError } from '@openccip/sdk';
import { createJsonRpcHttp } from '@openccip/sdk/transport';
import { noopLogger, type Logger } from '../log.js';

export interface RetryOptions {
  /** Total attempts per request, the first included (default 6). */
  attempts?: number;
  /** Delay before the 2nd attempt; doubles each time (default 250 ms). */
  baseDelayMs?: number;
  /** Upper bound of one delay (default 8,000 ms). */
  maxDelayMs?: number;
}

export interface RpcClientOptions {
  url: string;
  /** Chain name for logs and errors. */
  name: string;
  chainId: number;
  logger?: Logger;
  retry?: RetryOptions;
  /** Per-request HTTP timeout (default 10,000 ms); a timeout is retried. */
  timeoutMs?: number;
  /** How often viem's own waiting helpers poll (default 500 ms). */
  pollingIntervalMs?: number;
  /** Told of every block number a response reveals, so a head tracker learns the chain's head for free. */
  onHead?: HeadObserver;
}

/**
 * `exact`: `blockNumber` is the chain's head (eth_blockNumber, the latest block) as of a request sent at `sentAt`
 * (performance.now()); otherwise only a block known to exist (a receipt's), so the head is at least that.
 */
export type HeadObserver = (blockNumber: bigint, exact: boolean, sentAt: number) => void;

export type ChainClient = PublicClient<Transport, Chain>;

const TRANSIENT_HTTP_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const TRANSIENT_RPC_CODES = new Set([LimitExceededRpcError.code, 429, -32007]);

/**
 * True for failures worth repeating: the endpoint could not be reached, timed out, answered 5xx / 429, or
 * reported a rate limit. Reverts, bad params and other answers the node gave deliberately are not transient.
 */
export function isTransientRpcError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    if (e instanceof TimeoutError) return true;
    if (e instanceof HttpRequestError) return e.status === undefined || TRANSIENT_HTTP_STATUS.has(e.status);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return TRANSIENT_RPC_CODES.has(code);
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): base * 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, retry: Required<RetryOptions>): number {
  return Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

const formatDelay = (ms: number) => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)}s` : `${ms}ms`);

/**
 * A viem public client whose every JSON-RPC request is retried with bounded exponential backoff on transient
 * failures (see isTransientRpcError), logging what it waits for. Other errors reach the caller unchanged, so
 * viem still decodes reverts.
 */
export function createRpcClient(opts: RpcClientOptions): ChainClient {
  const logger = opts.logger ?? noopLogger;
  const retry: Required<RetryOptions> = {
    attempts: Math.max(1, opts.retry?.attempts ?? 6),
    baseDelayMs: opts.retry?.baseDelayMs ?? 250,
    maxDelayMs: opts.retry?.maxDelayMs ?? 8_000,
  };
  // viem's own retries are off: this layer decides, and logs.
  const inner = createJsonRpcHttp(opts.url, { timeoutMs: opts.timeoutMs ?? 10_000 });
  const onHead = opts.onHead;
  const request: EIP1193RequestFn = async (args) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const sentAt = onHead ? performance.now() : 0;
        const result = await inner.request(args);
        if (onHead) observeHead(onHead, args.method, args.params, result, sentAt);
        return result as never;
      } catch (err) {
        if (attempt >= retry.attempts || !isTransientRpcError(err)) {
          if (attempt > 1) {
            logger.error(`RPC ${opts.url} (chain ${opts.name}) gave up after ${attempt} attempts`, {
              chain: opts.name,
              chainId: opts.chainId,
              method: args.method,
              error: describeError(err),
            });
          }
          throw err;
        }
        const delayMs = backoffDelay(attempt, retry);
        logger.warn(`waiting for RPC ${opts.url} (chain ${opts.name}): attempt ${attempt + 1}, retry in ${formatDelay(delayMs)}`, {
          chain: opts.name,
          chainId: opts.chainId,
          method: args.method,
          attempt: attempt + 1,
          delayMs,
          error: describeError(err),
        });
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  };
  const chain = defineChain({
    id: opts.chainId,
    name: opts.name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [opts.url] } },
  });
  return createPublicClient({
    chain,
    transport: custom({ request }, { retryCount: 0, key: 'retrying-http', name: `RPC ${opts.url}` }),
    pollingInterval: opts.pollingIntervalMs ?? 500,
    cacheTime: 0,
  });
}

/** Feeds `onHead` from the answers that carry the chain's head or a block known to exist. */
function observeHead(onHead: HeadObserver, method: string, params: unknown, result: unknown, sentAt: number): void {
  if (method === 'eth_blockNumber') {
    if (typeof result === 'string') onHead(BigInt(result), true, sentAt);
  } else if (method === 'eth_getTransactionReceipt') {
    const n = (result as { blockNumber?: unknown } | null)?.blockNumber;
    if (typeof n === 'string') onHead(BigInt(n), false, sentAt);
  } else if (method === 'eth_getBlockByNumber') {
    const n = (result as { number?: unknown } | null)?.number;
    if (typeof n === 'string') onHead(BigInt(n), Array.isArray(params) && params[0] === 'latest', sentAt);
  }
}
