import { type Hex, encodeAbiParameters, keccak256, toHex, zeroAddress } from 'viem';
import { describe, expect, test } from 'vitest';
import {
  ANY_2_EVM_MESSAGE_HASH,
  type EVM2AnyRampMessage,
  EVM_2_ANY_MESSAGE_HASH,
  InvalidDestExecDataError,
  InvalidEVMAddressError,
  UnknownExtraArgsTagError,
  any2EvmMetadataHash,
  decodeDestGasAmount,
  decodeEvmAddress,
  encodeEvmAddress,
  encodeExtraArgsV1,
  encodeGenericExtraArgsV2,
  evm2AnyMetadataHash,
  getLeafHash,
  getMessageId,
  hashEVM2AnyRampMessage,
  toAny2EVMMessage,
} from '../src/index.js';
import { upstreamExtraArgs, upstreamLeafHash, upstreamMessage, upstreamOnRamp } from './fixtures/upstreamV16Leaf.js';

const ONRAMP = '0x1111111111111111111111111111111111111111';
const SENDER = '0x2222222222222222222222222222222222222222';
const RECEIVER = '0x3333333333333333333333333333333333333333';
const POOL = '0x4444444444444444444444444444444444444444';
const DEST_TOKEN = '0x5555555555555555555555555555555555555555';
const u32 = (n: number) => encodeAbiParameters([{ type: 'uint32' }], [n]);

function sampleMessage(): EVM2AnyRampMessage {
  return {
    header: {
      messageId: `0x${'00'.repeat(32)}`,
      sourceChainSelector: 7759470850252068959n,
      destChainSelector: 16015286601757825753n,
      sequenceNumber: 5n,
      nonce: 2n,
    },
    sender: SENDER,
    data: '0xc0ffee',
    receiver: encodeEvmAddress(RECEIVER),
    extraArgs: encodeGenericExtraArgsV2({ gasLimit: 300_000n, allowOutOfOrderExecution: false }),
    feeToken: zeroAddress,
    feeTokenAmount: 10n ** 15n,
    feeValueJuels: 10n ** 17n,
    tokenAmounts: [
      { sourcePoolAddress: POOL, destTokenAddress: encodeEvmAddress(DEST_TOKEN), extraData: '0x01', amount: 1000n, destExecData: u32(90_000) },
    ],
  };
}

describe('constants', () => {
  test('metadata prefixes', () => {
    expect(EVM_2_ANY_MESSAGE_HASH).toBe(keccak256(toHex('EVM2AnyMessageHashV1')));
    expect(ANY_2_EVM_MESSAGE_HASH).toBe(keccak256(toHex('Any2EVMMessageHashV1')));
  });
});

describe('addresses', () => {
  test('encodeEvmAddress is abi.encode(address)', () => {
    expect(encodeEvmAddress(RECEIVER)).toBe(encodeAbiParameters([{ type: 'address' }], [RECEIVER]));
  });
  test('decodeEvmAddress round trip and strictness', () => {
    expect(decodeEvmAddress(encodeEvmAddress(RECEIVER))).toBe(RECEIVER);
    expect(() => decodeEvmAddress(RECEIVER)).toThrow(InvalidEVMAddressError); // 20 bytes
    expect(() => decodeEvmAddress(`0x01${'00'.repeat(11)}${RECEIVER.slice(2)}`)).toThrow(InvalidEVMAddressError);
    expect(() => decodeEvmAddress('0x')).toThrow(InvalidEVMAddressError);
  });
});

describe('message id (source)', () => {
  test('matches the formula of DESIGN §2 written out by hand', () => {
    const m = sampleMessage();
    const meta = keccak256(
      encodeAbiParameters(
        [{ type: 'bytes32' }, { type: 'uint64' }, { type: 'uint64' }, { type: 'address' }],
        [EVM_2_ANY_MESSAGE_HASH, m.header.sourceChainSelector, m.header.destChainSelector, ONRAMP],
      ),
    );
    expect(evm2AnyMetadataHash(m.header.sourceChainSelector, m.header.destChainSelector, ONRAMP)).toBe(meta);
    const tokens = encodeAbiParameters(
      [{ type: 'tuple[]', components: [{ type: 'address' }, { type: 'bytes' }, { type: 'bytes' }, { type: 'uint256' }, { type: 'bytes' }] }],
      [m.tokenAmounts.map((t) => [t.sourcePoolAddress, t.destTokenAddress, t.extraData, t.amount, t.destExecData] as const)],
    );
    const expected = keccak256(
      encodeAbiParameters(Array(7).fill({ type: 'bytes32' }), [
        `0x${'00'.repeat(32)}`,
        meta,
        keccak256(
          encodeAbiParameters(
            [{ type: 'address' }, { type: 'uint64' }, { type: 'uint64' }, { type: 'address' }, { type: 'uint256' }],
            [SENDER, 5n, 2n, zeroAddress, 10n ** 15n],
          ),
        ),
        keccak256(m.receiver),
        keccak256(m.data),
        keccak256(tokens),
        keccak256(m.extraArgs),
      ]),
    );
    expect(getMessageId(m, ONRAMP)).toBe(expected);
    expect(hashEVM2AnyRampMessage(m, meta)).toBe(expected);
  });

  test('hashes every field except header.messageId and feeValueJuels', () => {
    const base = sampleMessage();
    const id = getMessageId(base, ONRAMP);
    expect(getMessageId({ ...base, header: { ...base.header, messageId: `0x${'ab'.repeat(32)}` } }, ONRAMP)).toBe(id);
    expect(getMessageId({ ...base, feeValueJuels: 1n }, ONRAMP)).toBe(id);

    const variants: EVM2AnyRampMessage[] = [
      { ...base, header: { ...base.header, sourceChainSelector: 1n } },
      { ...base, header: { ...base.header, destChainSelector: 1n } },
      { ...base, header: { ...base.header, sequenceNumber: 6n } },
      { ...base, header: { ...base.header, nonce: 0n } },
      { ...base, sender: RECEIVER },
      { ...base, data: '0x' },
      { ...base, receiver: encodeEvmAddress(SENDER) },
      { ...base, extraArgs: encodeExtraArgsV1({ gasLimit: 300_000n }) },
      { ...base, feeToken: POOL },
      { ...base, feeTokenAmount: 1n },
      { ...base, tokenAmounts: [] },
      { ...base, tokenAmounts: [{ ...base.tokenAmounts[0]!, amount: 1001n }] },
    ];
    const ids = new Set(variants.map((v) => getMessageId(v, ONRAMP)));
    expect(ids.size).toBe(variants.length);
    expect(ids.has(id)).toBe(false);
    expect(getMessageId(base, POOL)).not.toBe(id); // another OnRamp
  });
});

describe('toAny2EVMMessage', () => {
  test('converts what the destination sees', () => {
    const m = sampleMessage();
    const d = toAny2EVMMessage(m);
    expect(d).toEqual({
      header: m.header,
      sender: encodeEvmAddress(SENDER),
      data: '0xc0ffee',
      receiver: RECEIVER,
      gasLimit: 300_000n,
      tokenAmounts: [
        { sourcePoolAddress: encodeEvmAddress(POOL), destTokenAddress: DEST_TOKEN, destGasAmount: 90_000, extraData: '0x01', amount: 1000n },
      ],
    });
    expect(d.header).not.toBe(m.header); // no shared mutable state
  });
  test('gas limit from V1, and the default for empty extraArgs', () => {
    expect(toAny2EVMMessage({ ...sampleMessage(), extraArgs: encodeExtraArgsV1({ gasLimit: 5n }) }).gasLimit).toBe(5n);
    expect(toAny2EVMMessage({ ...sampleMessage(), extraArgs: '0x' }).gasLimit).toBe(200_000n);
    expect(toAny2EVMMessage({ ...sampleMessage(), extraArgs: '0x' }, { defaultGasLimit: 1n }).gasLimit).toBe(1n);
  });
  test('rejects what the destination could not decode', () => {
    expect(() => toAny2EVMMessage({ ...sampleMessage(), receiver: RECEIVER })).toThrow(InvalidEVMAddressError);
    expect(() => toAny2EVMMessage({ ...sampleMessage(), extraArgs: '0xdeadbeef' })).toThrow(UnknownExtraArgsTagError);
    const m = sampleMessage();
    expect(() =>
      toAny2EVMMessage({ ...m, tokenAmounts: [{ ...m.tokenAmounts[0]!, destTokenAddress: DEST_TOKEN }] }),
    ).toThrow(InvalidEVMAddressError);
  });
  test('destExecData must be abi.encode(uint32)', () => {
    expect(decodeDestGasAmount(u32(0))).toBe(0);
    expect(decodeDestGasAmount(u32(2 ** 32 - 1))).toBe(2 ** 32 - 1);
    const tooBig = encodeAbiParameters([{ type: 'uint256' }], [2n ** 32n]);
    for (const bad of ['0x', '0x0001', tooBig, `${u32(1)}00`] as Hex[]) {
      expect(() => decodeDestGasAmount(bad)).toThrow(InvalidDestExecDataError);
    }
  });
});

describe('leaf hash (destination)', () => {
  test('matches the upstream CCIP v1.6 known-answer vector', () => {
    expect(getLeafHash(upstreamMessage, encodeEvmAddress(upstreamOnRamp))).toBe(upstreamLeafHash);
    expect(toAny2EVMMessage({
      header: upstreamMessage.header,
      sender: decodeEvmAddress(upstreamMessage.sender),
      data: upstreamMessage.data,
      receiver: encodeEvmAddress(upstreamMessage.receiver),
      extraArgs: upstreamExtraArgs,
      feeToken: zeroAddress,
      feeTokenAmount: 0n,
      feeValueJuels: 0n,
      tokenAmounts: upstreamMessage.tokenAmounts.map((t) => ({
        sourcePoolAddress: decodeEvmAddress(t.sourcePoolAddress),
        destTokenAddress: encodeEvmAddress(t.destTokenAddress),
        extraData: t.extraData,
        amount: t.amount,
        destExecData: u32(t.destGasAmount),
      })),
    })).toEqual({
      ...upstreamMessage,
      receiver: decodeEvmAddress(encodeEvmAddress(upstreamMessage.receiver)),
      tokenAmounts: upstreamMessage.tokenAmounts.map((t) => ({ ...t, destTokenAddress: decodeEvmAddress(encodeEvmAddress(t.destTokenAddress)) })),
    });
  });
  test('onRamp is hashed as raw bytes: padded and unpadded differ', () => {
    const d = toAny2EVMMessage(sampleMessage());
    expect(getLeafHash(d, encodeEvmAddress(ONRAMP))).not.toBe(getLeafHash(d, ONRAMP));
    const { sourceChainSelector: s, destChainSelector: t } = d.header;
    expect(any2EvmMetadataHash(s, t, encodeEvmAddress(ONRAMP))).toBe(
      keccak256(
        encodeAbiParameters(
          [{ type: 'bytes32' }, { type: 'uint64' }, { type: 'uint64' }, { type: 'bytes32' }],
          [ANY_2_EVM_MESSAGE_HASH, s, t, keccak256(encodeEvmAddress(ONRAMP))],
        ),
      ),
    );
  });
  test('leaf differs from the message id (different domain)', () => {
    const m = sampleMessage();
    expect(getLeafHash(toAny2EVMMessage(m), encodeEvmAddress(ONRAMP))).not.toBe(getMessageId(m, ONRAMP));
  });
});
