/**
 * Issue 26, item 4: the release decision. Each response records what was released, what was
 * withheld and why (the office's reasons and words) and who decided; it is on the timeline and in
 * the audit log, never on the journalist's page, and in the decisions export (CSV and JSON, by
 * period or incident) that an inspection or a complaint review is handed. Erasing the journalist
 * takes the words and keeps the reasons countable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntities, fieldError, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Tuesday 8 December 2026, 10:00 in London (GMT).
const TUESDAY_10AM = '2026-12-08T10:00:00Z';
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const JOURNALIST = { name: 'Ann Reporter', phone: '+447911123456', typed: '07911 123456' };
const TEST = { userId: null, email: 'test' };

let h: Harness;
afterEach(async () => h?.close());

async function start(): Promise<DeskClient> {
  h = await startHarness({ now: TUESDAY_10AM, config: { intake: { rateLimit: null } } });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  return loginAs(h, MANAGER.email, MANAGER.password);
}

async function enquiry(subject: string): Promise<{ reference: string; statusPath: string }> {
  const res = await h.postJson('/api/enquiries', {
    name: JOURNALIST.name,
    outlet: 'Evening Gazette',
    phone: JOURNALIST.phone,
    subject,
    details: 'Can you confirm the name of the man who died?',
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { reference: string; statusUrl: string };
  return { reference: body.reference, statusPath: new URL(body.statusUrl).pathname };
}

describe('the release decision', () => {
  it('records what was withheld, why and who decided, on the timeline and in the audit log, and not on the status page', async () => {
    const mona = await start();
    const { reference, statusPath } = await enquiry('Fatal collision on the A38');
    await mona.get(`/desk/enquiries/${reference}`);

    const recorded = await mona.post(`/desk/enquiries/${reference}/response`, {
      response: 'A man in his 40s died at the scene. Enquiries continue.',
      reasons: ['Family not yet informed', 'Live investigation'],
      withheld: 'The name of the man who died',
      decidedBy: 'Det Supt Grey (SIO)',
      release: 'yes',
    });
    expect(recorded.status).toBe(303);

    const page = decodeEntities((await mona.get(`/desk/enquiries/${reference}`)).body);
    expect(page).toContain('Withheld because: Family not yet informed; Live investigation');
    expect(page).toContain('What was withheld: The name of the man who died');
    expect(page).toContain('Decided by: Det Supt Grey (SIO)');
    const audit = await h.database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'enquiry.response_recorded')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({
      reasons: ['Family not yet informed', 'Live investigation'],
      decidedBy: 'Det Supt Grey (SIO)',
    });
    const status = decodeEntities(await (await h.app.request(statusPath)).text());
    expect(status).toContain('A man in his 40s died at the scene.');
    expect(status).not.toContain('The name of the man who died');
    expect(status).not.toContain('Family not yet informed');
  });

  it('refuses words withheld without a reason, or a reason the office does not keep, beside the field, keeping what was typed', async () => {
    const mona = await start();
    const { reference } = await enquiry('Fatal collision on the A38');
    await mona.get(`/desk/enquiries/${reference}`);

    const noReason = await mona.post(`/desk/enquiries/${reference}/response`, {
      response: 'A man died.',
      withheld: 'His name',
    });
    expect(noReason.status).toBe(422);
    expect(fieldError(noReason.body, 'reasons')).toBe('Say why it was withheld: choose at least one reason');
    expect(noReason.body).toContain('A man died.</textarea>');

    const unknown = await mona.post(`/desk/enquiries/${reference}/response`, {
      response: 'A man died.',
      reasons: ['Because we said so'],
    });
    expect(unknown.status).toBe(422);
    expect(fieldError(unknown.body, 'reasons')).toBe('Choose reasons from the list');
    expect(await h.database.db.selectFrom('release_decision').select('id').execute()).toEqual([]);
  });

  it('exports the decisions by period and by incident, in CSV and JSON; erasure takes the words and keeps the reasons', async () => {
    const mona = await start();
    const incident = await h.services.incidents.declare(
      { name: 'A38 collision', terms: 'a38' },
      { kind: 'staff', actor: TEST },
    );
    const linked = await enquiry('Fatal collision on the A38');
    const other = await enquiry('Bin collections');
    // Linked at intake: its subject matches the incident's terms.
    const incidents = await h.database.db
      .selectFrom('enquiry')
      .select(['reference', 'incident_id'])
      .orderBy('id')
      .execute();
    expect(incidents).toEqual([
      { reference: linked.reference, incident_id: incident.id },
      { reference: other.reference, incident_id: null },
    ]);
    await mona.get(`/desk/enquiries/${linked.reference}`);
    await mona.post(`/desk/enquiries/${linked.reference}/response`, {
      response: 'A man in his 40s died at the scene.',
      reasons: ['Family not yet informed'],
      withheld: 'The name of the man who died',
      decidedBy: 'Det Supt Grey (SIO)',
    });
    await mona.post(`/desk/enquiries/${other.reference}/response`, { response: 'Collections resume on Thursday.' });

    // The period: both, oldest first, in office time.
    const csv = await mona.get('/desk/decisions.csv?from=2026-12-08&to=2026-12-08');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'reference,recorded_at (Europe/London),outlet,incident_id,released,released_to_status_page,withheld_reasons,withheld,decided_by,recorded_by',
    );
    expect(lines.slice(1)).toEqual([
      `${linked.reference},2026-12-08T10:00:00+00:00,Evening Gazette,${incident.id},A man in his 40s died at the scene.,false,Family not yet informed,The name of the man who died,Det Supt Grey (SIO),${MANAGER.email}`,
      `${other.reference},2026-12-08T10:00:00+00:00,Evening Gazette,,Collections resume on Thursday.,false,,,${MANAGER.email},${MANAGER.email}`,
    ]);
    // Another day: none.
    expect(
      (await mona.get('/desk/decisions.csv?from=2026-12-01&to=2026-12-07')).body.trim().split('\r\n'),
    ).toHaveLength(1);

    // The incident: only its enquiry's.
    const byIncident = await mona.get(`/desk/decisions.json?incident=${incident.id}`);
    const json = JSON.parse(byIncident.body) as { decisions: Array<Record<string, unknown>> };
    expect(json.decisions.map((d) => d.reference)).toEqual([linked.reference]);
    expect(json.decisions[0]).toMatchObject({
      withheld_reasons: ['Family not yet informed'],
      withheld: 'The name of the man who died',
      decided_by: 'Det Supt Grey (SIO)',
    });

    // The incident's report lists it.
    const report = decodeEntities((await mona.get(`/desk/incidents/${incident.id}/report`)).body);
    expect(report).toMatch(
      /Release decisions[\s\S]*Family not yet informed[\s\S]*The name of the man who died[\s\S]*Det Supt Grey \(SIO\)/,
    );

    // A bad date is named.
    const bad = await mona.get('/desk/decisions.csv?from=2026-13-01');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('from must be a date');

    // The journalist asks to be erased: the words go, the reasons stay countable.
    const erased = await mona.post('/desk/privacy/erase', { phone: JOURNALIST.typed, confirm: 'yes' });
    expect(erased.status).toBe(200);
    const after = JSON.parse((await mona.get(`/desk/decisions.json?incident=${incident.id}`)).body) as {
      decisions: Array<Record<string, unknown>>;
    };
    expect(after.decisions[0]).toMatchObject({
      released: '[erased]',
      withheld: '[erased]',
      withheld_reasons: ['Family not yet informed'],
      decided_by: 'Det Supt Grey (SIO)',
    });
  });
});
