import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEther } from 'viem';
import { createPriceSource, parsePriceTable } from '../src/runtime/priceSource.js';
import { perFeeQuoterUnit } from '../src/runtime/prices.js';
import type { LogFields, Logger } from '../src/log.js';

function recordingLog() {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

describe('price source', () => {
  const dirs: string[] = [];
  const tmpFile = () => {
    const d = mkdtempSync(join(tmpdir(), 'prices-'));
    dirs.push(d);
    return join(d, 'prices.json');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('falls back from the file to the static config to the built-ins, trying keys in order per layer', () => {
    const file = tmpFile();
    writeFileSync(file, JSON.stringify({ ETH: '2500' }));
    const src = createPriceSource({ file, staticUsd: { LINK: '15.5', '0xAbC0000000000000000000000000000000000001': '2' } }, undefined, { checkIntervalMs: 0 });
    expect(src.usd(['ETH', 'native'])).toBe(parseEther('2500'));
    expect(src.usd(['link'])).toBe(parseEther('15.5')); // symbols match case-insensitively
    expect(src.usd(['0xabc0000000000000000000000000000000000001', 'TKN'])).toBe(parseEther('2'));
    expect(src.usd(['POL', 'native'])).toBe(parseEther('3000')); // built-in
    expect(src.usd(['UNKNOWN'])).toBeUndefined();
  });

  it('re-reads the file when it changes, keeps the last good prices when it turns invalid or disappears', () => {
    const file = tmpFile();
    writeFileSync(file, JSON.stringify({ TKN: '1.25' }));
    const { log, lines } = recordingLog();
    let t = 0;
    const src = createPriceSource({ file, staticUsd: { TKN: '9' } }, log, { checkIntervalMs: 1000, now: () => t });
    expect(src.usd(['TKN'])).toBe(parseEther('1.25'));

    writeFileSync(file, JSON.stringify({ TKN: '1.5', NEW: 3 }));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000)); // a distinct mtime even on coarse clocks
    expect(src.usd(['TKN'])).toBe(parseEther('1.25')); // not checked again within the interval
    t += 1000;
    expect(src.usd(['TKN'])).toBe(parseEther('1.5'));
    expect(src.usd(['NEW'])).toBe(parseEther('3'));

    writeFileSync(file, '{ not json');
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    t += 1000;
    expect(src.usd(['TKN'])).toBe(parseEther('1.5'));
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes('invalid'))).toBe(true);

    rmSync(file);
    t += 1000;
    expect(src.usd(['TKN'])).toBe(parseEther('1.5'));
    t += 1000;
    src.usd(['TKN']);
    expect(lines.filter((l) => l.msg.includes('unreadable'))).toHaveLength(1); // once per state, not per lookup
  });

  it('without a file uses the static prices; a missing file at start warns and falls back', () => {
    const { log, lines } = recordingLog();
    const src = createPriceSource({ file: join(tmpdir(), 'no-such-dir-openccip', 'p.json'), staticUsd: { TKN: '4' } }, log, { checkIntervalMs: 0 });
    expect(src.usd(['TKN'])).toBe(parseEther('4'));
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(createPriceSource({}).usd(['LINK'])).toBe(parseEther('20'));
  });

  it('rejects malformed tables naming the key', () => {
    expect(() => parsePriceTable({ TKN: '-1' }, 'f')).toThrow(/f\.TKN/);
    expect(() => parsePriceTable([1], 'f')).toThrow(/object/);
    expect(() => createPriceSource({ staticUsd: { X: 'abc' } })).toThrow(/prices\.staticUsd\.X/);
  });

  it('converts USD per whole token to FeeQuoter units (USD per 1e18 smallest units)', () => {
    expect(perFeeQuoterUnit(parseEther('2'), 18)).toBe(parseEther('2'));
    expect(perFeeQuoterUnit(parseEther('1'), 6)).toBe(10n ** 30n); // $1 per 1e6 units = $1e12 per 1e18 units
    expect(perFeeQuoterUnit(parseEther('1'), 24)).toBe(10n ** 12n);
  });
});
