import { describe, expect, it } from 'vitest';
import { decodeEventLog, encodeAbiParameters, encodeEventTopics, type Hex, type RpcLog } from 'viem';
import { encodeEVM2AnyRampMessage, offRampAbi, onRampAbi, type MerkleRoot } from '@openccip/sdk';
import { randomMessage, randomSource } from '../../sdk/test/helpers/randomMessages.js';
import { CCIP_MESSAGE_SENT, COMMIT_REPORT_ACCEPTED, EXECUTION_STATE_CHANGED, parseCommit, parseExecution, parseMessageSent, uintTopic } from '../src/rawLogs.js';

// The hand parsers against viem's decodeEventLog (what the RMN node used before) on logs laid out by viem.
const rpcLog = (topics: Hex[], data: Hex): RpcLog => ({
  address: '0x0000000000000000000000000000000000000001',
  topics: topics as [Hex, ...Hex[]],
  data,
  blockHash: `0x${'11'.repeat(32)}`,
  blockNumber: '0x10',
  blockTimestamp: undefined,
  logIndex: '0x0',
  transactionHash: `0x${'22'.repeat(32)}`,
  transactionIndex: '0x0',
  removed: false,
});

const merkleRootsParam = offRampAbi.find((x) => x.type === 'event' && x.name === 'CommitReportAccepted')!.inputs;
const executionInputs = offRampAbi.find((x) => x.type === 'event' && x.name === 'ExecutionStateChanged')!.inputs;

describe('raw log parsers', () => {
  const r = randomSource(31);

  it('CCIPMessageSent: lane topics and message as viem decodes them; other lanes are not decoded', () => {
    for (let i = 0; i < 50; i++) {
      const message = randomMessage(r, { maxData: 300 });
      const dest = r.uint(64);
      const seqNr = r.uint(64);
      const topics = encodeEventTopics({ abi: onRampAbi, eventName: 'CCIPMessageSent', args: { destChainSelector: dest, sequenceNumber: seqNr } }) as Hex[];
      const log = rpcLog(topics, encodeEVM2AnyRampMessage(message));
      const viem = decodeEventLog({ abi: onRampAbi, eventName: 'CCIPMessageSent', topics: log.topics, data: log.data, strict: true });
      expect(parseMessageSent(log)).toStrictEqual({ dest: viem.args.destChainSelector, seqNr: viem.args.sequenceNumber, message: viem.args.message });
      expect(topics[1]).toBe(uintTopic(dest));
      // A log of a lane not asked for is not decoded: garbage data does not matter then.
      expect(parseMessageSent({ ...log, data: '0x1234' }, (d) => d !== dest)).toBeUndefined();
    }
  });

  it('CCIPMessageSent: a wrong event, missing topics or undecodable data throw', () => {
    const message = randomMessage(r, { maxData: 10 });
    const topics = encodeEventTopics({ abi: onRampAbi, eventName: 'CCIPMessageSent', args: { destChainSelector: 1n, sequenceNumber: 2n } }) as Hex[];
    const data = encodeEVM2AnyRampMessage(message);
    expect(() => parseMessageSent(rpcLog([EXECUTION_STATE_CHANGED, ...topics.slice(1)], data))).toThrow(/not CCIPMessageSent/);
    expect(() => parseMessageSent(rpcLog(topics.slice(0, 2), data))).toThrow(/2 topics/);
    expect(() => parseMessageSent(rpcLog(topics, data.slice(0, 500) as Hex))).toThrow(/EVM2AnyRampMessage/);
    expect(() => parseMessageSent(rpcLog(topics, '0x'))).toThrow(/EVM2AnyRampMessage/);
  });

  it('ExecutionStateChanged: source, seqNr, messageHash and state as viem decodes them', () => {
    for (let i = 0; i < 30; i++) {
      const args = { sourceChainSelector: r.uint(64), sequenceNumber: r.uint(64), messageId: r.hex(32) };
      const topics = encodeEventTopics({ abi: offRampAbi, eventName: 'ExecutionStateChanged', args }) as Hex[];
      const data = encodeAbiParameters(
        executionInputs.filter((x) => !x.indexed),
        [r.hex(32), r.int(4), r.hex(r.int(200)), r.uint(256)],
      );
      const log = rpcLog(topics, data);
      const viem = decodeEventLog({ abi: offRampAbi, eventName: 'ExecutionStateChanged', topics: log.topics, data: log.data, strict: true });
      expect(parseExecution(log)).toStrictEqual({
        source: viem.args.sourceChainSelector,
        seqNr: viem.args.sequenceNumber,
        messageHash: viem.args.messageHash,
        state: viem.args.state,
      });
      expect(() => parseExecution(rpcLog(topics.slice(0, 3), data))).toThrow(/3 topics/);
      expect(() => parseExecution(rpcLog(topics, data.slice(0, 2 + 64 * 3) as Hex))).toThrow(/96 bytes/);
    }
  });

  it('CommitReportAccepted: blessed and unblessed roots as viem decodes them', () => {
    const roots = (n: number): MerkleRoot[] =>
      Array.from({ length: n }, () => ({
        sourceChainSelector: r.uint(64),
        onRampAddress: r.hex(r.int(3) === 0 ? r.int(40) : 32),
        minSeqNr: r.uint(64),
        maxSeqNr: r.uint(64),
        merkleRoot: r.hex(32),
      }));
    for (let i = 0; i < 30; i++) {
      const prices = {
        tokenPriceUpdates: Array.from({ length: r.int(3) }, () => ({ sourceToken: r.address(), usdPerToken: r.uint(224) })),
        gasPriceUpdates: Array.from({ length: r.int(3) }, () => ({ destChainSelector: r.uint(64), usdPerUnitGas: r.uint(224) })),
      };
      const data = encodeAbiParameters(merkleRootsParam, [roots(r.int(4)), roots(r.int(4)), prices]);
      const log = rpcLog(encodeEventTopics({ abi: offRampAbi, eventName: 'CommitReportAccepted' }) as Hex[], data);
      const viem = decodeEventLog({ abi: offRampAbi, eventName: 'CommitReportAccepted', topics: log.topics, data: log.data, strict: true });
      expect(parseCommit(log)).toStrictEqual({ blessedMerkleRoots: viem.args.blessedMerkleRoots, unblessedMerkleRoots: viem.args.unblessedMerkleRoots });
    }
    const topic = [COMMIT_REPORT_ACCEPTED];
    expect(() => parseCommit(rpcLog(topic, '0x'))).toThrow(/0 bytes/);
    expect(() => parseCommit(rpcLog(topic, `0x${'00'.repeat(31)}ff${'00'.repeat(64)}`))).toThrow(/CommitReportAccepted data: word at byte 255/);
    expect(() => parseCommit(rpcLog([CCIP_MESSAGE_SENT], `0x${'00'.repeat(96)}`))).toThrow(/not CommitReportAccepted/);
  });
});
