/**
 * Structured JSON-lines logs for the RMN node: `{ts, level, logger, msg, ...fields}` per line. The RMN keeps its own
 * (tiny) logger so it shares no code path with the DON node.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A JSON-lines logger named `name` (default sink: stdout) that drops lines below `level`. */
export function createLogger(
  name: string,
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => void process.stdout.write(line + '\n'),
  base: LogFields = {},
): Logger {
  const emit = (l: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVELS[l] < LEVELS[level]) return;
    write(stringify({ ts: new Date().toISOString(), level: l, logger: name, msg, ...base, ...fields }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Adds `fields` to every line of `logger`. */
export function withFields(logger: Logger, fields: LogFields): Logger {
  const wrap = (fn: Logger['info']) => (msg: string, f?: LogFields) => fn(msg, { ...fields, ...f });
  return {
    debug: wrap(logger.debug.bind(logger)),
    info: wrap(logger.info.bind(logger)),
    warn: wrap(logger.warn.bind(logger)),
    error: wrap(logger.error.bind(logger)),
  };
}

/** JSON.stringify that never throws: bigints as decimal strings, errors as their message. */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return v.message.split('\n')[0];
      return v;
    });
  } catch (err) {
    return JSON.stringify({ msg: 'unserializable log line', error: String(err) });
  }
}

/** The first line of an error's message, for log fields and API errors. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return ((err as { shortMessage?: string }).shortMessage ?? err.message).split('\n')[0]!;
  return String(err);
}
