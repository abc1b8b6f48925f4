import { keccak256, toHex, type Address, type Hex } from 'viem';
import type { ReportingPlugin, ReportWithInfo, RoundContext } from '../src/consensus/types.js';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import type { LogFields, Logger } from '../src/log.js';
import type { RmnDigestDomain } from '../src/plugins/commit/blessing.js';
import type { CommitRmnDeps } from '../src/plugins/commit/types.js';
import { createRmnBlessingClient } from '../src/rmn/client.js';
import { createRmnConfigCache, type RmnRemoteConfig } from '../src/rmn/config.js';
import { startRmnStandIn, type RmnStandIn, type StandInBehaviour } from './rmnStandIn.js';

/** The lanes, contracts and RMN keys the commit-blessing tests share. */
export const DEST = 3379446385462418246n;
export const SRC = 7759470850252068959n; // requires blessing
export const SRC2 = 16015286601757825753n; // blessing disabled
export const SRC3 = 5009297550715157269n; // requires blessing
export const ONRAMP = '0x1111111111111111111111111111111111111111' as Address;
export const ONRAMP2 = '0x2222222222222222222222222222222222222222' as Address;
export const ONRAMP3 = '0x3333333333333333333333333333333333333333' as Address;

/** What an RMN report digest binds: the destination chain, its RMNRemote and OffRamp. */
export const domain: RmnDigestDomain = {
  destChainId: 1337n,
  destChainSelector: DEST,
  rmnRemote: '0x4444444444444444444444444444444444444444',
  offRamp: '0x5555555555555555555555555555555555555555',
};

export const rmnKeys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
/** RMNRemote's config: the three RMN keys, fSign = 1. */
export const rmnConfig: RmnRemoteConfig = {
  version: 1,
  rmnHomeConfigDigest: keccak256(toHex('rmn-home')),
  signers: rmnKeys.map((k) => privateKeyToAddress(k)),
  fSign: 1,
};

/** One RMN stand-in on 127.0.0.1 per behaviour, signing with rmnKeys[i]; the caller stops them. */
export function startRmnStandIns(behaviours: StandInBehaviour[]): Promise<RmnStandIn[]> {
  return Promise.all(
    behaviours.map((b, i) =>
      startRmnStandIn(rmnKeys[i]!, { destChainId: domain.destChainId, rmnRemote: domain.rmnRemote, rmnHomeConfigDigest: rmnConfig.rmnHomeConfigDigest }, b),
    ),
  );
}

/** The commit plugin's RMN deps over `domain` and rmnConfig; with stand-ins, a client asking them (signed by `ocrKey`). */
export function rmnDeps(client?: { standIns: RmnStandIn[]; ocrKey: `0x${string}`; timeoutMs: number }): CommitRmnDeps {
  const { destChainId, rmnRemote, offRamp } = domain;
  return {
    destChainId,
    rmnRemote,
    offRamp,
    config: createRmnConfigCache(async () => rmnConfig),
    ...(client && {
      client: createRmnBlessingClient({
        nodes: client.standIns.map((s, i) => ({ name: `rmn-${i}`, url: s.url, signer: s.signer })),
        privateKey: client.ocrKey,
        timeoutMs: client.timeoutMs,
      }),
    }),
  };
}

/** A logger that keeps its lines. */
export function collectingLogger(): { logs: { level: string; msg: string; fields?: LogFields }[]; logger: Logger } {
  const logs: { level: string; msg: string; fields?: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => void logs.push({ level, msg, fields });
  return { logs, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** One commit round as every node would run it: the leader's query, 3 identical observations, outcome, reports. */
export async function runCommitRound(plugin: ReportingPlugin, ctx: RoundContext): Promise<{ query: Hex; queryMs: number; reports: ReportWithInfo[] }> {
  const started = Date.now();
  const query = await plugin.query(ctx);
  const queryMs = Date.now() - started;
  const observation = await plugin.observation(ctx, query);
  const aos = [0, 1, 2].map((observer) => ({ observer, observation }));
  const reports = await plugin.reports(ctx.seqNr, plugin.outcome(ctx, query, aos));
  return { query, queryMs, reports };
}
