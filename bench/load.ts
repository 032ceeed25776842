/**
 * The load generator, run as its own process by `runLoad()` (bench/lib.ts): autocannon's API
 * with the spec given as JSON in argv[2]; the result is written as JSON to the file in argv[3].
 * Only 127.0.0.1 / localhost targets are accepted.
 *
 *   node --import tsx bench/load.ts '{"title":…,"url":"http://127.0.0.1:…",…}' /tmp/result.json
 */
import { writeFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './lib.js';

const [specJson, outFile] = process.argv.slice(2);
if (!specJson || !outFile) {
  process.stderr.write('usage: load.ts SPEC_JSON OUT_FILE\n');
  process.exit(2);
}
const spec = JSON.parse(specJson) as LoadSpec;
const host = new URL(spec.url).hostname;
if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
  process.stderr.write(`load.ts: refusing to send load to ${host}: loopback only\n`);
  process.exit(2);
}

const accepted: Array<{ reference: string; at: number }> = [];
let expected = 0;
let unexpected = 0;
let firstUnexpected: string | null = null;

const onResponse = (status: number, body: string) => {
  if (status !== spec.expectStatus) {
    unexpected++;
    firstUnexpected ??= `${status} ${String(body).slice(0, 300)}`;
    return;
  }
  expected++;
  if (spec.collectReferences) {
    const at = Date.now();
    try {
      const reference = (JSON.parse(body) as { reference?: string }).reference;
      if (reference) accepted.push({ reference, at });
    } catch {
      /* counted below as a missing reference */
    }
  }
};

const instance = autocannon({
  url: spec.url,
  method: spec.method,
  headers: spec.headers ?? {},
  ...(spec.body !== undefined ? { body: spec.body } : {}),
  idReplacement: true,
  connections: spec.connections,
  duration: spec.duration,
  ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  timeout: spec.timeout ?? 10,
  // Every request checks its answer (a wrong status counts against the run, never as throughput).
  requests: [{ method: spec.method, ...(spec.body !== undefined ? { body: spec.body } : {}), onResponse }],
});

const result = await instance;
const seconds = result.duration || spec.duration;
const statusCodes: Record<string, number> = {};
for (const [k, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[k] = (v as { count: number }).count;
const out: LoadResult = {
  title: spec.title,
  connections: spec.connections,
  durationSeconds: Math.round(seconds * 100) / 100,
  requests: result.requests.total,
  reqPerSec: Math.round((expected / seconds) * 10) / 10,
  latencyMs: {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: Math.round(result.latency.mean * 10) / 10,
  },
  statusCodes,
  expected,
  unexpected,
  errors: result.errors,
  timeouts: result.timeouts,
  ...(spec.collectReferences ? { accepted } : {}),
};
if (firstUnexpected)
  process.stderr.write(`load.ts (${spec.title}): ${unexpected} unexpected answers; first: ${firstUnexpected}\n`);
await writeFile(outFile, JSON.stringify(out));
