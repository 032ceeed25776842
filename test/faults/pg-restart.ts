/**
 * Scenario: PostgreSQL restarts under load. The real service (web + job runner in one process)
 * takes a steady stream of enquiries, a third of them urgent (the office is always closed, so
 * each urgent one pages); mid-run the database is stopped (fast shutdown: every connection cut)
 * for a few seconds and started again on the same port. The service is not touched.
 *
 * Passes when: every 201 has its row and, if urgent, exactly one page SMS at the fake Twilio
 * once things settle; every request during the outage got 503 with Retry-After (never a hang
 * over 10 s, never a 500 or a dropped connection); /readyz was 503 during the outage and 200
 * after; the service recovered by itself (same process, requests succeed again).
 */
import { startService } from '../support/service-process.js';
import {
  allStepsSent,
  explainPages,
  unsentSteps,
  pageStepStats,
  percentile,
  pollUntil,
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

const MARKER = 'fault-a';
const WARM_MS = 4_000;
const OUTAGE_MS = 5_000;
const AFTER_MS = 8_000;
/** Requests sent this long after the restart must all succeed. */
const SETTLE_MS = 3_000;

export const pgRestart: Scenario = {
  key: 'pg-restart',
  title: 'a. PostgreSQL restarts under load',
  budgetMs: 90_000,
  async run(ctx: ScenarioContext, report: Report) {
    const { url, fake } = await scenarioDatabaseAndTwilio(ctx, 'faults_pg_restart');
    // Twilio answers each request after 400 ms, so page jobs are mid-send when the database goes:
    // they must record the SID after it returns (or find the message again), not send twice.
    fake.delayNext(2_000, 400);
    const svc = await startService({
      databaseUrl: url,
      twilio: fake,
      mode: 'all',
      name: 'service',
      config: { intake: { rateLimit: null } },
    });
    ctx.watch(svc);
    ctx.onCleanup(() => svc.stop());
    const pid = svc.pid;
    ctx.log(`service pid ${pid} on ${svc.baseUrl}; database on port ${ctx.pg.port}`);

    const t0 = performance.now();
    const load = steadyLoad({
      baseUrl: () => svc.baseUrl!,
      marker: MARKER,
      t0,
      intervalMs: 50,
      max: 600,
      urgentEvery: 3,
      signal: ctx.signal,
    });
    const readyz: Array<{ at: number; status: number; ms: number }> = [];
    let polling = true;
    const poller = (async () => {
      while (polling && !ctx.signal.aborted) {
        const at = since(t0);
        const started = performance.now();
        let status = 0;
        try {
          const res = await fetch(`${svc.baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0;
        }
        readyz.push({ at, status, ms: Math.round(performance.now() - started) });
        await sleep(250);
      }
    })();

    await sleep(WARM_MS);
    const stopAt = since(t0);
    ctx.log(`stopping PostgreSQL (fast shutdown) at ${stopAt} ms`);
    await ctx.pg.stop();
    const downAt = since(t0);
    await sleep(OUTAGE_MS);
    const startAt = since(t0);
    ctx.log(`starting PostgreSQL again on port ${ctx.pg.port} at ${startAt} ms`);
    await ctx.pg.start();
    const upAt = since(t0);
    ctx.log(`PostgreSQL accepting connections at ${upAt} ms`);
    await sleep(AFTER_MS);
    const subs = await load.stop();
    polling = false;
    await poller;
    ctx.log(`load stopped at ${since(t0)} ms after ${subs.length} requests`);

    const accepted = subs.filter((s) => s.status === 201);
    const urgentAccepted = accepted.filter((s) => s.urgent);
    const during = subs.filter((s) => s.sentAt >= downAt && s.sentAt < startAt);
    const pool = ctx.pg.inspect(url);

    // Wait for every accepted urgent enquiry's page to reach the fake Twilio.
    const refs = urgentAccepted.map((s) => s.reference!);
    const allPaged = async () =>
      [...smsByReference(fake.messages, refs).values()].every((n) => n >= 1) && (await allStepsSent(pool, refs));
    const pagedInTime = await pollUntil(allPaged, Math.min(60_000, ctx.remaining() - 8_000), ctx.signal, 250);
    const allRecordedAt = since(t0);
    ctx.log(
      pagedInTime
        ? `every urgent enquiry paged and recorded by ${since(t0)} ms; watching 3 s for duplicates`
        : `not every urgent enquiry paged by ${since(t0)} ms`,
    );
    await sleep(3_000);

    const stored = await storedEnquiries(pool, MARKER);
    const storedBySubject = new Map(stored.map((r) => [r.subject, r]));
    const lost = accepted.filter((s) => storedBySubject.get(s.subject)?.reference !== s.reference);
    const storedThoughRefused = subs.filter((s) => s.status !== 201 && storedBySubject.has(s.subject));
    // Every stored urgent enquiry (also one whose answer was lost) must page exactly once.
    const urgentStored = stored.filter((r) => r.urgent);
    const perRef = smsByReference(
      fake.messages,
      urgentStored.map((r) => r.reference),
    );
    const paged = [...perRef.values()].filter((n) => n >= 1).length;
    const duplicated = [...perRef].filter(([, n]) => n > 1);
    const unpaged = urgentAccepted.filter((s) => (perRef.get(s.reference!) ?? 0) === 0);
    const strays = fake.messages.filter((m) => !stored.some((r) => m.body?.includes(r.reference)));

    const fiveHundreds = subs.filter((s) => s.status >= 500 && s.status !== 503);
    const noRetryAfter = subs.filter((s) => s.status === 503 && !s.retryAfter);
    const hangs = subs.filter((s) => s.error === 'hang' || s.ms > 10_000);
    const dropped = subs.filter((s) => s.status === 0 && s.error !== 'hang');
    const odd = subs.filter((s) => s.status !== 0 && s.status !== 201 && s.status !== 503);
    const lateFailures = subs.filter((s) => s.sentAt >= upAt + SETTLE_MS && s.status !== 201);
    const firstOkAfter = subs.find((s) => s.sentAt >= upAt && s.status === 201);
    const readyDuring = readyz.filter((r) => r.at >= downAt && r.at + r.ms < startAt);
    const readyAfter = readyz.filter((r) => r.at >= upAt);
    const firstGreen = readyAfter.find((r) => r.status === 200);

    report.count('requests sent', subs.length);
    report.count('statuses', tally(subs.map((s) => (s.status === 0 ? (s.error ?? 'no answer') : s.status))));
    report.count('sent during the outage', during.length);
    report.count(
      'outage answers',
      tally(
        during.map((s) =>
          s.status === 0
            ? (s.error ?? 'no answer')
            : `${s.status}${s.retryAfter ? ` Retry-After ${s.retryAfter}` : ''}`,
        ),
      ),
    );
    report.count('slowest answer during the outage (ms)', Math.max(0, ...during.map((s) => s.ms)));
    report.count(
      'p99 answer overall (ms)',
      percentile(
        subs.map((s) => s.ms),
        99,
      ),
    );
    report.count('accepted (201)', accepted.length);
    report.count('stored', accepted.length - lost.length);
    report.count('lost', lost.length);
    report.count('stored though refused (answer said 503)', storedThoughRefused.length);
    report.count('urgent accepted', urgentAccepted.length);
    report.count('paged', paged);
    report.count('duplicated', duplicated.length);
    report.count('urgent unpaged', unpaged.length);
    report.count('SMS for no stored enquiry', strays.length);
    const unrecorded = await unsentSteps(
      pool,
      urgentStored.map((r) => r.reference),
    );
    report.count('page steps not recorded as sent', unrecorded.length);
    const steps = await pageStepStats(pool);
    report.count(
      'page steps retried / found again at Twilio',
      `${steps.retried} / ${steps.recovered} (${fake.requests.filter((r) => r.method === 'GET').length} look-ups)`,
    );
    report.count('/readyz during the outage', tally(readyDuring.map((r) => r.status)));
    report.count('/readyz green again after restart (ms)', firstGreen ? firstGreen.at - upAt : 'never');
    report.count('first 201 after restart (ms)', firstOkAfter ? firstOkAfter.sentAt - upAt : 'never');
    report.count(
      'every page recorded as sent, after the restart (ms)',
      pagedInTime ? allRecordedAt - upAt : 'not in time',
    );
    report.count(
      'job runners that died mid-job and were replaced',
      svc.logs().filter((l) => l.msg === 'a job runner died; starting a new one').length,
    );
    report.count('service process', svc.exited ? 'exited' : `still pid ${pid}`);

    for (const line of await explainPages(pool, fake.messages, [
      ...duplicated.map(([r]) => r),
      ...unpaged.map((s) => s.reference!),
    ]))
      report.note(line);
    for (const line of unrecorded.slice(0, 5)) report.note(`not recorded as sent: ${line}`);
    report.check(
      unrecorded.length === 0,
      `${unrecorded.length} page steps never recorded as sent (no escalation would follow)`,
    );
    report.check(
      lost.length === 0,
      `${lost.length} accepted enquiries missing: ${lost.map((s) => s.reference).join(', ')}`,
    );
    report.check(duplicated.length === 0, `pages sent twice: ${duplicated.map(([r, n]) => `${r}×${n}`).join(', ')}`);
    report.check(unpaged.length === 0, `urgent enquiries never paged: ${unpaged.map((s) => s.reference).join(', ')}`);
    report.check(strays.length === 0, `${strays.length} SMS for no stored enquiry`);
    report.check(
      fiveHundreds.length === 0,
      `${fiveHundreds.length} answers were 5xx other than 503: ${tally(fiveHundreds.map((s) => s.status))} ${fiveHundreds[0]?.error ?? ''}`,
    );
    report.check(noRetryAfter.length === 0, `${noRetryAfter.length} 503s without Retry-After`);
    report.check(hangs.length === 0, `${hangs.length} requests hung for more than 10 s`);
    report.check(
      dropped.length === 0,
      `${dropped.length} requests got no HTTP answer: ${tally(dropped.map((s) => s.error ?? '?'))}`,
    );
    report.check(odd.length === 0, `unexpected statuses: ${tally(odd.map((s) => s.status))}`);
    report.check(
      during.length > 0 && during.every((s) => s.status === 503),
      'not every request during the outage got 503',
    );
    report.check(
      lateFailures.length === 0,
      `${lateFailures.length} requests sent ${SETTLE_MS} ms or more after the restart failed: ${tally(lateFailures.map((s) => s.status || s.error || '?'))}`,
    );
    report.check(
      readyDuring.length > 0 && readyDuring.every((r) => r.status === 503),
      `/readyz during the outage: ${tally(readyDuring.map((r) => r.status))}`,
    );
    report.check(
      readyz.length > 0 && readyz[readyz.length - 1].status === 200,
      `/readyz after the restart ended at ${readyz[readyz.length - 1]?.status}`,
    );
    report.check(!svc.exited && svc.pid === pid, 'the service process exited');
    report.check(pagedInTime, 'pages were not all delivered in time');
  },
};
