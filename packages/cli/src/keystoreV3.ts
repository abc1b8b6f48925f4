import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { scrypt } from '@noble/hashes/scrypt';
import { readFileSync } from 'node:fs';
import { bytesToHex, keccak256, type Hex } from 'viem';
import { CliError } from './errors.js';

/**
 * Reads an Ethereum "Web3 Secret Storage" (version 3) keystore, the format of geth, Foundry's `cast wallet`
 * and most wallets: scrypt or PBKDF2-SHA256, AES-128-CTR, keccak256 MAC.
 */
export function decryptKeystoreV3(json: unknown, password: string, source = '<keystore>'): Hex {
  const bad = (why: string) => new CliError(`keystore ${source}: ${why}`);
  const k = json as { version?: number; crypto?: V3Crypto; Crypto?: V3Crypto };
  const c = k?.crypto ?? k?.Crypto;
  if (k?.version !== 3 || !c) throw bad('not a version 3 keystore');
  if (c.cipher !== 'aes-128-ctr') throw bad(`unsupported cipher ${c.cipher}`);
  const hex = (s: string | undefined, what: string) => {
    if (typeof s !== 'string' || !/^(0x)?[0-9a-fA-F]*$/.test(s)) throw bad(`${what} is not hex`);
    return Buffer.from(s.replace(/^0x/, ''), 'hex');
  };
  const p = c.kdfparams ?? {};
  const salt = hex(p.salt, 'kdfparams.salt');
  const dklen = Number(p.dklen ?? 32);
  let derived: Buffer;
  if (c.kdf === 'scrypt') {
    const N = Number(p.n), r = Number(p.r), par = Number(p.p);
    // noble's scrypt: OpenSSL refuses N ≥ 2^(16r), which some real keystores use (e.g. N = 2^18 with r = 1).
    derived = Buffer.from(scrypt(password, salt, { N, r, p: par, dkLen: dklen, maxmem: 2 ** 31 }));
  } else if (c.kdf === 'pbkdf2') {
    if (p.prf !== 'hmac-sha256') throw bad(`unsupported pbkdf2 prf ${p.prf}`);
    derived = pbkdf2Sync(password, salt, Number(p.c), dklen, 'sha256');
  } else {
    throw bad(`unsupported kdf ${c.kdf}`);
  }
  const ciphertext = hex(c.ciphertext, 'ciphertext');
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext]));
  if (mac.slice(2).toLowerCase() !== String(c.mac).replace(/^0x/, '').toLowerCase()) throw bad('wrong password (MAC mismatch)');
  const decipher = createDecipheriv('aes-128-ctr', derived.subarray(0, 16), hex(c.cipherparams?.iv, 'cipherparams.iv'));
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== 32) throw bad('the decrypted key is not 32 bytes');
  return bytesToHex(key);
}

interface V3Crypto {
  cipher?: string;
  cipherparams?: { iv?: string };
  ciphertext?: string;
  kdf?: string;
  kdfparams?: { salt?: string; dklen?: number; n?: number; r?: number; p?: number; c?: number; prf?: string };
  mac?: string;
}

/** --keystore <file> with its password from --password-file or OPENCCIP_KEYSTORE_PASSWORD. */
export function readKeystoreV3(path: string, password: string | undefined): Hex {
  if (password === undefined) throw new CliError(`keystore ${path}: give its password with --password-file <file> or OPENCCIP_KEYSTORE_PASSWORD`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliError(`keystore ${path}: ${(err as Error).message}`);
  }
  return decryptKeystoreV3(json, password, path);
}
