/**
 * Issue 27, item 9: health that is measured. `/readyz` and every desk page say whether paging
 * (Twilio), the mailbox (IMAP) and SMTP actually work, by what happened: Twilio's account look-up
 * at start and the outcome of each send, the mailbox's session, SMTP's login and sends. A wrong
 * auth token or password shows as `failing` with the class of the error (never the secret, never
 * the provider's message), and a channel put right shows `ok` again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ImapWatcher } from '../../src/email/imap.watcher.js';
import { createLogger } from '../../src/log.js';
import { decodeEntities, loginAs, type DeskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeIfImap, startImapServer, type ImapServer } from '../support/imap-server.js';
import { waitFor } from '../support/mail.js';
import { nightRota } from '../support/rota.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Christmas Eve 2026, 18:00: the office is closed, so an urgent enquiry pages the on-call officer.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const ON_CALL = '+447911200001';
const MANAGER = { name: 'Maya Manager', email: 'maya.manager@press.example', password: 'manager-password-1' };
const OFFICER = { name: 'Omar Officer', email: 'omar.officer@press.example', password: 'officer-password-1' };
const SYSTEM = { userId: null, email: 'test' };
const OFFICE = 'Press Office <press.office@press.example.org>';
const WRONG_TOKEN = 'f0f0f0f0wrongtoken0000000000000a';
const WRONG_PASSWORD = 'not-the-mailbox-password-77';
const MINUTE = 60_000;

let h: Harness | undefined;
let smtp: SmtpRecorder | undefined;
let imap: ImapServer | undefined;
let watcher: ImapWatcher | undefined;
/** Every log line the service wrote in this test. */
let logLines: string[] = [];

afterEach(async () => {
  await watcher?.stop();
  await h?.close();
  await smtp?.close();
  await imap?.stop();
  h = smtp = imap = watcher = undefined;
});

async function start(opts: { env?: Record<string, string>; jobs?: boolean } = {}): Promise<Harness> {
  logLines = [];
  h = await startHarness({
    now: CHRISTMAS_EVE_6PM,
    jobs: opts.jobs ?? false,
    env: opts.env ?? {},
    config: { onCall: { bundleSeconds: 0 } },
    log: createLogger('debug', { write: (line: string) => void logLines.push(line) }),
  });
  await h.services.users.create({ ...MANAGER, role: 'manager' }, SYSTEM);
  await h.services.users.create({ ...OFFICER, role: 'officer' }, SYSTEM);
  return h;
}

/** `/readyz` as a load balancer or a monitor reads it, with its raw text (to look for secrets in). */
async function readyz(): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await h!.app.request('/readyz');
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), text };
}

/** The titles of the warning banners on a desk page. */
async function banners(client: DeskClient, path = '/desk'): Promise<string[]> {
  const res = await client.get(path);
  expect(res.status, path).toBe(200);
  return [...res.body.matchAll(/<p class="banner__title">([\s\S]*?)<\/p>/g)].map((m) => decodeEntities(m[1]));
}

/** The banners saying a channel is failing (the configuration's own, such as "Email is not connected", aside). */
async function failingBanners(client: DeskClient): Promise<string[]> {
  return (await banners(client)).filter((t) => t.includes('is failing'));
}

/** The whole text of a desk page, decoded. */
async function pageText(client: DeskClient, path = '/desk'): Promise<string> {
  return decodeEntities((await client.get(path)).body);
}

/** An urgent enquiry from `phone`, which out of hours pages the on-call officer. */
async function urgentEnquiry(phone: string, subject: string): Promise<void> {
  const res = await h!.postJson('/api/enquiries', {
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    phone,
    subject,
    details: 'Need a line tonight',
    urgent: true,
  });
  expect(res.status).toBe(201);
}

/** Fails when `secret` shows anywhere a person or a monitor could read it. */
async function expectNowhere(secret: string, desk: DeskClient): Promise<void> {
  expect((await readyz()).text).not.toContain(secret);
  for (const path of ['/desk', '/desk/rota', '/desk/reports'])
    expect(await pageText(desk, path), path).not.toContain(secret);
  const rows = await h!.database.db.selectFrom('service_health').selectAll().execute();
  expect(JSON.stringify(rows)).not.toContain(secret);
  expect(logLines.join('\n')).not.toContain(secret);
}

const PAGING_REFUSED = 'Paging is failing: Twilio refuses Press Desk’s credentials (error 20003).';

describe('paging (Twilio), measured', () => {
  it('a wrong auth token: the start-up check makes /readyz say paging is failing (twilio_auth, 20003) and every desk page warns everyone', async () => {
    await start({ env: { TWILIO_AUTH_TOKEN: WRONG_TOKEN } });
    // What the worker does as it starts (src/main.ts).
    await h!.services.health.checkAtStart();

    const ready = await readyz();
    // Still ready: journalists can still send enquiries; a monitor reads `health`.
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({
      status: 'ready',
      paging: 'on',
      health: { paging: 'failing', mailbox: 'off', smtp: 'off' },
      healthErrors: { paging: { errorClass: 'twilio_auth', code: 20003, since: '2026-12-24T18:00:00.000Z' } },
    });
    // The look-up Twilio refused is the account's, with the configured SID.
    expect(h!.twilio.requests.map((r) => `${r.method} ${r.path} ${r.responseStatus}`)).toEqual([
      `GET /2010-04-01/Accounts/${h!.twilio.accountSid}.json 401`,
    ]);

    const officer = await loginAs(h!, OFFICER.email, OFFICER.password);
    const manager = await loginAs(h!, MANAGER.email, MANAGER.password);
    expect(await banners(officer)).toContain(PAGING_REFUSED);
    for (const path of ['/desk', '/desk/rota', '/desk/users'])
      expect(await banners(manager, path), path).toContain(PAGING_REFUSED);
    const text = await pageText(officer);
    expect(text).toContain('Urgent enquiries out of hours reach nobody’s phone');
    expect(text).toContain('Check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    expect(text).toContain('Failing since Thu 24 Dec 18:00');

    await expectNowhere(WRONG_TOKEN, officer);
    await expectNowhere(h!.twilio.authToken, officer);
  });

  it('the right token: the start-up check says ok, and the desk shows no warning', async () => {
    await start();
    await h!.services.health.checkAtStart();
    const ready = await readyz();
    expect(ready.json).toMatchObject({ status: 'ready', paging: 'on', health: { paging: 'ok' } });
    expect(ready.json).not.toHaveProperty('healthErrors');
    const officer = await loginAs(h!, OFFICER.email, OFFICER.password);
    expect(await failingBanners(officer)).toEqual([]);
    // Twilio's answer carries the auth token (the real one does too): it goes nowhere.
    await expectNowhere(h!.twilio.authToken, officer);
  });

  it('a page refused with 20003 turns paging failing; the next page that goes out turns it ok again', async () => {
    await start({ jobs: true });
    await nightRota(h!);
    await h!.services.health.checkAtStart();
    const officer = await loginAs(h!, OFFICER.email, OFFICER.password);
    expect((await readyz()).json).toMatchObject({ health: { paging: 'ok' } });

    // Someone rotates the auth token in the Twilio console; Press Desk still has the old one.
    h!.twilio.refuseCredentials(true);
    h!.clock.advance(30 * MINUTE);
    await urgentEnquiry('+447911123401', 'Fire at the depot');
    await h!.jobs.settle();
    expect(h!.twilio.messages).toEqual([]);
    expect((await readyz()).json).toMatchObject({
      health: { paging: 'failing' },
      healthErrors: { paging: { errorClass: 'twilio_auth', code: 20003, since: '2026-12-24T18:30:00.000Z' } },
    });
    expect(await banners(officer)).toContain(PAGING_REFUSED);

    // Put right at Twilio's end: the next page goes out, and that send says paging works.
    h!.twilio.refuseCredentials(false);
    h!.clock.advance(5 * MINUTE);
    await urgentEnquiry('+447911123402', 'Flooding on the ring road');
    await h!.twilio.waitForMessages(1);
    await h!.jobs.settle();
    expect(h!.twilio.messages.map((m) => m.to)).toContain(ON_CALL);
    const ready = await readyz();
    expect(ready.json).toMatchObject({ health: { paging: 'ok' } });
    expect(ready.json).not.toHaveProperty('healthErrors');
    expect(await failingBanners(officer)).toEqual([]);
  });

  it('a send that works writes nothing: only a change of state is recorded', async () => {
    await start({ jobs: true });
    await nightRota(h!);
    await h!.services.health.checkAtStart();
    const before = await h!.database.db.selectFrom('service_health').selectAll().executeTakeFirstOrThrow();
    // Past the minute this process trusts its own last write: the row itself is compared, and left alone.
    h!.clock.advance(2 * MINUTE);
    await urgentEnquiry('+447911123401', 'Fire at the depot');
    await h!.twilio.waitForMessages(1);
    await h!.jobs.settle();
    const after = await h!.database.db.selectFrom('service_health').selectAll().executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('while failing, the re-check every five minutes looks again: a suspended account is named, and ok returns once it is active', async () => {
    await start();
    h!.twilio.accountStatus = 'suspended';
    await h!.services.health.checkAtStart();
    expect((await readyz()).json).toMatchObject({
      health: { paging: 'failing' },
      healthErrors: { paging: { errorClass: 'twilio_account', code: null } },
    });
    const officer = await loginAs(h!, OFFICER.email, OFFICER.password);
    expect(await banners(officer)).toContain('Paging is failing: Twilio says the account is not active.');

    // The cron task `service_health_check` (every five minutes).
    h!.twilio.accountStatus = 'active';
    h!.clock.advance(5 * MINUTE);
    await h!.services.health.recheckFailing();
    expect((await readyz()).json).toMatchObject({ health: { paging: 'ok' } });
    expect(await failingBanners(officer)).toEqual([]);
  });

  it('Twilio not configured is off, as before, whatever was measured before', async () => {
    await start({ env: { TWILIO_AUTH_TOKEN: '' } });
    await h!.services.health.checkAtStart();
    expect((await readyz()).json).toMatchObject({
      paging: 'off',
      health: { paging: 'off', mailbox: 'off', smtp: 'off' },
    });
    expect(h!.twilio.requests).toEqual([]);
  });
});

describe('SMTP, measured', () => {
  it('a wrong SMTP password: failing (smtp_auth, reply 535) on /readyz and the desk; the password appears nowhere', async () => {
    smtp = await startSmtpServer({ checkCredentials: true });
    const wrongUrl = `smtp://${encodeURIComponent(smtp.user)}:${WRONG_PASSWORD}@127.0.0.1:${smtp.port}`;
    await start({ env: { SMTP_URL: wrongUrl, PRESSDESK_EMAIL_FROM: OFFICE } });
    await h!.services.health.checkAtStart();
    expect((await readyz()).json).toMatchObject({
      health: { paging: 'ok', smtp: 'failing', mailbox: 'off' },
      healthErrors: { smtp: { errorClass: 'smtp_auth', code: 535 } },
    });
    const officer = await loginAs(h!, OFFICER.email, OFFICER.password);
    expect(await banners(officer)).toContain(
      'Sending email is failing: the SMTP server refuses Press Desk’s credentials (reply 535).',
    );
    await expectNowhere(WRONG_PASSWORD, officer);
  });

  it('the right SMTP password: ok', async () => {
    smtp = await startSmtpServer({ checkCredentials: true });
    await start({ env: { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE } });
    await h!.services.health.checkAtStart();
    expect((await readyz()).json).toMatchObject({ health: { smtp: 'ok' } });
  });
});

describeIfImap('the mailbox (IMAP), measured', () => {
  it('a wrong mailbox password: the first session makes the mailbox failing (imap_auth) on /readyz and the desk; the right one makes it ok', async () => {
    imap = await startImapServer();
    await start({ env: { IMAP_URL: imap.url, IMAP_PASSWORD: WRONG_PASSWORD } });
    const harness = h!;
    const watch = (config = harness.config) => {
      const w = new ImapWatcher({
        db: harness.database.db,
        config,
        intake: harness.services.emailIntake,
        log: harness.services.log,
        backoffMs: { min: 100, max: 400 },
        // As src/main.ts wires it.
        health: (outcome) => harness.services.health.note('mailbox', outcome),
      });
      w.start();
      return w;
    };
    watcher = watch();
    const failing = await waitFor('the mailbox failing on /readyz', async () => {
      const r = await readyz();
      return (r.json.health as Record<string, string>).mailbox === 'failing' && r.json;
    });
    expect(failing).toMatchObject({
      status: 'ready',
      health: { mailbox: 'failing' },
      healthErrors: { mailbox: { errorClass: 'imap_auth', code: null } },
    });
    const officer = await loginAs(h!, OFFICER.email, OFFICER.password);
    expect(await banners(officer)).toContain(
      'Email intake is failing: the mail server refuses the mailbox’s password.',
    );
    expect(await pageText(officer)).toContain(
      'Enquiries sent to the press office mailbox are not reaching this queue.',
    );
    await expectNowhere(WRONG_PASSWORD, officer);
    await expectNowhere(imap.password, officer);
    await watcher.stop();

    // The password put right (and Press Desk restarted with it): the session works, and says so.
    const imapConfig = harness.config.email.imap!;
    watcher = watch({
      ...harness.config,
      email: { ...harness.config.email, imap: { ...imapConfig, auth: { pass: imap.password } } },
    });
    await waitFor('the mailbox ok on /readyz', async () => {
      const r = await readyz();
      return (r.json.health as Record<string, string>).mailbox === 'ok';
    });
    expect(await failingBanners(officer)).toEqual([]);
  });
});
