import { keccakReady } from '@openccip/sdk';
import { loadNodeConfig } from './config/load.js';
import { readKeystore } from './keys/keystore.js';
import { createLogger } from './log.js';
import { startNode } from './runtime/node.js';

const USAGE = 'usage: openccip-node --config <node.json>   (keystore password in the env variable the config names)';

/** The DON node process: loads config and keystore, runs until SIGTERM/SIGINT, then stops everything it started. */
export async function run(argv: string[]): Promise<number> {
  const i = argv.indexOf('--config');
  const path = i >= 0 ? argv[i + 1] : undefined;
  if (!path || argv.includes('--help')) {
    process.stderr.write(`${USAGE}\n`);
    return path ? 0 : 2;
  }
  let node;
  try {
    const config = await loadNodeConfig(path);
    const password = process.env[config.keystore.passwordEnv];
    if (password === undefined) throw new Error(`keystore password: environment variable ${config.keystore.passwordEnv} is not set`);
    const keys = await readKeystore(config.keystore.path, password);
    const log = createLogger(config.name, config.logLevel ?? 'info');
    // keccak256 uses viem's JS until its WebAssembly module has loaded: have the fast path from the first message.
    await keccakReady;
    node = await startNode(config, keys, log);
  } catch (err) {
    process.stderr.write(`openccip-node: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
  await node.stop();
  return 0;
}
