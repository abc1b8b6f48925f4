import { zeroAddress, type Hex } from 'viem';
import type { ReportingPlugin, ReportWithInfo, RoundContext, AttributedObservation } from '../../consensus/types.js';
import { noopLogger, type Logger } from '../../log.js';
import { U64, asAddress, asArray, asBigint, asBytes32, asObject, decodeJson, encodeJson } from '../codec.js';
import { decodeCommitObservation, encodeCommitObservation } from './observation.js';
import { commitOutcome } from './outcome.js';
import { decodeCommitReport } from '@openccip/sdk';
import { verifyOutcomeBlessing, type RmnDigestDomain } from './blessing.js';
import { createBlessingPipeline, type BlessingPipeline, type SourceView } from './blessingPipeline.js';
import { decodeCommitQuery, encodeCommitQuery } from './query.js';
import { buildCommitReport } from './report.js';
import {
  DEFAULT_COMMIT_OPTIONS,
  type CommitObservation,
  type CommitOutcome,
  type CommitPluginDeps,
  type CommitPluginOptions,
  type CommitQuery,
} from './types.js';

/**
 * The commit plugin for one destination chain: roots of finalized messages per source, plus price updates.
 * Sources that require blessing: the leader's query carries RMN-blessed roots from its blessing pipeline (kept or
 * pre-made blessings; it never waits long for the RMN); every node keeps them only if they match the f+1-agreed
 * leaves and carry fSign+1 valid RMN signatures, else such a source waits for a later round (never committed
 * unblessed).
 */
export function createCommitPlugin(
  deps: CommitPluginDeps,
  f: number,
  opts: Partial<CommitPluginOptions> = {},
  log: Logger = noopLogger,
): ReportingPlugin {
  const options = { ...DEFAULT_COMMIT_OPTIONS, ...opts };
  const dest = deps.destChainSelector;
  // Roots this DON agreed on or signed that the OffRamp has not accepted yet, per source: observing them again would
  // only produce a conflicting root that reverts, so such a source sits out until the OffRamp's next seqNr moves past
  // the root's start (it landed, or another root did and it never will) or the entry expires.
  const inflight = new Map<bigint, { minSeqNr: bigint; until: number }>();
  // Rounds in a row whose blessed roots lost a race (reset by a round whose blessed roots are agreed).
  let racesInARow = 0;
  const blessing = deps.sources.some((s) => s.requiresBlessing) ? deps.rmn : undefined;
  const domain: RmnDigestDomain | undefined = deps.rmn && {
    destChainId: deps.rmn.destChainId,
    destChainSelector: dest,
    rmnRemote: deps.rmn.rmnRemote,
    offRamp: deps.rmn.offRamp,
  };
  const pipeline =
    blessing?.client && domain
      ? createBlessingPipeline({
          destChainSelector: dest,
          domain,
          client: blessing.client,
          readLeaves: deps.readLeaves,
          maxLeavesPerRoot: options.maxLeavesPerRoot,
          waitMs: options.blessWaitMs,
          log,
        })
      : undefined;
  if (deps.sources.some((s) => s.requiresBlessing) && !deps.rmn) {
    log.warn('lanes require RMN blessing but this node has no RMN access: they will not be committed', { dest: dest.toString() });
  } else if (blessing && !blessing.client) {
    log.warn('lanes require RMN blessing but no RMN nodes are configured (config rmn): rounds this node leads bless nothing', { dest: dest.toString() });
  }

  /**
   * Keeps `source` out of new roots while `root` can still land, for `ttlMs`. Never shortens a hold from the same
   * start (another root from there conflicts with it just the same) and never goes back to an earlier start.
   */
  const hold = (source: bigint, root: { minSeqNr: bigint }, ttlMs: number): void => {
    const now = Date.now();
    let until = now + ttlMs;
    const cur = inflight.get(source);
    if (cur && cur.until > now && root.minSeqNr < cur.minSeqNr) return;
    if (cur && cur.minSeqNr === root.minSeqNr && cur.until > until) until = cur.until;
    inflight.set(source, { minSeqNr: root.minSeqNr, until });
  };

  /** A source whose signed root is not on chain yet sits out (see `inflight`). */
  const inFlight = (source: bigint, nextSeqNr: bigint): boolean => {
    const pending = inflight.get(source);
    if (pending && nextSeqNr <= pending.minSeqNr && pending.until > Date.now()) return true;
    inflight.delete(source);
    return false;
  };

  /** The intervals of the leader's blessed roots, by source (a malformed query claims nothing). */
  function claimedIntervals(query: Hex): Map<bigint, Claim> {
    try {
      return new Map((decodeCommitQuery(query)?.blessedRoots ?? []).map((r) => [r.chainSelector, { min: r.minSeqNr, max: r.maxSeqNr }]));
    } catch {
      return new Map();
    }
  }

  /** One source's view: its next seqNr and the finalized leaves from it; undefined while its root is in flight or unreadable. */
  async function observeSource(source: bigint, ctx: RoundContext, claimed?: Claim): Promise<CommitObservation['sources'][number] | undefined> {
    try {
      let nextSeqNr = await deps.readNextSeqNr(source);
      // The leader saw a later next seqNr (its blessed root starts there): this node's cached read may just be a
      // block behind, so ask the chain itself before observing an older state.
      if (claimed !== undefined && claimed.min > nextSeqNr) nextSeqNr = await deps.readNextSeqNr(source, { fresh: true });
      if (inFlight(source, nextSeqNr)) return undefined;
      let leaves = await deps.readLeaves(source, nextSeqNr, options.maxLeavesPerRoot);
      // The leader's root reaches past this node's leaves: its reader may just be a poll behind the leader's, and
      // without f+1 nodes holding every leaf of the root the round commits nothing from this source. Only for a
      // claim that could be committed, and never for longer than CATCH_UP_MS: a reader stuck on a slow RPC (or a
      // lying leader) must not hold up the observation of every other source.
      if (
        deps.catchUp &&
        claimed?.min === nextSeqNr &&
        claimed.max >= nextSeqNr + BigInt(leaves.length) &&
        claimed.max - claimed.min < BigInt(options.maxLeavesPerRoot) &&
        deps.sources.some((s) => s.chainSelector === source && s.requiresBlessing)
      ) {
        const caughtUp = await withinMs(deps.catchUp(source), CATCH_UP_MS);
        if (caughtUp) leaves = await deps.readLeaves(source, nextSeqNr, options.maxLeavesPerRoot);
      }
      return { chainSelector: source, nextSeqNr, leaves };
    } catch (err) {
      log.warn('commit observation: source unreadable', {
        dest: dest.toString(),
        source: source.toString(),
        seqNr: ctx.seqNr.toString(),
        error: (err as Error).message,
      });
      return undefined;
    }
  }

  return {
    // Finalized messages past the OffRamp's next seqNr on a source not waiting for its root to land. Prices are
    // pushed by the idle heartbeat rounds.
    async hasWork() {
      for (const source of deps.sources) {
        const next = await deps.readNextSeqNr(source.chainSelector);
        if (!inFlight(source.chainSelector, next) && (await deps.readLeaves(source.chainSelector, next, 1)).length > 0) return true;
      }
      return false;
    },

    async query(ctx: RoundContext) {
      if (!pipeline) return '0x';
      return encodeCommitQuery(await blessedQuery(ctx, pipeline));
    },

    async observation(ctx: RoundContext, query: Hex) {
      const claims = claimedIntervals(query);
      // The reads are independent: done at once, so a loaded chain's latency is paid once per observation.
      const [, sources, prices] = await Promise.all([
        // Every node verifies blessings against RMNRemote's config: keep the cached copy fresh.
        blessing?.config.get().catch((err: unknown) =>
          log.warn('commit observation: RMNRemote config unreadable; no blessed roots meanwhile', { dest: dest.toString(), error: (err as Error).message }),
        ),
        Promise.all(deps.sources.map((source) => observeSource(source.chainSelector, ctx, claims.get(source.chainSelector)))),
        deps.readPrices?.().catch((err: unknown) => {
          log.warn('commit observation: prices unreadable', { dest: dest.toString(), error: (err as Error).message });
          return undefined;
        }),
      ]);
      return encodeCommitObservation({ sources: sources.flatMap((x) => x ?? []), prices, time: deps.now() });
    },

    validateObservation(_ctx, _query, ao: AttributedObservation) {
      decodeCommitObservation(ao.observation, options.maxLeavesPerRoot);
    },

    // The query is not checked here: a bad one costs only its blessed roots (outcome), not the round.
    outcome(ctx, query, aos) {
      const observations = aos.map((ao) => decodeCommitObservation(ao.observation, options.maxLeavesPerRoot));
      let q: CommitQuery | undefined;
      try {
        q = decodeCommitQuery(query);
      } catch (err) {
        log.warn('commit outcome: malformed query from the leader; no blessed roots this round', {
          dest: dest.toString(),
          seqNr: ctx.seqNr.toString(),
          leader: ctx.leader,
          error: (err as Error).message,
        });
      }
      if (q && !blessing) q = undefined;
      let rejected = false;
      const outcome = commitOutcome(observations, deps.sources, f, options, q, (reason, race) => {
        rejected = true;
        const fields = { dest: dest.toString(), seqNr: ctx.seqNr.toString(), leader: ctx.leader, reason };
        if (!race) return log.warn('commit outcome: blessed roots rejected', fields);
        // A race between honest nodes' reads costs a round and happens under load: not worth a warning. Many in a
        // row are something else: a leader claiming intervals the DON does not see, or readers stuck behind.
        racesInARow++;
        if (racesInARow % RACES_BEFORE_WARNING === 0) {
          log.warn('commit outcome: blessed roots not agreed for many rounds in a row (a faulty leader, or readers behind)', { ...fields, rounds: racesInARow });
        } else log.debug('commit outcome: blessed roots not agreed yet; a later round commits them', fields);
      });
      if (!rejected && q?.blessedRoots.length) racesInARow = 0;
      // Until this round is signed (shouldAcceptAttestedReport holds the roots longer), the next round must not
      // observe these intervals again.
      for (const r of outcome.roots) hold(r.chainSelector, r, options.outcomeHoldMs);
      return encodeJson(outcome);
    },

    async reports(seqNr, outcome: Hex): Promise<ReportWithInfo[]> {
      let o = decodeCommitOutcome(outcome);
      if (o.roots.some((r) => r.blessed)) {
        // No RMN access (domain undefined) means no config: the blessed roots are dropped.
        const checked = await verifyOutcomeBlessing(o, domain ?? NO_DOMAIN, domain && blessing?.config.current());
        if (checked.rejected) {
          log.warn('commit report: RMN signatures rejected; blessed roots dropped this round', {
            dest: dest.toString(),
            seqNr: seqNr.toString(),
            reason: checked.rejected,
          });
        }
        o = checked.outcome;
      }
      const report = buildCommitReport(o);
      if (!report) return [];
      const info = o.roots.map((r) => `${r.chainSelector}:${r.minSeqNr}-${r.maxSeqNr}${r.blessed ? '*' : ''}`).join(',');
      return [{ report, info: `commit dest=${dest} roots=[${info}] prices=${o.gasPriceUpdates.length + o.tokenPriceUpdates.length}` }];
    },

    async shouldAcceptAttestedReport(_seqNr, r) {
      if (!(await stillNeeded(r.report))) return false;
      const decoded = decodeCommitReport(r.report);
      for (const root of [...decoded.blessedMerkleRoots, ...decoded.unblessedMerkleRoots]) {
        hold(root.sourceChainSelector, root, options.inflightTtlMs);
      }
      return true;
    },
    // Read from the chain itself: a later transmitter must see an earlier one's commit the moment it landed, or it
    // sends a transaction that reverts.
    shouldTransmitAcceptedReport: (_seqNr, r) => stillNeeded(r.report, true),
  };

  /**
   * Leader: the view of the sources that require blessing (like an observation), and the pipeline's blessing for
   * it: a kept one at once, or a fresh one if the RMN answers within blessWaitMs, else none this round.
   */
  async function blessedQuery(ctx: RoundContext, p: BlessingPipeline): Promise<CommitQuery | undefined> {
    const view: SourceView[] = [];
    for (const source of deps.sources) {
      if (!source.requiresBlessing) continue;
      try {
        const next = await deps.readNextSeqNr(source.chainSelector);
        if (inFlight(source.chainSelector, next)) {
          view.push({ source, next, inFlight: true, leaves: [] });
          continue;
        }
        const leaves = await deps.readLeaves(source.chainSelector, next, options.maxLeavesPerRoot);
        view.push({ source, next, inFlight: false, leaves });
      } catch (err) {
        log.warn('commit query: source unreadable', { dest: dest.toString(), source: source.chainSelector.toString(), error: (err as Error).message });
      }
    }
    if (!view.some((v) => v.leaves.length > 0)) return undefined;
    const intervals = view
      .filter((v) => v.leaves.length > 0)
      .map((v) => ({ source: v.source.chainSelector.toString(), minSeqNr: v.next.toString(), maxSeqNr: (v.next + BigInt(v.leaves.length) - 1n).toString() }));
    let config;
    try {
      config = await blessing!.config.get();
    } catch (err) {
      log.warn('commit query: RMNRemote config unreadable; no blessing this round', { dest: dest.toString(), intervals, error: (err as Error).message });
      return undefined;
    }
    if (config.version === 0) {
      log.warn('commit query: RMNRemote has no config; lanes requiring blessing wait', { dest: dest.toString(), intervals });
      return undefined;
    }
    return p.query(view, config, ctx.seqNr);
  }

  /** A root whose interval the OffRamp has moved past would revert: only reports whose roots all still fit go out. */
  async function stillNeeded(report: Hex, fresh = false): Promise<boolean> {
    const decoded = decodeCommitReport(report);
    for (const root of [...decoded.blessedMerkleRoots, ...decoded.unblessedMerkleRoots]) {
      const next = await deps.readNextSeqNr(root.sourceChainSelector, { fresh });
      if (next !== root.minSeqNr) return false;
    }
    return true;
  }
}

/** Race rejections in a row that earn a warning (and every this many more). */
const RACES_BEFORE_WARNING = 10;

/** How long a follower's observation waits for its reader to catch up with the leader's blessed root. */
const CATCH_UP_MS = 500;

/** True if `p` settles within `ms` (a rejection counts as done: the caller reads what is stored either way). */
function withinMs(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** A blessed root's interval as the leader's query claims it. */
interface Claim {
  min: bigint;
  max: bigint;
}

const NO_DOMAIN: RmnDigestDomain = { destChainId: 0n, destChainSelector: 0n, rmnRemote: zeroAddress, offRamp: zeroAddress };

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
    rmnSignatures: asArray(o.rmnSignatures ?? [], 'rmnSignatures', 64).map((g, i) => {
      const x = asObject(g, `rmnSignatures[${i}]`);
      return { r: asBytes32(x.r, 'r'), s: asBytes32(x.s, 's') };
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
