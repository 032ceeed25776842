import twilio from 'twilio';
import type { OfficeConfig } from '../config.js';
import type { Enquiry } from '../db/schema.js';
import { formatDeadline } from '../hours/format.js';

// GSM 03.38 basic set: texts made only of these fit 160 characters a segment (153 when joined);
// anything else (emoji, most accents) drops a segment to 70 (67).
const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

/** How many characters fit in `segments` joined SMS segments for this text's encoding. */
export function smsCapacity(text: string, segments: number): number {
  const gsm = GSM.test(text);
  if (segments === 1) return gsm ? 160 : 70;
  return (gsm ? 153 : 67) * segments;
}

function trimTo(text: string, max: number): string {
  if (max <= 1) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function who(e: Enquiry): string {
  const name = e.name || 'Journalist';
  return [e.outlet ? `${name}, ${e.outlet}` : name, e.phone ?? e.email ?? ''].filter(Boolean).join(' ');
}

/**
 * The page SMS for one enquiry: reference, who and how to reach them, the deadline in office
 * time, the subject trimmed so the whole text fits two SMS segments, and how to acknowledge.
 */
export function pageSms(e: Enquiry, shortCode: string, office: OfficeConfig, now: Date): string {
  const deadline = e.deadline ? `Deadline ${formatDeadline(e.deadline, office, now)}.` : 'No deadline given.';
  const head = `URGENT media enquiry ${e.reference}. ${who(e)}. ${deadline} Subject: `;
  const tail = ` Reply ACK ${shortCode} to acknowledge.`;
  const subject = e.subject.replace(/\s+/g, ' ');
  const capacity = smsCapacity(head + subject + tail, 2);
  return head + trimTo(subject, capacity - head.length - tail.length) + tail;
}

/**
 * One SMS for several pages held back within the bundling window: each enquiry on a line, and
 * a single ACK that acknowledges every one listed.
 */
export function bundleSms(items: Array<{ enquiry: Enquiry; shortCode: string }>, office: OfficeConfig, now: Date): string {
  const n = items.length;
  const head = n === 1 ? 'URGENT: 1 more media enquiry:' : `URGENT: ${n} more media enquiries:`;
  const lines = items.map(({ enquiry: e, shortCode }) => {
    const deadline = e.deadline ? ` by ${formatDeadline(e.deadline, office, now)}` : '';
    return `\n${e.reference} (${shortCode}) ${e.outlet || e.phone || 'SMS'}${deadline}: ${trimTo(e.subject.replace(/\s+/g, ' '), 60)}`;
  });
  const tail = `\nReply ACK to acknowledge ${n === 1 ? 'it' : 'all'}, or ACK <code> for one.`;
  return head + lines.join('') + tail;
}

/**
 * What the on-call phone hears when rung: the summary, then a keypress gathered and posted to
 * `gatherUrl` (press 1 to acknowledge). The summary is said twice in case the first is missed.
 */
export function pageCallTwiml(e: Enquiry, office: OfficeConfig, now: Date, gatherUrl: string): string {
  const summary = `This is Press Desk. An urgent media enquiry has not been acknowledged. ${spokenEnquiry(e, office, now, 200)}`;
  return callTwiml(summary, 'Press 1 to acknowledge.', 'The enquiry will be escalated.', gatherUrl);
}

/** At most this many enquiries are read out on a bundled call; the texts list them all. */
const SPOKEN_IN_A_BUNDLE = 5;

/**
 * One call for several pages held back within the bundling window: how many, each enquiry in
 * turn (the first few), and one keypress (posted to `gatherUrl`, which names every page) that
 * acknowledges them all. Kept well inside Twilio's 4,000 characters for inline TwiML.
 */
export function bundleCallTwiml(items: Array<{ enquiry: Enquiry }>, office: OfficeConfig, now: Date, gatherUrl: string): string {
  const n = items.length;
  const spoken = items.slice(0, SPOKEN_IN_A_BUNDLE).map(({ enquiry }, i) => `Enquiry ${i + 1}. ${spokenEnquiry(enquiry, office, now, 60)}`);
  const rest = n > SPOKEN_IN_A_BUNDLE ? ` And ${n - SPOKEN_IN_A_BUNDLE} more, listed in the texts.` : '';
  const summary = `This is Press Desk. ${n === 1 ? 'An urgent media enquiry has' : `${n} urgent media enquiries have`} not been acknowledged. ${spoken.join(' ')}${rest}`;
  return callTwiml(summary, n === 1 ? 'Press 1 to acknowledge.' : `Press 1 to acknowledge all ${n}.`, 'They will be escalated.', gatherUrl);
}

/** One enquiry as read out on a call: reference letter by letter, outlet, deadline, subject. */
function spokenEnquiry(e: Enquiry, office: OfficeConfig, now: Date, subjectLength: number): string {
  const spokenRef = e.reference.replace(/^PD-/, '').split('').join(' ');
  const deadline = e.deadline ? `The deadline is ${formatDeadline(e.deadline, office, now)}.` : '';
  return `Reference ${spokenRef}. From ${e.outlet || 'a journalist'}. ${deadline} Subject: ${trimTo(e.subject, subjectLength)}.`;
}

/** A page call: the summary and the prompt, twice, inside one keypress gather; then goodbye. */
function callTwiml(summary: string, prompt: string, escalation: string, gatherUrl: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const gather = r.gather({ numDigits: 1, action: gatherUrl, method: 'POST', timeout: 10 });
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, prompt);
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, prompt);
  r.say({ voice: 'alice', language: 'en-GB' }, `No key pressed. ${escalation} Goodbye.`);
  return r.toString();
}

/** The one SMS a journalist gets when the on-call officer acknowledges their urgent enquiry. */
export function journalistAckSms(e: Enquiry, officeName: string): string {
  return `${officeName}: we have your urgent enquiry ${e.reference}. The on-call press officer has it and will be in touch.`;
}
