import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { bytesToHex, hexToBytes, isHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import type { PrivateKey } from '@libp2p/interface';
import type { NodeKeys } from '../config/types.js';

/**
 * Encrypted node keystore: scrypt-derived key + AES-256-GCM, node:crypto only. Public info (addresses, peer id)
 * sits in clear next to the ciphertext so operators can build configs without the password; it is bound to the
 * ciphertext as GCM additional data, so editing it makes decryption fail.
 */

export const KEYSTORE_VERSION = 1;
/** Default scrypt cost for real keys (~0.3 s, 128 MiB); tests and the devnet may pass 2^14. */
export const DEFAULT_SCRYPT_N = 2 ** 17;

export class KeystoreError extends Error {
  override readonly name = 'KeystoreError';
}

export interface KeystorePublicInfo {
  ocrSigner: Address;
  peerId: string;
  /** Transmitter address per chain selector (decimal string). */
  transmitters: Record<string, Address>;
}

export interface ScryptParams {
  n: number;
  r: number;
  p: number;
  dklen: number;
}

export interface KeystoreJson {
  version: typeof KEYSTORE_VERSION;
  kdf: 'scrypt';
  kdfparams: ScryptParams;
  cipher: 'aes-256-gcm';
  /** hex, no 0x */
  salt: string;
  iv: string;
  ciphertext: string;
  tag: string;
  public: KeystorePublicInfo;
}

export interface EncryptOptions {
  /** scrypt cost parameter N (power of two); default 2^17. */
  scryptN?: number;
}

/** Fresh keys: an OCR key, an ed25519 p2p key and one transmitter key per chain selector. */
export async function generateNodeKeys(chainSelectors: readonly bigint[]): Promise<NodeKeys> {
  const p2p = await generateKeyPair('Ed25519');
  const transmitterKeys: Record<string, Hex> = {};
  for (const sel of chainSelectors) transmitterKeys[sel.toString()] = generatePrivateKey();
  return { ocrKey: generatePrivateKey(), p2pKey: bytesToHex(privateKeyToProtobuf(p2p)), transmitterKeys };
}

/** The libp2p peer id (base58 string) behind a protobuf-encoded ed25519 private key. */
export function peerIdFromP2pKey(p2pKey: Hex): string {
  return peerIdFromPrivateKey(p2pPrivateKey(p2pKey)).toString();
}

/**
 * Decodes the protobuf p2p key into the key type libp2p 2.x takes. @libp2p/crypto 5.1.23 is typed against
 * @libp2p/interface 3.x while libp2p 2.10 uses 2.x; the runtime objects are the same, only the declared
 * Uint8ArrayList versions differ, hence the cast.
 */
export function p2pPrivateKey(p2pKey: Hex): PrivateKey {
  return privateKeyFromProtobuf(hexToBytes(p2pKey)) as unknown as PrivateKey;
}

export function keystorePublicInfo(keys: NodeKeys): KeystorePublicInfo {
  const transmitters: Record<string, Address> = {};
  for (const [sel, key] of Object.entries(keys.transmitterKeys)) transmitters[sel] = privateKeyToAddress(key);
  return { ocrSigner: privateKeyToAddress(keys.ocrKey), peerId: peerIdFromP2pKey(keys.p2pKey), transmitters };
}

export async function encryptKeystore(keys: NodeKeys, password: string, opts: EncryptOptions = {}): Promise<KeystoreJson> {
  assertNodeKeys(keys, '<keys>');
  const kdfparams: ScryptParams = { n: opts.scryptN ?? DEFAULT_SCRYPT_N, r: 8, p: 1, dklen: 32 };
  if (!Number.isInteger(Math.log2(kdfparams.n)) || kdfparams.n < 2) {
    throw new KeystoreError(`scrypt N must be a power of two, got ${kdfparams.n}`);
  }
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const header = {
    version: KEYSTORE_VERSION,
    kdf: 'scrypt',
    kdfparams,
    cipher: 'aes-256-gcm',
    salt: salt.toString('hex'),
    iv: iv.toString('hex'),
    public: keystorePublicInfo(keys),
  } as const;
  const key = await deriveKey(password, salt, kdfparams);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(header));
  const plaintext = Buffer.from(JSON.stringify(keys), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ...header, ciphertext: ciphertext.toString('hex'), tag: cipher.getAuthTag().toString('hex') };
}

/** `json` is the parsed object or its text; `source` names the file in errors. */
export async function decryptKeystore(json: unknown, password: string, source = '<keystore>'): Promise<NodeKeys> {
  const ks = parseKeystoreJson(typeof json === 'string' ? parseJson(json, source) : json, source);
  const key = await deriveKey(password, Buffer.from(ks.salt, 'hex'), ks.kdfparams);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ks.iv, 'hex'));
    decipher.setAAD(additionalData(ks));
    decipher.setAuthTag(Buffer.from(ks.tag, 'hex'));
    plaintext = Buffer.concat([decipher.update(Buffer.from(ks.ciphertext, 'hex')), decipher.final()]);
  } catch {
    throw new KeystoreError(`wrong password or corrupted keystore ${source}`);
  }
  const keys = parseJson(plaintext.toString('utf8'), source) as NodeKeys;
  assertNodeKeys(keys, source);
  // The AAD already binds the public info; this catches a keystore written by a buggy tool.
  const pub = keystorePublicInfo(keys);
  if (JSON.stringify(pub) !== JSON.stringify(ks.public)) {
    throw new KeystoreError(`keystore ${source}: public info does not match the encrypted keys`);
  }
  return keys;
}

export async function readKeystore(path: string, password: string): Promise<NodeKeys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new KeystoreError(`cannot read keystore ${path}: ${(err as Error).message}`);
  }
  return decryptKeystore(text, password, path);
}

/** Reads only the clear-text public part (no password needed). */
export async function readKeystorePublicInfo(path: string): Promise<KeystorePublicInfo> {
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new KeystoreError(`cannot read keystore ${path}: ${err.message}`);
  });
  return parseKeystoreJson(parseJson(text, path), path).public;
}

/** Writes atomically (temp file + rename) with mode 0600. */
export async function writeKeystore(path: string, keys: NodeKeys, password: string, opts: EncryptOptions = {}): Promise<KeystoreJson> {
  const ks = await encryptKeystore(keys, password, opts);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(ks, null, 2) + '\n', { mode: 0o600 });
  await chmod(tmp, 0o600); // the umask may not narrow an existing file's mode
  await rename(tmp, path);
  return ks;
}

function deriveKey(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is below what N = 2^17, r = 8 needs (128 MiB).
  const options: ScryptOptions = { N: p.n, r: p.r, p: p.p, maxmem: 256 * p.n * p.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, p.dklen, options, (err, key) => (err ? reject(new KeystoreError(`scrypt failed: ${err.message}`)) : resolve(key))),
  );
}

/** Everything except the ciphertext and tag, in a fixed field order. */
function additionalData(h: Omit<KeystoreJson, 'ciphertext' | 'tag'>): Buffer {
  const pub = h.public;
  const transmitters = Object.keys(pub.transmitters)
    .sort()
    .map((k) => [k, pub.transmitters[k]]);
  return Buffer.from(
    JSON.stringify([h.version, h.kdf, h.kdfparams.n, h.kdfparams.r, h.kdfparams.p, h.kdfparams.dklen, h.cipher, h.salt, h.iv, pub.ocrSigner, pub.peerId, transmitters]),
    'utf8',
  );
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KeystoreError(`keystore ${source} is not valid JSON: ${(err as Error).message}`);
  }
}

const HEX_RE = /^[0-9a-f]*$/;

function parseKeystoreJson(v: unknown, source: string): KeystoreJson {
  const bad = (what: string): never => {
    throw new KeystoreError(`keystore ${source}: ${what}`);
  };
  if (typeof v !== 'object' || v === null) return bad('expected a JSON object');
  const o = v as Record<string, unknown>;
  if (o.version !== KEYSTORE_VERSION) bad(`unsupported version ${JSON.stringify(o.version)} (expected ${KEYSTORE_VERSION})`);
  if (o.kdf !== 'scrypt') bad(`unsupported kdf ${JSON.stringify(o.kdf)}`);
  if (o.cipher !== 'aes-256-gcm') bad(`unsupported cipher ${JSON.stringify(o.cipher)}`);
  const kp = o.kdfparams as Record<string, unknown> | undefined;
  if (typeof kp !== 'object' || kp === null) return bad('kdfparams missing');
  for (const k of ['n', 'r', 'p', 'dklen'] as const) {
    if (!Number.isSafeInteger(kp[k]) || (kp[k] as number) < 1) bad(`kdfparams.${k} must be a positive integer`);
  }
  if ((kp.n as number) > 2 ** 22 || (kp.r as number) > 32 || (kp.p as number) > 16 || kp.dklen !== 32) bad('kdfparams out of range');
  for (const k of ['salt', 'iv', 'ciphertext', 'tag'] as const) {
    if (typeof o[k] !== 'string' || !HEX_RE.test(o[k] as string) || (o[k] as string).length % 2 !== 0) bad(`${k} must be lowercase hex`);
  }
  if ((o.iv as string).length !== 24) bad('iv must be 12 bytes');
  if ((o.tag as string).length !== 32) bad('tag must be 16 bytes');
  const pub = o.public as Record<string, unknown> | undefined;
  if (typeof pub !== 'object' || pub === null) return bad('public info missing');
  if (typeof pub.ocrSigner !== 'string' || typeof pub.peerId !== 'string') bad('public.ocrSigner / public.peerId missing');
  if (typeof pub.transmitters !== 'object' || pub.transmitters === null) bad('public.transmitters missing');
  return v as KeystoreJson;
}

function assertNodeKeys(keys: unknown, source: string): asserts keys is NodeKeys {
  const bad = (what: string): never => {
    throw new KeystoreError(`keystore ${source}: ${what}`);
  };
  if (typeof keys !== 'object' || keys === null) return bad('keys must be an object');
  const k = keys as Record<string, unknown>;
  const isKey32 = (x: unknown): boolean => typeof x === 'string' && isHex(x, { strict: true }) && x.length === 66;
  if (!isKey32(k.ocrKey)) bad('ocrKey must be a 32-byte hex key');
  if (typeof k.p2pKey !== 'string' || !isHex(k.p2pKey, { strict: true })) bad('p2pKey must be hex');
  try {
    const key = privateKeyFromProtobuf(hexToBytes(k.p2pKey as Hex));
    if (key.type !== 'Ed25519') bad(`p2pKey must be Ed25519, got ${key.type}`);
  } catch (err) {
    if (err instanceof KeystoreError) throw err;
    bad(`p2pKey is not a libp2p protobuf private key: ${(err as Error).message}`);
  }
  if (typeof k.transmitterKeys !== 'object' || k.transmitterKeys === null) return bad('transmitterKeys must be an object');
  for (const [sel, key] of Object.entries(k.transmitterKeys)) {
    if (!/^[0-9]+$/.test(sel)) bad(`transmitterKeys: chain selector ${JSON.stringify(sel)} is not a decimal string`);
    if (!isKey32(key)) bad(`transmitterKeys[${sel}] must be a 32-byte hex key`);
  }
}

