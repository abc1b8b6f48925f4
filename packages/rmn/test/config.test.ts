import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToAddress } from 'viem/accounts';
import { generateRmnKeys, parseRmnConfig, readRmnKeystore, serializeRmnConfig, writeRmnKeystore, RmnConfigError } from '../src/index.js';

const A = '0x' + '11'.repeat(20);
const valid = () => ({
  name: 'rmn-0',
  port: 9000,
  keystore: { path: 'k.json', passwordEnv: 'PW' },
  fSign: 1,
  peers: [0, 1, 2].map((i) => ({ name: `rmn-${i}`, url: `http://127.0.0.1:${9000 + i}/`, signer: '0x' + String(i + 1).repeat(40) })),
  chains: [
    { name: 'a', chainId: 31337, chainSelector: '7759470850252068959', rpcUrl: 'http://127.0.0.1:8545', finality: { depth: 2 }, contracts: { onRamp: A, offRamp: A, rmnRemote: A } },
    { name: 'b', chainId: 1337, chainSelector: '3379446385462418246', rpcUrl: 'http://127.0.0.1:8546', finality: { kind: 'finalized' }, contracts: { onRamp: A, offRamp: A, rmnRemote: A } },
  ],
  heartbeat: { intervalSec: 10 },
  pollIntervalMs: 500,
  logLevel: 'debug',
});

describe('RMN config', () => {
  it('parses a valid config with defaults and round-trips through its JSON form', () => {
    const c = parseRmnConfig(valid());
    expect(c.chains[0]!.chainSelector).toBe(7759470850252068959n);
    expect(c.chains[1]!.finality).toEqual({ kind: 'finalized' });
    expect(c.peers[0]!.url).toBe('http://127.0.0.1:9000');
    expect(c.commitGraceSec).toBe(120);
    expect(c.chains[0]!.startBlock).toBe(0n);
    expect(parseRmnConfig(JSON.parse(serializeRmnConfig(c)))).toEqual(c);
  });

  const bad = (mutate: (c: ReturnType<typeof valid>) => void, field: RegExp) => {
    const c = valid();
    mutate(c);
    expect(() => parseRmnConfig(c, 'rmn.json')).toThrow(RmnConfigError);
    expect(() => parseRmnConfig(c, 'rmn.json')).toThrow(field);
  };

  it('names the bad field', () => {
    bad((c) => ((c.chains[1]!.contracts as Record<string, string>).offRamp = 'nope'), /rmn\.json: chains\[1\]\.contracts\.offRamp: must be a 0x address/);
    bad((c) => (c.chains[0]!.chainSelector = '18446744073709551616'), /chains\[0\]\.chainSelector: must be a uint64/);
    bad((c) => (c.chains[0]!.finality = { depth: -1 }), /chains\[0\]\.finality\.depth/);
    bad((c) => ((c.chains[0] as Record<string, unknown>).finality = { kind: 'safe' }), /chains\[0\]\.finality/);
    bad((c) => (c.peers[2]!.signer = c.peers[0]!.signer), /peers\[2\]\.signer: repeats/);
    bad((c) => (c.peers[1]!.url = 'ftp://x'), /peers\[1\]\.url: must be an http/);
    bad((c) => (c.fSign = 2), /peers: 3 peers cannot tolerate fSign = 2/);
    bad((c) => ((c as Record<string, unknown>).extra = 1), /extra: unknown field/);
    bad((c) => (c.port = 70000), /port: must be an integer/);
    bad((c) => (c.keystore = { path: 'k', passwordEnv: '' }), /keystore\.passwordEnv/);
    bad((c) => (c.logLevel = 'loud'), /logLevel/);
    bad((c) => (c.chains[1]!.chainSelector = c.chains[0]!.chainSelector), /chains\[1\]\.chainSelector: repeats/);
    bad((c) => (c.chains = []), /chains: must list at least one chain/);
  });
});

describe('RMN keystore', () => {
  it('stores a signing and a transaction key, readable with the password only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmn-ks-'));
    try {
      const keys = generateRmnKeys();
      expect(keys.transactionKey).not.toBe(keys.signingKey);
      const file = writeRmnKeystore(join(dir, 'ks.json'), keys, 'pw', { scryptN: 2 ** 12 });
      expect(file.signer).toBe(privateKeyToAddress(keys.signingKey));
      expect(readRmnKeystore(join(dir, 'ks.json'), 'pw')).toEqual(keys);
      expect(() => readRmnKeystore(join(dir, 'ks.json'), 'wrong')).toThrow(/wrong password/);
      expect(generateRmnKeys({ sameKey: true })).toSatisfy((k: { signingKey: string; transactionKey: string }) => k.signingKey === k.transactionKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
