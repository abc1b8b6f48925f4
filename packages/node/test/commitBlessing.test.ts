import { describe, expect, it } from 'vitest';
import { keccak256, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { decodeCommitReport, getMerkleRoot, signRmnReport, type RmnSignature } from '@openccip/sdk';
import { PluginCodecError, encodeJson } from '../src/plugins/codec.js';
import { verifyOutcomeBlessing, type RmnDigestDomain } from '../src/plugins/commit/blessing.js';
import { encodeCommitObservation } from '../src/plugins/commit/observation.js';
import { commitOutcome } from '../src/plugins/commit/outcome.js';
import { createCommitPlugin } from '../src/plugins/commit/plugin.js';
import { decodeCommitQuery, encodeCommitQuery } from '../src/plugins/commit/query.js';
import { buildCommitReport, toMerkleRoot } from '../src/plugins/commit/report.js';
import {
  DEFAULT_COMMIT_OPTIONS,
  type CommitObservation,
  type CommitQuery,
  type CommitSource,
  type ProposedRoot,
} from '../src/plugins/commit/types.js';
import { createRmnConfigCache, type RmnRemoteConfig } from '../src/rmn/config.js';
import { DEST, ONRAMP, ONRAMP2, ONRAMP3, SRC, SRC2, SRC3, domain, rmnConfig as config, rmnKeys } from './blessingFixtures.js';

// Pure logic of the blessed part of the commit outcome, with real secp256k1 RMN signatures from the SDK.
const sources: CommitSource[] = [
  { chainSelector: SRC, onRamp: ONRAMP, requiresBlessing: true },
  { chainSelector: SRC2, onRamp: ONRAMP2, requiresBlessing: false },
  { chainSelector: SRC3, onRamp: ONRAMP3, requiresBlessing: true },
];
const leaf = (i: number, tag = 'leaf') => keccak256(toHex(`${tag}-${i}`));
const leaves = (from: number, to: number, tag?: string) => Array.from({ length: to - from }, (_, k) => leaf(from + k, tag));
const obs = (): CommitObservation => ({
  sources: [
    { chainSelector: SRC, nextSeqNr: 5n, leaves: leaves(0, 3) },
    { chainSelector: SRC2, nextSeqNr: 1n, leaves: leaves(0, 2, 'two') },
    { chainSelector: SRC3, nextSeqNr: 9n, leaves: leaves(0, 2, 'three') },
  ],
  time: 1_000,
});
const observations = [obs(), obs(), obs()];
const rootOf = (chainSelector: bigint, onRamp: Address, min: bigint, ls: Hex[]): ProposedRoot => ({
  chainSelector,
  onRamp,
  minSeqNr: min,
  maxSeqNr: min + BigInt(ls.length) - 1n,
  merkleRoot: getMerkleRoot(ls),
});
const goodRoot = rootOf(SRC, ONRAMP, 5n, leaves(0, 3));
const goodRoot3 = rootOf(SRC3, ONRAMP3, 9n, leaves(0, 2, 'three'));
const sign = (keys: Hex[], roots: ProposedRoot[], d: RmnDigestDomain = domain) =>
  signRmnReport(keys, { ...d, rmnHomeConfigDigest: config.rmnHomeConfigDigest, merkleRoots: roots.map(toMerkleRoot) });

async function run(query: CommitQuery | undefined, cfg: RmnRemoteConfig | 'unknown' = config) {
  const reasons: string[] = [];
  const races: boolean[] = [];
  const o = commitOutcome(observations, sources, 1, DEFAULT_COMMIT_OPTIONS, query, (r, race) => (reasons.push(r), races.push(race)));
  const checked = await verifyOutcomeBlessing(o, domain, cfg === 'unknown' ? undefined : cfg);
  if (checked.rejected) reasons.push(checked.rejected);
  return { outcome: checked.outcome, reasons, races };
}
const blessedOf = (o: Awaited<ReturnType<typeof run>>['outcome']) => o.roots.filter((r) => r.blessed).map((r) => r.chainSelector);
const unblessedOf = (o: Awaited<ReturnType<typeof run>>['outcome']) => o.roots.filter((r) => !r.blessed).map((r) => r.chainSelector);

describe('commit outcome with RMN blessings', () => {
  it('commits blessed roots with fSign+1 ordered signatures of configured signers, and the report carries them', async () => {
    const rmnSignatures = await sign(rmnKeys.slice(0, 2), [goodRoot, goodRoot3]);
    const { outcome, reasons } = await run({ blessedRoots: [goodRoot, goodRoot3], rmnSignatures });
    expect(reasons).toEqual([]);
    expect(blessedOf(outcome)).toEqual([SRC, SRC3]);
    expect(unblessedOf(outcome)).toEqual([SRC2]);
    const report = decodeCommitReport(buildCommitReport(outcome)!);
    expect(report.blessedMerkleRoots.map((r) => r.merkleRoot)).toEqual([goodRoot.merkleRoot, goodRoot3.merkleRoot]);
    expect(report.unblessedMerkleRoots).toHaveLength(1);
    expect(report.rmnSignatures).toEqual(rmnSignatures);
  });

  it('without a query, lanes that require blessing are never committed (unblessed lanes are)', async () => {
    const { outcome } = await run(undefined);
    expect(blessedOf(outcome)).toEqual([]);
    expect(unblessedOf(outcome)).toEqual([SRC2]);
    expect(decodeCommitReport(buildCommitReport(outcome)!).rmnSignatures).toEqual([]);
  });

  const rejects = async (query: CommitQuery, why: RegExp, cfg?: RmnRemoteConfig, race = false) => {
    const { outcome, reasons, races } = await run(query, cfg);
    expect(blessedOf(outcome)).toEqual([]);
    expect(outcome.rmnSignatures).toEqual([]);
    expect(unblessedOf(outcome)).toEqual([SRC2]); // the rest of the round stands
    expect(reasons.join('; ')).toMatch(why);
    // A race between honest nodes' reads is told apart from roots no honest node could have proposed.
    expect(races.some((r) => r)).toBe(race);
  };

  it('rejects too few signatures', async () => {
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: await sign(rmnKeys.slice(0, 1), [goodRoot]) }, /1 RMN signatures, expected fSign\+1 = 2/);
  });

  it('rejects a signature by a key RMNRemote does not list', async () => {
    const sigs = await sign([rmnKeys[0]!, generatePrivateKey()], [goodRoot]);
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: sigs }, /not a configured RMN signer/);
  });

  it('rejects unordered or repeated signers', async () => {
    const sigs = await sign(rmnKeys.slice(0, 2), [goodRoot]);
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: [sigs[1]!, sigs[0]!] }, /ascending/);
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: [sigs[0]!, sigs[0]!] }, /ascending/);
  });

  it('rejects signatures over other roots, another OffRamp or an unknown config', async () => {
    const otherRoot = { ...goodRoot, merkleRoot: keccak256(toHex('x')) };
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: await sign(rmnKeys.slice(0, 2), [otherRoot]) }, /not a configured RMN signer/);
    const otherRamp = { ...domain, offRamp: ONRAMP2 };
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: await sign(rmnKeys.slice(0, 2), [goodRoot], otherRamp) }, /not a configured RMN signer/);
    const garbage: RmnSignature = { r: `0x${'00'.repeat(32)}`, s: `0x${'00'.repeat(32)}` };
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: [garbage, garbage] }, /recovers no signer/);
    const rmnSignatures = await sign(rmnKeys.slice(0, 2), [goodRoot]);
    const { outcome, reasons } = await run({ blessedRoots: [goodRoot], rmnSignatures }, 'unknown');
    expect(blessedOf(outcome)).toEqual([]);
    expect(reasons.join()).toMatch(/config unknown/);
  });

  it('all or nothing: one blessed root that is not the f+1-agreed leaves drops every blessed root', async () => {
    const forged = rootOf(SRC3, ONRAMP3, 9n, [leaf(0, 'three'), keccak256(toHex('forged'))]);
    const sigs = await sign(rmnKeys.slice(0, 2), [goodRoot, forged]); // validly blessed, but not what the DON saw
    await rejects({ blessedRoots: [goodRoot, forged], rmnSignatures: sigs }, /not the root of the agreed leaves/);
    const tooLong = rootOf(SRC, ONRAMP, 5n, leaves(0, 4));
    await rejects({ blessedRoots: [tooLong], rmnSignatures: await sign(rmnKeys.slice(0, 2), [tooLong]) }, /only 3 leaves are f\+1-agreed/, config, true);
    const wrongStart = rootOf(SRC, ONRAMP, 6n, leaves(1, 3));
    await rejects({ blessedRoots: [wrongStart], rmnSignatures: await sign(rmnKeys.slice(0, 2), [wrongStart]) }, /fewer than f\+1 nodes see 6 as the next seqNr/, config, true);
  });

  it('accepts a blessed root on the next seqNr f+1 nodes report while the DON is split by a landing commit', async () => {
    // Two nodes already see seqNr 5-7 committed (next 8, two newer leaves); two do not yet.
    const ahead = (): CommitObservation => ({ ...obs(), sources: obs().sources.map((s) => (s.chainSelector === SRC ? { ...s, nextSeqNr: 8n, leaves: leaves(3, 5) } : s)) });
    const split = [obs(), obs(), ahead(), ahead()];
    const next = rootOf(SRC, ONRAMP, 8n, leaves(3, 5));
    const rmnSignatures = await sign(rmnKeys.slice(0, 2), [next]);
    const o = commitOutcome(split, sources, 1, DEFAULT_COMMIT_OPTIONS, { blessedRoots: [next], rmnSignatures });
    const checked = await verifyOutcomeBlessing(o, domain, config);
    expect(checked.rejected).toBeUndefined();
    expect(checked.outcome.roots.filter((r) => r.blessed).map((r) => [r.minSeqNr, r.maxSeqNr])).toEqual([[8n, 9n]]);
    // One node ahead is not enough: f+1 must report that next seqNr.
    const reasons: string[] = [];
    commitOutcome([obs(), obs(), obs(), ahead()], sources, 1, DEFAULT_COMMIT_OPTIONS, { blessedRoots: [next], rmnSignatures }, (r) => reasons.push(r));
    expect(reasons.join()).toMatch(/fewer than f\+1 nodes see 8/);
  });

  it('rejects roots for lanes that do not take blessed roots, unknown sources, wrong OnRamps or repeated sources', async () => {
    const r2 = rootOf(SRC2, ONRAMP2, 1n, leaves(0, 2, 'two'));
    const sigs = (roots: ProposedRoot[]) => sign(rmnKeys.slice(0, 2), roots);
    await rejects({ blessedRoots: [r2], rmnSignatures: await sigs([r2]) }, /does not take blessed roots/);
    const unknown = { ...goodRoot, chainSelector: 42n };
    await rejects({ blessedRoots: [unknown], rmnSignatures: await sigs([unknown]) }, /not a source/);
    const ramp = { ...goodRoot, onRamp: ONRAMP2 };
    await rejects({ blessedRoots: [ramp], rmnSignatures: await sigs([ramp]) }, /onRamp/);
    await rejects({ blessedRoots: [goodRoot, goodRoot], rmnSignatures: await sigs([goodRoot, goodRoot]) }, /twice/);
    await rejects({ blessedRoots: [goodRoot], rmnSignatures: [] }, /without RMN signatures/);
  });
});

describe('commit query codec and a byzantine leader', () => {
  it('round-trips and rejects malformed queries with a PluginCodecError', async () => {
    const q = { blessedRoots: [goodRoot], rmnSignatures: await sign(rmnKeys.slice(0, 2), [goodRoot]) };
    expect(decodeCommitQuery(encodeCommitQuery(q))).toEqual(q);
    expect(encodeCommitQuery(undefined)).toBe('0x');
    expect(decodeCommitQuery('0x')).toBeUndefined();
    const bad = (v: unknown) => expect(() => decodeCommitQuery(encodeJson(v))).toThrow(PluginCodecError);
    expect(() => decodeCommitQuery(toHex('garbage'))).toThrow(PluginCodecError);
    bad({ blessedRoots: [], rmnSignatures: [] });
    bad({ blessedRoots: [{ ...goodRoot, minSeqNr: '-1' }], rmnSignatures: [] });
    bad({ blessedRoots: 'x', rmnSignatures: [] });
    bad({ blessedRoots: [{ chainSelector: '1', onRamp: ONRAMP, minSeqNr: '1', maxSeqNr: '1', merkleRoot: '0x12' }], rmnSignatures: [] });
    bad({ blessedRoots: [{ chainSelector: '1', onRamp: ONRAMP, minSeqNr: '1', maxSeqNr: '1', merkleRoot: goodRoot.merkleRoot }], rmnSignatures: [{ r: 1 }] });
    bad({ blessedRoots: Array(65).fill(goodRoot), rmnSignatures: [] });
  });

  it('a malformed query costs only the blessed roots: followers neither throw nor drop the rest of the round', async () => {
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const plugin = createCommitPlugin(
      {
        destChainSelector: DEST,
        sources,
        readNextSeqNr: async () => 1n,
        readLeaves: async () => [],
        now: () => 1_000,
        rmn: { ...domain, config: createRmnConfigCache(async () => config) },
      },
      1,
      {},
      log,
    );
    const ctx = { instance: 'commit:1', seqNr: 1n, epoch: 0, leader: 0 };
    const aos = observations.map((o, observer) => ({ observer, observation: encodeCommitObservation(o) }));
    for (const query of [toHex('garbage'), toHex(JSON.stringify({ blessedRoots: [{}] })), '0xzz' as Hex]) {
      for (const ao of aos) plugin.validateObservation(ctx, query, ao);
      const reports = await plugin.reports(1n, plugin.outcome(ctx, query, aos));
      const report = decodeCommitReport(reports[0]!.report);
      expect(report.blessedMerkleRoots).toEqual([]);
      expect(report.unblessedMerkleRoots.map((r) => r.sourceChainSelector)).toEqual([SRC2]);
    }
    expect(warnings.filter((w) => /malformed query/.test(w))).toHaveLength(3);
  });
});
