import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { bytesToHex, keccak256, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';

/**
 * The RMN node's keys: `signingKey` signs blessings, curse votes and heartbeats (its address is the node's signer in
 * RMNRemote); `transactionKey` pays for curse and heartbeat transactions. Stored as one JSON file holding two
 * Ethereum v3 ("Web3 Secret Storage") keystores, so each key can also be opened by standard wallet tools.
 */
export interface RmnKeys {
  signingKey: Hex;
  transactionKey: Hex;
}

export interface RmnKeystoreFile {
  kind: 'openccip-rmn-keystore';
  version: 1;
  signer: Address;
  transactor: Address;
  signingKey: KeystoreV3;
  transactionKey: KeystoreV3;
}

export interface KeystoreV3 {
  version: 3;
  id: string;
  address: string;
  crypto: {
    cipher: 'aes-128-ctr';
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: 'scrypt' | 'pbkdf2';
    kdfparams: { dklen: number; salt: string; n?: number; r?: number; p?: number; c?: number; prf?: string };
    mac: string;
  };
}

export class RmnKeystoreError extends Error {
  override name = 'RmnKeystoreError';
}

/** Fresh random keys; `sameKey` makes the transaction key equal to the signing key (devnet shortcut). */
export function generateRmnKeys(opts: { sameKey?: boolean } = {}): RmnKeys {
  const signingKey = generatePrivateKey();
  return { signingKey, transactionKey: opts.sameKey ? signingKey : generatePrivateKey() };
}

/** v3 keystore of one key: scrypt (N = scryptN, r = 8, p = 1), AES-128-CTR, keccak256 MAC. */
export function encryptKeystoreV3(privateKey: Hex, password: string, scryptN = 2 ** 17): KeystoreV3 {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const derived = scryptSync(password, salt, 32, { N: scryptN, r: 8, p: 1, maxmem: 256 * scryptN * 8 + 1024 * 1024 });
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), 'hex')), cipher.final()]);
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2);
  return {
    version: 3,
    id: randomUUID(),
    address: privateKeyToAddress(privateKey).slice(2).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'),
      kdf: 'scrypt',
      kdfparams: { dklen: 32, salt: salt.toString('hex'), n: scryptN, r: 8, p: 1 },
      mac,
    },
  };
}

/** Decrypts a v3 keystore (scrypt or PBKDF2-SHA256, AES-128-CTR); a wrong password fails the MAC check. */
export function decryptKeystoreV3(json: unknown, password: string, what = '<keystore>'): Hex {
  const bad = (why: string) => new RmnKeystoreError(`keystore ${what}: ${why}`);
  const k = json as Partial<KeystoreV3> | undefined;
  const c = k?.crypto;
  if (k?.version !== 3 || !c) throw bad('not a version 3 keystore');
  if (c.cipher !== 'aes-128-ctr') throw bad(`unsupported cipher ${String(c.cipher)}`);
  const hex = (s: unknown, field: string) => {
    if (typeof s !== 'string' || !/^(0x)?([0-9a-fA-F]{2})*$/.test(s)) throw bad(`${field} is not hex`);
    return Buffer.from(s.replace(/^0x/, ''), 'hex');
  };
  const p = c.kdfparams ?? ({} as KeystoreV3['crypto']['kdfparams']);
  const salt = hex(p.salt, 'kdfparams.salt');
  const dklen = Number(p.dklen ?? 32);
  let derived: Buffer;
  if (c.kdf === 'scrypt') {
    const N = Number(p.n), r = Number(p.r), par = Number(p.p);
    try {
      derived = scryptSync(password, salt, dklen, { N, r, p: par, maxmem: 256 * N * r * par + 16 * 1024 * 1024 });
    } catch (err) {
      throw bad(`scrypt(N=${N}, r=${r}, p=${par}) failed: ${(err as Error).message}`);
    }
  } else if (c.kdf === 'pbkdf2') {
    if (p.prf !== 'hmac-sha256') throw bad(`unsupported pbkdf2 prf ${String(p.prf)}`);
    derived = pbkdf2Sync(password, salt, Number(p.c), dklen, 'sha256');
  } else {
    throw bad(`unsupported kdf ${String(c.kdf)}`);
  }
  const ciphertext = hex(c.ciphertext, 'ciphertext');
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2);
  if (mac !== String(c.mac).replace(/^0x/, '').toLowerCase()) throw bad('wrong password (MAC mismatch)');
  const decipher = createDecipheriv('aes-128-ctr', derived.subarray(0, 16), hex(c.cipherparams?.iv, 'cipherparams.iv'));
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== 32) throw bad('the decrypted key is not 32 bytes');
  return bytesToHex(key);
}

/** Writes the RMN keystore file (mode 0600). `scryptN` below 2^17 is for tests and devnets only. */
export function writeRmnKeystore(path: string, keys: RmnKeys, password: string, opts: { scryptN?: number } = {}): RmnKeystoreFile {
  const file: RmnKeystoreFile = {
    kind: 'openccip-rmn-keystore',
    version: 1,
    signer: privateKeyToAddress(keys.signingKey),
    transactor: privateKeyToAddress(keys.transactionKey),
    signingKey: encryptKeystoreV3(keys.signingKey, password, opts.scryptN),
    transactionKey: encryptKeystoreV3(keys.transactionKey, password, opts.scryptN),
  };
  writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600 });
  return file;
}

export function readRmnKeystore(path: string, password: string): RmnKeys {
  let json: Partial<RmnKeystoreFile>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Partial<RmnKeystoreFile>;
  } catch (err) {
    throw new RmnKeystoreError(`keystore ${path}: ${(err as Error).message}`);
  }
  if (json.kind !== 'openccip-rmn-keystore' || json.version !== 1) throw new RmnKeystoreError(`keystore ${path}: not an RMN keystore (version 1)`);
  return {
    signingKey: decryptKeystoreV3(json.signingKey, password, `${path} (signingKey)`),
    transactionKey: decryptKeystoreV3(json.transactionKey, password, `${path} (transactionKey)`),
  };
}
