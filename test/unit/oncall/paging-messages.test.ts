/**
 * Issue 22, item 1: every page text fits one message Twilio accepts (at most 1,600 characters,
 * and the bundle within its segment budget), and every page call's TwiML stays under 4,000
 * characters after XML escaping, whatever the journalists typed and however many enquiries a
 * bundle carries. Property tests over hostile input: runs of `&` and `<`, quotes, emoji, GSM
 * extension characters, newlines, control characters and lone surrogates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Enquiry } from '../../../src/enquiries/enquiry.tables.js';
import {
  bundleCallTwiml,
  bundleSms,
  fitsOneMessage,
  fitsSegments,
  pageCallTwiml,
  pageSms,
  SMS_BODY_LIMIT,
  smsCapacity,
  smsLength,
  TWIML_LIMIT,
} from '../../../src/oncall/paging.messages.js';
import { parseXml, type XmlNode } from '../../support/fake-call.js';
import { SHIPPED_OFFICE } from '../../support/shipped-office.js';

const office = SHIPPED_OFFICE;
const NOW = new Date('2026-12-24T18:00:00Z');
const LINK = 'https://press.example.org/m/list/AbCdEfGhIjKlMnOpQrStUv';
const GATHER = 'https://press.example.org/twilio/voice?bundle=123456789012';

function enquiry(
  i: number,
  f: { name: string; outlet: string; subject: string; phone?: string | null; deadline?: Date | null },
): Enquiry {
  const ref = `PD-${String(i).padStart(3, '0').slice(-3).replace(/0/g, 'A')}-${'BCD'}`;
  return {
    id: String(i + 1),
    reference: ref,
    name: f.name,
    outlet: f.outlet,
    subject: f.subject,
    phone: f.phone ?? null,
    email: null,
    details: '',
    deadline: f.deadline ?? null,
  } as unknown as Enquiry;
}

/** The characters journalists (or an attacker) type that grow a text or its TwiML. */
const hostileChar = fc.constantFrom(
  '&',
  '<',
  '>',
  '"',
  "'",
  '€',
  '{',
  '|',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u0007',
  '🔥',
  'é',
  'ő',
  '’',
  '–',
  '\uD800',
  '\uDFFF',
  '\uFFFE',
  'a',
  ' ',
  'Z',
  '9',
  'PD-',
  '\nPD-AAA-BCD (1234) ',
);
const hostileText = fc.oneof(
  fc.string({ unit: hostileChar, maxLength: 250 }),
  fc.string({ unit: 'binary', maxLength: 250 }),
  fc.constant('&'.repeat(200)),
  fc.constant('<'.repeat(200)),
);
const deadline = fc.option(
  fc.date({ min: new Date('2026-12-24T18:00:00Z'), max: new Date('2027-02-01T00:00:00Z'), noInvalidDate: true }),
  { nil: null },
);
const journalist = fc.record({
  name: hostileText,
  outlet: hostileText,
  subject: hostileText,
  phone: fc.option(fc.constant('+447911123456'), { nil: null }),
  deadline,
});

function texts(node: XmlNode): string[] {
  return typeof node === 'string' ? [node] : node.children.flatMap(texts);
}

describe('bundleSms', () => {
  it('fits its segment budget and one Twilio message, lists a prefix and links to the rest, whatever it carries', () => {
    fc.assert(
      fc.property(
        fc.array(journalist, { minLength: 1, maxLength: 220 }),
        fc.integer({ min: 2, max: 10 }),
        fc.boolean(),
        (js, segments, withLink) => {
          const items = js.map((j, i) => ({ enquiry: enquiry(i, j), shortCode: String(1000 + i) }));
          const b = bundleSms(items, office, NOW, { segments, link: withLink ? LINK : null });
          expect(b.text.length).toBeLessThanOrEqual(SMS_BODY_LIMIT);
          expect(fitsOneMessage(b.text)).toBe(true);
          expect(smsLength(b.text)).toBeLessThanOrEqual(smsCapacity(b.text, segments));
          const lines = b.text.split('\n');
          const n = items.length;
          // The first always fits: it is what an attempt whose outcome is unknown is looked up by.
          expect(b.text).toContain(`\n${items[0].enquiry.reference} (${items[0].shortCode}) `);
          expect(lines[0]).toBe(n === 1 ? 'URGENT: 1 more media enquiry:' : `URGENT: ${n} more media enquiries:`);
          expect(lines.at(-1)).toBe(`Reply ACK to acknowledge ${n === 1 ? 'it' : 'all'}, or ACK <code> for one.`);
          // One line per listed enquiry, each starting with its reference: nothing a journalist typed starts a line.
          const listed = lines.slice(1, 1 + b.listed);
          expect(listed.every((l) => /^PD-[A-Z0-9]{3}-[A-Z0-9]{3} \(\d{4}\) /.test(l))).toBe(true);
          if (b.listed < n) {
            expect(lines).toHaveLength(b.listed + 3);
            expect(lines[1 + b.listed]).toBe(
              withLink
                ? `and ${n - b.listed} more: ${LINK}`
                : `and ${n - b.listed} more: text INFO and a reference for each.`,
            );
            expect(b.withLink).toBe(withLink);
          } else {
            expect(lines).toHaveLength(n + 2);
            expect(b.withLink).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('lists every enquiry of a small bundle, and a storm as many as fit with the link to all', () => {
    const ordinary = {
      name: 'Reporter',
      outlet: 'The Kestrel Evening Chronicle',
      subject: 'Fire at the Kestrel Street depot: casualties and road closures',
    };
    const three = bundleSms(
      [0, 1, 2].map((i) => ({ enquiry: enquiry(i, ordinary), shortCode: String(4000 + i) })),
      office,
      NOW,
      { segments: 4, link: LINK },
    );
    expect(three).toMatchObject({ listed: 3, withLink: false });
    expect(three.text).toContain(
      '\nPD-AAA-BCD (4000) The Kestrel Evening Chronicle: Fire at the Kestrel Street depot: casualties an...\n',
    );

    const storm = bundleSms(
      Array.from({ length: 200 }, (_, i) => ({ enquiry: enquiry(i, ordinary), shortCode: String(4000 + i) })),
      office,
      NOW,
      { segments: 4, link: LINK },
    );
    expect(storm.listed).toBeGreaterThanOrEqual(3);
    expect(storm.withLink).toBe(true);
    expect(storm.text).toContain(`\nand ${200 - storm.listed} more: ${LINK}\nReply ACK`);
    expect(fitsSegments(storm.text, 4)).toBe(true);
  });

  it('lists in the order they came (the first line is what an unknown outcome is looked up by), and cuts a run of 200 ampersands to three', () => {
    const late = enquiry(1, {
      name: 'A',
      outlet: '&'.repeat(200),
      subject: 'Late',
      deadline: new Date('2026-12-25T09:00:00Z'),
    });
    const soon = enquiry(2, {
      name: 'B',
      outlet: 'Soon Times',
      subject: 'Soon',
      deadline: new Date('2026-12-24T19:00:00Z'),
    });
    const { text } = bundleSms(
      [
        { enquiry: late, shortCode: '1111' },
        { enquiry: soon, shortCode: '2222' },
      ],
      office,
      NOW,
      { segments: 2, link: LINK },
    );
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^PD-\S+ \(1111\) &&& by .*: Late$/);
    expect(lines[2]).toMatch(/^PD-\S+ \(2222\) Soon Times by /);
  });
});

describe('pageSms', () => {
  it('bundle lines keep their deadline, in office time, and say nothing of one when there is none', () => {
    const tonight = enquiry(1, {
      name: 'A',
      outlet: 'Gazette',
      subject: 'Fire',
      deadline: new Date('2026-12-24T21:30:00Z'),
    });
    const tomorrow = enquiry(2, {
      name: 'B',
      outlet: 'Gazette',
      subject: 'Flood',
      deadline: new Date('2026-12-25T09:00:00Z'),
    });
    const whenever = enquiry(3, { name: 'C', outlet: 'Gazette', subject: 'Road' });
    const items = [tonight, tomorrow, whenever].map((e, i) => ({ enquiry: e, shortCode: String(1111 * (i + 1)) }));
    const lines = bundleSms(items, office, NOW, { segments: 4, link: null }).text.split('\n');
    expect(lines.slice(1, 4)).toEqual([
      `${tonight.reference} (1111) Gazette by Thu 24 Dec 21:30: Fire`,
      `${tomorrow.reference} (2222) Gazette by Fri 25 Dec 09:00: Flood`,
      `${whenever.reference} (3333) Gazette: Road`,
    ]);
  });

  it('always fits two segments, so one message', () => {
    fc.assert(
      fc.property(journalist, fc.boolean(), (j, withLink) => {
        const text = pageSms(
          enquiry(7, j),
          '4821',
          office,
          NOW,
          withLink ? 'https://press.example.org/m/AbCdEfGhIjKlMnOpQrStUv' : null,
        );
        expect(fitsSegments(text, 2)).toBe(true);
        expect(text).toMatch(/Reply ACK 4821 to acknowledge\.$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('page calls', () => {
  it('a single page call is well-formed TwiML under 4,000 characters after escaping', () => {
    fc.assert(
      fc.property(journalist, (j) => {
        const twiml = pageCallTwiml(
          enquiry(3, j),
          office,
          NOW,
          'https://press.example.org/twilio/voice?page=123456789012',
        );
        expect(twiml.length).toBeLessThan(TWIML_LIMIT);
        const said = texts(parseXml(twiml)).join(' ');
        expect(said).toContain('Reference A A 3 - B C D.');
        expect(said).toContain('Press 1 to acknowledge.');
      }),
      { numRuns: 300 },
    );
  });

  it('a bundled call of up to 250 enquiries is well-formed TwiML under 4,000 characters after escaping', () => {
    fc.assert(
      fc.property(fc.array(journalist, { minLength: 1, maxLength: 250 }), (js) => {
        const twiml = bundleCallTwiml(
          js.map((j, i) => ({ enquiry: enquiry(i, j) })),
          office,
          NOW,
          GATHER,
        );
        expect(twiml.length).toBeLessThan(TWIML_LIMIT);
        const said = texts(parseXml(twiml)).join(' ');
        expect(said).toContain(
          js.length === 1 ? 'Press 1 to acknowledge.' : `Press 1 to acknowledge all ${js.length}.`,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('reads out at most five enquiries of a storm, each with its outlet cut and a run of symbols said once', () => {
    const storm = Array.from({ length: 200 }, (_, i) => ({
      enquiry: enquiry(i, {
        name: 'x',
        outlet: '&'.repeat(200),
        subject: 'Fire at the Kestrel Street depot: casualties and road closures',
      }),
    }));
    const twiml = bundleCallTwiml(storm, office, NOW, GATHER);
    expect(twiml.length).toBeLessThan(TWIML_LIMIT);
    const said = texts(parseXml(twiml));
    expect(said[0]).toMatch(
      /^This is Press Desk\. 200 urgent media enquiries have not been acknowledged\. Enquiry 1\. Reference .*\. From &\. /,
    );
    expect(said[0]).toContain('Enquiry 5.');
    expect(said[0]).not.toContain('Enquiry 6.');
    expect(said[0]).toMatch(/And 195 more, listed in the texts\.$/);
    expect(twiml).toContain(`action="${GATHER}"`);
  });
});
