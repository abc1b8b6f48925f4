import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAddress } from 'viem/accounts';
import {
  KeystoreError,
  decryptKeystore,
  encryptKeystore,
  generateNodeKeys,
  peerIdFromP2pKey,
  readKeystore,
  readKeystorePublicInfo,
  writeKeystore,
  type KeystoreJson,
} from '../src/keys/keystore.js';
import type { NodeKeys } from '../src/config/types.js';

const N = 2 ** 14; // fast scrypt for tests
const SELECTORS = [7759470850252068959n, 16015286601757825753n];

describe('keystore', () => {
  let dir: string;
  let keys: NodeKeys;
  let ks: KeystoreJson;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openccip-keystore-'));
    keys = await generateNodeKeys(SELECTORS);
    ks = await encryptKeystore(keys, 'correct horse', { scryptN: N });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates an OCR key, an ed25519 p2p key and one transmitter key per chain', async () => {
    expect(keys.ocrKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(Object.keys(keys.transmitterKeys)).toEqual(SELECTORS.map(String));
    expect(peerIdFromP2pKey(keys.p2pKey)).toMatch(/^12D3KooW/); // ed25519 identity peer ids
    const other = await generateNodeKeys(SELECTORS);
    expect(other.ocrKey).not.toBe(keys.ocrKey);
    expect(peerIdFromP2pKey(other.p2pKey)).not.toBe(peerIdFromP2pKey(keys.p2pKey));
  });

  it('round-trips and exposes public info in clear', async () => {
    expect(ks.version).toBe(1);
    expect(ks.kdf).toBe('scrypt');
    expect(ks.kdfparams.n).toBe(N);
    expect(ks.public.ocrSigner).toBe(privateKeyToAddress(keys.ocrKey));
    expect(ks.public.peerId).toBe(peerIdFromP2pKey(keys.p2pKey));
    expect(ks.public.transmitters[SELECTORS[1]!.toString()]).toBe(privateKeyToAddress(keys.transmitterKeys[SELECTORS[1]!.toString()]!));
    const text = JSON.stringify(ks);
    expect(text).not.toContain(keys.ocrKey.slice(2));
    expect(await decryptKeystore(text, 'correct horse')).toEqual(keys);
    expect(await decryptKeystore(ks, 'correct horse')).toEqual(keys);
  });

  it('rejects a wrong password with KeystoreError naming the source', async () => {
    const err = await decryptKeystore(ks, 'wrong', '/x/node.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeystoreError);
    expect((err as Error).message).toBe('wrong password or corrupted keystore /x/node.json');
  });

  it('rejects tampered ciphertext, tag and public info', async () => {
    const flip = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    for (const tampered of [
      { ...ks, ciphertext: flip(ks.ciphertext) },
      { ...ks, tag: flip(ks.tag) },
      { ...ks, iv: flip(ks.iv) },
      { ...ks, public: { ...ks.public, ocrSigner: privateKeyToAddress(`0x${'11'.repeat(32)}`) } },
    ]) {
      await expect(decryptKeystore(tampered, 'correct horse')).rejects.toThrow(/wrong password or corrupted keystore/);
    }
  });

  it('rejects malformed files with a clear error', async () => {
    await expect(decryptKeystore('{not json', 'p', 'k.json')).rejects.toThrow(/keystore k.json is not valid JSON/);
    await expect(decryptKeystore({ ...ks, version: 2 }, 'p', 'k.json')).rejects.toThrow(/unsupported version 2/);
    await expect(decryptKeystore({ ...ks, kdfparams: { ...ks.kdfparams, n: 2 ** 30 } }, 'p')).rejects.toThrow(/kdfparams out of range/);
  });

  it('writes with mode 0600 and reads back', async () => {
    const path = join(dir, 'node0.keystore.json');
    await writeKeystore(path, keys, 'pw', { scryptN: N });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readKeystore(path, 'pw')).toEqual(keys);
    expect((await readKeystorePublicInfo(path)).peerId).toBe(peerIdFromP2pKey(keys.p2pKey));
    // overwriting an existing, wider file narrows it again
    await writeFile(path, '{}', { mode: 0o644 });
    await writeKeystore(path, keys, 'pw', { scryptN: N });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8')).kdfparams.n).toBe(N);
    await expect(readKeystore(join(dir, 'missing.json'), 'pw')).rejects.toThrow(/cannot read keystore .*missing.json/);
  });

  it('uses N = 2^17 by default', async () => {
    const slow = await encryptKeystore(keys, 'pw');
    expect(slow.kdfparams.n).toBe(2 ** 17);
  });
});
