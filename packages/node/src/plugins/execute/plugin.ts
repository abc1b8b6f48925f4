import { decodeExecutionReports, keccak256, toAny2EVMMessage } from '@openccip/sdk';
import type { Address, Hex } from 'viem';
import type { ReportingPlugin, RoundContext } from '../../consensus/types.js';
import { noopLogger, type Logger } from '../../log.js';
import { InflightCache } from '../../runtime/inflight.js';
import { U64, asArray, asBigint, asBytes32, asObject, decodeJson, encodeJson } from '../codec.js';
import { MAX_LIMITS, decodeAggregateLimits, decodeExecuteObservation, decodeInboundLimits, encodeExecuteObservation } from './observation.js';
import { OnceLog, type AggregateLimit, type InboundLimit } from './limits.js';
import { executeOutcome } from './outcome.js';
import { buildExecuteReport, VerifiedRootCache } from './report.js';
import { DEFAULT_EXECUTE_OPTIONS, type ExecuteObservation, type ExecuteOutcome, type ExecutePluginDeps, type ExecutePluginOptions, type PendingRoot } from './types.js';

const UNTOUCHED = 0;

/** The execute plugin for one destination chain: executes committed, untouched messages in gas-bounded batches. */
export function createExecutePlugin(
  deps: ExecutePluginDeps,
  f: number,
  opts: Partial<ExecutePluginOptions> = {},
  log: Logger = noopLogger,
): ReportingPlugin {
  const options = { ...DEFAULT_EXECUTE_OPTIONS, ...opts };
  const dest = deps.destChainSelector;
  // Messages in reports this DON signed that the OffRamp does not show executed yet: not observed as pending
  // again until they land or the entry expires (then they are retried).
  const inflight = new InflightCache<string>(options.inflightTtlMs);
  const verifiedRoots = new VerifiedRootCache();
  const rootInfo = new RootInfoCache();
  const deferrals = new OnceLog(log);
  // The (source, seqNrs) of the reports this node built, so accepting and transmitting them needs no ABI decoding.
  const built = new ReportSeqNrs();

  /**
   * Committed messages this node sees untouched and not in a report it signed. All sources' pending sets are read
   * before any is filtered: releasing a landed report can free messages of every source it spans.
   */
  async function untouchedRoots(ctx?: RoundContext): Promise<ExecuteObservation['roots']> {
    const pending = new Map<bigint, PendingRoot[]>();
    for (const source of deps.sources) {
      try {
        pending.set(source.chainSelector, await deps.readPending(source.chainSelector));
      } catch (err) {
        log.warn('execute observation: source unreadable', {
          dest: dest.toString(),
          source: source.chainSelector.toString(),
          seqNr: ctx?.seqNr.toString(),
          error: (err as Error).message,
        });
      }
    }
    releaseLanded(pending);
    const out: ExecuteObservation['roots'] = [];
    for (const [source, roots] of pending) {
      // An ordered sender with a message in flight: its later messages wait for it to land, or a report that lands
      // first (another transmitter, same block) would have them skipped.
      const waiting = new Set<Hex>();
      for (const r of [...roots].sort((a, b) => (a.minSeqNr < b.minSeqNr ? -1 : 1))) {
        const info = await rootInfo.of(deps, { chainSelector: source, ...r }).catch(() => undefined);
        const untouched = r.untouched.filter((s) => {
          const sender = info?.get(s)?.orderedSender;
          if (inflight.has(`${source}:${s}`)) {
            if (sender) waiting.add(sender);
            return false;
          }
          return !(sender && waiting.has(sender));
        });
        if (untouched.length > 0) out.push({ chainSelector: source, ...r, untouched });
      }
    }
    return out;
  }

  /**
   * A signed report whose first message is no longer untouched has landed (or was overtaken): its messages the
   * OffRamp skipped (an ordered sender whose previous message was in a report that landed later) are released from
   * the in-flight set at once, to go into a new report, instead of waiting for the entry to expire. Once per report.
   */
  function releaseLanded(pending: ReadonlyMap<bigint, readonly PendingRoot[]>): void {
    for (const entry of built.unreleased()) {
      const first = entry.parts.find((p) => p.seqNrs.length > 0);
      const roots = first && pending.get(first.source);
      // A source that could not be read tells nothing: wait for a round that reads it.
      if (!first || !roots || roots.some((r) => r.untouched.includes(first.seqNrs[0]!))) continue;
      entry.released = true;
      for (const p of entry.parts) for (const s of p.seqNrs) inflight.delete(`${p.source}:${s}`);
    }
  }

  return {
    async hasWork() {
      return (await untouchedRoots()).length > 0;
    },

    async query() {
      return '0x';
    },

    async observation(ctx: RoundContext) {
      const roots = await untouchedRoots(ctx);
      const read = await readLimits(roots, ctx.seqNr);
      return encodeExecuteObservation({ roots, ...read });
    },

    validateObservation(_ctx, _query, ao) {
      decodeExecuteObservation(ao.observation);
    },

    outcome(_ctx, _query, aos) {
      return encodeJson(executeOutcome(aos.map((ao) => decodeExecuteObservation(ao.observation)), f));
    },

    async reports(seqNr, outcome: Hex) {
      const r = await buildExecuteReport(seqNr, decodeExecuteOutcome(outcome), deps, options, log, verifiedRoots, deferrals);
      if (!r) return [];
      built.set(r.report, r.seqNrs);
      return [{ report: r.report, info: `execute dest=${dest} messages=${r.count}` }];
    },

    async shouldAcceptAttestedReport(_seqNr, r) {
      for (const { source, seqNrs } of built.get(r.report)) inflight.add(seqNrs.map((s) => `${source}:${s}`));
      inflight.prune();
      return true;
    },

    /**
     * Send only if the report has not landed: its first message is still untouched. Once an earlier transmitter's
     * copy landed, sending it again would only re-pay for every message in it; what that copy left untouched (an
     * ordered sender's message skipped behind one still in flight) goes into a new report (releaseLanded).
     */
    async shouldTransmitAcceptedReport(_seqNr, r) {
      const first = built.get(r.report).find((x) => x.seqNrs.length > 0);
      if (!first) return false;
      const [state] = await deps.readExecutionStates(first.source, first.seqNrs.slice(0, 1));
      return state === UNTOUCHED;
    },
  };

  /**
   * The inbound buckets of the tokens the observed untouched messages carry: read once per round per
   * (source, token). Undefined when the node has no reader (it then reports no limits at all).
   */
  async function readLimits(roots: ExecuteObservation['roots'], round: bigint): Promise<Pick<ExecuteObservation, 'limits' | 'aggregates'>> {
    if (!deps.readInboundLimits && !deps.readAggregateLimit) return {};
    const tokensBySource = new Map<bigint, Set<Address>>();
    for (const r of roots) {
      const tokens = await rootInfo.tokensOf(deps, r).catch(() => new Set<Address>());
      if (tokens.size === 0) continue;
      const set = tokensBySource.get(r.chainSelector) ?? new Set<Address>();
      for (const t of tokens) set.add(t);
      tokensBySource.set(r.chainSelector, set);
    }
    const limits: InboundLimit[] = [];
    const aggregates: AggregateLimit[] = [];
    for (const [source, tokens] of tokensBySource) {
      try {
        const sorted = [...tokens].sort();
        if (deps.readInboundLimits) limits.push(...(await deps.readInboundLimits(source, sorted)));
        const agg = deps.readAggregateLimit ? await deps.readAggregateLimit(source, sorted) : undefined;
        if (agg) aggregates.push({ ...agg, tokens: agg.tokens.slice(0, MAX_LIMITS) });
      } catch (err) {
        log.warn('execute observation: inbound rate limits unreadable', {
          dest: dest.toString(),
          source: source.toString(),
          seqNr: round.toString(),
          error: (err as Error).message,
        });
      }
    }
    return {
      ...(deps.readInboundLimits ? { limits: limits.slice(0, MAX_LIMITS) } : {}),
      ...(aggregates.length > 0 ? { aggregates } : {}),
    };
  }
}

/**
 * Per execution report (by its hash: keyed by the bytes, the map would keep 16 reports of up to ~200 KB of hex
 * alive): the source and seqNrs of each of its per-source reports.
 */
class ReportSeqNrs {
  private readonly reports = new Map<Hex, { parts: { source: bigint; seqNrs: bigint[] }[]; released: boolean }>();
  constructor(private readonly max = 16) {}

  set(report: Hex, parts: { source: bigint; seqNrs: bigint[] }[]): void {
    const key = keccak256(report);
    if (this.reports.has(key)) return; // built again for a later round: keep whether it was released
    if (this.reports.size >= this.max) this.reports.delete(this.reports.keys().next().value!);
    this.reports.set(key, { parts, released: false });
  }

  /** Remembered for a report this node built, else decoded from the report. */
  get(report: Hex): { source: bigint; seqNrs: bigint[] }[] {
    return (
      this.reports.get(keccak256(report))?.parts ??
      decodeExecutionReports(report).map((x) => ({ source: x.sourceChainSelector, seqNrs: x.messages.map((m) => m.header.sequenceNumber) }))
    );
  }

  /** Reports not released yet (see releaseLanded); set `released` on an entry to mark it. */
  *unreleased(): Generator<{ parts: { source: bigint; seqNrs: bigint[] }[]; released: boolean }> {
    for (const e of this.reports.values()) if (!e.released) yield e;
  }
}

/** What the plugin needs of a committed message besides its state: its ordered sender and destination tokens. */
interface MessageInfo {
  /** The sender, for messages executed in nonce order (nonce ≠ 0); undefined for out-of-order ones. */
  orderedSender: Hex | undefined;
  tokens: Address[];
}

type RootKey = { chainSelector: bigint; merkleRoot: Hex; minSeqNr: bigint; maxSeqNr: bigint };

/** MessageInfo of a root's messages by seqNr, read from the store once per root. */
class RootInfoCache {
  private readonly roots = new Map<string, Map<bigint, MessageInfo>>();
  constructor(private readonly maxRoots = 64) {}

  /** Undefined while this node has not stored the root's messages (it cannot execute them either). */
  async of(deps: ExecutePluginDeps, r: RootKey): Promise<Map<bigint, MessageInfo> | undefined> {
    const key = `${r.chainSelector}:${r.merkleRoot}:${r.minSeqNr}:${r.maxSeqNr}`;
    let bySeqNr = this.roots.get(key);
    if (!bySeqNr) {
      const messages = await deps.readMessages(r.chainSelector, r.minSeqNr, r.maxSeqNr);
      if (!messages) return undefined;
      bySeqNr = new Map();
      for (const m of messages) {
        // One object shape for every entry (a conditional spread gave each its own hidden class: ~16k of them).
        bySeqNr.set(m.header.sequenceNumber, {
          orderedSender: m.header.nonce !== 0n ? (m.sender.toLowerCase() as Hex) : undefined,
          tokens: m.tokenAmounts.length === 0 ? [] : toAny2EVMMessage(m).tokenAmounts.map((t) => t.destTokenAddress.toLowerCase() as Address),
        });
      }
      if (this.roots.size >= this.maxRoots) this.roots.delete(this.roots.keys().next().value!);
      this.roots.set(key, bySeqNr);
    }
    return bySeqNr;
  }

  /** Destination tokens of the root's untouched messages. */
  async tokensOf(deps: ExecutePluginDeps, r: ExecuteObservation['roots'][number]): Promise<Set<Address>> {
    const info = await this.of(deps, r);
    return new Set(info ? r.untouched.flatMap((s) => info.get(s)?.tokens ?? []) : []);
  }
}

export function decodeExecuteOutcome(encoded: Hex): ExecuteOutcome {
  const o = asObject(decodeJson(encoded), 'outcome');
  return {
    roots: asArray(o.roots, 'roots', 4096).map((r, i) => {
      const x = asObject(r, `roots[${i}]`);
      return {
        chainSelector: asBigint(x.chainSelector, 'chainSelector', U64),
        merkleRoot: asBytes32(x.merkleRoot, 'merkleRoot'),
        minSeqNr: asBigint(x.minSeqNr, 'minSeqNr', U64),
        maxSeqNr: asBigint(x.maxSeqNr, 'maxSeqNr', U64),
        pending: asArray(x.pending, 'pending', 256).map((s) => asBigint(s, 'pending', U64)),
      };
    }),
    ...(o.limits === undefined ? {} : { limits: decodeInboundLimits(o.limits, 'limits') }),
    ...(o.aggregates === undefined ? {} : { aggregates: decodeAggregateLimits(o.aggregates, 'aggregates') }),
  };
}
