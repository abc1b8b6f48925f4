import { describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256, toHex, type Hex } from 'viem';
import {
  decodeExecutionReports,
  encodeGenericExtraArgsV2,
  getLeafHash,
  getMerkleRoot,
  toAny2EVMMessage,
  verifyMultiProof,
  type EVM2AnyRampMessage,
} from '@openccip/sdk';
import { executeOutcome } from '../src/plugins/execute/outcome.js';
import { createExecutePlugin } from '../src/plugins/execute/plugin.js';
import { decodeExecuteObservation, encodeExecuteObservation } from '../src/plugins/execute/observation.js';
import { buildExecuteReport, VerifiedRootCache } from '../src/plugins/execute/report.js';
import { LeafCache } from '../src/runtime/leafCache.js';
import { DEFAULT_EXECUTE_OPTIONS, type ExecuteObservation, type ExecutePluginDeps } from '../src/plugins/execute/types.js';

const DEST = 3379446385462418246n;
const SRC_A = 7759470850252068959n;
const SRC_B = 16015286601757825753n;
const ONRAMPS = new Map<bigint, Hex>([
  [SRC_A, '0x1111111111111111111111111111111111111111'],
  [SRC_B, '0x2222222222222222222222222222222222222222'],
]);
const onRampOf = (source: bigint): Hex => ONRAMPS.get(source)!;

function message(source: bigint, seqNr: bigint, gasLimit = 200_000n): EVM2AnyRampMessage {
  return {
    header: { messageId: keccak256(toHex(`${source}-${seqNr}`)), sourceChainSelector: source, destChainSelector: DEST, sequenceNumber: seqNr, nonce: 0n },
    sender: '0x3333333333333333333333333333333333333333',
    data: toHex(`data ${seqNr}`),
    receiver: encodeAbiParameters([{ type: 'address' }], ['0x4444444444444444444444444444444444444444']),
    extraArgs: encodeGenericExtraArgsV2({ gasLimit, allowOutOfOrderExecution: true }),
    feeToken: '0x5555555555555555555555555555555555555555',
    feeTokenAmount: 1n,
    feeValueJuels: 1n,
    tokenAmounts: [],
  };
}

function lane(source: bigint, n: number) {
  const msgs = Array.from({ length: n }, (_, i) => message(source, BigInt(i + 1)));
  const onRamp = encodeAbiParameters([{ type: 'address' }], [onRampOf(source)]);
  const leaves = msgs.map((m) => getLeafHash(toAny2EVMMessage(m), onRamp));
  return { msgs, leaves, root: getMerkleRoot(leaves) };
}

const A = lane(SRC_A, 10);
const B = lane(SRC_B, 6);

function deps(states: Map<string, number> = new Map()): ExecutePluginDeps {
  const lanes = { [SRC_A.toString()]: A, [SRC_B.toString()]: B };
  return {
    destChainSelector: DEST,
    sources: [
      { chainSelector: SRC_A, onRamp: onRampOf(SRC_A) },
      { chainSelector: SRC_B, onRamp: onRampOf(SRC_B) },
    ],
    readPending: async (source) => {
      const l = lanes[source.toString()]!;
      const untouched = l.msgs.map((m) => m.header.sequenceNumber).filter((s) => (states.get(`${source}:${s}`) ?? 0) === 0);
      return untouched.length ? [{ merkleRoot: l.root, minSeqNr: 1n, maxSeqNr: BigInt(l.msgs.length), untouched }] : [];
    },
    readMessages: async (source, min, max) => lanes[source.toString()]!.msgs.filter((m) => m.header.sequenceNumber >= min && m.header.sequenceNumber <= max),
    readExecutionStates: async (source, seqNrs) => seqNrs.map((s) => states.get(`${source}:${s}`) ?? 0),
  };
}

describe('execute outcome', () => {
  const root = (untouched: bigint[], r: Hex = A.root) => ({ chainSelector: SRC_A, merkleRoot: r, minSeqNr: 1n, maxSeqNr: 10n, untouched });
  it('keeps roots and messages f+1 nodes report, drops invented ones', () => {
    const honest: ExecuteObservation = { roots: [root([2n, 3n, 4n])] };
    const liar: ExecuteObservation = { roots: [root([1n, 2n, 3n, 4n, 5n]), root([1n], keccak256(toHex('invented')))] };
    const o = executeOutcome([honest, honest, liar], 1);
    expect(o.roots).toHaveLength(1);
    expect(o.roots[0]!.pending).toEqual([2n, 3n, 4n]);
  });
  it('a message executed meanwhile (untouched for only f nodes) is not pending', () => {
    const o = executeOutcome([{ roots: [root([2n, 3n])] }, { roots: [root([3n])] }, { roots: [root([3n])] }], 1);
    expect(o.roots[0]!.pending).toEqual([3n]);
  });
});

describe('execute report', () => {
  it('proves every picked message against its committed root, across sources', async () => {
    const d = deps();
    const outcome = executeOutcome([await obsOf(d), await obsOf(d)], 1);
    const built = await buildExecuteReport(1n, outcome, d, DEFAULT_EXECUTE_OPTIONS);
    expect(built?.count).toBe(16);
    const reports = decodeExecutionReports(built!.report);
    expect(reports.map((r) => r.sourceChainSelector).sort()).toEqual([SRC_A, SRC_B].sort());
    for (const r of reports) {
      const l = r.sourceChainSelector === SRC_A ? A : B;
      const onRamp = encodeAbiParameters([{ type: 'address' }], [onRampOf(r.sourceChainSelector)]);
      const leaves = r.messages.map((m) => getLeafHash(m, onRamp));
      expect(verifyMultiProof({ root: l.root, leaves, proofs: r.proofs, proofFlagBits: r.proofFlagBits })).toBe(true);
    }
  });

  it('stays under the gas budget, rotating which source goes first', async () => {
    const d = deps();
    const outcome = executeOutcome([await obsOf(d), await obsOf(d)], 1);
    const opts = { ...DEFAULT_EXECUTE_OPTIONS, gasBudget: 3 * 260_000 };
    const first = decodeExecutionReports((await buildExecuteReport(0n, outcome, d, opts))!.report);
    const second = decodeExecutionReports((await buildExecuteReport(1n, outcome, d, opts))!.report);
    expect(first.flatMap((r) => r.messages)).toHaveLength(3);
    expect(first[0]!.sourceChainSelector).not.toBe(second[0]!.sourceChainSelector);
  });

  it('reads and hashes a root once across rounds when given a cache, with the same report', async () => {
    const d = deps();
    let reads = 0;
    const counting: ExecutePluginDeps = { ...d, readMessages: async (s, min, max) => (reads++, d.readMessages(s, min, max)) };
    const outcome = executeOutcome([await obsOf(d), await obsOf(d)], 1);
    const cache = new VerifiedRootCache();
    const first = await buildExecuteReport(1n, outcome, counting, DEFAULT_EXECUTE_OPTIONS, undefined, cache);
    const second = await buildExecuteReport(1n, outcome, counting, DEFAULT_EXECUTE_OPTIONS, undefined, cache);
    expect(reads).toBe(2); // one per root (two sources), not per round
    expect(second!.report).toBe(first!.report);
    expect(first!.report).toBe((await buildExecuteReport(1n, outcome, d, DEFAULT_EXECUTE_OPTIONS))!.report);
  });

  it('takes leaves the commit side already hashed (shared LeafCache), with the same report', async () => {
    const d = deps();
    const outcome = executeOutcome([await obsOf(d), await obsOf(d)], 1);
    const leaves = new LeafCache();
    // The commit side hashed lane A's messages already: those are hits, lane B's are hashed here once.
    for (const m of A.msgs) leaves.leaf(m.header.messageId, encodeAbiParameters([{ type: 'address' }], [onRampOf(SRC_A)]), () => getLeafHash(toAny2EVMMessage(m), encodeAbiParameters([{ type: 'address' }], [onRampOf(SRC_A)])));
    let hashed = 0;
    const shared: ExecutePluginDeps = {
      ...d,
      leafHash: (m, onRamp) => leaves.leaf(m.header.messageId, onRamp, () => (hashed++, getLeafHash(m, onRamp))),
    };
    const built = await buildExecuteReport(1n, outcome, shared, DEFAULT_EXECUTE_OPTIONS);
    expect(hashed).toBe(B.msgs.length);
    expect(leaves.size).toBe(A.msgs.length + B.msgs.length);
    expect(built!.report).toBe((await buildExecuteReport(1n, outcome, d, DEFAULT_EXECUTE_OPTIONS))!.report);
  });

  it('a leaf cache is keyed by lane too and drops a lane\'s oldest entries at its per-lane bound', () => {
    const cache = new LeafCache(2);
    const [id, id2, id3] = ['m', 'n', 'o'].map((x) => keccak256(toHex(x)));
    expect(cache.leaf(id!, '0x01', () => '0xaa')).toBe('0xaa');
    expect(cache.leaf(id!, '0x02', () => '0xbb')).toBe('0xbb');
    expect(cache.leaf(id!, '0x01', () => '0xcc')).toBe('0xaa');
    expect(cache.peek(id!, '0x02')).toBe('0xbb');
    cache.leaf(id2!, '0x01', () => '0xdd');
    expect(cache.size).toBe(3);
    cache.leaf(id3!, '0x01', () => '0xff');
    expect(cache.size).toBe(3); // lane 0x01 is at its bound of 2
    expect(cache.peek(id!, '0x01')).toBeUndefined(); // its oldest went first
    expect(cache.peek(id!, '0x02')).toBe('0xbb'); // the other lane kept its own
    expect(cache.leaf(id!, '0x01', () => '0xee')).toBe('0xee');
  });

  it('leaves out a root whose stored messages do not hash to it', async () => {
    const d = deps();
    const outcome = executeOutcome([await obsOf(d), await obsOf(d)], 1);
    const tampered: ExecutePluginDeps = {
      ...d,
      readMessages: async (s, min, max) => (await d.readMessages(s, min, max))!.map((m) => (s === SRC_A ? { ...m, data: '0xdead' as Hex } : m)),
    };
    const reports = decodeExecutionReports((await buildExecuteReport(0n, outcome, tampered, DEFAULT_EXECUTE_OPTIONS))!.report);
    expect(reports.map((r) => r.sourceChainSelector)).toEqual([SRC_B]);
  });
});

describe('execute plugin', () => {
  it('does not transmit once everything in the report was executed by someone else', async () => {
    const states = new Map<string, number>();
    const d = deps(states);
    const plugin = createExecutePlugin(d, 1);
    const ctx = { instance: 'execute:1', seqNr: 1n, epoch: 0, leader: 0 };
    const observation = await plugin.observation(ctx, '0x');
    const outcome = plugin.outcome(ctx, '0x', [0, 1].map((observer) => ({ observer, observation })));
    const [report] = await plugin.reports(1n, outcome);
    expect(await plugin.shouldTransmitAcceptedReport(1n, report!)).toBe(true);
    for (const l of [A, B]) for (const m of l.msgs) states.set(`${m.header.sourceChainSelector}:${m.header.sequenceNumber}`, 2);
    expect(await plugin.shouldTransmitAcceptedReport(1n, report!)).toBe(false);
  });

  it('transmits only while the report has not landed (one state read); what a landed copy skipped is observed again at once', async () => {
    const states = new Map<string, number>();
    const d = deps(states);
    let reads = 0;
    const counting: ExecutePluginDeps = { ...d, readExecutionStates: async (s, seqNrs) => ((reads += seqNrs.length), d.readExecutionStates(s, seqNrs)) };
    const plugin = createExecutePlugin(counting, 1);
    const ctx = { instance: 'execute:1', seqNr: 1n, epoch: 0, leader: 0 };
    const observation = await plugin.observation(ctx, '0x');
    const outcome = plugin.outcome(ctx, '0x', [0, 1].map((observer) => ({ observer, observation })));
    const [report] = await plugin.reports(1n, outcome);
    const decoded = decodeExecutionReports(report!.report);
    const seqNrs = decoded.flatMap((r) => r.messages.map((m) => `${r.sourceChainSelector}:${m.header.sequenceNumber}`));
    expect(seqNrs.length).toBe(A.msgs.length + B.msgs.length);
    expect(await plugin.shouldAcceptAttestedReport(1n, report!)).toBe(true);
    expect(await plugin.shouldTransmitAcceptedReport(1n, report!)).toBe(true);
    expect(reads).toBe(1);
    // Signed: its messages are in flight, not observed again.
    expect(decodeExecuteObservation(await plugin.observation(ctx, '0x')).roots).toEqual([]);
    // A copy landed but the OffRamp skipped the last message (an ordered sender behind a report still in flight).
    for (const k of seqNrs.slice(0, -1)) states.set(k, 2);
    reads = 0;
    expect(await plugin.shouldTransmitAcceptedReport(1n, report!)).toBe(false);
    expect(reads).toBe(1);
    const [source, last] = seqNrs.at(-1)!.split(':').map(BigInt) as [bigint, bigint];
    const again = decodeExecuteObservation(await plugin.observation(ctx, '0x')).roots;
    expect(again.map((r) => [r.chainSelector, r.untouched])).toEqual([[source, [last]]]);
    // Released once: the new report that carries it is in flight again like any other.
    const [second] = await plugin.reports(2n, plugin.outcome(ctx, '0x', [0, 1].map((observer) => ({ observer, observation: encodeExecuteObservation({ roots: again }) }))));
    expect(await plugin.shouldAcceptAttestedReport(2n, second!)).toBe(true);
    expect(decodeExecuteObservation(await plugin.observation(ctx, '0x')).roots).toEqual([]);
    // A report this node did not build (decoded instead of remembered) gives the same answers.
    const other = createExecutePlugin(d, 1);
    expect(await other.shouldTransmitAcceptedReport(1n, report!)).toBe(false);
    states.delete(seqNrs[0]!);
    expect(await other.shouldTransmitAcceptedReport(1n, report!)).toBe(true);
  });
});

describe('execute plugin: ordered senders', () => {
  it("does not observe an ordered sender's next message while its previous one is in a report in flight", async () => {
    const X = '0x000000000000000000000000000000000000000a';
    const Y = '0x000000000000000000000000000000000000000b';
    const spec: [Hex, bigint][] = [[X, 1n], [Y, 1n], [X, 2n], [Y, 0n]]; // seqNr 4: out of order (nonce 0)
    const msgs = spec.map(([sender, nonce], i) => ({ ...message(SRC_A, BigInt(i + 1)), sender, header: { ...message(SRC_A, BigInt(i + 1)).header, nonce } }));
    const onRamp = encodeAbiParameters([{ type: 'address' }], [onRampOf(SRC_A)]);
    const root = getMerkleRoot(msgs.map((m) => getLeafHash(toAny2EVMMessage(m), onRamp)));
    const states = new Map<bigint, number>();
    const d: ExecutePluginDeps = {
      destChainSelector: DEST,
      sources: [{ chainSelector: SRC_A, onRamp: onRampOf(SRC_A) }],
      readPending: async () => {
        const untouched = msgs.map((m) => m.header.sequenceNumber).filter((s) => (states.get(s) ?? 0) === 0);
        return untouched.length ? [{ merkleRoot: root, minSeqNr: 1n, maxSeqNr: 4n, untouched }] : [];
      },
      readMessages: async (_s, min, max) => msgs.filter((m) => m.header.sequenceNumber >= min && m.header.sequenceNumber <= max),
      readExecutionStates: async (_s, seqNrs) => seqNrs.map((s) => states.get(s) ?? 0),
    };
    const plugin = createExecutePlugin(d, 1, { maxMessagesPerReport: 2 });
    const ctx = { instance: 'execute:1', seqNr: 1n, epoch: 0, leader: 0 };
    const untouchedNow = async () => decodeExecuteObservation(await plugin.observation(ctx, '0x')).roots.flatMap((r) => r.untouched);
    const observation = await plugin.observation(ctx, '0x');
    expect(decodeExecuteObservation(observation).roots[0]!.untouched).toEqual([1n, 2n, 3n, 4n]);
    const [report] = await plugin.reports(1n, plugin.outcome(ctx, '0x', [0, 1].map((observer) => ({ observer, observation }))));
    expect(decodeExecutionReports(report!.report)[0]!.messages.map((m) => m.header.sequenceNumber)).toEqual([1n, 2n]);
    await plugin.shouldAcceptAttestedReport(1n, report!);
    // 1 (X) and 2 (Y) in flight: X's next (3) waits; 4 is out of order and goes on.
    expect(await untouchedNow()).toEqual([4n]);
    states.set(1n, 2);
    states.set(2n, 2);
    expect(await untouchedNow()).toEqual([3n, 4n]);
  });
});

async function obsOf(d: ExecutePluginDeps): Promise<ExecuteObservation> {
  const roots: ExecuteObservation['roots'] = [];
  for (const s of d.sources) for (const r of await d.readPending(s.chainSelector)) roots.push({ chainSelector: s.chainSelector, ...r });
  return { roots };
}
