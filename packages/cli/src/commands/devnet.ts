import { runDemo, startDevnet } from '@openccip/devnet';
import { flag, hasFlag, parseArgs } from '../args.js';
import { CliError } from '../errors.js';

export const devnetHelp = `ccip devnet up: a local multi-chain CCIP network (anvil chains, all contracts and lanes, a DON)

Usage: ccip devnet up [--chains N] [--nodes N] [--rmn-nodes N] [--heartbeat-timeout S] [--block-time S]
                      [--finality-depth N] [--out devnet.json] [--demo]

  --chains N            anvil chains, chain ids from the CCIP selector registry (default 3)
  --nodes N             DON node processes, n = 3f+1 (default 4, f = 1)
  --rmn-nodes N         RMN node processes blessing every root, fSign = (N-1)/2 (default 3; 0 = none, lanes unblessed)
  --heartbeat-timeout S RMNRemote curses a chain that got no RMN heartbeat for S seconds (default 60; 0 = off)
  --block-time S        seconds per block once deployed (default 1; 0 = a block per transaction)
  --finality-depth N    confirmations before the DON reads a message (default 2)
  --out PATH            where devnet.json is written (default ./devnet.json); node data and logs go in .devnet/ beside it
  --demo                once ready, send a message between every pair of chains and follow each to execution

Runs until Ctrl-C or SIGTERM, then stops every process it started.`;

/** Parses `devnet up` options (shared with npm start's demo). */
export function parseDevnetOptions(argv: readonly string[]) {
  const args = parseArgs(
    argv,
    {
      chains: { type: 'string' },
      nodes: { type: 'string' },
      'rmn-nodes': { type: 'string' },
      'heartbeat-timeout': { type: 'string' },
      'block-time': { type: 'string' },
      'finality-depth': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
      demo: { type: 'boolean' },
    },
    'devnet up',
  );
  const int = (name: string, min: number) => {
    const v = flag(args, name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
  return {
    help: hasFlag(args, 'help'),
    demo: hasFlag(args, 'demo'),
    positionals: args.positionals,
    options: {
      chains: int('chains', 2),
      nodes: int('nodes', 4),
      rmnNodes: int('rmn-nodes', 0),
      heartbeatTimeoutSec: int('heartbeat-timeout', 0),
      blockTime: int('block-time', 0),
      finalityDepth: int('finality-depth', 0),
      out: flag(args, 'out'),
    },
  };
}

export async function devnetCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === undefined) return out(devnetHelp), sub ? 0 : 1;
  if (sub !== 'up') throw new CliError(`unknown devnet command '${sub}' (see: ccip devnet --help)`);
  const { help, demo, positionals, options } = parseDevnetOptions(rest);
  if (help) return out(devnetHelp), 0;
  if (positionals.length) throw new CliError(`unexpected argument '${positionals[0]}' (see: ccip devnet --help)`);

  const devnet = await startDevnet({ ...options, log: (l) => out(l) });
  for (const c of devnet.file.chains) out(`  ${c.name.padEnd(14)} chain id ${String(c.chainId).padEnd(6)} selector ${c.chainSelector.padEnd(21)} ${c.rpcUrl}`);
  for (const n of devnet.nodes) out(`  ${n.name} log: ${n.logFile}`);
  out(`wrote ${devnet.path}`);
  out('devnet ready');
  const stopped = untilSignal();
  if (demo) {
    out('demo: one message between every pair of chains (sent → committed → executed)');
    const { executed, total } = await runDemo(devnet.file, out);
    out(`demo: ${executed}/${total} messages executed; the devnet keeps running (try: npx ccip send --help), Ctrl-C stops it`);
  }
  await stopped;
  out('stopping the devnet');
  await devnet.stop();
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.removeListener('SIGINT', on);
      process.removeListener('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
