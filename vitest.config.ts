import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'hono/jsx' } },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/no-internet.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks only queue behind each other and the database.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
