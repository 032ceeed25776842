/**
 * Which addresses Press Desk takes as a journalist's and writes to by itself (issue 22, item 5):
 * one plain mailbox only, everywhere (form, API, email channel, the desk's mail link).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { mailtoHref, mayWriteAutomatically, singleMailbox } from '../../../src/email/address.js';
import { parseEnquiryInput } from '../../../src/enquiries/enquiry.input.js';
import { budgetEmail, pageBudgetKey } from '../../../src/enquiries/page-budget.js';

const NOT_ONE_MAILBOX = [
  'a@x.example, b@y.example',
  'a@x.example;b@y.example',
  'a@x.example?cc=b@y.example',
  'a@x.example&cc=b@y.example',
  'Ann <a@x.example>',
  '"a@x.example" <b@y.example>',
  'a@x.example (b@y.example)',
  '"a@x.example, b"@y.example',
];
const OFFICE = { from: 'Press Office <press.office@press.example.org>', mailbox: 'press.office@press.example.org' };

describe('one plain mailbox', () => {
  it.each(NOT_ONE_MAILBOX)('%s is refused by the form and the API, naming the field', (email) => {
    const r = parseEnquiryInput(
      { name: 'Ann', outlet: 'Gazette', email, subject: 'S', details: 'D' },
      { now: DateTime.fromISO('2026-12-02T10:00:00Z'), timezone: 'Europe/London', allowedCountries: ['GB'] },
    );
    // The English words, and the problem's code the Welsh words are chosen by (issue 31).
    expect(r).toEqual({
      ok: false,
      fields: { email: 'Enter an email address in the correct format, like name@example.com' },
      problems: { email: { code: 'email' } },
    });
    expect(singleMailbox(email)).toBeNull();
    expect(mailtoHref(email, 'Your enquiry PD-7KM-4QX')).toBeNull();
  });

  it('builds the desk mail link from a plain mailbox, percent-encoded', () => {
    expect(mailtoHref("o'neil+desk@gazette.example", 'Your enquiry PD-7KM-4QX')).toBe(
      "mailto:o'neil%2Bdesk@gazette.example?subject=Your%20enquiry%20PD-7KM-4QX",
    );
  });
});

describe('automatic messages', () => {
  it.each([
    ['ann@gazette.example', true],
    ['postmaster@gazette.example', false],
    ['MAILER-DAEMON@gazette.example', false],
    ['noreply@gazette.example', false],
    ['no-reply+123@gazette.example', false],
    ['do_not_reply@gazette.example', false],
    ['bounces-42@lists.example', false],
    ['colleague@press.example.org', false],
    ['someone@north.press.example.org', false],
    ['press.office@press.example.org', false],
    ['ann@notpress.example.org', true],
    ['a@x.example?cc=b@y.example', false],
  ])('%s: %s', (address, ok) => {
    expect(mayWriteAutomatically(address, OFFICE)).toBe(ok);
  });
});

describe('the page budget key', () => {
  it('counts one mailbox once, whatever its case or +tag, and keeps no address in the key', () => {
    expect(budgetEmail('ANN+night@Gazette.example')).toBe('ann@gazette.example');
    const key = pageBudgetKey({ email: 'Ann+x@gazette.example' });
    expect(key).toBe(pageBudgetKey({ email: 'ann@GAZETTE.example' }));
    expect(key).toMatch(/^page:email:[0-9a-f]{64}$/);
    expect(pageBudgetKey({ journalist: { id: '1', email: 'ann@gazette.example', phone: null } })).toBe(key);
    expect(pageBudgetKey({ phone: null })).toBeNull();
    expect(pageBudgetKey({ ip: '203.0.113.7' })).toBe('page:203.0.113.7');
  });
});
