import { run } from './main.js';

// Process entry of openccip-node (the bin runs it through tsx; the devnet runs an esbuild bundle of it).
process.exitCode = await run(process.argv.slice(2));
