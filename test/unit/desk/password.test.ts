/**
 * Issue 12, finding 12: passwords are hashed with scrypt at one of OWASP's minimums (since issue
 * 32 N=2^14, r=8, p=5: 16 MiB a hash instead of 2^17's 128 MiB), and a hash at any other cost is
 * recognised for replacement. This file runs at the production
 * cost; the harness lowers it for the other suites.
 */
import { describe, expect, it } from 'vitest';
import {
  dummyHash,
  hashPassword,
  needsRehash,
  PASSWORD_COST,
  setPasswordCostForTests,
  verifyPassword,
} from '../../../src/desk/password.js';
import { legacyHash } from '../../support/legacy-password.js';

describe('password hashing', () => {
  it('hashes new passwords with scrypt N=2^14, r=8, p=5 by default, and verifies them', async () => {
    expect(PASSWORD_COST).toEqual({ N: 16384, r: 8, p: 5 });
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$5\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery!', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
    expect(dummyHash()).toMatch(/^scrypt\$16384\$8\$5\$/);
  });

  it('still verifies a hash made at the former cost (N=2^17), and marks it for rehashing', async () => {
    setPasswordCostForTests({ N: 2 ** 17, r: 8, p: 1 });
    const former = await hashPassword('a password from last week');
    setPasswordCostForTests(PASSWORD_COST);
    expect(former).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('a password from last week', former)).toBe(true);
    expect(needsRehash(former)).toBe(true);
  });

  it('still verifies an older, cheaper hash, and marks it for rehashing', async () => {
    const old = legacyHash('an old password');
    expect(await verifyPassword('an old password', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('refuses malformed hashes and absurd costs without computing them', async () => {
    for (const bad of [
      '',
      'bcrypt$x',
      'scrypt$1000$8$1$AAAA$AAAA',
      `scrypt$${2 ** 24}$8$1$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}`,
      'scrypt$16384$8$1$$',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });
});
