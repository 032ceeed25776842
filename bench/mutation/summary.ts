// bench/mutation/README.md from Stryker's incremental report (mutation-testing-report-schema).

/** One mutant as the report holds it. */
export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  /** Tests run against it: a survivor with none was not measured (stryker-js#6213). */
  testsCompleted?: number;
  status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** The parts of Stryker's JSON report the summary reads. */
export interface MutationReport {
  files: Record<string, { mutants: ReportMutant[] }>;
  testFiles?: Record<string, unknown>;
}

interface Counts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  errors: number;
}

function count(mutants: ReportMutant[]): Counts {
  const c: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
  for (const m of mutants) {
    if (m.status === 'Killed') c.killed++;
    else if (m.status === 'Timeout') c.timeout++;
    else if (m.status === 'Survived') c.survived++;
    else if (m.status === 'NoCoverage') c.noCoverage++;
    else if (m.status === 'CompileError' || m.status === 'RuntimeError') c.errors++;
  }
  return c;
}

/** Stryker's mutation score: detected (killed or timed out) over valid (detected, survived, not covered). */
function score(c: Counts): string {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? '–' : `${((100 * (c.killed + c.timeout)) / valid).toFixed(1)} %`;
}

function row(name: string, c: Counts): string {
  return `| ${name} | ${score(c)} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.errors} |`;
}

/** The markdown summary: the score per folder and per file, and every mutant left alive. */
export function summary(report: MutationReport): string {
  const files = Object.keys(report.files).sort();
  const folders = new Map<string, ReportMutant[]>();
  for (const f of files) {
    const folder = f.slice(0, f.lastIndexOf('/') + 1);
    folders.set(folder, [...(folders.get(folder) ?? []), ...report.files[f].mutants]);
  }
  const head = '| | Score | Killed | Timeout | Survived | No coverage | Errors |\n|---|---|---|---|---|---|---|';
  const alive = files.flatMap((f) =>
    report.files[f].mutants
      .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .sort((a, b) => a.location.start.line - b.location.start.line)
      .map(
        (m) =>
          `| ${f}:${m.location.start.line}:${m.location.start.column} | ${m.status} | ${m.testsCompleted ?? 0} | ${m.mutatorName} | \`${(m.replacement ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 80)}\` |`,
      ),
  );
  return [
    '# Mutation testing results',
    '',
    'Written by `npm run mutation` (bench/mutation/run.ts) from `stryker-incremental.json`; do not edit by hand.',
    'Only the files mutated so far are listed: see docs/testing.md "Mutation testing" for what is not yet run,',
    'and why each mutant left alive is equivalent or harmless.',
    '',
    '## By folder',
    '',
    head,
    ...[...folders].map(([folder, mutants]) => row(folder, count(mutants))),
    '',
    '## By file',
    '',
    head,
    ...files.map((f) => row(f, count(report.files[f].mutants))),
    '',
    '## Mutants left alive',
    '',
    '| Where | Status | Tests run | Mutator | Replacement |',
    '|---|---|---|---|---|',
    ...alive,
    '',
  ].join('\n');
}
