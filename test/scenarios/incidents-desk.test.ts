/**
 * Incidents on the desk (issue 18, item 1, and the queue's deadline markers of item 4), over HTTP:
 * a manager declares an incident, its matching open enquiries are suggested and linked with one
 * button, the queue shows them as one group row with the count (a later arrival joins it), an
 * unlinked enquiry is back in the queue on its own, an officer cannot declare (403), bad input is
 * refused beside its field (422); rows near or past their respond-by are marked in words, and the
 * breaches are a banner for managers and for the officer they are assigned to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, inputValue, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };
const OFFICER = { email: 'omar.officer@press.example', password: 'officer-password-1' };
const OTHER = { email: 'olga.officer@press.example', password: 'officer-password-2' };
const SYSTEM = { userId: null, email: 'test' };

let h: Harness;
let officerId: string;
let manager: DeskClient;
let officer: DeskClient;

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM, jobs: true, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, SYSTEM);
  officerId = (await h.services.users.create({ ...OFFICER, name: 'Omar Officer', role: 'officer' }, SYSTEM)).id;
  await h.services.users.create({ ...OTHER, name: 'Olga Officer', role: 'officer' }, SYSTEM);
  manager = await loginAs(h, MANAGER.email, MANAGER.password);
  officer = await loginAs(h, OFFICER.email, OFFICER.password);
});
afterAll(async () => h?.close());

async function submit(fields: Record<string, unknown>): Promise<string> {
  const res = await h.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone: '+447911123401',
    details: 'Can you tell us more?',
    ...fields,
  });
  expect(res.status).toBe(201);
  return (await res.json()).reference;
}

/** The queue row of `id` (a reference, or `incident-N`), or null when the queue does not show it. */
function row(html: string, id: string): string | null {
  return new RegExp(`<tr id="row-${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? null;
}

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

describe('declaring and working an incident', () => {
  let cordon: string[];
  let other: string;
  let incidentPath: string;

  it('refuses an officer who tries to declare (403), and shows them no form', async () => {
    const res = await officer.post('/desk/incidents', { name: 'Market Street cordon', terms: 'market street cordon' });
    expect(res.status).toBe(403);
    const list = await officer.get('/desk/incidents');
    expect(list.status).toBe(200);
    expect(list.body).not.toContain('action="/desk/incidents"');
    expect(list.body).toContain('Only managers can declare an incident');
  });

  it('refuses a declaration without a name or with terms that match nothing, beside the fields, keeping what was typed (422)', async () => {
    const empty = await manager.post('/desk/incidents', { name: '', description: 'Armed police', terms: '' });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.body, 'incident-name')).toBe('Enter a name');
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('Armed police</textarea>');

    const noTerms = await manager.post('/desk/incidents', { name: 'Market Street cordon', terms: ' ' });
    expect(noTerms.status).toBe(422);
    expect(fieldError(noTerms.body, 'incident-terms')).toBe('Enter search terms');
    expect(fieldError(noTerms.body, 'incident-name')).toBeNull();

    const stopWords = await manager.post('/desk/incidents', { name: 'Something', terms: 'the and of' });
    expect(stopWords.status).toBe(422);
    expect(fieldError(stopWords.body, 'incident-terms')).toMatch(/Use words that appear in the enquiries/);
    expect(inputValue(stopWords.body, 'incident-name')).toBe('Something');
  });

  it('a manager declares; the matching open enquiries are suggested and "link all" links them', async () => {
    cordon = [
      await submit({
        subject: 'Police cordon on Market Street',
        outlet: 'Evening Gazette',
        deadline: '2026-12-02T16:00',
      }),
      await submit({
        subject: 'Market Street: what is happening?',
        details: 'There is a cordon outside number 42.',
        outlet: 'City FM',
        phone: '+447911123402',
      }),
      await submit({
        subject: 'Cordon in Market Street',
        outlet: 'BBC Radio Midlands',
        phone: '+447911123403',
        deadline: '2026-12-02T13:00',
      }),
    ];
    other = await submit({ subject: 'Drone policy at football matches', outlet: 'Northern Echo' });

    const declared = await manager.post('/desk/incidents', {
      name: 'Market Street cordon',
      description: 'Armed police at number 42.',
      terms: 'market street cordon',
    });
    expect(declared.status).toBe(303);
    incidentPath = declared.location!.replace(/\?.*$/, '');
    expect(incidentPath).toMatch(/^\/desk\/incidents\/\d+$/);

    const page = await officer.get(incidentPath);
    expect(page.status).toBe(200);
    const words = text(page.body);
    expect(words).toContain('Market Street cordon');
    expect(words).toContain('Armed police at number 42.');
    // Who declared it, by name (issue 23), not by email.
    expect(words).toContain('by Maya Manager');
    expect(words).not.toContain('maya.manager@press.example');
    expect(words).toContain('Not acknowledged');
    expect(words).toContain('Linked enquiries (0)');
    expect(words).toContain('Suggested: open enquiries that match (3)');
    for (const ref of cordon) expect(page.body).toContain(`id="incident-enquiry-${ref}"`);
    expect(page.body).not.toContain(other);
    expect(words).toContain('Link all 3 suggested');

    // Any officer links them.
    const linked = await officer.post(`${incidentPath}/link-suggested`);
    expect(linked.status).toBe(303);
    const after = await officer.get(linked.location!);
    expect(text(after.body)).toContain('3 enquiries are linked to the incident.');
    expect(text(after.body)).toContain('Linked enquiries (3)');
    expect(text(after.body)).toContain('Suggested: open enquiries that match (0)');
    expect(text(after.body)).toContain('City FM');
  });

  it('the queue shows the incident as one row with its count, newest arrivals and worst due; other enquiries as before', async () => {
    const queue = (await officer.get('/desk')).body;
    for (const ref of cordon) expect(row(queue, ref)).toBeNull();
    expect(row(queue, other)).not.toBeNull();
    const id = incidentPath.split('/').pop()!;
    const group = row(queue, `incident-${id}`);
    expect(group).not.toBeNull();
    const words = text(group!);
    expect(words).toContain('Market Street cordon');
    expect(words).toContain('3 enquiries');
    // Newest first, and the worst due (13:00, the radio station's deadline).
    expect(words.indexOf(cordon[2])).toBeLessThan(words.indexOf(cordon[1]));
    expect(group).toContain(`datetime="${new Date('2026-12-02T13:00:00Z').toISOString()}"`);
    expect(group).toContain(`href="${incidentPath}"`);
    // By due: the group (13:00) comes before the drone enquiry (the office target, 14:00).
    expect(queue.indexOf(`row-incident-${id}`)).toBeLessThan(queue.indexOf(`row-${other}`));

    // Search keeps working: only what matches, in the group too.
    const searched = (await officer.get('/desk?q=drone')).body;
    expect(row(searched, other)).not.toBeNull();
    expect(row(searched, `incident-${id}`)).toBeNull();
  });

  it('a later arrival that matches joins the group: the live row endpoint serves the group row with the new count', async () => {
    const late = await submit({
      subject: 'Market Street cordon: road reopening?',
      outlet: 'Metro',
      phone: '+447911123404',
    });
    const id = incidentPath.split('/').pop()!;
    const live = await officer.get(`/desk/queue/row/${late}`);
    expect(live.status).toBe(200);
    expect(live.body).toContain(`id="row-incident-${id}"`);
    expect(text(live.body)).toContain('4 enquiries');
    expect(text(live.body)).toContain(late);
    cordon.push(late);
  });

  it('unlinking puts the enquiry back in the queue as its own row, and the group counts one fewer', async () => {
    const id = incidentPath.split('/').pop()!;
    const res = await officer.post(`${incidentPath}/unlink`, { reference: cordon[0] });
    expect(res.status).toBe(303);
    const queue = (await officer.get('/desk')).body;
    expect(row(queue, cordon[0])).not.toBeNull();
    expect(text(row(queue, `incident-${id}`)!)).toContain('3 enquiries');
    const page = await officer.get(incidentPath);
    expect(text(page.body)).toContain('Linked enquiries (3)');
    // Taken out by hand: not suggested again.
    expect(page.body).not.toContain(`id="incident-enquiry-${cordon[0]}"`);
  });

  it('links and unlinks from the enquiry’s page', async () => {
    const id = incidentPath.split('/').pop()!;
    const page = await officer.get(`/desk/enquiries/${other}`);
    expect(page.body).toContain(`<option value="${id}">Market Street cordon</option>`);
    // Nothing is chosen to start with (issue 23): linking is a deliberate choice.
    expect(page.body).toMatch(
      /<select id="incident" name="incident" required=""[^>]*><option value="" selected="">Choose an incident<\/option>/,
    );
    const unchosen = await officer.post(`/desk/enquiries/${other}/incident`, { incident: '' });
    expect(unchosen.status).toBe(422);
    expect(decodeEntities(unchosen.body)).toContain('Choose an incident in “Link to an open incident”');
    expect(row((await officer.get('/desk')).body, other)).not.toBeNull();
    expect((await officer.post(`/desk/enquiries/${other}/incident`, { incident: id })).status).toBe(303);
    const linked = await officer.get(`/desk/enquiries/${other}`);
    expect(text(linked.body)).toContain('Linked to Market Street cordon');
    expect(row((await officer.get('/desk')).body, other)).toBeNull();
    expect((await officer.post(`/desk/enquiries/${other}/incident/unlink`)).status).toBe(303);
    expect(row((await officer.get('/desk')).body, other)).not.toBeNull();
  });

  it('closing (managers only) puts its enquiries back in the queue as their own rows', async () => {
    expect((await officer.post(`${incidentPath}/close`)).status).toBe(403);
    expect((await manager.post(`${incidentPath}/close`)).status).toBe(303);
    const queue = (await officer.get('/desk')).body;
    expect(queue).not.toContain('row-incident-');
    for (const ref of cordon) expect(row(queue, ref)).not.toBeNull();
  });
});

describe('deadline markers', () => {
  it('marks a warned row "Due soon" and a breached one "Overdue", and banners breaches to managers and the assigned officer', async () => {
    const warned = await submit({ subject: 'Bin collection statistics', outlet: 'Weekly Post' });
    const breached = await submit({ subject: 'Speed camera figures', outlet: 'Daily Courier' });
    const db = h.services.db;
    await db
      .updateTable('enquiry')
      .set({ warned_at: new Date(WEDNESDAY_10AM) })
      .where('reference', '=', warned)
      .execute();
    await db
      .updateTable('enquiry')
      .set({ warned_at: new Date(WEDNESDAY_10AM), breached_at: new Date(WEDNESDAY_10AM), assigned_to: officerId })
      .where('reference', '=', breached)
      .execute();

    const queue = (await officer.get('/desk')).body;
    expect(text(row(queue, warned)!)).toContain('Due soon');
    expect(text(row(queue, warned)!)).not.toContain('Overdue');
    expect(text(row(queue, breached)!)).toContain('Overdue');
    expect(text(row(queue, breached)!)).not.toContain('Due soon');

    const banner = (html: string) => /<section class="banner breach-banner"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    const mine = text(banner(queue));
    expect(mine).toMatch(new RegExp(`${breached} passed its respond-by time \\(.+\\) without a response`));
    expect(mine).not.toContain(warned);
    expect(text(banner((await manager.get('/desk')).body))).toContain(`${breached} passed its respond-by time`);
    const olga = await loginAs(h, OTHER.email, OTHER.password);
    expect(banner((await olga.get('/desk')).body)).toBe('');

    // A response recorded: no longer a breach to chase.
    await db
      .updateTable('enquiry')
      .set({ first_response_at: new Date(WEDNESDAY_10AM) })
      .where('reference', '=', breached)
      .execute();
    expect(banner((await manager.get('/desk')).body)).toBe('');
  });
});

describe('sending a holding line from the incident page (issue 23)', () => {
  const LINE = 'Emergency services are at the reservoir. We will say more at 18:00.';

  it('previews the exact message with its SMS length, sends on confirm, then says what happened, offers no second send, and marks each enquiry "holding line sent"', async () => {
    const declared = await manager.post('/desk/incidents', { name: 'Op Heron', terms: 'reservoir' });
    expect(declared.status).toBe(303);
    const base = declared.location!.replace(/\?.*$/, '');
    const a = await submit({ subject: 'Reservoir rescue', phone: '+447911123471' });
    const b = await submit({ subject: 'Reservoir closed?', phone: '+447911123472' });
    // A landline and no address: nobody can reach this journalist.
    const landline = await submit({ subject: 'Reservoir road', phone: '+442079460000' });
    expect((await manager.post(`${base}/link-suggested`)).status).toBe(303);
    expect((await officer.post(`${base}/lines`, { kind: 'holding', text: LINE })).status).toBe(303);

    const page = (await officer.get(base)).body;
    const lineId = /lines\/(\d+)\/send/.exec(page)![1];
    expect(text(page)).toContain('Preview and send to the 2 who have not had it');

    // The preview: exactly what each journalist gets, and the SMS length, before anything is sent.
    const preview = await officer.get(`${base}/lines/${lineId}/send`);
    expect(preview.status).toBe(200);
    const inner = (id: string) => text(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(preview.body)![1]);
    expect(inner('preview-sms')).toBe(LINE);
    expect(inner('preview-sms-size')).toBe(`${LINE.length} characters, 1 SMS segment.`);
    expect(inner('preview-email-subject')).toBe(
      `Your enquiry PD-… to ${h.config.office.name} (each with their own reference)`,
    );
    expect(inner('preview-email-body')).toBe(LINE);
    expect(text(preview.body)).toContain('To 2 journalists who have not had it: 2 by text, 0 by email.');
    expect(text(preview.body)).toContain(
      `1 enquiry cannot be reached (no number for texts, no email address): ${landline}.`,
    );
    expect(h.twilio.messages.filter((m) => m.body === LINE)).toHaveLength(0);

    const sent = await officer.post(`${base}/lines/${lineId}/send`);
    expect(sent.status).toBe(303);
    const after = await officer.get(sent.location!);
    // The notice, announced politely to screen readers, whether or not the job has finished yet.
    expect(text(/<div class="notice" role="status"[^>]*>[\s\S]*?<\/div>/.exec(after.body)![0])).toBe(
      `Line sent to 2 journalists; 1 cannot be reached: ${landline}.`,
    );
    expect(text(after.body)).not.toMatch(/Send to the|Preview and send/);

    await h.jobs.settle();
    const done = (await officer.get(base)).body;
    expect(text(done)).toContain('Sent to 2 journalists; every linked journalist has had it; 1 cannot be reached');
    expect(text(done)).not.toMatch(/Send to the|Preview and send/);
    expect(
      h.twilio.messages
        .filter((m) => m.body === LINE)
        .map((m) => m.to)
        .sort(),
    ).toEqual(['+447911123471', '+447911123472']);
    const tableRow = (ref: string) =>
      text(new RegExp(`<tr id="incident-enquiry-${ref}"[\\s\\S]*?</tr>`).exec(done)![0]);
    expect(tableRow(a)).toContain('Holding line sent Wed 2 Dec 10:00');
    expect(tableRow(b)).toContain('Holding line sent Wed 2 Dec 10:00');
    expect(tableRow(landline)).not.toContain('Holding line sent');

    // Pressing send again (an old tab) sends nothing and says so.
    const again = await officer.post(`${base}/lines/${lineId}/send`);
    expect(text((await officer.get(again.location!)).body)).toContain('Nobody was waiting for this line');

    // Once the incident is closed its enquiries are queue rows of their own, marked too.
    expect((await manager.post(`${base}/close`)).status).toBe(303);
    const queue = (await officer.get('/desk')).body;
    expect(text(row(queue, a)!)).toContain('Holding line sent Wed 2 Dec 10:00');
    expect(text(row(queue, landline)!)).not.toContain('Holding line sent');
  });
});

describe('a line refused on the incident page', () => {
  it('names each problem in the error summary, and each link there lands on the field it names', async () => {
    const declared = await manager.post('/desk/incidents', { name: 'Op Wren', terms: 'aqueduct' });
    const base = declared.location!.replace(/\?.*$/, '');
    const refused = await officer.post(`${base}/lines`, { kind: 'rumour', text: '  ' });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.body, 'kind')).toBe('Choose a holding line or a press line');
    expect(fieldError(refused.body, 'text')).toBe('Enter the line to send to the journalists');
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(refused.body)![0];
    const targets = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(targets).toEqual(['kind', 'text']);
    for (const id of targets) expect(refused.body).toMatch(new RegExp(`<(select|textarea|input)[^>]* id="${id}"`));
    expect(await h.services.holdingLines.linesOf(base.split('/').pop()!)).toEqual([]);
  });
});

describe('changing an incident (issue 23)', () => {
  it('a weak term is fixed in place: "Check matches" counts without saving, the guards refuse bad terms beside the field, officers cannot, and a save is audited and links new arrivals by the new terms', async () => {
    const declared = await manager.post('/desk/incidents', {
      name: 'Hartfield works',
      description: 'Fire at the chemical works',
      terms: 'hartfield fire',
    });
    expect(declared.status).toBe(303);
    const base = declared.location!.replace(/\?.*$/, '');
    const id = base.split('/').pop()!;
    const blaze = await submit({ subject: 'Blaze at Hartfield chemical works' });
    const explosion = await submit({ subject: 'Explosion heard in Hartfield' });
    expect(text((await manager.get(base)).body)).toContain('Suggested: open enquiries that match (0)');

    const check = await manager.post(`${base}/edit`, {
      name: 'Hartfield works',
      description: 'Fire at the chemical works',
      terms: 'hartfield',
      check: '1',
    });
    expect(check.status).toBe(200);
    expect(text(/<div class="notice" role="status"[^>]*>[\s\S]*?<\/div>/.exec(check.body)![0])).toBe(
      'These terms match 2 open enquiries not linked yet. Nothing is saved until you press “Save changes”.',
    );
    expect(inputValue(check.body, 'edit-terms')).toBe('hartfield');
    expect((await h.services.incidents.view(id))!.incident.terms).toBe('hartfield fire');

    const negative = await manager.post(`${base}/edit`, {
      name: 'Hartfield works',
      description: '',
      terms: '-weather',
    });
    expect(negative.status).toBe(422);
    expect(fieldError(negative.body, 'edit-terms')).toMatch(/^Say what the enquiries are about/);
    const noName = await manager.post(`${base}/edit`, { name: ' ', description: '', terms: 'hartfield' });
    expect(noName.status).toBe(422);
    expect(fieldError(noName.body, 'edit-name')).toBe('Enter a name');
    expect((await officer.post(`${base}/edit`, { name: 'Hartfield', terms: 'hartfield' })).status).toBe(403);

    const saved = await manager.post(`${base}/edit`, {
      name: 'Hartfield chemical works',
      description: 'Fire and explosion',
      terms: 'hartfield',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`${base}?done=edited&n=2`);
    const page = text((await manager.get(saved.location!)).body);
    expect(page).toContain(
      'The incident is changed. New enquiries that match its search terms are linked as they arrive; 2 open enquiries match them and are not linked yet.',
    );
    expect(page).toContain('Incident: Hartfield chemical works');
    expect(page).toContain(blaze);
    expect(page).toContain(explosion);
    const audits = await h.services.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', '=', 'incident.edited')
      .execute();
    expect(audits).toHaveLength(1);
    expect(audits[0].detail).toMatchObject({
      incidentId: id,
      name: 'Hartfield chemical works',
      terms: 'hartfield',
      before: { name: 'Hartfield works', terms: 'hartfield fire' },
    });

    const later = await submit({ subject: 'Hartfield smoke plume' });
    expect((await h.services.incidents.view(id))!.linked.map((e) => e.reference)).toEqual([later]);
  });
});
