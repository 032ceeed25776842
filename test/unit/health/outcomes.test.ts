/**
 * Issue 27, item 9: what a send's error says about its channel. Only what holds for every message
 * (credentials, account, sender, the provider or network down) counts against the channel; a
 * refusal of one recipient proves the provider took Press Desk's credentials.
 */
import { describe, expect, it } from 'vitest';
import { imapOutcome, smtpOutcome } from '../../../src/email/mail-health.js';
import { SendError } from '../../../src/outbox/send-error.js';
import { twilioOutcome } from '../../../src/telephony/twilio-health.js';
import { TwilioSendError } from '../../../src/telephony/twilio.client.js';

const twilio = (status: number | undefined, twilioCode?: number, retryable = false) =>
  new TwilioSendError('Sending SMS failed', { retryable, ...(status ? { status } : {}), twilioCode });

/** A send error as src/email/smtp.sender.ts makes it from nodemailer's. */
const smtp = (responseCode: number | undefined, cause: { code?: string; command?: string }) =>
  new SendError('SMTP error', {
    retryable: responseCode === undefined || responseCode < 500,
    ...(responseCode ? { status: responseCode } : {}),
    cause: Object.assign(new Error('x'), cause, responseCode ? { responseCode } : {}),
  });

describe('Twilio', () => {
  it.each([
    ['a send Twilio took', null, { ok: true }],
    ['401, error 20003', twilio(401, 20003), { ok: false, errorClass: 'twilio_auth', code: 20003 }],
    ['an inactive account (20005)', twilio(401, 20005), { ok: false, errorClass: 'twilio_account', code: 20005 }],
    ['an inactive account (10001, 400)', twilio(400, 10001), { ok: false, errorClass: 'twilio_account', code: 10001 }],
    [
      'the press office number refused (21606)',
      twilio(400, 21606),
      { ok: false, errorClass: 'twilio_number', code: 21606 },
    ],
    [
      'Twilio down (500, 20500)',
      twilio(500, 20500, true),
      { ok: false, errorClass: 'twilio_unavailable', code: 20500 },
    ],
    ['no answer (a timeout)', twilio(undefined, undefined, true), { ok: false, errorClass: 'connection', code: null }],
    ['an invalid number (21211)', twilio(400, 21211), { ok: true }],
    ['a recipient who opted out (21610)', twilio(400, 21610), { ok: true }],
    ['a landline (21614)', twilio(400, 21614), { ok: true }],
    ['a rate limit (429)', twilio(429, 20429, true), { ok: true }],
  ] as const)('%s', (_what, error, outcome) => {
    expect(twilioOutcome(error)).toEqual(outcome);
  });

  it('says nothing of a send Press Desk refused itself (not configured, an opted-out number)', () => {
    expect(twilioOutcome(new SendError('opted out', { retryable: false, recipientOptedOut: true }))).toBeNull();
    expect(twilioOutcome(twilio(undefined))).toBeNull();
  });
});

describe('SMTP', () => {
  it.each([
    ['a send the server took', null, { ok: true }],
    [
      'a login refused (535)',
      smtp(535, { code: 'EAUTH', command: 'AUTH PLAIN' }),
      { ok: false, errorClass: 'smtp_auth', code: 535 },
    ],
    [
      'missing credentials',
      smtp(undefined, { code: 'EAUTH', command: 'API' }),
      { ok: false, errorClass: 'smtp_auth', code: null },
    ],
    ['no answer', smtp(undefined, { code: 'ESOCKET' }), { ok: false, errorClass: 'connection', code: null }],
    [
      'the sender refused',
      smtp(550, { code: 'EENVELOPE', command: 'MAIL FROM' }),
      { ok: false, errorClass: 'smtp_sender', code: 550 },
    ],
    [
      'the service closing (421)',
      smtp(421, { code: 'EENVELOPE', command: 'MAIL FROM' }),
      { ok: false, errorClass: 'smtp_unavailable', code: 421 },
    ],
    ['an unknown recipient (550 at RCPT TO)', smtp(550, { code: 'EENVELOPE', command: 'RCPT TO' }), { ok: true }],
    ['a message refused at DATA (554)', smtp(554, { code: 'EMESSAGE', command: 'DATA' }), { ok: true }],
  ] as const)('%s', (_what, error, outcome) => {
    expect(smtpOutcome(error)).toEqual(outcome);
  });

  it('says nothing of a message never sent (email not configured, a malformed row)', () => {
    expect(smtpOutcome(new SendError('Email is not configured', { retryable: false }))).toBeNull();
  });
});

describe('IMAP', () => {
  it('names a refused login, no answer, and a mailbox that cannot be opened', () => {
    const authFailed = Object.assign(new Error('Authentication failed'), { authenticationFailed: true });
    expect(imapOutcome(authFailed, 'connect')).toEqual({ ok: false, errorClass: 'imap_auth', code: null });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(imapOutcome(refused, 'connect')).toEqual({ ok: false, errorClass: 'connection', code: null });
    expect(imapOutcome(new Error('Mailbox does not exist'), 'open')).toEqual({
      ok: false,
      errorClass: 'imap_mailbox',
      code: null,
    });
    expect(imapOutcome(new Error('BYE'), 'connect')).toEqual({ ok: false, errorClass: 'imap_error', code: null });
  });
});
