import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import {
  chainCurseSubject,
  decodeBlessRequest,
  decodeCurseVote,
  encodeRmnJson,
  orderRmnSignatures,
  recoverRmnRequestSigner,
  rmnCurseDigest,
  rmnUncurseDigest,
  signRmnRequest,
} from '../src/index.js';

describe('RMN API', () => {
  it('authenticates a request by its signer and rejects a changed body or a stale timestamp', async () => {
    const key = generatePrivateKey();
    const body = encodeRmnJson({ destChainSelector: 5n, offRamp: '0x' + '11'.repeat(20), merkleRoots: [] });
    const headers = await signRmnRequest(key, '/v1/bless', body, 1_000_000);
    expect(await recoverRmnRequestSigner('/v1/bless', headers, body, 30_000, 1_000_500)).toBe(privateKeyToAddress(key));
    expect(await recoverRmnRequestSigner('/v1/bless', headers, body + ' ', 30_000, 1_000_500)).not.toBe(privateKeyToAddress(key));
    expect(await recoverRmnRequestSigner('/v1/curse-vote', headers, body, 30_000, 1_000_500)).not.toBe(privateKeyToAddress(key));
    await expect(recoverRmnRequestSigner('/v1/bless', headers, body, 30_000, 1_040_001)).rejects.toThrow(/ms from now/);
    await expect(recoverRmnRequestSigner('/v1/bless', {}, body)).rejects.toThrow(/timestamp/);
  });

  it('round-trips a bless request through JSON and rejects out-of-range fields', () => {
    const req = {
      destChainSelector: 2n ** 64n - 1n,
      offRamp: '0x' + '22'.repeat(20),
      merkleRoots: [{ sourceChainSelector: 7n, onRampAddress: '0x' + '00'.repeat(12) + '33'.repeat(20), minSeqNr: 1n, maxSeqNr: 9n, merkleRoot: '0x' + 'ab'.repeat(32) }],
    };
    expect(decodeBlessRequest(JSON.parse(encodeRmnJson(req)))).toEqual(req);
    expect(() => decodeBlessRequest({ ...JSON.parse(encodeRmnJson(req)), destChainSelector: (2n ** 64n).toString() })).toThrow(/uint64/);
    expect(() => decodeBlessRequest({ ...JSON.parse(encodeRmnJson(req)), offRamp: 'nope' })).toThrow(/offRamp/);
    expect(() => decodeCurseVote({ chainSelector: '1', generation: '0', subjects: ['0x01'], signer: req.offRamp, signature: { r: '0x', s: '0x' } })).toThrow(/subjects\[0\]/);
  });

  it('binds curse and uncurse votes to their kind, generation and subjects', () => {
    const d = { chainId: 31337n, chainSelector: 9n, rmnRemote: ('0x' + '44'.repeat(20)) as `0x${string}`, rmnHomeConfigDigest: ('0x' + '55'.repeat(32)) as `0x${string}` };
    const s = [chainCurseSubject(3n)];
    expect(chainCurseSubject(3n)).toBe('0x00000000000000000000000000000003');
    expect(rmnCurseDigest(d, 0n, s)).not.toBe(rmnUncurseDigest(d, 0n, s));
    expect(rmnCurseDigest(d, 0n, s)).not.toBe(rmnCurseDigest(d, 1n, s));
    expect(rmnCurseDigest(d, 0n, s)).not.toBe(rmnCurseDigest({ ...d, chainId: 1n }, 0n, s));
  });

  it('orders signatures by signer and drops repeats', () => {
    const mk = (signer: string, r: string) => ({ signer: signer as `0x${string}`, signature: { r: r as `0x${string}`, s: r as `0x${string}` } });
    const out = orderRmnSignatures([mk('0x' + 'bb'.repeat(20), '0x02'), mk('0x' + 'aa'.repeat(20), '0x01'), mk('0x' + 'AA'.repeat(20), '0x03')], 5);
    expect(out.map((x) => x.r)).toEqual(['0x01', '0x02']);
  });
});
