import { concat, isAddress, isHex, toBytes, type Address, type Hex } from 'viem';
import { keccak256 } from './crypto/keccak.js';
import { parseSignature65, recoverDigestSigner, serializeSignature65, signDigest } from './crypto/secp256k1.js';
import { CCIPSdkError } from './errors.js';
import type { MerkleRoot, RmnSignature } from './types.js';

/**
 * The RMN nodes' HTTP API (127.0.0.1), shared by the RMN node (server) and its callers (the commit DON's leader,
 * other RMN nodes, the CLI). Bodies are JSON with uint64/uint256 as decimal strings. Every POST is signed by the
 * caller's secp256k1 key (headers below); the RMN node decides who may call what (DON OCR signers of the OffRamp
 * may ask for blessings; RMN signers may exchange votes and heartbeat signatures).
 *
 *   POST /v1/bless           BlessRequest      → 200 BlessResponse | 4xx/5xx RmnApiErrorBody
 *   POST /v1/curse-vote      CurseVote         → 200 { accepted: number }  (votes this node now holds for it)
 *   POST /v1/heartbeat-sign  HeartbeatRequest  → 200 SignatureResponse
 *   GET  /v1/status          → RMN node status (JSON, informative)
 */
export const RMN_API_PATHS = {
  bless: '/v1/bless',
  curseVote: '/v1/curse-vote',
  heartbeatSign: '/v1/heartbeat-sign',
  status: '/v1/status',
} as const;

export const RMN_HEADER_TIMESTAMP = 'x-openccip-timestamp';
export const RMN_HEADER_SIGNATURE = 'x-openccip-signature';

/** The commit leader asks one RMN node to bless these roots for `offRamp` on the destination chain. */
export interface BlessRequest {
  destChainSelector: bigint;
  offRamp: Address;
  merkleRoots: MerkleRoot[];
}

/** A signature over rmnReportDigest (v = 27 form) by `signer`. */
export interface SignatureResponse {
  signer: Address;
  r: Hex;
  s: Hex;
}
export type BlessResponse = SignatureResponse;

/** One RMN node's signed vote to curse `subjects` on the RMNRemote of `chainSelector` (digest: rmnCurseDigest). */
export interface CurseVote {
  chainSelector: bigint;
  generation: bigint;
  subjects: Hex[];
  signer: Address;
  signature: RmnSignature;
  /** Why (logged; not signed). */
  reason: string;
}

/** Sign a heartbeat for the RMNRemote of `chainSelector` at `timestamp` (seconds; digest: rmnHeartbeatDigest). */
export interface HeartbeatRequest {
  chainSelector: bigint;
  timestamp: bigint;
}

export type RmnApiErrorCode =
  | 'unauthorized'
  | 'bad-request'
  | 'unknown-lane'
  | 'not-finalized'
  | 'root-mismatch'
  | 'cursed'
  | 'refused'
  | 'internal';

export interface RmnApiErrorBody {
  error: string;
  code: RmnApiErrorCode;
}

/** An RMN node answered with an error (or not at all): carries the node's URL and the code. */
export class RmnApiError extends CCIPSdkError {
  override name = 'RmnApiError';
  constructor(
    readonly url: string,
    readonly code: RmnApiErrorCode | 'unreachable',
    message: string,
  ) {
    super(`RMN node ${url}: ${code}: ${message}`);
  }
}

// ---------------------------------------------------------------- JSON codec (bigints as decimal strings)

/** JSON.stringify with bigints as decimal strings. */
export function encodeRmnJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

const bad = (what: string): never => {
  throw new CCIPSdkError(`bad RMN API body: ${what}`);
};
const obj = (v: unknown, what: string): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : bad(`${what} is not an object`);
const uint = (v: unknown, what: string, bits = 64): bigint => {
  if (typeof v !== 'string' || !/^\d{1,78}$/.test(v)) return bad(`${what} is not a decimal string`);
  const n = BigInt(v);
  return n < 1n << BigInt(bits) ? n : bad(`${what} exceeds uint${bits}`);
};
const hex = (v: unknown, what: string, bytes?: number): Hex => {
  if (typeof v !== 'string' || !isHex(v, { strict: true }) || v.length % 2 !== 0) return bad(`${what} is not hex`);
  if (bytes !== undefined && v.length !== 2 + 2 * bytes) return bad(`${what} is not ${bytes} bytes`);
  return v.toLowerCase() as Hex;
};
const address = (v: unknown, what: string): Address =>
  typeof v === 'string' && isAddress(v, { strict: false }) ? (v as Address) : bad(`${what} is not an address`);
const array = (v: unknown, what: string, max: number): unknown[] =>
  Array.isArray(v) && v.length <= max ? v : bad(`${what} is not an array of at most ${max}`);

export function decodeBlessRequest(json: unknown): BlessRequest {
  const o = obj(json, 'request');
  return {
    destChainSelector: uint(o.destChainSelector, 'destChainSelector'),
    offRamp: address(o.offRamp, 'offRamp'),
    merkleRoots: array(o.merkleRoots, 'merkleRoots', 64).map((r, i) => {
      const x = obj(r, `merkleRoots[${i}]`);
      return {
        sourceChainSelector: uint(x.sourceChainSelector, `merkleRoots[${i}].sourceChainSelector`),
        onRampAddress: hex(x.onRampAddress, `merkleRoots[${i}].onRampAddress`),
        minSeqNr: uint(x.minSeqNr, `merkleRoots[${i}].minSeqNr`),
        maxSeqNr: uint(x.maxSeqNr, `merkleRoots[${i}].maxSeqNr`),
        merkleRoot: hex(x.merkleRoot, `merkleRoots[${i}].merkleRoot`, 32),
      };
    }),
  };
}

export function decodeSignatureResponse(json: unknown): SignatureResponse {
  const o = obj(json, 'response');
  return { signer: address(o.signer, 'signer'), r: hex(o.r, 'r', 32), s: hex(o.s, 's', 32) };
}

export function decodeCurseVote(json: unknown): CurseVote {
  const o = obj(json, 'vote');
  const sig = obj(o.signature, 'signature');
  return {
    chainSelector: uint(o.chainSelector, 'chainSelector'),
    generation: uint(o.generation, 'generation'),
    subjects: array(o.subjects, 'subjects', 64).map((s, i) => hex(s, `subjects[${i}]`, 16)),
    signer: address(o.signer, 'signer'),
    signature: { r: hex(sig.r, 'signature.r', 32), s: hex(sig.s, 'signature.s', 32) },
    reason: typeof o.reason === 'string' ? o.reason.slice(0, 500) : '',
  };
}

export function decodeHeartbeatRequest(json: unknown): HeartbeatRequest {
  const o = obj(json, 'request');
  return { chainSelector: uint(o.chainSelector, 'chainSelector'), timestamp: uint(o.timestamp, 'timestamp') };
}

// ---------------------------------------------------------------- request authentication

/** What a caller signs: keccak256("openccip-rmn-request-v1\n" + path + "\n" + timestampMs + "\n" + body). */
export function rmnRequestDigest(path: string, timestampMs: number, body: string): Hex {
  return keccak256(concat([toBytes(`openccip-rmn-request-v1\n${path}\n${timestampMs}\n`), toBytes(body)]));
}

/** Headers that authenticate `body` sent to `path` as coming from `privateKey`'s address. */
export async function signRmnRequest(
  privateKey: Hex,
  path: string,
  body: string,
  nowMs: number = Date.now(),
): Promise<Record<string, string>> {
  const sig = serializeSignature65(signDigest(rmnRequestDigest(path, nowMs, body), privateKey));
  return { [RMN_HEADER_TIMESTAMP]: String(nowMs), [RMN_HEADER_SIGNATURE]: sig };
}

/** The address that signed a request; throws when headers are missing, malformed or older/newer than `maxSkewMs`. */
export async function recoverRmnRequestSigner(
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  maxSkewMs = 30_000,
  nowMs: number = Date.now(),
): Promise<Address> {
  const ts = headers[RMN_HEADER_TIMESTAMP];
  const sig = headers[RMN_HEADER_SIGNATURE];
  if (typeof ts !== 'string' || !/^\d{1,16}$/.test(ts)) throw new CCIPSdkError('missing or bad request timestamp');
  const parsed = typeof sig === 'string' ? parseSignature65(sig as Hex) : undefined;
  if (parsed === undefined) throw new CCIPSdkError('missing or bad request signature');
  const t = Number(ts);
  if (Math.abs(nowMs - t) > maxSkewMs) throw new CCIPSdkError(`request timestamp ${t} is more than ${maxSkewMs} ms from now`);
  const signer = recoverDigestSigner(rmnRequestDigest(path, t, body), parsed);
  if (signer === undefined) throw new CCIPSdkError('request signature recovers no signer');
  return signer;
}

/** POSTs a signed JSON request to an RMN node; resolves with the parsed body or throws RmnApiError. */
export async function postRmnRequest(
  baseUrl: string,
  path: string,
  body: unknown,
  privateKey: Hex,
  timeoutMs = 5_000,
): Promise<unknown> {
  const text = encodeRmnJson(body);
  const headers = { 'content-type': 'application/json', ...(await signRmnRequest(privateKey, path, text)) };
  const url = baseUrl.replace(/\/$/, '') + path;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: text, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new RmnApiError(baseUrl, 'unreachable', (err as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    throw new RmnApiError(baseUrl, 'internal', `HTTP ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) {
    const e = parsed as Partial<RmnApiErrorBody>;
    throw new RmnApiError(baseUrl, (e.code as RmnApiErrorCode) ?? 'internal', e.error ?? `HTTP ${res.status}`);
  }
  return parsed;
}
