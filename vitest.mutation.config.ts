import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Vitest as StrykerJS runs it (stryker.config.mjs). MUTATION_TESTS (comma-separated globs, set by
// bench/mutation/run.ts) narrows the test files: Stryker's own --testFiles activates static
// mutants after their module is loaded, so they would all survive (stryker-js#6144). Without
// it, every test but the suites whose code runs in another process (a browser, a spawned
// service, a killed worker): Stryker sees coverage only inside the test process.
const only = process.env.MUTATION_TESTS?.split(',').filter(Boolean);

// Spread, not mergeConfig: that would add the narrowed globs to the project's, not replace them.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: only ?? base.test?.include,
    exclude: ['test/browser/**', 'test/process/**', 'test/faults/**', 'test/hostile/**', 'node_modules/**'],
  },
});
