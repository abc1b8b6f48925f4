import { readFileSync, statSync } from 'node:fs';
import { parseEther } from 'viem';
import { noopLogger, type Logger } from '../log.js';

/** Where USD prices come from: a JSON file `{symbol: "usd"}` an operator (or the devnet) edits, then static config. */
export interface PriceSourceConfig {
  staticUsd?: Record<string, string>;
  /** Re-read when it changes; a bad or missing file leaves the last good prices (or the static ones) in use. */
  file?: string;
}

/** Used when neither the file nor the config prices these: the devnet's deploy-time prices (deploy.ts DEFAULT_PRICES). */
export const BUILTIN_USD: Readonly<Record<string, string>> = { native: '3000', LINK: '20' };

export interface PriceSource {
  /** USD per whole unit (1e18 = $1) of the first of `keys` (symbols or addresses) that has a price; undefined if none. */
  usd(keys: readonly string[]): bigint | undefined;
}

export interface PriceSourceOptions {
  /** Check the file for changes at most this often (default 1 s). */
  checkIntervalMs?: number;
  now?: () => number;
  builtin?: Readonly<Record<string, string>>;
}

const PRICE = /^[0-9]+(\.[0-9]+)?$/;

/** Parses `{key: "decimal usd"}` (numbers accepted too); throws naming the bad key. */
export function parsePriceTable(json: unknown, where: string): Map<string, bigint> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${where}: expected an object {symbol: "usd"}`);
  const out = new Map<string, bigint>();
  for (const [k, v] of Object.entries(json)) {
    const s = typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v.toString() : v;
    if (typeof s !== 'string' || !PRICE.test(s)) throw new Error(`${where}.${k}: expected a decimal USD price like "2000.5", got ${JSON.stringify(v)}`);
    out.set(k, parseEther(s));
  }
  return out;
}

export function createPriceSource(config: PriceSourceConfig, log: Logger = noopLogger, opts: PriceSourceOptions = {}): PriceSource {
  const now = opts.now ?? Date.now;
  const checkIntervalMs = opts.checkIntervalMs ?? 1_000;
  const fixed = parsePriceTable(config.staticUsd ?? {}, 'prices.staticUsd');
  const builtin = parsePriceTable(opts.builtin ?? BUILTIN_USD, 'builtin prices');
  let fromFile = new Map<string, bigint>();
  let fileStamp = '';
  let lastCheck = -Infinity;

  function reload(): void {
    const file = config.file;
    if (!file || now() - lastCheck < checkIntervalMs) return;
    lastCheck = now();
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch (err) {
      stamp = `missing:${(err as NodeJS.ErrnoException).code}`;
      if (stamp !== fileStamp) log.warn('price file unreadable; using the last good or static prices', { file, error: (err as Error).message });
      fileStamp = stamp;
      return;
    }
    if (stamp === fileStamp) return;
    fileStamp = stamp;
    try {
      fromFile = parsePriceTable(JSON.parse(readFileSync(file, 'utf8')), file);
      log.info('price file loaded', { file, prices: fromFile.size });
    } catch (err) {
      log.warn('price file invalid; keeping the last good prices', { file, error: (err as Error).message });
    }
  }

  const find = (table: Map<string, bigint>, key: string) => {
    const exact = table.get(key);
    if (exact !== undefined) return exact;
    const lower = key.toLowerCase();
    for (const [k, v] of table) if (k.toLowerCase() === lower) return v;
    return undefined;
  };

  return {
    usd(keys) {
      reload();
      // Layer by layer: any key in the file beats every key in the static config, which beats the built-ins.
      for (const table of [fromFile, fixed, builtin]) {
        for (const k of keys) {
          const v = find(table, k);
          if (v !== undefined) return v;
        }
      }
      return undefined;
    },
  };
}
