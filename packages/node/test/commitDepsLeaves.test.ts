import { describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256, toHex, zeroAddress, type Address, type Hex } from 'viem';
import {
  encodeEVM2AnyRampMessage,
  encodeEvmAddress,
  encodeGenericExtraArgsV2,
  getLeafHash,
  toAny2EVMMessage,
  type EVM2AnyRampMessage,
} from '@openccip/sdk';
import { createCommitDeps, encodeAddress } from '../src/runtime/commitDeps.js';
import { LeafCache } from '../src/runtime/leafCache.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { StoredMessage } from '../src/store/types.js';
import type { ChainClient } from '../src/chain/rpc.js';

const SOURCE = 7759470850252068959n;
const DEST = 16015286601757825753n;
const ON_RAMP: Address = '0x1111111111111111111111111111111111111111';
const ON_RAMP_BYTES = encodeAddress(ON_RAMP);

function message(seqNr: bigint, salt = ''): EVM2AnyRampMessage {
  return {
    header: { messageId: keccak256(toHex(`msg ${seqNr} ${salt}`)), sourceChainSelector: SOURCE, destChainSelector: DEST, sequenceNumber: seqNr, nonce: 0n },
    sender: '0x2222222222222222222222222222222222222222',
    data: toHex(`data ${seqNr}`),
    receiver: encodeEvmAddress('0x3333333333333333333333333333333333333333'),
    extraArgs: encodeGenericExtraArgsV2({ gasLimit: 200_000n, allowOutOfOrderExecution: true }),
    feeToken: zeroAddress,
    feeTokenAmount: 1n,
    feeValueJuels: 1n,
    tokenAmounts: [],
  };
}

function stored(m: EVM2AnyRampMessage, block = 1n): StoredMessage {
  return {
    sourceChainSelector: SOURCE,
    destChainSelector: DEST,
    seqNr: m.header.sequenceNumber,
    messageId: m.header.messageId,
    blockNumber: block,
    blockHash: keccak256(encodeAbiParameters([{ type: 'uint256' }], [block])),
    txHash: keccak256(m.header.messageId),
    logIndex: 0,
    encoded: encodeEVM2AnyRampMessage(m),
  };
}

const leafOf = (m: EVM2AnyRampMessage): Hex => getLeafHash(toAny2EVMMessage(m), ON_RAMP_BYTES);

function deps(store: ReturnType<typeof openSqliteStore>, leaves = new LeafCache()) {
  return createCommitDeps({
    destChainSelector: DEST,
    destClient: {} as ChainClient, // readLeaves reads only the store
    offRamp: zeroAddress,
    feeQuoter: zeroAddress,
    sources: [{ chainSelector: SOURCE, onRamp: ON_RAMP, requiresBlessing: false, onRampBytes: ON_RAMP_BYTES }],
    messages: store.messages,
    gasPriceChains: [],
    tokenUsd: new Map(),
    leaves,
  });
}

describe('commit deps: readLeaves', () => {
  it('returns the contiguous run of leaves from the next seqNr, hashing each message once', async () => {
    const store = openSqliteStore(':memory:');
    const cache = new LeafCache();
    const d = deps(store, cache);
    const ms = [1n, 2n, 3n, 5n].map((s) => message(s));
    await store.messages.put(ms.map((m) => stored(m)));
    expect(await d.readLeaves(SOURCE, 1n, 10)).toEqual(ms.slice(0, 3).map(leafOf)); // 4 is missing: the run ends at 3
    expect(cache.size).toBe(3);
    expect(await d.readLeaves(SOURCE, 2n, 1)).toEqual([leafOf(ms[1]!)]);
    expect(await d.readLeaves(SOURCE, 4n, 10)).toEqual([]);
    await store.messages.put([stored(message(4n))]);
    expect(await d.readLeaves(SOURCE, 1n, 10)).toEqual([...ms.slice(0, 3), message(4n), ms[3]!].map(leafOf));
    expect(cache.size).toBe(5);
    expect(await d.readLeaves(999n, 1n, 10)).toEqual([]); // not a source of this destination
    await store.close();
  });

  it('a message replaced after a reorg gets its own leaf, not the cached one of the old message', async () => {
    const store = openSqliteStore(':memory:');
    const d = deps(store);
    await store.messages.put([stored(message(1n)), stored(message(2n))]);
    expect(await d.readLeaves(SOURCE, 1n, 10)).toEqual([leafOf(message(1n)), leafOf(message(2n))]);
    await store.messages.deleteFromBlock(SOURCE, 1n);
    await store.messages.put([stored(message(1n)), stored(message(2n, 'replaced'), 2n)]);
    expect(await d.readLeaves(SOURCE, 1n, 10)).toEqual([leafOf(message(1n)), leafOf(message(2n, 'replaced'))]);
    await store.close();
  });
});
