import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  custom,
  HttpRequestError,
  ResponseBodyTooLargeError,
  RpcRequestError,
  TimeoutError,
  type CustomTransport,
  type CustomTransportConfig,
} from 'viem';

export interface JsonRpcHttpOptions {
  /** Per-request timeout, ms (default 10,000; 0 = none). The request is destroyed and a viem TimeoutError thrown. */
  timeoutMs?: number;
  /** Concurrent sockets to the endpoint (default 4); further requests queue on the keep-alive agent. */
  maxSockets?: number;
  /** Largest response body accepted, bytes (default 10 MiB, like viem's http transport). */
  maxResponseBytes?: number;
  /** Extra request headers. */
  headers?: Readonly<Record<string, string>>;
}

export interface JsonRpcRequest {
  method: string;
  params?: unknown;
}

/** What viem's errors show as the request body. */
type CallBody = { [key: string]: unknown };

/** An EIP-1193 provider over one HTTP(S) JSON-RPC endpoint. */
export interface JsonRpcHttpProvider {
  readonly url: string;
  request(args: JsonRpcRequest, options?: { signal?: AbortSignal }): Promise<unknown>;
  /** Closes the idle keep-alive sockets (in-flight requests finish). */
  close(): void;
}

interface RpcResponse {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

const DEFAULT_MAX_RESPONSE = 10 * 1024 * 1024;

/**
 * JSON-RPC over node:http(s) with a small keep-alive agent: no fetch, web streams or AbortController per request,
 * and the timeout error is built only when a request times out. Failures are viem's own error classes, so viem
 * decodes them exactly as with its http transport: HttpRequestError (with `status` for non-2xx answers, with the
 * socket error as cause when unreachable), TimeoutError, RpcRequestError `{code, message, data}` for JSON-RPC errors
 * (reverts keep their data), ResponseBodyTooLargeError.
 */
export function createJsonRpcHttp(url: string, opts: JsonRpcHttpOptions = {}): JsonRpcHttpProvider {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') throw new Error(`JSON-RPC URL ${url}: expected http: or https:`);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const maxSockets = Math.max(1, opts.maxSockets ?? 4);
  // Idle sockets close after 4 s, before common server idle timeouts (5 s and up), so a reused one is rarely stale.
  const agentOpts = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const, timeout: 4_000 };
  const agent = secure ? new HttpsAgent(agentOpts) : new HttpAgent(agentOpts);
  const send = secure ? httpsRequest : httpRequest;
  // The URL as errors show it: credentials go in a header, never into messages.
  const auth = target.username ? `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}` : undefined;
  target.username = '';
  target.password = '';
  const shownUrl = target.toString();
  const baseHeaders: OutgoingHttpHeaders = { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...opts.headers };
  const reqOpts = {
    protocol: target.protocol,
    hostname: target.hostname.replace(/^\[|\]$/g, ''),
    port: target.port || undefined,
    path: `${target.pathname}${target.search}`,
    method: 'POST',
    agent,
  };
  let nextId = 1;

  /** One POST; `retryStale` re-sends once when a reused keep-alive socket turned out closed by the server. */
  function post(body: string, call: CallBody, signal: AbortSignal | undefined, retryStale: boolean): Promise<RpcResponse> {
    return new Promise<RpcResponse>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err: Error | undefined, value?: RpcResponse) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value!);
      };
      const onAbort = () => {
        finish(signal!.reason instanceof Error ? signal!.reason : new Error('request aborted'));
        req.destroy();
      };
      const req = send({ ...reqOpts, headers: { ...baseHeaders, 'content-length': Buffer.byteLength(body) } }, (res) => {
        readBody(res, maxBytes).then(
          (text) => {
            const status = res.statusCode ?? 0;
            let data: unknown;
            try {
              data = JSON.parse(text);
            } catch (err) {
              // Like viem: an unparsable 2xx body is a transport failure without a status (so, retryable).
              if (status >= 200 && status < 300) return finish(new HttpRequestError({ body: call, cause: err as Error, url: shownUrl }));
              data = { error: text };
            }
            const rpc = data as RpcResponse | null;
            // A JSON-RPC error travels the RPC error path whatever the status (as viem does).
            const rpcError = rpc?.error;
            if (rpcError && typeof rpcError.code === 'number' && typeof rpcError.message === 'string') return finish(undefined, rpc!);
            if (status < 200 || status >= 300) {
              return finish(
                new HttpRequestError({
                  body: call,
                  details: typeof rpcError === 'string' ? rpcError : rpcError ? JSON.stringify(rpcError) : res.statusMessage,
                  headers: toHeaders(res),
                  status,
                  url: shownUrl,
                }),
              );
            }
            if (rpc === null || typeof rpc !== 'object') {
              return finish(new HttpRequestError({ body: call, details: `not a JSON-RPC response: ${text.slice(0, 200)}`, url: shownUrl }));
            }
            finish(undefined, rpc);
          },
          (err: Error) => {
            finish(err instanceof ResponseBodyTooLargeError ? err : new HttpRequestError({ body: call, cause: err, url: shownUrl }));
            req.destroy();
          },
        );
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        if (retryStale && req.reusedSocket && err.code === 'ECONNRESET') {
          // The server closed an idle keep-alive socket as we wrote: the request never reached it.
          settled = true;
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          post(body, call, signal, false).then(resolve, reject);
          return;
        }
        finish(new HttpRequestError({ body: call, cause: err, url: shownUrl }));
      });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          finish(new TimeoutError({ body: call, url: shownUrl }));
          req.destroy();
        }, timeoutMs);
      }
      if (signal) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      req.end(body);
    });
  }

  return {
    url: shownUrl,
    async request(args, options) {
      const call: CallBody = { method: args.method, params: args.params };
      const body = encode({ jsonrpc: '2.0', id: nextId++, method: args.method, params: args.params });
      const res = await post(body, call, options?.signal, true);
      if (res.error) throw new RpcRequestError({ body: call, error: res.error, url: shownUrl });
      return res.result;
    },
    close: () => agent.destroy(),
  };
}

export interface JsonRpcHttpTransportOptions extends JsonRpcHttpOptions, Pick<CustomTransportConfig, 'retryCount' | 'retryDelay' | 'key' | 'name'> {}

/**
 * The provider as a viem Transport for createPublicClient / createWalletClient. viem's own retries (retryCount,
 * default 3 like its http transport) still apply on top, with its usual rules.
 */
export function jsonRpcHttp(url: string, opts: JsonRpcHttpTransportOptions = {}): CustomTransport {
  const provider = createJsonRpcHttp(url, opts);
  return custom(provider, {
    key: opts.key ?? 'jsonRpcHttp',
    name: opts.name ?? `JSON-RPC ${provider.url}`,
    ...(opts.retryCount !== undefined ? { retryCount: opts.retryCount } : {}),
    ...(opts.retryDelay !== undefined ? { retryDelay: opts.retryDelay } : {}),
  });
}

/** JSON text of a request; bigints (which viem's own stringify allows) become decimal strings. */
function encode(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}

/** The response body as text, failing once it passes `maxBytes`. */
function readBody(res: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(res.headers['content-length']);
    if (declared > maxBytes) {
      res.resume();
      return reject(new ResponseBodyTooLargeError({ maxSize: maxBytes, size: declared }));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        return reject(new ResponseBodyTooLargeError({ maxSize: maxBytes, size }));
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    // A connection lost mid-body closes the response without 'end' (settled promises ignore the late reject).
    res.on('close', () => reject(new Error('connection closed before the response ended')));
  });
}

function toHeaders(res: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  return h;
}
