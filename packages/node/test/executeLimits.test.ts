import { describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256, toHex, type Address, type Hex } from 'viem';
import {
  decodeExecutionReports,
  encodeGenericExtraArgsV2,
  getLeafHash,
  getMerkleRoot,
  toAny2EVMMessage,
  type EVM2AnyRampMessage,
} from '@openccip/sdk';
import { InboundLedger, localAmount, OnceLog, refill, sourceDecimals, usdValue, waitSeconds, type AggregateLimit, type InboundLimit, type TokenBucket } from '../src/plugins/execute/limits.js';
import { decodeExecuteObservation, encodeExecuteObservation } from '../src/plugins/execute/observation.js';
import { agreedAggregates, agreedLimits, executeOutcome } from '../src/plugins/execute/outcome.js';
import { createExecutePlugin, decodeExecuteOutcome } from '../src/plugins/execute/plugin.js';
import { buildExecuteReport } from '../src/plugins/execute/report.js';
import { DEFAULT_EXECUTE_OPTIONS, type ExecuteOutcome, type ExecutePluginDeps } from '../src/plugins/execute/types.js';
import { encodeJson } from '../src/plugins/codec.js';
import type { LogFields, Logger } from '../src/log.js';

const DEST = 3379446385462418246n;
const SRC = 7759470850252068959n;
const ONRAMP: Address = '0x1111111111111111111111111111111111111111';
const TOKEN: Address = '0x00000000000000000000000000000000000000aa';
const OTHER: Address = '0x00000000000000000000000000000000000000bb';
const ALICE: Address = '0x000000000000000000000000000000000000a11c';
const BOB: Address = '0x0000000000000000000000000000000000000b0b';
const enc = (t: string, v: unknown) => encodeAbiParameters([{ type: t }], [v]);
const bucket = (tokens: bigint, capacity = 1000n, rate = 10n): TokenBucket => ({ isEnabled: true, tokens, capacity, rate });

describe('inbound bucket math', () => {
  it('refills at rate up to capacity; a disabled bucket never changes', () => {
    expect(refill(bucket(100n), 5n).tokens).toBe(150n);
    expect(refill(bucket(990n), 5n).tokens).toBe(1000n);
    expect(refill({ isEnabled: false, tokens: 0n, capacity: 0n, rate: 0n }, 100n).tokens).toBe(0n);
  });
  it('waits whole seconds, rounded up, as the RateLimiter error reports', () => {
    expect(waitSeconds(bucket(100n), 100n)).toBe(0n);
    expect(waitSeconds(bucket(100n), 101n)).toBe(1n);
    expect(waitSeconds(bucket(100n), 110n)).toBe(1n);
    expect(waitSeconds(bucket(100n), 111n)).toBe(2n);
    // After the wait, the refill covers it exactly.
    expect(refill(bucket(100n), waitSeconds(bucket(100n), 555n)).tokens).toBeGreaterThanOrEqual(555n);
  });
});

describe('decimal conversion (as TokenPool._calculateLocalAmount)', () => {
  it('reads the source decimals from the pool data; empty means the same decimals', () => {
    expect(sourceDecimals('0x', 6)).toBe(6);
    expect(sourceDecimals(enc('uint256', 18n), 6)).toBe(18);
    expect(sourceDecimals(enc('uint256', 256n), 6)).toBeUndefined();
    expect(sourceDecimals('0x12', 6)).toBeUndefined();
  });
  it('converts down rounding toward zero, up exactly, and reports overflow', () => {
    expect(localAmount(1_234_567_890_123_456_789n, 18, 6)).toBe(1_234_567n);
    expect(localAmount(999_999_999_999n, 18, 6)).toBe(0n);
    expect(localAmount(1_234_567n, 6, 18)).toBe(1_234_567_000_000_000_000n);
    expect(localAmount(5n, 8, 8)).toBe(5n);
    expect(localAmount(2n ** 255n, 0, 18)).toBeUndefined();
    expect(localAmount(1n, 0, 78)).toBeUndefined();
  });
});

function msg(seqNr: bigint, sender: Address, amounts: { token?: Address; amount: bigint; extraData?: Hex }[], nonce = 0n): EVM2AnyRampMessage {
  return {
    header: { messageId: keccak256(toHex(`m-${seqNr}`)), sourceChainSelector: SRC, destChainSelector: DEST, sequenceNumber: seqNr, nonce },
    sender,
    data: '0x',
    receiver: enc('address', '0x4444444444444444444444444444444444444444'),
    extraArgs: encodeGenericExtraArgsV2({ gasLimit: 0n, allowOutOfOrderExecution: nonce === 0n }),
    feeToken: '0x5555555555555555555555555555555555555555',
    feeTokenAmount: 1n,
    feeValueJuels: 1n,
    tokenAmounts: amounts.map((a) => ({
      sourcePoolAddress: '0x6666666666666666666666666666666666666666',
      destTokenAddress: enc('address', a.token ?? TOKEN),
      extraData: a.extraData ?? '0x',
      amount: a.amount,
      destExecData: enc('uint32', 90_000),
    })),
  };
}

const limit = (b: TokenBucket, token: Address = TOKEN, decimals = 18): InboundLimit => ({ source: SRC, token, decimals, bucket: b });

describe('InboundLedger', () => {
  it('lets a message through only if every token fits, summing repeats of a token', () => {
    const l = new InboundLedger([limit(bucket(100n))]);
    const ex = (m: EVM2AnyRampMessage) => toAny2EVMMessage(m);
    expect(l.check(ex(msg(1n, ALICE, [{ amount: 60n }, { amount: 50n }]))).kind).toBe('wait');
    const ok = l.check(ex(msg(2n, ALICE, [{ amount: 60n }, { token: OTHER, amount: 10n ** 30n }])));
    expect(ok.kind).toBe('ok'); // OTHER has no known limit
    if (ok.kind === 'ok') l.consume(SRC, ok);
    const next = l.check(ex(msg(3n, ALICE, [{ amount: 41n }])));
    expect(next).toMatchObject({ kind: 'wait', amount: 41n, waitSeconds: 1n });
  });
  it('consumes local amounts: 18-decimal source into a 6-decimal pool', () => {
    const l = new InboundLedger([limit(bucket(1_000_000n, 5_000_000n, 1000n), TOKEN, 6)]);
    const d = l.check(toAny2EVMMessage(msg(1n, ALICE, [{ amount: 999_999_999_999_999_999n, extraData: enc('uint256', 18n) }])));
    expect(d.kind).toBe('ok');
    if (d.kind === 'ok') {
      expect([...d.take.values()]).toEqual([999_999n]);
      l.consume(SRC, d);
    }
    // 1 local unit is left: 1.999999e12 source units round down to 1, 2e12 are 2.
    expect(l.check(toAny2EVMMessage(msg(2n, ALICE, [{ amount: 2n * 10n ** 12n - 1n, extraData: enc('uint256', 18n) }]))).kind).toBe('ok');
    expect(l.check(toAny2EVMMessage(msg(3n, ALICE, [{ amount: 2n * 10n ** 12n, extraData: enc('uint256', 18n) }]))).kind).toBe('wait');
  });
  it('says never for amounts over capacity or that the pool cannot convert', () => {
    const l = new InboundLedger([limit(bucket(1000n))]);
    expect(l.check(toAny2EVMMessage(msg(1n, ALICE, [{ amount: 1001n }])))).toMatchObject({ kind: 'never', capacity: 1000n });
    expect(l.check(toAny2EVMMessage(msg(1n, ALICE, [{ amount: 1n, extraData: '0x01' }])))).toMatchObject({ kind: 'never' });
  });
  it('ignores disabled buckets', () => {
    const l = new InboundLedger([limit({ isEnabled: false, tokens: 0n, capacity: 0n, rate: 0n })]);
    expect(l.check(toAny2EVMMessage(msg(1n, ALICE, [{ amount: 10n ** 24n }]))).kind).toBe('ok');
  });
});

describe('USD aggregate limit (the OffRamp interceptor)', () => {
  // $2 per whole 6-decimal token = 2e18 * 1e12 per 1e18 units; $1 per whole 18-decimal OTHER.
  const agg = (tokens: bigint, capacity = 100n * 10n ** 18n): AggregateLimit => ({
    source: SRC,
    bucket: { isEnabled: true, tokens, capacity, rate: 10n ** 18n },
    tokens: [
      { token: TOKEN, decimals: 6, usdPerToken: 2n * 10n ** 30n },
      { token: OTHER, decimals: 18, usdPerToken: 10n ** 18n },
    ],
  });
  const m = (amounts: { token?: Address; amount: bigint; extraData?: Hex }[]) => toAny2EVMMessage(msg(1n, ALICE, amounts));

  it('values local amounts of counted tokens at FeeQuoter prices and takes the sum', () => {
    expect(usdValue(2n * 10n ** 30n, 1_500_000n)).toBe(3n * 10n ** 18n); // 1.5 tokens at $2
    const l = new InboundLedger([], [agg(50n * 10n ** 18n)]);
    // 10 tokens sent with 18 decimals (→ 10e6 local) = $20, plus 15 OTHER = $15: $35 of $50.
    const d = l.check(m([{ amount: 10n * 10n ** 18n, extraData: enc('uint256', 18n) }, { token: OTHER, amount: 15n * 10n ** 18n }]));
    expect(d).toMatchObject({ kind: 'ok', usd: 35n * 10n ** 18n });
    if (d.kind === 'ok') l.consume(SRC, d);
    expect(l.check(m([{ token: OTHER, amount: 16n * 10n ** 18n }]))).toMatchObject({ kind: 'wait', token: 'aggregate', amount: 16n * 10n ** 18n, waitSeconds: 1n });
    expect(l.check(m([{ token: '0x00000000000000000000000000000000000000cc', amount: 10n ** 30n }])).kind).toBe('ok'); // not counted
    expect(l.check(m([{ amount: 51n * 10n ** 6n }]))).toMatchObject({ kind: 'never', token: 'aggregate', capacity: 100n * 10n ** 18n });
  });
  it('applies both the pool bucket and the aggregate: either one defers', () => {
    const l = new InboundLedger([limit(bucket(5n * 10n ** 6n, 10n ** 9n, 10n ** 6n), TOKEN, 6)], [agg(100n * 10n ** 18n)]);
    expect(l.check(m([{ amount: 6n * 10n ** 6n }]))).toMatchObject({ kind: 'wait', token: TOKEN });
    const l2 = new InboundLedger([limit(bucket(10n ** 9n, 10n ** 9n, 10n ** 6n), TOKEN, 6)], [agg(1n * 10n ** 18n)]);
    expect(l2.check(m([{ amount: 1n * 10n ** 6n }]))).toMatchObject({ kind: 'wait', token: 'aggregate' });
  });
  it('agrees on buckets and prices 2f+1 nodes saw, and round-trips the codec', () => {
    const liar: AggregateLimit = { ...agg(0n), tokens: [{ token: OTHER, decimals: 18, usdPerToken: 10n ** 40n }, { token: ALICE, decimals: 0, usdPerToken: 1n }] };
    const got = agreedAggregates([{ roots: [], aggregates: [agg(7n)] }, { roots: [], aggregates: [agg(7n)] }, { roots: [], aggregates: [liar] }], 1);
    expect(got).toEqual([agg(7n)]); // the liar's extra token is dropped, its price and bucket are outvoted
    const o = { roots: [], aggregates: [agg(7n)] };
    expect(decodeExecuteObservation(encodeExecuteObservation(o))).toEqual(o);
    expect(decodeExecuteOutcome(encodeJson(executeOutcome([o, o, o], 1))).aggregates).toEqual([agg(7n)]);
  });
});

describe('agreed inbound limits', () => {
  const obs = (b: TokenBucket) => ({ roots: [], limits: [limit(b)] });
  it('takes per-field medians of 2f+1 views and drops limits fewer nodes saw', () => {
    const got = agreedLimits([obs(bucket(100n)), obs(bucket(0n)), obs(bucket(10n ** 30n, 10n ** 30n))], 1);
    expect(got).toEqual([limit(bucket(100n))]);
    expect(agreedLimits([obs(bucket(100n)), { roots: [] }, { roots: [] }], 1)).toEqual([]);
  });
  it('fails closed when f+1 but fewer than 2f+1 views say a limit is on (nodes that have not seen the root yet)', () => {
    const [got] = agreedLimits([obs(bucket(100n)), obs(bucket(90n)), { roots: [] }], 1);
    expect(got!.bucket).toEqual({ ...bucket(100n), tokens: 0n });
    // ...so a transfer waits for the refill instead of running into the limit.
    expect(new InboundLedger([got!]).check(toAny2EVMMessage(msg(1n, ALICE, [{ amount: 1n }]))).kind).toBe('wait');
  });
  it('drops buckets most views see disabled, and survives the codec round trip', () => {
    const off = { isEnabled: false, tokens: 0n, capacity: 0n, rate: 0n };
    expect(agreedLimits([obs(off), obs(off), obs(bucket(1n))], 1)).toEqual([]);
    const o = obs(bucket(7n));
    expect(decodeExecuteObservation(encodeExecuteObservation(o))).toEqual(o);
    const out = executeOutcome([o, o, o], 1);
    expect(decodeExecuteOutcome(encodeJson(out)).limits).toEqual([limit(bucket(7n))]);
  });
});

function recordingLog() {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const log: Logger = {
    debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
  };
  return { log, lines };
}

describe('execute report with inbound limits', () => {
  // seq 1: Alice ordered 60; 2: Alice ordered 50 (does not fit after 1); 3: Alice ordered 1 (behind 2);
  // 4: Bob ordered 30 (fits after 1); 5: Alice unordered 1 (not behind anything); 6: Bob 5000 (over capacity);
  // 7: Bob ordered 20 (does not fit: 100 - 60 - 30 - 1 = 9 left, 2 s of refill short).
  const msgs = [
    msg(1n, ALICE, [{ amount: 60n }], 1n),
    msg(2n, ALICE, [{ amount: 50n }], 2n),
    msg(3n, ALICE, [{ amount: 1n }], 3n),
    msg(4n, BOB, [{ amount: 30n }], 1n),
    msg(5n, ALICE, [{ amount: 1n }]),
    msg(6n, BOB, [{ amount: 5000n }]),
    msg(7n, BOB, [{ amount: 20n }], 2n),
  ];
  const onRampBytes = enc('address', ONRAMP);
  const leaves = msgs.map((m) => getLeafHash(toAny2EVMMessage(m), onRampBytes));
  const root = getMerkleRoot(leaves);
  const deps: ExecutePluginDeps = {
    destChainSelector: DEST,
    sources: [{ chainSelector: SRC, onRamp: ONRAMP }],
    readPending: async () => [{ merkleRoot: root, minSeqNr: 1n, maxSeqNr: 7n, untouched: msgs.map((m) => m.header.sequenceNumber) }],
    readMessages: async () => msgs,
    readExecutionStates: async (_s, seqNrs) => seqNrs.map(() => 0),
    readInboundLimits: async (source, tokens) => tokens.map((t) => ({ source, token: t, decimals: 18, bucket: bucket(100n) })),
  };
  const outcome = (limits?: InboundLimit[]): ExecuteOutcome => ({
    roots: [{ chainSelector: SRC, merkleRoot: root, minSeqNr: 1n, maxSeqNr: 7n, pending: msgs.map((m) => m.header.sequenceNumber) }],
    ...(limits ? { limits } : {}),
  });
  const included = (report: Hex) => decodeExecutionReports(report).flatMap((r) => r.messages.map((m) => m.header.sequenceNumber));

  it('defers what the bucket cannot cover, holds the same ordered sender behind it, lets over-capacity fail', async () => {
    const { log, lines } = recordingLog();
    const built = await buildExecuteReport(1n, outcome([limit(bucket(100n))]), deps, DEFAULT_EXECUTE_OPTIONS, log, undefined, new OnceLog(log));
    expect(included(built!.report)).toEqual([1n, 4n, 5n, 6n]);
    const deferred = lines.filter((l) => l.msg.includes('deferred'));
    expect(deferred.map((l) => l.fields)).toEqual([
      { dest: DEST.toString(), source: SRC.toString(), messageId: msgs[1]!.header.messageId, seqNr: '2', token: TOKEN, amount: '50', waitSeconds: 1 },
      { dest: DEST.toString(), source: SRC.toString(), messageId: msgs[6]!.header.messageId, seqNr: '7', token: TOKEN, amount: '20', waitSeconds: 2 },
    ]);
    expect(lines.some((l) => l.msg.includes('behind') && l.fields?.seqNr === '3' && l.fields.behind === msgs[1]!.header.messageId)).toBe(true);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.fields?.seqNr)).toEqual(['6']);
  });

  it('includes everything once the bucket has refilled, and logs a deferral once per message', async () => {
    const { log, lines } = recordingLog();
    const once = new OnceLog(log);
    await buildExecuteReport(1n, outcome([limit(bucket(100n))]), deps, DEFAULT_EXECUTE_OPTIONS, log, undefined, once);
    await buildExecuteReport(2n, outcome([limit(bucket(100n))]), deps, DEFAULT_EXECUTE_OPTIONS, log, undefined, once);
    expect(lines.filter((l) => l.fields?.seqNr === '2')).toHaveLength(1);
    // After 1, 4, 5 and 6 executed, the rest is pending; a bucket refilled to capacity covers all of it.
    const rest = { ...outcome([limit(refill(bucket(0n), 1000n))]) };
    rest.roots[0]!.pending = [2n, 3n, 7n];
    const built = await buildExecuteReport(3n, rest, deps, DEFAULT_EXECUTE_OPTIONS, log, undefined, once);
    expect(included(built!.report)).toEqual([2n, 3n, 7n]);
    // Without agreed limits (old nodes), nothing is deferred.
    expect(included((await buildExecuteReport(4n, outcome(), deps, DEFAULT_EXECUTE_OPTIONS))!.report)).toHaveLength(7);
  });

  it('the plugin observes the buckets of pending tokens and its report defers through the agreed outcome', async () => {
    const asked: Address[][] = [];
    const plugin = createExecutePlugin({ ...deps, readInboundLimits: async (s, t) => (asked.push([...t]), deps.readInboundLimits!(s, t)) }, 1);
    const ctx = { instance: 'execute:x', seqNr: 1n, epoch: 1, leader: 0 };
    const ob = await plugin.observation(ctx, '0x');
    expect(asked).toEqual([[TOKEN]]); // one read per (source, token) per round
    const aos = [0, 1, 2].map((observer) => ({ observer, observation: ob }));
    const reports = await plugin.reports(1n, plugin.outcome(ctx, '0x', aos));
    expect(included(reports[0]!.report)).toEqual([1n, 4n, 5n, 6n]);
  });
});
