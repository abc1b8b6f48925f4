import { describe, expect, it } from 'vitest';
import { keccak256, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { chainCurseSubject, rmnCurseDigest, signRmnDigest, type CurseVote, type RmnRemoteDomain } from '@openccip/sdk';
import { VotePool, checkCurseVote } from '../src/index.js';

const domain: RmnRemoteDomain = {
  chainId: 31337n,
  chainSelector: 3379446385462418246n,
  rmnRemote: '0x' + 'aa'.repeat(20) as Address,
  rmnHomeConfigDigest: keccak256(toHex('cfg')),
};
const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
const peers = keys.map((k) => privateKeyToAddress(k));
const subject = chainCurseSubject(7759470850252068959n);

async function vote(key: Hex, over: Partial<CurseVote> = {}, signedSubjects: Hex[] = [subject], generation = 0n): Promise<CurseVote> {
  const { signer, signature } = await signRmnDigest(key, rmnCurseDigest(domain, generation, signedSubjects));
  return { chainSelector: domain.chainSelector, generation, subjects: [subject], signer, signature, reason: 'test', ...over };
}

describe('curse vote checks', () => {
  it('accepts a peer vote signed over (domain, generation, [subject])', async () => {
    expect(await checkCurseVote(await vote(keys[0]!), domain, peers)).toEqual({ ok: true, subject });
  });
  it('refuses outsiders, other generations, other subjects, several subjects and other chains', async () => {
    const outsider = generatePrivateKey();
    expect((await checkCurseVote(await vote(outsider), domain, peers)).ok).toBe(false);
    // signed for generation 0, claims generation 1
    expect((await checkCurseVote(await vote(keys[0]!, { generation: 1n }), domain, peers)).ok).toBe(false);
    // signed for another subject
    expect((await checkCurseVote(await vote(keys[0]!, {}, [chainCurseSubject(1n)]), domain, peers)).ok).toBe(false);
    expect((await checkCurseVote(await vote(keys[0]!, { subjects: [subject, subject] }), domain, peers)).ok).toBe(false);
    expect((await checkCurseVote(await vote(keys[0]!, { chainSelector: 1n }), domain, peers)).ok).toBe(false);
    // a vote claiming another signer than the key that signed it
    expect((await checkCurseVote(await vote(keys[0]!, { signer: peers[1]! }), domain, peers)).ok).toBe(false);
  });
  it('refuses a signature that recovers no key, or another key for the parity RMNRemote uses (v = 27)', async () => {
    const v = await vote(keys[0]!);
    const zeroR = await checkCurseVote({ ...v, signature: { ...v.signature, r: `0x${'00'.repeat(32)}` } }, domain, peers);
    expect(zeroR).toEqual({ ok: false, reason: 'signature does not recover' });
    // (r, n − s) is the v = 28 twin: read as v = 27 it recovers someone else
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin = toHex(n - BigInt(v.signature.s), { size: 32 });
    const r = await checkCurseVote({ ...v, signature: { ...v.signature, s: twin } }, domain, peers);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(/^signature is by 0x/);
  });
});

describe('VotePool', () => {
  const add = async (pool: VotePool, key: Hex, generation = 0n, s = subject) => {
    const v = await vote(key, { generation, subjects: [s] }, [s], generation);
    return pool.add({ ...v, subject: s });
  };

  it('is ready at fSign+1 distinct signers, counting a repeated signer once', async () => {
    const pool = new VotePool(1);
    expect(await add(pool, keys[0]!)).toBe(1);
    expect(await add(pool, keys[0]!)).toBe(1);
    expect(pool.ready()).toHaveLength(0);
    expect(await add(pool, keys[1]!)).toBe(2);
    const ready = pool.ready();
    expect(ready).toHaveLength(1);
    expect(ready[0]!.votes.map((v) => v.signer).sort()).toEqual([peers[0], peers[1]].sort());
    pool.markSubmitted(domain.chainSelector, 0n, subject);
    expect(pool.ready()).toHaveLength(0);
  });

  it('keeps subjects and generations apart, and prunes past generations', async () => {
    const pool = new VotePool(1);
    await add(pool, keys[0]!, 0n);
    await add(pool, keys[1]!, 1n);
    await add(pool, keys[2]!, 0n, chainCurseSubject(5n));
    expect(pool.ready()).toHaveLength(0);
    expect(pool.size()).toBe(3);
    pool.prune(domain.chainSelector, 1n);
    expect(pool.size()).toBe(1);
    expect(pool.count(domain.chainSelector, 1n, subject)).toBe(1);
  });
});
