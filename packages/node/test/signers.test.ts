import { keccakReady, ocrReportDigest, reportContext, signOcrReport, signRmnDigest } from '@openccip/sdk';
import { hexToBytes, keccak256, numberToHex, recoverAddress, serializeSignature, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress, sign } from 'viem/accounts';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyReportSignature } from '../src/consensus/signers.js';
import { createOffchainSigner, createOnchainSigner, offchainDigest } from '../src/keys/signers.js';
import { recoverRmnSigner, rmnSignaturesProblem } from '../src/rmn/verify.js';

const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
const addresses = keys.map((k) => privateKeyToAddress(k));
const digest: Hex = `0x${'ab'.repeat(32)}`;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// Hashing and signing run on WebAssembly once loaded: test the path a running node uses.
beforeAll(() => keccakReady);

describe('onchain signer', () => {
  it('signs the OCR3 digest exactly as the SDK (and the OffRamp) expect', async () => {
    const signer = createOnchainSigner(keys[0]!);
    expect(signer.address).toBe(addresses[0]);
    const report: Hex = '0x0102030405';
    const sig = await signer.signReport(digest, 42n, report);
    const ctx = reportContext(digest, 42n);
    const recovered = await recoverAddress({ hash: ocrReportDigest(report, ctx), signature: { r: sig.r, s: sig.s, yParity: sig.yParity } });
    expect(recovered).toBe(addresses[0]);
    const sdk = await signOcrReport([keys[0]!], report, ctx);
    expect([sig.r, sig.s]).toEqual([sdk.rs[0], sdk.ss[0]]);
    expect(sig.yParity).toBe(hexToBytes(sdk.rawVs)[0]);
    // By the report's hash (what the consensus instance uses): the same signature.
    expect(await signer.signReportHash(digest, 42n, keccak256(report))).toEqual(sig);
    // another seqNr is another digest
    const other = await signer.signReport(digest, 43n, report);
    expect(other.r).not.toBe(sig.r);
    // byte for byte what viem's signer produces
    const v = await sign({ hash: ocrReportDigest(report, ctx), privateKey: keys[0]! });
    expect(sig).toEqual({ r: v.r, s: v.s, yParity: v.yParity });
  });

  it('report signatures verify only for the right key, parity and low-s form', async () => {
    const reportHash = keccak256('0x0102030405');
    const sig = await createOnchainSigner(keys[0]!).signReportHash(digest, 42n, reportHash);
    const check = (expected: Hex, s: { r: Hex; s: Hex; yParity: number }) => verifyReportSignature(expected, digest, 42n, reportHash, s);
    expect(await check(addresses[0]!, sig)).toBe(true);
    expect(await check(addresses[0]!.toLowerCase() as Hex, sig)).toBe(true);
    // a signature by another key, presented as signer 0's
    const byOther = await createOnchainSigner(keys[1]!).signReportHash(digest, 42n, reportHash);
    expect(await check(addresses[0]!, byOther)).toBe(false);
    expect(await check(addresses[0]!, { ...sig, yParity: 1 - sig.yParity })).toBe(false);
    expect(await check(addresses[0]!, { r: sig.r, s: numberToHex(N - BigInt(sig.s), { size: 32 }), yParity: 1 - sig.yParity })).toBe(false);
    expect(await check(addresses[0]!, { ...sig, r: `0x${'00'.repeat(32)}` })).toBe(false);
    expect(await check(addresses[0]!, { ...sig, s: `0x${'00'.repeat(32)}` })).toBe(false);
    expect(await check(addresses[0]!, { ...sig, r: `0x${'ff'.repeat(32)}` })).toBe(false); // r ≥ n
    expect(await check(addresses[0]!, { ...sig, r: `${sig.r}00` })).toBe(false); // 33 bytes
    expect(await check(addresses[0]!, { ...sig, s: '0xzz' })).toBe(false);
  });
});

describe('RMN signature checks', () => {
  it('recover the v = 27 form as RMNRemote does and refuse unordered or foreign signatures', async () => {
    const d = keccak256('0x0a0b');
    const signed = await Promise.all(keys.slice(0, 3).map((k) => signRmnDigest(k, d)));
    for (const [i, x] of signed.entries()) {
      expect(await recoverRmnSigner(d, x.signature)).toBe(addresses[i]);
      expect(await recoverRmnSigner(d, x.signature)).toBe(await recoverAddress({ hash: d, signature: { ...x.signature, yParity: 0 } }));
    }
    expect(await recoverRmnSigner(d, { r: `0x${'00'.repeat(32)}`, s: signed[0]!.signature.s })).toBeUndefined();
    expect(await recoverRmnSigner(d, { r: '0xzz', s: signed[0]!.signature.s })).toBeUndefined();
    const sorted = [...signed].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
    const config = { version: 1, rmnHomeConfigDigest: digest, fSign: 1, signers: addresses.slice(0, 3) };
    expect(await rmnSignaturesProblem(d, sorted.slice(0, 2).map((x) => x.signature), config)).toBeUndefined();
    expect(await rmnSignaturesProblem(d, sorted.slice(0, 2).reverse().map((x) => x.signature), config)).toMatch(/ascending/);
    const foreign = await signRmnDigest(keys[3]!, d);
    expect(await rmnSignaturesProblem(d, [sorted[0]!.signature, foreign.signature], config)).toMatch(/not a configured RMN signer/);
  });
});

describe('offchain signer', () => {
  const payload = new TextEncoder().encode('observation for seqNr 7');
  const s0 = createOffchainSigner(keys[0]!, addresses);
  const s1 = createOffchainSigner(keys[1]!, addresses);

  it('verifies against the configured address of the claimed oracle', async () => {
    const sig = await s0.sign(payload);
    expect(sig).toMatch(/^0x[0-9a-f]{130}$/);
    expect(await s1.verify(0, payload, sig)).toBe(true);
    expect(await s1.verify(1, payload, sig)).toBe(false); // claimed by another oracle
    expect(await s1.verify(9, payload, sig)).toBe(false); // no such oracle
    expect(await s1.verify(0, new TextEncoder().encode('observation for seqNr 8'), sig)).toBe(false);
    // byte for byte what viem's signer produces
    expect(sig).toBe(serializeSignature(await sign({ hash: offchainDigest(payload), privateKey: keys[0]! })));
  });

  it('rejects a flipped parity and reads v = 0/1 as 27/28', async () => {
    const sig = await s0.sign(payload);
    const v = Number.parseInt(sig.slice(130), 16);
    expect(await s1.verify(0, payload, `${sig.slice(0, 130)}${(v === 27 ? 28 : 27).toString(16)}` as Hex)).toBe(false);
    expect(await s1.verify(0, payload, `${sig.slice(0, 130)}0${v - 27}` as Hex)).toBe(true);
    expect(await s1.verify(0, payload, `${sig.slice(0, 130)}1d` as Hex)).toBe(false);
  });

  it('rejects malformed, high-s and non-domain signatures', async () => {
    const sig = await s0.sign(payload);
    expect(await s1.verify(0, payload, '0x1234')).toBe(false);
    expect(await s1.verify(0, payload, `0x${'00'.repeat(65)}`)).toBe(false);
    // the same (r, s) with s → n - s and v flipped is the same signature in high-s form
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130), 16);
    const high = `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    expect(await s1.verify(0, payload, high)).toBe(false);
    // an OCR report signature over keccak256(payload) without the domain is not a protocol signature
    const onchain = await createOnchainSigner(keys[0]!).signReport(digest, 1n, '0x');
    expect(await s1.verify(0, payload, `${onchain.r}${onchain.s.slice(2)}${(27 + onchain.yParity).toString(16)}` as Hex)).toBe(false);
  });

  it('refuses a bad signer list', () => {
    expect(() => createOffchainSigner(keys[0]!, ['0x1234'])).toThrow(/signerAddresses\[0\]/);
  });
});
