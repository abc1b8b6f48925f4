import { BaseError, HttpRequestError, TimeoutError } from 'viem';
import { CCIPSdkError, describeError } from '@openccip/sdk';

/** An error the user can act on; printed as one line, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** The one line printed for any error reaching the top level. */
export function errorLine(err: unknown): string {
  if (err instanceof CliError || err instanceof CCIPSdkError) return err.message;
  if (err instanceof BaseError) {
    const http = err.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError) as HttpRequestError | TimeoutError | null;
    if (http) return `RPC ${'url' in http ? http.url : ''} is not answering: ${http.shortMessage}`;
    return describeError(err);
  }
  if (err instanceof Error) return err.message.split('\n')[0]!;
  return String(err);
}
