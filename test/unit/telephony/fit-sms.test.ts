/** fitSms: a text with a free-text middle fits what Twilio accepts, cutting only the middle. */
import { describe, expect, it } from 'vitest';
import { fitSms, SMS_BODY_LIMIT, smsLength } from '../../../src/telephony/sms-encoding.js';

const size = (t: string) => Math.max(t.length, smsLength(t));

describe('fitSms', () => {
  it('leaves a text that fits as it is', () => {
    expect(fitSms('Head: ', 'the question', ' Link.')).toBe('Head: the question Link.');
  });

  it('cuts the middle, never the head or the tail, at the worst size of the inputs', () => {
    const head = `${'Office '.repeat(15)}: a question about PD-ABC-DEF.\n\n`;
    const tail = `\n\nAnswer here: https://press.example.org/q/[answer-link-1] or reply (code 1234).`;
    for (const middle of ['x'.repeat(5000), '€'.repeat(1200), '😀'.repeat(1200)]) {
      const text = fitSms(head, middle, tail, 8);
      expect(size(text) + 8).toBeLessThanOrEqual(SMS_BODY_LIMIT);
      expect(text.startsWith(head)).toBe(true);
      expect(text.endsWith(`…${tail}`)).toBe(true);
    }
  });
});
