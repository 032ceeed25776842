/**
 * Paging off (no Twilio number configured): a journalist with an urgent out-of-hours enquiry is
 * never told that the on-call press officer "will be notified" (issue 11, item 6). The form,
 * its confirmation page, the API's 201 and the SMS reply all tell them to call the out-of-hours
 * line, and `pagedOnCall` is false.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { receiptCookie } from '../support/receipt.js';

// Christmas Eve 2026, 18:00: closed until 9:00am Tuesday 29 December.
const CHRISTMAS_EVE_6PM = '2026-12-24T18:00:00Z';
const LINE = '+44 300 123 4567';
const CALL_THE_LINE = `call the out-of-hours line now on ${LINE}`;
const FALSE_PROMISES =
  /will be notified|is being alerted now|reach the on-call press officer|alerts the on-call press officer/;

let h: Harness;
beforeAll(async () => {
  // The auth token stays (webhooks are still verified); without the number nothing can be sent.
  h = await startHarness({ now: CHRISTMAS_EVE_6PM, env: { TWILIO_PHONE_NUMBER: '' } });
  expect(h.config.twilio.configured).toBe(false);
});
afterAll(async () => h?.close());

describe('paging off, an urgent enquiry out of hours', () => {
  it('the form says to call the out-of-hours line, before and after sending', async () => {
    const form = await (await h.app.request('/')).text();
    expect(form).toContain(`For anything urgent, call the out-of-hours line on ${LINE}.`);
    expect(form).not.toMatch(FALSE_PROMISES);

    const res = await h.postForm('/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      email: 'ann@gazette.example',
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: 'true',
    });
    expect(res.status).toBe(303);
    const page = await (
      await h.app.request(res.headers.get('location')!, { headers: { Cookie: receiptCookie(res) } })
    ).text();
    expect(page).toContain(CALL_THE_LINE);
    expect(page).not.toMatch(FALSE_PROMISES);
  });

  it('the API answers pagedOnCall false, the line to call, and says so in nextStep', async () => {
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: '+447911123401',
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      urgent: true,
      outOfHours: true,
      pagedOnCall: false,
      callOutOfHoursLine: '+443001234567',
    });
    expect(body.nextStep).toContain(CALL_THE_LINE);
    expect(body.nextStep).not.toMatch(FALSE_PROMISES);
    const page = await h.database.db
      .selectFrom('page')
      .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
      .select('page.id')
      .where('enquiry.reference', '=', body.reference)
      .executeTakeFirst();
    expect(page).toBeUndefined();
  });

  it('the SMS reply says to call the out-of-hours line', async () => {
    const res = await h.sms('+447911123499', 'URGENT fire at the depot, need a line tonight');
    expect(res.status).toBe(200);
    const reply = (/<Message>([\s\S]*)<\/Message>/.exec(await res.text())?.[1] ?? '').replace(/&amp;/g, '&');
    expect(reply).toContain('your enquiry reference is PD-');
    expect(reply).toContain(CALL_THE_LINE);
    expect(reply).not.toMatch(FALSE_PROMISES);
  });

  it('a follow-up text that makes an SMS enquiry urgent says the same', async () => {
    const from = '+447911123498';
    await h.sms(from, 'Question about the depot');
    const res = await h.sms(from, 'Actually this is urgent now');
    const reply = (/<Message>([\s\S]*)<\/Message>/.exec(await res.text())?.[1] ?? '').replace(/&amp;/g, '&');
    expect(reply).toContain('we have added this to your enquiry');
    expect(reply).toContain(CALL_THE_LINE);
    expect(reply).not.toMatch(FALSE_PROMISES);
  });
});
