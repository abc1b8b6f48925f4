import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** Path of a Foundry binary shipped in the npm platform package (e.g. @foundry-rs/anvil-linux-amd64). */
export function foundryBinary(tool: 'anvil' | 'forge'): string {
  const arch = ARCH[process.arch];
  if (!arch) throw new Error(`no ${tool} binary for architecture ${process.arch}`);
  const pkg = `@foundry-rs/${tool}-${process.platform}-${arch}`;
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`${pkg} is not installed: run npm ci`);
  }
  return join(dirname(pkgJson), 'bin', process.platform === 'win32' ? `${tool}.exe` : tool);
}
