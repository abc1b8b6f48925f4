import { ocrReportDigest, reportContext, signOcrReport } from '@openccip/sdk';
import { hexToBytes, keccak256, recoverAddress, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { createOffchainSigner, createOnchainSigner } from '../src/keys/signers.js';

const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
const addresses = keys.map((k) => privateKeyToAddress(k));
const digest: Hex = `0x${'ab'.repeat(32)}`;

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
