import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { bytesToHex, getAddress } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../src/config/load.js';
import { ConfigError, parseNodeConfig } from '../src/config/parse.js';
import { generateNodeKeys, peerIdFromP2pKey } from '../src/keys/keystore.js';

const SEL_A = '7759470850252068959';
const SEL_B = '16015286601757825753';
const addr = (): string => privateKeyToAddress(generatePrivateKey());
const DIGEST = `0x${'0a'.repeat(32)}`;

let peerIds: string[] = [];
let secpPeerId = '';

beforeAll(async () => {
  peerIds = await Promise.all([0, 1, 2, 3].map(async () => peerIdFromP2pKey((await generateNodeKeys([])).p2pKey)));
  secpPeerId = peerIdFromP2pKey(bytesToHex(privateKeyToProtobuf(await generateKeyPair('secp256k1'))));
});

function chain(name: string, chainId: number, chainSelector: string, port: number) {
  return {
    name,
    chainId,
    chainSelector,
    rpcUrl: `http://127.0.0.1:${port}`,
    finality: { depth: 2 },
    contracts: {
      router: addr(), onRamp: addr(), offRamp: addr(), feeQuoter: addr(),
      nonceManager: addr(), rmnRemote: addr(), tokenAdminRegistry: addr(),
    },
    ocr: { commitConfigDigest: DIGEST, executeConfigDigest: DIGEST },
  };
}

/** A complete, valid 4-node / 2-chain config (as plain JSON). */
function example(): any {
  return {
    name: 'node-1',
    dataDir: '/var/lib/openccip/node-1',
    keystore: { path: '/etc/openccip/node-1.keystore.json', passwordEnv: 'OPENCCIP_KEYSTORE_PASSWORD' },
    p2p: { listen: '/ip4/127.0.0.1/tcp/12001' },
    don: {
      f: 1,
      nodes: peerIds.map((peerId, i) => ({
        name: `node-${i}`,
        peerId,
        address: `/ip4/127.0.0.1/tcp/${12000 + i}`,
        ocrSigner: addr(),
        transmitters: { [SEL_A]: addr(), [SEL_B]: addr() },
      })),
    },
    chains: [chain('chain-a', 31337, SEL_A, 8545), chain('chain-b', 11155111, SEL_B, 8546)],
    timing: { deltaRound: 1000, pollInterval: 500 },
    prices: { staticUsd: { LINK: '15.5' } },
    logLevel: 'info',
    metricsPort: 9100,
  };
}

/** The ConfigError's issue messages (path: message) for `cfg`. */
function issues(cfg: unknown): string[] {
  try {
    parseNodeConfig(cfg, 'node.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`));
  }
  throw new Error('expected a ConfigError');
}

describe('parseNodeConfig', () => {
  it('accepts a valid example and converts it', () => {
    const raw = example();
    raw.chains[1].finality = 'finalized';
    raw.don.nodes[2].ocrSigner = raw.don.nodes[2].ocrSigner.toLowerCase(); // all-lowercase carries no checksum: accepted
    const cfg = parseNodeConfig(raw);
    expect(cfg.chains[0]!.chainSelector).toBe(7759470850252068959n);
    expect(cfg.chains[1]!.chainSelector).toBe(16015286601757825753n);
    expect(cfg.chains[0]!.finality).toEqual({ kind: 'depth', depth: 2 });
    expect(cfg.chains[1]!.finality).toEqual({ kind: 'finalized' });
    expect(cfg.don.nodes[2]!.ocrSigner).toBe(getAddress(raw.don.nodes[2].ocrSigner));
    expect(cfg.don.nodes[3]!.transmitters[SEL_B]).toBe(raw.don.nodes[3].transmitters[SEL_B]);
    expect(cfg.timing).toEqual({ deltaRound: 1000, pollInterval: 500 });
    expect(cfg.logLevel).toBe('info');
    expect(cfg.metricsPort).toBe(9100);
    const minimal = example();
    delete minimal.timing;
    delete minimal.prices;
    delete minimal.logLevel;
    delete minimal.metricsPort;
    expect(parseNodeConfig(minimal)).not.toHaveProperty('timing');
  });

  it('names the file and the field in the message', () => {
    const raw = example();
    raw.chains[1].rpcUrl = 'foo';
    expect(() => parseNodeConfig(raw, 'node.json')).toThrow('invalid node config node.json: chains[1].rpcUrl: expected an http(s) URL, got "foo"');
    raw.chains[0].rpcUrl = 'ws://127.0.0.1:8545';
    expect(issues(raw)).toEqual([
      'chains[0].rpcUrl: expected an http(s) URL, got "ws://127.0.0.1:8545"',
      'chains[1].rpcUrl: expected an http(s) URL, got "foo"',
    ]);
  });

  it('rejects n <= 3f', () => {
    const raw = example();
    raw.don.nodes.pop();
    expect(issues(raw)).toContain('don.nodes: n = 3 must be > 3f (f = 1)');
    raw.don.f = 0;
    expect(issues(raw)).toContain('don.f: expected an integer >= 1, got 0');
  });

  it('only allows 127.0.0.1 for p2p addresses', () => {
    const raw = example();
    raw.p2p.listen = '/ip4/0.0.0.0/tcp/12001';
    raw.don.nodes[0].address = '/ip4/10.0.0.5/tcp/12000';
    expect(issues(raw)).toEqual([
      'p2p.listen: only 127.0.0.1 is allowed, got "/ip4/0.0.0.0/tcp/12001"',
      'don.nodes[0].address: only 127.0.0.1 is allowed, got "/ip4/10.0.0.5/tcp/12000"',
    ]);
    raw.p2p.listen = '127.0.0.1:12001';
    raw.don.nodes[0].address = '/ip4/127.0.0.1/tcp/70000';
    expect(issues(raw)).toEqual([
      'p2p.listen: expected a multiaddr like /ip4/127.0.0.1/tcp/12001, got "127.0.0.1:12001"',
      'don.nodes[0].address: port must be in [1, 65535], got 70000',
    ]);
  });

  it('requires checksummed addresses', () => {
    const raw = example();
    const a: string = raw.chains[0].contracts.router;
    raw.chains[0].contracts.router = a.slice(0, 2) + [...a.slice(2)].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
    raw.don.nodes[1].ocrSigner = '0x1234';
    const got = issues(raw);
    expect(got[0]).toMatch(/^chains\[0\]\.contracts\.router: expected a checksummed 0x address/);
    expect(got[1]).toMatch(/^don\.nodes\[1\]\.ocrSigner: expected a checksummed 0x address, got "0x1234"$/);
    expect(got).toHaveLength(2);
  });

  it('parses chain selectors as uint64 decimal strings', () => {
    const raw = example();
    raw.chains[0].chainSelector = 7759470850252068959; // a JSON number loses precision
    raw.chains[1].chainSelector = '18446744073709551616'; // 2^64
    const got = issues(raw);
    expect(got[0]).toMatch(/^chains\[0\]\.chainSelector: expected a chain selector as a decimal string/);
    expect(got[1]).toMatch(/^chains\[1\]\.chainSelector: expected a chain selector as a decimal string/);
  });

  it('validates finality', () => {
    const raw = example();
    raw.chains[0].finality = 'safe';
    raw.chains[1].finality = { depth: -1 };
    expect(issues(raw)).toEqual([
      'chains[0].finality: expected {"depth": N} or "finalized", got "safe"',
      'chains[1].finality.depth: expected an integer >= 0, got -1',
    ]);
  });

  it('rejects duplicate names, peer ids, signers, addresses and chains', () => {
    const raw = example();
    raw.don.nodes[3].name = 'node-0';
    raw.don.nodes[2].peerId = raw.don.nodes[0].peerId;
    raw.don.nodes[1].ocrSigner = raw.don.nodes[0].ocrSigner.toLowerCase();
    raw.don.nodes[3].address = raw.don.nodes[1].address;
    raw.chains[1].name = 'chain-a';
    const got = issues(raw);
    expect(got).toContain('chains[1].name: duplicate chain name "chain-a" (also at chains[0].name)');
    expect(got).toContain('don.nodes[3].name: duplicate node name "node-0" (also at don.nodes[0].name)');
    expect(got).toContain(`don.nodes[2].peerId: duplicate peer id "${peerIds[0]}" (also at don.nodes[0].peerId)`);
    expect(got.some((m) => m.startsWith('don.nodes[1].ocrSigner: duplicate OCR signer'))).toBe(true);
    expect(got).toContain('don.nodes[3].address: duplicate address "/ip4/127.0.0.1/tcp/12001" (also at don.nodes[1].address)');
    expect(got).toHaveLength(5);
  });

  it('rejects bad peer ids', () => {
    const raw = example();
    raw.don.nodes[0].peerId = 'not-a-peer-id';
    raw.don.nodes[1].peerId = secpPeerId;
    expect(issues(raw)).toEqual([
      'don.nodes[0].peerId: expected a libp2p peer id, got "not-a-peer-id"',
      'don.nodes[1].peerId: expected an Ed25519 peer id, got a secp256k1 one',
    ]);
  });

  it('requires a transmitter for every chain on every node, and no others', () => {
    const raw = example();
    delete raw.don.nodes[2].transmitters[SEL_B];
    raw.don.nodes[0].transmitters['123'] = addr();
    raw.don.nodes[3].transmitters[SEL_A] = raw.don.nodes[1].transmitters[SEL_A];
    const got = issues(raw);
    expect(got).toContain(`don.nodes[2].transmitters: missing a transmitter for chain ${SEL_B}`);
    expect(got).toContain('don.nodes[0].transmitters.123: unknown field');
    expect(got.some((m) => m.startsWith(`don.nodes[3].transmitters.${SEL_A}: duplicate transmitter`))).toBe(true);
  });

  it('rejects unknown fields, wrong types and missing sections', () => {
    const raw = example();
    raw.chain = [];
    raw.timing.deltaRonud = 5;
    raw.logLevel = 'verbose';
    raw.keystore.passwordEnv = 'my password';
    delete raw.dataDir;
    delete raw.chains[0].contracts.offRamp;
    raw.chains[1].ocr.commitConfigDigest = '0x12';
    raw.chains[1].chainId = '1';
    expect(issues(raw)).toEqual([
      'chain: unknown field',
      'dataDir: expected a non-empty string, got nothing',
      'keystore.passwordEnv: expected an environment variable name, got "my password"',
      'chains[0].contracts.offRamp: expected a checksummed 0x address, got nothing',
      'chains[1].chainId: expected an integer >= 1, got "1"',
      'chains[1].ocr.commitConfigDigest: expected 32 bytes of 0x hex, got "0x12"',
      'timing.deltaRonud: unknown field',
      'logLevel: expected one of debug, info, warn, error, got "verbose"',
    ]);
    expect(issues(null)).toEqual(['expected an object, got null']);
    expect(issues({ ...example(), chains: [] })).toContain('chains: at least one chain is required');
  });

  it("requires the node's own name among the DON members", () => {
    const raw = example();
    raw.name = 'node-9';
    expect(issues(raw)).toEqual(['name: "node-9" is not one of don.nodes[].name']);
  });
});

describe('loadNodeConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openccip-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a JSON file', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify(example()));
    expect((await loadNodeConfig(path)).don.nodes).toHaveLength(4);
  });

  it('gives clear errors for missing, unparseable and invalid files', async () => {
    await expect(loadNodeConfig(join(dir, 'missing.json'))).rejects.toThrow(/invalid node config .*missing\.json: cannot read config: file not found/);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"name": ');
    await expect(loadNodeConfig(bad)).rejects.toThrow(/invalid node config .*bad\.json: not valid JSON/);
    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify({ ...example(), metricsPort: 0 }));
    await expect(loadNodeConfig(invalid)).rejects.toThrow(/invalid\.json: metricsPort: expected an integer in \[1, 65535\], got 0/);
  });
});

describe('parseNodeConfig: rmn', () => {
  const rmnNode = (i: number) => ({ name: `rmn-${i}`, url: `http://127.0.0.1:${13000 + i}`, signer: addr() });

  it('accepts the RMN nodes to ask for blessings, and is optional', () => {
    const raw = example();
    raw.rmn = { nodes: [rmnNode(0), rmnNode(1), rmnNode(2)], timeoutMs: 1500, blessWaitMs: 250 };
    raw.rmn.nodes[1].signer = raw.rmn.nodes[1].signer.toLowerCase();
    const cfg = parseNodeConfig(raw);
    expect(cfg.rmn!.nodes).toHaveLength(3);
    expect(cfg.rmn!.nodes[1]!.signer).toBe(getAddress(raw.rmn.nodes[1].signer));
    expect(cfg.rmn!.timeoutMs).toBe(1500);
    expect(cfg.rmn!.blessWaitMs).toBe(250);
    delete raw.rmn.timeoutMs;
    delete raw.rmn.blessWaitMs;
    expect(parseNodeConfig(raw).rmn).not.toHaveProperty('timeoutMs');
    expect(parseNodeConfig(raw).rmn).not.toHaveProperty('blessWaitMs');
    expect(parseNodeConfig(example())).not.toHaveProperty('rmn');
  });

  it('names every bad rmn field', () => {
    const raw = example();
    const dup = rmnNode(1);
    raw.rmn = {
      nodes: [{ name: '', url: 'ftp://x', signer: '0x12' }, dup, { ...dup, extra: 1 }],
      timeoutMs: 10,
      blessWaitMs: -1,
      retries: 3,
    };
    expect(issues(raw)).toEqual(
      expect.arrayContaining([
        'rmn.retries: unknown field',
        'rmn.nodes[0].name: expected a non-empty string, got ""',
        'rmn.nodes[0].url: expected an http(s) URL, got "ftp://x"',
        'rmn.nodes[0].signer: expected a checksummed 0x address, got "0x12"',
        'rmn.nodes[2].extra: unknown field',
        `rmn.nodes[2].name: duplicate RMN node name "rmn-1" (also at rmn.nodes[1].name)`,
        'rmn.timeoutMs: expected an integer in [50, 60000], got 10',
        'rmn.blessWaitMs: expected an integer in [0, 60000], got -1',
      ]),
    );
    expect(issues({ ...example(), rmn: { nodes: [] } })).toEqual(['rmn.nodes: at least one RMN node is required']);
    expect(issues({ ...example(), rmn: [] })).toEqual(['rmn: expected an object, got []']);
  });
});
