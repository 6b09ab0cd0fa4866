import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts', 'load-tests/{k6,bench,cluster}/**/*.test.ts'],
    // chDB segfaults in worker threads (FIELD-NOTES): one forked process per test file.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
