/**
 * Scenario: Twilio down for a while. The fake Twilio answers every request with a 500 for
 * 10 seconds, and its first two requests also stall past the service's 10 s Twilio timeout (so
 * their outcome is unknown: the fake creates those messages after the service gave up). Urgent
 * enquiries arrive meanwhile. graphile-worker retries each failed page with exponential backoff
 * (about 2.7 s, 7.4 s, 20 s, …), so pages go out on the first retry after Twilio is back.
 *
 * Passes when: every page is delivered after recovery, exactly once (a timed-out attempt is found
 * at Twilio instead of being sent again); while delayed, each page step had `last_error` set and
 * the desk's enquiry page (as the signed-in manager) showed "Delayed: …".
 */
import { startService } from '../support/service-process.js';
import { HttpDesk } from '../support/http-desk.js';
import {
  pageStepStats,
  pollUntil,
  sleep,
  since,
  submitEnquiry,
  tally,
  type Report,
  type Scenario,
  type ScenarioContext,
  type Submission,
  scenarioDatabaseAndTwilio,
} from './support.js';

const MARKER = 'fault-b';
const DOWN_MS = 10_000;
const ENQUIRIES = 6;
const ADMIN = { email: 'manager@faults.example', password: 'fault-script-password-1' };

export const twilioDown: Scenario = {
  key: 'twilio-down',
  title: 'b. Twilio down for a while',
  budgetMs: 90_000,
  async run(ctx: ScenarioContext, report: Report) {
    const { url, fake } = await scenarioDatabaseAndTwilio(ctx, 'faults_twilio_down');
    const svc = await startService({
      databaseUrl: url,
      twilio: fake,
      mode: 'all',
      name: 'service',
      config: { intake: { rateLimit: null } },
      env: { PRESSDESK_ADMIN_EMAIL: ADMIN.email, PRESSDESK_ADMIN_PASSWORD: ADMIN.password },
    });
    ctx.watch(svc);
    ctx.onCleanup(() => svc.stop());
    const desk = new HttpDesk(svc.baseUrl!);
    await desk.login(ADMIN.email, ADMIN.password);
    const pool = ctx.pg.inspect(url);
    ctx.log(`service on ${svc.baseUrl}; signed in to the desk as ${ADMIN.email}`);

    const t0 = performance.now();
    fake.setDown(true);
    fake.delayNext(2, 11_000);
    ctx.log(
      `Twilio down (500s) for ${DOWN_MS / 1000} s; its first 2 requests stall 11 s (past the 10 s client timeout)`,
    );
    const upTimer = setTimeout(() => {
      fake.setDown(false);
      ctx.log(`Twilio up again at ${since(t0)} ms`);
    }, DOWN_MS);
    ctx.onCleanup(() => clearTimeout(upTimer));

    const subs: Submission[] = [];
    for (let n = 1; n <= ENQUIRIES; n++) {
      subs.push(await submitEnquiry(svc.baseUrl!, n, MARKER, true, t0));
      await sleep(500);
    }
    const accepted = subs.filter((s) => s.status === 201);
    const refs = accepted.map((s) => s.reference!);
    ctx.log(`${accepted.length} of ${subs.length} urgent enquiries accepted`);

    // Watch each page step until it is sent: was it ever shown as delayed, and why?
    const seenDelayed = new Map<string, { at: number; error: string; deskShowed: boolean }>();
    const sentAt = new Map<string, number>();
    const watchSteps = async () => {
      const r = await pool.query<{ reference: string; state: string; last_error: string | null }>(
        `SELECT e.reference, s.state, m.last_error FROM page_step s JOIN page p ON p.id = s.page_id JOIN enquiry e ON e.id = p.enquiry_id
           LEFT JOIN outbound_message m ON m.id = s.outbound_id
          WHERE s.step_index = 0 AND e.reference = ANY($1)`,
        [refs],
      );
      for (const row of r.rows) {
        if (row.state === 'sent') {
          if (!sentAt.has(row.reference)) sentAt.set(row.reference, since(t0));
          continue;
        }
        if (row.last_error && !seenDelayed.get(row.reference)?.deskShowed) {
          const page = await desk.request(`/desk/enquiries/${row.reference}`);
          const deskShowed = page.status === 200 && page.body.includes('Delayed: ');
          const prev = seenDelayed.get(row.reference);
          seenDelayed.set(row.reference, { at: prev?.at ?? since(t0), error: row.last_error, deskShowed });
        }
      }
      return refs.every((ref) => sentAt.has(ref));
    };
    const allSent = await pollUntil(watchSteps, Math.min(60_000, ctx.remaining() - 10_000), ctx.signal, 300);
    ctx.log(
      allSent
        ? `every page step recorded as sent by ${since(t0)} ms; watching 5 s for duplicates`
        : `not every page sent by ${since(t0)} ms`,
    );
    await sleep(5_000);

    const perRef = new Map(refs.map((ref) => [ref, fake.messages.filter((m) => m.body?.includes(ref))]));
    const delivered = [...perRef.values()].filter((ms) => ms.length >= 1).length;
    const duplicated = [...perRef].filter(([, ms]) => ms.length > 1);
    const missing = [...perRef].filter(([, ms]) => ms.length === 0);
    const delays = accepted.map((s) => {
      const first = perRef.get(s.reference!)?.[0];
      return first ? Math.round((first.at.getTime() - s.answeredAt) / 100) / 10 : NaN;
    });
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
    const steps = await pageStepStats(pool);
    const desksShown = [...seenDelayed.values()].filter((d) => d.deskShowed).length;
    const finalPages = await Promise.all(refs.map((ref) => desk.request(`/desk/enquiries/${ref}`)));
    const stillDelayedOnDesk = finalPages.filter((p) => p.body.includes('Delayed: ')).length;

    report.count('urgent enquiries accepted', accepted.length);
    report.count(
      'page SMS attempts at Twilio',
      `${posts.length} (answers: ${tally(posts.map((p) => p.responseStatus || 'none'))})`,
    );
    report.count('look-ups after an unknown outcome', fake.requests.filter((r) => r.method === 'GET').length);
    report.count('steps shown delayed (last_error set)', `${seenDelayed.size} of ${refs.length}`);
    report.count('desk page showed "Delayed: …"', `${desksShown} of ${refs.length}`);
    report.count(
      'delay reasons',
      tally(
        [...seenDelayed.values()].map((d) =>
          /timed out/i.test(d.error) ? 'timeout' : /HTTP 500/.test(d.error) ? 'HTTP 500' : d.error.slice(0, 40),
        ),
      ),
    );
    report.count('paged (delivered)', delivered);
    report.count('delivery delays after the 201 (s)', delays.join(', '));
    report.count('page steps retried / found again at Twilio', `${steps.retried} / ${steps.recovered}`);
    report.count('duplicated', duplicated.length);
    report.count('lost (never delivered)', missing.length);
    report.count('desk still showing "Delayed" after recovery', stillDelayedOnDesk);

    report.check(
      accepted.length === ENQUIRIES,
      `only ${accepted.length} of ${ENQUIRIES} enquiries accepted: ${tally(subs.map((s) => s.status || s.error || '?'))}`,
    );
    report.check(allSent, 'not every page step was recorded as sent in time');
    report.check(missing.length === 0, `pages never delivered: ${missing.map(([r]) => r).join(', ')}`);
    report.check(
      duplicated.length === 0,
      `pages delivered twice: ${duplicated.map(([r, ms]) => `${r}×${ms.length}`).join(', ')}`,
    );
    report.check(
      seenDelayed.size === refs.length,
      `only ${seenDelayed.size} of ${refs.length} page steps were seen with last_error set while delayed`,
    );
    report.check(
      desksShown === refs.length,
      `the desk showed "Delayed: …" for only ${desksShown} of ${refs.length} enquiries`,
    );
    report.check(stillDelayedOnDesk === 0, `${stillDelayedOnDesk} desk pages still say "Delayed" after delivery`);
    report.check(
      accepted.every((s) => (perRef.get(s.reference!)?.[0]?.at.getTime() ?? 0) >= t0Wall(t0) + DOWN_MS - 50),
      'a page was delivered while Twilio was down',
    );
  },
};

/** Wall-clock time of a performance.now() instant. */
function t0Wall(t0: number): number {
  return Date.now() - (performance.now() - t0);
}
