/**
 * The one rule for how Press Desk reaches a journalist by itself (acknowledgements, status
 * changes, incident lines): the medium of the channel they used first, else email, else a text
 * to a number that takes texts; nothing when neither is open.
 */
import { describe, expect, it } from 'vitest';
import { CHANNEL_MEDIUM, routeToJournalist } from '../../../src/enquiries/journalist-route.js';

const UK = ['GB'];
const emailOn = { mayEmail: (a: string) => !a.startsWith('press@'), allowedCountries: UK };
const emailOff = { mayEmail: () => false, allowedCountries: UK };
const both = { email: 'ann@news.example', phone: '+447911123456' };

describe('how a journalist is reached', () => {
  it('by email first when they wrote (form, API, email), by text first when they texted or rang', () => {
    expect(routeToJournalist(both, emailOn, CHANNEL_MEDIUM.web)).toEqual({ medium: 'email', to: both.email });
    expect(routeToJournalist(both, emailOn, CHANNEL_MEDIUM.api)).toEqual({ medium: 'email', to: both.email });
    expect(routeToJournalist(both, emailOn, CHANNEL_MEDIUM.email)).toEqual({ medium: 'email', to: both.email });
    expect(routeToJournalist(both, emailOn, CHANNEL_MEDIUM.sms)).toEqual({ medium: 'sms', to: both.phone });
    expect(routeToJournalist(both, emailOn, CHANNEL_MEDIUM.voice)).toEqual({ medium: 'sms', to: both.phone });
  });

  it('falls back to the other way when the first is closed', () => {
    expect(routeToJournalist(both, emailOff, 'email')).toEqual({ medium: 'sms', to: both.phone });
    const landline = { email: both.email, phone: '+442079460000' };
    expect(routeToJournalist(landline, emailOn, 'sms')).toEqual({ medium: 'email', to: both.email });
  });

  it('reaches nobody it may not write to: a role address, a landline, a number abroad', () => {
    expect(routeToJournalist({ email: 'press@news.example', phone: '+442079460000' }, emailOn)).toBeNull();
    expect(routeToJournalist({ email: null, phone: '+33612345678' }, emailOn, 'sms')).toBeNull();
    expect(routeToJournalist({ email: null, phone: null }, emailOn)).toBeNull();
  });
});
