/**
 * The logger shape every chain module accepts (the node's JSON-lines logger in src/log.ts satisfies it).
 * Defaults to a no-op so library use and tests stay quiet.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};
export const noopLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** viem errors embed whole request bodies; keep the part a person reads. */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { shortMessage?: string; details?: string; message?: string };
    const parts = [e.shortMessage, e.details].filter((x): x is string => !!x);
    if (parts.length) return parts.join(': ');
    if (e.message) return e.message.split('\n')[0] ?? e.message;
  }
  return String(err);
}
