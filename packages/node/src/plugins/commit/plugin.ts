import type { Hex } from 'viem';
import type { ReportingPlugin, ReportWithInfo, RoundContext, AttributedObservation } from '../../consensus/types.js';
import { noopLogger, type Logger } from '../../log.js';
import { U64, asAddress, asArray, asBigint, asBytes32, asObject, decodeJson, encodeJson } from '../codec.js';
import { decodeCommitObservation, encodeCommitObservation } from './observation.js';
import { commitOutcome } from './outcome.js';
import { decodeCommitReport } from '@openccip/sdk';
import { buildCommitReport } from './report.js';
import { DEFAULT_COMMIT_OPTIONS, type CommitObservation, type CommitOutcome, type CommitPluginDeps, type CommitPluginOptions } from './types.js';

/** The commit plugin for one destination chain: roots of finalized messages per source, plus price updates. */
export function createCommitPlugin(
  deps: CommitPluginDeps,
  f: number,
  opts: Partial<CommitPluginOptions> = {},
  log: Logger = noopLogger,
): ReportingPlugin {
  const options = { ...DEFAULT_COMMIT_OPTIONS, ...opts };
  const dest = deps.destChainSelector;
  // Roots this DON signed that the OffRamp has not accepted yet, per source: observing past them would only
  // produce a conflicting root that reverts, so such a source sits out until its root lands or the entry expires.
  const inflight = new Map<bigint, { maxSeqNr: bigint; until: number }>();

  return {
    async query() {
      return '0x';
    },

    async observation(ctx: RoundContext) {
      const sources: CommitObservation['sources'] = [];
      for (const source of deps.sources) {
        try {
          const nextSeqNr = await deps.readNextSeqNr(source.chainSelector);
          const pending = inflight.get(source.chainSelector);
          if (pending && pending.maxSeqNr >= nextSeqNr && pending.until > Date.now()) continue;
          inflight.delete(source.chainSelector);
          const leaves = await deps.readLeaves(source.chainSelector, nextSeqNr, options.maxLeavesPerRoot);
          sources.push({ chainSelector: source.chainSelector, nextSeqNr, leaves });
        } catch (err) {
          log.warn('commit observation: source unreadable', {
            dest: dest.toString(),
            source: source.chainSelector.toString(),
            seqNr: ctx.seqNr.toString(),
            error: (err as Error).message,
          });
        }
      }
      let prices;
      try {
        prices = deps.readPrices ? await deps.readPrices() : undefined;
      } catch (err) {
        log.warn('commit observation: prices unreadable', { dest: dest.toString(), error: (err as Error).message });
      }
      return encodeCommitObservation({ sources, prices, time: deps.now() });
    },

    validateObservation(_ctx, _query, ao: AttributedObservation) {
      decodeCommitObservation(ao.observation, options.maxLeavesPerRoot);
    },

    outcome(_ctx, _query, aos) {
      const observations = aos.map((ao) => decodeCommitObservation(ao.observation, options.maxLeavesPerRoot));
      return encodeJson(commitOutcome(observations, deps.sources, f, options));
    },

    reports(_seqNr, outcome: Hex): ReportWithInfo[] {
      const o = decodeCommitOutcome(outcome);
      const report = buildCommitReport(o);
      if (!report) return [];
      const info = o.roots.map((r) => `${r.chainSelector}:${r.minSeqNr}-${r.maxSeqNr}`).join(',');
      return [{ report, info: `commit dest=${dest} roots=[${info}] prices=${o.gasPriceUpdates.length + o.tokenPriceUpdates.length}` }];
    },

    async shouldAcceptAttestedReport(_seqNr, r) {
      if (!(await stillNeeded(r.report))) return false;
      const decoded = decodeCommitReport(r.report);
      for (const root of [...decoded.blessedMerkleRoots, ...decoded.unblessedMerkleRoots]) {
        inflight.set(root.sourceChainSelector, { maxSeqNr: root.maxSeqNr, until: Date.now() + options.inflightTtlMs });
      }
      return true;
    },
    shouldTransmitAcceptedReport: (_seqNr, r) => stillNeeded(r.report),
  };

  /** A root whose interval the OffRamp has moved past would revert: only reports whose roots all still fit go out. */
  async function stillNeeded(report: Hex): Promise<boolean> {
    const decoded = decodeCommitReport(report);
    for (const root of [...decoded.blessedMerkleRoots, ...decoded.unblessedMerkleRoots]) {
      const next = await deps.readNextSeqNr(root.sourceChainSelector);
      if (next !== root.minSeqNr) return false;
    }
    return true;
  }
}

/** Outcomes are produced locally by commitOutcome; decoding still checks shapes so a bug cannot sign garbage. */
export function decodeCommitOutcome(encoded: Hex): CommitOutcome {
  const o = asObject(decodeJson(encoded), 'outcome');
  return {
    roots: asArray(o.roots, 'roots', 1024).map((r, i) => {
      const x = asObject(r, `roots[${i}]`);
      return {
        chainSelector: asBigint(x.chainSelector, 'chainSelector', U64),
        onRamp: asAddress(x.onRamp, 'onRamp'),
        minSeqNr: asBigint(x.minSeqNr, 'minSeqNr', U64),
        maxSeqNr: asBigint(x.maxSeqNr, 'maxSeqNr', U64),
        merkleRoot: asBytes32(x.merkleRoot, 'merkleRoot'),
        blessed: x.blessed === true,
      };
    }),
    gasPriceUpdates: asArray(o.gasPriceUpdates, 'gasPriceUpdates', 1024).map((g, i) => {
      const x = asObject(g, `gasPriceUpdates[${i}]`);
      return { destChainSelector: asBigint(x.destChainSelector, 'destChainSelector', U64), usdPerUnitGas: asBigint(x.usdPerUnitGas, 'usdPerUnitGas') };
    }),
    tokenPriceUpdates: asArray(o.tokenPriceUpdates, 'tokenPriceUpdates', 1024).map((t, i) => {
      const x = asObject(t, `tokenPriceUpdates[${i}]`);
      return { sourceToken: asAddress(x.sourceToken, 'sourceToken'), usdPerToken: asBigint(x.usdPerToken, 'usdPerToken') };
    }),
  };
}
