import { encodeAbiParameters, type Address, type Hex } from 'viem';
import {
  encodeCommitReport,
  encodeExecutionReports,
  getLeafHash,
  getMerkleRoot,
  getMultiProof,
  offRampAbi,
  onRampAbi,
  reportContext,
  signOcrReport,
  signRmnReport,
  toAny2EVMMessage,
  type EVM2AnyRampMessage,
  type ExecutionReport,
  type MerkleRoot,
  type PriceUpdates,
} from '@openccip/sdk';
import type { ChainClients } from './clients.js';
import type { ChainDeployment } from './deploy.js';
import { send } from './tx.js';

/**
 * Commits and executes with DON and RMN keys held directly (no network): for contract-level tests, benchmarks
 * and adversarial tests that play a compromised DON. The real DON reaches the same transactions through consensus.
 */
export interface KeyRelay {
  src: ChainDeployment;
  dst: ChainDeployment;
  /** Sends commit/execute transactions; must be a configured transmitter on dst's OffRamp. */
  transmitter: ChainClients;
  configDigest: Hex;
  /** OCR signer keys; the first F+1 sign. */
  ocrKeys: readonly Hex[];
  F: number;
  /** RMN signer keys; the first fSign+1 bless. */
  rmnKeys: readonly Hex[];
  fSign: number;
  rmnConfigDigest: Hex;
  /** Next OCR sequence number to use (prices apply only when it grows). */
  ocrSeqNr: bigint;
}

const encodeAddress = (a: Address) => encodeAbiParameters([{ type: 'address' }], [a]);

/** CCIPMessageSent messages of src's OnRamp to dst, in sequence order, from `fromBlock`. */
export async function getSentMessages(relay: Pick<KeyRelay, 'src' | 'dst'>, fromBlock = 0n): Promise<EVM2AnyRampMessage[]> {
  const logs = await relay.src.clients.public.getContractEvents({
    address: relay.src.contracts.onRamp,
    abi: onRampAbi,
    eventName: 'CCIPMessageSent',
    args: { destChainSelector: relay.dst.chainSelector },
    fromBlock,
    strict: true,
  });
  return logs.map((l) => l.args.message as EVM2AnyRampMessage);
}

export function leavesOf(relay: Pick<KeyRelay, 'src'>, messages: readonly EVM2AnyRampMessage[]): Hex[] {
  const onRamp = encodeAddress(relay.src.contracts.onRamp);
  return messages.map((m) => getLeafHash(toAny2EVMMessage(m), onRamp));
}

export function merkleRootOf(relay: Pick<KeyRelay, 'src'>, messages: readonly EVM2AnyRampMessage[]): MerkleRoot {
  if (messages.length === 0) throw new Error('cannot commit an empty interval');
  return {
    sourceChainSelector: relay.src.chainSelector,
    onRampAddress: encodeAddress(relay.src.contracts.onRamp),
    minSeqNr: messages[0]!.header.sequenceNumber,
    maxSeqNr: messages[messages.length - 1]!.header.sequenceNumber,
    merkleRoot: getMerkleRoot(leavesOf(relay, messages)),
  };
}

export interface CommitOptions {
  /** Commit the root as blessed (with RMN signatures) — required on lanes with RMN verification. Default true. */
  blessed?: boolean;
  priceUpdates?: PriceUpdates;
  /** Override the root (e.g. a forged one). */
  root?: MerkleRoot;
}

/** Commits one root covering `messages` (a contiguous interval) on dst's OffRamp. */
export async function commitMessages(relay: KeyRelay, messages: readonly EVM2AnyRampMessage[], opts: CommitOptions = {}) {
  const root = opts.root ?? merkleRootOf(relay, messages);
  const blessed = opts.blessed ?? true;
  const rmnSignatures = blessed
    ? await signRmnReport(relay.rmnKeys.slice(0, relay.fSign + 1), {
        destChainId: BigInt(relay.dst.clients.chain.id),
        destChainSelector: relay.dst.chainSelector,
        rmnRemote: relay.dst.contracts.rmnRemote,
        offRamp: relay.dst.contracts.offRamp,
        rmnHomeConfigDigest: relay.rmnConfigDigest,
        merkleRoots: [root],
      })
    : [];
  const report = encodeCommitReport({
    priceUpdates: opts.priceUpdates ?? { tokenPriceUpdates: [], gasPriceUpdates: [] },
    blessedMerkleRoots: blessed ? [root] : [],
    unblessedMerkleRoots: blessed ? [] : [root],
    rmnSignatures,
  });
  const ctx = reportContext(relay.configDigest, relay.ocrSeqNr++);
  const sigs = await signOcrReport(relay.ocrKeys.slice(0, relay.F + 1), report, ctx);
  return send(relay.transmitter, relay.dst.contracts.offRamp, offRampAbi, 'commit', [ctx, report, sigs.rs, sigs.ss, sigs.rawVs]);
}

/** An execution report for `messages`, proven against the root of `interval` (the committed messages). */
export function buildExecutionReport(
  relay: Pick<KeyRelay, 'src'>,
  messages: readonly EVM2AnyRampMessage[],
  interval: readonly EVM2AnyRampMessage[],
): ExecutionReport {
  const leaves = leavesOf(relay, interval);
  const indices = messages.map((m) => {
    const i = interval.findIndex((x) => x.header.sequenceNumber === m.header.sequenceNumber);
    if (i < 0) throw new Error(`message seqNr ${m.header.sequenceNumber} is not in the committed interval`);
    return i;
  });
  const { proofs, proofFlagBits } = getMultiProof(leaves, indices);
  const execMsgs = messages.map((m) => toAny2EVMMessage(m));
  return {
    sourceChainSelector: relay.src.chainSelector,
    messages: execMsgs,
    offchainTokenData: execMsgs.map((m) => m.tokenAmounts.map(() => '0x' as Hex)),
    proofs,
    proofFlagBits,
  };
}

/** Executes `messages` through the execution plugin's entry point (OffRamp.execute). */
export async function executeMessages(
  relay: KeyRelay,
  messages: readonly EVM2AnyRampMessage[],
  interval: readonly EVM2AnyRampMessage[],
) {
  const report = buildExecutionReport(relay, messages, interval);
  const ctx = reportContext(relay.configDigest, 0n);
  return send(relay.transmitter, relay.dst.contracts.offRamp, offRampAbi, 'execute', [ctx, encodeExecutionReports([report])]);
}

/** Manually executes `messages` (permissionless), optionally raising the receiver gas limit. */
export async function manuallyExecuteMessages(
  sender: ChainClients,
  relay: Pick<KeyRelay, 'src' | 'dst'>,
  messages: readonly EVM2AnyRampMessage[],
  interval: readonly EVM2AnyRampMessage[],
  receiverGasLimit = 0n,
) {
  const report = buildExecutionReport(relay, messages, interval);
  return send(sender, relay.dst.contracts.offRamp, offRampAbi, 'manuallyExecute', [
    [report],
    [report.messages.map((m) => ({ receiverExecutionGasLimit: receiverGasLimit, tokenGasOverrides: m.tokenAmounts.map(() => 0) }))],
  ]);
}

/** The OffRamp's execution state of each message (0 untouched, 1 in progress, 2 success, 3 failure). */
export async function getExecutionStates(relay: Pick<KeyRelay, 'src' | 'dst'>, messages: readonly EVM2AnyRampMessage[]) {
  return Promise.all(
    messages.map((m) =>
      relay.dst.clients.public.readContract({
        address: relay.dst.contracts.offRamp,
        abi: offRampAbi,
        functionName: 'getExecutionState',
        args: [relay.src.chainSelector, m.header.sequenceNumber],
      }),
    ),
  );
}
