/**
 * Issue 24, item 5: the scheduled jobs on their schedule. The real crontab (CRONTAB in
 * src/tasks.ts, parsed by graphile-worker's own parser) is run minute by minute under the
 * fake clock, through the real task list, across the autumn clock change (Friday 23 October 2026
 * in BST to Monday 26 October in GMT: Sunday 02:00 BST became 01:00 GMT) and the spring one
 * (Sunday 29 March 2026, 01:00 GMT became 02:00 BST). graphile-worker matches crontab times in UTC
 * (see test/support/crontab.ts), so the five-minute tasks decide office time themselves while
 * retention and the calendar run at fixed UTC minutes. What the office would notice is kept as a
 * diary in office time and compared, whole, with what should have happened.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { CrontabRun, officeTime } from '../support/crontab.js';
import { startHarness, type Harness } from '../support/harness.js';
import { putOnRota } from '../support/rota.js';

const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
const DIGEST_PHONE = '+447911300010';
const MANAGER = '+447911300001';
const SYSTEM = { userId: null, email: 'test' };
const MINUTE = 60_000;
const PHONES = { [ON_CALL]: 'on-call', [BACKUP]: 'backup', [DIGEST_PHONE]: 'digest phone', [MANAGER]: 'duty manager' };

let h: Harness;
afterEach(async () => h?.close());

async function submit(fields: Record<string, unknown>): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    details: 'Details of the question.',
    ...fields,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { reference: string }).reference;
}

/**
 * An urgent enquiry submitted at `at` in office hours that nobody on the desk picks up; the
 * on-call officer acknowledges its page (ACK) at `ackAt`, after the closing handover.
 */
async function urgentNobodyPicksUp(
  cron: CrontabRun,
  o: { at: string; name: string; subject: string; phone: string; ackAt: string },
): Promise<void> {
  await cron.runThrough(o.at);
  cron.label(await submit({ subject: o.subject, urgent: true, phone: o.phone }), o.name);
  await cron.runThrough(o.ackAt);
  await h.sms(ON_CALL, 'ACK');
}

/** The page text the on-call officer gets for an urgent enquiry of `submit` (reference shown as its label). */
function pageText(name: string, phone: string, subject: string): string {
  return `URGENT media enquiry [${name}]. Ann Reporter, Evening Gazette ${phone}. No deadline given. Subject: ${subject}`;
}

/** The first line of the morning digest's text after a night with no enquiries. */
const QUIET_NIGHT =
  'Press Office handover: 0 enquiries while closed, 0 urgent, 0 paged (0 acknowledged), 0 unanswered.';

async function start(now: string) {
  h = await startHarness({
    now,
    jobs: true,
    config: {
      handover: { smsNumbers: [DIGEST_PHONE] },
      desk: { escalationNumbers: [MANAGER] },
      intake: { rateLimit: null },
    },
  });
  const span = { from: '2025-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };
  await putOnRota(h, { name: 'Olu On-Call', phone: ON_CALL }, 'primary', span);
  await putOnRota(h, { name: 'Bea Backup', phone: BACKUP }, 'backup', span);
}

describe('the crontab across the autumn clock change (Fri 23 Oct 2026 BST to Mon 26 Oct 2026 GMT)', () => {
  it('hands over at 17:00 office time each day, warns and escalates at their minutes, digests at opening, sweeps retention at 02:41 and the calendar at 03:17 UTC', {
    timeout: 600_000,
  }, async () => {
    // A year before: enquiries closed on successive days, each forgotten 12 months after closing.
    await start('2025-10-22T12:00:00Z');
    const retained: string[] = [];
    for (const day of ['2025-10-23', '2025-10-24', '2025-10-25', '2025-10-26']) {
      h.clock.set(`${day}T11:00:00Z`);
      const ref = await submit({ subject: `Closed on ${day}` });
      h.clock.set(`${day}T12:00:00Z`);
      await h.services.casework.setStatus(ref, 'closed', SYSTEM);
      retained.push(ref);
    }
    await h.jobs.settle();
    const olive = await h.services.users.create(
      { email: 'olive@press.example', name: 'Olive Officer', role: 'officer', password: 'officer-password-1' },
      SYSTEM,
    );

    // Friday 23 October 2026, midnight BST. Nothing has synced the calendar yet.
    h.clock.set('2026-10-22T23:00:00Z');
    expect(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM office_period`.execute(h.database.db)).rows[0].n,
    ).toBe(0);
    const cron = new CrontabRun(h, PHONES);
    await cron.startDiary();

    // Friday afternoon: an ordinary enquiry (respond-by: the office target, 240 opening minutes:
    // 90 on Friday, 150 on Monday morning in GMT), one with a journalist's deadline in the small
    // hours of Sunday that an officer has, and an urgent one nobody picks up before closing.
    await cron.runThrough('2026-10-23T14:30:00Z');
    const target = await submit({ subject: 'Library opening hours' });
    cron.label(target, 'target');
    const overnight = await submit({
      subject: 'Fire at the depot',
      deadline: '2026-10-25T02:30',
      phone: '+447911123402',
    });
    await h.services.casework.assign(overnight, olive.id, SYSTEM);
    cron.label(overnight, 'overnight deadline');
    await urgentNobodyPicksUp(cron, {
      at: '2026-10-23T15:30:00Z',
      name: 'Friday urgent',
      subject: 'Flooding on the ring road',
      phone: '+447911123403',
      ackAt: '2026-10-23T16:02:00Z',
    });

    // Saturday morning: an enquiry while the office is closed, for Monday's digest.
    await cron.runThrough('2026-10-24T10:00:00Z');
    const weekend = await submit({ subject: 'Weekend bin collections', phone: '+447911123404' });
    cron.label(weekend, 'weekend');

    // Monday afternoon (GMT now): an urgent one nobody picks up before closing.
    await urgentNobodyPicksUp(cron, {
      at: '2026-10-26T16:30:00Z',
      name: 'Monday urgent',
      subject: 'Bridge closure',
      phone: '+447911123405',
      ackAt: '2026-10-26T17:02:00Z',
    });
    await cron.runThrough('2026-10-26T18:00:00Z');

    expect(cron.failures).toEqual([]);
    expect(cron.diary).toEqual([
      // The morning digest at opening (09:00 BST), of a quiet night.
      `Fri 23 Oct 09:00 BST text to digest phone: ${QUIET_NIGHT}`,
      // Urgent with no deadline: a 60-minute target and a 60-minute warning, so warned at once.
      'Fri 23 Oct 16:31 BST deadline_warning Friday urgent',
      // Closing at 17:00 BST (16:00 UTC): handed over and paged once.
      'Fri 23 Oct 17:00 BST handed_to_on_call Friday urgent',
      `Fri 23 Oct 17:00 BST text to on-call: ${pageText('Friday urgent', '07911 123403', 'Flooding on the ring road')}`,
      // The journalist's deadline, 02:30 GMT on the night the clocks went back: warned an hour of
      // real time before (the second 01:30 of the night), breached on the dot.
      'Sun 25 Oct 01:30 GMT deadline_warning overnight deadline',
      'Sun 25 Oct 02:30 GMT deadline_breached overnight deadline',
      'Sun 25 Oct 02:30 GMT text to duty manager: [overnight deadline] passed its respond-by time (Sun 25 Oct 02:30) without a response. Assigned: Olive Officer. Fire at the depot',
      // Monday's digest at 09:00 GMT (09:00 UTC now), of the weekend's one arrival.
      'Mon 26 Oct 09:00 GMT text to digest phone: Press Office handover: 1 enquiry while closed, 0 urgent, 0 paged (0 acknowledged), 1 unanswered.',
      // Friday's urgent one: 30 opening minutes on Friday, 30 on Monday.
      'Mon 26 Oct 09:30 GMT deadline_breached Friday urgent',
      'Mon 26 Oct 09:30 GMT text to duty manager: [Friday urgent] passed its respond-by time (Mon 26 Oct 09:30) without a response. Assigned: nobody. Flooding on the ring road',
      // The office target: 90 opening minutes on Friday in BST, 150 on Monday in GMT.
      'Mon 26 Oct 10:30 GMT deadline_warning target',
      'Mon 26 Oct 11:30 GMT deadline_breached target',
      'Mon 26 Oct 11:30 GMT text to duty manager: [target] passed its respond-by time (Mon 26 Oct 11:30) without a response. Assigned: nobody. Library opening hours',
      // The weekend's enquiry: 240 opening minutes from Monday's opening.
      'Mon 26 Oct 12:00 GMT deadline_warning weekend',
      'Mon 26 Oct 13:00 GMT deadline_breached weekend',
      'Mon 26 Oct 13:00 GMT text to duty manager: [weekend] passed its respond-by time (Mon 26 Oct 13:00) without a response. Assigned: nobody. Weekend bin collections',
      'Mon 26 Oct 16:31 GMT deadline_warning Monday urgent',
      // Closing at 17:00 GMT (17:00 UTC): handed over and paged once.
      'Mon 26 Oct 17:00 GMT handed_to_on_call Monday urgent',
      `Mon 26 Oct 17:00 GMT text to on-call: ${pageText('Monday urgent', '07911 123405', 'Bridge closure')}`,
    ]);

    // Retention at 02:41 UTC each night, forgetting exactly what had come due.
    expect(cron.ranAt('retention_sweep')).toEqual([
      'Fri 23 Oct 03:41 BST',
      'Sat 24 Oct 03:41 BST',
      'Sun 25 Oct 02:41 GMT',
      'Mon 26 Oct 02:41 GMT',
    ]);
    const erased = await h.database.db
      .selectFrom('enquiry')
      .select(['reference', 'erased_at', 'name'])
      .where('reference', 'in', retained)
      .orderBy('id')
      .execute();
    expect(erased.map((e) => e.erased_at && officeTime(e.erased_at))).toEqual([
      'Sat 24 Oct 03:41 BST',
      'Sun 25 Oct 02:41 GMT',
      'Mon 26 Oct 02:41 GMT',
      null,
    ]);
    expect(erased.map((e) => e.name)).toEqual(['[erased]', '[erased]', '[erased]', 'Ann Reporter']);
    expect(cron.logged).toEqual(Array(3).fill('retention: erased personal data from 1 enquiries'));

    // The directory's retention (issue 26) at 02:47 UTC each night, after the journalists'.
    expect(cron.ranAt('colleague_retention')).toEqual([
      'Fri 23 Oct 03:47 BST',
      'Sat 24 Oct 03:47 BST',
      'Sun 25 Oct 02:47 GMT',
      'Mon 26 Oct 02:47 GMT',
    ]);

    // The calendar at 03:17 UTC, and what it wrote has the office's days in their own offsets.
    expect(cron.ranAt('calendar_sync')).toEqual([
      'Fri 23 Oct 04:17 BST',
      'Sat 24 Oct 04:17 BST',
      'Sun 25 Oct 03:17 GMT',
      'Mon 26 Oct 03:17 GMT',
    ]);
    const periods = await sql<{ starts_at: Date; ends_at: Date }>`SELECT starts_at, ends_at FROM office_period
        WHERE starts_at >= '2026-10-23T00:00Z' AND starts_at < '2026-10-27T00:00Z' ORDER BY starts_at`.execute(
      h.database.db,
    );
    expect(periods.rows.map((p) => `${officeTime(p.starts_at)} to ${officeTime(p.ends_at)}`)).toEqual([
      'Fri 23 Oct 09:00 BST to Fri 23 Oct 17:00 BST',
      'Mon 26 Oct 09:00 GMT to Mon 26 Oct 17:00 GMT',
    ]);

    // Every minute had its deadline sweep, and the five-minute tasks their 12 an hour, once each.
    const minutes = (new Date('2026-10-26T18:00:00Z').getTime() - new Date('2026-10-22T23:00:00Z').getTime()) / MINUTE;
    expect(cron.ranAt('deadline_sweep')).toHaveLength(minutes);
    expect(cron.ranAt('closing_handover')).toHaveLength(minutes / 5);
  });
});

describe('the crontab across the spring clock change (Fri 27 Mar 2026 GMT to Mon 30 Mar 2026 BST)', () => {
  it('hands over at 17:00 office time: 17:00 UTC on Friday, 16:00 UTC on Monday; the digest at 09:00 BST', {
    timeout: 600_000,
  }, async () => {
    await start('2026-03-27T08:00:00Z');
    const cron = new CrontabRun(h, PHONES);
    await cron.startDiary();

    await urgentNobodyPicksUp(cron, {
      at: '2026-03-27T16:30:00Z',
      name: 'Friday urgent',
      subject: 'Flooding on the ring road',
      phone: '+447911123403',
      ackAt: '2026-03-27T17:02:00Z',
    });
    await urgentNobodyPicksUp(cron, {
      at: '2026-03-30T15:30:00Z',
      name: 'Monday urgent',
      subject: 'Bridge closure',
      phone: '+447911123405',
      ackAt: '2026-03-30T16:02:00Z',
    });
    await cron.runThrough('2026-03-30T16:30:00Z');

    expect(cron.failures).toEqual([]);
    expect(cron.diary).toEqual([
      `Fri 27 Mar 09:00 GMT text to digest phone: ${QUIET_NIGHT}`,
      'Fri 27 Mar 16:31 GMT deadline_warning Friday urgent',
      'Fri 27 Mar 17:00 GMT handed_to_on_call Friday urgent',
      `Fri 27 Mar 17:00 GMT text to on-call: ${pageText('Friday urgent', '07911 123403', 'Flooding on the ring road')}`,
      `Mon 30 Mar 09:00 BST text to digest phone: ${QUIET_NIGHT}`,
      // 30 opening minutes on Friday in GMT, 30 on Monday in BST.
      'Mon 30 Mar 09:30 BST deadline_breached Friday urgent',
      'Mon 30 Mar 09:30 BST text to duty manager: [Friday urgent] passed its respond-by time (Mon 30 Mar 09:30) without a response. Assigned: nobody. Flooding on the ring road',
      'Mon 30 Mar 16:31 BST deadline_warning Monday urgent',
      'Mon 30 Mar 17:00 BST handed_to_on_call Monday urgent',
      `Mon 30 Mar 17:00 BST text to on-call: ${pageText('Monday urgent', '07911 123405', 'Bridge closure')}`,
    ]);
    expect(cron.ranAt('retention_sweep')).toEqual([
      'Sat 28 Mar 02:41 GMT',
      'Sun 29 Mar 03:41 BST',
      'Mon 30 Mar 03:41 BST',
    ]);
  });
});
