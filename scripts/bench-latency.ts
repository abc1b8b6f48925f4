/**
 * Latency and throughput of the whole system on a local devnet (issue 3): 3 anvil chains with 1 s blocks and
 * finality depth 2, 4 DON node processes, all 6 lanes. Prints figures with their targets; not a test.
 *
 *   npm run bench:latency [-- --latency-messages 200 --latency-rate 5 --throughput-seconds 60 --rate 230 --senders 24]
 *
 * Latency: messages at a modest steady rate; each is timed from the moment its send block was first seen to the
 * moment the destination block with its ExecutionStateChanged(SUCCESS) was first seen (both polled every 50 ms by
 * this process), and the part after the send block became final (block + depth seen) is the protocol overhead.
 * Throughput: many senders at an offered rate just above the 200 msg/s target (--rate, default 230); executed
 * messages/s over the load window after a warm-up, and how fast the backlog drains once the load stops.
 * DON and RMN node CPU and RSS come from /proc/<pid>/stat and /proc/<pid>/status, sampled every second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePrivateKey } from 'viem/accounts';
import { createPublicClient, toHex, type Hex } from 'viem';
import { buildMessage, keccakReady } from '@openccip/sdk';
import { jsonRpcHttp } from '@openccip/sdk/transport';
import { ANVIL_KEYS, makeChainClients, startDevnet, type Devnet } from '@openccip/devnet';
import { ChainWatcher } from './bench/chainWatcher.js';
import { ProcSampler, type MachineFigures, type ProcFigures } from './bench/procStats.js';
import { SenderPool, type Lane } from './bench/senders.js';
import { mean, quantile, secs, table } from './bench/stats.js';
import { Tracker } from './bench/tracker.js';

const { values: args } = parseArgs({
  options: {
    'latency-messages': { type: 'string', default: '200' },
    'latency-rate': { type: 'string', default: '5' },
    'throughput-seconds': { type: 'string', default: '60' },
    'warmup-seconds': { type: 'string', default: '10' },
    rate: { type: 'string', default: '230' },
    senders: { type: 'string', default: '24' },
    'max-inflight': { type: 'string', default: '256' },
    'gas-limit': { type: 'string', default: '100000' },
    'node-log-level': { type: 'string', default: 'info' },
    'skip-latency': { type: 'boolean', default: false },
    'skip-throughput': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const num = (k: keyof typeof args) => Number(args[k]);

const CHAINS = 3;
const NODES = 4;
const BLOCK_TIME = 1;
const DEPTH = 2;
const TARGET = { overheadP50Ms: 3_000, throughput: 200, rssMb: 150 };

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'openccip-bench-'));
  let devnet: Devnet | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  const shutdown = async () => {
    for (const c of cleanups.reverse()) await c();
    await devnet?.stop();
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));

  try {
    log(`devnet: ${CHAINS} chains, ${NODES} nodes, ${BLOCK_TIME} s blocks, finality depth ${DEPTH} (in ${dir})`);
    devnet = await startDevnet({
      chains: CHAINS,
      nodes: NODES,
      blockTime: BLOCK_TIME,
      finalityDepth: DEPTH,
      out: join(dir, 'devnet.json'),
      nodeLogLevel: args['node-log-level'] as 'info',
      log: (l) => log(l),
    });
    // The load generator and watchers share the machine with what they measure: the lean JSON-RPC transport and
    // the WebAssembly signer keep their own CPU use small.
    await keccakReady;
    const chains = devnet.file.chains.map((c) => ({
      ...c,
      selector: BigInt(c.chainSelector),
      client: createPublicClient({ chain: makeChainClients(c.rpcUrl, c.chainId, ANVIL_KEYS[0]!, c.name).public.chain, transport: jsonRpcHttp(c.rpcUrl) }),
    }));

    const tracker = new Tracker();
    const watchers = new Map<bigint, ChainWatcher>();
    for (const c of chains) {
      const w = new ChainWatcher(c.name, c.selector, c.client, c.contracts.onRamp, c.contracts.offRamp, { sent: tracker.onSent, exec: tracker.onExec });
      await w.start();
      watchers.set(c.selector, w);
      cleanups.push(() => w.stop());
    }

    const sampler = new ProcSampler([
      ...devnet.nodes.map((n) => ({ name: n.name, pid: n.process.child.pid! })),
      ...(devnet.rmn?.nodes ?? []).map((r) => ({ name: r.name, pid: r.process.child.pid! })),
      ...devnet.anvils.map((a, i) => ({ name: `anvil ${chains[i]!.name}`, pid: a.process.pid! })),
      { name: 'bench (load + watchers)', pid: process.pid },
    ]);
    cleanups.push(() => sampler.stop());

    const lanes: Lane[] = [];
    for (const src of chains) {
      for (const dst of chains) {
        if (src === dst) continue;
        lanes.push({
          name: `${src.name} → ${dst.name}`,
          source: { name: src.name, chainId: src.chainId, selector: src.selector, client: src.client, router: src.contracts.router },
          destSelector: dst.selector,
          message: buildMessage({ receiver: dst.contracts.messageReceiver, data: toHex('openccip bench message, 32 bytes'), gasLimit: BigInt(num('gas-limit')) }),
        });
      }
    }
    const keys: Hex[] = [...ANVIL_KEYS.slice(1)];
    while (keys.length < num('senders')) keys.push(generatePrivateKey());
    const pool = await SenderPool.create(keys.slice(0, Math.max(1, num('senders'))), lanes);
    log(`${keys.length} sender accounts funded on every chain; ${lanes.length} lanes`);

    // Warm-up: one message per lane through the whole path (epochs entered, first-send storage written).
    tracker.phase = 'warmup';
    for (let i = 0; i < lanes.length; i++) await pool.send(i);
    await drain(tracker, 'warmup', lanes.length, 180_000);

    const results: string[] = [];
    const procRows: { phase: string; figures: ProcFigures[]; machine: MachineFigures }[] = [];

    // ------------------------------------------------------------------ latency
    let latency: ReturnType<Tracker['latencies']> | undefined;
    if (!args['skip-latency']) {
      const n = num('latency-messages');
      const rate = num('latency-rate');
      log(`latency: ${n} messages at ${rate}/s over ${lanes.length} lanes`);
      tracker.phase = 'latency';
      const win = sampler.window();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const due = t0 + (i * 1000) / rate;
        if (due > performance.now()) await sleep(due - performance.now());
        void pool.send(i);
      }
      await drain(tracker, 'latency', await landed(pool, tracker, 'latency'), 180_000);
      procRows.push({ phase: 'latency', ...toRow(win.close()) });
      latency = tracker.latencies('latency', watchers, DEPTH);
      results.push(`latency: ${latency.total.length}/${n} executed`);
    }

    // ------------------------------------------------------------------ throughput
    let throughput: { offered: number; sentRate: number; executedRate: number; executed: number; windowS: number; drainS: number; left: number } | undefined;
    if (!args['skip-throughput']) {
      const rate = num('rate');
      const seconds = num('throughput-seconds');
      const warm = num('warmup-seconds');
      const maxInflight = num('max-inflight');
      log(`throughput: offering ${rate} msg/s for ${seconds} s from ${keys.length} senders (measured after ${warm} s)`);
      tracker.phase = 'throughput';
      const win = sampler.window();
      const t0 = performance.now();
      const tEnd = t0 + seconds * 1000;
      let issued = 0;
      let nextReport = t0 + 5_000;
      let lastExec = 0;
      while (performance.now() < tEnd) {
        const now = performance.now();
        const due = Math.floor((rate * (now - t0)) / 1000);
        if (due - issued > rate / 2) issued = due - Math.floor(rate / 2); // never burst more than half a second's worth
        while (issued < due && pool.inflight < maxInflight) void pool.send(issued++);
        if (now >= nextReport) {
          const executed = tracker.executedBetween('throughput', t0, now);
          log(
            `  t=${((now - t0) / 1000).toFixed(0)}s sent(on chain) ${tracker.inPhase('throughput').length} executed ${executed} ` +
              `(+${((executed - lastExec) / 5).toFixed(0)}/s) backlog ${tracker.outstanding('throughput')} refused ${pool.rejected}`,
          );
          lastExec = executed;
          nextReport += 5_000;
        }
        await sleep(5);
      }
      const loadEnd = performance.now();
      const drained = await drain(tracker, 'throughput', await landed(pool, tracker, 'throughput'), 120_000);
      procRows.push({ phase: 'throughput', ...toRow(win.close()) });
      const from = t0 + warm * 1000;
      const executed = tracker.executedBetween('throughput', from, loadEnd);
      throughput = {
        offered: rate,
        sentRate: tracker.sentBetween('throughput', from, loadEnd) / ((loadEnd - from) / 1000),
        executedRate: executed / ((loadEnd - from) / 1000),
        executed: tracker.executedBetween('throughput', t0, Number.POSITIVE_INFINITY),
        windowS: (loadEnd - from) / 1000,
        drainS: (drained - loadEnd) / 1000,
        left: tracker.outstanding('throughput'),
      };
    }

    // ------------------------------------------------------------------ report
    const rows: string[][] = [['figure', 'measured', 'target', '']];
    const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
    if (latency) {
      const p50o = quantile(latency.overhead, 0.5);
      rows.push(['latency p50 (send block → exec block)', secs(quantile(latency.total, 0.5)), '', '']);
      rows.push(['latency p95', secs(quantile(latency.total, 0.95)), '', '']);
      rows.push(['  of which finality wait p50', secs(quantile(latency.finality, 0.5)), `${DEPTH} × ${BLOCK_TIME} s`, '']);
      rows.push(['protocol overhead beyond finality p50', secs(p50o), `≤ ${secs(TARGET.overheadP50Ms)}`, ok(p50o <= TARGET.overheadP50Ms)]);
      rows.push(['protocol overhead beyond finality p95', secs(quantile(latency.overhead, 0.95)), '', '']);
    }
    if (throughput) {
      rows.push([`throughput, executed msg/s (${throughput.windowS.toFixed(0)} s window)`, throughput.executedRate.toFixed(1), `≥ ${TARGET.throughput}`, ok(throughput.executedRate >= TARGET.throughput)]);
      rows.push(['  offered / landed on source chains msg/s', `${throughput.offered} / ${throughput.sentRate.toFixed(1)}`, '', '']);
      rows.push(['  executed in total / left after drain', `${throughput.executed} / ${throughput.left}`, '', '']);
      rows.push(['  drain after load stopped', `${throughput.drainS.toFixed(1)} s`, '', '']);
    }
    rows.push(['execution failures (state FAILURE)', String(tracker.failures), '0', ok(tracker.failures === 0)]);
    rows.push(['sends refused by the chains', String(pool.rejected), '0', ok(pool.rejected === 0)]);

    const procTable: string[][] = [['process', ...procRows.flatMap((p) => [`${p.phase} CPU %`, `${p.phase} max RSS MB`]), 'target RSS']];
    const names = procRows[0]?.figures.map((f) => f.name) ?? [];
    for (const [i, name] of names.entries()) {
      const isNode = name.startsWith('node-');
      const rss = procRows.map((p) => Math.max(p.figures[i]!.maxRssMb, p.figures[i]!.peakRssMb));
      procTable.push([
        name,
        ...procRows.flatMap((p) => [p.figures[i]!.meanCpuPercent.toFixed(1), Math.max(p.figures[i]!.maxRssMb, p.figures[i]!.peakRssMb).toFixed(0)]),
        isNode ? `≤ ${TARGET.rssMb} ${ok(Math.max(...rss) <= TARGET.rssMb)}` : '',
      ]);
    }
    const nodeCpu = procRows.map((p) => mean(p.figures.filter((f) => f.name.startsWith('node-')).map((f) => f.meanCpuPercent)));
    const rmnCpu = procRows.map((p) => mean(p.figures.filter((f) => f.name.startsWith('rmn-')).map((f) => f.meanCpuPercent)));

    console.log(`\nOpenCCIP latency/throughput benchmark — ${CHAINS} chains, ${NODES} nodes, ${BLOCK_TIME} s blocks, finality depth ${DEPTH}, ${lanes.length} lanes\n`);
    console.log(table(rows));
    console.log(`\nper process (CPU: percent of one core, mean over the phase; RSS: max of 1 s samples and VmHWM)\n`);
    console.log(table(procTable));
    console.log(`\nnode CPU mean per phase: ${procRows.map((p, i) => `${p.phase} ${nodeCpu[i]!.toFixed(1)}%`).join(', ')}`);
    // CPU per executed message: less sensitive to a busy machine than msg/s (which is what the nodes' CPU buys).
    if (throughput && throughput.executed > 0) {
      const tp = procRows.find((p) => p.phase === 'throughput')!;
      const perMsg = (prefix: string) => (1000 * tp.figures.filter((f) => f.name.startsWith(prefix)).reduce((s, f) => s + f.cpuSeconds, 0)) / throughput!.executed;
      console.log(
        `CPU per executed message (throughput phase incl. drain, all nodes of a kind): DON ${perMsg('node-').toFixed(2)} ms` +
          `${devnet.rmn ? `, RMN ${perMsg('rmn-').toFixed(2)} ms` : ''}, anvils ${perMsg('anvil ').toFixed(2)} ms`,
      );
    }
    if (devnet.rmn) console.log(`RMN node CPU mean per phase: ${procRows.map((p, i) => `${p.phase} ${rmnCpu[i]!.toFixed(1)}%`).join(', ')}`);
    for (const p of procRows) {
      console.log(
        `machine during ${p.phase}: ${p.machine.cores} cores ${p.machine.busyPercent.toFixed(0)}% busy; processes outside this benchmark used ` +
          `${p.machine.othersPercentOfOneCore.toFixed(0)}% of one core${p.machine.othersPercentOfOneCore > 20 ? ' (a shared machine: figures are pessimistic)' : ''}`,
      );
    }
    if (args.keep) console.log(`node logs: ${dir}/.devnet/node-*/node.log`);
  } finally {
    await shutdown();
  }
}

const toRow = (w: { procs: ProcFigures[]; machine: MachineFigures }) => ({ figures: w.procs, machine: w.machine });

/** How many of the phase's sends landed: all sends answered, then a few blocks for the last ones to be mined and read. */
async function landed(pool: SenderPool, tracker: Tracker, phase: string): Promise<number> {
  while (pool.inflight > 0) await sleep(20);
  await sleep(3 * BLOCK_TIME * 1000);
  return tracker.inPhase(phase).length;
}

/** Waits until `expected` messages of `phase` were seen sent and all of them executed; returns when (performance.now). */
async function drain(tracker: Tracker, phase: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (tracker.inPhase(phase).length >= expected && tracker.outstanding(phase) === 0) return performance.now();
    await sleep(100);
  }
  log(`${phase}: ${tracker.outstanding(phase)} messages still not executed after ${timeoutMs / 1000} s`);
  return performance.now();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
