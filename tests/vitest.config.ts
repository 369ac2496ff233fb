import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The project root, so include patterns and setup files read as repository paths.
  root: resolve(import.meta.dirname, '..'),
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/env.ts'],
    pool: 'forks',
    // Late in a full run DynamoDB Local answers several times slower than alone (README "Tests");
    // the bound is for hangs, not speed, which npm run bench measures.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
