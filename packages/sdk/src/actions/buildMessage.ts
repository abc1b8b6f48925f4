import { zeroAddress, type Address, type Hex } from 'viem';
import { encodeEvmAddress } from '../address.js';
import { encodeGenericExtraArgsV2 } from '../extraArgs.js';
import type { EVM2AnyMessage, EVMTokenAmount } from '../types.js';

export interface BuildMessageParameters {
  receiver: Address;
  data?: Hex;
  tokenAmounts?: readonly EVMTokenAmount[];
  /** default: native */
  feeToken?: Address;
  /** receiver gas limit; with neither this nor allowOutOfOrderExecution, extraArgs stay empty (lane defaults) */
  gasLimit?: bigint;
  allowOutOfOrderExecution?: boolean;
}

/** An EVM2AnyMessage to an EVM receiver, with GenericExtraArgsV2 when a gas limit or out-of-order is asked for. */
export function buildMessage(p: BuildMessageParameters): EVM2AnyMessage {
  const extraArgs =
    p.gasLimit === undefined && p.allowOutOfOrderExecution === undefined
      ? '0x'
      : encodeGenericExtraArgsV2({ gasLimit: p.gasLimit ?? 200_000n, allowOutOfOrderExecution: p.allowOutOfOrderExecution ?? false });
  return {
    receiver: encodeEvmAddress(p.receiver),
    data: p.data ?? '0x',
    tokenAmounts: p.tokenAmounts ?? [],
    feeToken: p.feeToken ?? zeroAddress,
    extraArgs,
  };
}
