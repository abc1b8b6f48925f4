#!/usr/bin/env node
// forge cannot download solc here, so it runs this wrapper around the npm `solc` (solc-js) package.
// It answers `--version` the way native solc does and compiles `--standard-json` from stdin.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('tools/solc.cjs: only --version and --standard-json are supported\n');
  process.exit(2);
}

// Imports that forge did not inline are read from disk, relative to --base-path/--include-path.
const roots = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  if ((args[i] === '--base-path' || args[i] === '--include-path') && args[i + 1]) roots.push(path.resolve(args[++i]));
}
function findImports(p) {
  for (const root of roots) {
    const f = path.resolve(root, p);
    if (fs.existsSync(f)) return { contents: fs.readFileSync(f, 'utf8') };
  }
  return { error: `File not found: ${p}` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
