/**
 * Unit tests of the fake Twilio through the app's real gateway (the twilio library): one fake per
 * file, forgotten between tests, and the refusal a send is expected to end in.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createTwilioGateway, TwilioSendError, type TwilioGateway } from '../../src/telephony/twilio.client.js';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.js';

/** The fake and a gateway sending from `from`, set up for the calling test file (read them inside tests). */
export function useFakeGateway(from: string): { readonly fake: FakeTwilio; readonly gateway: TwilioGateway } {
  const ctx = {} as { fake: FakeTwilio; gateway: TwilioGateway };
  beforeAll(async () => {
    ctx.fake = await startFakeTwilio();
    ctx.gateway = createTwilioGateway(
      {
        accountSid: ctx.fake.accountSid,
        authToken: ctx.fake.authToken,
        phoneNumber: from,
        apiBaseUrl: ctx.fake.baseUrl,
        configured: true,
      },
      { timeoutMs: 2000 },
    );
  });
  afterAll(async () => ctx.fake.close());
  beforeEach(() => ctx.fake.reset());
  return ctx;
}

/** The `TwilioSendError` `p` rejects with; fails the test when it resolves or throws anything else. */
export async function refusal(p: Promise<unknown>): Promise<TwilioSendError> {
  const err = await p.then(
    () => new Error('expected Twilio to refuse it'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwilioSendError);
  return err as TwilioSendError;
}
