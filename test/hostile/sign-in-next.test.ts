/**
 * Hostile `next` values on a successful sign-in (issue 12, finding 11): each is a 303 to a path
 * under /desk on this site, or to /desk itself; never a 5xx (a CR/LF used to give 500 after the
 * session row was made).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskClient } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { HOSTILE_NEXT } from './corpus.js';
import { WEDNESDAY_10AM } from './support.js';

const OFFICER = { email: 'next.officer@press.example', password: 'officer-password-1' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: WEDNESDAY_10AM });
  await h.services.users.create({ ...OFFICER, name: 'Nia Next', role: 'officer' }, { userId: null, email: 'test' });
});
afterAll(async () => h?.close());

describe('POST /desk/login with a hostile `next`', () => {
  it.each(HOSTILE_NEXT.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const res = await deskClient(h).login(OFFICER.email, OFFICER.password, c.value);
    expect(res.status).toBe(303);
    expect(res.location).toBe(c.location);
    // The session works: the officer is signed in, not half-way.
    expect(res.headers.getSetCookie().some((x) => x.startsWith('pd_session='))).toBe(true);
  });
});
