import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEther, toHex, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { configurableReceiverAbi, findSentMessage, linkTokenAbi, type EVM2AnyRampMessage } from '@openccip/sdk';
import { configurableReceiverBytecode } from '@openccip/sdk/bytecode';
import {
  ANVIL_KEYS,
  commitMessages,
  deploy,
  deployLocalPair,
  executeMessages,
  freePort,
  startAnvil,
  send,
  type ChainDeployment,
  toDevnetChain,
  type DevnetChain,
  type DevnetFile,
  type Anvil,
  type LocalPair,
} from '@openccip/devnet';

const BIN = resolve(import.meta.dirname, '../bin/ccip.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ccip` as a child process in `cwd`; `onLine` sees stdout lines as they come. */
function ccip(cwd: string, args: string[], onLine?: (line: string) => void, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, OPENCCIP_PRIVATE_KEY: '', ...env } });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const l of lines) onLine?.(l);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}


const field = (out: string, name: string): string => {
  const line = out.split('\n').find((l) => l.startsWith(`${name}: `));
  if (!line) throw new Error(`no '${name}:' line in:\n${out}`);
  return line.slice(name.length + 2).trim();
};
const oneErrorLine = (r: Run): string => {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

describe('ccip CLI against a devnet.json of two CCIP stacks on anvil', () => {
  let anvil: Anvil;
  let pair: LocalPair;
  let dir: string;
  const senderKey = ANVIL_KEYS[1]!;
  const execKey = ANVIL_KEYS[8]!;

  const sentMessage = async (messageId: Hex): Promise<EVM2AnyRampMessage> =>
    (await findSentMessage(pair.a.clients.public, { messageId, onRamp: pair.a.contracts.onRamp })).message;
  const relayAll = async (messages: EVM2AnyRampMessage[]) => {
    await commitMessages(pair.relay, messages);
    await executeMessages(pair.relay, messages, messages);
  };

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    pair = await deployLocalPair(anvil.rpcUrl, 31337);
    const chain = (name: string, d: ChainDeployment, key: Hex): DevnetChain => ({ ...toDevnetChain(d, [key]), name, rpcUrl: anvil.rpcUrl });
    const file: DevnetFile = { version: 1, chains: [chain('alpha', pair.a, senderKey), chain('beta', pair.b, execKey)], nodes: [] };
    dir = mkdtempSync(join(tmpdir(), 'ccip-cli-'));
    writeFileSync(join(dir, 'devnet.json'), JSON.stringify(file, null, 2));
  });
  afterAll(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints help for the tool and each command', async () => {
    const [top, sendHelp] = await Promise.all([ccip(dir, ['--help']), ccip(dir, ['send', '--help'])]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:[\s\S]*send[\s\S]*show[\s\S]*manual-exec/);
    expect(sendHelp.code).toBe(0);
    expect(sendHelp.stdout).toContain('--fee-token native|link|<address>');
  });

  it('sends by chain name and selector, then shows the lifecycle by message id and by tx hash', async () => {
    const { a, b } = pair;
    const sent = await ccip(dir, ['send', '--from', 'alpha', '--to', String(b.chainSelector), '--receiver', b.contracts.messageReceiver, '--data', 'hello CLI']);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(field(sent.stdout, 'fee')).toMatch(/native \(\d+ wei\)/);
    const messageId = field(sent.stdout, 'messageId') as Hex;
    const txHash = field(sent.stdout, 'tx') as Hex;
    const message = await sentMessage(messageId);
    expect(message.data).toBe(toHex('hello CLI'));
    expect(message.header.sourceChainSelector).toBe(a.chainSelector);

    const before = await ccip(dir, ['show', messageId, '--json']);
    expect(before.code).toBe(0);
    const json = JSON.parse(before.stdout) as { state: string; sent: { tx: string; seqNr: string } };
    expect(json.state).toBe('sent');
    expect(json.sent.tx).toBe(txHash);

    await relayAll([message]);
    const after = await ccip(dir, ['show', txHash, '--devnet', join(dir, 'devnet.json')]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`message ${messageId}`);
    expect(after.stdout).toMatch(/state:\s+executed/);
    expect(after.stdout).toMatch(/lane:\s+alpha \(\d+\) → beta \(\d+\)/);
    expect(after.stdout).toMatch(/execution:\s+SUCCESS/);
  });

  it('send --wait with a LINK fee prints each stage as the relay commits and executes', async () => {
    const { a, b } = pair;
    await send(a.clients, a.contracts.linkToken, linkTokenAbi, 'mint', [privateKeyToAddress(senderKey), parseEther('10')]);
    let relayed: Promise<void> | undefined;
    const run = await ccip(
      dir,
      ['send', '--from', 'alpha', '--to', 'beta', '--receiver', b.contracts.messageReceiver, '--data', '0xc0ffee', '--fee-token', 'link', '--gas-limit', '300000', '--out-of-order', '--wait', '--poll', '100', '--timeout', '60'],
      (line) => {
        if (line.startsWith('messageId: ')) relayed = sentMessage(line.slice(11) as Hex).then((m) => relayAll([m]));
      },
    );
    await relayed;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => l.split(':')[0]);
    expect(lines).toEqual(['fee', 'tx', 'messageId', 'sent', 'committed', 'executed', 'state']);
    expect(field(run.stdout, 'state')).toBe('executed');
    const m = await sentMessage(field(run.stdout, 'messageId') as Hex);
    expect(m.header.nonce).toBe(0n);
    expect(m.feeToken.toLowerCase()).toBe(a.contracts.linkToken.toLowerCase());
  });

  it('shows a failed message, and manual-exec runs it after the receiver is fixed', async () => {
    const { b } = pair;
    const receiver = await deploy(b.clients, 'ConfigurableReceiver', configurableReceiverAbi, configurableReceiverBytecode, [b.contracts.router]);
    await send(b.clients, receiver, configurableReceiverAbi, 'setRevert', [true]);
    const sent = await ccip(dir, ['send', '--from', 'alpha', '--to', 'beta', '--receiver', receiver, '--data', 'retry me']);
    expect(sent.code).toBe(0);
    const messageId = field(sent.stdout, 'messageId') as Hex;

    const early = await ccip(dir, ['manual-exec', messageId]);
    expect(oneErrorLine(early)).toMatch(/not committed yet/);

    await relayAll([await sentMessage(messageId)]);
    const waited = await ccip(dir, ['show', messageId, '--wait', '--poll', '100']);
    expect(waited.code).toBe(1); // final state failed
    expect(waited.stdout.trim().split('\n').map((l) => l.split(':')[0])).toEqual(['message 0x' + messageId.slice(2), 'sent', 'committed', 'failed', 'state']);
    const failed = await ccip(dir, ['show', messageId]);
    expect(failed.stdout).toMatch(/state:\s+failed/);
    expect(failed.stdout).toMatch(/execution:\s+FAILURE.*ReceiverRejected/);
    expect(failed.stdout).toContain(`ccip manual-exec ${messageId}`);

    expect(oneErrorLine(await ccip(dir, ['manual-exec', messageId]))).toMatch(/ReceiverRejected/);
    await send(b.clients, receiver, configurableReceiverAbi, 'setRevert', [false]);
    const fixed = await ccip(dir, ['manual-exec', messageId, '--gas-limit', '300000']);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect(field(fixed.stdout, 'state')).toMatch(/^SUCCESS/);

    const shown = await ccip(dir, ['show', messageId, '--json']);
    const status = JSON.parse(shown.stdout) as { state: string; executions: { state: number; tx: string }[] };
    expect(status.state).toBe('executed');
    expect(status.executions.map((e) => e.state)).toEqual([3, 2]);
    expect(status.executions[1]!.tx).toBe(field(fixed.stdout, 'tx'));
    expect(oneErrorLine(await ccip(dir, ['manual-exec', messageId]))).toMatch(/already executed/);
  });

  it('fails with one actionable line: unknown chain, unsupported lane, dead RPC, unknown message, no funds', async () => {
    const { b } = pair;
    const to = ['--receiver', b.contracts.messageReceiver];
    const dead = `http://127.0.0.1:${await freePort()}`;
    const broke = `0x${'42'.repeat(32)}`;
    // Independent runs: in parallel, to keep the test short.
    const [unknown, lane, rpc, missing, poor, command] = await Promise.all([
      ccip(dir, ['send', '--from', 'gamma', '--to', 'beta', ...to]),
      ccip(dir, ['send', '--from', 'alpha', '--to', 'ethereum-testnet-sepolia', ...to]),
      ccip(dir, ['send', '--from', 'alpha', '--to', 'beta', ...to, '--rpc', `alpha=${dead}`]),
      ccip(dir, ['show', `0x${'12'.repeat(32)}`]),
      ccip(dir, ['send', '--from', 'alpha', '--to', 'beta', ...to], undefined, { OPENCCIP_PRIVATE_KEY: broke }),
      ccip(dir, ['frobnicate']),
    ]);
    expect(oneErrorLine(unknown)).toMatch(/unknown chain 'gamma'; known chains: alpha .*beta/);
    expect(oneErrorLine(lane)).toMatch(/lane .* not configured.*isChainSupported false/);
    expect(oneErrorLine(rpc)).toContain(`RPC ${dead} of chain alpha is not answering`);
    expect(oneErrorLine(missing)).toMatch(/message not found/);
    expect(oneErrorLine(poor)).toMatch(/insufficient native balance/);
    expect(oneErrorLine(command)).toMatch(/unknown command 'frobnicate'/);
  });
});
