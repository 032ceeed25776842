/**
 * Issue 13, item 1: sql/20261129110000_outbound_message.sql moves every send record into the one
 * outbound table on a database that already has history and pages in flight. History is kept
 * (plain texts, page sends, a bundle as one row), and an in-flight page is not sent twice: a
 * step, or a bundle, left "sending, outcome unknown" by a crash is still looked up at the
 * provider before anything is sent again, and a held page still goes out in its bundle.
 */
import { Migrator, sql } from 'kysely';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { Db } from '../../../src/db/database.js';
import { migrate, SqlFileMigrationProvider } from '../../../src/db/migrations.js';
import { emptyDatabaseForFile } from '../../support/db.js';
import { createLogger } from '../../../src/log.js';
import { buildServices, type Services } from '../../../src/services.js';
import type { TwilioGateway } from '../../../src/telephony/twilio.client.js';

const BEFORE = '20261129100000_call_bundles';
const ON_CALL = '+447911200001';
const BACKUP = '+447911200002';
/**
 * Nobody is on the rota here, so the first step pages the out-of-hours line: a mobile, so that the
 * step in flight is a text (a line that cannot take texts is called instead: landline-fallback.test.ts).
 */
const FALLBACK = '+447911250099';
const NOW = new Date('2026-12-24T19:00:00Z');

const scratch = emptyDatabaseForFile();
let pool: pg.Pool;
let db: Db;
beforeAll(() => ({ pool, db } = scratch()));

/** Inserts an enquiry, its page and page steps as the code before the migration wrote them. */
async function seed(): Promise<Record<string, string>> {
  const pages: Record<string, string> = {};
  for (const [ref, status] of [
    ['PD-AAA-AAA', 'acknowledged'],
    ['PD-BBB-BBB', 'active'],
    ['PD-CCC-CCC', 'active'],
    ['PD-DDD-DDD', 'active'],
    ['PD-EEE-EEE', 'active'],
    ['PD-FFF-FFF', 'active'],
    ['PD-GGG-GGG', 'active'],
    ['PD-HHH-HHH', 'active'],
  ] as const) {
    const e = await sql<{ id: string }>`
      INSERT INTO enquiry (reference, channel, name, outlet, phone, subject, details, urgent, out_of_hours, needs_on_call, received_at, updated_at)
      VALUES (${ref}, 'api', 'Ann Reporter', 'Gazette', '+447911123401', ${`Subject of ${ref}`}, 'details', true, true, true, ${NOW}, ${NOW}) RETURNING id`.execute(
      db,
    );
    const p = await sql<{ id: string }>`
      INSERT INTO page (enquiry_id, short_code, status, created_at) VALUES (${e.rows[0].id}, ${ref.slice(3, 7)}, ${status}, ${NOW}) RETURNING id`.execute(
      db,
    );
    pages[ref] = p.rows[0].id;
  }
  const step = (
    ref: string,
    to: string,
    state: string,
    f: {
      unknown?: boolean;
      sid?: string;
      status?: string;
      attempts?: number;
      error?: string;
      sent?: boolean;
      index?: number;
      action?: string;
    },
  ) =>
    sql`INSERT INTO page_step (page_id, step_index, action, to_number, person_id, state, outcome_unknown, provider_sid, provider_status, attempts, last_error, created_at, sent_at)
        VALUES (${pages[ref]}, ${f.index ?? 0}, ${f.action ?? 'sms'}, ${to}, NULL, ${state}, ${f.unknown ?? false}, ${f.sid ?? null}, ${f.status ?? null}, ${f.attempts ?? 0},
                ${f.error ?? null}, ${new Date(NOW.getTime() - 60_000)}, ${f.sent ? NOW : null})`.execute(db);
  // History: a page sent on its own, and a bundle of two sent as one SMS.
  await step('PD-AAA-AAA', ON_CALL, 'sent', { sid: 'SMaaa', status: 'delivered', attempts: 1, sent: true });
  await step('PD-BBB-BBB', ON_CALL, 'sent', { sid: 'SMbundle', status: 'queued', attempts: 2, sent: true });
  await step('PD-CCC-CCC', ON_CALL, 'sent', { sid: 'SMbundle', status: 'queued', attempts: 1, sent: true });
  // In flight: a step whose SMS may be at Twilio (the worker died waiting for the answer).
  await step('PD-DDD-DDD', FALLBACK, 'sending', { unknown: true, attempts: 1, error: 'timeout' });
  // In flight: a bundle of two to the backup whose outcome is unknown, and a page held since.
  await step('PD-EEE-EEE', BACKUP, 'waiting_bundle', { unknown: true, attempts: 1 });
  await step('PD-FFF-FFF', BACKUP, 'waiting_bundle', { unknown: true, attempts: 1 });
  await step('PD-GGG-GGG', BACKUP, 'waiting_bundle', {});
  // Refused for good.
  await step('PD-HHH-HHH', '+447911200003', 'failed', { attempts: 1, error: 'Invalid To number', index: 1 });
  await sql`INSERT INTO page_phone_window (phone, last_sent_at) VALUES (${BACKUP}, ${new Date(NOW.getTime() - 3600_000)})`.execute(
    db,
  );
  // Plain texts: one sent to the journalist, the digest, and one whose outcome is unknown.
  await sql`INSERT INTO outbound_sms (idempotency_key, enquiry_id, to_number, body, state, outcome_unknown, provider_sid, provider_status, created_at, sent_at)
            VALUES ('reply:1', (SELECT id FROM enquiry WHERE reference = 'PD-AAA-AAA'), '+447911123401', 'Hello Ann', 'sent', false, 'SMreply', 'delivered', ${NOW}, ${NOW}),
                   ('digest:1', NULL, '+447911200009', 'PD-AAA-AAA: Subject of PD-AAA-AAA', 'sent', false, 'SMdigest', 'queued', ${NOW}, ${NOW}),
                   ('reply:2', (SELECT id FROM enquiry WHERE reference = 'PD-BBB-BBB'), '+447911123401', 'Still there?', 'sending', true, NULL, NULL, ${NOW}, NULL)`.execute(
    db,
  );
  return pages;
}

/** A gateway that records what it is asked; finds nothing at the provider unless told. */
function stubGateway(found: Record<string, string> = {}) {
  const calls: string[] = [];
  let n = 0;
  const gateway: TwilioGateway = {
    async sendSms(m) {
      calls.push(`send ${m.to} ${m.body}`);
      return { sid: `SMnew${++n}`, status: 'queued' };
    },
    async placeCall(m) {
      calls.push(`call ${m.to}`);
      return { sid: `CAnew${++n}`, status: 'queued' };
    },
    async findSentSms(a) {
      calls.push(`find ${a.to} ${a.marker}`);
      return found[a.marker] ?? null;
    },
    async findPlacedCall(a) {
      calls.push(`find-call ${a.to}`);
      return null;
    },
    async endCall(sid) {
      calls.push(`end ${sid}`);
    },
    async fetchRecording() {
      return null;
    },
    async deleteRecording() {},
  };
  return { gateway, calls };
}

function services(gateway: TwilioGateway): Services {
  const config = loadConfig(
    {
      PUBLIC_BASE_URL: 'https://press.example.org',
      TWILIO_ACCOUNT_SID: 'ACtest',
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_PHONE_NUMBER: '+447700100200',
      LOG_LEVEL: 'silent',
    },
    { onCall: { bundleSeconds: 120, fallbackNumber: FALLBACK } },
  );
  return buildServices({ config, db, pool, databaseUrl: '', clock: () => NOW, log: createLogger('silent'), gateway });
}

/** Each page's first step with the outbound row that carried it. */
async function steps() {
  const r = await sql<{
    reference: string;
    state: string;
    outbound_id: string | null;
    medium: string | null;
    m_state: string | null;
    outcome_unknown: boolean | null;
    provider_sid: string | null;
    provider_status: string | null;
    attempts: number | null;
    last_error: string | null;
  }>`
    SELECT e.reference, s.state, s.outbound_id, m.medium, m.state AS m_state, m.outcome_unknown, m.provider_sid, m.provider_status, m.attempts, m.last_error
      FROM page_step s JOIN page p ON p.id = s.page_id JOIN enquiry e ON e.id = p.enquiry_id
      LEFT JOIN outbound_message m ON m.id = s.outbound_id ORDER BY e.reference`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.reference, x]));
}

describe('the migration to one outbound table', () => {
  let pages: Record<string, string>;

  it('keeps every send record, one row per message sent', async () => {
    const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider() });
    const to = await migrator.migrateTo(BEFORE);
    expect(to.error).toBeUndefined();
    pages = await seed();
    await migrate(db, pool);

    const s = await steps();
    expect(s['PD-AAA-AAA']).toMatchObject({
      state: 'sent',
      medium: 'sms',
      m_state: 'sent',
      provider_sid: 'SMaaa',
      provider_status: 'delivered',
      outcome_unknown: false,
    });
    // The bundle is one row carrying both steps.
    expect(s['PD-BBB-BBB'].outbound_id).toBe(s['PD-CCC-CCC'].outbound_id);
    expect(s['PD-BBB-BBB']).toMatchObject({ state: 'sent', m_state: 'sent', provider_sid: 'SMbundle', attempts: 2 });
    // In flight: still sending, outcome unknown, so the next attempt looks first.
    expect(s['PD-DDD-DDD']).toMatchObject({
      state: 'sending',
      m_state: 'sending',
      outcome_unknown: true,
      provider_sid: null,
      attempts: 1,
      last_error: 'timeout',
    });
    expect(s['PD-EEE-EEE'].outbound_id).toBe(s['PD-FFF-FFF'].outbound_id);
    expect(s['PD-EEE-EEE']).toMatchObject({ state: 'waiting_bundle', m_state: 'sending', outcome_unknown: true });
    // Held and never claimed: no message yet.
    expect(s['PD-GGG-GGG']).toMatchObject({ state: 'waiting_bundle', outbound_id: null });
    expect(s['PD-HHH-HHH']).toMatchObject({ state: 'failed', m_state: 'failed', last_error: 'Invalid To number' });

    const texts = await sql<{
      idempotency_key: string;
      owner_kind: string;
      content: string;
      state: string;
      outcome_unknown: boolean;
      provider_sid: string | null;
    }>`
      SELECT idempotency_key, owner_kind, content, state, outcome_unknown, provider_sid FROM outbound_message WHERE owner_kind = 'message' ORDER BY idempotency_key`.execute(
      db,
    );
    expect(texts.rows).toEqual([
      {
        idempotency_key: 'digest:1',
        owner_kind: 'message',
        content: 'PD-AAA-AAA: Subject of PD-AAA-AAA',
        state: 'sent',
        outcome_unknown: false,
        provider_sid: 'SMdigest',
      },
      {
        idempotency_key: 'reply:1',
        owner_kind: 'message',
        content: 'Hello Ann',
        state: 'sent',
        outcome_unknown: false,
        provider_sid: 'SMreply',
      },
      {
        idempotency_key: 'reply:2',
        owner_kind: 'message',
        content: 'Still there?',
        state: 'sending',
        outcome_unknown: true,
        provider_sid: null,
      },
    ]);
    const tables = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'outbound_sms'`.execute(db);
    expect(tables.rows[0].n).toBe(0);
  });

  it('looks up an in-flight step at the provider before sending it again, and records what it finds', async () => {
    const { gateway, calls } = stubGateway({ 'PD-DDD-DDD': 'SMfound' });
    await services(gateway).paging.runStep(pages['PD-DDD-DDD'], 0);
    expect(calls).toEqual([`find ${FALLBACK} PD-DDD-DDD`]);
    expect((await steps())['PD-DDD-DDD']).toMatchObject({
      state: 'sent',
      m_state: 'sent',
      provider_sid: 'SMfound',
      provider_status: 'recovered',
      outcome_unknown: false,
      attempts: 2,
    });
  });

  // The page held since is not joined to a retry whose outcome is unknown: had the look-up found
  // the first attempt at Twilio, it would have been recorded as sent in a text that never carried it.
  it('looks up an in-flight bundle first, then sends it once with what it carried; the page held since waits for the next bundle', async () => {
    const { gateway, calls } = stubGateway();
    await services(gateway).paging.sendBundle(BACKUP, 'sms');
    expect(calls[0]).toBe(`find ${BACKUP} PD-EEE-EEE`);
    expect(calls.slice(1)).toHaveLength(1);
    for (const ref of ['PD-EEE-EEE', 'PD-FFF-FFF']) expect(calls[1]).toContain(ref);
    expect(calls[1]).not.toContain('PD-GGG-GGG');
    const s = await steps();
    for (const ref of ['PD-EEE-EEE', 'PD-FFF-FFF']) {
      expect(s[ref]).toMatchObject({
        state: 'sent',
        m_state: 'sent',
        provider_sid: 'SMnew1',
        outbound_id: s['PD-EEE-EEE'].outbound_id,
      });
    }
    expect(s['PD-GGG-GGG']).toMatchObject({ state: 'waiting_bundle', outbound_id: null });
    const next = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${`bundle:${BACKUP}`}`.execute(db);
    expect(next.rows[0].n).toBe(1);
  });

  it('looks up a plain text whose outcome was unknown before sending it again', async () => {
    const { gateway, calls } = stubGateway({ 'Still there?': 'SMold' });
    const enquiryId = (
      await db.selectFrom('enquiry').select('id').where('reference', '=', 'PD-BBB-BBB').executeTakeFirstOrThrow()
    ).id;
    await services(gateway).outbox.sendMessage({
      key: 'reply:2',
      enquiryId,
      to: '+447911123401',
      body: 'Still there?',
    });
    expect(calls).toEqual(['find +447911123401 Still there?']);
  });
});
