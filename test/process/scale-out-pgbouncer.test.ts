/**
 * Scale-out through a real connection pooler (issue 32, item 5): Debian's PgBouncer in
 * transaction mode (test/support/pgbouncer.ts) in front of the test database, two web processes
 * and two job runners with DATABASE_URL through PgBouncer and DATABASE_LISTEN_URL straight to
 * PostgreSQL, the office always closed (every urgent enquiry pages), every page its own SMS.
 *
 * First burst (as test/process/scale-out.test.ts, but pooled): every 201 has its row, every
 * urgent enquiry is paged exactly once, both live queues see every arrival, and nothing went
 * wrong quietly on the way (no warning from any process: a named prepared statement sent through
 * the pooler, or a LISTEN on it, would show there first).
 *
 * Second burst, with PgBouncer restarted in the middle of it (every client and server connection
 * cut, then a new PgBouncer on the same port): each request is answered 201 (stored once, as
 * answered) or 503 "unavailable" (the clean answer while the database cannot be reached), never
 * anything else; nothing is stored twice, every stored urgent enquiry is paged exactly once,
 * requests sent once PgBouncer is back are stored, and every 201 reaches both live queues (their
 * LISTEN connection, direct, never noticed the restart, and it carries the NOTIFY too).
 */
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { type LiveQueue, openLiveQueue, signIn } from '../support/live-queue.js';
import {
  burstEnquiry,
  inParallel,
  openProcessFixture,
  postEnquiry,
  type ProcessFixture,
} from '../support/process-fixture.js';
import { describeIfPgBouncer, type PgBouncer, startPgBouncer } from '../support/pgbouncer.js';
import {
  describeOutputs,
  FALLBACK_NUMBER,
  type ServiceProcess,
  stopAllServices,
  waitUntil,
} from '../support/service-process.js';

const FIRST_BURST = 40;
/** Requests in flight at once (a newsroom burst, not a load test). */
const PARALLEL = 8;
/** Second burst: the restart starts after this many answers… */
const BEFORE_RESTART = 12;
/** …and the burst goes on until this many requests were sent after PgBouncer was back. */
const AFTER_RESTART = 16;
/** A bound on the second burst, whatever the timing. */
const SECOND_BURST_MAX = 400;
const OFFICER = { email: 'duty.officer@press.example', password: 'pgbouncer-password-2026' };

describeIfPgBouncer('two web processes and two job runners through PgBouncer in transaction mode', () => {
  let fixture: ProcessFixture;
  let bouncer: PgBouncer;
  let webs: ServiceProcess[] = [];
  let workers: ServiceProcess[] = [];
  const streams: LiveQueue[] = [];

  beforeAll(async () => {
    fixture = await openProcessFixture();
    bouncer = await startPgBouncer(fixture.database.url);
    const env = { DATABASE_URL: bouncer.url, DATABASE_LISTEN_URL: fixture.database.url };
    // The first web process creates the first manager before the others start (see scale-out.test.ts).
    const admin = { PRESSDESK_ADMIN_EMAIL: OFFICER.email, PRESSDESK_ADMIN_PASSWORD: OFFICER.password };
    const web1 = await fixture.start({ mode: 'web', name: 'web-1', env: { ...env, ...admin } });
    const [web2, ...ws] = await Promise.all([
      fixture.start({ mode: 'web', name: 'web-2', env }),
      fixture.start({ mode: 'worker', name: 'worker-1', env }),
      fixture.start({ mode: 'worker', name: 'worker-2', env }),
    ]);
    webs = [web1, web2];
    workers = ws;
  }, 90_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    // The services first (nothing left talking to PgBouncer), then PgBouncer, then the database.
    await stopAllServices();
    await bouncer?.stop();
    await fixture?.close();
  });

  function explainOnFailure(): void {
    onTestFailed(() => {
      console.error(
        `live queues: ${streams.map((s) => `${s.name} saw ${s.references.size} (${s.events.map((e) => e.event).join(',')})`).join('; ')}`,
      );
      console.error(describeOutputs([...webs, ...workers]));
      console.error(`--- PgBouncer ${bouncer?.version} ---\n${bouncer?.output()}`);
    });
  }

  /** Where each process's log stands now: `warningsSince` reads what comes after it. */
  function logMarks(): Map<ServiceProcess, number> {
    return new Map([...webs, ...workers].map((p) => [p, p.logs().length]));
  }

  /**
   * Log lines at warn or above (pino levels 40+) of every process since `marks`, but for the
   * start's note that email intake is off (a worker logs it just after it counts as ready).
   */
  function warningsSince(marks: Map<ServiceProcess, number>): Array<Record<string, unknown>> {
    return [...marks].flatMap(([p, from]) =>
      p
        .logs()
        .slice(from)
        .filter((l) => typeof l.level === 'number' && l.level >= 40 && !String(l.msg).startsWith('email intake is off'))
        .map((l) => ({ process: p.name, ...l })),
    );
  }

  /** Stored enquiries with these subjects (a burst's requests are told apart by subject), with their page SMS. */
  async function stored(subjects: string[]) {
    return fixture.database.db
      .selectFrom('enquiry')
      .select(['reference', 'subject', 'urgent', 'needs_on_call', 'channel'])
      .where('subject', 'in', subjects)
      .execute();
  }

  /** Every stored urgent enquiry paged once (one SMS carrying its reference), every other not at all. */
  async function expectEachUrgentPagedOnce(rows: Array<{ reference: string; urgent: boolean }>) {
    const { fake } = fixture;
    const urgent = rows.filter((r) => r.urgent);
    await fake.waitForMessages(urgent.length, 60_000);
    await new Promise((r) => setTimeout(r, 3_000)); // anything doubled would arrive now
    expect(fake.messages).toHaveLength(urgent.length);
    expect(fake.messages.every((m) => m.to === FALLBACK_NUMBER)).toBe(true);
    for (const r of rows) {
      const carrying = fake.messages.filter((m) => m.body!.includes(r.reference));
      expect(carrying, `page SMS carrying ${r.reference} (urgent: ${r.urgent})`).toHaveLength(r.urgent ? 1 : 0);
    }
    const steps = await fixture.database.db
      .selectFrom('page_step')
      .innerJoin('page', 'page.id', 'page_step.page_id')
      .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
      .select(['enquiry.reference', 'page_step.state'])
      .execute();
    expect(steps).toHaveLength(urgent.length);
    expect(new Set(steps.map((s) => s.reference))).toEqual(new Set(urgent.map((r) => r.reference)));
    expect(steps.every((s) => s.state === 'sent')).toBe(true);
  }

  it('stores every enquiry once, pages every urgent one once, and shows every arrival on both live queues', {
    timeout: 90_000,
  }, async () => {
    explainOnFailure();
    // The requests really go through PgBouncer: it logged the services' logins to its database.
    expect(bouncer.output()).toMatch(/login attempt: db=pressdesk/);
    const marks = logMarks();

    const cookie = await signIn(webs[0].baseUrl!, OFFICER);
    for (const web of webs) streams.push(openLiveQueue(web.name, web.baseUrl!, cookie));
    await Promise.all(streams.map((s) => s.ready));

    const sent = await inParallel(FIRST_BURST, PARALLEL, async (i) => {
      const web = webs[i % 2];
      const urgent = i % 4 < 2; // half urgent, spread over both web processes
      const res = await postEnquiry(web.baseUrl!, burstEnquiry(i, urgent));
      const body = (await res.json()) as { reference?: string; urgent?: boolean; pagedOnCall?: boolean };
      expect(res.status, `${web.name}: ${JSON.stringify(body)}`).toBe(201);
      expect(body.urgent).toBe(urgent);
      expect(body.pagedOnCall).toBe(urgent);
      return { reference: body.reference!, urgent, subject: String(burstEnquiry(i, urgent).subject) };
    });
    expect(new Set(sent.map((s) => s.reference)).size).toBe(FIRST_BURST);

    // Every 201 has its row, once, as it was answered.
    const rows = await stored(sent.map((s) => s.subject));
    expect(rows).toHaveLength(FIRST_BURST);
    const byReference = new Map(rows.map((r) => [r.reference, r]));
    for (const s of sent)
      expect(byReference.get(s.reference), s.reference).toMatchObject({
        urgent: s.urgent,
        needs_on_call: s.urgent,
        channel: 'api',
      });

    // Both live queues see every arrival, whichever web process took it.
    for (const s of streams) {
      await waitUntil(
        `${s.name}'s live queue to show all ${FIRST_BURST} enquiries (saw ${s.references.size})`,
        () => sent.every((e) => s.references.has(e.reference)),
        15_000,
        100,
      );
    }

    await expectEachUrgentPagedOnce(rows);
    // Nothing failed quietly on the way (a rate-limit counter refused by the pooler is only a warning).
    expect(warningsSince(marks)).toEqual([]);
  });

  it('through a PgBouncer restart mid-burst: each request stored once or refused with a clean 503, nothing paged twice', {
    timeout: 120_000,
  }, async () => {
    explainOnFailure();
    interface Outcome {
      i: number;
      urgent: boolean;
      subject: string;
      status: number;
      body: { reference?: string; error?: { code?: string } };
      /** Sent once the restarted PgBouncer was serving. */
      afterRestart: boolean;
    }
    const outcomes: Outcome[] = [];
    let restart: Promise<void> | null = null;
    let restarted = false;
    let sentAfterRestart = 0;
    let next = 0;
    const send = async (i: number): Promise<void> => {
      const web = webs[i % 2];
      const urgent = i % 4 < 2;
      const subject = `Pooler restart, question ${i}`;
      const afterRestart = restarted;
      if (afterRestart) sentAfterRestart += 1;
      const res = await postEnquiry(web.baseUrl!, {
        ...burstEnquiry(0, urgent),
        name: `Reporter ${i}`,
        // One newsroom's phones, one per request, past the first burst's (a UK mobile: 07911 1xxxxx).
        phone: `+447911${100_000 + i}`,
        subject,
      });
      const body = (await res.json()) as Outcome['body'];
      outcomes.push({ i, urgent, subject, status: res.status, body, afterRestart });
      if (outcomes.length === BEFORE_RESTART)
        restart = bouncer.restart().then(() => {
          restarted = true;
        });
    };
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < SECOND_BURST_MAX && !(restarted && sentAfterRestart >= AFTER_RESTART)) {
          await send(next++);
          // A burst, not a flood: the restart takes a while, and the requests should straddle it.
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    await restart;
    expect(restarted, 'PgBouncer restarted during the burst').toBe(true);

    // Every answer is a 201 or the clean "unavailable" 503; the restart met some of them.
    const odd = outcomes.filter((o) => o.status !== 201 && !(o.status === 503 && o.body.error?.code === 'unavailable'));
    expect(odd, 'answers other than 201 or a clean 503').toEqual([]);
    const created = outcomes.filter((o) => o.status === 201);
    const refused = outcomes.filter((o) => o.status === 503);
    expect(refused.length, 'requests that met the restart').toBeGreaterThan(0);
    expect(created.filter((o) => !o.afterRestart).length, '201s before the restart').toBeGreaterThan(0);
    const afterwards = created.filter((o) => o.afterRestart);
    expect(afterwards.length, '201s once PgBouncer was back').toBeGreaterThan(0);

    const rows = await stored(outcomes.map((o) => o.subject));
    const bySubject = new Map<string, typeof rows>();
    for (const r of rows) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
    // Nothing stored twice; every 201 stored once, as answered.
    for (const o of created) {
      expect(bySubject.get(o.subject), `${o.subject}: answered 201`).toHaveLength(1);
      expect(bySubject.get(o.subject)![0]).toMatchObject({ reference: o.body.reference, urgent: o.urgent });
    }
    // A 503 stored nothing, except when PgBouncer was cut between PostgreSQL's commit and its
    // answer reaching the service (the commit happened; the service could not know): then once.
    for (const o of refused)
      expect((bySubject.get(o.subject) ?? []).length, `${o.subject}: answered 503`).toBeLessThanOrEqual(1);

    // Both live queues see every enquiry answered 201, the restart's too: the LISTEN connection,
    // direct, also carries the NOTIFY, so a pooler restarting does not lose an announcement.
    for (const s of streams) {
      await waitUntil(
        `${s.name}'s live queue to show all ${created.length} enquiries answered 201`,
        () => created.every((o) => s.references.has(o.body.reference!)),
        15_000,
        100,
      );
    }

    // Every stored urgent enquiry of both bursts paged exactly once, nothing twice.
    const all = await fixture.database.db.selectFrom('enquiry').select(['reference', 'urgent']).execute();
    await expectEachUrgentPagedOnce(all);
    expect(
      [...webs, ...workers].filter((p) => p.exited).map((p) => p.name),
      'processes that exited',
    ).toEqual([]);
  });
});
