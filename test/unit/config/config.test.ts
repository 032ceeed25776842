import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

function withFile(json: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-config-'));
  const path = join(dir, 'override.json');
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults: 9:00-17:00 Monday to Friday in London, GB-ENG holidays, port 3000', () => {
    const c = loadConfig({});
    expect(c.office.timezone).toBe('Europe/London');
    expect(c.office.hours.mon).toEqual([['09:00', '17:00']]);
    expect(c.office.hours.sat).toEqual([]);
    expect(c.office.holidays).toBe('GB-ENG');
    expect(c.port).toBe(3000);
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.twilio.configured).toBe(false);
  });

  it('deep-merges PRESSDESK_CONFIG over the defaults: objects by key, arrays replaced', () => {
    const path = withFile({
      office: {
        hours: {
          mon: [
            ['08:00', '12:00'],
            ['13:00', '18:00'],
          ],
        },
        closures: ['2026-12-31'],
      },
      onCall: { bundleSeconds: 0 },
    });
    const c = loadConfig({ PRESSDESK_CONFIG: path });
    expect(c.office.hours.mon).toEqual([
      ['08:00', '12:00'],
      ['13:00', '18:00'],
    ]);
    expect(c.office.hours.tue).toEqual([['09:00', '17:00']]);
    expect(c.office.closures).toEqual(['2026-12-31']);
    expect(c.onCall.bundleSeconds).toBe(0);
    expect(c.onCall.ackTimeoutSeconds).toBe(600);
  });

  it.each([
    [{ office: { hours: { mon: [['09:00', '25:00']] } } }, 'office.hours.mon.0.1'],
    [{ office: { hours: { tue: [['17:00', '09:00']] } } }, 'office.hours.tue.0'],
    [{ office: { timezone: 'Europe/Londres' } }, 'office.timezone'],
    [{ onCall: { fallbackNumber: '0300 123 4567' } }, 'onCall.fallbackNumber'],
    [{ intake: { rateLimit: { points: -1, durationSeconds: 60 } } }, 'intake.rateLimit.points'],
    [{ office: { closures: ['31/12/2026'] } }, 'office.closures.0'],
    [{ office: { colour: 'blue' } }, 'office'],
    [{ twilio: { allowedCountries: ['UK'] } }, 'twilio.allowedCountries.0'],
    [{ twilio: { allowedCountries: [] } }, 'twilio.allowedCountries'],
    [{ onCall: { callbackMaxMinutes: 0 } }, 'onCall.callbackMaxMinutes'],
    [{ incidents: { maxMatchShare: 0 } }, 'incidents.maxMatchShare'],
    [{ incidents: { maxMatchShare: 1.5 } }, 'incidents.maxMatchShare'],
  ])('stops on a bad setting with a message naming the key (%j)', (override, key) => {
    const err = errorOf(() => loadConfig({ PRESSDESK_CONFIG: withFile(override) }));
    expect(err.key).toBe(key);
    expect(err.message).toContain(key);
  });

  it('names PRESSDESK_CONFIG when the file is missing or not JSON', () => {
    expect(errorOf(() => loadConfig({ PRESSDESK_CONFIG: '/nonexistent/press.json' })).key).toBe('PRESSDESK_CONFIG');
    expect(errorOf(() => loadConfig({ PRESSDESK_CONFIG: withFile('{ nope') })).key).toBe('PRESSDESK_CONFIG');
  });

  it('names the environment variable that is wrong', () => {
    expect(errorOf(() => loadConfig({ PORT: 'eighty' })).key).toBe('PORT');
    expect(errorOf(() => loadConfig({ TWILIO_PHONE_NUMBER: '07911 123456' })).key).toBe('TWILIO_PHONE_NUMBER');
    expect(errorOf(() => loadConfig({ PRESSDESK_ADMIN_EMAIL: 'boss@press.example' })).key).toBe(
      'PRESSDESK_ADMIN_PASSWORD',
    );
    expect(errorOf(() => loadConfig({ TWILIO_ACCOUNT_SID: 'XX123' })).key).toBe('TWILIO_ACCOUNT_SID');
  });

  it('takes DATABASE_LISTEN_URL for the session connections, and refuses a bad one or one without DATABASE_URL', () => {
    const direct = 'postgres://pressdesk@db.example.org:5432/pressdesk';
    const pooled = 'postgres://pressdesk@pgbouncer.example.org:6432/pressdesk';
    expect(loadConfig({ DATABASE_URL: pooled, DATABASE_LISTEN_URL: direct })).toMatchObject({
      databaseUrl: pooled,
      databaseListenUrl: direct,
    });
    // Unset, the listen connections use DATABASE_URL (src/db/resolve.ts).
    expect(loadConfig({ DATABASE_URL: pooled }).databaseListenUrl).toBeUndefined();
    expect(errorOf(() => loadConfig({ DATABASE_URL: pooled, DATABASE_LISTEN_URL: 'the direct one' })).key).toBe(
      'DATABASE_LISTEN_URL',
    );
    // Without DATABASE_URL the embedded server takes every connection: a listen URL elsewhere would hear nothing.
    const alone = errorOf(() => loadConfig({ DATABASE_LISTEN_URL: direct }));
    expect(alone.key).toBe('DATABASE_LISTEN_URL');
    expect(alone.message).toMatch(/DATABASE_URL/);
  });

  it('treats Twilio as configured only with all three variables, and trims the public URL', () => {
    const c = loadConfig({
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_PHONE_NUMBER: '+447700100200',
      PUBLIC_BASE_URL: 'https://press.example.org/',
    });
    expect(c.twilio.configured).toBe(true);
    expect(c.publicBaseUrl).toBe('https://press.example.org');
  });
});
