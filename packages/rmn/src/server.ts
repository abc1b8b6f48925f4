import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Address } from 'viem';
import {
  CCIPSdkError,
  RMN_API_PATHS,
  decodeBlessRequest,
  decodeCurseVote,
  decodeHeartbeatRequest,
  encodeRmnJson,
  recoverRmnRequestSigner,
  type BlessRequest,
  type CurseVote,
  type HeartbeatRequest,
  type RmnApiErrorBody,
  type RmnApiErrorCode,
  type SignatureResponse,
} from '@openccip/sdk';
import { RmnRefusal } from './errors.js';
import { errorMessage, type Logger } from './log.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** What the HTTP API calls into; each handler throws RmnRefusal to refuse. */
export interface RmnApiHandlers {
  /** Whether `caller` is a commit OCR signer of the destination OffRamp. */
  mayBless(req: BlessRequest, caller: Address): Promise<boolean>;
  /** Whether `caller` is an RMN peer signer. */
  isPeer(caller: Address): boolean;
  bless(req: BlessRequest, caller: Address): Promise<SignatureResponse>;
  curseVote(vote: CurseVote, caller: Address): Promise<{ accepted: number }>;
  heartbeatSign(req: HeartbeatRequest, caller: Address): Promise<SignatureResponse>;
  status(): unknown;
}

const HTTP_STATUS: Record<RmnApiErrorCode, number> = {
  unauthorized: 401,
  'bad-request': 400,
  'unknown-lane': 404,
  'not-finalized': 409,
  'root-mismatch': 409,
  cursed: 409,
  refused: 403,
  internal: 500,
};

export interface RmnHttpServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** The RMN node's HTTP API on 127.0.0.1 (node:http): signed POSTs, JSON bodies of at most 1 MB. */
export async function startRmnServer(port: number, h: RmnApiHandlers, log: Logger): Promise<RmnHttpServer> {
  const server = createServer((req, res) => {
    handle(req, res, h, log).catch((err) => {
      log.error('request failed', { path: req.url, error: errorMessage(err) });
      if (!res.headersSent) sendError(res, 'internal', 'internal error');
    });
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return {
    server,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = encodeRmnJson(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, code: RmnApiErrorCode, error: string): void {
  const body: RmnApiErrorBody = { error, code };
  send(res, HTTP_STATUS[code], body);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, h: RmnApiHandlers, log: Logger): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (req.method === 'GET' && path === RMN_API_PATHS.status) return send(res, 200, h.status());
  const posts: string[] = [RMN_API_PATHS.bless, RMN_API_PATHS.curseVote, RMN_API_PATHS.heartbeatSign];
  if (!posts.includes(path)) return sendError(res, 'bad-request', `no such endpoint: ${req.method} ${path}`);
  if (req.method !== 'POST') return sendError(res, 'bad-request', `${path} takes POST`);

  let body: string;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) {
      res.setHeader('connection', 'close');
      return sendError(res, 'bad-request', `body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    throw err;
  }
  let caller: Address;
  try {
    caller = await recoverRmnRequestSigner(path, req.headers, body);
  } catch (err) {
    return sendError(res, 'unauthorized', `request not authenticated: ${errorMessage(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return sendError(res, 'bad-request', 'body is not JSON');
  }

  try {
    if (path === RMN_API_PATHS.bless) {
      const r = decodeBlessRequest(json);
      if (!(await h.mayBless(r, caller))) return sendError(res, 'unauthorized', `${caller} is not a commit OCR signer of the OffRamp on ${r.destChainSelector}`);
      return send(res, 200, await h.bless(r, caller));
    }
    if (!h.isPeer(caller)) return sendError(res, 'unauthorized', `${caller} is not an RMN peer`);
    if (path === RMN_API_PATHS.curseVote) return send(res, 200, await h.curseVote(decodeCurseVote(json), caller));
    return send(res, 200, await h.heartbeatSign(decodeHeartbeatRequest(json), caller));
  } catch (err) {
    if (err instanceof RmnRefusal) {
      log.info('request refused', { path, caller, code: err.code, reason: err.message });
      return sendError(res, err.code, err.message);
    }
    if (err instanceof CCIPSdkError) return sendError(res, 'bad-request', errorMessage(err));
    throw err;
  }
}
