export * from './types.js';
export * from './errors.js';
export { describeError, decodeRevertData } from './describeError.js';
export { buildMessage, type BuildMessageParameters } from './buildMessage.js';
export { getFee, type GetFeeParameters } from './getFee.js';
export { sendMessage, type SendMessageParameters, type SendMessageResult } from './sendMessage.js';
export { getMessagesInTx } from './getMessagesInTx.js';
export { findSentMessage, type FindSentMessageParameters } from './findSentMessage.js';
export { getOffRampForSource } from './getOffRampForSource.js';
export { findCommit, type FindCommitParameters } from './findCommit.js';
export { getIntervalMessages, type GetIntervalMessagesParameters } from './getIntervalMessages.js';
export { getMessageStatus, type GetMessageStatusParameters } from './getMessageStatus.js';
export { waitForExecution, type WaitForExecutionParameters } from './waitForExecution.js';
export { manualExecute, type ManualExecuteParameters, type ManualExecuteResult } from './manualExecute.js';
export type { BlockRange } from './scanLogs.js';
export {
  getTokenInfo,
  getTokenPool,
  TokenNotRegisteredError,
  type GetTokenInfoParameters,
  type RateLimiterState,
  type TokenInfo,
  type TokenPoolRemote,
  type TokenTransferFeeConfig,
} from './getTokenInfo.js';
export {
  setTokenRateLimit,
  validateRateLimiterConfig,
  DISABLED_RATE_LIMIT,
  type RateLimiterConfig,
  type SetTokenRateLimitParameters,
} from './setTokenRateLimit.js';
export { addPoolLiquidity, removePoolLiquidity, type PoolLiquidityParameters, type PoolLiquidityResult } from './tokenPoolLiquidity.js';
export { getRmnStatus, type RmnStatus, type RmnHeartbeatStatus, type RmnSignerInfo } from './getRmnStatus.js';
export { curse, uncurse, RmnCurseError, type RmnCurseErrorCode, type CurseResult } from './curse.js';
