/**
 * Bundles the DON node and the RMN node into one ES module each, to run outside the devnet (which builds them
 * itself on every start):
 *
 *   npm run build:nodes   → packages/node/dist/openccip-node.mjs, packages/rmn/dist/openccip-rmn.mjs
 */
import { buildNodeBundle, buildRmnBundle } from '@openccip/devnet';

for (const [what, build] of [['DON node', buildNodeBundle], ['RMN node', buildRmnBundle]] as const) {
  console.log(`${what}: ${await build()}`);
}
