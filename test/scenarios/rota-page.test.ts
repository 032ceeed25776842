/**
 * The manager's rota page used as a browser uses it: each form read off the page (its action, the
 * values it already holds, the option selected, the radio checked) and submitted with only what
 * the manager changes. Written from the survivors of the `oncall-rota-pages` mutation run (issue
 * 24; docs/testing.md, "The manager's rota page"): every form's wiring, a refusal shown in the row
 * or form it came from with what was typed, times left blank or unreadable, the notices after a
 * test page, and ids that name no shift or person.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RotaRole } from '../../src/oncall/rota.tables.js';
import { decodeEntities, fieldError, inputValue, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { numbersVerified } from '../support/rota.js';

// Christmas Eve 2026, 18:00 (UTC is office time in winter): the office is closed.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const JO = '+447911200001';
const SAM = '+447911200003';
const LANDLINE = '+442079460000';
const TEST = { userId: null, email: 'test' };
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, config: { onCall: { bundleSeconds: 0 } } });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const jo = await h.services.rota.addPerson({ name: 'Jo Smith', phone: JO });
  const sam = await h.services.rota.addPerson({ name: 'Sam Patel', phone: SAM });
  await numbersVerified(h.database.db);
  const mona = await loginAs(h, MANAGER.email, MANAGER.password);
  return { jo, sam, mona };
}

async function shift(phone: string, from: string, to: string, opts: { role?: RotaRole; override?: boolean } = {}) {
  return h.services.rota.addShift({
    phone,
    role: opts.role ?? 'primary',
    startsAt: new Date(from),
    endsAt: new Date(to),
    override: opts.override,
    createdBy: 'test',
  });
}

function text(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The attributes of one start tag (`checked=""` and a bare `checked` both read as present). */
function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/\s([a-zA-Z-]+)(?:="([^"]*)")?/g)) out[m[1]] = decodeEntities(m[2] ?? '');
  return out;
}

/** The HTML of the element with id `id` (a table row or section), up to its closing tag. */
function element(html: string, id: string, tag = 'tr'): string {
  const at = html.indexOf(`id="${id}"`);
  expect(at, `element #${id}`).toBeGreaterThanOrEqual(0);
  const open = html.lastIndexOf(`<${tag}`, at);
  return html.slice(open, html.indexOf(`</${tag}>`, at) + tag.length + 3);
}

interface PageForm {
  action: string;
  /** What a browser sends for it as it stands: inputs, checked radios and boxes, each select's selected option. */
  fields: Record<string, string>;
  html: string;
}

/** The form in `html` whose submit button reads `button`, as a browser would submit it. */
function formOf(html: string, button: string): PageForm {
  const forms = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
  const found = forms.filter((f) => {
    const b = /<button[^>]*type="submit"[^>]*>([\s\S]*?)<\/button>/.exec(f);
    return b !== null && text(b[1]).startsWith(button);
  });
  expect(found, `one form with the button "${button}"`).toHaveLength(1);
  const form = found[0];
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const a = attrs(m[0]);
    if (!a.name || ((a.type === 'radio' || a.type === 'checkbox') && !('checked' in a))) continue;
    fields[a.name] = a.value ?? '';
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const options = [...m[2].matchAll(/<option\b[^>]*>/g)].map((o) => attrs(o[0]));
    const chosen = options.find((o) => 'selected' in o) ?? options[0];
    fields[attrs(m[1]).name] = chosen?.value ?? '';
  }
  return { action: attrs(/<form\b[^>]*>/.exec(form)![0]).action, fields, html: form };
}

/** Submits `form` with `changes` typed over what it holds. */
function submit(client: DeskClient, form: PageForm, changes: Record<string, string> = {}) {
  return client.post(form.action, { ...form.fields, ...changes });
}

async function entry(id: string) {
  return h.database.db
    .selectFrom('rota_entry')
    .select(['person_id', 'starts_at', 'ends_at', 'role'])
    .where('id', '=', id)
    .executeTakeFirst();
}

describe("a shift's row on the rota page", () => {
  it('edits the shift through its own form: who and when as they were, unless the manager changes them', async () => {
    const { jo, mona } = await start();
    await shift(SAM, '2026-12-26T09:00:00Z', '2026-12-26T17:00:00Z');
    const s = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    const row = element((await mona.get('/desk/rota')).body, `entry-row-${s.id}`);
    const form = formOf(row, 'Save shift');
    // What the form holds: Jo chosen, the times in office time, as date-and-time pickers.
    expect(form.fields).toMatchObject({ personId: jo.id, startsAt: '2026-12-24T20:00', endsAt: '2026-12-25T09:00' });
    expect(attrs(/<input[^>]*id="entry-[^"]*-startsAt"[^>]*>/.exec(form.html)![0]).type).toBe('datetime-local');
    expect(attrs(/<input[^>]*id="entry-[^"]*-endsAt"[^>]*>/.exec(form.html)![0]).type).toBe('datetime-local');

    const res = await submit(mona, form, { endsAt: '2026-12-25T08:00' });
    expect(res.status).toBe(303);
    expect(await entry(s.id)).toMatchObject({
      person_id: jo.id,
      starts_at: new Date('2026-12-24T20:00:00Z'),
      ends_at: new Date('2026-12-25T08:00:00Z'),
    });
  });

  it('lists everyone on the staff list to hand the shift to, the holder chosen', async () => {
    const { jo, sam, mona } = await start();
    const s = await shift(SAM, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z', { role: 'backup' });
    const row = element((await mona.get('/desk/rota')).body, `entry-row-${s.id}`);
    const options = [...row.matchAll(/<option\b[^>]*>([\s\S]*?)<\/option>/g)].map((m) => {
      const a = attrs(/<option\b[^>]*>/.exec(m[0])![0]);
      return [a.value, text(m[1]), 'selected' in a];
    });
    expect(options).toEqual([
      [jo.id, `Jo Smith (${JO})`, false],
      [sam.id, `Sam Patel (${SAM})`, true],
    ]);
    expect(text(row)).toContain('Sam Patel');
    expect(/<td data-label="Role">([^<]*)<\/td>/.exec(row)![1]).toBe('Backup');
  });

  it('says a primary shift is on call and an override is an override, in its row and its buttons', async () => {
    const { mona } = await start();
    const s = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    const o = await shift(SAM, '2026-12-25T20:00:00Z', '2026-12-26T09:00:00Z', { override: true });
    const page = (await mona.get('/desk/rota')).body;
    const shiftRow = element(page, `entry-row-${s.id}`);
    const overrideRow = element(page, `entry-row-${o.id}`);
    expect(/<td data-label="Role">([^<]*)<\/td>/.exec(shiftRow)![1]).toBe('On call');
    // An override is tagged as one where it says who; an ordinary shift is not.
    expect(overrideRow).toContain('<span class="tag tag--override">Override</span>');
    expect(shiftRow).not.toContain('tag--override');
    expect(text(shiftRow)).toContain("Delete Jo Smith's shift from Thu 24 Dec 20:00?");
    expect(text(overrideRow)).toContain("Delete Sam Patel's override from Fri 25 Dec 20:00?");
    expect(formOf(overrideRow, 'Save override').action).toBe(`/desk/rota/shifts/${o.id}`);

    // The override's confirm form deletes that override and nothing else.
    const res = await submit(mona, formOf(overrideRow, 'Yes, delete this override'));
    expect(res.status).toBe(303);
    expect(await entry(o.id)).toBeUndefined();
    expect(await entry(s.id)).toBeDefined();
  });

  it('treats a shift starting this very minute as started: who cannot change, and it is ended, not deleted', async () => {
    const { mona } = await start();
    const s = await shift(JO, CHRISTMAS_EVE_6PM, '2026-12-25T09:00:00Z');
    const row = element((await mona.get('/desk/rota')).body, `entry-row-${s.id}`);
    expect(text(row)).toContain('It has started: who was on call cannot change.');
    expect(row).not.toContain('Yes, delete this shift');
    h.clock.advance(30 * 60_000);
    const res = await submit(mona, formOf(row, 'End now'));
    expect(res.status).toBe(303);
    expect((await entry(s.id))?.ends_at).toEqual(new Date('2026-12-24T18:30:00Z'));
  });

  it('shows a refused edit in its own row, open, with what was typed; the other rows stay as they were', async () => {
    const { mona } = await start();
    const a = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    const b = await shift(SAM, '2026-12-26T09:00:00Z', '2026-12-26T17:00:00Z');
    const form = formOf(element((await mona.get('/desk/rota')).body, `entry-row-${a.id}`), 'Save shift');
    const res = await submit(mona, form, { startsAt: '2026-12-24T21:00', endsAt: '2026-12-24T20:30' });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(/<title>Error: On-call rota/);
    expect(res.body).toContain(`href="#entry-${a.id}-endsAt"`);
    const rowA = element(res.body, `entry-row-${a.id}`);
    const rowB = element(res.body, `entry-row-${b.id}`);
    expect(fieldError(rowA, `entry-${a.id}-endsAt`)).toBe('The shift must end after it starts');
    expect(inputValue(rowA, `entry-${a.id}-startsAt`)).toBe('2026-12-24T21:00');
    expect(inputValue(rowA, `entry-${a.id}-endsAt`)).toBe('2026-12-24T20:30');
    expect(rowA).toMatch(/<details class="row-details" open=""/);
    expect(rowB).not.toContain('error-message');
    expect(inputValue(rowB, `entry-${b.id}-endsAt`)).toBe('2026-12-26T17:00');
    expect(rowB).not.toMatch(/<details class="row-details" open/);
    // The add-a-shift form is not blamed.
    expect(fieldError(res.body, 'shift-endsAt')).toBeNull();
  });

  it('names each time left blank or unreadable in an edit, and changes nothing', async () => {
    const { jo, mona } = await start();
    const s = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    await mona.get('/desk/rota');
    const blank = await mona.post(`/desk/rota/shifts/${s.id}`, { personId: jo.id, startsAt: ' ', endsAt: '' });
    expect(blank.status).toBe(422);
    expect(fieldError(blank.body, `entry-${s.id}-startsAt`)).toBe('Enter when the shift starts');
    expect(fieldError(blank.body, `entry-${s.id}-endsAt`)).toBe('Enter when the shift ends');
    const unreadable = await mona.post(`/desk/rota/shifts/${s.id}`, {
      personId: jo.id,
      startsAt: '2026-12-24T20:00',
      endsAt: 'after lunch',
    });
    expect(unreadable.status).toBe(422);
    expect(fieldError(unreadable.body, `entry-${s.id}-endsAt`)).toBe(
      'Enter a date and time that exists in office time (Europe/London)',
    );
    expect(fieldError(unreadable.body, `entry-${s.id}-startsAt`)).toBeNull();
    expect(await entry(s.id)).toMatchObject({ ends_at: new Date('2026-12-25T09:00:00Z') });
  });

  it('refuses "End now" on a shift not yet started, and deleting one that has, in that row', async () => {
    const { mona } = await start();
    const future = await shift(JO, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    const started = await shift(SAM, '2026-12-24T12:00:00Z', '2026-12-24T19:00:00Z', { role: 'backup' });
    await mona.get('/desk/rota');
    const ended = await mona.post(`/desk/rota/shifts/${future.id}/end`, {});
    expect(ended.status).toBe(422);
    expect(fieldError(element(ended.body, `entry-row-${future.id}`), `entry-${future.id}-endsAt`)).toBeTruthy();
    expect(await entry(future.id)).toMatchObject({ ends_at: new Date('2026-12-25T09:00:00Z') });

    const deleted = await mona.post(`/desk/rota/shifts/${started.id}/delete`, {});
    expect(deleted.status).toBe(422);
    expect(fieldError(element(deleted.body, `entry-row-${started.id}`), `entry-${started.id}-endsAt`)).toMatch(
      /has started/,
    );
    expect(deleted.body).toContain(`href="#entry-${started.id}-endsAt"`);
    expect(await entry(started.id)).toBeDefined();
  });
});

describe('the "Add a shift or override" form', () => {
  it('reads a time of only spaces as missing, and names a start that cannot be read', async () => {
    const { jo, mona } = await start();
    const form = formOf((await mona.get('/desk/rota')).body, 'Add to the rota');
    const blank = await submit(mona, form, { personId: jo.id, startsAt: '   ', endsAt: '   ' });
    expect(blank.status).toBe(422);
    expect(fieldError(blank.body, 'shift-startsAt')).toBe('Enter when the shift starts');
    expect(fieldError(blank.body, 'shift-endsAt')).toBe('Enter when the shift ends');
    const unreadable = await submit(mona, form, { personId: jo.id, startsAt: 'tonight', endsAt: '2026-12-25T09:00' });
    expect(unreadable.status).toBe(422);
    expect(fieldError(unreadable.body, 'shift-startsAt')).toBe(
      'Enter a date and time that exists in office time (Europe/London)',
    );
    expect(fieldError(unreadable.body, 'shift-endsAt')).toBeNull();
    const noEnd = await submit(mona, form, { personId: jo.id, startsAt: '2026-12-24T20:00', endsAt: 'later' });
    expect(noEnd.status).toBe(422);
    expect(fieldError(noEnd.body, 'shift-endsAt')).toBe(
      'Enter a date and time that exists in office time (Europe/London)',
    );
    expect(await h.database.db.selectFrom('rota_entry').select('id').execute()).toEqual([]);
  });

  it('takes a name and number of only spaces as nobody new: choose someone, or someone chosen is enough', async () => {
    const { jo, mona } = await start();
    const form = formOf((await mona.get('/desk/rota')).body, 'Add to the rota');
    const times = { startsAt: '2026-12-24T20:00', endsAt: '2026-12-25T09:00' };
    const nobody = await submit(mona, form, { personId: '', name: '  ', phone: ' ', ...times });
    expect(nobody.status).toBe(422);
    expect(fieldError(nobody.body, 'shift-personId')).toBe(
      'Choose who is on call, or enter a new person’s name and phone number',
    );
    expect(fieldError(nobody.body, 'shift-name')).toBeNull();

    const chosen = await submit(mona, form, { personId: jo.id, name: ' ', phone: '  ', ...times });
    expect(chosen.status).toBe(303);
    expect(chosen.location).toBe('/desk/rota?done=shift');
    expect(await h.services.rota.onCallAt(new Date('2026-12-24T21:00:00Z'))).toMatchObject({ name: 'Jo Smith' });
  });

  it('shows a refused shift again as typed: the person chosen, backup, override, the note', async () => {
    const { sam, mona } = await start();
    const form = formOf((await mona.get('/desk/rota')).body, 'Add to the rota');
    // The form starts on "Someone new" and primary.
    expect(form.fields).toMatchObject({ personId: '', role: 'primary', name: '', phone: '', startsAt: '', note: '' });
    expect(form.fields.override).toBeUndefined();
    const typed = {
      personId: sam.id,
      role: 'backup',
      override: 'yes',
      startsAt: '2026-12-25T09:00',
      endsAt: '2026-12-25T08:00',
      note: 'Covering for Jo',
    };
    const res = await submit(mona, form, typed);
    expect(res.status).toBe(422);
    const again = formOf(res.body, 'Add to the rota');
    expect(again.fields).toMatchObject(typed);
    expect(fieldError(res.body, 'shift-endsAt')).toBe('The shift must end after it starts');
    // Fixed and sent again, it is added as typed.
    const added = await submit(mona, again, { endsAt: '2026-12-25T17:00' });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/desk/rota?done=override');
    expect(await h.services.rota.nextContactAt(new Date('2026-12-25T10:00:00Z'))).toMatchObject({ name: 'Sam Patel' });
  });

  it('describes a refused role by its message', async () => {
    const { jo, mona } = await start();
    const form = formOf((await mona.get('/desk/rota')).body, 'Add to the rota');
    const res = await submit(mona, form, {
      personId: jo.id,
      role: 'sideways',
      startsAt: '2026-12-24T20:00',
      endsAt: '2026-12-25T09:00',
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(/<fieldset class="[^"]*" aria-describedby="shift-role-error">/);
    expect(res.body).toContain('href="#shift-role"');
  });
});

describe('the staff list', () => {
  it('refuses a new person without a name or with a bad number, beside each field, keeping what was typed', async () => {
    const { mona } = await start();
    const form = formOf((await mona.get('/desk/rota')).body, 'Add person');
    expect(form.action).toBe('/desk/rota/people');
    const res = await submit(mona, form, { name: '', phone: '0791' });
    expect(res.status).toBe(422);
    expect(res.body).toMatch(/<title>Error: On-call rota/);
    expect(fieldError(res.body, 'person-name')).toBeTruthy();
    expect(fieldError(res.body, 'person-phone')).toBe('Enter a phone number, like 07911 123456 or +44 7911 123456');
    expect(res.body).toContain('href="#person-phone"');
    expect(formOf(res.body, 'Add person').fields).toMatchObject({ name: '', phone: '0791' });
    // The shift form is not blamed, and nobody was added.
    expect(fieldError(res.body, 'shift-phone')).toBeNull();
    expect((await h.services.rota.listPeople()).map((p) => p.name)).toEqual(['Jo Smith', 'Sam Patel']);
    const added = await submit(mona, formOf(res.body, 'Add person'), { name: 'Pat New', phone: '07911 200005' });
    expect(added.status).toBe(303);
    expect((await h.services.rota.listPeople()).map((p) => p.name)).toContain('Pat New');
  });

  it("changes a number through that person's own form, and shows a refusal only in their row", async () => {
    const { jo, sam, mona } = await start();
    const page = (await mona.get('/desk/rota')).body;
    const joRow = element(page, `person-row-${jo.id}`);
    expect(joRow).toMatch(new RegExp(`<label[^>]*for="phone-${jo.id}"[^>]*>\\s*New phone number for Jo Smith`));
    expect(attrs(new RegExp(`<input[^>]*id="phone-${jo.id}"[^>]*>`).exec(joRow)![0])).toMatchObject({
      type: 'tel',
      autocomplete: 'off',
      value: JO,
    });
    const refused = await submit(mona, formOf(joRow, 'Save phone number'), { phone: '12345' });
    expect(refused.status).toBe(422);
    expect(fieldError(element(refused.body, `person-row-${jo.id}`), `phone-${jo.id}`)).toBeTruthy();
    const samRow = element(refused.body, `person-row-${sam.id}`);
    expect(samRow).not.toContain('error-message');
    expect(inputValue(samRow, `phone-${sam.id}`)).toBe(SAM);

    const changed = await submit(mona, formOf(joRow, 'Save phone number'), { phone: '07911 200009' });
    expect(changed.status).toBe(303);
    expect((await h.services.rota.listPeople()).find((p) => p.id === jo.id)?.phone).toBe('+447911200009');
  });

  it("sends a test page and takes someone off the rota through the buttons in that person's row", async () => {
    const { jo, sam, mona } = await start();
    await shift(SAM, '2026-12-24T20:00:00Z', '2026-12-25T09:00:00Z');
    const page = (await mona.get('/desk/rota')).body;
    const test = await submit(mona, formOf(element(page, `person-row-${jo.id}`), 'Send test page'));
    expect(test.location).toBe(`/desk/rota?done=test-page&person=${jo.id}`);
    const removed = await submit(mona, formOf(element(page, `person-row-${sam.id}`), 'Remove Sam Patel'));
    expect(removed.location).toBe('/desk/rota?done=removed');
    expect((await h.services.rota.listPeople()).map((p) => p.name)).toEqual(['Jo Smith']);
  });
});

describe('a post made by hand, without the form’s fields', () => {
  it('is refused naming each field as if it were left blank, never a server error; nothing is added', async () => {
    const { jo, mona } = await start();
    await mona.get('/desk/rota');
    const nothing = await mona.post('/desk/rota/shifts', {});
    expect(nothing.status).toBe(422);
    expect(fieldError(nothing.body, 'shift-personId')).toBe(
      'Choose who is on call, or enter a new person’s name and phone number',
    );
    expect(fieldError(nothing.body, 'shift-startsAt')).toBe('Enter when the shift starts');
    expect(fieldError(nothing.body, 'shift-endsAt')).toBe('Enter when the shift ends');
    // Someone chosen and nothing else: no "not both", only the times are missing.
    const chosen = await mona.post('/desk/rota/shifts', { personId: jo.id, role: 'primary' });
    expect(chosen.status).toBe(422);
    expect(fieldError(chosen.body, 'shift-personId')).toBeNull();
    expect(fieldError(chosen.body, 'shift-startsAt')).toBe('Enter when the shift starts');

    const person = await mona.post('/desk/rota/people', {});
    expect(person.status).toBe(422);
    expect(fieldError(person.body, 'person-name')).toBe('Enter the person’s name');
    expect(fieldError(person.body, 'person-phone')).toBe('Enter a phone number, like 07911 123456 or +44 7911 123456');

    const phone = await mona.post(`/desk/rota/people/${jo.id}/phone`, {});
    expect(phone.status).toBe(422);
    expect(inputValue(phone.body, `phone-${jo.id}`)).toBe('');
    expect(await h.database.db.selectFrom('rota_entry').select('id').execute()).toEqual([]);
    expect((await h.services.rota.listPeople()).map((p) => [p.name, p.phone])).toEqual([
      ['Jo Smith', JO],
      ['Sam Patel', SAM],
    ]);
  });
});

describe('after a test page', () => {
  it('says a text went to a mobile, a call to a landline, and only "queued" for a person it cannot name', async () => {
    const { jo, mona } = await start();
    const desk = await h.services.rota.addPerson({ name: 'Duty Desk', phone: LANDLINE });
    const notice = async (query: string) => {
      const body = (await mona.get(`/desk/rota?${query}`)).body;
      const m = /<div class="notice" role="status"[^>]*>([\s\S]*?)<\/div>/.exec(body);
      return m ? text(m[1]) : null;
    };
    expect(await notice(`done=test-page&person=${jo.id}`)).toBe(
      `A test page to Jo Smith on ${JO} has been queued. It should arrive within a minute; if it does not, check the number.`,
    );
    expect(await notice(`done=test-page&person=${desk.id}`)).toMatch(
      new RegExp(`^A test call to Duty Desk on \\${LANDLINE} has been queued: .+ It should ring within a minute`),
    );
    expect(await notice('done=test-page&person=999999')).toBe('The test page has been queued.');
    expect(await notice('done=test-page')).toBe('The test page has been queued.');
    expect(await notice('done=nonsense')).toBeNull();
    expect(await notice('')).toBeNull();
  });
});

describe('ids that name nothing', () => {
  it('answers 404 naming a shift or a person, and changes nothing', async () => {
    const { mona } = await start();
    await mona.get('/desk/rota');
    for (const path of ['/desk/rota/shifts/abc', '/desk/rota/shifts/abc/end', '/desk/rota/shifts/abc/delete']) {
      const res = await mona.post(path, {});
      expect(res.status, path).toBe(404);
      expect(text(res.body), path).toContain('There is no such shift.');
    }
    for (const path of [
      '/desk/rota/people/abc/phone',
      '/desk/rota/people/abc/deactivate',
      '/desk/rota/people/abc/test-page',
    ]) {
      const res = await mona.post(path, { phone: '07911 200009' });
      expect(res.status, path).toBe(404);
      expect(text(res.body), path).toContain('There is no such person.');
    }
    expect((await h.services.rota.listPeople()).map((p) => p.phone)).toEqual([JO, SAM]);
  });
});

describe('the "On call now" panel', () => {
  it('is marked as the fallback when nobody is on the rota, and not when someone is', async () => {
    const { mona } = await start();
    const panel = () =>
      mona
        .get('/desk/rota')
        .then((r) => attrs(/<section[^>]*aria-labelledby="now-title"[^>]*>/.exec(r.body)![0]).class);
    expect(await panel()).toBe('panel oncall-now oncall-now--fallback');
    await shift(JO, CHRISTMAS_EVE_6PM, '2026-12-25T09:00:00Z');
    expect(await panel()).toBe('panel oncall-now');
  });
});
