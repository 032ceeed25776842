/**
 * Issue 28, item 4: the reports count how enquiries ended, and count referrals (to the FOI team or
 * another organisation), "not a media enquiry" and duplicates apart from missed deadlines: such an
 * enquiry is never a missed deadline, a breach or "still without" a response, and not a deadline
 * met either. Reopened, it is owed an answer again. Erasing its journalist keeps it counted.
 *
 * A known first fortnight of December 2026 (GMT), read on Tuesday 15 December at noon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnquiryOutcome, EnquiryStatus } from '../../src/enquiries/enquiry.model.js';
import { NOT_OWED_OUTCOMES } from '../../src/reports/reports.repository.js';
import { NOT_OWED_WORDS } from '../../src/reports/reports.views.js';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const NOW = '2026-12-15T12:00:00Z';
const PERIOD = 'period=custom&from=2026-12-01&to=2026-12-14';
const MANAGER = { email: 'hana.head@press.example', password: 'manager-password-28' };
const SYSTEM = { userId: null, email: 'test' };
const DPO = { userId: null, email: 'dpo@press.example' };

let h: Harness;

type Seed = {
  ref: string;
  day: number;
  status: EnquiryStatus;
  /** The journalist's deadline, at 12:00 on this day of December. */
  deadlineDay?: number;
  /** First response, at this hour of the day received. */
  responseHour?: number;
  outcome?: EnquiryOutcome;
  org?: string;
  breached?: boolean;
};

const SEEDS: Seed[] = [
  // A: answered an hour after the deadline: missed, and its breach counted.
  {
    ref: 'PD-RAA-AAA',
    day: 1,
    status: 'closed',
    deadlineDay: 1,
    responseHour: 13,
    outcome: 'answered',
    breached: true,
  },
  // B: referred to FOI without a response, the deadline long gone (the desk was told of the breach): not missed, no breach.
  { ref: 'PD-RBB-BBB', day: 2, status: 'closed', deadlineDay: 2, outcome: 'referred_foi', breached: true },
  // C: not a media enquiry; D: a duplicate of A; E: referred to another organisation. None answered, none missed.
  { ref: 'PD-RCC-CCC', day: 3, status: 'closed', deadlineDay: 3, outcome: 'not_media' },
  { ref: 'PD-RDD-DDD', day: 4, status: 'closed', deadlineDay: 4, outcome: 'duplicate' },
  { ref: 'PD-REE-EEE', day: 7, status: 'closed', deadlineDay: 7, outcome: 'referred_other', org: 'Home Office' },
  // F: answered before its deadline with a line: met.
  { ref: 'PD-RFF-FFF', day: 8, status: 'closed', deadlineDay: 8, responseHour: 11, outcome: 'answered_with_line' },
  // G: answered and closed before outcomes were kept: none recorded.
  { ref: 'PD-RGG-GGG', day: 5, status: 'closed', responseHour: 10 },
  // H: withdrawn by the journalist before the deadline (as today: neither met nor missed).
  { ref: 'PD-RHH-HHH', day: 9, status: 'withdrawn', deadlineDay: 10 },
  // R: referred to FOI, then reopened: owed an answer again, its deadline passed: missed, its breach counted.
  { ref: 'PD-RRR-RRR', day: 10, status: 'in_progress', deadlineDay: 10, outcome: 'referred_foi', breached: true },
  // P: open, deadline ahead: pending.
  { ref: 'PD-RPP-PPP', day: 11, status: 'new', deadlineDay: 20 },
];

const emailOf = (ref: string) => `${ref.toLowerCase()}@news.example`;
const dec = (day: number, hour: number) => new Date(Date.UTC(2026, 11, day, hour));

beforeAll(async () => {
  h = await startHarness({ now: NOW });
  await h.services.users.create({ ...MANAGER, name: 'Hana Head', role: 'manager' }, SYSTEM);
  await h.services.reports.syncCalendar();
  const ids: Record<string, string> = {};
  for (const s of SEEDS) {
    const received = dec(s.day, 9);
    const ended = s.status === 'closed' || s.status === 'withdrawn' ? dec(s.day, 15) : null;
    const row = await h.database.db
      .insertInto('enquiry')
      .values({
        reference: s.ref,
        channel: 'web',
        status: s.status,
        name: `Journalist ${s.ref}`,
        outlet: 'Gazette',
        email: emailOf(s.ref),
        phone: null,
        subject: `Subject ${s.ref}`,
        details: 'Details',
        deadline: s.deadlineDay ? dec(s.deadlineDay, 12) : null,
        urgent: false,
        urgent_reason: null,
        out_of_hours: false,
        needs_on_call: false,
        respond_by: s.deadlineDay ? dec(s.deadlineDay, 12) : null,
        received_at: received,
        updated_at: received,
        first_response_at: s.responseHour ? dec(s.day, s.responseHour) : null,
        closed_at: s.status === 'in_progress' ? null : ended,
        resolved_at: ended,
        breached_at: s.breached ? dec(s.deadlineDay!, 12) : null,
        outcome: s.outcome ?? null,
        outcome_org: s.org ?? null,
        duplicate_of: s.outcome === 'duplicate' ? ids['PD-RAA-AAA'] : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[s.ref] = row.id;
  }
});
afterAll(async () => h?.close());

async function figures() {
  const manager = await loginAs(h, MANAGER.email, MANAGER.password);
  const res = await manager.get(`/desk/reports.json?${PERIOD}`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body);
}

describe('outcomes in the reports', () => {
  it('counts each outcome, and why an enquiry has none', async () => {
    const f = await figures();
    expect(f.outcomes).toEqual({
      answered: 1,
      answered_with_line: 1,
      no_comment: 0,
      referred_foi: 1,
      referred_other: 1,
      not_media: 1,
      duplicate: 1,
      not_recorded: 1,
      withdrawn: 1,
      erased: 0,
      open: 2,
    });
    expect(f.received.total).toBe(10);
  });

  it('never counts a referral, not a media enquiry or a duplicate as a missed deadline, a breach or still without a response', async () => {
    const f = await figures();
    // Met: F. Missed: A (late) and R (reopened). Pending: P. B, C, D and E apart.
    expect(f.deadlines).toMatchObject({
      met: 1,
      missed: 2,
      pending: 1,
      notOwed: 4,
      withdrawnBeforeDeadline: 1,
      breaches: 2,
    });
    expect(f.deadlines.shareMet).toBeCloseTo(1 / 3);
    expect(f.deadlines.missedList.map((m: { reference: string }) => m.reference)).toEqual(['PD-RRR-RRR', 'PD-RAA-AAA']);
    // Without a first response and owed one: R and P only.
    expect(f.firstResponse.without).toBe(2);
  });

  it('says so on the page and in the CSV', async () => {
    const manager = await loginAs(h, MANAGER.email, MANAGER.password);
    const page = decodeEntities((await manager.get(`/desk/reports?${PERIOD}`)).body).replace(/\s+/g, ' ');
    expect(page).toContain('<h2>How enquiries ended</h2>');
    expect(page).toMatch(/<th scope="row">Referred to FOI<\/th> ?<td>1<\/td>/);
    expect(page).toMatch(/<th scope="row">Not recorded \(closed before outcomes were kept\)<\/th> ?<td>1<\/td>/);
    expect(page).toContain('1 met, 2 missed; 4 referred or not media, not counted');
    expect(page).toContain('never as a missed deadline, a breach or an enquiry still without a response');
    // The page's words name the very outcomes the SQL leaves out.
    expect([...NOT_OWED_OUTCOMES]).toEqual(['referred_foi', 'referred_other', 'not_media', 'duplicate']);
    expect(page).toContain(`Enquiries closed as ${NOT_OWED_WORDS} were not media enquiries`);

    const csv = (await manager.get(`/desk/reports.csv?${PERIOD}`)).body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = csv[0].split(',');
    expect(header.slice(-2)).toEqual(['outcome', 'outcome_org']);
    const row = (ref: string) => {
      const cells = csv.find((l) => l.startsWith(ref))!.split(',');
      return Object.fromEntries(header.map((c, i) => [c, cells[i]]));
    };
    expect(row('PD-RBB-BBB')).toMatchObject({
      deadline_outcome: 'referred_foi',
      outcome: 'referred_foi',
      outcome_org: '',
    });
    expect(row('PD-REE-EEE')).toMatchObject({
      deadline_outcome: 'referred_other',
      outcome: 'referred_other',
      outcome_org: 'Home Office',
    });
    expect(row('PD-RRR-RRR')).toMatchObject({ deadline_outcome: 'missed', outcome: 'open' });
    expect(row('PD-RAA-AAA')).toMatchObject({ deadline_outcome: 'missed', outcome: 'answered' });
    expect(row('PD-RGG-GGG')).toMatchObject({ deadline_outcome: '', outcome: 'not_recorded' });
  });

  it('keeps the outcomes countable when the journalists are erased', async () => {
    const before = await figures();
    for (const ref of ['PD-RBB-BBB', 'PD-REE-EEE', 'PD-RAA-AAA']) {
      expect(await h.services.privacy.erase({ phone: null, email: emailOf(ref) }, DPO)).toMatchObject({ erased: 1 });
    }
    const after = await figures();
    expect(after.outcomes).toEqual(before.outcomes);
    expect(after.deadlines).toEqual({
      ...before.deadlines,
      // The missed list names the enquiry; its subject is the erasure marker now.
      missedList: before.deadlines.missedList.map((m: { reference: string; subject: string; outlet: string }) => ({
        ...m,
        subject: after.deadlines.missedList.find((x: { reference: string }) => x.reference === m.reference).subject,
      })),
    });
    expect(
      after.deadlines.missedList.find((m: { reference: string }) => m.reference === 'PD-RAA-AAA').subject,
    ).not.toBe('Subject PD-RAA-AAA');
  });
});
