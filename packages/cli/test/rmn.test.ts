import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAddress } from 'viem/accounts';
import { chainCurseSubject, GLOBAL_CURSE_SUBJECT, rmnRemoteAbi } from '@openccip/sdk';
import {
  ANVIL_KEYS,
  deployCore,
  freePort,
  makeChainClients,
  send,
  startAnvil,
  toDevnetChain,
  type Anvil,
  type ChainDeployment,
  type DevnetFile,
} from '@openccip/devnet';

const BIN = resolve(import.meta.dirname, '../bin/ccip.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ccip(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, OPENCCIP_PRIVATE_KEY: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const ok = (r: Run): Run => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
};
const oneErrorLine = (r: Run): string => {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

interface StatusJson {
  chains: { chain: string; cursed: string[]; cursedSubjects: string[]; fSign: string; signers: unknown[]; heartbeat: { expired: boolean; timeout: number } }[];
  rmnNodes: { name: string; reachable: boolean; error?: string; status?: unknown }[];
}

describe('ccip rmn status / curse / uncurse on two anvil chains', () => {
  const anvils: Anvil[] = [];
  const chains: ChainDeployment[] = [];
  let dir: string;
  let rmnNode: Server;

  const isCursed = (d: ChainDeployment, subject: `0x${string}`) =>
    d.clients.public.readContract({ address: d.contracts.rmnRemote, abi: rmnRemoteAbi, functionName: 'isCursed', args: [subject] });
  const status = async (): Promise<StatusJson> => JSON.parse(ok(await ccip(dir, ['rmn', 'status', '--json'])).stdout) as StatusJson;

  beforeAll(async () => {
    const specs = [
      { chainId: 31337, selector: 7759470850252068959n, name: 'alpha' },
      { chainId: 1337, selector: 3379446385462418246n, name: 'beta' },
    ];
    anvils.push(...(await Promise.all(specs.map((s) => startAnvil({ chainId: s.chainId })))));
    chains.push(
      ...(await Promise.all(
        specs.map((s, i) => deployCore(makeChainClients(anvils[i]!.rpcUrl, s.chainId, ANVIL_KEYS[0]!, s.name), { chainSelector: s.selector })),
      )),
    );
    // An RMN signer set on alpha only (beta stays unconfigured).
    await send(chains[0]!.clients, chains[0]!.contracts.rmnRemote, rmnRemoteAbi, 'setConfig', [
      {
        rmnHomeContractConfigDigest: `0x${'ab'.repeat(32)}`,
        fSign: 1n,
        signers: [5, 6, 7].map((i) => privateKeyToAddress(ANVIL_KEYS[i]!)).sort().map((onchainPublicKey, i) => ({ onchainPublicKey, nodeIndex: BigInt(i) })),
      },
    ]);
    // The status endpoint of an RMN node (the CLI only checks it answers).
    rmnNode = createServer((req, res) => {
      res.writeHead(req.url === '/v1/status' ? 200 : 404, { 'content-type': 'application/json' }).end('{"name":"rmn-0"}');
    });
    await new Promise<void>((r) => rmnNode.listen(0, '127.0.0.1', r));
    const port = (rmnNode.address() as { port: number }).port;
    const file: DevnetFile = {
      version: 1,
      chains: chains.map((d, i) => ({ ...toDevnetChain(d, ANVIL_KEYS.slice(1, 2)), name: specs[i]!.name })),
      nodes: [],
      rmnNodes: [
        { name: 'rmn-0', signer: privateKeyToAddress(ANVIL_KEYS[5]!), url: `http://127.0.0.1:${port}` },
        { name: 'rmn-1', signer: privateKeyToAddress(ANVIL_KEYS[6]!), url: `http://127.0.0.1:${await freePort()}` },
      ],
    };
    dir = mkdtempSync(join(tmpdir(), 'ccip-rmn-'));
    writeFileSync(join(dir, 'devnet.json'), JSON.stringify(file, null, 2));
  });

  afterAll(async () => {
    await Promise.all(anvils.map((a) => a.stop()));
    await new Promise<void>((r) => (rmnNode ? rmnNode.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rmn status shows signers, heartbeat, no curses and the RMN nodes', async () => {
    const s = await status();
    expect(s.chains.map((c) => c.chain)).toEqual(['alpha', 'beta']);
    expect(s.chains[0]!.signers).toHaveLength(3);
    expect(s.chains[0]!.fSign).toBe('1');
    expect(s.chains[1]!.signers).toHaveLength(0);
    expect(s.chains.map((c) => c.cursed)).toEqual([[], []]);
    expect(s.chains[0]!.heartbeat).toMatchObject({ expired: false, timeout: 0 });
    expect(s.rmnNodes.map((n) => [n.name, n.reachable])).toEqual([['rmn-0', true], ['rmn-1', false]]);
    expect(s.rmnNodes[1]!.error).toBe('ECONNREFUSED');

    const text = ok(await ccip(dir, ['rmn', 'status']));
    expect(text.stdout).toMatch(/alpha \(selector 7759470850252068959, chain id 31337\)/);
    expect(text.stdout).toMatch(/signers:\s+3, fSign 1/);
    expect(text.stdout).toMatch(/signers:\s+none \(not configured/);
    expect(text.stdout).toMatch(/heartbeat:\s+off/);
    expect(text.stdout).toMatch(/rmn-0 0x[0-9a-fA-F]{40} http:\/\/127\.0\.0\.1:\d+: up/);
    expect(text.stdout).toMatch(/rmn-1 .*: unreachable \(ECONNREFUSED\)/);
  });

  it('curse <chain> applies on every other chain; uncurse lifts it; errors say which', async () => {
    const [alpha, beta] = [chains[0]!, chains[1]!];
    const betaSubject = chainCurseSubject(beta.chainSelector);
    const cursed = ok(await ccip(dir, ['curse', 'beta']));
    expect(cursed.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^cursed beta on alpha: tx 0x[0-9a-f]{64} \(block \d+\)$/)]);
    expect(await isCursed(alpha, betaSubject)).toBe(true);
    expect(await isCursed(beta, betaSubject)).toBe(false); // not on the subject chain itself
    expect((await status()).chains.map((c) => c.cursed)).toEqual([['beta'], []]);

    expect(oneErrorLine(await ccip(dir, ['curse', 'beta']))).toMatch(/curse beta failed on alpha: beta is already cursed \(RMNRemote 0x/);
    const stranger = ANVIL_KEYS[3]!;
    expect(oneErrorLine(await ccip(dir, ['uncurse', 'beta', '--private-key', stranger]))).toContain(
      `${privateKeyToAddress(stranger)} is not the owner (the owner is ${privateKeyToAddress(ANVIL_KEYS[0]!)})`,
    );

    ok(await ccip(dir, ['uncurse', String(beta.chainSelector)]));
    expect(await isCursed(alpha, betaSubject)).toBe(false);
    expect(oneErrorLine(await ccip(dir, ['uncurse', 'beta']))).toMatch(/uncurse beta failed on alpha: beta is not cursed/);
    expect(oneErrorLine(await ccip(dir, ['curse']))).toMatch(/needs a chain or --global/);
  });

  it('curse --global [--on] and uncurse --global; status reports "global" and a lapsed heartbeat', async () => {
    const [alpha, beta] = [chains[0]!, chains[1]!];
    const any = chainCurseSubject(123n);
    const run = ok(await ccip(dir, ['curse', '--global', '--json']));
    const json = JSON.parse(run.stdout) as { applied: { chain: string }[]; subject: string };
    expect(json.subject).toBe(GLOBAL_CURSE_SUBJECT);
    expect(json.applied.map((a) => a.chain)).toEqual(['alpha', 'beta']);
    expect([await isCursed(alpha, any), await isCursed(beta, any)]).toEqual([true, true]);
    expect((await status()).chains.map((c) => c.cursed)).toEqual([['global'], ['global']]);

    ok(await ccip(dir, ['uncurse', '--global', '--on', 'beta']));
    expect([await isCursed(alpha, any), await isCursed(beta, any)]).toEqual([true, false]);
    ok(await ccip(dir, ['uncurse', '--global', '--on', 'alpha']));
    expect(await isCursed(alpha, any)).toBe(false);

    // The dead-man switch: with no heartbeat within the timeout, beta counts as globally cursed.
    await send(beta.clients, beta.contracts.rmnRemote, rmnRemoteAbi, 'setHeartbeatTimeout', [60]);
    await beta.clients.public.request({ method: 'evm_increaseTime' as never, params: [61] as never });
    await beta.clients.public.request({ method: 'evm_mine' as never, params: [] as never });
    const s = await status();
    expect(s.chains[1]!.heartbeat).toMatchObject({ expired: true, timeout: 60 });
    expect(s.chains[1]!.cursed).toEqual(['global']);
    expect(ok(await ccip(dir, ['rmn', 'status'])).stdout).toMatch(/heartbeat:\s+EXPIRED: the chain counts as globally cursed, last \d+ s ago, timeout 60 s/);
    await send(beta.clients, beta.contracts.rmnRemote, rmnRemoteAbi, 'setHeartbeatTimeout', [0]);
  });
});
