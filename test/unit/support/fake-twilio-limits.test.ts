/**
 * Issue 22, item 1: the fake Twilio enforces Twilio's documented limits, so every test that sends
 * through it runs against them: a message body over 1,600 characters is refused with error 21617,
 * a call's inline TwiML over 4,000 characters with error 32018, both as HTTP 400, and neither is
 * recorded as sent. Exactly at the limit is accepted.
 */
import { describe, expect, it } from 'vitest';
import { refusal, useFakeGateway } from '../../support/fake-gateway.js';
import { TWILIO_BODY_LIMIT, TWILIO_TWIML_LIMIT } from '../../support/fake-twilio.js';

const OFFICE = '+443001234567';
const ON_CALL = '+447911123456';

const t = useFakeGateway(OFFICE);

/** TwiML of exactly `n` characters. */
function twimlOf(n: number): string {
  const shell = '<?xml version="1.0" encoding="UTF-8"?><Response><Say></Say></Response>';
  return shell.replace('<Say></Say>', `<Say>${'a'.repeat(n - shell.length)}</Say>`);
}

describe('the fake Twilio refuses what Twilio refuses for length', () => {
  it('accepts a message body of 1,600 characters and refuses one of 1,601 with 21617', async () => {
    expect(TWILIO_BODY_LIMIT).toBe(1600);
    await t.gateway.sendSms({ to: ON_CALL, body: 'x'.repeat(1600) });
    const err = await refusal(t.gateway.sendSms({ to: ON_CALL, body: 'x'.repeat(1601) }));
    expect(err.status).toBe(400);
    expect(err.twilioCode).toBe(21617);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('The concatenated message body exceeds the 1600 character limit.');
    expect(t.fake.messages.map((m) => m.body!.length)).toEqual([1600]);
  });

  it('counts characters as UTF-16 code units: 800 emoji are 1,600, 801 are refused', async () => {
    await t.gateway.sendSms({ to: ON_CALL, body: '🔥'.repeat(800) });
    expect((await refusal(t.gateway.sendSms({ to: ON_CALL, body: '🔥'.repeat(801) }))).twilioCode).toBe(21617);
    expect(t.fake.messages).toHaveLength(1);
  });

  it('accepts inline TwiML of 4,000 characters and refuses 4,001 with 32018', async () => {
    expect(TWILIO_TWIML_LIMIT).toBe(4000);
    await t.gateway.placeCall({ to: ON_CALL, twiml: twimlOf(4000) });
    const err = await refusal(t.gateway.placeCall({ to: ON_CALL, twiml: twimlOf(4001) }));
    expect(err.status).toBe(400);
    expect(err.twilioCode).toBe(32018);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('Twiml size exceeded maximum allowed value of 4000 characters');
    expect(t.fake.calls.map((c) => c.twiml!.length)).toEqual([4000]);
  });
});
