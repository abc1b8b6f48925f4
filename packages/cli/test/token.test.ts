import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUnits, type Address, type Hex } from 'viem';
import { burnMintErc20Abi, findSentMessage, MessageExecutionState } from '@openccip/sdk';
import {
  ANVIL_KEYS,
  commitMessages,
  deployLocalPair,
  executeMessages,
  getExecutionStates,
  startAnvil,
  toDevnetChain,
  type Anvil,
  type ChainDeployment,
  type DevnetChain,
  type DevnetFile,
  type LocalPair,
} from '@openccip/devnet';

const BIN = resolve(import.meta.dirname, '../bin/ccip.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ccip(cwd: string, args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, OPENCCIP_PRIVATE_KEY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
const ok = (r: Run): string => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
};
const errorLine = (r: Run): string => {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

interface InfoJson {
  chain: string;
  info: {
    token: Address;
    pool: Address;
    decimals: number;
    poolType: string;
    liquidity: string;
    remotes: { remoteToken: Address; outbound: { isEnabled: boolean; capacity: string; rate: string }; inbound: { isEnabled: boolean; capacity: string; rate: string }; transferFee: { isEnabled: boolean; deciBps: number } }[];
  };
}

describe('ccip token: deploy, info, rate-limit, liquidity, send by symbol', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let dir: string;
  const alphaKey = ANVIL_KEYS[5]!;
  const betaKey = ANVIL_KEYS[6]!;
  const info = async (): Promise<InfoJson[]> => JSON.parse(ok(await ccip(dir, ['token', 'info', 'TT', '--json']))) as InfoJson[];

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
    const chain = (name: string, d: ChainDeployment, key: Hex): DevnetChain => ({ ...toDevnetChain(d, [key]), name, rpcUrl: anvil.rpcUrl });
    const file: DevnetFile = { version: 1, chains: [chain('alpha', pair.a, alphaKey), chain('beta', pair.b, betaKey)], nodes: [] };
    dir = mkdtempSync(join(tmpdir(), 'ccip-token-'));
    writeFileSync(join(dir, 'devnet.json'), JSON.stringify(file, null, 2));
  });
  afterAll(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deploys a lock/release token with per-chain decimals and an outbound limit, and lists it in devnet.json', async () => {
    const out = ok(
      await ccip(dir, [
        'token', 'deploy', '--name', 'Test Token', '--symbol', 'TT', '--decimals', 'alpha=18,beta=6', '--type', 'lock-release',
        '--chains', 'alpha,beta', '--supply', '500', '--liquidity', '100', '--outbound-capacity', '1000', '--outbound-rate', '10',
      ]),
    );
    expect(out).toMatch(/TT on alpha: token 0x[0-9a-fA-F]{40}, lock-release pool/);
    expect(out).toMatch(/TT on beta: FeeQuoter price \$1 and transfer fee 10 deciBps/);
    expect(out).toMatch(/TT deployed:/);
    const file = JSON.parse(readFileSync(join(dir, 'devnet.json'), 'utf8')) as DevnetFile;
    expect(file.tokens?.TT?.[pair.b.chainSelector.toString()]).toMatchObject({ type: 'lock-release', decimals: 6 });

    const [a, b] = await info();
    expect(a!.info).toMatchObject({ decimals: 18, poolType: 'lock-release', liquidity: parseUnits('100', 18).toString() });
    expect(b!.info).toMatchObject({ decimals: 6, liquidity: parseUnits('100', 6).toString() });
    expect(a!.info.remotes[0]!.remoteToken).toBe(b!.info.token);
    expect(a!.info.remotes[0]!.outbound).toMatchObject({ isEnabled: true, capacity: parseUnits('1000', 18).toString(), rate: parseUnits('10', 18).toString() });
    expect(b!.info.remotes[0]!.outbound).toMatchObject({ isEnabled: true, capacity: parseUnits('1000', 6).toString() });
    expect(a!.info.remotes[0]!.inbound.isEnabled).toBe(false);
    expect(a!.info.remotes[0]!.transferFee).toMatchObject({ isEnabled: true, deciBps: 10 });

    const text = ok(await ccip(dir, ['token', 'info', 'TT', '--chain', 'beta']));
    expect(text).toMatch(/liquidity:\s+100 \(rebalancer/);
    expect(text).toMatch(/outbound:\s+[\d.]+ of 1000 available, refills 10\/s/);
    expect(text).toMatch(/fee:\s+10 deciBps \(0\.010%\), min \$0\.10, max \$50\.00/);
  });

  it('rate-limit set changes one bucket; a bad config, an unknown token and a non-owner get clear errors', async () => {
    const out = ok(await ccip(dir, ['token', 'rate-limit', 'set', 'TT', '--chain', 'alpha', '--remote', 'beta', '--inbound', '--capacity', '50', '--rate', '0.5']));
    expect(out).toMatch(/^inbound rate limit of pool 0x[0-9a-fA-F]{40} on alpha for beta: capacity 50, rate 0.5\/s/);
    const [a] = await info();
    expect(a!.info.remotes[0]!.inbound).toMatchObject({ isEnabled: true, capacity: parseUnits('50', 18).toString(), rate: parseUnits('0.5', 18).toString() });
    expect(a!.info.remotes[0]!.outbound.capacity).toBe(parseUnits('1000', 18).toString());

    // Error cases change nothing: run them side by side (each is a CLI process).
    const [bad, notOwner, unknown] = await Promise.all([
      ccip(dir, ['token', 'rate-limit', 'set', 'TT', '--chain', 'alpha', '--remote', 'beta', '--capacity', '5', '--rate', '5']),
      ccip(dir, ['token', 'rate-limit', 'set', 'TT', '--chain', 'alpha', '--remote', 'beta', '--disable', '--private-key', ANVIL_KEYS[7]!]),
      ccip(dir, ['token', 'info', 'NOPE']),
    ]);
    expect(errorLine(bad)).toMatch(/invalid rate limit .*the rate must be below the capacity/);
    expect(errorLine(notOwner)).toMatch(/may not set rate limits of pool .* only the owner 0x/);
    expect(errorLine(unknown)).toMatch(/unknown token 'NOPE'.*\(TT\)/);
    ok(await ccip(dir, ['token', 'rate-limit', 'set', 'TT', '--chain', 'alpha', '--remote', 'beta', '--disable']));
    const [after] = await info();
    expect(after!.info.remotes[0]!.inbound.isEnabled).toBe(false);
    expect(after!.info.remotes[0]!.outbound.isEnabled).toBe(false);
  });

  it('liquidity add/remove move the rebalancer’s tokens; too much is refused', async () => {
    expect(ok(await ccip(dir, ['token', 'liquidity', 'add', 'TT', '--chain', 'beta', '--amount', '2.5']))).toMatch(/added 2.5 to pool .* on beta; liquidity now 102.5/);
    const [tooMuch, notRebalancer] = await Promise.all([
      ccip(dir, ['token', 'liquidity', 'remove', 'TT', '--chain', 'beta', '--amount', '1000']),
      ccip(dir, ['token', 'liquidity', 'add', 'TT', '--chain', 'beta', '--amount', '1', '--private-key', ANVIL_KEYS[7]!]),
    ]);
    expect(errorLine(tooMuch)).toMatch(/insufficient liquidity of pool/);
    expect(errorLine(notRebalancer)).toMatch(/only its rebalancer/);
    expect(ok(await ccip(dir, ['token', 'liquidity', 'remove', 'TT', '--chain', 'beta', '--amount', '2500000wei']))).toMatch(/liquidity now 100 /);
  });

  it('send --token TT=1.5 converts 18 → 6 decimals on delivery', async () => {
    const [sent, tooPrecise] = await Promise.all([
      ccip(dir, ['send', '--from', 'alpha', '--to', 'beta', '--receiver', '0x000000000000000000000000000000000000bEEF', '--token', 'TT=1.5']),
      ccip(dir, ['send', '--from', 'alpha', '--to', 'beta', '--receiver', '0x000000000000000000000000000000000000bEEF', '--token', 'TT=1.0000000000000000001']),
    ]);
    const out = ok(sent);
    expect(out).toMatch(/token: 1.5 TT \(1500000000000000000 smallest units of 0x/);
    expect(errorLine(tooPrecise)).toMatch(/more than the token's 18 decimals/);
    const messageId = /messageId: (0x[0-9a-f]{64})/.exec(out)![1] as Hex;
    const { message } = await findSentMessage(pair.a.clients.public, { messageId, onRamp: pair.a.contracts.onRamp });
    await commitMessages(pair.relay, [message]);
    await executeMessages(pair.relay, [message], [message]);
    expect(await getExecutionStates(pair.relay, [message])).toEqual([MessageExecutionState.SUCCESS]);
    const file = JSON.parse(readFileSync(join(dir, 'devnet.json'), 'utf8')) as DevnetFile;
    const tokenB = file.tokens!.TT![pair.b.chainSelector.toString()]!.address;
    const got = await pair.b.clients.public.readContract({ address: tokenB, abi: burnMintErc20Abi, functionName: 'balanceOf', args: ['0x000000000000000000000000000000000000bEEF'] });
    expect(got).toBe(parseUnits('1.5', 6));
  });
});
