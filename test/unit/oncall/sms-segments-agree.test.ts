/**
 * Issue 24, item 1: Press Desk's count of a text's SMS segments (what it budgets a page or bundle
 * by, and what the holding-line preview shows) agrees with Twilio's `num_segments`, as the fake
 * Twilio computes it from Twilio's documented rules (test/support/fake-twilio-model.ts, which
 * shares no code with src/). A bundle with a typographic ellipsis or an emoji is UCS-2 for both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Enquiry } from '../../../src/enquiries/enquiry.tables.js';
import { smsSize } from '../../../src/incidents/holding-line.service.js';
import { HELP_TEXT } from '../../../src/oncall/commands.js';
import { bundleSms, pageSms } from '../../../src/oncall/paging.messages.js';
import { twilioSegments } from '../../support/fake-twilio-model.js';
import { SHIPPED_OFFICE } from '../../support/shipped-office.js';

const office = SHIPPED_OFFICE;
const NOW = new Date('2026-12-24T18:00:00Z');
const LINK = 'https://press.example.org/m/list/AbCdEfGhIjKlMnOpQrStUv';

function enquiry(i: number, subject: string, outlet = 'Evening Gazette'): Enquiry {
  return {
    id: String(i + 1),
    reference: `PD-${String(100 + i)}-BCD`,
    name: 'Ann Reporter',
    outlet,
    subject,
    phone: '+447911123401',
    email: null,
    details: '',
    deadline: new Date('2026-12-25T10:00:00Z'),
  } as unknown as Enquiry;
}

/** Characters of every class the two counters must agree on: GSM basic, GSM extension, form feed, and outside GSM. */
const gsmChar = fc.constantFrom('a', 'Z', ' ', '@', '£', 'è', 'Ç', '\n', '\r', '€', '{', '^', '\\', '|', '\f', '~');
const anyChar = fc.oneof(
  { arbitrary: gsmChar, weight: 20 },
  { arbitrary: fc.constantFrom('…', '’', '🔥', 'é', 'ő', '\u00a0'), weight: 1 },
);

describe("Press Desk's segment count is Twilio's", () => {
  it('for any text of GSM, GSM-extension and other characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: gsmChar, maxLength: 700, size: 'max' }),
          fc.string({ unit: anyChar, maxLength: 300, size: 'max' }),
        ),
        (text) => {
          const twilio = twilioSegments(text);
          expect(smsSize(text)).toEqual({ length: twilio.units, segments: twilio.segments });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('for the bundle texts it sends, with ellipses and emoji in the subjects, and they stay within the budget', () => {
    const subjects = [
      'Fire at the depot…',
      'Road closed 🔥 now',
      'Council “statement” – urgent',
      'Plain subject about the budget',
      'Ellipsis… and € signs {here}',
    ];
    for (const n of [1, 3, 8, 25]) {
      for (const segments of [2, 4]) {
        const items = Array.from({ length: n }, (_, i) => ({
          enquiry: enquiry(i, subjects[i % subjects.length], i % 2 ? 'Radio 🔥 News…' : 'Evening Gazette'),
          shortCode: String(4000 + i),
        }));
        const { text } = bundleSms(items, office, NOW, { segments, link: LINK });
        const twilio = twilioSegments(text);
        expect(smsSize(text).segments, text).toBe(twilio.segments);
        expect(twilio.segments, text).toBeLessThanOrEqual(segments);
      }
    }
  });

  it('for page texts and the HELP text, each at most two segments as Twilio counts them', () => {
    for (const subject of ['Fire at the depot… casualties and closures, '.repeat(8), '🔥'.repeat(100), 'Short']) {
      const text = pageSms(enquiry(1, subject), '4821', office, NOW, LINK);
      expect(smsSize(text).segments, text).toBe(twilioSegments(text).segments);
      expect(twilioSegments(text).segments, text).toBeLessThanOrEqual(2);
    }
    expect(twilioSegments(HELP_TEXT)).toMatchObject({ encoding: 'GSM-7' });
    expect(twilioSegments(HELP_TEXT).segments).toBeLessThanOrEqual(2);
  });
});
