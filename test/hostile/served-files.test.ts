/**
 * Files the desk serves that came from outside (issue 22, item 8): an email's attachments and a
 * caller's recording, fetched through the whole app as a signed-in browser would. Whatever type
 * the sender (or the upstream) claimed, nothing is served as something a browser runs, and an
 * attachment keeps its own sandboxing Content-Security-Policy rather than the pages' one.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailTables } from '../../src/email/email.tables.js';
import { loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const MANAGER = { email: 'maya.manager@press.example', password: 'manager-password-1' };

let h: Harness;
let desk: DeskClient;
let enquiryId: string;

beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM });
  await h.services.users.create({ ...MANAGER, name: 'Maya Manager', role: 'manager' }, { userId: null, email: 'test' });
  desk = await loginAs(h, MANAGER.email, MANAGER.password);
  const res = await h.postJson('/api/enquiries', {
    name: 'Kay Photo',
    outlet: 'Pictures',
    email: 'kay@pictures.example',
    subject: 'Photo request',
    details: 'Files attached',
  });
  expect(res.status).toBe(201);
  const row = await h.database.db
    .selectFrom('enquiry')
    .select('id')
    .where('reference', '=', (await res.json()).reference)
    .executeTakeFirstOrThrow();
  enquiryId = row.id;
});
afterAll(async () => h?.close());

let uid = 0;
/** An attachment of an email received for the enquiry, stored as intake stores it. */
async function attachment(filename: string, contentType: string, content: string): Promise<string> {
  const db = h.database.db.withTables<EmailTables>();
  uid += 1;
  const message = await db
    .insertInto('email_message')
    .values({
      direction: 'in',
      mailbox: 'INBOX',
      uid_validity: '1',
      uid: String(uid),
      message_id: `<m${uid}@pictures.example>`,
      enquiry_id: enquiryId,
      outcome: 'joined',
      recorded_at: new Date(),
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const file = await db
    .insertInto('email_attachment')
    .values({
      email_id: message.id,
      filename,
      content_type: contentType,
      size_bytes: String(content.length),
      content: Buffer.from(content),
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return file.id;
}

describe('email attachments', () => {
  it('a PNG keeps its type and is served with its own sandbox policy, not the pages’ one', async () => {
    const id = await attachment('photo.png', 'image/png', '\x89PNG\r\n');
    const res = await desk.get(`/desk/attachments/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="photo.png"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    ['page.html', 'text/html'],
    ['page.html', 'TEXT/HTML'],
    ['page.html', 'text/html; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['page.xhtml', 'application/xhtml+xml'],
    ['feed.xml', 'text/xml'],
    ['data.xml', 'application/xml'],
    ['app.js', 'text/javascript'],
    ['app.js', 'application/javascript'],
    ['app.js', 'application/x-javascript'],
    ['app.mjs', 'text/ecmascript'],
    ['app.mjs', 'application/ecmascript'],
    ['rss.xml', 'application/rss+xml'],
    ['doc.xsl', 'text/xsl'],
    ['page.htm', 'text/x-html'],
    ['m.mht', 'message/rfc822'],
    ['m.mht', 'multipart/related'],
    ['pdf', 'application/pdf\r\nX-Evil: 1'],
  ])('%s sent as "%s" is served as bytes, a download, sandboxed and unsniffed', async (filename, type) => {
    const id = await attachment(filename, type, '<script>alert(document.cookie)</script>');
    const res = await desk.get(`/desk/attachments/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-evil')).toBeNull();
  });

  it('the desk’s own pages keep the app’s policy', async () => {
    const res = await desk.get('/desk');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('call recordings', () => {
  /** A caller's message as Twilio holds it, served with `contentType`, and the call that left it. */
  async function recording(contentType: string | undefined): Promise<{ sid: string; bytes: Buffer }> {
    const sid = `RE${randomBytes(16).toString('hex')}`;
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const bytes = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    h.twilio.recordings.set(sid, {
      sid,
      callSid,
      durationSeconds: 7,
      deleted: false,
      bytes,
      source: 'RecordVerb',
      at: new Date(),
      contentType,
    });
    await h.database.db
      .insertInto('voice_call')
      .values({
        call_sid: callSid,
        from_number: '+447911123456',
        started_at: new Date(),
        out_of_hours: false,
        stage: 'done',
        enquiry_id: enquiryId,
        outcome: 'voicemail',
        recording_sid: sid,
        recording_seconds: 7,
      } as never)
      .execute();
    return { sid, bytes };
  }

  it('is served as Twilio’s audio type', async () => {
    const { sid } = await recording(undefined);
    const res = await desk.get(`/desk/recordings/${sid}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    'text/html',
    'text/html; charset=utf-8',
    'image/svg+xml',
    'application/javascript',
    'application/octet-stream',
    'audio',
    'audio/',
    '',
  ])('an upstream answer typed "%s" is still served only as audio, never as a page', async (type) => {
    const { sid } = await recording(type);
    const res = await desk.get(`/desk/recordings/${sid}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
  });

  it('another audio type Twilio may give is kept', async () => {
    const { sid } = await recording('audio/x-wav');
    const res = await desk.get(`/desk/recordings/${sid}`);
    expect(res.headers.get('content-type')).toBe('audio/x-wav');
  });
});
