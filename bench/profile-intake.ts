/**
 * Where each intake millisecond goes (issue 32): the compiled service (`node dist/main.js`, as
 * deployed) runs with `--cpu-prof`; autocannon sends the bench's non-paging enquiry through the
 * API, then through the web form; on exit V8 writes the profile, and this script splits its
 * samples into the two load windows and summarises each per request: by owner (our code, each
 * library, Node's internals, garbage collection) and the top functions by self time.
 *
 *   npm run bench:profile                      # embedded PostgreSQL, 10 s per window
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:profile -- --duration 10
 *
 * Options: --duration seconds per window (10), --connections (20), --no-build (use dist/ as is),
 * --out path without extension (bench/results/profile-intake), --top functions listed (25),
 * --keep-profile FILE (also keep V8's .cpuprofile, e.g. to open in Chrome's DevTools). Writes .json and .md.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { startService } from '../test/support/service-process.js';
import {
  apiIntakeSpec,
  BENCH_DIR,
  formIntakeSpec,
  OFFICE_HOURS,
  provideDatabase,
  REPO_ROOT,
  runIfMain,
  runLoad,
  type LoadResult,
  type LoadSpec,
} from './lib.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    top: { type: 'string', default: '25' },
    'keep-profile': { type: 'string' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const TOP = Number(args.top);
const OUT = resolve(args.out ?? join(BENCH_DIR, 'results', 'profile-intake'));

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Who a frame belongs to: `ours`, `lib:<package>`, `node` (Node's own JavaScript and natives), or V8's pseudo-frames. */
export function ownerOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program (V8, native)';
    return 'native';
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `lib:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) return 'node';
  return 'ours';
}

/** A readable place for a frame: `src/x.ts` for ours (dist mapped back), the package path for a library. */
function placeOf(frame: CallFrame): string {
  const { url } = frame;
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return `${path.slice(nm + '/node_modules/'.length)}:${frame.lineNumber + 1}`;
  if (path.startsWith('node:')) return path;
  const rel = relative(REPO_ROOT, path)
    .replace(/^dist\//, 'src/')
    .replace(/\.js$/, '.ts');
  return `${rel} (compiled line ${frame.lineNumber + 1})`;
}

export interface WindowSummary {
  title: string;
  requests: number;
  /** CPU microseconds sampled in the window (idle excluded). */
  busyUs: number;
  perRequestUs: number;
  byOwner: Array<{ owner: string; us: number; perRequestUs: number; share: number }>;
  top: Array<{ fn: string; place: string; owner: string; perRequestUs: number; share: number }>;
}

/** Splits `profile`'s samples between [fromUs, toUs) (profile clock) and summarises them per request. */
export function summarise(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  title: string,
  requests: number,
  top: number,
): WindowSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs || t >= toUs) continue;
    // A sample's delta is the time since the previous one: charge it to this sample's frame.
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]));
  }
  const owners = new Map<string, number>();
  const fns = new Map<string, { fn: string; place: string; owner: string; us: number }>();
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const owner = ownerOf(node.callFrame);
    if (owner === 'idle') continue;
    busy += us;
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const place = placeOf(node.callFrame);
    const fn = node.callFrame.functionName || '(anonymous)';
    const key = `${fn}@${place}`;
    const f = fns.get(key) ?? { fn, place, owner, us: 0 };
    f.us += us;
    fns.set(key, f);
  }
  const per = (us: number) => Math.round((us / Math.max(1, requests)) * 10) / 10;
  const share = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  return {
    title,
    requests,
    busyUs: busy,
    perRequestUs: per(busy),
    byOwner: [...owners]
      .sort((a, b) => b[1] - a[1])
      .map(([owner, us]) => ({ owner, us, perRequestUs: per(us), share: share(us) })),
    top: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ fn: f.fn, place: f.place, owner: f.owner, perRequestUs: per(f.us), share: share(f.us) })),
  };
}

function markdown(windows: WindowSummary[], meta: Record<string, string>): string {
  const lines = ['# Intake CPU profile', '', ...Object.entries(meta).map(([k, v]) => `- **${k}:** ${v}`), ''];
  for (const w of windows) {
    lines.push(
      `## ${w.title}: ${w.requests.toLocaleString('en-GB')} requests, ${w.perRequestUs.toLocaleString('en-GB')} µs CPU each`,
      '',
      '| owner | µs per request | share |',
      '|---|---:|---:|',
      ...w.byOwner.map((o) => `| ${o.owner} | ${o.perRequestUs} | ${o.share} % |`),
      '',
      '| function (self time) | where | µs per request | share |',
      '|---|---|---:|---:|',
      ...w.top.map((f) => `| \`${f.fn}\` | ${f.place} | ${f.perRequestUs} | ${f.share} % |`),
      '',
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    if (!args['no-build']) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    const database = await provideDatabase(cleanups);
    const fake = await startFakeTwilio();
    cleanups.push(() => fake.close());
    const profDir = await mkdtemp(join(os.tmpdir(), 'pressdesk-prof-'));
    cleanups.push(() => rm(profDir, { recursive: true, force: true }));
    const service = await startService({
      // As in npm run bench: the log lines go to a file, not through this process.
      logFile: join(profDir, 'service.log'),
      databaseUrl: database.url,
      twilio: fake,
      mode: 'all',
      name: 'service (profiled)',
      build: 'compiled',
      logLevel: 'info',
      config: { office: { hours: OFFICE_HOURS }, intake: { rateLimit: null } },
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
    });
    cleanups.push(() => service.stop());
    const base = service.baseUrl!;
    const api = apiIntakeSpec(base, 'intake API: POST /api/enquiries', CONNECTIONS, DURATION);
    const form = formIntakeSpec(base, 'intake form: POST /enquiries', CONNECTIONS, DURATION);
    // Warm-up (JIT, pools), then the two measured windows; the wall clock marks where each lies.
    await runLoad({ ...api, duration: 3 });
    await runLoad({ ...form, duration: 3 });
    const marks: Array<{ spec: LoadSpec; from: number; to: number; result: LoadResult }> = [];
    for (const spec of [api, form]) {
      const from = Date.now();
      const result = await runLoad(spec);
      marks.push({ spec, from, to: Date.now(), result });
    }
    const stoppedAt = Date.now();
    await service.stop(30_000);
    const exitedAt = Date.now();
    const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile written in ${profDir}: ${service.output().slice(-2000)}`);
    const raw = await readFile(join(profDir, file), 'utf8');
    if (args['keep-profile']) await writeFile(args['keep-profile'], raw);
    const profile = JSON.parse(raw) as CpuProfile;
    // The profile ends as the process exits: map wall-clock marks onto the profile's clock from
    // its end (shutdown lies between stoppedAt and exitedAt; take its midpoint).
    const endWall = (stoppedAt + exitedAt) / 2;
    const toProfile = (wall: number) => profile.endTime - (endWall - wall) * 1000;
    // The load generator's start-up (tsx) is inside [from, to): trim a second at each end.
    const windows = marks.map((m) =>
      summarise(
        profile,
        toProfile(m.from + 1000),
        toProfile(m.to - 1000),
        m.spec.title,
        Math.round(m.result.expected * ((m.to - m.from - 2000) / (m.to - m.from))),
        TOP,
      ),
    );
    for (const m of marks)
      process.stdout.write(`${m.spec.title}: ${m.result.reqPerSec} req/s, ${m.result.unexpected} unexpected\n`);
    const meta = {
      measured: new Date().toISOString(),
      command: 'npm run bench:profile',
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`,
      database: database.where,
      load: `${CONNECTIONS} connections, ${DURATION} s per window (1 s trimmed at each end), after 3 s warm-up each`,
      throughput: marks.map((m) => `${m.spec.title} ${m.result.reqPerSec} req/s`).join('; '),
    };
    await writeFile(`${OUT}.json`, JSON.stringify({ meta, windows }, null, 2));
    const md = markdown(windows, meta);
    await writeFile(`${OUT}.md`, md);
    process.stdout.write(`${md}\n`);
    if (marks.some((m) => m.result.unexpected > 0)) throw new Error('unexpected answers during the profile');
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

runIfMain(import.meta.url, main);
