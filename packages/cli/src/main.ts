import { curseCommand, curseHelp, uncurseCommand, uncurseHelp } from './commands/curse.js';
import { devnetCommand, devnetHelp } from './commands/devnet.js';
import { manualExecCommand, manualExecHelp } from './commands/manualExec.js';
import { rmnCommand, rmnHelp } from './commands/rmn.js';
import { sendCommand, sendHelp } from './commands/send.js';
import { showCommand, showHelp } from './commands/show.js';
import { tokenCommand, tokenHelp } from './commands/token.js';
import { CliError, errorLine } from './errors.js';

type Command = (argv: readonly string[], out: (line: string) => void) => Promise<number>;

const commands: Record<string, { run: Command; help: string; summary: string }> = {
  send: { run: sendCommand, help: sendHelp, summary: 'send a message (fee, tx, message id; --wait follows it)' },
  show: { run: showCommand, help: showHelp, summary: "a message's lifecycle by message id or tx hash" },
  'manual-exec': { run: manualExecCommand, help: manualExecHelp, summary: 'execute a committed message by hand' },
  token: { run: tokenCommand, help: tokenHelp, summary: 'deploy cross-chain tokens; pools, rate limits, liquidity' },
  devnet: { run: devnetCommand, help: devnetHelp, summary: 'devnet up: local chains, contracts, lanes and a DON' },
  rmn: { run: rmnCommand, help: rmnHelp, summary: 'rmn status: RMN signers, heartbeat and curses per chain' },
  curse: { run: curseCommand, help: curseHelp, summary: 'curse a chain (or --global) on the other chains (owner)' },
  uncurse: { run: uncurseCommand, help: uncurseHelp, summary: "lift a chain's (or the global) curse (owner)" },
};

export const mainHelp = `ccip: send and follow CCIP messages on OpenCCIP (and CCIP v1.6) chains

Usage: ccip <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(13)}${c.summary}`)
  .join('\n')}

Run ccip <command> --help for its options. Errors print one line and exit with code 1.`;

/** Runs the CLI; returns the exit code. Output goes to stdout, the error line to stderr. */
export async function run(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(mainHelp);
    return name ? 0 : 1;
  }
  const command = commands[name];
  try {
    if (!command) throw new CliError(`unknown command '${name}'; commands: ${Object.keys(commands).join(', ')} (see: ccip --help)`);
    return await command.run(rest.map((a) => (a === '-h' ? '--help' : a)), out);
  } catch (err) {
    process.stderr.write(`error: ${errorLine(err)}\n`);
    return 1;
  }
}
