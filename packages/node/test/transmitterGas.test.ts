import { describe, expect, it } from 'vitest';
import { encodeExecutionReports, type Any2EVMRampMessage } from '@openccip/sdk';
import { executeGasFloor } from '../src/runtime/transmitter.js';

const message = (gasLimit: bigint, destGasAmount?: number): Any2EVMRampMessage => ({
  header: { messageId: `0x${'11'.repeat(32)}`, sourceChainSelector: 1n, destChainSelector: 2n, sequenceNumber: 1n, nonce: 1n },
  sender: `0x${'00'.repeat(12)}${'22'.repeat(20)}`,
  data: '0x',
  receiver: `0x${'33'.repeat(20)}`,
  gasLimit,
  tokenAmounts:
    destGasAmount === undefined
      ? []
      : [{ sourcePoolAddress: `0x${'00'.repeat(12)}${'44'.repeat(20)}`, destTokenAddress: `0x${'55'.repeat(20)}`, destGasAmount, extraData: '0x', amount: 1n }],
});
const report = (messages: Any2EVMRampMessage[]) =>
  encodeExecutionReports([{ sourceChainSelector: 1n, messages, offchainTokenData: messages.map(() => []), proofs: [], proofFlagBits: 0n }]);

// The execute transmission's gas floor: every message's receiver (and token) gas must be available at inclusion.
describe('executeGasFloor', () => {
  it('covers each message gas limit and token gas, forwarded through three calls', () => {
    const one = executeGasFloor(report([message(200_000n)]));
    expect(one).toBeGreaterThan((200_000n * 64n ** 2n) / 63n ** 2n + 60_000n);
    const two = executeGasFloor(report([message(200_000n), message(200_000n)]));
    expect(two - one).toBeGreaterThan(260_000n); // a second message adds at least its own share (+ calldata)
    const withToken = executeGasFloor(report([message(200_000n, 90_000)]));
    expect(withToken - one).toBeGreaterThanOrEqual(90_000n);
  });
});
