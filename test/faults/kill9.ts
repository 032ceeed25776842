/**
 * Scenario: kill -9 of web and worker processes at random moments during a burst. One `--web`
 * process takes the enquiries, one `--worker` process runs the jobs; a few times during the
 * burst a randomly chosen one of them is killed with SIGKILL and started again (the web process
 * on the same port). Twilio answers each request after 200 ms, so a killed worker is often in
 * the middle of sending a page. The random moments come from FAULTS_SEED.
 *
 * Passes when, after recovery: no enquiry that got a 201 is missing; every urgent enquiry that
 * was stored (also one whose 201 was cut off by a kill) has its page, its first step recorded as
 * sent, and exactly one page SMS at the fake Twilio. Jobs a dead worker held are released by the
 * heartbeat sweeper of the new one after about 20 s of silence, which the wait allows for.
 */
import { startService, type ServiceOptions, type ServiceProcess } from '../support/service-process.js';
import { freePort } from '../../src/db/embedded.js';
import {
  allStepsSent,
  explainPages,
  unsentSteps,
  pageStepStats,
  pollUntil,
  seededRandom,
  sleep,
  since,
  smsByReference,
  steadyLoad,
  storedEnquiries,
  tally,
  type Report,
  type Scenario,
  type ScenarioContext,
  scenarioDatabaseAndTwilio,
} from './support.js';

const MARKER = 'fault-c';
const BURST_MS = 20_000;
const KILLS = 4;

export const kill9: Scenario = {
  key: 'kill9',
  title: 'c. kill -9 of web and worker processes during a burst',
  budgetMs: 90_000,
  async run(ctx: ScenarioContext, report: Report) {
    const random = seededRandom(ctx.seed);
    const { url, fake } = await scenarioDatabaseAndTwilio(ctx, 'faults_kill9');
    fake.delayNext(5_000, 200);
    const port = await freePort();
    const common: ServiceOptions = { databaseUrl: url, twilio: fake, config: { intake: { rateLimit: null } } };
    const incarnations: ServiceProcess[] = [];
    const start = async (mode: 'web' | 'worker', n: number) => {
      const p = await startService({ ...common, mode, name: `${mode}-${n}`, ...(mode === 'web' ? { port } : {}) });
      incarnations.push(p);
      ctx.watch(p);
      return p;
    };
    const procs = { web: await start('web', 1), worker: await start('worker', 1) };
    const started = { web: 1, worker: 1 };
    ctx.onCleanup(async () => {
      await Promise.all(incarnations.map((p) => p.stop(3_000)));
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    ctx.log(`web (pid ${procs.web.pid}) on ${baseUrl}, worker (pid ${procs.worker.pid})`);

    // When and whom to kill: one of each first (in random order), then at random.
    const first: Array<'web' | 'worker'> = random() < 0.5 ? ['web', 'worker'] : ['worker', 'web'];
    const plan = Array.from({ length: KILLS }, (_, k) => ({
      at: Math.round(1_500 + k * ((BURST_MS - 4_000) / KILLS) + random() * 2_500),
      target: (k < 2 ? first[k] : random() < 0.5 ? 'web' : 'worker') as 'web' | 'worker',
      downMs: Math.round(200 + random() * 1_300),
    }));
    ctx.log(`kill plan: ${plan.map((p) => `${p.target} at ${p.at} ms (down ${p.downMs} ms)`).join('; ')}`);

    const t0 = performance.now();
    const load = steadyLoad({
      baseUrl: () => baseUrl,
      marker: MARKER,
      t0,
      intervalMs: 80,
      max: 400,
      urgentEvery: 2,
      signal: ctx.signal,
    });
    const kills: string[] = [];
    for (const k of plan) {
      const wait = k.at - since(t0);
      if (wait > 0) await sleep(wait);
      if (ctx.signal.aborted) break;
      const victim = procs[k.target];
      victim.kill('SIGKILL');
      await victim.waitForExit(10_000);
      kills.push(`${k.target} pid ${victim.pid} at ${since(t0)} ms`);
      ctx.log(`kill -9 ${victim.name} (pid ${victim.pid})`);
      await sleep(k.downMs);
      started[k.target] += 1;
      procs[k.target] = await start(k.target, started[k.target]);
      ctx.log(`restarted ${k.target} as pid ${procs[k.target].pid} at ${since(t0)} ms`);
    }
    const rest = BURST_MS - since(t0);
    if (rest > 0) await sleep(rest);
    const subs = await load.stop();
    const burstEnd = since(t0);
    ctx.log(`burst over at ${burstEnd} ms: ${subs.length} requests`);

    const pool = ctx.pg.inspect(url);
    const accepted = subs.filter((s) => s.status === 201);
    // Every urgent enquiry stored, whether or not its 201 arrived, must page exactly once.
    const allPaged = async () => {
      const urgent = (await storedEnquiries(pool, MARKER)).filter((r) => r.urgent).map((r) => r.reference);
      const per = smsByReference(fake.messages, urgent);
      return [...per.values()].every((n) => n >= 1) && (await allStepsSent(pool, urgent));
    };
    const pagedInTime = await pollUntil(allPaged, Math.min(55_000, ctx.remaining() - 8_000), ctx.signal, 500);
    const recoveredAt = since(t0);
    ctx.log(
      pagedInTime
        ? `every stored urgent enquiry paged and recorded by ${since(t0)} ms; watching 4 s for duplicates`
        : `not every urgent enquiry paged by ${since(t0)} ms`,
    );
    await sleep(4_000);

    const stored = await storedEnquiries(pool, MARKER);
    const bySubject = new Map(stored.map((r) => [r.subject, r]));
    const lost = accepted.filter((s) => bySubject.get(s.subject)?.reference !== s.reference);
    const unknownStored = subs.filter((s) => s.status !== 201 && bySubject.has(s.subject));
    const urgentStored = stored.filter((r) => r.urgent);
    const perRef = smsByReference(
      fake.messages,
      urgentStored.map((r) => r.reference),
    );
    const duplicated = [...perRef].filter(([, n]) => n > 1);
    const unpaged = [...perRef].filter(([, n]) => n === 0);
    const steps = await pool.query<{ reference: string; pages: string; sent_steps: string; sent_events: string }>(
      `SELECT e.reference,
              (SELECT count(*) FROM page p WHERE p.enquiry_id = e.id) AS pages,
              (SELECT count(*) FROM page_step s JOIN page p ON p.id = s.page_id WHERE p.enquiry_id = e.id AND s.step_index = 0 AND s.state = 'sent') AS sent_steps,
              (SELECT count(*) FROM enquiry_event v WHERE v.enquiry_id = e.id AND v.kind = 'page_sms_sent') AS sent_events
         FROM enquiry e WHERE e.urgent AND e.subject LIKE $1`,
      [`${MARKER} #%`],
    );
    const badSteps = steps.rows.filter((r) => r.pages !== '1' || r.sent_steps !== '1' || r.sent_events !== '1');
    const stats = await pageStepStats(pool);
    const releases = incarnations.flatMap((p) =>
      p
        .logs()
        .filter((l) => l.msg === 'released jobs held by runners that stopped')
        .map(() => p.name),
    );

    report.count('requests sent', subs.length);
    report.count('answers', tally(subs.map((s) => (s.status === 0 ? (s.error ?? 'no answer') : s.status))));
    report.count('kills', kills.join('; '));
    report.count('accepted (201)', accepted.length);
    report.count('stored', accepted.length - lost.length);
    report.count('lost', lost.length);
    report.count('stored without a 201 (answer cut off)', unknownStored.length);
    report.count('urgent stored', urgentStored.length);
    report.count('paged', urgentStored.length - unpaged.length);
    report.count('duplicated', duplicated.length);
    report.count('page steps missing or doubled', badSteps.length);
    report.count('page steps retried / found again at Twilio', `${stats.retried} / ${stats.recovered}`);
    report.count('sweeper releases of dead runners', releases.length ? tally(releases) : 'none needed');
    report.count('all pages out, after the burst ended (ms)', pagedInTime ? recoveredAt - burstEnd : 'not in time');

    for (const line of await explainPages(pool, fake.messages, [
      ...duplicated.map(([r]) => r),
      ...unpaged.map(([r]) => r),
      ...badSteps.map((r) => r.reference),
    ]))
      report.note(line);
    for (const line of (
      await unsentSteps(
        pool,
        urgentStored.map((r) => r.reference),
      )
    ).slice(0, 5))
      report.note(`not recorded as sent: ${line}`);
    report.check(kills.length === KILLS, `only ${kills.length} of ${KILLS} kills happened`);
    report.check(
      lost.length === 0,
      `${lost.length} accepted enquiries missing: ${lost.map((s) => s.reference).join(', ')}`,
    );
    report.check(duplicated.length === 0, `pages sent twice: ${duplicated.map(([r, n]) => `${r}×${n}`).join(', ')}`);
    report.check(unpaged.length === 0, `urgent enquiries never paged: ${unpaged.map(([r]) => r).join(', ')}`);
    report.check(
      badSteps.length === 0,
      `page rows/steps/events not exactly one: ${badSteps
        .slice(0, 5)
        .map((r) => `${r.reference} pages=${r.pages} sent=${r.sent_steps} events=${r.sent_events}`)
        .join('; ')}`,
    );
    report.check(
      subs.every((s) => s.status === 0 || s.status === 201),
      `unexpected statuses: ${tally(subs.filter((s) => s.status !== 0 && s.status !== 201).map((s) => s.status))}`,
    );
    report.check(pagedInTime, 'pages were not all delivered in time');
  },
};
