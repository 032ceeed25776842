import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// Vitest as StrykerJS runs it (stryker.config.mjs): the project's config, without the suites
// whose code runs in another process (a browser, a spawned service, a killed worker). Stryker
// sees coverage only inside the test process, so those suites would only slow every run.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/browser/**', 'test/process/**', 'test/faults/**', 'test/hostile/**', 'node_modules/**'],
    },
  }),
);
