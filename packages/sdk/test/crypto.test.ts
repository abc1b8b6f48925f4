import { describe, expect, it } from 'vitest';
import { keccak256 as viemKeccak, recoverAddress, serializeSignature, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress, sign } from 'viem/accounts';
import { keccak256, keccakReady, parseSignature65, recoverDigestSigner, serializeSignature65, signDigest, signTransactionWithKey, SECP256K1_HALF_N } from '../src/crypto/index.js';

const randomHex = (n: number): Hex => toHex(crypto.getRandomValues(new Uint8Array(n)));

describe('fast keccak256', () => {
  it('equals viem before and after the WebAssembly hasher loads', async () => {
    const inputs: Hex[] = ['0x', '0x00', randomHex(31), randomHex(32), randomHex(135), randomHex(136), randomHex(137), randomHex(5000)];
    const before = inputs.map((x) => keccak256(x));
    await keccakReady;
    for (const [i, x] of inputs.entries()) {
      expect(keccak256(x)).toBe(viemKeccak(x));
      expect(before[i]).toBe(viemKeccak(x));
      expect(toHex(keccak256(x, 'bytes'))).toBe(viemKeccak(x));
    }
    expect(keccak256(new Uint8Array([1, 2, 3]))).toBe(viemKeccak(new Uint8Array([1, 2, 3])));
  });

  it('rejects what is not hex', () => {
    expect(() => keccak256('0xzz' as Hex)).toThrow();
  });
});

describe('secp256k1 via WebAssembly', () => {
  it('signs exactly like viem (RFC 6979, low-s) and recovers the signer', async () => {
    for (let i = 0; i < 20; i++) {
      const key = generatePrivateKey();
      const digest = randomHex(32);
      const ours = signDigest(digest, key);
      const theirs = await sign({ hash: digest, privateKey: key });
      expect(ours).toEqual({ r: theirs.r, s: theirs.s, yParity: theirs.yParity });
      expect(BigInt(ours.s) <= SECP256K1_HALF_N).toBe(true);
      expect(recoverDigestSigner(digest, ours)).toBe(privateKeyToAddress(key));
      expect(await recoverAddress({ hash: digest, signature: ours })).toBe(privateKeyToAddress(key));
      const ser = serializeSignature65(ours);
      expect(ser).toBe(serializeSignature(theirs));
      expect(parseSignature65(ser)).toEqual(ours);
    }
  });

  it('recovers a different address (or none) for a tampered digest, parity or garbage', () => {
    const key = generatePrivateKey();
    const digest = randomHex(32);
    const sig = signDigest(digest, key);
    const me = privateKeyToAddress(key);
    expect(recoverDigestSigner(randomHex(32), sig)).not.toBe(me);
    expect(recoverDigestSigner(digest, { ...sig, yParity: 1 - sig.yParity })).not.toBe(me);
    expect(recoverDigestSigner(digest, { ...sig, yParity: 2 })).toBeUndefined();
    expect(recoverDigestSigner(digest, { r: `0x${'00'.repeat(32)}`, s: sig.s, yParity: 0 })).toBeUndefined();
    expect(recoverDigestSigner(digest, { r: `0x${'ff'.repeat(32)}`, s: sig.s, yParity: 0 })).toBeUndefined();
    expect(recoverDigestSigner(digest, { r: '0x1234', s: sig.s, yParity: 0 })).toBeUndefined();
    expect(parseSignature65('0x1234')).toBeUndefined();
    expect(parseSignature65(`0x${'11'.repeat(64)}1d`)).toBeUndefined();
  });
});

describe('signTransactionWithKey', () => {
  it('gives exactly the bytes of viem account.signTransaction (EIP-1559 and legacy)', async () => {
    const { privateKeyToAccount } = await import('viem/accounts');
    await keccakReady;
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key);
    const txs = [
      { type: 'eip1559', chainId: 31337, nonce: 7, to: '0x1111111111111111111111111111111111111111', data: randomHex(200), value: 12345n, gas: 300_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n },
      { type: 'legacy', chainId: 1, nonce: 0, to: '0x2222222222222222222222222222222222222222', gas: 21_000n, gasPrice: 10n ** 9n, value: 1n },
    ] as const;
    for (const tx of txs) expect(signTransactionWithKey(tx, key)).toBe(await account.signTransaction(tx));
  });
});
