// StrykerJS on the core promise (issue 24 item 4). Run it with `npm run mutation`
// (bench/mutation/run.ts): see docs/testing.md "Mutation testing". Not part of npm test or CI.

/**
 * What is mutated, and by which tests. A run with `--mutate <glob>` and no `--testFiles` uses the
 * tests of the target whose files it names (bench/mutation/run.ts sets MUTATION_TESTS for
 * vitest.mutation.config.ts): a pure file needs only its unit tests, and naming those spares
 * Stryker dry-running every scenario that imports it.
 * `tests: null` means every in-process test (vitest.mutation.config.ts): the
 * database-backed services are killed by the scenario tests.
 */
export const targets = [
  { mutate: 'src/hours/**/*.ts', tests: [
      // Not cli.test.ts: it runs the CLI in a child process, where Stryker sees no coverage.
      ...['format', 'hours.routes', 'office-hours', 'parse', 'short-time', 'spoken'].map((f) => `test/unit/hours/${f}.test.ts`),
      'test/unit/hours/wall-clock-edges.test.ts',
      'test/unit/hours/parse-edges.test.ts',
      'test/unit/hours/spoken-numbers.test.ts',
      'test/unit/enquiries/intake-open-boundary.test.ts',
    ] },
  { mutate: 'src/oncall/commands.ts', tests: ['test/unit/oncall/commands.test.ts', 'test/unit/oncall/commands-edges.test.ts'] },
  // The pure parts of two outbox files: the status order, and the pacing arithmetic. The rest of
  // each (the callback service, the limiter over PostgreSQL) is in the src/outbox/** target.
  { mutate: 'src/outbox/delivery-status.ts:36-77', tests: ['test/unit/outbox/delivery-status-order.test.ts', 'test/unit/outbox/delivery-status-edges.test.ts'] },
  { mutate: 'src/outbox/send-limits.ts:68-70', tests: ['test/unit/outbox/send-limits.test.ts'] },
  { mutate: 'src/oncall/**/*.ts', tests: null },
  { mutate: 'src/outbox/**/*.ts', tests: null },
  { mutate: 'src/privacy/**/*.ts', tests: null },
  { mutate: 'src/email/email-intake.service.ts:268-289', tests: null },
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Not `related`: vitest's related-files search found no test for oncall-actions.service.ts in
  // the oncall-commands scenario, which exercises it through the harness (why is not known). The
  // pure targets narrow their tests through MUTATION_TESTS instead; perTest coverage then picks
  // the tests for each mutant.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // Two cores, shared: one test process.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'bench/mutation/stryker-incremental.json',
  mutate: [
    'src/hours/**/*.ts',
    'src/oncall/**/*.ts',
    'src/oncall/**/*.tsx',
    'src/outbox/**/*.ts',
    'src/privacy/**/*.ts',
    'src/privacy/**/*.tsx',
    // The email thread matcher only (EmailIntake.threadOf): keep the lines in step with the file.
    'src/email/email-intake.service.ts:268-289',
  ],
  ignorePatterns: ['dist', 'var', 'coverage', 'reports', 'bench/results', '.stryker-tmp'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Scenario tests wait on a database: a mutant that hangs one is a timeout (killed), not a failure.
  timeoutMS: 30_000,
  cleanTempDir: 'always',
};
