import { configDefaults, defineConfig } from 'vitest/config';

/** End-to-end files: each starts a whole devnet (3 anvils + 4 node processes), so they run one at a time. */
const E2E = 'packages/devnet/test/e2e*.test.ts';

// One run over every package's tests (`npm run test:ts`): unit and integration files in parallel, then the e2e
// files one after another (a devnet per file would starve the others on a small machine).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, E2E],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [E2E],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 240_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
