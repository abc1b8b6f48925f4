/**
 * Gas per operation, read from real transaction receipts on a local anvil chain (whole transaction:
 * 21k base, calldata, execution, refunds). Two CCIP stacks, A and B, share the chain; A → B is measured.
 *
 *   npm run bench:gas
 */
import { encodeAbiParameters, parseEther, toHex, zeroAddress, type Address, type Hex } from 'viem';
import {
  burnMintErc20Abi,
  configurableReceiverAbi,
  encodeGenericExtraArgsV2,
  linkTokenAbi,
  MessageExecutionState,
  routerAbi,
  type EVM2AnyRampMessage,
} from '@openccip/sdk';
import { configurableReceiverBytecode } from '@openccip/sdk/bytecode';
import {
  ANVIL_KEYS,
  commitMessages,
  configureDon,
  deploy,
  deployLocalPair,
  deployTokenWithPool,
  executeMessages,
  getExecutionStates,
  getSentMessages,
  makeChainClients,
  manuallyExecuteMessages,
  mintTokens,
  send,
  startAnvil,
  wireTokenPool,
} from '@openccip/devnet';

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
  progress('deploying two CCIP stacks on one anvil chain');
  const { a, b, relay } = await deployLocalPair(rpcUrl, 31337);
  const admin = a.clients;
  const user = makeChainClients(rpcUrl, 31337, ANVIL_KEYS[1]!);
  const userAddr = user.wallet.account.address;

  progress('deploying a burn/mint token on both stacks');
  const tokA = await deployTokenWithPool(a, { name: 'Bench Token', symbol: 'BNCH', decimals: 18, type: 'burn-mint' });
  const tokB = await deployTokenWithPool(b, { name: 'Bench Token', symbol: 'BNCH', decimals: 18, type: 'burn-mint' });
  await wireTokenPool(a, tokA, [tokB]);
  await wireTokenPool(b, tokB, [tokA]);
  await mintTokens(a, tokA, userAddr, parseEther('1000'));
  await send(user, tokA.token, burnMintErc20Abi, 'approve', [a.contracts.router, parseEther('1000')]);
  await send(admin, a.contracts.linkToken, linkTokenAbi, 'mint', [userAddr, parseEther('1000')]);
  await send(user, a.contracts.linkToken, linkTokenAbi, 'approve', [a.contracts.router, parseEther('1000')]);

  const toReceiver = encodeAbiParameters([{ type: 'address' }], [b.contracts.messageReceiver]);
  type Msg = { receiver: Hex; data: Hex; tokenAmounts: { token: Address; amount: bigint }[]; feeToken: Address; extraArgs: Hex };
  const msg = (over: Partial<Msg> = {}): Msg => ({
    receiver: toReceiver,
    data: toHex('hello from A'),
    tokenAmounts: [],
    feeToken: zeroAddress,
    extraArgs: '0x',
    ...over,
  });
  const ccipSend = async (m: Msg) => {
    const fee = await a.clients.public.readContract({
      address: a.contracts.router,
      abi: routerAbi,
      functionName: 'getFee',
      args: [b.chainSelector, m],
    });
    return send(user, a.contracts.router, routerAbi, 'ccipSend', [b.chainSelector, m], m.feeToken === zeroAddress ? fee : undefined);
  };
  let fromBlock = 0n;
  const sentSince = async () => {
    const msgs = await getSentMessages(relay, fromBlock);
    fromBlock = (await a.clients.public.getBlockNumber({ cacheTime: 0 })) + 1n;
    return msgs;
  };
  // A figure only counts if the messages really reached the state it claims.
  const expectState = async (messages: EVM2AnyRampMessage[], state: MessageExecutionState) => {
    const states = await getExecutionStates(relay, messages);
    states.forEach((s, i) => {
      if (s !== state) throw new Error(`seqNr ${messages[i]!.header.sequenceNumber}: execution state ${s}, expected ${state}`);
    });
  };

  progress('ccipSend');
  rows.push({ op: 'ccipSend, native fee, first message of a sender', gas: (await ccipSend(msg())).gasUsed });
  rows.push({ op: 'ccipSend, native fee, no tokens', gas: (await ccipSend(msg())).gasUsed, target: '≤ 100,000' });
  rows.push({ op: 'ccipSend, LINK fee, no tokens', gas: (await ccipSend(msg({ feeToken: a.contracts.linkToken }))).gasUsed });
  const withToken = msg({ tokenAmounts: [{ token: tokA.token, amount: parseEther('1') }] });
  await ccipSend(withToken);
  rows.push({ op: 'ccipSend, native fee, one token (burn/mint)', gas: (await ccipSend(withToken)).gasUsed });

  progress('commit');
  const first = await sentSince();
  const c1 = await commitMessages(relay, first);
  rows.push({ op: `commit, 1 root (${first.length} msgs), OCR f = 1, RMN fSign = 1`, gas: c1.gasUsed, target: '≤ 110,000' });

  progress('execute');
  rows.push({ op: 'execute, 1 message (first of a sender)', gas: (await executeMessages(relay, [first[0]!], first)).gasUsed });
  rows.push({
    op: 'execute, 1 message to a receiver writing one slot',
    gas: (await executeMessages(relay, [first[1]!], first)).gasUsed,
    target: '≤ 100,000',
  });
  await executeMessages(relay, [first[2]!, first[3]!], first);
  rows.push({ op: 'execute, 1 message with one token (mint)', gas: (await executeMessages(relay, [first[4]!], first)).gasUsed });
  await expectState(first, MessageExecutionState.SUCCESS);

  progress('execute out of order');
  // Same root size (5) and receiver as the ordered row above, so the two rows differ only by the nonce handling.
  const unordered = msg({ extraArgs: encodeGenericExtraArgsV2({ gasLimit: 200_000n, allowOutOfOrderExecution: true }) });
  for (let i = 0; i < 5; i++) await ccipSend(unordered);
  const ooo = await sentSince();
  await commitMessages(relay, ooo);
  await executeMessages(relay, [ooo[0]!], ooo);
  rows.push({
    op: 'execute, 1 message out of order, receiver writing one slot',
    gas: (await executeMessages(relay, [ooo[1]!], ooo)).gasUsed,
    target: '≤ 100,000',
  });
  await executeMessages(relay, ooo.slice(2), ooo);
  await expectState(ooo, MessageExecutionState.SUCCESS);

  for (const n of [16, 64]) {
    progress(`execute a batch of ${n}`);
    for (let i = 0; i < n; i++) await ccipSend(msg({ data: toHex(`batch message ${i}`) }));
    const batch = await sentSince();
    await commitMessages(relay, batch);
    const r = await executeMessages(relay, batch, batch);
    await expectState(batch, MessageExecutionState.SUCCESS);
    rows.push({
      op: `execute, batch of ${n} messages`,
      gas: r.gasUsed,
      perMessage: r.gasUsed / BigInt(n),
      target: n === 64 ? '≤ 50,000 / msg' : undefined,
    });
  }

  progress('commit with f = 5');
  await configureDon(relay, 5);
  await ccipSend(msg());
  const single = await sentSince();
  rows.push({ op: 'commit, 1 root (1 msg), OCR f = 5, RMN fSign = 1', gas: (await commitMessages(relay, single)).gasUsed });
  await executeMessages(relay, single, single);
  await expectState(single, MessageExecutionState.SUCCESS);

  progress('manual execution');
  const bad = await deploy(admin, 'ConfigurableReceiver', configurableReceiverAbi, configurableReceiverBytecode, [b.contracts.router]);
  await send(admin, bad, configurableReceiverAbi, 'setRevert', [true]);
  await ccipSend(msg({ receiver: encodeAbiParameters([{ type: 'address' }], [bad]) }));
  const failing = await sentSince();
  await commitMessages(relay, failing);
  await executeMessages(relay, failing, failing);
  await expectState(failing, MessageExecutionState.FAILURE);
  await send(admin, bad, configurableReceiverAbi, 'setRevert', [false]);
  const m = await manuallyExecuteMessages(user, relay, failing, failing);
  await expectState(failing, MessageExecutionState.SUCCESS);
  rows.push({ op: 'manuallyExecute, 1 failed message after the fix', gas: m.gasUsed });
}

function print() {
  const fmt = (n: bigint) => n.toLocaleString('en-US');
  const w = Math.max(...rows.map((r) => r.op.length));
  console.log(`${'operation'.padEnd(w)}  ${'gas (whole tx)'.padStart(14)}  ${'per message'.padStart(11)}  target`);
  for (const r of rows) {
    console.log(
      `${r.op.padEnd(w)}  ${fmt(r.gas).padStart(14)}  ${(r.perMessage ? fmt(r.perMessage) : '').padStart(11)}  ${r.target ?? ''}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
