import { afterEach, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.repository.js';
import { AUDIT_PAGE_SIZE } from '../../src/desk/manager.routes.js';
import { decodeEntities, fieldError, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Issue 23, item 8: the audit log filters by who, action, enquiry reference and date (office
// time), as GET parameters that can be bookmarked, with a count and paging that keep the filters.
// Friday 3 July 2026 in London is BST (UTC+1): a day read in UTC would be an hour out.
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };

let h: Harness;
afterEach(async () => h?.close());

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/** The audit rows' ids shown on a page, in order. */
function rowIds(html: string): string[] {
  return [...html.matchAll(/<tr id="audit-(\d+)"/g)].map((m) => m[1]);
}

async function start() {
  h = await startHarness({ now: '2026-07-03T11:00:00Z' });
  const manager = await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const officer = await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Gazette',
    email: 'ann@gazette.example',
    subject: 'Road closure',
    details: 'x',
  });
  const { reference } = (await res.json()) as { reference: string };
  const enquiry = await h.database.db
    .selectFrom('enquiry')
    .select('id')
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
  const otto = { userId: officer.id, email: officer.email };
  const db = h.database.db;
  // Thursday 2 July 23:30 BST (22:30Z) and Friday 3 July 00:30 BST (23:30Z, still the 2nd in UTC).
  await audit(db, {
    at: new Date('2026-07-02T22:30:00Z'),
    actor: otto,
    action: 'enquiry.note_added',
    enquiryId: enquiry.id,
  });
  await audit(db, {
    at: new Date('2026-07-02T23:30:00Z'),
    actor: otto,
    action: 'enquiry.note_added',
    enquiryId: enquiry.id,
  });
  await audit(db, {
    at: new Date('2026-07-03T09:00:00Z'),
    actor: otto,
    action: 'enquiry.assigned',
    enquiryId: enquiry.id,
  });
  await audit(db, {
    at: new Date('2026-07-03T10:00:00Z'),
    actor: { userId: manager.id, email: manager.email },
    action: 'user.created',
  });
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  return { manager, officer, reference, mona };
}

describe('the audit log filters', () => {
  it('by who, action, enquiry reference and office-time day, with a count, all in the bookmarkable URL', async () => {
    const { officer, reference, mona } = await start();
    const byOtto = await mona.get(`/desk/audit?actor=${officer.id}`);
    expect(byOtto.status).toBe(200);
    expect(text(byOtto.body)).toContain('3 entries match these filters.');
    expect(byOtto.body).toMatch(new RegExp(`<option value="${officer.id}" selected="">Otto Officer</option>`));

    const notes = await mona.get(
      `/desk/audit?actor=${officer.id}&action=enquiry.note_added&reference=${reference.toLowerCase()}`,
    );
    expect(text(notes.body)).toContain('2 entries match these filters.');
    expect(notes.body).not.toContain('<div class="hint action-code">enquiry.assigned</div>');
    expect(notes.body).toContain('<div class="hint action-code">enquiry.note_added</div>');

    // Friday 3 July in office time starts at 23:00Z on the 2nd: the 00:30 BST note is Friday's.
    const friday = await mona.get(`/desk/audit?actor=${officer.id}&from=2026-07-03&to=2026-07-03`);
    expect(text(friday.body)).toContain('2 entries match these filters.');
    const thursday = await mona.get(`/desk/audit?actor=${officer.id}&from=2026-07-02&to=2026-07-02`);
    expect(text(thursday.body)).toContain('1 entry matches these filters.');

    const none = await mona.get('/desk/audit?reference=PD-ZZZ-ZZZ');
    expect(text(none.body)).toContain('0 entries match these filters. No entries match these filters.');
  });

  it('refuses values it cannot read with a 422 that says which, never a server error', async () => {
    const { mona } = await start();
    const res = await mona.get(
      '/desk/audit?actor=robert%27);DROP&action=%3Cscript%3E&reference=nonsense&from=2026-02-30&to=yesterday',
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'a-actor')).toBe('Choose someone from the list');
    expect(fieldError(res.body, 'a-action')).toBe('Choose an action from the list');
    expect(fieldError(res.body, 'a-reference')).toBe('Enter an enquiry reference like PD-7KQ-M3D');
    expect(fieldError(res.body, 'a-from')).toBe('Enter a date like 2026-11-02');
    expect(fieldError(res.body, 'a-to')).toBe('Enter a date like 2026-11-02');
    const backwards = await mona.get('/desk/audit?from=2026-07-03&to=2026-07-01');
    expect(backwards.status).toBe(422);
    expect(fieldError(backwards.body, 'a-to')).toBe('The end date must be on or after the start date');
  });

  it('pages through a filtered log keeping the filters', async () => {
    const { officer, mona } = await start();
    const otto = { userId: officer.id, email: officer.email };
    for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++)
      await audit(h.database.db, {
        at: new Date('2026-07-03T10:30:00Z'),
        actor: otto,
        action: 'enquiry.status_changed',
      });
    const first = await mona.get(`/desk/audit?actor=${officer.id}&action=enquiry.status_changed`);
    expect(text(first.body)).toContain(
      `${AUDIT_PAGE_SIZE + 5} entries match these filters; showing ${AUDIT_PAGE_SIZE}, newest first.`,
    );
    expect(rowIds(first.body)).toHaveLength(AUDIT_PAGE_SIZE);
    const older = /href="(\/desk\/audit\?[^"]*before=\d+[^"]*)"/.exec(first.body)![1].replace(/&amp;/g, '&');
    expect(older).toContain(`actor=${officer.id}`);
    expect(older).toContain('action=enquiry.status_changed');
    const second = await mona.get(older);
    expect(rowIds(second.body)).toHaveLength(5);
    expect(second.body).not.toContain('<div class="hint action-code">enquiry.note_added</div>');
    expect(second.body).toContain(
      `href="/desk/audit?actor=${officer.id}&amp;action=enquiry.status_changed">Newest entries`,
    );
  });
});
