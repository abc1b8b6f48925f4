import { readFile } from 'node:fs/promises';
import { ConfigError, parseNodeConfig } from './parse.js';
import type { NodeConfig } from './types.js';

/** Reads and validates a node config JSON file; errors name the file (and the field, via parseNodeConfig). */
export async function loadNodeConfig(path: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(path, [{ path: '', message: `cannot read config: ${why}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, [{ path: '', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  return parseNodeConfig(json, path);
}
