import { SMS_BODY_LIMIT } from '../telephony/sms-encoding.js';
import { displayPhone } from '../enquiries/phone-numbers.js';
import type { OfficeConfig } from '../config.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { formatDeadline } from '../hours/format.js';
import { foldToGsm, GSM, smsCapacity, smsLength } from '../telephony/sms-encoding.js';
import { callTwiml } from '../telephony/twiml.js';

// Where the page texts' callers and tests have always found them.
export { foldToGsm, GSM, smsCapacity, smsLength } from '../telephony/sms-encoding.js';

/** True when `text` fits `segments` joined SMS segments. */
function fits(text: string, segments: number): boolean {
  return smsLength(text) <= smsCapacity(text, segments);
}

/** `text` cut to `max` characters, the cut marked with `mark`; never inside a character (an emoji's two halves stay together). */
function trimTo(text: string, max: number, mark = '…'): string {
  if (max <= mark.length) return '';
  if (text.length <= max) return text;
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - mark.length).join('')}${mark}`;
}

function who(e: Enquiry): string {
  const name = e.name || 'Journalist';
  // The number as the officer dials it (07911 123401), not as stored (issue 23).
  return [e.outlet ? `${name}, ${e.outlet}` : name, e.phone ? displayPhone(e.phone) : (e.email ?? '')]
    .filter(Boolean)
    .join(' ');
}

/** The fewest characters of the journalist and outlet worth keeping when the page runs long. */
const MIN_WHO = 12;

/**
 * The page SMS for one enquiry: reference, who and how to reach them, the deadline in office
 * time, the subject, when given the link to the enquiry's mobile view (on a line of its own, so
 * no punctuation touches it that a phone might take for part of it), and how to acknowledge
 * (last, where the officer looks for it). The whole text
 * fits two SMS segments: the subject is trimmed first, then the journalist and outlet, and only
 * when even that cannot fit (a UCS-2 text of 134 characters) the link is left out: the SMS
 * commands reach the enquiry without it. Names and subject are folded to GSM characters where a
 * look-alike exists, which keeps most pages at 306 characters rather than 134.
 */
export function pageSms(
  e: Enquiry,
  shortCode: string,
  office: OfficeConfig,
  now: Date,
  link: string | null = null,
): string {
  const deadline = e.deadline ? `Deadline ${formatDeadline(e.deadline, office, now)}.` : 'No deadline given.';
  const compose = (whom: string, subject: string | null, withLink: boolean) =>
    `URGENT media enquiry ${e.reference}. ${whom}. ${deadline}${subject === null ? '' : ` Subject: ${subject}`}${withLink && link ? `\nOpen: ${link}\n` : ' '}Reply ACK ${shortCode} to acknowledge.`;
  const fullWho = foldToGsm(who(e));
  const subject = foldToGsm(e.subject.replace(/\s+/g, ' ').trim());
  // An emoji in the subject alone would cut the text to 134 characters: rather the subject without it.
  const gsmSubject = [...subject]
    .filter((ch) => GSM.test(ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const subjects = gsmSubject === subject ? [subject] : [subject, gsmSubject];
  // The one to cut when neither fits whole: cut, the subject with the emoji would keep 134
  // characters, the one without it 306; the subject as written only when nothing of it is GSM.
  const toCut = gsmSubject !== '' ? gsmSubject : subject;
  for (const withLink of link ? [true, false] : [false]) {
    for (const subj of subjects) {
      const whole = compose(fullWho, subj, withLink);
      if (fits(whole, 2)) return whole;
      if (subj !== toCut) continue;
      // A cut marked with "…" would make a GSM text UCS-2 (five segments, not two).
      const mark = GSM.test(whole) ? '...' : '…';
      const room = smsCapacity(whole, 2) - smsLength(compose(fullWho, '', withLink));
      for (let n = room; n > mark.length; n--) {
        const t = compose(fullWho, trimTo(subj, n, mark), withLink);
        if (fits(t, 2)) return t;
      }
    }
    const whole = compose(fullWho, subject, withLink);
    const mark = GSM.test(whole) ? '...' : '…';
    const roomForWho = smsCapacity(whole, 2) - smsLength(compose('', null, withLink));
    for (let n = Math.min(roomForWho, fullWho.length); n >= MIN_WHO; n--) {
      const t = compose(trimTo(fullWho, n, mark), null, withLink);
      if (fits(t, 2)) return t;
    }
  }
  return compose(trimTo(fullWho, MIN_WHO, '...'), null, false);
}

// Twilio's longest message body lives with the SMS encoding (src/telephony), which colleagues' texts use too.
export { SMS_BODY_LIMIT };
/** Twilio's longest inline TwiML of a call, in characters: longer is refused (error 32018). */
export const TWIML_LIMIT = 4000;
/** The most segments a text may be given (10 GSM segments are 1,530 characters, inside `SMS_BODY_LIMIT`). */
export const MAX_SMS_SEGMENTS = 10;

/**
 * True when Twilio takes `text` as one message body: at most `SMS_BODY_LIMIT` characters counted
 * as Twilio counts them (UTF-16 code units, so an emoji is two) and counted as the places it takes
 * in an SMS (a GSM extension character is two), whichever is more.
 */
export function fitsOneMessage(text: string): boolean {
  return Math.max(text.length, smsLength(text)) <= SMS_BODY_LIMIT;
}

/** True when `text` fits `segments` joined SMS segments and one Twilio message body. */
export function fitsSegments(text: string, segments: number): boolean {
  return fits(text, Math.min(Math.max(1, segments), MAX_SMS_SEGMENTS)) && fitsOneMessage(text);
}

// The GSM extension characters take two places each; in a line of a staff text, plain ones that
// read the same keep every character one place, so a line's length is its cut.
const GSM_EXTENSION_PLAIN: Record<string, string> = {
  '{': '(',
  '}': ')',
  '[': '(',
  ']': ')',
  '~': '-',
  '|': '/',
  '\\': '/',
  '^': "'",
  '€': 'EUR',
};

/**
 * `text` made for a line of a text to staff: folded to GSM characters (`foldToGsm`), any that
 * stay outside the GSM set dropped (one would turn the whole text UCS-2), the GSM extension
 * characters replaced by plain ones (`{` → `(`, `€` → `EUR`), whitespace (newlines
 * too: a line must not start anything the officer or the erasure would read as another line)
 * collapsed, runs of one symbol cut to three ("&&&&…" × 200 says nothing more than "&&&"), and cut
 * to `max` characters with "...". The link and the desk show the journalist's own text.
 */
export function gsmLine(text: string, max: number): string {
  // Whitespace first: a tab or an em space is outside GSM, and dropped it would join two words.
  const folded = [...foldToGsm(text.replace(/\s+/g, ' '))]
    .filter((ch) => GSM.test(ch))
    .map((ch) => GSM_EXTENSION_PLAIN[ch] ?? ch)
    .join('');
  const tidy = folded
    .replace(/\s+/g, ' ')
    .replace(/([^\p{L}\p{N}\s])\1{3,}/gu, '$1$1$1')
    .trim();
  return trimTo(tidy, max, '...');
}

/**
 * The largest `k` (up to `max`) whose `compose(k)` passes `ok`, with that text; `k` 0 when none
 * does. Counts up and stops at the first that does not fit, so the list is a prefix in order.
 */
export function mostThatFit(
  max: number,
  compose: (k: number) => string,
  ok: (text: string) => boolean,
): { k: number; text: string } {
  let best = { k: 0, text: compose(0) };
  for (let k = 1; k <= max; k++) {
    const text = compose(k);
    if (!ok(text)) break;
    best = { k, text };
  }
  return best;
}

/** One enquiry of a bundle: the enquiry and its page's short code (for "ACK 4821"). */
export interface BundleItem {
  enquiry: Enquiry;
  shortCode: string;
}

/** A bundle's text, and how many of its enquiries it lists (the rest are behind the link). */
export interface BundleText {
  text: string;
  listed: number;
  /** True when the text carries the link (some enquiries did not fit). */
  withLink: boolean;
}

/**
 * One SMS for several pages held back within the bundling window, within `segments` SMS
 * segments (and so always one message Twilio accepts): a line per enquiry, in the order they
 * came (the first is the marker an unknown outcome is looked up by), as many as fit; when some do not, "and N more: <link>" on a line of its own, the link
 * (`link`, made by the caller) opening the list of every enquiry of the bundle; then the one ACK
 * that acknowledges them all, listed or not (every page of the bundle is carried by this one
 * message). Names, outlets and subjects are cut and kept to GSM characters (`gsmLine`), so no
 * journalist's text can make the bundle longer or spill onto a line of its own.
 */
export function bundleSms(
  items: BundleItem[],
  office: OfficeConfig,
  now: Date,
  opts: { segments: number; link: string | null },
): BundleText {
  const n = items.length;
  const head = n === 1 ? 'URGENT: 1 more media enquiry:' : `URGENT: ${n} more media enquiries:`;
  const ack = `\nReply ACK to acknowledge ${n === 1 ? 'it' : 'all'}, or ACK <code> for one.`;
  const lines = items.map(({ enquiry: e, shortCode }) => {
    const deadline = e.deadline ? ` by ${formatDeadline(e.deadline, office, now)}` : '';
    return `\n${e.reference} (${shortCode}) ${gsmLine(e.outlet || (e.phone ? displayPhone(e.phone) : '') || 'SMS', 30) || 'SMS'}${deadline}: ${gsmLine(e.subject, 50)}`;
  });
  const ok = (text: string) => fitsSegments(text, opts.segments);
  const all = head + lines.join('') + ack;
  if (ok(all)) return { text: all, listed: n, withLink: false };
  const rest = (k: number) =>
    opts.link ? `\nand ${n - k} more: ${opts.link}` : `\nand ${n - k} more: text INFO and a reference for each.`;
  const withRest = mostThatFit(n - 1, (k) => head + lines.slice(0, k).join('') + rest(k) + ack, ok);
  if (ok(withRest.text)) return { text: withRest.text, listed: withRest.k, withLink: opts.link !== null };
  // Only a link longer than the whole budget gets here: the count and the ACK, which always fit.
  return { text: `${head} ${n}.${ack}`, listed: 0, withLink: false };
}

/**
 * What the on-call phone hears when rung: the summary, then a keypress gathered and posted to
 * `gatherUrl` (press 1 to acknowledge). The summary is said twice in case the first is missed.
 * Whatever the journalist typed, the TwiML stays under `TWIML_LIMIT` after XML escaping: the
 * subject is cut shorter, then the outlet, until it does.
 */
export function pageCallTwiml(e: Enquiry, office: OfficeConfig, now: Date, gatherUrl: string): string {
  const compose = (outlet: number, subject: number) =>
    callTwiml(
      `This is Press Desk. An urgent media enquiry has not been acknowledged. ${spokenEnquiry(e, office, now, outlet, subject)}`,
      'Press 1 to acknowledge.',
      'The enquiry will be escalated.',
      gatherUrl,
    );
  for (const [outlet, subject] of [
    [60, 200],
    [60, 100],
    [40, 50],
    [20, 20],
    [0, 0],
  ] as const) {
    const twiml = compose(outlet, subject);
    if (twiml.length < TWIML_LIMIT) return twiml;
  }
  return compose(0, 0);
}

/** At most this many enquiries are read out on a bundled call; the texts and their link list them all. */
const SPOKEN_IN_A_BUNDLE = 5;

/**
 * One call for several pages held back within the bundling window: how many, each enquiry in
 * turn (the first few), and one keypress (posted to `gatherUrl`, which names the bundle) that
 * acknowledges them all. Under Twilio's 4,000 characters of inline TwiML after escaping, however
 * many enquiries and whatever they say: subjects, then outlets are cut, then fewer are read out.
 */
export function bundleCallTwiml(
  items: Array<{ enquiry: Enquiry }>,
  office: OfficeConfig,
  now: Date,
  gatherUrl: string,
): string {
  const n = items.length;
  const compose = (spokenCount: number, outlet: number, subject: number) => {
    const spoken = items
      .slice(0, spokenCount)
      .map(({ enquiry }, i) => `Enquiry ${i + 1}. ${spokenEnquiry(enquiry, office, now, outlet, subject)}`);
    const rest = n > spokenCount ? ` And ${n - spokenCount} more, listed in the texts.` : '';
    const summary = `This is Press Desk. ${n === 1 ? 'An urgent media enquiry has' : `${n} urgent media enquiries have`} not been acknowledged. ${spoken.join(' ')}${rest}`;
    return callTwiml(
      summary,
      n === 1 ? 'Press 1 to acknowledge.' : `Press 1 to acknowledge all ${n}.`,
      'They will be escalated.',
      gatherUrl,
    );
  };
  for (let count = Math.min(n, SPOKEN_IN_A_BUNDLE); count >= 0; count--) {
    for (const [outlet, subject] of [
      [40, 60],
      [30, 30],
      [20, 0],
    ] as const) {
      const twiml = compose(count, outlet, subject);
      if (twiml.length < TWIML_LIMIT) return twiml;
    }
  }
  return compose(0, 0, 0);
}

/**
 * `text` as read out: whitespace collapsed, a run of one symbol said once (200 ampersands would
 * be read as 200 "and"s), cut to `max` characters.
 */
function speakable(text: string, max: number): string {
  const tidy = text
    // Control characters and lone surrogates are not allowed in XML at all.
    .replace(/[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/([^\p{L}\p{N}\s])\1+/gu, '$1')
    .trim();
  return trimTo(tidy, max, '');
}

/** One enquiry as read out on a call: reference letter by letter, outlet, deadline, subject (each cut to its length; 0 leaves it out). */
function spokenEnquiry(
  e: Enquiry,
  office: OfficeConfig,
  now: Date,
  outletLength: number,
  subjectLength: number,
): string {
  const spokenRef = e.reference.replace(/^PD-/, '').split('').join(' ');
  const deadline = e.deadline ? ` The deadline is ${formatDeadline(e.deadline, office, now)}.` : '';
  const outlet = speakable(e.outlet, outletLength) || 'a journalist';
  const subject = speakable(e.subject, subjectLength);
  return `Reference ${spokenRef}. From ${outlet}.${deadline}${subject ? ` Subject: ${subject}.` : ''}`;
}

/** The one SMS a journalist gets when the on-call officer acknowledges their urgent enquiry. */
export function journalistAckSms(e: Enquiry, officeName: string): string {
  return `${officeName}: we have your urgent enquiry ${e.reference}. The on-call press officer has it and will be in touch.`;
}
