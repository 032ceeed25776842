// Import-direction check, run by `npm run lint:deps` and by .ci/run.
// dependency-cruiser (.dependency-cruiser.cjs) checks the file-level rules: module cycles, repositories
// importing services or routes, *.tables.ts files that are not leaves. Its rules cannot say "no cycle
// between folders" (a folder cycle needs no file cycle), so this script also reads the import graph
// from `depcruise --output-type json`, collapses it to src/* folders, and reports every strongly
// connected component of more than one folder together with one import chain that closes it.
// Type-only imports count (tsPreCompilationDeps in the config). Exits 1 on any violation that is not
// in a baseline, so only new ones fail: .dependency-cruiser-known-violations.json for the file rules
// (written by `npx depcruise-baseline src`), .deps-known-folder-edges.json for folder imports that
// still run against the intended order and so close folder cycles. Fixing one means deleting its entry.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

interface Dependency {
  resolved: string;
}
interface Module {
  source: string;
  dependencies: Dependency[];
}
interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}
interface CruiseResult {
  modules: Module[];
  summary: { violations: Violation[] };
}

const BASELINE = '.dependency-cruiser-known-violations.json';
// The order of src/* folders, lowest first: a folder imports only folders before it (checked: an import running
// up this list fails, as does a folder missing from it). A new feature folder goes in here where it belongs;
// an import that would have to run upward is the sign a port is needed (see docs/architecture.md).
const ORDER = [
  'db',
  'i18n',
  'hours',
  'http',
  'jobs',
  'audit',
  'web',
  'health',
  'outbox',
  'telephony',
  'enquiries',
  'topics',
  'lines',
  'journalists',
  'status',
  'sms',
  'email',
  'colleagues',
  'statements',
  'voice',
  'reports',
  'incidents',
  'oncall',
  'deadlines',
  'privacy',
  'merging',
  'notifications',
  'desk',
  'cli',
];
const WRITE = process.argv.includes('--write-baseline');
const KNOWN_EDGES = '.deps-known-folder-edges.json';

/** The folder of a src file ("src/desk/x.ts" → "desk"); top-level files and non-src paths give null. */
export function folderOf(path: string): string | null {
  const m = /^src\/([^/]+)\/./.exec(path);
  return m ? m[1] : null;
}

/** Strongly connected components (Tarjan) of a graph given as adjacency sets; only those of size > 1. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(),
    low = new Map<string, number>(),
    onStack = new Set<string>();
  const stack: string[] = [],
    found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

/** One folder cycle inside an SCC as a list of file imports, found by breadth-first search back to the start. */
function chainFor(scc: string[], edges: Map<string, [string, string][]>): string[] {
  const start = scc[0];
  const prev = new Map<string, [string, string, string]>(); // folder → [from folder, from file, to file]
  const queue = [start];
  while (queue.length > 0) {
    const f = queue.shift()!;
    for (const [from, to] of edges.get(f) ?? []) {
      const g = folderOf(to)!;
      if (!scc.includes(g) || prev.has(g)) continue;
      prev.set(g, [f, from, to]);
      if (g === start) queue.length = 0;
      else queue.push(g);
      if (g === start) break;
    }
  }
  const chain: string[] = [];
  let at = start;
  do {
    const [f, from, to] = prev.get(at)!;
    chain.unshift(`${from} → ${to}`);
    at = f;
  } while (at !== start);
  return chain;
}

const args = [
  'depcruise',
  'src',
  '--config',
  '.dependency-cruiser.cjs',
  '--output-type',
  'json',
  ...(existsSync(BASELINE) && !WRITE ? ['--ignore-known', BASELINE] : []),
];
let json: string;
try {
  json = execFileSync('npx', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
} catch (e) {
  // depcruise may exit non-zero when it finds errors; its JSON is still on stdout.
  json = (e as { stdout?: string }).stdout ?? '';
  if (!json.startsWith('{')) throw e;
}
const result = JSON.parse(json) as CruiseResult;

// Folder graph: an edge per pair of folders, keeping every file import that makes it (for the message).
const graph = new Map<string, Set<string>>();
const edges = new Map<string, [string, string][]>();
const importsDesk = new Set<string>();
for (const m of result.modules) {
  const from = folderOf(m.source);
  for (const d of m.dependencies) {
    const to = folderOf(d.resolved);
    if (to === 'desk' && from !== 'desk') importsDesk.add(m.source);
    if (from === null || to === null || from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
    if (!edges.has(from)) edges.set(from, []);
    edges.get(from)!.push([m.source, d.resolved]);
  }
}
const rank = (f: string) => (ORDER.includes(f) ? ORDER.indexOf(f) : ORDER.length);
/** The folder imports running up ORDER (or into a folder missing from it), as "from -> to". */
const upward = (g: Map<string, Set<string>>): string[] =>
  [...g].flatMap(([from, tos]) => [...tos].filter((to) => rank(from) <= rank(to)).map((to) => `${from} -> ${to}`));
if (WRITE) {
  // Record today's violations: the file rules through depcruise-baseline, the upward folder edges here.
  execFileSync('npx', ['depcruise-baseline', 'src', '--config', '.dependency-cruiser.cjs'], { stdio: 'inherit' });
  const comment =
    'Folder imports that run against ORDER in scripts/deps-check.ts; ' +
    'written by `npm run lint:deps -- --write-baseline`. Delete an entry once its imports are gone.';
  writeFileSync(KNOWN_EDGES, `${JSON.stringify({ comment, edges: upward(graph).sort() }, null, 2)}\n`);
}
// Known edges are left out of both checks; an edge made by a new import between folders is not.
const known: string[] = existsSync(KNOWN_EDGES) ? JSON.parse(readFileSync(KNOWN_EDGES, 'utf8')).edges : [];
const allCycles = cycles(graph).length;
for (const edge of known) {
  const [from, to] = edge.split(' -> ');
  if (!graph.get(from)?.delete(to)) console.log(`note: ${KNOWN_EDGES} lists "${edge}", no longer made: delete it`);
}
const folderCycles = cycles(graph);
const missing = [...new Set([...graph.keys(), ...[...graph.values()].flatMap((t) => [...t])])]
  .filter((f) => !ORDER.includes(f))
  .sort();
const against = upward(graph).filter((e) => !missing.includes(e.split(' -> ')[1]));
const violations = result.summary.violations.filter((v) => v.rule.severity === 'error');
const moduleCycles = violations.filter((v) => v.type === 'cycle').length;

for (const v of violations) {
  const via = v.cycle ? `: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}` : ` → ${v.to}`;
  console.log(`error ${v.rule.name}: ${v.from}${via}`);
}
for (const f of missing) console.log(`error folder-order: src/${f}/ is not in ORDER (scripts/deps-check.ts): add it`);
for (const e of against) {
  const [from, to] = e.split(' -> ');
  console.log(`error folder-order: ${from} imports ${to}, which comes after it in ORDER (scripts/deps-check.ts)`);
  for (const [f, t] of edges.get(from) ?? []) if (folderOf(t) === to) console.log(`    ${f} → ${t}`);
}
for (const scc of folderCycles) {
  console.log(`error folder-cycle: ${scc.join(', ')}`);
  for (const step of chainFor(scc, edges)) console.log(`    ${step}`);
}
console.log(
  `lint:deps: ${against.length + missing.length} import(s) against the folder order, ` +
    `${folderCycles.length} folder cycle(s) ` +
    `(${allCycles} with the ${known.length} known folder edges), ` +
    `${violations.length} file-rule violation(s) (${moduleCycles} module cycle(s)), ` +
    `${importsDesk.size} file(s) outside desk/ import desk/` +
    (existsSync(BASELINE) ? ` (known violations in ${BASELINE} not counted)` : ''),
);
process.exit(folderCycles.length + against.length + missing.length + violations.length > 0 ? 1 : 0);
