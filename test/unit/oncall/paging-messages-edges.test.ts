/**
 * Issue 24 (mutation testing on the core promise): what the on-call officer reads and hears, to
 * the character. The page text (who, how to reach them, the deadline, the subject, the link, the
 * ACK), what is kept and what is cut when it runs long (two segments), the bundle text, the call
 * TwiML, and the segment arithmetic underneath: a typographic character must not turn a text into
 * UCS-2 (two segments of 306 characters become 134).
 */
import { describe, expect, it } from 'vitest';
import type { Enquiry } from '../../../src/enquiries/enquiry.tables.js';
import {
  bundleCallTwiml,
  bundleSms,
  fitsOneMessage,
  fitsSegments,
  foldToGsm,
  GSM,
  gsmLine,
  journalistAckSms,
  MAX_SMS_SEGMENTS,
  mostThatFit,
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
/** Thursday 24 December 2026, 18:00 in London. */
const NOW = new Date('2026-12-24T18:00:00Z');
const TONIGHT = new Date('2026-12-24T21:30:00Z');
const LINK = 'https://press.example.org/m/AbCdEfGhIjKlMnOpQrStUv';
const LIST_LINK = 'https://press.example.org/m/list/AbCdEfGhIjKlMnOpQrStUv';
const GATHER = 'https://press.example.org/twilio/voice?page=123456789012';

function enquiry(f: Partial<Record<keyof Enquiry, unknown>> = {}): Enquiry {
  return {
    id: '1',
    reference: 'PD-7KQ-M2X',
    name: 'Ann Reporter',
    outlet: 'Evening Gazette',
    subject: 'Fire at the depot',
    phone: '+447911123401',
    email: 'ann@gazette.example',
    details: '',
    deadline: TONIGHT,
    ...f,
  } as unknown as Enquiry;
}

/** Whether the text is sent in the GSM 7-bit alphabet (two segments hold 306 places, not 134). */
const isGsm = (text: string) => GSM.test(text);

function said(twiml: string): string[] {
  const texts = (node: XmlNode): string[] => (typeof node === 'string' ? [node] : node.children.flatMap(texts));
  return texts(parseXml(twiml));
}

describe('segment arithmetic', () => {
  it('one segment holds 160 GSM characters or 70 others; joined segments 153 or 67 each', () => {
    expect(smsCapacity('plain', 1)).toBe(160);
    expect(smsCapacity('plain 🔥', 1)).toBe(70);
    expect(smsCapacity('plain', 2)).toBe(306);
    expect(smsCapacity('plain 🔥', 2)).toBe(134);
    expect(smsCapacity('plain', 10)).toBe(1530);
    expect(smsCapacity('ő', 3)).toBe(201);
  });

  it('the GSM alphabet takes its accented letters and symbols, and refuses emoji, other scripts and the rest', () => {
    for (const text of [
      '',
      'Plain text, 100% (ok)?',
      'é è ù ì ò Ç Ø å Æ ß É Ä Ö Ñ Ü ä ö ñ ü à',
      '@£$¥ΔΦΓΛΩΠΨΣΘΞ§¿¡¤',
      '\n\r',
      '{}[]~|\\^€\f',
    ]) {
      expect(isGsm(text), text).toBe(true);
    }
    for (const text of ['🔥', 'a🔥', '🔥a', 'ő', 'á', '中', '’', '…', 'a\u00a0b', '\t']) {
      expect(isGsm(text), text).toBe(false);
    }
  });

  it('a GSM extension character takes two places; in a UCS-2 text every character one, an emoji two', () => {
    expect(smsLength('plain')).toBe(5);
    expect(smsLength('')).toBe(0);
    expect(smsLength('a{b')).toBe(4);
    expect(smsLength('{}[]~|\\^€\f')).toBe(20);
    expect(smsLength('€5 {x}')).toBe(9);
    expect(smsLength('{ő}')).toBe(3);
    expect(smsLength('🔥')).toBe(2);
  });

  it('a text fits its segments up to the last place, and never more than one Twilio message of 1,600 characters', () => {
    expect(fitsSegments('a'.repeat(160), 1)).toBe(true);
    expect(fitsSegments('a'.repeat(161), 1)).toBe(false);
    expect(fitsSegments('a'.repeat(306), 2)).toBe(true);
    expect(fitsSegments('a'.repeat(307), 2)).toBe(false);
    expect(fitsSegments(`${'a'.repeat(304)}{`, 2)).toBe(true);
    expect(fitsSegments(`${'a'.repeat(305)}{`, 2)).toBe(false);
    expect(fitsSegments('ő'.repeat(134), 2)).toBe(true);
    expect(fitsSegments('ő'.repeat(135), 2)).toBe(false);
    // No fewer than one segment, no more than ten (1,530 GSM characters, inside 1,600).
    expect(fitsSegments('a'.repeat(160), 0)).toBe(true);
    expect(fitsSegments('a'.repeat(161), 0)).toBe(false);
    expect(MAX_SMS_SEGMENTS).toBe(10);
    expect(fitsSegments('a'.repeat(1530), 10)).toBe(true);
    expect(fitsSegments('a'.repeat(1531), 11)).toBe(false);
    expect(fitsSegments('a'.repeat(1531), 50)).toBe(false);
    expect(fitsSegments('🔥'.repeat(335), 10)).toBe(true);
    expect(fitsSegments('🔥'.repeat(336), 20)).toBe(false);
  });

  it('one Twilio message is 1,600 UTF-16 units or 1,600 SMS places, whichever is reached first', () => {
    expect(SMS_BODY_LIMIT).toBe(1600);
    expect(fitsOneMessage('a'.repeat(1600))).toBe(true);
    expect(fitsOneMessage('a'.repeat(1601))).toBe(false);
    expect(fitsOneMessage('{'.repeat(800))).toBe(true);
    expect(fitsOneMessage('{'.repeat(801))).toBe(false);
    expect(fitsOneMessage('🔥'.repeat(800))).toBe(true);
    expect(fitsOneMessage('🔥'.repeat(801))).toBe(false);
  });
});

describe('typography folded to GSM for texts to staff', () => {
  it('curly quotes, dashes, the ellipsis, the bullet and the no-break space become the GSM characters that read the same', () => {
    expect(foldToGsm('‘single’ ‚low‚ “double” „low„')).toBe(`'single' 'low' "double" "low"`);
    expect(foldToGsm('9–5 — then…')).toBe('9-5 - then...');
    expect(foldToGsm('• item\u00a0one')).toBe('* item one');
  });

  it('letters with accents GSM lacks lose the accent; GSM letters, emoji and other scripts stay as typed', () => {
    expect(foldToGsm('Siobhán Ó Dálaigh, Łódź, Dvořák, Kő')).toBe('Siobhan O Dalaigh, Łodz, Dvorak, Ko');
    expect(foldToGsm('Müller Peña café')).toBe('Müller Peña café');
    expect(foldToGsm('Fire 🔥 中文')).toBe('Fire 🔥 中文');
    expect(isGsm(foldToGsm('Siobhán O’Neill – “Kő” …'))).toBe(true);
  });

  it('a letter of another script keeps its mark: the breve of й or the tonos of ά is part of the letter', () => {
    expect(foldToGsm('Андрій Йорк, Ελλάδα')).toBe('Андрій Йорк, Ελλάδα');
  });

  it('an accent typed as a separate mark (as macOS file names and some keyboards send it) is folded too', () => {
    expect(foldToGsm('Siobha\u0301n')).toBe('Siobhan');
    expect(isGsm(foldToGsm('Siobha\u0301n'))).toBe(true);
  });
});

describe('a line of a staff text (gsmLine)', () => {
  it('keeps only GSM characters, with the extension ones made plain so each takes one place', () => {
    expect(gsmLine('{a} [b] ~c | d\\e ^f €5', 100)).toBe("(a) (b) -c / d/e 'f EUR5");
    expect(gsmLine('Fire 🔥 at the “depot”', 100)).toBe('Fire at the "depot"');
    expect(gsmLine('中文', 100)).toBe('');
  });

  it('puts everything on one line and cuts a run of one symbol to three, never letters, digits or a short run', () => {
    expect(gsmLine('  Fire\n\nat\tthe\r\ndepot  ', 100)).toBe('Fire at the depot');
    expect(gsmLine(`${'&'.repeat(200)} ok !!! ?!?! ----`, 100)).toBe('&&& ok !!! ?!?! ---');
    expect(gsmLine('Aaaaargh 1000000', 100)).toBe('Aaaaargh 1000000');
  });

  it('is cut to its length with "...", or left out when no word would fit before the dots', () => {
    expect(gsmLine('Evening Gazette', 15)).toBe('Evening Gazette');
    expect(gsmLine('Evening Gazette', 10)).toBe('Evening...');
    expect(gsmLine('Evening Gazette', 4)).toBe('E...');
    expect(gsmLine('Evening Gazette', 3)).toBe('');
  });
});

describe('mostThatFit', () => {
  it('takes as many as fit, in order, stopping at the first that does not', () => {
    const compose = (k: number) => 'x'.repeat(k);
    expect(mostThatFit(10, compose, (t) => t.length <= 4)).toEqual({ k: 4, text: 'xxxx' });
    expect(mostThatFit(3, compose, (t) => t.length <= 4)).toEqual({ k: 3, text: 'xxx' });
    expect(mostThatFit(10, compose, (t) => t.length !== 2)).toEqual({ k: 1, text: 'x' });
    expect(mostThatFit(0, compose, () => true)).toEqual({ k: 0, text: '' });
    expect(mostThatFit(5, compose, () => false)).toEqual({ k: 0, text: '' });
  });
});

describe('the page text', () => {
  it('says the reference, who and how to reach them, the deadline in office time, the subject, the link on its own line, and the ACK last', () => {
    expect(pageSms(enquiry(), '4821', office, NOW, LINK)).toBe(
      `URGENT media enquiry PD-7KQ-M2X. Ann Reporter, Evening Gazette 07911 123401. Deadline Thu 24 Dec 21:30. Subject: Fire at the depot\nOpen: ${LINK}\nReply ACK 4821 to acknowledge.`,
    );
    expect(pageSms(enquiry(), '4821', office, NOW)).toBe(
      'URGENT media enquiry PD-7KQ-M2X. Ann Reporter, Evening Gazette 07911 123401. Deadline Thu 24 Dec 21:30. Subject: Fire at the depot Reply ACK 4821 to acknowledge.',
    );
  });

  it('says so when no deadline was given, and shows the subject on one line', () => {
    expect(pageSms(enquiry({ deadline: null, subject: '  Fire\n at the\tdepot ' }), '4821', office, NOW)).toBe(
      'URGENT media enquiry PD-7KQ-M2X. Ann Reporter, Evening Gazette 07911 123401. No deadline given. Subject: Fire at the depot Reply ACK 4821 to acknowledge.',
    );
  });

  it.each([
    ['no name', { name: '' }, 'Journalist, Evening Gazette 07911 123401'],
    ['no outlet', { outlet: '' }, 'Ann Reporter 07911 123401'],
    ['no phone: the email', { phone: null }, 'Ann Reporter, Evening Gazette ann@gazette.example'],
    ['no phone, no email', { phone: null, email: null }, 'Ann Reporter, Evening Gazette'],
    ['only an email', { name: '', outlet: '', phone: null }, 'Journalist ann@gazette.example'],
    ['nothing', { name: '', outlet: '', phone: null, email: null }, 'Journalist'],
    [
      'a number abroad, as dialled from here',
      { phone: '+12025550123' },
      'Ann Reporter, Evening Gazette +1 202 555 0123',
    ],
  ])('shows who with %s', (_, fields, whoLine) => {
    expect(pageSms(enquiry(fields), '4821', office, NOW)).toBe(
      `URGENT media enquiry PD-7KQ-M2X. ${whoLine}. Deadline Thu 24 Dec 21:30. Subject: Fire at the depot Reply ACK 4821 to acknowledge.`,
    );
  });

  it('a curly apostrophe or an accent in the name or subject does not turn the page into UCS-2', () => {
    const text = pageSms(
      enquiry({ name: 'Siobhán O’Neill', outlet: 'Kő Radio', subject: '“Fire” at the depot – update…' }),
      '4821',
      office,
      NOW,
      LINK,
    );
    expect(text).toContain(`Siobhan O'Neill, Ko Radio 07911 123401`);
    expect(text).toContain('Subject: "Fire" at the depot - update...\n');
    expect(isGsm(text)).toBe(true);
  });

  it('a long subject is cut with "..." to fill exactly two GSM segments, keeping the reference, who, deadline, link and ACK', () => {
    const subject = 'Casualties and road closures after the fire at the Kestrel Street depot. '.repeat(6);
    for (const link of [LINK, null]) {
      const text = pageSms(enquiry({ subject }), '4821', office, NOW, link);
      expect(isGsm(text)).toBe(true);
      expect(smsLength(text)).toBe(306);
      expect(text).toMatch(
        /^URGENT media enquiry PD-7KQ-M2X\. Ann Reporter, Evening Gazette 07911 123401\. Deadline Thu 24 Dec 21:30\. Subject: Casualties and road closures after the fire .*\.\.\.(\nOpen: \S+\n| )Reply ACK 4821 to acknowledge\.$/,
      );
      if (link) expect(text).toContain(`\nOpen: ${link}\nReply ACK 4821`);
    }
  });

  it('a GSM extension character in a long subject takes two places, and the page still fits two segments', () => {
    const text = pageSms(enquiry({ subject: '{budget} '.repeat(60) }), '4821', office, NOW, LINK);
    expect(isGsm(text)).toBe(true);
    expect(smsLength(text)).toBeGreaterThanOrEqual(305);
    expect(smsLength(text)).toBeLessThanOrEqual(306);
    expect(text).toContain('Subject: {budget} {budget}');
  });

  it('an emoji in a subject is sent as typed when the whole page fits two UCS-2 segments, else left out', () => {
    const brief = {
      name: 'Ann',
      outlet: '',
      phone: null,
      email: null,
      deadline: null,
      subject: 'Fire 🔥 at the depot',
    };
    expect(pageSms(enquiry(brief), '4821', office, NOW)).toBe(
      'URGENT media enquiry PD-7KQ-M2X. Ann. No deadline given. Subject: Fire 🔥 at the depot Reply ACK 4821 to acknowledge.',
    );
    expect(pageSms(enquiry({ subject: 'Fire 🔥 at the depot' }), '4821', office, NOW)).toBe(
      'URGENT media enquiry PD-7KQ-M2X. Ann Reporter, Evening Gazette 07911 123401. Deadline Thu 24 Dec 21:30. Subject: Fire at the depot Reply ACK 4821 to acknowledge.',
    );
  });

  it('an emoji in a long subject is dropped rather than cutting the page to 134 characters', () => {
    const subject = `Fire at the depot 🔥 ${'casualties and road closures '.repeat(10)}`;
    for (const e of [
      enquiry({ subject }),
      enquiry({ name: 'Ann', outlet: '', phone: null, email: null, deadline: null, subject }),
    ]) {
      for (const link of [LINK, null]) {
        const text = pageSms(e, '4821', office, NOW, link);
        expect(isGsm(text), text).toBe(true);
        expect(smsLength(text), text).toBe(306);
        expect(text).toContain('Subject: Fire at the depot casualties and road closures casualties');
      }
    }
  });

  it('an emoji left out at either end of the subject leaves no stray space', () => {
    for (const subject of ['🔥 Fire at the depot', 'Fire at the depot 🔥', 'Fire at the 🔥 depot']) {
      expect(pageSms(enquiry({ subject }), '4821', office, NOW)).toBe(
        'URGENT media enquiry PD-7KQ-M2X. Ann Reporter, Evening Gazette 07911 123401. Deadline Thu 24 Dec 21:30. Subject: Fire at the depot Reply ACK 4821 to acknowledge.',
      );
    }
  });

  it('never says "Subject:" with nothing after it, however long the name: a subject cut to nothing is left out', () => {
    for (const [name, link] of [
      ['A', LINK],
      ['A', null],
      ['🔥', LINK],
      ['Ж', null],
    ] as const) {
      for (let length = 1; length <= 320; length++) {
        const text = pageSms(
          enquiry({ name: name.repeat(length), subject: 'Fire at the depot' }),
          '4821',
          office,
          NOW,
          link,
        );
        expect(fitsSegments(text, 2), text).toBe(true);
        expect(text, text).not.toMatch(/Subject: *(\.\.\.|…)? *(\n|Reply)/);
      }
    }
  });

  it('a subject of emoji alone is cut with "…" within two UCS-2 segments when the rest leaves room', () => {
    const text = pageSms(
      enquiry({ name: 'Ann', outlet: '', phone: null, email: null, deadline: null, subject: '🔥'.repeat(100) }),
      '4821',
      office,
      NOW,
    );
    expect(text).toBe(
      `URGENT media enquiry PD-7KQ-M2X. Ann. No deadline given. Subject: ${'🔥'.repeat(18)}… Reply ACK 4821 to acknowledge.`,
    );
    expect(text.length).toBe(134);
  });

  it('a very long name and outlet are cut with "..." and the subject left out; reference, deadline, link and ACK stay', () => {
    const text = pageSms(
      enquiry({
        name: 'Annabel Reporter-Smythe '.repeat(12),
        outlet: 'The Kestrel Evening Chronicle',
        subject: 'Fire',
      }),
      '4821',
      office,
      NOW,
      LINK,
    );
    expect(smsLength(text)).toBe(306);
    expect(text).toMatch(
      /^URGENT media enquiry PD-7KQ-M2X\. Annabel Reporter-Smythe Annabel .*\.\.\.\. Deadline Thu 24 Dec 21:30\.\nOpen: /,
    );
    expect(text).not.toContain('Subject:');
    expect(text.endsWith(`\nOpen: ${LINK}\nReply ACK 4821 to acknowledge.`)).toBe(true);
  });

  it('a name of emoji (UCS-2 whatever is cut) is cut with "…"; the link is left out only when it cannot fit', () => {
    const short = pageSms(
      enquiry({ name: '🔥'.repeat(10), outlet: '', phone: null, email: null }),
      '4821',
      office,
      NOW,
      LINK,
    );
    // With the link, even the shortest name worth keeping runs past 134: so without it, and the subject cut.
    expect(short).toBe(
      `URGENT media enquiry PD-7KQ-M2X. ${'🔥'.repeat(10)}. Deadline Thu 24 Dec 21:30. Subject: Fire at the… Reply ACK 4821 to acknowledge.`,
    );
    expect(short.length).toBe(134);
    const long = pageSms(enquiry({ name: '🔥'.repeat(200), subject: 'casualties' }), '4821', office, NOW, LINK);
    expect(long.length).toBeLessThanOrEqual(134);
    expect(long).toMatch(
      /^URGENT media enquiry PD-7KQ-M2X\. (🔥)+…\. Deadline Thu 24 Dec 21:30\. Reply ACK 4821 to acknowledge\.$/,
    );
    // Kept as long as fits: more than the twelve characters worth keeping.
    expect([...long.split('. ')[1]].length).toBeGreaterThan(12);
  });

  it('keeps the link when a UCS-2 name can be cut to twelve characters (the mark included) to make room, not below', () => {
    const cyrillic = { name: 'Ж'.repeat(40), outlet: '', phone: null, email: null, subject: 'Fire' };
    expect(pageSms(enquiry(cyrillic), '4821', office, NOW, 'https://p.example/m/x')).toBe(
      `URGENT media enquiry PD-7KQ-M2X. ${'Ж'.repeat(13)}…. Deadline Thu 24 Dec 21:30.\nOpen: https://p.example/m/x\nReply ACK 4821 to acknowledge.`,
    );
    expect(pageSms(enquiry(cyrillic), '4821', office, NOW, 'https://p.example/m/xyz')).toBe(
      `URGENT media enquiry PD-7KQ-M2X. ${'Ж'.repeat(11)}…. Deadline Thu 24 Dec 21:30.\nOpen: https://p.example/m/xyz\nReply ACK 4821 to acknowledge.`,
    );
    // One character more of link: the name would go below twelve, so the link goes instead (and
    // the subject, for which the whole name leaves no room).
    expect(pageSms(enquiry(cyrillic), '4821', office, NOW, 'https://p.example/m/xyzw')).toBe(
      `URGENT media enquiry PD-7KQ-M2X. ${'Ж'.repeat(40)}. Deadline Thu 24 Dec 21:30. Reply ACK 4821 to acknowledge.`,
    );
  });
});

describe('the bundle text', () => {
  const item = (f: Partial<Record<keyof Enquiry, unknown>>, shortCode: string) => ({ enquiry: enquiry(f), shortCode });

  it('one held-back page: its line and "acknowledge it"', () => {
    expect(bundleSms([item({}, '4821')], office, NOW, { segments: 2, link: LIST_LINK })).toEqual({
      text: 'URGENT: 1 more media enquiry:\nPD-7KQ-M2X (4821) Evening Gazette by Thu 24 Dec 21:30: Fire at the depot\nReply ACK to acknowledge it, or ACK <code> for one.',
      listed: 1,
      withLink: false,
    });
  });

  it('shows the outlet, else the number as dialled, else "SMS"; the deadline only when given', () => {
    const b = bundleSms(
      [
        item({ reference: 'PD-AAA-AAA' }, '1111'),
        item({ reference: 'PD-BBB-BBB', outlet: '', deadline: null }, '2222'),
        item({ reference: 'PD-CCC-CCC', outlet: '', phone: null, subject: 'Road' }, '3333'),
        item({ reference: 'PD-DDD-DDD', outlet: '🔥', subject: 'Flood' }, '4444'),
      ],
      office,
      NOW,
      { segments: 4, link: null },
    );
    expect(b).toEqual({
      text: [
        'URGENT: 4 more media enquiries:',
        'PD-AAA-AAA (1111) Evening Gazette by Thu 24 Dec 21:30: Fire at the depot',
        'PD-BBB-BBB (2222) 07911 123401: Fire at the depot',
        'PD-CCC-CCC (3333) SMS by Thu 24 Dec 21:30: Road',
        'PD-DDD-DDD (4444) SMS by Thu 24 Dec 21:30: Flood',
        'Reply ACK to acknowledge all, or ACK <code> for one.',
      ].join('\n'),
      listed: 4,
      withLink: false,
    });
  });

  it('cuts the outlet to 30 and the subject to 50 characters', () => {
    const { text } = bundleSms(
      [
        item(
          {
            outlet: 'The Kestrel and District Evening Chronicle',
            subject: 'Casualties and road closures after the fire at the Kestrel Street depot',
          },
          '4821',
        ),
      ],
      office,
      NOW,
      { segments: 4, link: null },
    );
    expect(text.split('\n')[1]).toBe(
      'PD-7KQ-M2X (4821) The Kestrel and District Ev... by Thu 24 Dec 21:30: Casualties and road closures after the fire at ...',
    );
  });

  it('lists as many as fit and says how many more and where: the link, or INFO without one', () => {
    const items = Array.from({ length: 9 }, (_, i) => item({ reference: `PD-AA${i}-BCD` }, String(1000 + i)));
    const withLink = bundleSms(items, office, NOW, { segments: 2, link: LIST_LINK });
    expect(withLink.withLink).toBe(true);
    expect(withLink.listed).toBe(2);
    expect(withLink.text).toBe(
      [
        'URGENT: 9 more media enquiries:',
        'PD-AA0-BCD (1000) Evening Gazette by Thu 24 Dec 21:30: Fire at the depot',
        'PD-AA1-BCD (1001) Evening Gazette by Thu 24 Dec 21:30: Fire at the depot',
        `and 7 more: ${LIST_LINK}`,
        'Reply ACK to acknowledge all, or ACK <code> for one.',
      ].join('\n'),
    );
    expect(fitsSegments(withLink.text, 2)).toBe(true);
    const noLink = bundleSms(items, office, NOW, { segments: 2, link: null });
    expect(noLink.withLink).toBe(false);
    expect(noLink.text.split('\n').at(-2)).toBe(`and ${9 - noLink.listed} more: text INFO and a reference for each.`);
    expect(noLink.listed).toBe(2);
  });

  it('a link longer than the whole budget leaves the count and the ACK, which always fit', () => {
    const items = Array.from({ length: 9 }, (_, i) => item({ reference: `PD-AA${i}-BCD` }, String(1000 + i)));
    expect(
      bundleSms(items, office, NOW, { segments: 2, link: `https://press.example.org/${'x'.repeat(400)}` }),
    ).toEqual({
      text: 'URGENT: 9 more media enquiries: 9.\nReply ACK to acknowledge all, or ACK <code> for one.',
      listed: 0,
      withLink: false,
    });
  });
});

describe('the page call', () => {
  it('says who rings, the reference letter by letter, the outlet, the deadline and the subject, twice, then escalates', () => {
    const twiml = pageCallTwiml(enquiry(), office, NOW, GATHER);
    const summary =
      'This is Press Desk. An urgent media enquiry has not been acknowledged. Reference 7 K Q - M 2 X. From Evening Gazette. The deadline is Thu 24 Dec 21:30. Subject: Fire at the depot.';
    expect(said(twiml)).toEqual([
      summary,
      'Press 1 to acknowledge.',
      summary,
      'Press 1 to acknowledge.',
      'No key pressed. The enquiry will be escalated. Goodbye.',
    ]);
    expect(twiml).toContain(`action="${GATHER}"`);
  });

  it('without outlet, deadline or subject: "a journalist", and nothing said of the rest', () => {
    const [summary] = said(pageCallTwiml(enquiry({ outlet: '', deadline: null, subject: '' }), office, NOW, GATHER));
    expect(summary).toBe(
      'This is Press Desk. An urgent media enquiry has not been acknowledged. Reference 7 K Q - M 2 X. From a journalist.',
    );
  });

  it('reads out one line of words: control characters and line breaks as spaces, a run of one symbol once', () => {
    const [summary] = said(
      pageCallTwiml(
        enquiry({
          outlet: ' Radio\u0000Kestrel\n\n ',
          subject: 'Fire!!!  at &&&& the\tdepot??? 1000 sheep',
          deadline: null,
        }),
        office,
        NOW,
        GATHER,
      ),
    );
    expect(summary).toBe(
      'This is Press Desk. An urgent media enquiry has not been acknowledged. Reference 7 K Q - M 2 X. From Radio Kestrel. Subject: Fire! at & the depot? 1000 sheep.',
    );
  });

  it('reads 60 characters of the outlet and 200 of the subject', () => {
    const outlet = 'The Kestrel and District Evening Chronicle and Weekly Advertiser Group';
    const subject = 'Casualties and road closures after the fire at the Kestrel Street depot. '.repeat(4);
    const [summary] = said(pageCallTwiml(enquiry({ outlet, subject, deadline: null }), office, NOW, GATHER));
    expect(summary).toContain(`From ${outlet.slice(0, 60).trim()}.`);
    expect(summary).toContain(`Subject: ${subject.slice(0, 200)}.`);
    expect(summary).not.toContain(subject.slice(0, 201));
  });

  it('stays under 4,000 characters by cutting the subject, then the outlet, however long the address it posts to', () => {
    const outlet = '<a&b> '.repeat(20);
    const subject = '<a&b> '.repeat(60);
    for (const extra of [1000, 1700, 2000, 2400, 3000]) {
      const gather = `${GATHER}&pad=${'x'.repeat(extra)}`;
      const twiml = pageCallTwiml(enquiry({ outlet, subject }), office, NOW, gather);
      expect(twiml.length, String(extra)).toBeLessThan(TWIML_LIMIT);
      const [summary] = said(twiml);
      expect(summary).toContain('Reference 7 K Q - M 2 X. From ');
      expect(summary).toContain('The deadline is Thu 24 Dec 21:30.');
    }
    // With room to spare, the whole outlet and 200 characters of subject.
    const [full] = said(pageCallTwiml(enquiry({ outlet, subject }), office, NOW, GATHER));
    expect(full).toContain(`From ${outlet.slice(0, 60)}.`);
    expect(full).toContain(`Subject: ${subject.slice(0, 200).trim()}.`);
  });
});

describe('the bundled call', () => {
  it('one enquiry: "An urgent media enquiry has", and press 1', () => {
    expect(said(bundleCallTwiml([{ enquiry: enquiry() }], office, NOW, GATHER))).toEqual([
      'This is Press Desk. An urgent media enquiry has not been acknowledged. Enquiry 1. Reference 7 K Q - M 2 X. From Evening Gazette. The deadline is Thu 24 Dec 21:30. Subject: Fire at the depot.',
      'Press 1 to acknowledge.',
      'This is Press Desk. An urgent media enquiry has not been acknowledged. Enquiry 1. Reference 7 K Q - M 2 X. From Evening Gazette. The deadline is Thu 24 Dec 21:30. Subject: Fire at the depot.',
      'Press 1 to acknowledge.',
      'No key pressed. They will be escalated. Goodbye.',
    ]);
  });

  it('several: how many, each in turn, and press 1 to acknowledge them all', () => {
    const twiml = bundleCallTwiml(
      [
        { enquiry: enquiry() },
        { enquiry: enquiry({ reference: 'PD-AB1-CDE', outlet: '', subject: '', deadline: null }) },
      ],
      office,
      NOW,
      GATHER,
    );
    const [summary, prompt] = said(twiml);
    expect(summary).toBe(
      'This is Press Desk. 2 urgent media enquiries have not been acknowledged. Enquiry 1. Reference 7 K Q - M 2 X. From Evening Gazette. The deadline is Thu 24 Dec 21:30. Subject: Fire at the depot. Enquiry 2. Reference A B 1 - C D E. From a journalist.',
    );
    expect(prompt).toBe('Press 1 to acknowledge all 2.');
    expect(twiml).toContain(`action="${GATHER}"`);
  });

  it('reads out five, and says how many more are in the texts', () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ enquiry: enquiry({ reference: `PD-AA${i}-BCD` }) }));
    const [summary, prompt] = said(bundleCallTwiml(items, office, NOW, GATHER));
    expect(summary).toMatch(/^This is Press Desk\. 6 urgent media enquiries have not been acknowledged\. Enquiry 1\. /);
    expect(summary).toContain('Enquiry 5. Reference A A 4 - B C D. From Evening Gazette.');
    expect(summary).not.toContain('Enquiry 6.');
    expect(summary.endsWith('Subject: Fire at the depot. And 1 more, listed in the texts.')).toBe(true);
    expect(prompt).toBe('Press 1 to acknowledge all 6.');
    const five = said(bundleCallTwiml(items.slice(0, 5), office, NOW, GATHER))[0];
    expect(five).not.toContain('more, listed in the texts');
  });

  it('cuts subjects to 60 and outlets to 40 characters, then shorter, then reads fewer, to stay under 4,000', () => {
    const outlet = 'The Kestrel and District Evening Chronicle and Weekly Advertiser';
    const subject = 'Casualties and road closures after the fire at the Kestrel Street depot';
    const items = Array.from({ length: 3 }, (_, i) => ({
      enquiry: enquiry({ reference: `PD-AA${i}-BCD`, outlet, subject }),
    }));
    const [summary] = said(bundleCallTwiml(items, office, NOW, GATHER));
    expect(summary).toContain(`From ${outlet.slice(0, 40)}.`);
    expect(summary).toContain(`Subject: ${subject.slice(0, 60)}.`);
    for (const extra of [1500, 2200, 2600, 3000]) {
      const twiml = bundleCallTwiml(items, office, NOW, `${GATHER}&pad=${'x'.repeat(extra)}`);
      expect(twiml.length, String(extra)).toBeLessThan(TWIML_LIMIT);
      expect(said(twiml)[1]).toBe('Press 1 to acknowledge all 3.');
    }
  });
});

describe("the journalist's acknowledgement", () => {
  it('names the office and the reference', () => {
    expect(journalistAckSms(enquiry(), 'Kestrel Council Press Office')).toBe(
      'Kestrel Council Press Office: we have your urgent enquiry PD-7KQ-M2X. The on-call press officer has it and will be in touch.',
    );
  });
});
