import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from 'viem';
import { burnMintErc20Abi } from '../abi/burnMintErc20.js';
import { configurableReceiverAbi } from '../abi/configurableReceiver.js';
import { feeQuoterAbi } from '../abi/feeQuoter.js';
import { linkTokenAbi } from '../abi/linkToken.js';
import { offRampAbi } from '../abi/offRamp.js';
import { onRampAbi } from '../abi/onRamp.js';
import { routerAbi } from '../abi/router.js';
import { burnMintTokenPoolAbi } from '../abi/burnMintTokenPool.js';
import { rmnRemoteAbi } from '../abi/rmnRemote.js';

// Errors any CCIP call may surface, possibly nested (OffRamp.ExecutionError wraps the receiver's revert).
const knownErrors: Abi = ([
  ...routerAbi,
  ...onRampAbi,
  ...offRampAbi,
  ...feeQuoterAbi,
  ...burnMintTokenPoolAbi,
  ...burnMintErc20Abi,
  ...linkTokenAbi,
  ...configurableReceiverAbi,
  ...rmnRemoteAbi,
  { type: 'error', name: 'Error', inputs: [{ name: 'message', type: 'string' }] },
] as Abi).filter((x) => x.type === 'error');

// Curse errors do not say why: a lapsed RMN heartbeat looks exactly like a global curse.
const hints: Record<string, string> = {
  CursedByRMN: 'the RMN cursed this lane or chain, or its heartbeat lapsed: see `ccip rmn status`',
  BadARMSignal: 'the chain is globally cursed by the RMN, or its heartbeat lapsed: see `ccip rmn status`',
};

/** `ErrorName(arg, ...)` of revert data, decoding bytes arguments that are themselves reverts; raw hex if unknown. */
export function decodeRevertData(data: Hex, depth = 0): string {
  if (data === '0x') return 'empty revert data';
  try {
    const { errorName, args } = decodeErrorResult({ abi: knownErrors, data });
    const shown = (args ?? []).map((a) => {
      if (typeof a === 'string' && a.startsWith('0x') && a.length >= 10 && a.length !== 66 && a.length !== 42 && depth < 3) {
        return decodeRevertData(a as Hex, depth + 1);
      }
      return typeof a === 'bigint' ? a.toString() : typeof a === 'string' ? a : JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    });
    const hint = depth === 0 ? hints[errorName] : undefined;
    return `${errorName}(${shown.join(', ')})${hint ? ` (${hint})` : ''}`;
  } catch {
    return data;
  }
}

/** One readable line for a viem/contract error: the decoded revert if there is one, else viem's short message. */
export function describeError(err: unknown): string {
  if (err instanceof BaseError) {
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (reverted) {
      if (reverted.raw) return decodeRevertData(reverted.raw);
      if (reverted.data) return `${reverted.data.errorName}(${(reverted.data.args ?? []).map(String).join(', ')})`;
      if (reverted.reason) return reverted.reason;
    }
    return err.shortMessage || err.message.split('\n')[0]!;
  }
  if (err instanceof Error) return err.message.split('\n')[0]!;
  return String(err);
}
