/**
 * Issue 22, item 2: sql/20261205020000_retention_reaches_everything.sql on a database that
 * already has erasures behind it. What those erasures left (the on-call officer's INFO about an
 * erased enquiry with its reply quoting the journalist; the address in a send's key on the
 * timeline) is blanked; every row stays, and nothing about enquiries still live changes.
 */
import { Migrator, sql } from 'kysely';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/database.js';
import { migrate, SqlFileMigrationProvider } from '../../../src/db/migrations.js';
import { emptyDatabaseForFile } from '../../support/db.js';

const BEFORE = '20261129180000_incidents';
const AT = new Date('2026-12-01T10:00:00Z');

const scratch = emptyDatabaseForFile();
let pool: pg.Pool;
let db: Db;
beforeAll(() => ({ pool, db } = scratch()));

describe('the retention migration', () => {
  it('blanks what earlier erasures left, and keeps every row', async () => {
    const to = await new Migrator({ db, provider: new SqlFileMigrationProvider() }).migrateTo(BEFORE);
    expect(to.error).toBeUndefined();
    const enquiry = async (reference: string, erased: boolean) =>
      (
        await sql<{ id: string }>`
        INSERT INTO enquiry (reference, channel, name, outlet, email, phone, subject, details, urgent, out_of_hours, needs_on_call, received_at, updated_at, erased_at)
        VALUES (${reference}, 'email', ${erased ? '[erased]' : 'Live Lou'}, 'Post', ${erased ? null : 'lou@post.example'}, NULL, 'S', 'D', true, true, true, ${AT}, ${AT}, ${erased ? AT : null})
        RETURNING id`.execute(db)
      ).rows[0].id;
    const erased = await enquiry('PD-EEE-EEE', true);
    const live = await enquiry('PD-LLL-LLL', false);
    const text = (sid: string, body: string, reply: string) =>
      sql`INSERT INTO sms_inbound (message_sid, from_number, body, enquiry_id, reply, received_at) VALUES (${sid}, '+447911200001', ${body}, NULL, ${reply}, ${AT})`.execute(
        db,
      );
    await text('SM1', 'INFO 4821', 'PD-EEE-EEE: Kay Gone, Post (07911 123490, kay@post.example). Subject: the fire.');
    await text('SM2', 'INFO PD-LLL-LLL', 'PD-LLL-LLL: Live Lou, Post (lou@post.example).');
    await text('SM3', 'HELP', 'Press Desk commands: …');
    const event = (id: string, key: string) =>
      sql`INSERT INTO enquiry_event (enquiry_id, at, kind, data) VALUES (${id}, ${AT}, 'email_out', ${JSON.stringify({ messageId: '<pd.1@press.example>', key, ...(id === erased ? { erased: true } : { to: 'lou@post.example' }) })}::jsonb)`.execute(
        db,
      );
    await event(erased, `email-ack:${erased}:kay@post.example`);
    await event(live, `email-ack:${live}:lou@post.example`);

    await migrate(db, pool);

    const texts = await sql<{
      message_sid: string;
      body: string;
      reply: string;
    }>`SELECT message_sid, body, reply FROM sms_inbound ORDER BY message_sid`.execute(db);
    expect(texts.rows).toEqual([
      { message_sid: 'SM1', body: '[erased]', reply: '[erased]' },
      { message_sid: 'SM2', body: 'INFO PD-LLL-LLL', reply: 'PD-LLL-LLL: Live Lou, Post (lou@post.example).' },
      { message_sid: 'SM3', body: 'HELP', reply: 'Press Desk commands: …' },
    ]);
    const events = await sql<{
      enquiry_id: string;
      data: Record<string, unknown>;
    }>`SELECT enquiry_id::text, data FROM enquiry_event ORDER BY id`.execute(db);
    expect(events.rows).toEqual([
      { enquiry_id: erased, data: { messageId: '<pd.1@press.example>', erased: true } },
      // A live enquiry's timeline is erasure's business later (`key` is a personal field now).
      {
        enquiry_id: live,
        data: { messageId: '<pd.1@press.example>', key: `email-ack:${live}:lou@post.example`, to: 'lou@post.example' },
      },
    ]);
  });
});
