import { describe, expect, it } from 'vitest';
import { decodeAbiParameters, keccak256, recoverAddress, serializeSignature, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import {
  commitReportParam,
  encodeCommitReport,
  ocrReportDigest,
  reportContext,
  rmnReportDigest,
  signOcrReport,
  signRmnDigest,
  signRmnReport,
  type CommitReport,
} from '../src/index.js';

const root = {
  sourceChainSelector: 7759470850252068959n,
  onRampAddress: ('0x' + '00'.repeat(12) + '11'.repeat(20)) as Hex,
  minSeqNr: 1n,
  maxSeqNr: 4n,
  merkleRoot: keccak256(toHex('root')),
};

describe('RMN signatures', () => {
  it('always recover with v = 27 (high-s form when the parity was odd)', async () => {
    const digest = keccak256(toHex('digest'));
    const parities = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const key = generatePrivateKey();
      const { signer, signature } = await signRmnDigest(key, digest);
      expect(signer).toBe(privateKeyToAddress(key));
      const recovered = await recoverAddress({
        hash: digest,
        signature: serializeSignature({ r: signature.r, s: signature.s, v: 27n }),
      });
      expect(recovered).toBe(signer);
      parities.add(BigInt(signature.s) > 2n ** 255n ? 1 : 0);
    }
    expect(parities.size).toBe(2); // both branches exercised
  });

  it('orders signatures by ascending signer address', async () => {
    const keys = Array.from({ length: 5 }, () => generatePrivateKey());
    const input = {
      destChainId: 31337n,
      destChainSelector: 3379446385462418246n,
      rmnRemote: privateKeyToAddress(keys[0]!),
      offRamp: privateKeyToAddress(keys[1]!),
      rmnHomeConfigDigest: keccak256(toHex('cfg')),
      merkleRoots: [root],
    };
    const sigs = await signRmnReport(keys, input);
    const digest = rmnReportDigest(input);
    const signers = await Promise.all(
      sigs.map((s) => recoverAddress({ hash: digest, signature: serializeSignature({ r: s.r, s: s.s, v: 27n }) })),
    );
    const sorted = [...signers].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(signers).toEqual(sorted);
    expect(new Set(signers)).toEqual(new Set(keys.map((k) => privateKeyToAddress(k))));
  });

  it('a different root changes the digest', () => {
    const base = {
      destChainId: 1n,
      destChainSelector: 2n,
      rmnRemote: privateKeyToAddress(generatePrivateKey()),
      offRamp: privateKeyToAddress(generatePrivateKey()),
      rmnHomeConfigDigest: keccak256(toHex('cfg')),
      merkleRoots: [root],
    };
    const other = { ...base, merkleRoots: [{ ...root, maxSeqNr: 5n }] };
    expect(rmnReportDigest(base)).not.toBe(rmnReportDigest(other));
  });
});

describe('OCR3 reports', () => {
  it('commit report round-trips through the ABI', () => {
    const report: CommitReport = {
      priceUpdates: { tokenPriceUpdates: [], gasPriceUpdates: [{ destChainSelector: 5n, usdPerUnitGas: 7n }] },
      blessedMerkleRoots: [root],
      unblessedMerkleRoots: [],
      rmnSignatures: [{ r: keccak256('0x01'), s: keccak256('0x02') }],
    };
    const [decoded] = decodeAbiParameters([commitReportParam], encodeCommitReport(report));
    expect(decoded).toEqual(report);
  });

  it('signatures recover to the signers with v = rawVs[i] + 27', async () => {
    const keys = Array.from({ length: 6 }, () => generatePrivateKey());
    const report = encodeCommitReport({
      priceUpdates: { tokenPriceUpdates: [], gasPriceUpdates: [] },
      blessedMerkleRoots: [],
      unblessedMerkleRoots: [root],
      rmnSignatures: [],
    });
    const ctx = reportContext(keccak256(toHex('config')), 42n);
    expect(BigInt(ctx[1])).toBe(42n);
    const { rs, ss, rawVs } = await signOcrReport(keys, report, ctx);
    const digest = ocrReportDigest(report, ctx);
    for (let i = 0; i < keys.length; i++) {
      const v = BigInt(parseInt(rawVs.slice(2 + 2 * i, 4 + 2 * i), 16)) + 27n;
      const signer = await recoverAddress({ hash: digest, signature: serializeSignature({ r: rs[i]!, s: ss[i]!, v }) });
      expect(signer).toBe(privateKeyToAddress(keys[i]!));
    }
  });
});
