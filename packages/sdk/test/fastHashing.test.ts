import { type Address, type Hex, checksumAddress, decodeAbiParameters, encodeAbiParameters, hexToBytes as viemHexToBytes, keccak256 as viemKeccak } from 'viem';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  ANY_2_EVM_MESSAGE_HASH,
  type Any2EVMRampMessage,
  CCIPSdkError,
  EVM_2_ANY_MESSAGE_HASH,
  type EVM2AnyRampMessage,
  InvalidEVMAddressError,
  LEAF_DOMAIN_SEPARATOR,
  any2EvmMetadataHash,
  any2EvmTokenTransferComponents,
  checksumLowerAddress,
  decodeDestGasAmount,
  decodeEvmAddress,
  decodeExtraArgs,
  encodeEvmAddress,
  evm2AnyMetadataHash,
  evm2AnyTokenTransferComponents,
  getLeafHash,
  getMessageId,
  hashAny2EVMRampMessage,
  hashEVM2AnyRampMessage,
  keccak256,
  keccakReady,
  toAny2EVMMessage,
} from '../src/index.js';
import { hexToBytes } from '../src/crypto/keccak.js';
import { randomMessage, randomSource } from './helpers/randomMessages.js';

// The hand-laid-out hashes against the formulas written with viem's ABI encoder and viem's keccak.
beforeAll(() => keccakReady);

const b32 = { type: 'bytes32' } as const;
const u64 = { type: 'uint64' } as const;

function refLeaf(m: Any2EVMRampMessage, onRamp: Hex): Hex {
  const meta = viemKeccak(
    encodeAbiParameters([b32, u64, u64, b32], [ANY_2_EVM_MESSAGE_HASH, m.header.sourceChainSelector, m.header.destChainSelector, viemKeccak(onRamp)]),
  );
  return refLeafWith((x) => viemKeccak(x), m, meta);
}

/** The leaf as Solidity's Internal._hash computes it, through viem's ABI encoder and the given keccak. */
function refLeafWith(hash: (x: Hex) => Hex, m: Any2EVMRampMessage, meta: Hex): Hex {
  return hash(
    encodeAbiParameters(Array(6).fill(b32), [
      LEAF_DOMAIN_SEPARATOR,
      meta,
      hash(
        encodeAbiParameters(
          [b32, { type: 'address' }, u64, { type: 'uint256' }, u64],
          [m.header.messageId, m.receiver, m.header.sequenceNumber, m.gasLimit, m.header.nonce],
        ),
      ),
      hash(m.sender),
      hash(m.data),
      hash(encodeAbiParameters([{ type: 'tuple[]', components: any2EvmTokenTransferComponents }], [m.tokenAmounts])),
    ]),
  );
}

function refMessageId(m: EVM2AnyRampMessage, onRamp: Address): Hex {
  const h = m.header;
  const meta = viemKeccak(
    encodeAbiParameters([b32, u64, u64, { type: 'address' }], [EVM_2_ANY_MESSAGE_HASH, h.sourceChainSelector, h.destChainSelector, onRamp]),
  );
  return viemKeccak(
    encodeAbiParameters(Array(7).fill(b32), [
      LEAF_DOMAIN_SEPARATOR,
      meta,
      viemKeccak(
        encodeAbiParameters(
          [{ type: 'address' }, u64, u64, { type: 'address' }, { type: 'uint256' }],
          [m.sender, h.sequenceNumber, h.nonce, m.feeToken, m.feeTokenAmount],
        ),
      ),
      viemKeccak(m.receiver),
      viemKeccak(m.data),
      viemKeccak(encodeAbiParameters([{ type: 'tuple[]', components: evm2AnyTokenTransferComponents }], [m.tokenAmounts])),
      viemKeccak(m.extraArgs),
    ]),
  );
}

/** Random messages the destination can convert (EVM receivers, known extraArgs, uint32 destExecData). */
function convertible(seed: number, count: number): EVM2AnyRampMessage[] {
  const r = randomSource(seed);
  const out: EVM2AnyRampMessage[] = [];
  while (out.length < count) {
    const m = randomMessage(r);
    try {
      toAny2EVMMessage(m);
      out.push(m);
    } catch {
      // not EVM-executable: the generator's odd receivers and extraArgs
    }
  }
  return out;
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
};

describe('hand-laid-out hashes equal the viem-encoded formulas', () => {
  const ONRAMP = checksumAddress('0xbd40032f19ff1cc2c7c5dd10155530e41692388a');
  test('leaf hashes and message ids of random messages (0–3 tokens, data up to 2,000 bytes)', () => {
    const r = randomSource(11);
    for (const m of Array.from({ length: 150 }, () => randomMessage(r))) expect(getMessageId(m, ONRAMP)).toBe(refMessageId(m, ONRAMP));
    for (const m of convertible(12, 150)) {
      const d = toAny2EVMMessage(m);
      expect(getLeafHash(d, encodeEvmAddress(ONRAMP))).toBe(refLeaf(d, encodeEvmAddress(ONRAMP)));
      // Another lane through the memo of metadata hashes, and a raw onRamp that is not an address.
      const other = { ...d, header: { ...d.header, destChainSelector: d.header.destChainSelector ^ 1n } };
      expect(getLeafHash(other, encodeEvmAddress(ONRAMP))).toBe(refLeaf(other, encodeEvmAddress(ONRAMP)));
      expect(getLeafHash(d, '0x0102')).toBe(refLeaf(d, '0x0102'));
    }
  });

  test('uppercase hex and checksummed or lowercase addresses hash the same as viem', () => {
    for (const m of convertible(13, 30)) {
      const d = toAny2EVMMessage(m);
      const up = (x: Hex) => `0x${x.slice(2).toUpperCase()}` as Hex;
      const shouty = {
        ...d,
        header: { ...d.header, messageId: up(d.header.messageId) },
        sender: up(d.sender),
        data: up(d.data),
        receiver: d.receiver.toLowerCase() as Address,
        tokenAmounts: d.tokenAmounts.map((t) => ({ ...t, sourcePoolAddress: up(t.sourcePoolAddress), extraData: up(t.extraData) })),
      };
      expect(getLeafHash(shouty, '0x0102')).toBe(refLeaf(d, '0x0102'));
      expect(hashEVM2AnyRampMessage({ ...m, data: up(m.data), sender: m.sender.toLowerCase() as Address }, `0x${'ab'.repeat(32)}`)).toBe(
        hashEVM2AnyRampMessage(m, `0x${'ab'.repeat(32)}`),
      );
    }
  });

  test('inputs viem refuses are refused with viem’s errors; those it accepts oddly give its results', () => {
    const m = convertible(14, 20).find((x) => x.tokenAmounts.length > 0);
    const d = toAny2EVMMessage(m!);
    const meta = any2EvmMetadataHash(1n, 2n, '0x01');
    const badChecksum = (d.receiver.slice(0, 41) + (d.receiver[41] === 'a' ? 'A' : 'a')) as Address;
    const cases: [string, Any2EVMRampMessage][] = [
      ['seqNr over uint64', { ...d, header: { ...d.header, sequenceNumber: 2n ** 64n } }],
      ['negative nonce', { ...d, header: { ...d.header, nonce: -1n } }],
      ['gasLimit over uint256', { ...d, gasLimit: 2n ** 256n }],
      ['bad checksum', { ...d, receiver: badChecksum }],
      ['short address', { ...d, receiver: '0x1234' as Address }],
      ['short messageId', { ...d, header: { ...d.header, messageId: '0x1234' } }],
      ['non-hex data', { ...d, data: '0xzz' as Hex }],
      ['odd-length data', { ...d, data: '0xabc' as Hex }],
      ['destGasAmount over uint32', { ...d, tokenAmounts: [{ ...d.tokenAmounts[0]!, destGasAmount: 2 ** 32 }] }],
      ['odd-length pool bytes', { ...d, tokenAmounts: [{ ...d.tokenAmounts[0]!, sourcePoolAddress: '0xabc' }] }],
    ];
    for (const [name, bad] of cases) {
      const viemRef = errorOf(() => refLeafWithMeta(bad, meta));
      expect(errorOf(() => hashAny2EVMRampMessage(bad, meta)), name).toBe(viemRef);
      // viem reads odd-length hex as if left-padded with a zero nibble; everything else here it refuses.
      expect(viemRef === 'no error', name).toBe(name.startsWith('odd-length'));
    }
    expect(errorOf(() => evm2AnyMetadataHash(2n ** 64n, 1n, ONRAMP))).toMatch(/IntegerOutOfRangeError/);
    expect(errorOf(() => getMessageId({ ...m!, feeToken: badChecksum }, ONRAMP))).toMatch(/InvalidAddressError/);
  });

  /** The previous implementation: viem's encoder, the SDK's keccak (which, unlike viem's, refuses non-hex strings). */
  const refLeafWithMeta = (m: Any2EVMRampMessage, meta: Hex): Hex => refLeafWith(keccak256, m, meta);
});

describe('the conversions on the leaf path', () => {
  test('extraArgs: the word-slicing path decodes like viem and refuses what viem refuses', () => {
    const r = randomSource(21);
    const word = (v: bigint) => v.toString(16).padStart(64, '0');
    for (let i = 0; i < 300; i++) {
      const tag = ['97a657c9', '181dcf10', '181DCF10', '12345678'][r.int(4)]!;
      const words = Array.from({ length: r.int(4) }, () => word([0n, 1n, 2n, r.uint(256)][r.int(4)]!)).join('');
      const extraArgs = `0x${tag}${words}${r.int(4) === 0 ? r.hex(r.int(3)).slice(2) : ''}` as Hex;
      const viemAccepts = errorOf(() => viemDecodeExtraArgs(extraArgs)) === 'no error';
      expect(errorOf(() => decodeExtraArgs(extraArgs)) === 'no error', extraArgs).toBe(viemAccepts);
      if (viemAccepts) expect(decodeExtraArgs(extraArgs)).toEqual(viemDecodeExtraArgs(extraArgs));
      else expect(() => decodeExtraArgs(extraArgs)).toThrow(CCIPSdkError);
    }
  });

  test('destExecData and abi-encoded addresses', () => {
    expect(decodeDestGasAmount(`0x${'0'.repeat(56)}ffffffff`)).toBe(2 ** 32 - 1);
    expect(decodeDestGasAmount(`0x${'0'.repeat(56)}0001ABCD`)).toBe(0x1abcd);
    expect(() => decodeDestGasAmount(`0x${'0'.repeat(55)}1ffffffff`)).toThrow();
    const r = randomSource(22);
    for (let i = 0; i < 50; i++) {
      const a = r.address();
      expect(decodeEvmAddress(encodeEvmAddress(a))).toBe(checksumAddress(a));
      expect(decodeEvmAddress(`0x${'0'.repeat(24)}${a.slice(2).toUpperCase()}`)).toBe(checksumAddress(a));
      expect(encodeEvmAddress(a.toLowerCase() as Address)).toBe(encodeAbiParameters([{ type: 'address' }], [a]));
    }
    expect(() => decodeEvmAddress(`0x${'0'.repeat(24)}${'g'.repeat(40)}`)).toThrow(InvalidEVMAddressError);
    expect(() => encodeEvmAddress('0x1234')).toThrow(/Address "0x1234" is invalid/);
  });

  test('checksumLowerAddress is viem’s EIP-55 checksum', () => {
    const r = randomSource(23);
    for (let i = 0; i < 200; i++) {
      const lower = r.hex(20).slice(2);
      expect(checksumLowerAddress(lower)).toBe(checksumAddress(`0x${lower}`));
    }
  });

  test('keccak256 and hexToBytes take any-case hex, fall back to viem for odd lengths, reject non-hex', () => {
    const r = randomSource(24);
    for (let i = 0; i < 50; i++) {
      const x = r.hex(r.int(300));
      const upper = `0x${x.slice(2).toUpperCase()}` as Hex;
      expect(keccak256(upper)).toBe(viemKeccak(x));
      expect(hexToBytes(upper)).toEqual(viemHexToBytes(x));
    }
    expect(hexToBytes('0xabc')).toEqual(viemHexToBytes('0xabc'));
    expect(keccak256('0xabc')).toBe(viemKeccak('0xabc'));
    expect(() => hexToBytes('0x0g')).toThrow();
    expect(() => keccak256(`0x${'00'.repeat(5000)}é0` as Hex)).toThrow();
  });
});

/** decodeExtraArgs written with viem's decoder on the body (what the SDK did before the word-slicing path). */
function viemDecodeExtraArgs(extraArgs: Hex) {
  const tag = extraArgs.slice(0, 10).toLowerCase();
  const body = `0x${extraArgs.slice(10)}` as Hex;
  if (tag === '0x97a657c9') {
    const [gasLimit] = decodeAbiParameters([{ type: 'uint256' }], body);
    return { kind: 'EVMExtraArgsV1', gasLimit, allowOutOfOrderExecution: false };
  }
  if (tag === '0x181dcf10') {
    const [gasLimit, allowOutOfOrderExecution] = decodeAbiParameters([{ type: 'uint256' }, { type: 'bool' }], body);
    return { kind: 'GenericExtraArgsV2', gasLimit, allowOutOfOrderExecution };
  }
  throw new Error('unknown tag');
}
