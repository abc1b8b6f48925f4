import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevnet, type Devnet, type DevnetOptions } from '../../src/index.js';

/**
 * One devnet per e2e file: 3 anvil chains (1 s blocks, finality depth 1), 4 node processes, in a temp folder.
 * The folder (devnet.json, node logs) is removed on stop unless OPENCCIP_E2E_KEEP=1, to read node logs after a
 * failure.
 */
export interface E2eDevnet extends Devnet {
  dir: string;
  /** Stops every process this devnet started; safe to call twice and when startup failed half way. */
  teardown(): Promise<void>;
}

export async function startE2eDevnet(label: string, opts: DevnetOptions = {}): Promise<E2eDevnet> {
  const dir = mkdtempSync(join(tmpdir(), `openccip-e2e-${label}-`));
  const keep = process.env.OPENCCIP_E2E_KEEP === '1';
  const devnet = await startDevnet({
    chains: 3,
    nodes: 4,
    blockTime: 1,
    finalityDepth: 1,
    nodeLogLevel: 'info',
    ...opts,
    out: join(dir, 'devnet.json'),
  }).catch((err: unknown) => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  let stopped: Promise<void> | undefined;
  return {
    ...devnet,
    dir,
    teardown() {
      stopped ??= devnet.stop().finally(() => {
        if (keep) console.log(`e2e ${label}: devnet kept in ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
}
