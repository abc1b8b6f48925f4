import { defineConfig } from 'vitest/config';

// One run over every package's tests (`npm run test:ts`).
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
