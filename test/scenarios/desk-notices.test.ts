/**
 * Every desk action on the enquiry page says it worked (issue 23, item 3): after the redirect the
 * page opens with a notice (role="status") saying what happened in the officer's terms, with the
 * facts read from the database (the number texted in UK format, the assignee, the new status). A
 * crafted `?done=` link for something that did not happen shows nothing false; a refused form is
 * still a 422 with the problem named. A queued reply shows where it is (Queued, Sent) beside its
 * button, which offers "another" rather than looking untouched.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };
const OFFICER = { email: 'omar.officer@press.example', password: 'officer-password-1' };
const SAM = { email: 'sam.patel@press.example', password: 'officer-password-2' };
const SYSTEM = { userId: null, email: 'test' };

let h: Harness;
let smtp: SmtpRecorder;
let officer: DeskClient;
let manager: DeskClient;
let samId: string;
let officerId: string;

beforeAll(async () => {
  smtp = await startSmtpServer();
  h = await startHarness({
    now: WEDNESDAY_10AM,
    jobs: true,
    env: { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE },
    config: { intake: { rateLimit: null } },
  });
  await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
  officerId = (await h.services.users.create({ ...OFFICER, name: 'Omar Officer', role: 'officer' }, SYSTEM)).id;
  samId = (await h.services.users.create({ ...SAM, name: 'Sam Patel', role: 'officer' }, SYSTEM)).id;
  officer = await loginAs(h, OFFICER.email, OFFICER.password);
  manager = await loginAs(h, MANAGER.email, MANAGER.password);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await smtp?.close();
});
beforeEach(() => h.clock.set(WEDNESDAY_10AM));

async function submit(fields: Record<string, unknown> = {}): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Alex Reporter',
    outlet: 'Evening Gazette',
    phone: '+447912500106',
    email: 'alex@gazette.example',
    subject: 'Road closure on the A38',
    details: 'Why was the A38 closed overnight?',
    ...fields,
  });
  expect(res.status).toBe(201);
  return (await res.json()).reference;
}

/** The text of the page's notice (the role="status" box at its top), or null when there is none. */
function notice(html: string): string | null {
  const m = /<div class="notice" role="status"[^>]*>\s*<p>([\s\S]*?)<\/p>/.exec(html);
  return m ? decodeEntities(m[1]).trim() : null;
}

/** Posts an action as a browser does and follows the redirect; returns the page it lands on. */
async function act(c: DeskClient, ref: string, action: string, fields: Record<string, string> = {}) {
  await c.get(`/desk/enquiries/${ref}`);
  const res = await c.post(`/desk/enquiries/${ref}/${action}`, fields);
  expect(res.status, res.body.slice(0, 300)).toBe(303);
  expect(res.location).toMatch(new RegExp(`^/desk/enquiries/${ref}\\?done=`));
  const page = await c.get(res.location!);
  expect(page.status).toBe(200);
  return { location: res.location!, body: page.body };
}

describe('the notice after each action on the enquiry page', () => {
  it('assigning says who has it: "you" for yourself, the name for someone else, and nobody', async () => {
    const ref = await submit();
    expect(notice((await act(officer, ref, 'assign', { assignee: officerId })).body)).toBe('Assigned to you');
    expect(notice((await act(officer, ref, 'assign', { assignee: samId })).body)).toBe('Assigned to Sam Patel');
    expect(notice((await act(officer, ref, 'assign', { assignee: '' })).body)).toBe(
      'Unassigned: nobody has this enquiry now',
    );
  });

  it('the notice is at the top of the page, before the enquiry, and focusable', async () => {
    const ref = await submit();
    const { body } = await act(officer, ref, 'note', { note: 'Asked the roads team.' });
    expect(notice(body)).toBe('Note added');
    const at = body.indexOf('class="notice"');
    expect(at).toBeGreaterThan(body.indexOf('<h1'));
    expect(at).toBeLessThan(body.indexOf('class="lead subject"'));
    expect(body).toMatch(/<div class="notice" role="status" id="notice" tabindex="-1" autofocus/);
  });

  it('an SMS reply names the number in UK format, then says it was sent; the form says so and offers "another"', async () => {
    const ref = await submit();
    const first = await act(officer, ref, 'reply', { reply: 'The A38 reopened at 06:10.' });
    // The job may already have taken it: queued, sending or sent, always to the number in 07… form.
    expect(notice(first.body)).toMatch(/^SMS (queued|sending|sent) to 07912 500106$/);
    await h.jobs.settle();
    const later = (await officer.get(first.location)).body;
    expect(notice(later)).toBe('SMS sent to 07912 500106');
    expect(decodeEntities(later.replace(/<[^>]+>/g, ''))).toMatch(/Last SMS reply, [^:]+:\d\d: Sent/);
    expect(later).toContain('Send another SMS reply');
    expect(later).not.toContain('>Send SMS reply<');
    expect(h.twilio.messages.filter((m) => m.to === '+447912500106').map((m) => m.body)).toContain(
      'The A38 reopened at 06:10.',
    );
  });

  it('an SMS reply Twilio could not deliver says it failed, beside the form and in the messages', async () => {
    const ref = await submit({ phone: '+447912500108' });
    const first = await act(officer, ref, 'reply', { reply: 'Statement to follow.' });
    await h.jobs.settle();
    const sms = h.twilio.messages.filter((m) => m.to === '+447912500108');
    expect(sms).toHaveLength(1);
    await h.twilio.sendStatusCallback(sms[0], 'undelivered');
    const page = (await officer.get(first.location)).body;
    expect(notice(page)).toBe('SMS to 07912 500108 failed: see the messages below');
    const text = decodeEntities(page.replace(/<[^>]+>/g, ''));
    expect(text).toMatch(/Last SMS reply, [^:]+:\d\d: Failed/);
    expect(text).toMatch(/SMS to 07912 500108: Failed — Statement to follow\./);
  });

  it('a reply\'s delivery status never moves backwards: delivered, then a late "sent", still shows delivered', async () => {
    const ref = await submit({ phone: '+447912500109' });
    const first = await act(officer, ref, 'reply', { reply: 'We will call you back.' });
    await h.jobs.settle();
    const [sms] = h.twilio.messages.filter((m) => m.to === '+447912500109');
    expect(await h.twilio.sendStatusCallback(sms, 'delivered')).toBe(204);
    expect(await h.twilio.sendStatusCallback(sms, 'sent')).toBe(204);
    const row = await h.database.db
      .selectFrom('outbound_message')
      .select('provider_status')
      .where('provider_sid', '=', sms.sid)
      .executeTakeFirstOrThrow();
    expect(row.provider_status).toBe('delivered');
    const page = (await officer.get(first.location)).body;
    expect(notice(page)).toBe('SMS delivered to 07912 500109');
    expect(decodeEntities(page.replace(/<[^>]+>/g, ''))).toMatch(/Last SMS reply, [^:]+:\d\d: Delivered/);
  });

  it('an email reply names the address, then says it was sent', async () => {
    const ref = await submit();
    const first = await act(officer, ref, 'email', { email: 'The A38 reopened at 06:10.' });
    expect(notice(first.body)).toMatch(/^Email (queued|sending|sent) to alex@gazette\.example$/);
    await h.jobs.settle();
    const later = (await officer.get(first.location)).body;
    expect(notice(later)).toBe('Email sent to alex@gazette.example');
    expect(later).toContain('Send another email reply');
  });

  it('recording the response says so, and whether it is on the status page', async () => {
    const ref = await submit();
    expect(notice((await act(officer, ref, 'response', { response: 'The road closed for repairs.' })).body)).toBe(
      'Response recorded',
    );
    expect(notice((await act(officer, ref, 'release', { released: 'yes' })).body)).toBe(
      "Response shown on the journalist's status page",
    );
    expect(notice((await act(officer, ref, 'response', { response: 'Updated line.', release: 'yes' })).body)).toBe(
      "Response recorded and shown on the journalist's status page",
    );
  });

  it('changing status names the new status; choosing the same one says nothing changed', async () => {
    const ref = await submit();
    expect(notice((await act(officer, ref, 'status', { status: 'closed' })).body)).toBe('Status changed to Closed');
    expect(notice((await act(officer, ref, 'status', { status: 'closed' })).body)).toBe(
      'Nothing changed: the status is already Closed',
    );
  });

  it('marking urgent and not urgent says which', async () => {
    const ref = await submit();
    expect(notice((await act(officer, ref, 'urgency', { urgent: 'true', reason: 'Live on air at noon' })).body)).toBe(
      'Marked urgent',
    );
    expect(notice((await act(officer, ref, 'urgency', { urgent: 'false', reason: 'Not live after all' })).body)).toBe(
      'Marked not urgent',
    );
  });

  it('linking to an incident and unlinking name the incident', async () => {
    const declared = await manager.post('/desk/incidents', {
      name: 'Hartfield works fire',
      description: 'Fire at the chemical works.',
      terms: 'hartfield',
    });
    expect(declared.status).toBe(303);
    const incidentId = /\/desk\/incidents\/(\d+)/.exec(declared.location!)![1];
    const ref = await submit({ subject: 'Smoke over the bypass' });
    expect(notice((await act(officer, ref, 'incident', { incident: incidentId })).body)).toBe(
      'Linked to the incident “Hartfield works fire”',
    );
    expect(notice((await act(officer, ref, 'incident/unlink')).body)).toBe(
      'Unlinked from the incident “Hartfield works fire”: it is back in the queue on its own',
    );
    await manager.get(`/desk/incidents/${incidentId}`);
    expect((await manager.post(`/desk/incidents/${incidentId}/close`)).status).toBe(303);
  });

  it('a refused form is still a 422 naming the problem, with no notice', async () => {
    const ref = await submit();
    await officer.get(`/desk/enquiries/${ref}`);
    const res = await officer.post(`/desk/enquiries/${ref}/note`, { note: '   ' });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, 'note')).toBe('Enter a note');
    expect(notice(res.body)).toBeNull();
  });
});

describe('a crafted ?done= link', () => {
  it("shows nothing for an action not done, for another enquiry's or another officer's entry, or for an unknown code", async () => {
    const ref = await submit({ phone: '+447912500107' });
    const other = await submit();
    const sent = await act(officer, other, 'reply', { reply: 'For the other enquiry.' });
    const otherEvent = new URL(sent.location, 'http://desk').searchParams.get('event')!;
    const note = await act(officer, ref, 'note', { note: 'A note, not a text.' });
    const noteEvent = new URL(note.location, 'http://desk').searchParams.get('event')!;
    const samDesk = await loginAs(h, SAM.email, SAM.password);

    const crafted = [
      `?done=sms`, // no entry: nothing was texted
      `?done=sms&event=${otherEvent}`, // another enquiry's text
      `?done=sms&event=${noteEvent}`, // this enquiry's entry, but a note
      `?done=status&event=${noteEvent}`,
      `?done=assigned&event=${noteEvent}`,
      `?done=email&event=99999999`,
      `?done=linked`, // not linked to any incident
      `?done=unlinked`, // never unlinked
      `?done=acknowledged`, // never paged
      `?done=everything-is-fine`,
      `?done=sms&event=1%20OR%201=1`,
    ];
    for (const q of crafted) {
      const page = await officer.get(`/desk/enquiries/${ref}${q}`);
      expect(page.status, q).toBe(200);
      expect(notice(page.body), q).toBeNull();
    }
    // The officer's own note, seen by someone else, is not "their" action.
    expect(notice((await samDesk.get(`/desk/enquiries/${ref}?done=note&event=${noteEvent}`)).body)).toBeNull();
    expect(notice((await officer.get(`/desk/enquiries/${ref}?done=note&event=${noteEvent}`)).body)).toBe('Note added');
  });
});

describe('a crafted ?done= link on an incident page', () => {
  it('does not say it is closed while open, nor more linked, matched or sent than are', async () => {
    const declared = await manager.post('/desk/incidents', {
      name: 'Quayside flooding',
      description: 'Flooding on the quayside.',
      terms: 'quayside',
    });
    expect(declared.status).toBe(303);
    const path = declared.location!.replace(/\?.*$/, '');
    const noticeAt = async (q: string) => notice((await officer.get(`${path}${q}`)).body);

    expect(await noticeAt('?done=closed')).toBeNull();
    expect(await noticeAt('?done=linked&n=500')).toBeNull();
    expect(await noticeAt('?done=line-sent&n=40&line=1')).toBeNull();
    expect(await noticeAt('?done=edited&n=77')).toBe(
      'The incident is changed. New enquiries that match its search terms are linked as they arrive; 0 open enquiries match them and are not linked yet.',
    );

    const ref = await submit({ subject: 'Quayside under water' });
    await officer.get(`/desk/enquiries/${ref}`);
    expect((await officer.post(`/desk/enquiries/${ref}/incident`, { incident: path.split('/').pop()! })).status).toBe(
      303,
    );
    expect(await noticeAt('?done=linked&n=500')).toBe('The enquiry is linked to the incident.');

    await manager.get(path);
    expect((await manager.post(`${path}/close`)).status).toBe(303);
    expect(await noticeAt('?done=closed')).toBe(
      'The incident is closed. Its enquiries stay linked, and are in the queue as their own rows again.',
    );
  });
});

describe('acknowledging a page from the enquiry page', () => {
  // Christmas Eve, 18:00: the office is closed and an urgent enquiry pages on-call.
  const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
  let night: Harness;
  beforeAll(async () => {
    night = await startHarness({ now: CHRISTMAS_EVE_6PM, jobs: true, config: { onCall: { bundleSeconds: 0 } } });
    await night.services.users.create({ ...OFFICER, name: 'Omar Officer', role: 'officer' }, SYSTEM);
    await night.services.users.create({ ...SAM, name: 'Sam Patel', role: 'officer' }, SYSTEM);
    await night.services.rota.addPerson({ name: 'Olu On-Call', phone: '+447911200001' });
    await night.services.rota.addShift({
      phone: '+447911200001',
      role: 'primary',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2027-01-05T09:00:00Z'),
      createdBy: 'test',
    });
  }, 60_000);
  afterAll(async () => night?.close());
  // After the file's own beforeEach (the clock is one for the process).
  beforeEach(() => night.clock.set(CHRISTMAS_EVE_6PM));

  it('says the page is acknowledged by you, and says nothing of it while it is still active', async () => {
    const res = await night.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: '+447911123401',
      subject: 'Fire at the depot',
      details: 'Need a line tonight.',
      urgent: true,
    });
    expect(res.status).toBe(201);
    const ref = (await res.json()).reference as string;
    await night.jobs.settle();
    const omar = await loginAs(night, OFFICER.email, OFFICER.password);
    const sam = await loginAs(night, SAM.email, SAM.password);
    expect((await omar.get(`/desk/enquiries/${ref}`)).body).toContain('Acknowledge page (I have it)');
    expect(notice((await omar.get(`/desk/enquiries/${ref}?done=acknowledged`)).body)).toBeNull();

    expect(notice((await act(omar, ref, 'acknowledge')).body)).toBe('Page acknowledged by you: escalation stopped');
    expect(notice((await sam.get(`/desk/enquiries/${ref}?done=acknowledged`)).body)).toBe(
      'The page was already acknowledged: escalation stopped',
    );
  });
});
