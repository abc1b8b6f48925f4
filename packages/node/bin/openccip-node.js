#!/usr/bin/env node
// The node ships as TypeScript: run src/main.ts through tsx's ESM loader (no build step).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/main.ts');
process.exitCode = await run(process.argv.slice(2));
