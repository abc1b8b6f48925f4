import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toHex } from 'viem';
import { startByzantine, type Byzantine } from './e2e/byzantine.js';
import { startE2eDevnet, type E2eDevnet } from './e2e/devnetFixture.js';
import { exactlyOnceProblems, nonceOrderProblems, unexpectedExecutions, waitForExecutions } from './e2e/executions.js';
import { INSUFFICIENT_GAS_TO_COMPLETE_TX, revertedTransmissions } from './e2e/nodeLogs.js';
import { lanes, sendBurst, type Send, type Sent } from './e2e/traffic.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The node most instances currently follow as leader, from a node's "entered epoch" log lines. */
function busiestLeader(logFile: string): number {
  const leaderOf = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"entered epoch"')) continue;
    try {
      const l = JSON.parse(line) as { instance?: string; leader?: number };
      if (l.instance !== undefined && typeof l.leader === 'number') leaderOf.set(l.instance, l.leader);
    } catch {
      // a partial last line
    }
  }
  const count = new Map<number, number>();
  for (const leader of leaderOf.values()) count.set(leader, (count.get(leader) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

// Faults with f = 1 of n = 4 node processes: a crash (SIGKILL + restart) mid-burst, then a byzantine member.
describe('e2e: node faults', () => {
  let devnet: E2eDevnet;
  let byzantine: Byzantine | undefined;
  const allSent: Sent[] = [];

  beforeAll(async () => {
    // Debug logs: the honest nodes' reasons for dropping the byzantine node's messages are checked below.
    devnet = await startE2eDevnet('faults', { nodeLogLevel: 'debug' });
  }, 120_000);
  afterAll(async () => {
    await byzantine?.stop();
    await devnet?.teardown();
  });

  const burst = (count: number, accounts: number[], tag: string): Send[] => {
    const sends: Send[] = [];
    const all = lanes(devnet.file);
    for (let i = 0; i < count; i++) {
      const [from, to] = all[i % all.length]!;
      sends.push({ from, to, account: accounts[i % accounts.length]!, receiver: to.contracts.messageReceiver, data: toHex(`${tag} ${i}`) });
    }
    return sends;
  };

  it('loses and repeats nothing when a node is SIGKILLed mid-burst and restarted', async () => {
    // Warm up: every instance has a leader and the lanes work before the crash.
    const warm = await sendBurst(burst(6, [0], 'warm-up'));
    allSent.push(...warm);
    await waitForExecutions(devnet.file, warm, 90_000);

    const victim = busiestLeader(devnet.nodes[0]!.logFile);
    const sending = sendBurst(burst(102, [1, 2], 'crash'));
    await sleep(1_500);
    devnet.nodes[victim]!.process.kill('SIGKILL');
    const exited = await devnet.nodes[victim]!.process.exited;
    expect(exited.signal).toBe('SIGKILL');
    const sent = await sending;
    allSent.push(...sent);
    await sleep(3_000);
    await devnet.restartNode(victim);

    const all = await waitForExecutions(devnet.file, sent, 150_000);
    expect(exactlyOnceProblems(all, sent)).toEqual([]);
    expect(nonceOrderProblems(all, sent)).toEqual([]);
    expect(unexpectedExecutions(all, allSent)).toEqual([]);
    // The restarted node is back: it logs a fresh start after the kill (the other three may well have executed
    // everything before it finished booting, so wait for the line).
    const starts = () => readFileSync(devnet.nodes[victim]!.logFile, 'utf8').split('"node started"').length - 1;
    await vi.waitFor(() => expect(starts()).toBe(2), { timeout: 60_000, interval: 250 });
  }, 240_000);

  it('keeps delivering while node-3 is byzantine (garbage, bad and conflicting observations, random report signatures)', async () => {
    const index = 3;
    await devnet.nodes[index]!.process.stop();
    byzantine = await startByzantine(devnet, index);

    const sent = await sendBurst(burst(30, [3, 4], 'byzantine'));
    allSent.push(...sent);
    const all = await waitForExecutions(devnet.file, sent, 150_000);
    expect(exactlyOnceProblems(all, sent)).toEqual([]);
    expect(nonceOrderProblems(all, sent)).toEqual([]);
    expect(unexpectedExecutions(all, allSent)).toEqual([]);

    // It really took part: the honest nodes talked to it and it answered rounds with every kind of attack.
    const s = byzantine.stats;
    expect(s.receivedByType.query ?? 0).toBeGreaterThan(0);
    expect(s.conflictingObservations).toBeGreaterThan(0);
    expect(s.badSignatureObservations).toBeGreaterThan(0);
    expect(s.randomReportSignatures).toBeGreaterThan(0);
    expect(s.garbageSent).toBeGreaterThan(0);
    const { transport } = byzantine;
    await vi.waitFor(() => expect(transport.stats().every((p) => p.connected)).toBe(true), { timeout: 10_000, interval: 100 });
    // The honest nodes got its messages and refused them for what they are.
    const drops = new Map<string, number>();
    for (const n of devnet.nodes.slice(0, index)) {
      for (const line of readFileSync(n.logFile, 'utf8').split('\n')) {
        if (!line.includes('"from":3') || !line.includes('"msg":"dropped')) continue;
        const msg = (JSON.parse(line) as { msg: string }).msg;
        drops.set(msg, (drops.get(msg) ?? 0) + 1);
      }
    }
    console.log(`e2e byzantine: honest nodes dropped ${JSON.stringify(Object.fromEntries(drops))}; it sent ${JSON.stringify(s)}`);
    for (const reason of ['dropped undecodable message', 'dropped: observation with a bad signature', 'dropped: second observation from a peer',
      'dropped: report signature that does not recover to its sender',
    ]) {
      expect(drops.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
        // No honest node crashed on its garbage.
    for (const n of devnet.nodes.slice(0, index)) expect(n.process.child.exitCode).toBeNull();
  }, 240_000);

  it('no transmission ran out of gas', async () => {
    const reverted = await revertedTransmissions(devnet);
    expect(reverted.filter((r) => r.revertData.startsWith(INSUFFICIENT_GAS_TO_COMPLETE_TX))).toEqual([]);
  });
});
