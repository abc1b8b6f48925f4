import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, http, toHex, type Hex, type PublicClient } from 'viem';
import { readKeystore } from '@openccip/node';
import {
  RMN_API_PATHS,
  chainCurseSubject,
  encodeCommitReport,
  encodeRmnJson,
  offRampAbi,
  reportContext,
  rmnRemoteAbi,
  signOcrReport,
  signRmnRequest,
  type BlessRequest,
  type EVM2AnyRampMessage,
  type MerkleRoot,
  type RmnSignature,
  type RmnApiErrorBody,
  type SignatureResponse,
} from '@openccip/sdk';
import { makeChainClients, send, type Devnet, type DevnetChain, type KeyRelay } from '../../src/index.js';

/** One DON node's secrets, read from its keystore: what an attacker holding that node would have. */
export interface DonNodeKeys {
  ocrKey: Hex;
  transmitterKeys: Record<string, Hex>;
  /** chain selector → the OffRamp OCR config digests from the node's config */
  digests: Map<string, { commit: Hex; execute: Hex }>;
}

export async function readDonNodeKeys(devnet: Devnet, index: number): Promise<DonNodeKeys> {
  const nodeDir = join(devnet.path, '..', '.devnet', `node-${index}`);
  const keys = await readKeystore(join(nodeDir, 'keystore.json'), devnet.password);
  const config = JSON.parse(readFileSync(join(nodeDir, 'node.json'), 'utf8')) as {
    chains: { chainSelector: string | number; ocr: { commitConfigDigest: Hex; executeConfigDigest: Hex } }[];
  };
  const digests = new Map(config.chains.map((c) => [String(c.chainSelector), { commit: c.ocr.commitConfigDigest, execute: c.ocr.executeConfigDigest }]));
  return { ocrKey: keys.ocrKey, transmitterKeys: keys.transmitterKeys, digests };
}

/**
 * A compromised commit DON on lane src → dst: the OCR keys of the given nodes (f+1 of them sign) and the first
 * one's transmitter key on dst. `rmnKeys` are what it can put in as RMN signatures (none by default). The
 * returned relay commits; `executeRelay` is the same with the execute plugin's config digest.
 */
export function compromisedRelay(
  devnet: Devnet,
  src: number,
  dst: number,
  nodes: readonly DonNodeKeys[],
  rmnKeys: readonly Hex[] = [],
): { commitRelay: KeyRelay; executeRelay: KeyRelay } {
  const s = devnet.deployments[src]!;
  const d = devnet.deployments[dst]!;
  const chain = devnet.file.chains[dst]!;
  const sel = d.chainSelector.toString();
  const digests = nodes[0]!.digests.get(sel);
  const transmitterKey = nodes[0]!.transmitterKeys[sel];
  if (!digests || !transmitterKey) throw new Error(`no OCR config/transmitter for chain ${sel} in the node keys`);
  const F = nodes.length - 1;
  const commitRelay: KeyRelay = {
    src: s,
    dst: d,
    transmitter: makeChainClients(chain.rpcUrl, chain.chainId, transmitterKey, chain.name),
    configDigest: digests.commit,
    ocrKeys: nodes.map((n) => n.ocrKey),
    F,
    rmnKeys,
    fSign: rmnKeys.length - 1,
    rmnConfigDigest: devnet.rmn!.configDigest,
    ocrSeqNr: 1n,
  };
  return { commitRelay, executeRelay: { ...commitRelay, configDigest: digests.execute } };
}

/** The same message with other data and receiver: what a forger would want executed instead. */
export function forgeMessage(m: EVM2AnyRampMessage, data: string): EVM2AnyRampMessage {
  return { ...m, data: toHex(data) };
}

/** A bless request sent straight to one RMN node over HTTP, signed by `callerKey`: the raw status and body. */
export async function requestBlessing(
  url: string,
  callerKey: Hex,
  req: BlessRequest,
): Promise<{ status: number; body: SignatureResponse | RmnApiErrorBody }> {
  const text = encodeRmnJson(req);
  const headers = { 'content-type': 'application/json', ...(await signRmnRequest(callerKey, RMN_API_PATHS.bless, text)) };
  const res = await fetch(url.replace(/\/$/, '') + RMN_API_PATHS.bless, { method: 'POST', headers, body: text, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as SignatureResponse | RmnApiErrorBody };
}

const readers = new Map<string, PublicClient>();
export const readerOf = (c: DevnetChain): PublicClient => {
  let p = readers.get(c.rpcUrl);
  if (!p) readers.set(c.rpcUrl, (p = createPublicClient({ transport: http(c.rpcUrl, { retryCount: 3 }), cacheTime: 0 })));
  return p;
};

/** RMNRemote.isCursed(subject) on `on`, for the chain subject of `subject` (or isCursed(), the global view). */
export function isCursedOn(on: DevnetChain, subject?: DevnetChain): Promise<boolean> {
  const address = on.contracts.rmnRemote;
  return subject
    ? readerOf(on).readContract({ address, abi: rmnRemoteAbi, functionName: 'isCursed', args: [chainCurseSubject(BigInt(subject.chainSelector))] })
    : readerOf(on).readContract({ address, abi: rmnRemoteAbi, functionName: 'isCursed', args: [] });
}

/** RMNRemote.getHeartbeat() on `on`. */
export async function heartbeatOf(on: DevnetChain): Promise<{ last: bigint; timeout: number; expired: boolean }> {
  const [last, timeout, expired] = await readerOf(on).readContract({ address: on.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'getHeartbeat' });
  return { last, timeout, expired };
}

/** Polls `check` every `everyMs` until it holds; the error names `what`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Commits `root` as blessed with exactly the given RMN signatures (no re-signing): e.g. a byzantine RMN node's
 * signature alone, or signatures made over another root.
 */
export async function commitWithRmnSignatures(relay: KeyRelay, root: MerkleRoot, rmnSignatures: readonly RmnSignature[]) {
  const report = encodeCommitReport({
    priceUpdates: { tokenPriceUpdates: [], gasPriceUpdates: [] },
    blessedMerkleRoots: [root],
    unblessedMerkleRoots: [],
    rmnSignatures: [...rmnSignatures],
  });
  const ctx = reportContext(relay.configDigest, relay.ocrSeqNr++);
  const sigs = await signOcrReport(relay.ocrKeys.slice(0, relay.F + 1), report, ctx);
  return send(relay.transmitter, relay.dst.contracts.offRamp, offRampAbi, 'commit', [ctx, report, sigs.rs, sigs.ss, sigs.rawVs]);
}
