import { describe, expect, it } from 'vitest';
import { ConfigError, parseFileConfig } from '../../../src/config.js';
import { spacingMs } from '../../../src/outbox/send-limits.js';

describe('twilio.smsPerSecond and twilio.callsPerSecond', () => {
  it('default to Twilio’s rates: 10 SMS a second, 1 call a second', () => {
    expect(parseFileConfig().twilio).toMatchObject({ smsPerSecond: 10, callsPerSecond: 1 });
  });

  it.each([0, -1, 'ten', null])('refuse %s, naming the key', (bad) => {
    for (const key of ['smsPerSecond', 'callsPerSecond']) {
      let error: unknown;
      try {
        parseFileConfig({ twilio: { [key]: bad } });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).key).toBe(`twilio.${key}`);
    }
  });
});

describe('pacing', () => {
  it('spaces sends so that N + 1 of them span more than a second (never N + 1 in one second)', () => {
    for (const n of [0.5, 1, 5, 10, 30]) expect(n * spacingMs(n)).toBeGreaterThan(1000);
  });
});
