/**
 * Gas per operation, read from real transaction receipts on a local anvil chain (whole transaction:
 * 21k base, calldata, execution, refunds). Two CCIP stacks, A and B, share the chain; A → B is measured.
 *
 *   npm run bench:gas
 */
import { encodeAbiParameters, keccak256, parseEther, toHex, zeroAddress, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts';
import {
  burnMintErc20Abi,
  configurableReceiverAbi,
  encodeCommitReport,
  encodeExecutionReports,
  getLeafHash,
  getMerkleRoot,
  getMultiProof,
  linkTokenAbi,
  MessageExecutionState,
  offRampAbi,
  onRampAbi,
  reportContext,
  routerAbi,
  signOcrReport,
  signRmnReport,
  toAny2EVMMessage,
  type Any2EVMRampMessage,
  type EVM2AnyRampMessage,
  type MerkleRoot,
} from '@openccip/sdk';
import { configurableReceiverBytecode } from '@openccip/sdk/bytecode';
import {
  ANVIL_KEYS,
  connectLane,
  deploy,
  deployCore,
  deployTokenWithPool,
  makeChainClients,
  mintTokens,
  send,
  setOcrConfigs,
  setRmnConfig,
  startAnvil,
  wireTokenPool,
  type ChainDeployment,
} from '@openccip/devnet';

const SEL_A = 7759470850252068959n; // anvil
const SEL_B = 3379446385462418246n; // geth-testnet
const CONFIG_DIGEST = keccak256(toHex('bench-ocr-config'));
const RMN_DIGEST = keccak256(toHex('bench-rmn-config'));

interface Row {
  op: string;
  gas: bigint;
  perMessage?: bigint;
  target?: string;
}

const rows: Row[] = [];
const progress = (msg: string) => process.stderr.write(`bench:gas ${msg}\n`);

async function main() {
  const anvil = await startAnvil({ chainId: 31337 });
  try {
    await run(anvil.rpcUrl);
  } finally {
    await anvil.stop();
  }
  print();
}

async function run(rpcUrl: string) {
  const admin = makeChainClients(rpcUrl, 31337, ANVIL_KEYS[0]!);
  const user = makeChainClients(rpcUrl, 31337, ANVIL_KEYS[1]!);
  const transmitter = makeChainClients(rpcUrl, 31337, ANVIL_KEYS[2]!);
  const userAddr = user.wallet.account.address;

  progress('deploying two CCIP stacks');
  const a = await deployCore(admin, { chainSelector: SEL_A });
  const b = await deployCore(admin, { chainSelector: SEL_B });
  await connectLane(a, b, { rmnVerification: true });
  await connectLane(b, a, { rmnVerification: true });

  const ocrKeys = (n: number) => Array.from({ length: n }, () => generatePrivateKey());
  let commitKeys = ocrKeys(4);
  const configure = async (keys: Hex[], F: number) =>
    setOcrConfigs(
      b,
      { configDigest: CONFIG_DIGEST, F, signers: keys.map((k) => privateKeyToAddress(k)), transmitters: [transmitter.wallet.account.address] },
      { configDigest: CONFIG_DIGEST, F, signers: keys.map((k) => privateKeyToAddress(k)), transmitters: [transmitter.wallet.account.address] },
    );
  await configure(commitKeys, 1);
  const rmnKeys = ocrKeys(3);
  await setRmnConfig(b, { rmnHomeContractConfigDigest: RMN_DIGEST, signers: rmnKeys.map((k) => privateKeyToAddress(k)), fSign: 1n });

  progress('deploying a burn/mint token on both stacks');
  const tokA = await deployTokenWithPool(a, { name: 'Bench Token', symbol: 'BNCH', decimals: 18, type: 'burn-mint' });
  const tokB = await deployTokenWithPool(b, { name: 'Bench Token', symbol: 'BNCH', decimals: 18, type: 'burn-mint' });
  await wireTokenPool(a, tokA, [tokB]);
  await wireTokenPool(b, tokB, [tokA]);
  await mintTokens(a, tokA, userAddr, parseEther('1000'));
  await send(user, tokA.token, burnMintErc20Abi, 'approve', [a.contracts.router, parseEther('1000')]);
  await send(admin, a.contracts.linkToken, linkTokenAbi, 'mint', [userAddr, parseEther('1000')]);
  await send(user, a.contracts.linkToken, linkTokenAbi, 'approve', [a.contracts.router, parseEther('1000')]);

  const receiver = encodeAbiParameters([{ type: 'address' }], [b.contracts.messageReceiver]);
  const msg = (over: Partial<{ data: Hex; feeToken: Address; tokenAmounts: { token: Address; amount: bigint }[]; receiver: Hex }> = {}) => ({
    receiver,
    data: toHex('hello from A'),
    tokenAmounts: [],
    feeToken: zeroAddress,
    extraArgs: '0x' as Hex,
    ...over,
  });
  const ccipSend = async (m: ReturnType<typeof msg>) => {
    const fee = await a.clients.public.readContract({ address: a.contracts.router, abi: routerAbi, functionName: 'getFee', args: [SEL_B, m] });
    return send(user, a.contracts.router, routerAbi, 'ccipSend', [SEL_B, m], m.feeToken === zeroAddress ? fee : undefined);
  };

  progress('ccipSend');
  const first = await ccipSend(msg());
  rows.push({ op: 'ccipSend, native fee, first message of a sender', gas: first.gasUsed });
  const native = await ccipSend(msg());
  rows.push({ op: 'ccipSend, native fee, no tokens', gas: native.gasUsed, target: '≤ 100,000' });
  const link = await ccipSend(msg({ feeToken: a.contracts.linkToken }));
  rows.push({ op: 'ccipSend, LINK fee, no tokens', gas: link.gasUsed });
  await ccipSend(msg({ tokenAmounts: [{ token: tokA.token, amount: parseEther('1') }] }));
  const tok = await ccipSend(msg({ tokenAmounts: [{ token: tokA.token, amount: parseEther('1') }] }));
  rows.push({ op: 'ccipSend, native fee, one token (burn/mint)', gas: tok.gasUsed });

  // Everything sent so far (5 messages) is committed in one root and executed as single-message reports later.
  let ocrSeqNr = 1n;
  const commit = async (messages: EVM2AnyRampMessage[], keys: Hex[], F: number) => {
    const leaves = messages.map((m) => getLeafHash(toAny2EVMMessage(m), encodeAbiParameters([{ type: 'address' }], [a.contracts.onRamp])));
    const root: MerkleRoot = {
      sourceChainSelector: SEL_A,
      onRampAddress: encodeAbiParameters([{ type: 'address' }], [a.contracts.onRamp]),
      minSeqNr: messages[0]!.header.sequenceNumber,
      maxSeqNr: messages[messages.length - 1]!.header.sequenceNumber,
      merkleRoot: getMerkleRoot(leaves),
    };
    const rmnSignatures = await signRmnReport(rmnKeys.slice(0, 2), {
      destChainId: 31337n,
      destChainSelector: SEL_B,
      rmnRemote: b.contracts.rmnRemote,
      offRamp: b.contracts.offRamp,
      rmnHomeConfigDigest: RMN_DIGEST,
      merkleRoots: [root],
    });
    const report = encodeCommitReport({
      priceUpdates: { tokenPriceUpdates: [], gasPriceUpdates: [] },
      blessedMerkleRoots: [root],
      unblessedMerkleRoots: [],
      rmnSignatures,
    });
    const ctx = reportContext(CONFIG_DIGEST, ocrSeqNr++);
    const sigs = await signOcrReport(keys.slice(0, F + 1), report, ctx);
    return send(transmitter, b.contracts.offRamp, offRampAbi, 'commit', [ctx, report, sigs.rs, sigs.ss, sigs.rawVs]);
  };
  const execute = async (messages: EVM2AnyRampMessage[], all: EVM2AnyRampMessage[], manual = false) => {
    const onRampBytes = encodeAbiParameters([{ type: 'address' }], [a.contracts.onRamp]);
    const leaves = all.map((m) => getLeafHash(toAny2EVMMessage(m), onRampBytes));
    const indices = messages.map((m) => all.indexOf(m));
    const { proofs, proofFlagBits } = getMultiProof(leaves, indices);
    const execMsgs: Any2EVMRampMessage[] = messages.map((m) => toAny2EVMMessage(m));
    const report = {
      sourceChainSelector: SEL_A,
      messages: execMsgs,
      offchainTokenData: execMsgs.map((m) => m.tokenAmounts.map(() => '0x' as Hex)),
      proofs,
      proofFlagBits,
    };
    if (manual) {
      return send(transmitter, b.contracts.offRamp, offRampAbi, 'manuallyExecute', [
        [report],
        [execMsgs.map((m) => ({ receiverExecutionGasLimit: 0n, tokenGasOverrides: m.tokenAmounts.map(() => 0) }))],
      ]);
    }
    const ctx = reportContext(CONFIG_DIGEST, 0n);
    return send(transmitter, b.contracts.offRamp, offRampAbi, 'execute', [ctx, encodeExecutionReports([report])]);
  };

  // A figure only counts if the messages really reached the state it claims.
  const expectState = async (messages: EVM2AnyRampMessage[], state: number) => {
    for (const m of messages) {
      const got = await b.clients.public.readContract({
        address: b.contracts.offRamp,
        abi: offRampAbi,
        functionName: 'getExecutionState',
        args: [SEL_A, m.header.sequenceNumber],
      });
      if (got !== state) throw new Error(`message seqNr ${m.header.sequenceNumber}: execution state ${got}, expected ${state}`);
    }
  };

  let fromBlock = 0n;
  const sentSince = async () => {
    const logs = await a.clients.public.getContractEvents({ address: a.contracts.onRamp, abi: onRampAbi, eventName: 'CCIPMessageSent', fromBlock, strict: true });
    fromBlock = (logs.at(-1)?.blockNumber ?? fromBlock) + 1n;
    return logs.map((l) => l.args.message as EVM2AnyRampMessage);
  };

  progress('commit');
  const firstBatch = await sentSince();
  const c1 = await commit(firstBatch, commitKeys, 1);
  rows.push({ op: 'commit, 1 root (5 msgs), OCR f = 1, RMN fSign = 1', gas: c1.gasUsed, target: '≤ 110,000' });

  progress('execute');
  const e1 = await execute([firstBatch[0]!], firstBatch);
  rows.push({ op: 'execute, 1 message (first of a sender)', gas: e1.gasUsed });
  const e2 = await execute([firstBatch[1]!], firstBatch);
  rows.push({ op: 'execute, 1 message to a receiver writing one slot', gas: e2.gasUsed, target: '≤ 100,000' });
  await execute([firstBatch[2]!, firstBatch[3]!], firstBatch);
  const e4 = await execute([firstBatch[4]!], firstBatch);
  rows.push({ op: 'execute, 1 message with one token (mint)', gas: e4.gasUsed });
  await expectState(firstBatch, MessageExecutionState.SUCCESS);

  for (const n of [16, 64]) {
    progress(`execute batch of ${n}`);
    for (let i = 0; i < n; i++) await ccipSend(msg({ data: toHex(`batch message ${i}`) }));
    const batch = await sentSince();
    await commit(batch, commitKeys, 1);
    const r = await execute(batch, batch);
    await expectState(batch, MessageExecutionState.SUCCESS);
    rows.push({ op: `execute, batch of ${n} messages`, gas: r.gasUsed, perMessage: r.gasUsed / BigInt(n), target: n === 64 ? '≤ 50,000 / msg' : undefined });
  }

  progress('commit with f = 5');
  commitKeys = ocrKeys(16);
  await configure(commitKeys, 5);
  ocrSeqNr = 1n;
  await ccipSend(msg());
  const single = await sentSince();
  const c5 = await commit(single, commitKeys, 5);
  rows.push({ op: 'commit, 1 root, OCR f = 5, RMN fSign = 1', gas: c5.gasUsed });
  await execute(single, single);
  await expectState(single, MessageExecutionState.SUCCESS);

  progress('manual execution');
  const bad = await deploy(admin, 'ConfigurableReceiver', configurableReceiverAbi, configurableReceiverBytecode, [b.contracts.router]);
  await send(admin, bad, configurableReceiverAbi, 'setRevert', [true]);
  await ccipSend(msg({ receiver: encodeAbiParameters([{ type: 'address' }], [bad]) }));
  const failing = await sentSince();
  await commit(failing, commitKeys, 5);
  await execute(failing, failing);
  await expectState(failing, MessageExecutionState.FAILURE);
  await send(admin, bad, configurableReceiverAbi, 'setRevert', [false]);
  const m = await execute(failing, failing, true);
  await expectState(failing, MessageExecutionState.SUCCESS);
  rows.push({ op: 'manuallyExecute, 1 failed message after the fix', gas: m.gasUsed });
}

function print() {
  const fmt = (n: bigint) => n.toLocaleString('en-US');
  const w = Math.max(...rows.map((r) => r.op.length));
  console.log(`${'operation'.padEnd(w)}  ${'gas (whole tx)'.padStart(14)}  ${'per message'.padStart(11)}  target`);
  for (const r of rows) {
    console.log(`${r.op.padEnd(w)}  ${fmt(r.gas).padStart(14)}  ${(r.perMessage ? fmt(r.perMessage) : '').padStart(11)}  ${r.target ?? ''}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
