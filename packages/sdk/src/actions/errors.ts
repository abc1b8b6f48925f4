import type { Hex } from 'viem';
import { CCIPSdkError } from '../errors.js';
import type { ChainSelector } from '../types.js';

/** No CCIPMessageSent matches the message id or transaction. */
export class MessageNotFoundError extends CCIPSdkError {
  override name = 'MessageNotFoundError';
  constructor(readonly query: { messageId?: Hex; txHash?: Hex }, detail = '') {
    const what = query.messageId ? `message ${query.messageId}` : `a CCIP message in tx ${query.txHash}`;
    super(`${what} not found${detail ? `: ${detail}` : ''}`);
  }
}

/** The source Router has no OnRamp for the destination (Router.isChainSupported is false). */
export class LaneNotConfiguredError extends CCIPSdkError {
  override name = 'LaneNotConfiguredError';
  constructor(
    readonly sourceChainSelector: ChainSelector | undefined,
    readonly destChainSelector: ChainSelector,
    detail: string,
  ) {
    super(
      `lane ${sourceChainSelector ?? '?'} → ${destChainSelector} is not configured: ${detail}`,
    );
  }
}

/** The sender lacks the native balance or tokens (or fee token) the message needs. */
export class InsufficientBalanceError extends CCIPSdkError {
  override name = 'InsufficientBalanceError';
  constructor(
    readonly asset: string,
    readonly needed: bigint,
    readonly available: bigint,
  ) {
    super(`insufficient ${asset}: need ${needed}, have ${available}`);
  }
}

/** The fee given to sendMessage is below what the Router charges now. */
export class InsufficientFeeError extends CCIPSdkError {
  override name = 'InsufficientFeeError';
  constructor(
    readonly given: bigint,
    readonly required: bigint,
  ) {
    super(`fee ${given} is below the current fee ${required}`);
  }
}

/** A transaction the action sent reverted or the contract call was rejected. */
export class TransactionFailedError extends CCIPSdkError {
  override name = 'TransactionFailedError';
  constructor(
    readonly step: string,
    detail: string,
    readonly txHash?: Hex,
  ) {
    super(`${step} failed${txHash ? ` (tx ${txHash})` : ''}: ${detail}`);
  }
}

/** Manual execution needs a committed root; this message's interval is not committed yet. */
export class MessageNotCommittedError extends CCIPSdkError {
  override name = 'MessageNotCommittedError';
  constructor(
    readonly messageId: Hex,
    readonly sourceChainSelector: ChainSelector,
    readonly seqNr: bigint,
  ) {
    super(`message ${messageId} (source ${sourceChainSelector}, seqNr ${seqNr}) is not committed yet`);
  }
}

/** The message already executed successfully: nothing left to do. */
export class MessageAlreadyExecutedError extends CCIPSdkError {
  override name = 'MessageAlreadyExecutedError';
  constructor(
    readonly messageId: Hex,
    readonly txHash: Hex,
  ) {
    super(`message ${messageId} was already executed successfully (tx ${txHash})`);
  }
}

/** The messages read from the source do not hash to the committed root (wrong OnRamp, reorg, or forged root). */
export class RootMismatchError extends CCIPSdkError {
  override name = 'RootMismatchError';
  constructor(
    readonly messageId: Hex,
    readonly committedRoot: Hex,
    readonly rebuiltRoot: Hex,
  ) {
    super(`message ${messageId}: source messages hash to root ${rebuiltRoot}, but ${committedRoot} was committed`);
  }
}

/** waitForExecution ran out of time; `last` is the last status seen (undefined: the message was never found). */
export class WaitTimeoutError extends CCIPSdkError {
  override name = 'WaitTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly last: { state: string; messageId?: Hex } | undefined,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for execution${last ? ` (message ${last.messageId}, last state ${last.state})` : ' (message not found)'}`,
    );
  }
}

/** The caller lacks the role a token or pool operation needs (owner, rate limit admin, rebalancer, token admin). */
export class NotAuthorizedError extends CCIPSdkError {
  override name = 'NotAuthorizedError';
  constructor(
    readonly caller: string,
    readonly action: string,
    readonly allowed: readonly string[],
  ) {
    super(`${caller} may not ${action}: only ${allowed.join(' or ')} may`);
  }
}

/** A rate limiter config the pool would reject: enabled needs 0 < rate < capacity, disabled needs both 0. */
export class InvalidRateLimitError extends CCIPSdkError {
  override name = 'InvalidRateLimitError';
  constructor(
    readonly config: { isEnabled: boolean; capacity: bigint; rate: bigint },
    detail: string,
  ) {
    super(`invalid rate limit (enabled ${config.isEnabled}, capacity ${config.capacity}, rate ${config.rate}): ${detail}`);
  }
}

/** The token pool has no config for the remote chain (lane not wired for this token). */
export class PoolChainNotSupportedError extends CCIPSdkError {
  override name = 'PoolChainNotSupportedError';
  constructor(
    readonly pool: string,
    readonly remoteChainSelector: ChainSelector,
  ) {
    super(`token pool ${pool} is not configured for remote chain ${remoteChainSelector} (lane not configured for this token)`);
  }
}
