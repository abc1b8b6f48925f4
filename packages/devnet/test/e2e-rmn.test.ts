import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFunctionData, toHex } from 'viem';
import { buildMessage, describeError, offRampAbi, rmnRemoteAbi, routerAbi, signRmnReport, type EVM2AnyRampMessage } from '@openccip/sdk';
import { getExecutionStates, makeChainClients, manuallyExecuteMessages, merkleRootOf, commitMessages, executeMessages, type DevnetChain } from '../src/index.js';
import { startE2eDevnet, type E2eDevnet } from './e2e/devnetFixture.js';
import { exactlyOnceProblems, laneKey, readExecutions, unexpectedExecutions, waitForExecutions } from './e2e/executions.js';
import {
  commitWithRmnSignatures,
  compromisedRelay,
  forgeMessage,
  heartbeatOf,
  isCursedOn,
  readDonNodeKeys,
  readerOf,
  requestBlessing,
  waitUntil,
  type DonNodeKeys,
} from './e2e/rmnAttack.js';
import { sendBurst, type Send, type Sent } from './e2e/traffic.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const phase = (what: string) => console.log(`e2e rmn: +${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../cli/bin/ccip.js');

/** Seconds without a heartbeat before RMNRemote counts a chain as cursed: short, for the dead-man switch test. */
const HEARTBEAT_TIMEOUT_SEC = 18;
/** The compromised commit DON: f+1 = 2 of the 4 nodes. */
const COMPROMISED = [2, 3] as const;
/** The lane with RMN blessing off (source index, destination index). */
const UNBLESSED: readonly [number, number] = [2, 1];

/** Runs the CLI against the devnet; never throws (the exit code is part of the result). */
function ccip(devnetPath: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--devnet', devnetPath], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      phase(`ccip ${args.join(' ')} → exit ${code}`);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Why a ccipSend from → to would fail now (simulated, getFee first, as a wallet does), or undefined if it would go through. */
async function sendFailure(from: DevnetChain, to: DevnetChain): Promise<string | undefined> {
  const c = makeChainClients(from.rpcUrl, from.chainId, from.accounts[8]!.privateKey, from.name);
  const message = buildMessage({ receiver: to.contracts.messageReceiver, data: toHex('probe') });
  const dest = BigInt(to.chainSelector);
  try {
    const fee = await c.public.readContract({ address: from.contracts.router, abi: routerAbi, functionName: 'getFee', args: [dest, message] });
    await c.public.simulateContract({ account: c.wallet.account, address: from.contracts.router, abi: routerAbi, functionName: 'ccipSend', args: [dest, message], value: fee });
    return undefined;
  } catch (err) {
    return describeError(err);
  }
}

// Issue 4 end to end: 3 anvil chains, 4 DON nodes (f = 1), 3 RMN nodes (fSign = 1). Every lane needs blessing but
// chain2 → chain1; RMN heartbeats every 4 s with an 18 s timeout.
describe('e2e: Risk Management Network', () => {
  let devnet: E2eDevnet;
  let chains: DevnetChain[];
  /** Everything sent in this file (no OffRamp may execute anything else). */
  const allSent: Sent[] = [];
  let compromised: DonNodeKeys[];
  /** Real messages sent while the compromised nodes were out (so the honest rest could not commit them). */
  let real01: Sent;
  let real21: Sent;
  let forged21: EVM2AnyRampMessage;

  beforeAll(async () => {
    devnet = await startE2eDevnet('rmn', {
      unblessedLanes: [UNBLESSED],
      heartbeatTimeoutSec: HEARTBEAT_TIMEOUT_SEC,
      heartbeatIntervalSec: 4,
    });
    chains = devnet.file.chains;
    phase('devnet up');
  }, 150_000);
  afterAll(async () => {
    await devnet?.teardown();
  });

  const one = (from: number, to: number, account: number, tag: string): Send => ({
    from: chains[from]!,
    to: chains[to]!,
    account,
    receiver: chains[to]!.contracts.messageReceiver,
    data: toHex(`${tag} ${from}→${to}`),
  });

  it('a compromised commit DON: a forged root is rejected on a blessed lane; on an unblessed lane the RMN curses the source and the forged message never executes', async () => {
    // The attacker holds nodes 2 and 3 (f+1 OCR keys); they stop following the protocol, so the honest two cannot
    // reach a quorum and nothing real is committed while the attack runs.
    for (const i of COMPROMISED) await devnet.nodes[i]!.process.stop();
    compromised = await Promise.all(COMPROMISED.map((i) => readDonNodeKeys(devnet, i)));
    const reals = await sendBurst([one(0, 1, 0, 'real'), one(UNBLESSED[0], UNBLESSED[1], 0, 'real')]);
    [real01, real21] = [reals[0]!, reals[1]!];
    allSent.push(real01, real21);

    // Blessed lane 0 → 1: the forged root goes nowhere, unblessed or with no RMN signature.
    const blessedLane = compromisedRelay(devnet, 0, 1, compromised);
    const forged01 = forgeMessage(real01.message, 'forged: pay the attacker');
    await expect(commitMessages(blessedLane.commitRelay, [forged01], { blessed: false })).rejects.toThrow(/RootBlessingMismatch/);
    await expect(commitMessages(blessedLane.commitRelay, [forged01], { blessed: true })).rejects.toThrow(/ThresholdNotMet/);

    // Unblessed lane 2 → 1: the commit lands...
    const [src, dst] = [chains[UNBLESSED[0]]!, chains[UNBLESSED[1]]!];
    const lane = compromisedRelay(devnet, UNBLESSED[0], UNBLESSED[1], compromised);
    forged21 = forgeMessage(real21.message, 'forged: pay the attacker');
    expect(await isCursedOn(dst, src)).toBe(false);
    const committed = await commitMessages(lane.commitRelay, [forged21], { blessed: false });
    const commitBlock = (await readerOf(dst).getTransactionReceipt({ hash: committed.hash })).blockNumber;

    // ...and the RMN nodes, re-deriving it from the source, vote and curse chain2 on chain1 within a few blocks.
    await waitUntil(`chain2 is cursed on chain1`, () => isCursedOn(dst, src), 60_000);
    const curseBlock = await readerOf(dst).getBlockNumber();
    console.log(`e2e rmn: forged root committed in block ${commitBlock}, source cursed by block ${curseBlock}`);
    expect(curseBlock - commitBlock).toBeLessThan(30n);
    const cursedLogs = await readerOf(dst).getContractEvents({
      address: dst.contracts.rmnRemote,
      abi: [{ type: 'event', name: 'Cursed', inputs: [{ name: 'subjects', type: 'bytes16[]', indexed: false }] }] as const,
      eventName: 'Cursed',
      fromBlock: commitBlock,
      strict: true,
    });
    expect(cursedLogs.length).toBe(1);
    // The signed curse vote, not the owner: the transaction is curseWithSignatures.
    const curseTx = await readerOf(dst).getTransaction({ hash: cursedLogs[0]!.transactionHash });
    expect(decodeFunctionData({ abi: rmnRemoteAbi, data: curseTx.input }).functionName).toBe('curseWithSignatures');
    // Only that source on that destination: nothing global, chain2 still fine on chain0.
    expect(await isCursedOn(dst)).toBe(false);
    expect(await isCursedOn(chains[0]!, src)).toBe(false);

    // The forged message cannot be executed: manually it reverts as cursed; through the OCR path the report is skipped.
    await expect(manuallyExecuteMessages(lane.commitRelay.transmitter, lane.commitRelay, [forged21], [forged21])).rejects.toThrow(/CursedByRMN/);
    const exec = await executeMessages(lane.executeRelay, [forged21], [forged21]);
    const execLogs = await readerOf(dst).getContractEvents({ address: dst.contracts.offRamp, abi: offRampAbi, fromBlock: commitBlock, strict: true });
    const events = execLogs.filter((l) => l.transactionHash === exec.hash).map((l) => l.eventName);
    expect(events).toContain('SkippedReportExecution');
    expect(events).not.toContain('ExecutionStateChanged');
    expect(await getExecutionStates(lane.commitRelay, [forged21])).toEqual([0]);
    const all = await readExecutions(devnet.file);
    expect(all.get(laneKey(src.chainSelector, dst.chainSelector, forged21.header.sequenceNumber))).toBeUndefined();
  }, 180_000);

  it('one byzantine RMN node cannot bless a forged root: the honest nodes refuse it, its signature alone does not commit', async () => {
    const rmn = devnet.rmn!;
    const byzantineKey = rmn.keys[0]!.signingKey;
    const lane = compromisedRelay(devnet, 0, 1, compromised, [byzantineKey]);
    const forged01 = forgeMessage(real01.message, 'forged: pay the attacker');
    const forgedRoot = merkleRootOf(lane.commitRelay, [forged01]);
    const realRoot = merkleRootOf(lane.commitRelay, [real01.message]);
    const dst = chains[1]!;
    const ask = (url: string, root: typeof forgedRoot) =>
      requestBlessing(url, compromised[0]!.ocrKey, { destChainSelector: BigInt(dst.chainSelector), offRamp: dst.contracts.offRamp, merkleRoots: [root] });

    // The honest nodes (rmn-1, rmn-2) re-derive the interval at finality and refuse the forgery...
    for (const node of rmn.nodes.slice(1)) {
      let answer = await ask(node.url, forgedRoot);
      for (let i = 0; i < 30 && 'code' in answer.body && answer.body.code === 'not-finalized'; i++) {
        await sleep(500);
        answer = await ask(node.url, forgedRoot);
      }
      expect(answer.status, JSON.stringify(answer.body)).toBe(409);
      expect((answer.body as { code: string }).code).toBe('root-mismatch');
      // ...while they do bless the real root of the same interval.
      const real = await ask(node.url, realRoot);
      expect(real.status, JSON.stringify(real.body)).toBe(200);
      expect((real.body as { signer: string }).signer.toLowerCase()).toBe(node.signer.toLowerCase());
    }

    // The byzantine signature alone (fSign + 1 = 2 needed) is refused by RMNRemote.verify.
    await expect(commitMessages(lane.commitRelay, [forged01], { blessed: true })).rejects.toThrow(/ThresholdNotMet/);
    // Neither can it pad the quorum with an honest signature made for the real root.
    const honestOnReal = await signRmnReport([rmn.keys[1]!.signingKey], {
      destChainId: BigInt(dst.chainId),
      destChainSelector: BigInt(dst.chainSelector),
      rmnRemote: dst.contracts.rmnRemote,
      offRamp: dst.contracts.offRamp,
      rmnHomeConfigDigest: rmn.configDigest,
      merkleRoots: [realRoot],
    });
    const byzOnForged = await signRmnReport([byzantineKey], {
      destChainId: BigInt(dst.chainId),
      destChainSelector: BigInt(dst.chainSelector),
      rmnRemote: dst.contracts.rmnRemote,
      offRamp: dst.contracts.offRamp,
      rmnHomeConfigDigest: rmn.configDigest,
      merkleRoots: [forgedRoot],
    });
    await expect(commitWithRmnSignatures(lane.commitRelay, forgedRoot, [...byzOnForged, ...honestOnReal])).rejects.toThrow(
      /UnexpectedSigner|OutOfOrderSignatures|InvalidSignature/,
    );
    // The byzantine signature twice is not two signatures.
    await expect(commitWithRmnSignatures(lane.commitRelay, forgedRoot, [...byzOnForged, ...byzOnForged])).rejects.toThrow(/OutOfOrderSignatures/);

    // The compromised nodes come back honest: the real 0 → 1 message is blessed, committed and executed once; the
    // poisoned lane 2 → 1 stays cursed and its forged message unexecuted.
    for (const i of COMPROMISED) await devnet.restartNode(i);
    phase('compromised nodes restarted');
    const all = await waitForExecutions(devnet.file, [real01], 120_000);
    phase('real 0 → 1 message delivered');
    expect(exactlyOnceProblems(all, [real01])).toEqual([]);
    expect(all.get(laneKey(chains[2]!.chainSelector, dst.chainSelector, forged21.header.sequenceNumber))).toBeUndefined();
    expect(await isCursedOn(dst, chains[2]!)).toBe(true);
  }, 200_000);

  it('ccip curse <chain> and ccip curse --global / uncurse take effect on every chain, rmn status shows them, traffic resumes', async () => {
    const [c0, c1, c2] = chains as [DevnetChain, DevnetChain, DevnetChain];
    const status = async () => {
      const r = await ccip(devnet.path, ['rmn', 'status', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as { chains: { chain: string; cursed: string[]; heartbeat: { expired: boolean } }[]; rmnNodes: { reachable: boolean }[] };
      return new Map(json.chains.map((c) => [c.chain, c.cursed]));
    };

    // chain0 cursed on the other chains.
    let r = await ccip(devnet.path, ['curse', c0.chainSelector, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { applied: { chain: string }[] }).applied.map((a) => a.chain).sort()).toEqual([c1.name, c2.name].sort());
    expect(await isCursedOn(c1, c0)).toBe(true);
    expect(await isCursedOn(c2, c0)).toBe(true);
    let s = await status();
    expect(s.get(c1.name)).toContain(c0.name);
    expect(s.get(c2.name)).toContain(c0.name);
    expect(s.get(c0.name)).not.toContain(c0.name);
    expect(await sendFailure(c1, c0)).toMatch(/CursedByRMN.*ccip rmn status/);
    expect(await sendFailure(c2, c0)).toMatch(/CursedByRMN/);
    r = await ccip(devnet.path, ['uncurse', c0.chainSelector]);
    expect(r.code, r.stderr).toBe(0);
    expect(await isCursedOn(c1, c0)).toBe(false);
    expect(await isCursedOn(c2, c0)).toBe(false);

    // Global: every chain.
    r = await ccip(devnet.path, ['curse', '--global']);
    expect(r.code, r.stderr).toBe(0);
    for (const c of chains) expect(await isCursedOn(c), c.name).toBe(true);
    s = await status();
    for (const c of chains) expect(s.get(c.name), c.name).toContain('global');
    expect(await sendFailure(c0, c2)).toMatch(/BadARMSignal|CursedByRMN/);
    r = await ccip(devnet.path, ['uncurse', '--global']);
    expect(r.code, r.stderr).toBe(0);
    for (const c of chains) expect(await isCursedOn(c), c.name).toBe(false);
    // The fraud curse of test 1 is untouched: chain2 stays cursed on chain1.
    expect(await isCursedOn(c1, c2)).toBe(true);

    // Traffic resumes on the lanes the fraud curse does not cover.
    const sent = await sendBurst([one(0, 1, 1, 'after uncurse'), one(1, 0, 1, 'after uncurse'), one(0, 2, 1, 'after uncurse'), one(2, 0, 1, 'after uncurse')]);
    allSent.push(...sent);
    phase('sent after the uncurse');
    const all = await waitForExecutions(devnet.file, sent, 120_000);
    phase('delivered after the uncurse');
    expect(exactlyOnceProblems(all, sent)).toEqual([]);
  }, 200_000);

  it('all RMN nodes stopped: after the heartbeat timeout sends revert with a curse error, earlier messages wait, and are delivered once the RMN is back', async () => {
    const rmn = devnet.rmn!;
    const lanesHere: [number, number][] = [[0, 1], [1, 0], [0, 2], [2, 0]];
    // Stop right after a heartbeat landed everywhere, so the messages below go out well before the timeout.
    const before = await Promise.all(chains.map(heartbeatOf));
    await waitUntil('a fresh heartbeat on every chain', async () => (await Promise.all(chains.map(heartbeatOf))).every((h, i) => h.last > before[i]!.last), 30_000, 250);
    await rmn.stop();
    const stoppedAt = Date.now();
    const kept = await sendBurst(lanesHere.map(([a, b]) => one(a, b, 2, 'before the lapse')));
    allSent.push(...kept);
    expect(Date.now() - stoppedAt).toBeLessThan((HEARTBEAT_TIMEOUT_SEC - 4) * 1_000);

    await waitUntil('the heartbeat expired on every chain', async () => (await Promise.all(chains.map(heartbeatOf))).every((h) => h.expired), 45_000);
    for (const c of chains) expect(await isCursedOn(c), c.name).toBe(true);
    // A send now fails with an error that names the curse and the heartbeat (SDK describeError and the CLI).
    expect(await sendFailure(chains[0]!, chains[1]!)).toMatch(/(BadARMSignal|CursedByRMN).*heartbeat/);
    const cliSend = await ccip(devnet.path, ['send', '--from', chains[1]!.chainSelector, '--to', chains[0]!.chainSelector, '--receiver', chains[0]!.contracts.messageReceiver]);
    expect(cliSend.code).not.toBe(0);
    expect(cliSend.stderr).toMatch(/curse/i);
    expect(cliSend.stderr).toMatch(/heartbeat/i);
    const st = await ccip(devnet.path, ['rmn', 'status', '--json']);
    const json = JSON.parse(st.stdout) as { chains: { heartbeat: { expired: boolean } }[]; rmnNodes: { reachable: boolean }[] };
    expect(json.chains.every((c) => c.heartbeat.expired)).toBe(true);
    expect(json.rmnNodes.every((n) => !n.reachable)).toBe(true);

    // The messages sent before are kept: none executed while the RMN is down.
    await sleep(3_000);
    const during = await readExecutions(devnet.file);
    const keyOf = (s: Sent) => laneKey(s.from.chainSelector, s.to.chainSelector, s.message.header.sequenceNumber);
    expect(kept.filter((s) => during.has(keyOf(s))).map(keyOf)).toEqual([]);

    // The RMN comes back: heartbeats resume, the lanes lift, every kept message is delivered exactly once.
    for (const n of rmn.nodes) await n.restart();
    await waitUntil('heartbeats resumed on every chain', async () => (await Promise.all(chains.map(heartbeatOf))).every((h) => !h.expired), 60_000);
    expect(await sendFailure(chains[0]!, chains[1]!)).toBeUndefined();
    phase('heartbeats resumed');
    const all = await waitForExecutions(devnet.file, kept, 120_000);
    phase('kept messages delivered');
    expect(exactlyOnceProblems(all, kept)).toEqual([]);
    expect(unexpectedExecutions(all, allSent)).toEqual([]);
    // And the forged message of test 1 never ran.
    expect(all.get(laneKey(chains[2]!.chainSelector, chains[1]!.chainSelector, forged21.header.sequenceNumber))).toBeUndefined();
  }, 200_000);
});
