/**
 * Structured JSON-lines logging. Every line is one JSON object: `{ts, level, logger, msg, ...fields}`.
 * Other modules accept the small `Logger` shape and default to `noopLogger`, so they never depend on this file's sink.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface RootLogger extends Logger {
  /** A logger that adds `fields` to every line (child fields win over parent fields). */
  child(fields: LogFields): RootLogger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const noopLogger: RootLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => noopLogger,
};

export interface LoggerOptions {
  /** Where lines go (default: process.stderr). Receives one line without the trailing newline. */
  write?: (line: string) => void;
}

/** Creates a JSON-lines logger named `name` that drops lines below `level`. */
export function createLogger(name: string, level: LogLevel = 'info', options: LoggerOptions = {}): RootLogger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line + '\n'));
  return makeLogger(name, LEVELS[level], {}, write);
}

function makeLogger(name: string, min: number, base: LogFields, write: (line: string) => void): RootLogger {
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    const line = { ts: new Date().toISOString(), level, logger: name, msg, ...base, ...fields };
    write(safeStringify(line));
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => makeLogger(name, min, { ...base, ...fields }, write),
  };
}

/** Adds fields to any `Logger`, also one without `child` (e.g. a caller's own implementation). */
export function withFields(logger: Logger, fields: LogFields): Logger {
  if ('child' in logger && typeof (logger as RootLogger).child === 'function') return (logger as RootLogger).child(fields);
  const wrap = (fn: (msg: string, f?: LogFields) => void) => (msg: string, f?: LogFields) => fn(msg, { ...fields, ...f });
  return { debug: wrap(logger.debug.bind(logger)), info: wrap(logger.info.bind(logger)), warn: wrap(logger.warn.bind(logger)), error: wrap(logger.error.bind(logger)) };
}

/** JSON.stringify that never throws: bigints become decimal strings, Errors their message, cycles a marker. */
export function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return { name: v.name, message: v.message };
      if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
  } catch (err) {
    return JSON.stringify({ msg: 'unserializable log line', error: String(err) });
  }
}
