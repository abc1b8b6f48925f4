#!/usr/bin/env node
// The RMN node ships as TypeScript: run src/cli.ts through tsx's ESM loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
