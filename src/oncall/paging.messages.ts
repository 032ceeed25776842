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
  const r = new twilio.twiml.VoiceResponse();
  const spokenRef = e.reference.replace(/^PD-/, '').split('').join(' ');
  const deadline = e.deadline ? `The deadline is ${formatDeadline(e.deadline, office, now)}.` : '';
  const summary = `This is Press Desk. An urgent media enquiry has not been acknowledged. Reference ${spokenRef}. From ${e.outlet || 'a journalist'}. ${deadline} Subject: ${trimTo(e.subject, 200)}.`;
  const gather = r.gather({ numDigits: 1, action: gatherUrl, method: 'POST', timeout: 10 });
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, 'Press 1 to acknowledge.');
  gather.say({ voice: 'alice', language: 'en-GB' }, summary);
  gather.say({ voice: 'alice', language: 'en-GB' }, 'Press 1 to acknowledge.');
  r.say({ voice: 'alice', language: 'en-GB' }, 'No key pressed. The enquiry will be escalated. Goodbye.');
  return r.toString();
}

/** The one SMS a journalist gets when the on-call officer acknowledges their urgent enquiry. */
export function journalistAckSms(e: Enquiry, officeName: string): string {
  return `${officeName}: we have your urgent enquiry ${e.reference}. The on-call press officer has it and will be in touch.`;
}
