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
    // Over twice the longest browser journey: the bound is for hangs, not speed, which npm run
    // bench measures (README "Tests").
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
