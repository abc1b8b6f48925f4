import { getMerkleRoot, type RmnSignature } from '@openccip/sdk';
import type { Hex } from 'viem';
import { noopLogger, type Logger } from '../../log.js';
import type { RmnBlessingClient } from '../../rmn/client.js';
import type { RmnRemoteConfig } from '../../rmn/config.js';
import { blessingDigest, type RmnDigestDomain } from './blessing.js';
import { toMerkleRoot } from './report.js';
import type { CommitQuery, CommitSource, ProposedRoot } from './types.js';

/** One blessing-requiring source as the leader sees it this round. */
export interface SourceView {
  source: CommitSource;
  /** The OffRamp's next seqNr for it. */
  next: bigint;
  /** A signed root of it is not on chain yet: it sits out (its next seqNr is about to move). */
  inFlight: boolean;
  /** Finalized leaves from `next` (at most maxLeavesPerRoot); empty when in flight. */
  leaves: Hex[];
}

/** fSign+1 RMN signatures over `roots` (in this order), for one RMNRemote config. */
export interface KeptBlessing {
  roots: ProposedRoot[];
  signatures: RmnSignature[];
  configVersion: number;
  configDigest: Hex;
}

export interface BlessingPipelineDeps {
  destChainSelector: bigint;
  domain: RmnDigestDomain;
  client: RmnBlessingClient;
  /** Leaves for pre-blessing the interval after the roots a query carries (the plugin's readLeaves). */
  readLeaves(source: bigint, fromSeqNr: bigint, max: number): Promise<Hex[]>;
  maxLeavesPerRoot: number;
  /** How long query() waits for a bless request it needs (ms). */
  waitMs: number;
  log?: Logger;
}

export interface BlessingPipeline {
  /**
   * The blessed part of the leader's query for `view`: a kept blessing that fits it at once, else the answer to a
   * bless request if it comes within waitMs, else undefined (the answer is kept for a later round).
   */
  query(view: readonly SourceView[], config: RmnRemoteConfig, round: bigint): Promise<CommitQuery | undefined>;
  /** Kept blessings (newest first) and the request in flight: for tests and status. */
  state(): { kept: readonly KeptBlessing[]; inFlight: readonly ProposedRoot[] | undefined };
  /** Resolves when no request is in flight (tests). */
  idle(): Promise<void>;
}

/** A few kept blessings, so a pre-blessing waiting for its commit is not lost to a blessing for another source. */
const MAX_KEPT = 4;

/**
 * The commit leader's RMN blessings, off the round's critical path. Blessings are kept until the OffRamp moves
 * past them (or RMNRemote's config changes); at most one bless request is in flight, and a round waits for it at
 * most waitMs. Once a query carries blessed roots, the interval after them is blessed in the background, so the
 * blessing is ready when that commit lands (if it never lands the pre-blessing never fits and is dropped).
 * A leader change starts empty: this state lives in one node's plugin instance.
 */
export function createBlessingPipeline(deps: BlessingPipelineDeps): BlessingPipeline {
  const log = deps.log ?? noopLogger;
  const dest = deps.destChainSelector.toString();
  let kept: KeptBlessing[] = [];
  let inFlight: { roots: ProposedRoot[]; done: Promise<void> } | undefined;
  /** The latest next seqNr per source and config seen, to drop answers that are stale when they arrive. */
  let lastNext = new Map<bigint, bigint>();
  let lastConfig: RmnRemoteConfig | undefined;

  const sameConfig = (b: KeptBlessing, c: RmnRemoteConfig) => b.configVersion === c.version && b.configDigest.toLowerCase() === c.rmnHomeConfigDigest.toLowerCase();
  /** The OffRamp moved past a root (it would revert) or the config changed: it can never be used. */
  const stale = (b: KeptBlessing) =>
    (lastConfig !== undefined && !sameConfig(b, lastConfig)) || b.roots.some((r) => r.minSeqNr < (lastNext.get(r.chainSelector) ?? 0n));

  function observe(view: readonly SourceView[], config: RmnRemoteConfig): void {
    lastNext = new Map(view.map((v) => [v.source.chainSelector, v.next]));
    lastConfig = config;
    kept = kept.filter((b) => !stale(b));
  }

  function request(roots: ProposedRoot[], config: RmnRemoteConfig, round: bigint, kind: 'candidates' | 'next'): void {
    const started = Date.now();
    const intervals = roots.map((r) => ({ source: r.chainSelector.toString(), minSeqNr: r.minSeqNr.toString(), maxSeqNr: r.maxSeqNr.toString() }));
    const done = deps.client
      .bless(
        { destChainSelector: deps.destChainSelector, offRamp: deps.domain.offRamp, merkleRoots: roots.map(toMerkleRoot) },
        blessingDigest(deps.domain, config, roots),
        config,
      )
      .then(
        (result) => {
          const fields = { dest, seqNr: round.toString(), kind, intervals, ms: Date.now() - started };
          if (!result.signatures) {
            log.warn('commit query: not enough RMN blessings; retrying next round', {
              ...fields,
              sources: roots.map((r) => r.chainSelector.toString()),
              needed: config.fSign + 1,
              valid: result.signers.length,
              rmnErrors: result.errors,
            });
            return;
          }
          const b: KeptBlessing = { roots, signatures: result.signatures, configVersion: config.version, configDigest: config.rmnHomeConfigDigest };
          if (stale(b)) return log.debug('commit query: RMN blessing arrived stale (the OffRamp moved past it); dropped', fields);
          kept = [b, ...kept].slice(0, MAX_KEPT);
          log.debug('commit query: roots blessed', { ...fields, rmnSigners: result.signers });
        },
        // The client never throws; this is a bug guard so the slot is always released.
        (err: unknown) => log.error('commit query: RMN bless request failed', { dest, seqNr: round.toString(), intervals, error: (err as Error).message }),
      )
      .finally(() => {
        if (inFlight?.done === done) inFlight = undefined;
      });
    inFlight = { roots, done };
  }

  /** Roots of the next interval after `used` (or from the next seqNr for sources it does not cover), in the background. */
  async function preBless(view: readonly SourceView[], used: readonly ProposedRoot[], config: RmnRemoteConfig, round: bigint): Promise<void> {
    const roots: ProposedRoot[] = [];
    for (const v of view) {
      if (v.inFlight) continue;
      const done = used.find((r) => r.chainSelector === v.source.chainSelector);
      const from = done ? done.maxSeqNr + 1n : v.next;
      let leaves: Hex[];
      try {
        leaves = done ? await deps.readLeaves(v.source.chainSelector, from, deps.maxLeavesPerRoot) : v.leaves;
      } catch (err) {
        log.warn('commit query: source unreadable for pre-blessing', { dest, source: v.source.chainSelector.toString(), error: (err as Error).message });
        continue;
      }
      if (leaves.length > 0) roots.push(rootOf(v.source, from, leaves));
    }
    // Another request may have started while leaves were read: at most one in flight.
    if (roots.length === 0 || inFlight) return;
    request(roots, config, round, 'next');
  }

  /** `roots` fit this round: each starts at its source's next seqNr (source not in flight) and is the root of a prefix of its leaves. */
  function fits(roots: readonly ProposedRoot[], view: readonly SourceView[]): boolean {
    return roots.every((r) => {
      const v = view.find((x) => x.source.chainSelector === r.chainSelector);
      if (!v || v.inFlight || v.next !== r.minSeqNr || v.source.onRamp.toLowerCase() !== r.onRamp.toLowerCase()) return false;
      const len = Number(r.maxSeqNr - r.minSeqNr) + 1;
      return v.leaves.length >= len && getMerkleRoot(v.leaves.slice(0, len)).toLowerCase() === r.merkleRoot.toLowerCase();
    });
  }

  const usable = (view: readonly SourceView[], config: RmnRemoteConfig) => kept.find((b) => sameConfig(b, config) && fits(b.roots, view));

  function use(b: KeptBlessing, view: readonly SourceView[], config: RmnRemoteConfig, round: bigint): CommitQuery {
    if (!inFlight) {
      void preBless(view, b.roots, config, round).catch((err: unknown) =>
        log.error('commit query: pre-blessing failed', { dest, seqNr: round.toString(), error: (err as Error).message }),
      );
    }
    return { blessedRoots: b.roots, rmnSignatures: b.signatures };
  }

  return {
    async query(view, config, round) {
      observe(view, config);
      const ready = usable(view, config);
      if (ready) {
        log.debug('commit query: using a kept RMN blessing', { dest, seqNr: round.toString(), intervals: describe(ready.roots) });
        return use(ready, view, config, round);
      }
      let pending = inFlight;
      if (pending && !fits(pending.roots, view)) {
        // Only one request at a time: the one in flight no longer fits (its commit did not land?); it ends within the client's timeout.
        log.debug('commit query: a bless request that does not fit this round is in flight; no blessing this round', {
          dest,
          seqNr: round.toString(),
          inFlight: describe(pending.roots),
        });
        return undefined;
      }
      if (!pending) {
        const candidates = view.filter((v) => !v.inFlight && v.leaves.length > 0).map((v) => rootOf(v.source, v.next, v.leaves));
        if (candidates.length === 0) return undefined;
        request(candidates, config, round, 'candidates');
        pending = inFlight!;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([pending.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, deps.waitMs)))]);
      clearTimeout(timer);
      const answered = usable(view, config);
      if (answered) return use(answered, view, config, round);
      if (inFlight === pending) {
        log.debug('commit query: RMN blessing not back in time; kept for a later round', { dest, seqNr: round.toString(), waitMs: deps.waitMs, intervals: describe(pending.roots) });
      }
      return undefined;
    },
    state: () => ({ kept, inFlight: inFlight?.roots }),
    async idle() {
      while (inFlight) await inFlight.done;
    },
  };
}

function rootOf(source: CommitSource, from: bigint, leaves: readonly Hex[]): ProposedRoot {
  return { chainSelector: source.chainSelector, onRamp: source.onRamp, minSeqNr: from, maxSeqNr: from + BigInt(leaves.length) - 1n, merkleRoot: getMerkleRoot([...leaves]) };
}

const describe = (roots: readonly ProposedRoot[]) => roots.map((r) => `${r.chainSelector}:${r.minSeqNr}-${r.maxSeqNr}`);
