/**
 * Issue 28, item 1, with sign-off (issue 26): where every response needs sign-off
 * (`statements.signOff: always`), a current library line sent unchanged counts as signed off: it
 * goes without a draft, on record as that line and its approval. Changed words, or the words of a
 * withdrawn line, still need sign-off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/http/errors.js';
import { decodeEntities, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Tuesday 8 December 2026, 10:00 in London: the office is open.
const TUESDAY_10AM = '2026-12-08T10:00:00Z';
const JOURNALIST = '+447911123456';
const OFFICER = { name: 'Otto Officer', email: 'otto.officer@press.example', password: 'correct horse battery 2' };
const TEST = { userId: null, email: 'test' };
const FOI = 'We do not name people who have been arrested until they are charged.';

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({
    now: TUESDAY_10AM,
    jobs: true,
    config: { intake: { rateLimit: null }, statements: { signOff: 'always' } },
  });
  await h.services.users.create({ ...OFFICER, role: 'officer' }, TEST);
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: JOURNALIST,
    subject: 'Arrest in Mill Lane',
    details: 'Who was arrested?',
  });
  const { reference } = (await res.json()) as { reference: string };
  const id = await h.services.lines.add(TEST, {
    title: 'Arrests: not named',
    text: FOI,
    approvedBy: 'Chief Superintendent Jo Bloggs',
    approvedAt: new Date('2026-11-03T12:00:00Z'),
    reviewBy: null,
    incidentId: null,
    topicIds: [],
  });
  return { reference, id, otto: await loginAs(h, OFFICER.email, OFFICER.password) };
}

async function textsTo(to: string): Promise<string[]> {
  await h.jobs.settle();
  return h.twilio.messages.filter((m) => m.to === to).map((m) => m.body ?? '');
}

describe('sign-off and library lines', () => {
  it('a current line sent unchanged goes without a draft, recorded as signed off as that line', async () => {
    const { reference, id, otto } = await start();
    const sent = await otto.post(`/desk/enquiries/${reference}/reply`, { reply: ` ${FOI} ` });
    expect(sent.status, decodeEntities(sent.body)).toBe(303);
    expect(await textsTo(JOURNALIST)).toContain(FOI);
    const record = await h.database.db
      .selectFrom('audit_log')
      .select(['detail', 'user_email'])
      .where('action', '=', 'statement.signed_off_as_line')
      .executeTakeFirstOrThrow();
    expect(record.user_email).toBe(OFFICER.email);
    expect(record.detail).toEqual({
      what: 'reply',
      line: id,
      approvedBy: 'Chief Superintendent Jo Bloggs',
      approvedAt: '2026-11-03T12:00:00.000Z',
      signedOffAs: `library line ${id} (approved by Chief Superintendent Jo Bloggs on 3 November 2026)`,
    });

    // Released as the response to the status page, the same.
    await h.services.casework.recordResponse(reference, FOI, TEST, undefined, { release: true });
    const e = await h.database.db
      .selectFrom('enquiry')
      .select('response_released_at')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    expect(e.response_released_at).not.toBeNull();
  });

  it('changed words need sign-off', async () => {
    const { reference, otto } = await start();
    const res = await otto.post(`/desk/enquiries/${reference}/reply`, { reply: `${FOI} Sorry.` });
    expect(res.status).toBe(422);
    expect(decodeEntities(res.body)).toContain('This enquiry needs sign-off');
    expect(await textsTo(JOURNALIST)).not.toContain(`${FOI} Sorry.`);
  });

  it('the words of a withdrawn line need sign-off', async () => {
    const { reference, id } = await start();
    await h.services.lines.withdraw(TEST, id, 'The policy changed');
    await expect(h.services.casework.replyBySms(reference, FOI, TEST)).rejects.toThrow(AppError);
    await expect(
      h.services.casework.recordResponse(reference, FOI, TEST, undefined, { release: true }),
    ).rejects.toMatchObject({ code: 'validation', message: 'Sign-off needed' });
    expect(await textsTo(JOURNALIST)).not.toContain(FOI);
  });
});
