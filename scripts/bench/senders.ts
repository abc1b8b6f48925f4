import { encodeFunctionData, parseEther, parseGwei, toHex, type Address, type Hex, type PublicClient } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { routerAbi, signTransactionWithKey, type EVM2AnyMessage } from '@openccip/sdk';

export interface Lane {
  name: string;
  source: { name: string; chainId: number; selector: bigint; client: PublicClient; router: Address };
  destSelector: bigint;
  message: EVM2AnyMessage;
}

interface LaneState {
  lane: Lane;
  data: Hex;
  fee: bigint;
  gas: bigint;
  feeReadAt: number;
}

interface Sender {
  key: Hex;
  account: PrivateKeyAccount;
  /** Next nonce per source chain id. */
  nonces: Map<number, number>;
}

const MAX_FEE_PER_GAS = parseGwei('100');
const PRIORITY_FEE = parseGwei('1');
/** Native fees are paid with this margin (the OnRamp keeps all of it) so price updates mid-run never revert a send. */
const FEE_MARGIN = 2n;
const FEE_REFRESH_MS = 10_000;

/**
 * Ccip sends from many accounts without waiting for receipts: each transaction is signed locally with a locally
 * counted nonce and handed to the chain with eth_sendRawTransaction. Fees and gas are read once per lane (and
 * the fee now and then), so a send costs one signature and one RPC request. Messages are seen on chain by the
 * ChainWatcher; a send only reports whether the node accepted the transaction.
 */
export class SenderPool {
  private readonly lanes: LaneState[] = [];
  private readonly senders: Sender[];
  private next = 0;
  accepted = 0;
  rejected = 0;
  inflight = 0;

  private constructor(keys: readonly Hex[]) {
    this.senders = keys.map((k) => ({ key: k, account: privateKeyToAccount(k), nonces: new Map() }));
  }

  /** Funds every sender on every source chain (anvil_setBalance) and reads nonces, fees and gas per lane. */
  static async create(keys: readonly Hex[], lanes: readonly Lane[]): Promise<SenderPool> {
    const pool = new SenderPool(keys);
    const chains = new Map(lanes.map((l) => [l.source.chainId, l.source.client]));
    for (const [chainId, client] of chains) {
      for (const s of pool.senders) {
        await client.request({ method: 'anvil_setBalance', params: [s.account.address, toHex(parseEther('100000'))] } as never);
        s.nonces.set(chainId, await client.getTransactionCount({ address: s.account.address, blockTag: 'pending' }));
      }
    }
    for (const lane of lanes) {
      const data = encodeFunctionData({ abi: routerAbi, functionName: 'ccipSend', args: [lane.destSelector, lane.message] });
      const state: LaneState = { lane, data, fee: 0n, gas: 0n, feeReadAt: 0 };
      await pool.readFee(state);
      const est = await lane.source.client.estimateGas({ account: pool.senders[0]!.account.address, to: lane.source.router, data, value: state.fee });
      state.gas = (est * 3n) / 2n; // a sender's first message on a lane writes fresh storage (nonces): room for it
      pool.lanes.push(state);
    }
    return pool;
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  private async readFee(s: LaneState): Promise<void> {
    const fee = await s.lane.source.client.readContract({
      address: s.lane.source.router,
      abi: routerAbi,
      functionName: 'getFee',
      args: [s.lane.destSelector, s.lane.message],
    });
    s.fee = fee * FEE_MARGIN;
    s.feeReadAt = performance.now();
  }

  /** One ccipSend on lane `laneIndex` from the next sender; resolves when the chain accepted (or refused) the tx. */
  async send(laneIndex: number): Promise<boolean> {
    const s = this.lanes[laneIndex % this.lanes.length]!;
    const src = s.lane.source;
    const sender = this.senders[this.next++ % this.senders.length]!;
    if (performance.now() - s.feeReadAt > FEE_REFRESH_MS) {
      s.feeReadAt = performance.now(); // one refresh at a time; sends meanwhile use the previous fee
      void this.readFee(s).catch(() => undefined);
    }
    const nonce = sender.nonces.get(src.chainId)!;
    sender.nonces.set(src.chainId, nonce + 1);
    this.inflight++;
    try {
      const raw = signTransactionWithKey(
        { type: 'eip1559', chainId: src.chainId, nonce, to: src.router, data: s.data, value: s.fee, gas: s.gas, maxFeePerGas: MAX_FEE_PER_GAS, maxPriorityFeePerGas: PRIORITY_FEE },
        sender.key,
      );
      await src.client.request({ method: 'eth_sendRawTransaction', params: [raw] });
      this.accepted++;
      return true;
    } catch (err) {
      this.rejected++;
      if (this.rejected <= 5) console.error(`[bench] send on ${s.lane.name} nonce ${nonce} refused: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      // A refused nonce leaves a gap that would stall this sender: take the chain's count again.
      sender.nonces.set(src.chainId, await src.client.getTransactionCount({ address: sender.account.address, blockTag: 'pending' }));
      return false;
    } finally {
      this.inflight--;
    }
  }
}
