import { CliError } from '../errors.js';
import { tokenDeployCommand } from './tokenDeploy.js';
import { tokenInfoCommand } from './tokenInfo.js';
import { liquidityCommand, rateLimitCommand } from './tokenManage.js';

export const tokenHelp = `ccip token: cross-chain tokens and their pools

Usage: ccip token <command> ...

Commands:
  deploy                 deploy a token and pools on several chains, register, wire and fund them
  info <token>           pools, remote chains, rate limits and current levels, liquidity, fees
  rate-limit set <token> set a pool's outbound/inbound rate limit for one remote chain
  liquidity add|remove <token>   move liquidity into or out of a lock/release pool

<token> is an address or a devnet.json symbol. Run ccip token <command> --help for options.`;

const subcommands: Record<string, (argv: readonly string[], out: (line: string) => void) => Promise<number>> = {
  deploy: tokenDeployCommand,
  info: tokenInfoCommand,
  'rate-limit': rateLimitCommand,
  liquidity: liquidityCommand,
};

export async function tokenCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === undefined) return out(tokenHelp), sub ? 0 : 1;
  const run = subcommands[sub];
  if (!run) throw new CliError(`unknown token command '${sub}'; commands: ${Object.keys(subcommands).join(', ')} (see: ccip token --help)`);
  return run(rest, out);
}
