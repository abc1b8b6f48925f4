import { type Hex, concatHex, decodeAbiParameters, encodeAbiParameters, isHex, size } from 'viem';
import { InvalidExtraArgsError, UnknownExtraArgsTagError } from './errors.js';

/** bytes4(keccak256("CCIP EVMExtraArgsV1")) */
export const EVM_EXTRA_ARGS_V1_TAG = '0x97a657c9' as const;
/** bytes4(keccak256("CCIP EVMExtraArgsV2")) = GenericExtraArgsV2 */
export const GENERIC_EXTRA_ARGS_V2_TAG = '0x181dcf10' as const;
/** Gas limit a lane applies when extraArgs are empty. */
export const DEFAULT_GAS_LIMIT = 200_000n;

export interface EVMExtraArgsV1 {
  gasLimit: bigint;
}

export interface GenericExtraArgsV2 {
  gasLimit: bigint;
  allowOutOfOrderExecution: boolean;
}

/** Decoded extraArgs, normalised to the V2 fields; `kind` says which encoding they came from. */
export type DecodedExtraArgs =
  | ({ kind: 'EVMExtraArgsV1' } & GenericExtraArgsV2)
  | ({ kind: 'GenericExtraArgsV2' } & GenericExtraArgsV2)
  | ({ kind: 'default' } & GenericExtraArgsV2);

const v1Params = [{ name: 'gasLimit', type: 'uint256' }] as const;
const v2Params = [
  { name: 'gasLimit', type: 'uint256' },
  { name: 'allowOutOfOrderExecution', type: 'bool' },
] as const;

/** `abi.encodeWithSelector(EVM_EXTRA_ARGS_V1_TAG, EVMExtraArgsV1)` */
export function encodeExtraArgsV1(args: EVMExtraArgsV1): Hex {
  return concatHex([EVM_EXTRA_ARGS_V1_TAG, encodeAbiParameters(v1Params, [args.gasLimit])]);
}

/** `abi.encodeWithSelector(GENERIC_EXTRA_ARGS_V2_TAG, GenericExtraArgsV2)` (what the OnRamp emits). */
export function encodeGenericExtraArgsV2(args: GenericExtraArgsV2): Hex {
  return concatHex([
    GENERIC_EXTRA_ARGS_V2_TAG,
    encodeAbiParameters(v2Params, [args.gasLimit, args.allowOutOfOrderExecution]),
  ]);
}

/**
 * Decodes extraArgs as the protocol reads them: empty → the lane default (gas limit, ordered),
 * V1 → ordered, V2 as given; an unknown tag throws (the OnRamp reverts on it). Like Solidity's
 * abi.decode, trailing bytes after the struct are ignored but a short body or a bool other than 0/1 throws.
 */
export function decodeExtraArgs(
  extraArgs: Hex,
  { defaultGasLimit = DEFAULT_GAS_LIMIT }: { defaultGasLimit?: bigint } = {},
): DecodedExtraArgs {
  // What the OnRamp emits, read by slicing words (decoded per message on the leaf path); anything else, errors
  // included, goes through viem's decoder below.
  if (typeof extraArgs === 'string' && PLAIN_EXTRA_ARGS.test(extraArgs)) {
    const tag = extraArgs.slice(0, 10).toLowerCase();
    const gasLimit = BigInt(`0x${extraArgs.slice(10, 74)}`);
    if (tag === EVM_EXTRA_ARGS_V1_TAG) return { kind: 'EVMExtraArgsV1', gasLimit, allowOutOfOrderExecution: false };
    if (tag === GENERIC_EXTRA_ARGS_V2_TAG && extraArgs.length >= 138 && BOOL_WORD.test(extraArgs.slice(74, 138))) {
      return { kind: 'GenericExtraArgsV2', gasLimit, allowOutOfOrderExecution: extraArgs.charCodeAt(137) === 49 };
    }
  }
  return decodeExtraArgsSlow(extraArgs, defaultGasLimit);
}

/** A tag and at least one whole word, an even number of hex digits. */
const PLAIN_EXTRA_ARGS = /^0x[0-9a-fA-F]{72}(?:[0-9a-fA-F]{2})*$/;
/** abi.decode of a bool: 0 or 1, nothing else. */
const BOOL_WORD = /^0{63}[01]$/;

function decodeExtraArgsSlow(extraArgs: Hex, defaultGasLimit: bigint): DecodedExtraArgs {
  if (!isHex(extraArgs, { strict: true })) throw new InvalidExtraArgsError(extraArgs, 'not hex');
  const length = size(extraArgs);
  if (length === 0) return { kind: 'default', gasLimit: defaultGasLimit, allowOutOfOrderExecution: false };
  if (length < 4) throw new UnknownExtraArgsTagError(extraArgs);
  const tag = extraArgs.slice(0, 10).toLowerCase();
  const body: Hex = `0x${extraArgs.slice(10)}`;
  try {
    if (tag === EVM_EXTRA_ARGS_V1_TAG) {
      const [gasLimit] = decodeAbiParameters(v1Params, body);
      return { kind: 'EVMExtraArgsV1', gasLimit, allowOutOfOrderExecution: false };
    }
    if (tag === GENERIC_EXTRA_ARGS_V2_TAG) {
      const [gasLimit, allowOutOfOrderExecution] = decodeAbiParameters(v2Params, body);
      return { kind: 'GenericExtraArgsV2', gasLimit, allowOutOfOrderExecution };
    }
  } catch (error) {
    throw new InvalidExtraArgsError(extraArgs, error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  throw new UnknownExtraArgsTagError(tag);
}
