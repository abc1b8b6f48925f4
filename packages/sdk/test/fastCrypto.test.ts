import { beforeAll, describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256 as viemKeccak, numberToHex, recoverAddress, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress, sign } from 'viem/accounts';
import {
  CCIPSdkError,
  addressFromPrivateKey,
  hashInternalNode,
  keccakReady,
  ocrReportDigest,
  recoverRmnRequestSigner,
  reportContext,
  signOcrReport,
  signRmnDigest,
  signRmnRequest,
} from '../src/index.js';

// The SDK's hashing and signing run on WebAssembly; these pin them to viem's bytes once the fast path is in use.
beforeAll(() => keccakReady);

const randomHex = (n: number): Hex => toHex(crypto.getRandomValues(new Uint8Array(n)));
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe('SDK on the WebAssembly crypto', () => {
  it('derives the same address from a private key as viem', () => {
    for (let i = 0; i < 10; i++) {
      const key = generatePrivateKey();
      expect(addressFromPrivateKey(key)).toBe(privateKeyToAddress(key));
    }
    expect(() => addressFromPrivateKey(`0x${'00'.repeat(32)}`)).toThrow();
    expect(() => addressFromPrivateKey('0x1234')).toThrow();
  });

  it('hashes an inner merkle node as keccak256(abi.encode(1, left, right)) and rejects what is not a bytes32', () => {
    for (let i = 0; i < 10; i++) {
      const [a, b] = [randomHex(32), randomHex(32)];
      const one = numberToHex(1n, { size: 32 });
      const expected = viemKeccak(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }], [one, a, b]));
      expect(hashInternalNode(a, b)).toBe(expected);
      expect(hashInternalNode(a.toUpperCase().replace('0X', '0x') as Hex, b)).toBe(expected);
    }
    expect(() => hashInternalNode(randomHex(31), randomHex(32))).toThrow(/bytes32/);
    expect(() => hashInternalNode(randomHex(32), `0x${'zz'.repeat(32)}`)).toThrow();
  });

  it('signs OCR reports and RMN digests with the same bytes as viem', async () => {
    const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
    const report = randomHex(200);
    const ctx = reportContext(randomHex(32), 7n);
    const sigs = await signOcrReport(keys, report, ctx);
    const digest = ocrReportDigest(report, ctx);
    expect(digest).toBe(viemKeccak(`0x${viemKeccak(report).slice(2)}${ctx[0].slice(2)}${ctx[1].slice(2)}`));
    for (const [i, key] of keys.entries()) {
      const v = await sign({ hash: digest, privateKey: key });
      expect([sigs.rs[i], sigs.ss[i], parseInt(sigs.rawVs.slice(2 + 2 * i, 4 + 2 * i), 16)]).toEqual([v.r, v.s, v.yParity]);
    }
    for (const key of keys) {
      const d = randomHex(32);
      const v = await sign({ hash: d, privateKey: key });
      const ours = await signRmnDigest(key, d);
      // v = 27 form: (r, s, 28) becomes (r, n − s, 27), which recovers the same signer.
      expect(ours.signature).toEqual({ r: v.r, s: v.yParity === 1 ? numberToHex(N - BigInt(v.s), { size: 32 }) : v.s });
      expect(await recoverAddress({ hash: d, signature: { ...ours.signature, yParity: 0 } })).toBe(privateKeyToAddress(key));
      expect(ours.signer).toBe(privateKeyToAddress(key));
    }
  });

  it('signs RMN requests like viem and refuses signatures that are not 65 bytes or recover nothing', async () => {
    const key = generatePrivateKey();
    const body = '{"a":"1"}';
    const headers = await signRmnRequest(key, '/v1/bless', body, 5_000);
    const sig = headers['x-openccip-signature']!;
    const digest = viemKeccak(toHex(`openccip-rmn-request-v1\n/v1/bless\n5000\n${body}`));
    expect(sig).toBe(await sign({ hash: digest, privateKey: key, to: 'hex' }));
    // v = 0/1 is accepted as 27/28, as viem's recoverAddress did.
    const v01 = `${sig.slice(0, 130)}0${parseInt(sig.slice(130), 16) - 27}`;
    expect(await recoverRmnRequestSigner('/v1/bless', { ...headers, 'x-openccip-signature': v01 }, body, 1_000, 5_000)).toBe(privateKeyToAddress(key));
    const bad = async (s: string) => recoverRmnRequestSigner('/v1/bless', { ...headers, 'x-openccip-signature': s }, body, 1_000, 5_000);
    await expect(bad(sig.slice(0, 130))).rejects.toThrow(CCIPSdkError);
    await expect(bad(`${sig.slice(0, 130)}1d`)).rejects.toThrow(/bad request signature/);
    await expect(bad(`0x${'00'.repeat(32)}${sig.slice(66)}`)).rejects.toThrow(/recovers no signer/);
  });
});
