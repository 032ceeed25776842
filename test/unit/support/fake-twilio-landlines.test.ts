/**
 * Issue 24, item 1: the fake Twilio refuses texts to numbers that cannot receive them, as Twilio
 * does (HTTP 400, error 21614): a UK landline, an 03 number (the shipped `onCall.fallbackNumber`),
 * an 0800 number. Nothing refused is recorded as sent; a call to the same number goes through, and
 * mobiles (and numbers that may be mobiles) still take texts.
 */
import { describe, expect, it } from 'vitest';
import { refusal, useFakeGateway } from '../../support/fake-gateway.js';

const OFFICE = '+447911000000';
const MOBILE = '+447911123456';
const SHIPPED_FALLBACK = '+443001234567';
const LONDON_LANDLINE = '+442079460000';
const FREEPHONE = '+448081570000';

const t = useFakeGateway(OFFICE);

describe('the fake Twilio refuses texts to numbers that cannot take them', () => {
  it.each([
    ['an 03 number (the shipped fallback)', SHIPPED_FALLBACK],
    ['a London landline', LONDON_LANDLINE],
    ['an 0800 number', FREEPHONE],
  ])('refuses a text to %s with 400 / 21614, for good, and records nothing', async (_what, to) => {
    const err = await refusal(t.gateway.sendSms({ to, body: 'Urgent enquiry PD-1' }));
    expect(err.status).toBe(400);
    expect(err.twilioCode).toBe(21614);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("'To' number is not a valid mobile number");
    expect(t.fake.messages).toEqual([]);
    expect(t.fake.requests.map((r) => r.responseStatus)).toEqual([400]);
  });

  it('places a call to the same numbers', async () => {
    for (const to of [SHIPPED_FALLBACK, LONDON_LANDLINE, FREEPHONE])
      await t.gateway.placeCall({ to, twiml: '<Response><Say>Page</Say></Response>' });
    expect(t.fake.calls.map((c) => c.to)).toEqual([SHIPPED_FALLBACK, LONDON_LANDLINE, FREEPHONE]);
  });

  it('takes texts to a UK mobile and to a number that may be a mobile (a US number)', async () => {
    await t.gateway.sendSms({ to: MOBILE, body: 'Page' });
    await t.gateway.sendSms({ to: '+12025550123', body: 'Page' });
    expect(t.fake.messages.map((m) => m.to)).toEqual([MOBILE, '+12025550123']);
  });

  it('does not guess about a number its metadata does not know (Ofcom drama range)', async () => {
    await t.gateway.sendSms({ to: '+447700900222', body: 'Page' });
    expect(t.fake.messages).toHaveLength(1);
  });
});
