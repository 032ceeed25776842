/**
 * How an SMS is encoded and counted, as Twilio counts it: the GSM 03.38 alphabet (160 characters a
 * segment, 153 when joined; the extension table's characters take two places), UCS-2 for
 * anything else (70, 67), and the look-alikes that keep a text to staff in GSM. A fact of the
 * carrier, not of any feature: page texts, incident summaries and holding lines all measure with it.
 */

// GSM 03.38 basic set: texts made only of these fit 160 characters a segment (153 when joined);
// anything else (emoji, most accents) drops a segment to 70 (67).
/** Characters of the GSM 7-bit alphabet (an SMS in these alone is not sent as UCS-2). */
export const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\f^{}\\[~\]|€]*$/;
// The extension table (form feed included, as Twilio counts it): in the GSM set, but each takes
// two of a segment's places (escape + char).
const GSM_EXTENDED = /[\f^{}\\[~\]|€]/g;

/** How many characters fit in `segments` joined SMS segments for this text's encoding. */
export function smsCapacity(text: string, segments: number): number {
  const gsm = GSM.test(text);
  if (segments === 1) return gsm ? 160 : 70;
  return (gsm ? 153 : 67) * segments;
}

/** The places `text` takes in an SMS of its encoding (what `smsCapacity` is measured in). */
export function smsLength(text: string): number {
  return GSM.test(text) ? text.length + (text.match(GSM_EXTENDED)?.length ?? 0) : text.length;
}

/** `text`'s SMS length in its encoding's places, and the segments it takes (the previews show both). */
export function smsSize(text: string): { length: number; segments: number } {
  const length = smsLength(text);
  let segments = 1;
  while (length > smsCapacity(text, segments)) segments++;
  return { length, segments };
}

// Typography phones and word processors put in names and subjects, with the GSM characters that
// read the same: one curly apostrophe would otherwise turn a two-segment page into five.
const GSM_LOOKALIKES: Record<string, string> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  '\u00a0': ' ',
  '•': '*',
};

/**
 * `text` with each character outside the GSM set replaced by a look-alike inside it where there
 * is one (curly quotes, dashes, letters with accents GSM lacks: "Siobhán" → "Siobhan"); others
 * (emoji, other scripts) stay, and the text is then sent as UCS-2. Only for texts to staff: the
 * link and the desk show the journalist's own spelling.
 */
export function foldToGsm(text: string): string {
  let out = '';
  // Composed first: an accent typed as a mark of its own ("a" + U+0301) is then one letter to fold.
  for (const ch of text.normalize('NFC')) {
    if (GSM.test(ch)) out += ch;
    else if (GSM_LOOKALIKES[ch] !== undefined) out += GSM_LOOKALIKES[ch];
    else {
      const bare = ch.normalize('NFD').replace(/\p{M}+/gu, '');
      out += bare && GSM.test(bare) ? bare : ch;
    }
  }
  return out;
}

/** Twilio's longest message body, in characters (UTF-16 code units): longer is refused (error 21617). */
export const SMS_BODY_LIMIT = 1600;

/**
 * `head` + `middle` + `tail` as one text Twilio takes (at most SMS_BODY_LIMIT characters, counted as
 * Twilio counts them), cutting only `middle` (ending it with "…") when the whole would not fit;
 * `tailGrowth`: how many characters `tail` will still gain before it is sent (a link filled in).
 */
export function fitSms(head: string, middle: string, tail: string, tailGrowth = 0): string {
  const whole = `${head}${middle}${tail}`;
  const size = (t: string) => Math.max(t.length, smsLength(t)) + tailGrowth;
  if (size(whole) <= SMS_BODY_LIMIT) return whole;
  let keep = Math.max(0, SMS_BODY_LIMIT - size(`${head}…${tail}`));
  while (keep > 0 && size(`${head}${middle.slice(0, keep)}…${tail}`) > SMS_BODY_LIMIT) keep -= 1;
  return `${head}${middle.slice(0, keep).trimEnd()}…${tail}`;
}
