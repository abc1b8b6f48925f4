import { CliError } from './errors.js';

export interface FlagSpec {
  /** 'boolean': no value; 'string': a value; 'optional': a value unless the next word is another flag or missing */
  type: 'boolean' | 'string' | 'optional';
  repeatable?: boolean;
}
export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  positionals: string[];
  /** string flags: last value; repeatable: every value; boolean: true; 'optional' without a value: '' */
  flags: Map<string, string[]>;
}

/** A small `--name value` / `--name=value` parser; unknown flags are errors naming the command. */
export function parseArgs(argv: readonly string[], specs: FlagSpecs, command: string): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('--') || word === '--') {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new CliError(`unknown option --${name} for ${command} (see: ccip ${command} --help)`);
    let value: string;
    if (eq >= 0) {
      if (spec.type === 'boolean') throw new CliError(`--${name} takes no value`);
      value = word.slice(eq + 1);
    } else if (spec.type === 'boolean') {
      value = 'true';
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        if (spec.type === 'string') throw new CliError(`--${name} needs a value`);
        value = '';
      } else {
        value = next;
        i++;
      }
    }
    const seen = flags.get(name) ?? [];
    if (seen.length && !spec.repeatable && spec.type !== 'boolean') throw new CliError(`--${name} given twice`);
    flags.set(name, [...seen, value]);
  }
  return { positionals, flags };
}

export const flag = (a: ParsedArgs, name: string): string | undefined => a.flags.get(name)?.at(-1);
export const flagAll = (a: ParsedArgs, name: string): string[] => a.flags.get(name) ?? [];
export const hasFlag = (a: ParsedArgs, name: string): boolean => a.flags.has(name);

/** A non-negative integer flag value. */
export function parseBigIntArg(name: string, value: string): bigint {
  if (!/^\d+$/.test(value)) throw new CliError(`--${name} must be a non-negative integer, got '${value}'`);
  return BigInt(value);
}
