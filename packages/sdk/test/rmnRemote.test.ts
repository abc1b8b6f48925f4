import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeErrorResult, keccak256, toHex, type Address, type Hex } from 'viem';
import { getBlock, readContract, simulateContract, waitForTransactionReceipt, writeContract } from 'viem/actions';
import {
  chainCurseSubject,
  curse,
  decodeRevertData,
  getRmnStatus,
  GLOBAL_CURSE_SUBJECT,
  offRampAbi,
  orderRmnSignatures,
  rmnCurseDigest,
  rmnHeartbeatDigest,
  rmnRemoteAbi,
  rmnUncurseDigest,
  RmnCurseError,
  routerAbi,
  signRmnDigest,
  uncurse,
  type RmnRemoteDomain,
  type RmnSignature,
} from '../src/index.js';
import { rmnRemoteBytecode } from '../src/bytecode/index.js';
import { ANVIL_KEYS, makeChainClients, startAnvil, type Anvil, type ChainClients } from '@openccip/devnet';

const CHAIN_ID = 31337;
const LOCAL_SELECTOR = 7759470850252068959n;
const RMN_KEYS = [ANVIL_KEYS[5]!, ANVIL_KEYS[6]!, ANVIL_KEYS[7]!];
const CONFIG_DIGEST = keccak256(toHex('rmn home config'));

/** The SDK's digests, signed by the SDK and ordered by it: what RMN nodes do, verified by the real contract. */
describe('RMNRemote signed curses and heartbeats on anvil (SDK digests byte for byte)', () => {
  let anvil: Anvil;
  let owner: ChainClients;
  let stranger: ChainClients;
  let rmn: Address;
  let domain: RmnRemoteDomain;

  const send = async (c: ChainClients, functionName: 'curseWithSignatures' | 'uncurseWithSignatures' | 'heartbeat', args: readonly unknown[]) => {
    const hash = await writeContract(c.wallet, { address: rmn, abi: rmnRemoteAbi, functionName, args } as never);
    const receipt = await waitForTransactionReceipt(c.public, { hash });
    expect(receipt.status).toBe('success');
    return receipt;
  };
  const quorum = async (digest: Hex, keys = RMN_KEYS): Promise<RmnSignature[]> =>
    orderRmnSignatures(await Promise.all(keys.map((k) => signRmnDigest(k, digest))), 2);
  const read = <F extends 'getCurseGeneration' | 'isCursed' | 'getHeartbeat'>(functionName: F, args: readonly unknown[] = []) =>
    readContract(owner.public, { address: rmn, abi: rmnRemoteAbi, functionName, args } as never) as Promise<never>;
  const now = async () => (await getBlock(owner.public)).timestamp;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: CHAIN_ID });
    owner = makeChainClients(anvil.rpcUrl, CHAIN_ID, ANVIL_KEYS[0]!);
    stranger = makeChainClients(anvil.rpcUrl, CHAIN_ID, ANVIL_KEYS[1]!);
    const hash = await owner.wallet.deployContract({ abi: rmnRemoteAbi, bytecode: rmnRemoteBytecode, args: [LOCAL_SELECTOR] });
    rmn = (await waitForTransactionReceipt(owner.public, { hash })).contractAddress!;
    const signers = await Promise.all(RMN_KEYS.map(async (k) => (await signRmnDigest(k, CONFIG_DIGEST)).signer));
    signers.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const cfg = await writeContract(owner.wallet, {
      address: rmn,
      abi: rmnRemoteAbi,
      functionName: 'setConfig',
      args: [{ rmnHomeContractConfigDigest: CONFIG_DIGEST, fSign: 1n, signers: signers.map((s, i) => ({ onchainPublicKey: s, nodeIndex: BigInt(i) })) }],
    });
    await waitForTransactionReceipt(owner.public, { hash: cfg });
    domain = { chainId: BigInt(CHAIN_ID), chainSelector: LOCAL_SELECTOR, rmnRemote: rmn, rmnHomeConfigDigest: CONFIG_DIGEST };
  });

  afterAll(async () => {
    await anvil?.stop();
  });

  it('accepts a curse, an uncurse and a heartbeat signed over the SDK digests', async () => {
    const subjects = [chainCurseSubject(16015286601757825753n), GLOBAL_CURSE_SUBJECT];
    const gen0 = (await read('getCurseGeneration')) as bigint;
    expect(gen0).toBe(0n);

    // Curse, submitted by anyone (a stranger pays the gas).
    const curseSigs = await quorum(rmnCurseDigest(domain, gen0, subjects));
    await send(stranger, 'curseWithSignatures', [subjects, curseSigs]);
    expect(await read('isCursed', [subjects[0]])).toBe(true);
    expect(await read('isCursed')).toBe(true);
    // The race: a second node submits the same vote; a no-op, not a revert.
    const again = await send(stranger, 'curseWithSignatures', [subjects, curseSigs]);
    expect(again.logs).toHaveLength(0);

    // Uncurse at the same generation; the generation moves on.
    await send(stranger, 'uncurseWithSignatures', [subjects, await quorum(rmnUncurseDigest(domain, gen0, subjects))]);
    expect(await read('isCursed', [subjects[0]])).toBe(false);
    expect(await read('getCurseGeneration')).toBe(1n);

    // The old curse vote cannot be replayed after the uncurse.
    await expect(
      simulateContract(stranger.public, { address: rmn, abi: rmnRemoteAbi, functionName: 'curseWithSignatures', args: [subjects, curseSigs], account: stranger.wallet.account }),
    ).rejects.toThrow();

    // Heartbeat at the block's time.
    const ts = await now();
    await send(stranger, 'heartbeat', [ts, await quorum(rmnHeartbeatDigest(domain, ts))]);
    const [last] = (await read('getHeartbeat')) as [bigint, number, boolean];
    expect(last).toBe(ts);
  });

  it('rejects signatures over another domain or by too few signers', async () => {
    const subjects = [chainCurseSubject(1n)];
    const gen = (await read('getCurseGeneration')) as bigint;
    const sim = (sigs: RmnSignature[]) =>
      simulateContract(stranger.public, { address: rmn, abi: rmnRemoteAbi, functionName: 'curseWithSignatures', args: [subjects, sigs], account: stranger.wallet.account });
    await expect(sim(await quorum(rmnCurseDigest({ ...domain, chainSelector: 1n }, gen, subjects)))).rejects.toThrow();
    await expect(sim(await quorum(rmnCurseDigest({ ...domain, rmnHomeConfigDigest: keccak256('0x01') }, gen, subjects)))).rejects.toThrow();
    await expect(sim(await quorum(rmnUncurseDigest(domain, gen, subjects)))).rejects.toThrow();
    await expect(sim((await quorum(rmnCurseDigest(domain, gen, subjects))).slice(0, 1))).rejects.toThrow(/ThresholdNotMet/);
    // The right digest passes the same simulation.
    await sim(await quorum(rmnCurseDigest(domain, gen, subjects)));
  });

  it('getRmnStatus reports signers, curses and a lapsed heartbeat; a heartbeat revives the chain', async () => {
    const timeout = await writeContract(owner.wallet, { address: rmn, abi: rmnRemoteAbi, functionName: 'setHeartbeatTimeout', args: [30] });
    await waitForTransactionReceipt(owner.public, { hash: timeout });
    let status = await getRmnStatus(owner.public, rmn);
    expect(status.version).toBe(1);
    expect(status.fSign).toBe(1n);
    expect(status.signers).toHaveLength(3);
    expect(status.configDigest).toBe(CONFIG_DIGEST);
    expect(status.localChainSelector).toBe(LOCAL_SELECTOR);
    expect(status.heartbeat.timeout).toBe(30);
    expect(status.heartbeat.expired).toBe(false);
    expect(status.cursedSubjects).toEqual([]);

    await owner.public.request({ method: 'evm_increaseTime' as never, params: [31] as never });
    await owner.public.request({ method: 'evm_mine' as never, params: [] as never });
    status = await getRmnStatus(owner.public, rmn);
    expect(status.heartbeat.expired).toBe(true);
    expect(status.heartbeat.ageSeconds).toBeGreaterThan(30n);
    expect(status.cursedSubjects).toEqual([GLOBAL_CURSE_SUBJECT]);

    const ts = await now();
    await send(stranger, 'heartbeat', [ts, await quorum(rmnHeartbeatDigest(domain, ts))]);
    status = await getRmnStatus(owner.public, rmn);
    expect(status.heartbeat.expired).toBe(false);
    expect(status.heartbeat.last).toBe(ts);
    expect(status.cursedSubjects).toEqual([]);

    const off = await writeContract(owner.wallet, { address: rmn, abi: rmnRemoteAbi, functionName: 'setHeartbeatTimeout', args: [0] });
    await waitForTransactionReceipt(owner.public, { hash: off });
  });

  it('curse/uncurse (owner) with clear errors', async () => {
    const subject = chainCurseSubject(42n);
    const gen = (await read('getCurseGeneration')) as bigint;
    const r = await curse(owner.wallet, rmn, [subject]);
    expect(r.txHash).toMatch(/^0x/);
    expect((await getRmnStatus(owner.public, rmn)).cursedSubjects).toEqual([subject]);

    const already = await curse(owner.wallet, rmn, [subject]).catch((e: unknown) => e);
    expect(already).toBeInstanceOf(RmnCurseError);
    expect((already as RmnCurseError).code).toBe('already-cursed');
    expect((already as RmnCurseError).details.subject).toBe(subject);

    const notOwner = await curse(stranger.wallet, rmn, [chainCurseSubject(43n)]).catch((e: unknown) => e);
    expect(notOwner).toBeInstanceOf(RmnCurseError);
    expect((notOwner as RmnCurseError).code).toBe('not-owner');
    expect((notOwner as RmnCurseError).details.owner).toBe(owner.wallet.account.address);

    await uncurse(owner.wallet, rmn, [subject]);
    expect((await getRmnStatus(owner.public, rmn)).cursedSubjects).toEqual([]);
    expect(await read('getCurseGeneration')).toBe(gen + 1n);
    const notCursed = await uncurse(owner.wallet, rmn, [subject]).catch((e: unknown) => e);
    expect(notCursed).toBeInstanceOf(RmnCurseError);
    expect((notCursed as RmnCurseError).code).toBe('not-cursed');
    expect(String(notCursed)).toContain(subject);
  });
});

describe('describeError hints for curse errors', () => {
  it('points at `ccip rmn status` for CursedByRMN and BadARMSignal', () => {
    const cursed = encodeErrorResult({ abi: offRampAbi, errorName: 'CursedByRMN', args: [5n] });
    expect(decodeRevertData(cursed)).toMatch(/^CursedByRMN\(5\) \(.*heartbeat lapsed.*ccip rmn status/);
    const global = encodeErrorResult({ abi: routerAbi, errorName: 'BadARMSignal' });
    expect(decodeRevertData(global)).toMatch(/^BadARMSignal\(\) \(.*globally cursed/);
    const stale = encodeErrorResult({ abi: rmnRemoteAbi, errorName: 'StaleHeartbeat', args: [1n, 2n] });
    expect(decodeRevertData(stale)).toBe('StaleHeartbeat(1, 2)');
  });
});
