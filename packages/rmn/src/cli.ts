import { parseArgs } from 'node:util';
import { loadRmnConfig } from './config.js';
import { generateRmnKeys, readRmnKeystore, writeRmnKeystore } from './keystore.js';
import { createLogger, errorMessage } from './log.js';
import { RmnNode } from './node.js';

const USAGE = `usage:
  openccip-rmn --config <rmn.json>                 run an RMN node (key password from the env variable the config names)
  openccip-rmn keygen --out <keystore.json> --password-env <VAR> [--same-key]
                                                   create a keystore with a signing key and a transaction key`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'keygen') {
    const { values } = parseArgs({ args: argv.slice(1), options: { out: { type: 'string' }, 'password-env': { type: 'string' }, 'same-key': { type: 'boolean' } } });
    const env = values['password-env'];
    const password = env ? process.env[env] : undefined;
    if (!values.out || !env || password === undefined) throw new Error(`keygen needs --out and --password-env naming a set variable\n${USAGE}`);
    const file = writeRmnKeystore(values.out, generateRmnKeys({ sameKey: values['same-key'] }), password);
    process.stdout.write(JSON.stringify({ keystore: values.out, signer: file.signer, transactor: file.transactor }) + '\n');
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.config) {
    process.stdout.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  const config = loadRmnConfig(values.config);
  const log = createLogger('rmn', config.logLevel, undefined, { node: config.name });
  const password = process.env[config.keystore.passwordEnv];
  if (password === undefined) throw new Error(`${values.config}: keystore.passwordEnv names ${config.keystore.passwordEnv}, which is not set`);
  const node = new RmnNode({ config, keys: readRmnKeystore(config.keystore.path, password), log });
  await node.start();
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('shutting down');
  await node.stop();
  return 0;
}

process.on('unhandledRejection', (err) => {
  process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), level: 'error', logger: 'rmn', msg: 'unhandled rejection', error: errorMessage(err) }) + '\n');
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`openccip-rmn: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
