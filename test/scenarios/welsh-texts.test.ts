/**
 * Issue 31, Welsh in, Welsh out, by text and email: an office bound by the Welsh Language
 * Standards (`office.languages` ['cy', 'en']) answers a journalist who writes in Welsh in Welsh,
 * remembers it on the enquiry, and says every later change in it; an English text to the same
 * office is answered in English; an English-only office never takes a text for Welsh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/email-parse.js';
import { SMS_BODY_LIMIT, smsSize } from '../../src/telephony/sms-encoding.js';
import { loginAs } from '../support/desk-client.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { composeTo, newId } from '../support/mail.js';
import { startSmtpServer, type SmtpRecorder } from '../support/smtp-server.js';

// Wednesday 2 December 2026, 10:00: the office is open.
const WEDNESDAY_10AM = '2026-12-02T10:00:00Z';
const OFFICE = 'Press Office <press.office@press.example.org>';
const OFFICER = { email: 'rhys.officer@press.example', password: 'officer-password-31' };
const WELSH_SMS = "Helo, ydy'r ffordd ger Caerfyrddin ar gau heddiw?";
const ENGLISH_SMS = 'Hello, is the road near Carmarthen closed today?';

/** The text of the `<Message>` in a TwiML answer. */
function replyText(twiml: string): string {
  const m = /<Message>([\s\S]*)<\/Message>/.exec(twiml);
  if (!m) throw new Error(`no <Message> in ${twiml}`);
  return m[1]
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
}

/** The path of the status link in a message (`/status/<token>`); fails the test when there is none. */
function statusPath(message: string): string {
  const m = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}(/status/[A-Za-z0-9_-]{22,})`).exec(message);
  expect(m, message).not.toBeNull();
  return m![1];
}

function enquiryFrom(h: Harness, phone: string) {
  return h.database.db.selectFrom('enquiry').selectAll().where('phone', '=', phone).executeTakeFirstOrThrow();
}

describe('a Welsh-first office (office.languages cy, en)', () => {
  let h: Harness;
  let smtp: SmtpRecorder;
  let uid = 0;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    h = await startHarness({
      now: WEDNESDAY_10AM,
      jobs: true,
      env: { SMTP_URL: smtp.url, PRESSDESK_EMAIL_FROM: OFFICE },
      config: { office: { languages: ['cy', 'en'] }, intake: { rateLimit: null } },
    });
    await h.services.users.create(
      { ...OFFICER, name: 'Rhys Officer', role: 'officer' },
      { userId: null, email: 'test' },
    );
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('stores a Welsh text as Welsh and answers it in Welsh, with a status link that opens the enquiry', async () => {
    const from = '+447911003101';
    const res = await h.sms(from, WELSH_SMS);
    expect(res.status).toBe(200);
    const reply = replyText(await res.text());
    const row = await enquiryFrom(h, from);
    expect(row.language).toBe('cy');
    expect(reply).toContain(`Swyddfa'r wasg: diolch, cyfeirnod eich ymholiad yw ${row.reference}.`);
    expect(reply).toContain('Rydym ar agor. Bydd un o swyddogion y wasg yn ymateb erbyn');
    expect(reply).toContain("Atebwch i'r rhif hwn i ychwanegu ato.");
    expect(reply).not.toContain('thank you');
    // Within what Twilio joins, however it is encoded (Welsh accents make a text UCS-2).
    expect(smsSize(reply).length).toBeLessThanOrEqual(SMS_BODY_LIMIT);

    const status = await h.app.request(statusPath(reply));
    expect(status.status).toBe(200);
    expect(await status.text()).toContain(row.reference);
  });

  it('keeps answering in Welsh when the journalist adds to the enquiry, whatever the follow-up looks like', async () => {
    const from = '+447911003102';
    await h.sms(from, WELSH_SMS);
    const reply = replyText(await (await h.sms(from, 'OK thanks')).text());
    const row = await enquiryFrom(h, from);
    expect(row.language).toBe('cy');
    expect(reply).toContain(`rydym wedi ychwanegu hyn at eich ymholiad ${row.reference}`);
  });

  it('answers an English text to the same office in English, word for word as before', async () => {
    const from = '+447911003103';
    const reply = replyText(await (await h.sms(from, ENGLISH_SMS)).text());
    const row = await enquiryFrom(h, from);
    expect(row.language).toBe('en');
    expect(reply).toMatch(
      new RegExp(
        `^Press office: thank you, your enquiry reference is ${row.reference}\\. We are open\\. A press officer will respond by 2:00pm today\\. Reply to this number to add to it\\. See where it stands: https://press\\.example\\.org/status/`,
      ),
    );
  });

  it('acknowledges an email written in Welsh with a Welsh email: subject and body', async () => {
    const messageId = newId('cy');
    const mail = await parseEmail(
      await composeTo(OFFICE, {
        from: 'Elin Gohebydd <elin@newyddion.example>',
        subject: 'Oriau agor llyfrgelloedd y sir',
        text: "Prynhawn da, a allwch chi gadarnhau a fydd llyfrgelloedd y sir yn cau'n gynharach o fis Ionawr ymlaen? Diolch yn fawr.",
        messageId,
      }),
      { maxAttachmentBytes: 1_000_000, maxMessageBytes: 10_000_000 },
    );
    uid += 1;
    const r = await h.services.emailIntake.receive({ mailbox: 'INBOX', uidValidity: '1', uid }, mail);
    const row = await h.database.db
      .selectFrom('enquiry')
      .selectAll()
      .where('id', '=', r.enquiryId!)
      .executeTakeFirstOrThrow();
    expect(row.language).toBe('cy');

    await h.jobs.settle();
    const [ack] = await smtp.waitFor(1);
    expect(ack.to).toEqual(['elin@newyddion.example']);
    expect(ack.parsed.subject).toBe(`Press Office: eich ymholiad ${row.reference}`);
    const body = ack.parsed.text ?? '';
    expect(body).toContain('Press Office: diolch am eich ymholiad.');
    expect(body).toContain(`Eich cyfeirnod yw ${row.reference}. Rydym ar agor.`);
    expect(body).toContain('atebwch yr e-bost hwn');
    expect(body).toContain('Neges gydnabod awtomatig yw hon.');
    expect(body).not.toContain('Thank you');
    const status = await h.app.request(statusPath(body));
    expect(status.status).toBe(200);
  });

  it('acknowledges a form or API enquiry in Welsh by text when it was sent in Welsh', { timeout: 20_000 }, async () => {
    const phone = '+447911003106';
    const res = await h.postJson('/api/enquiries', {
      name: 'Elin Gohebydd',
      outlet: 'Newyddion y Gorllewin',
      phone: '07911 003106',
      subject: 'Oriau agor y llyfrgell',
      details: "A fydd y llyfrgell yn cau'n gynharach o fis Ionawr?",
      acknowledge: true,
      language: 'cy',
    });
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    await h.jobs.settle();
    await h.twilio.waitForMessages(1);
    const told = h.twilio.messages.filter((m) => m.to === phone);
    expect(told).toHaveLength(1);
    const body = told[0].body ?? '';
    expect(body).toContain(`Press Office: diolch am eich ymholiad. Eich cyfeirnod yw ${reference}. Rydym ar agor.`);
    expect(body).toContain("ychwanegu ato neu ei dynnu'n ôl:");
    // The circumflex makes it UCS-2 (70 characters a part): kept, and still well within the limit.
    expect(smsSize(body).segments).toBeLessThanOrEqual(5);
    expect((await h.app.request(statusPath(body))).status).toBe(200);
  });

  it("tells the journalist in the enquiry's language when the response is released", { timeout: 20_000 }, async () => {
    const from = '+447911003104';
    await h.sms(from, WELSH_SMS);
    const { reference } = await enquiryFrom(h, from);
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const line = "Mae'r ffordd ar agor eto ers 9 o'r gloch.";
    const rec = await officer.post(`/desk/enquiries/${reference}/response`, { response: line, release: 'yes' });
    expect(rec.status).toBe(303);

    await h.jobs.settle();
    await h.twilio.waitForMessages(1);
    const told = h.twilio.messages.filter((m) => m.to === from);
    expect(told).toHaveLength(1);
    const body = told[0].body ?? '';
    expect(body).toContain(`rydym wedi ateb eich ymholiad ${reference}. Darllenwch yr ateb:`);
    expect(smsSize(body).segments).toBeLessThanOrEqual(3);
    const status = await h.app.request(statusPath(body));
    expect(status.status).toBe(200);
    expect(await status.text()).toContain('ffordd ar agor eto ers 9');
  });

  it('offers the standard "not a media enquiry" message in Welsh, and sends it in Welsh', {
    timeout: 20_000,
  }, async () => {
    const from = '+447911003105';
    await h.sms(from, WELSH_SMS);
    const { reference } = await enquiryFrom(h, from);
    await h.jobs.settle();
    const before = h.twilio.messages.filter((m) => m.to === from).length;
    const officer = await loginAs(h, OFFICER.email, OFFICER.password);
    const page = (await officer.get(`/desk/enquiries/${reference}`)).body;
    const box = /<textarea[^>]*id="message_not_media"[^>]*>([\s\S]*?)<\/textarea>/.exec(page)?.[1] ?? '';
    const message = box.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(message).toContain(`diolch am gysylltu (${reference})`);
    expect(message).not.toContain('thank you');
    const res = await officer.post(`/desk/enquiries/${reference}/status`, {
      status: 'closed',
      outcome: 'not_media',
      outcomeOrg: '',
      duplicateOf: '',
      sendMessage: 'yes',
      message_not_media: message,
      message_referred_foi: '',
      message_referred_other: '',
    });
    expect(res.status, res.body.slice(0, 300)).toBe(303);
    await h.jobs.settle();
    const told = h.twilio.messages.filter((m) => m.to === from).slice(before);
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain("Dim ond ymholiadau gan y cyfryngau y mae swyddfa'r wasg yn eu hateb");
  });
});

describe('an English-only office (the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: WEDNESDAY_10AM });
  });
  afterAll(async () => h?.close());

  it('never takes a text for Welsh: a Welsh text is stored as English and answered in English', async () => {
    const from = '+447911003105';
    const reply = replyText(await (await h.sms(from, WELSH_SMS)).text());
    const row = await enquiryFrom(h, from);
    expect(row.language).toBe('en');
    expect(reply).toContain(`Press office: thank you, your enquiry reference is ${row.reference}.`);
    expect(reply).toContain('We are open.');
  });
});
