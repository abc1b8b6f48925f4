import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { foundryBinary } from './foundryBinary.js';
import { killOnExit } from './processes.js';

export interface AnvilOptions {
  chainId: number;
  /** 0 or undefined: automine (a block per transaction). */
  blockTime?: number;
  port?: number;
}

export interface Anvil {
  chainId: number;
  port: number;
  rpcUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts an anvil chain on 127.0.0.1 and resolves once it answers JSON-RPC. */
export async function startAnvil(opts: AnvilOptions): Promise<Anvil> {
  const port = opts.port ?? (await freePort());
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(opts.chainId), '--silent'];
  if (opts.blockTime) args.push('--block-time', String(opts.blockTime));
  const child = spawn(foundryBinary('anvil'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killOnExit(child, exited); // an anvil must not outlive the process that started it
  const rpcUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil (chain ${opts.chainId}) exited: ${stderr.trim()}`);
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil (chain ${opts.chainId}) did not answer on ${rpcUrl} within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    chainId: opts.chainId,
    port,
    rpcUrl,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
