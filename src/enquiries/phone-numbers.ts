import { parsePhoneNumberFromString, type NumberType, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * Which journalists' numbers Press Desk texts or calls (issue 22, item 6). A number a journalist
 * gives may cost the office money or reach a stranger's bill: premium-rate, shared-cost, personal
 * ("follow me") and pager numbers, costly UAN and VoIP ranges, satellite and other international
 * networks, and any country outside `twilio.allowedCountries`. The form and API refuse them; a text
 * or call from one is still taken as an enquiry, but nothing is ever sent back to it.
 *
 * The "max" metadata is needed: the "min" metadata cannot tell a number's type.
 */

/** Why a number is not one Press Desk texts or calls: it costs (or its type is unknown abroad), or it is outside the allowed countries. */
export type NumberRefusal = 'costly' | 'satellite' | 'country';

/** libphonenumber's types of numbers that cost the caller more than a call to a mobile or landline, or page a stranger. */
const COSTLY_TYPES: ReadonlySet<NumberType> = new Set<NumberType>([
  'PREMIUM_RATE',
  'SHARED_COST',
  'PERSONAL_NUMBER',
  'PAGER',
  'VOIP',
  'UAN',
]);

/**
 * Country calling codes of satellite phones and the other international networks (Inmarsat +870,
 * Iridium/Thuraya/Globalstar +881, +882 and +883): no country, priced per minute at several pounds.
 */
const SATELLITE_CODES: ReadonlySet<string> = new Set(['870', '881', '882', '883']);

/** Ofcom runs the UK numbering plan for the Crown Dependencies too: allowing GB allows their +44 numbers. */
const UK_PLAN = new Set(['GB', 'GG', 'JE', 'IM']);

/** `allowedCountries` includes `country`, counting the Crown Dependencies in with GB. */
function inAllowedCountry(country: string, allowedCountries: readonly string[]): boolean {
  return allowedCountries.includes(country) || (UK_PLAN.has(country) && allowedCountries.includes('GB'));
}

/**
 * Why Press Desk must not text or call `e164` (a number already in E.164), or null when it may.
 * A number our metadata does not know yet (a new range) is judged by its country calling code
 * alone, so a journalist on a fresh UK range is still answered.
 */
export function numberRefusal(e164: string, allowedCountries: readonly string[]): NumberRefusal | null {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsedNumberRefusal(parsed, allowedCountries) : 'country';
}

/**
 * `numberRefusal` for a number already parsed (intake parses what the journalist typed once, and
 * a valid number parsed from national digits is the same number as its E.164 form, country and
 * type alike): libphonenumber's parse with full metadata is among intake's dearest steps.
 */
export function parsedNumberRefusal(parsed: PhoneNumber, allowedCountries: readonly string[]): NumberRefusal | null {
  if (SATELLITE_CODES.has(parsed.countryCallingCode)) return 'satellite';
  if (!parsed.isValid()) {
    // No type to judge: let it through only within the calling code of an allowed country.
    const ukPlan = parsed.countryCallingCode === '44' && allowedCountries.includes('GB');
    const known = parsed.country ? inAllowedCountry(parsed.country, allowedCountries) : false;
    return ukPlan || known ? null : 'country';
  }
  const type = parsed.getType();
  // The UK's 03 numbers are UANs charged as a geographic call (Ofcom's rule): a newsroom's switchboard may be one.
  const ukGeographicRate =
    type === 'UAN' && parsed.countryCallingCode === '44' && parsed.nationalNumber.startsWith('3');
  if (type && COSTLY_TYPES.has(type) && !ukGeographicRate) return 'costly';
  if (!parsed.country || !inAllowedCountry(parsed.country, allowedCountries)) return 'country';
  return null;
}

/** True when Press Desk may ring `e164` (or text it, if it takes texts): see `numberRefusal`. */
export function callsBack(e164: string | null, allowedCountries: readonly string[]): e164 is string {
  return Boolean(e164) && numberRefusal(e164!, allowedCountries) === null;
}

/** The number types a text can reach: a mobile, or a number that may be one (US and Canadian numbers are all this). */
function textableType(type: NumberType | undefined): boolean {
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/**
 * True when `e164` is known to be a number that cannot receive texts (a landline, an 03 or 0800
 * number): Twilio refuses a text to it (error 21614), so paging calls it instead (issue 24). A number
 * our metadata does not know (a new range) is not judged: it may be a mobile.
 */
export function cannotTakeTexts(e164: string): boolean {
  const parsed = parsePhoneNumberFromString(e164);
  return Boolean(parsed?.isValid()) && !textableType(parsed!.getType());
}

/**
 * What the desk and the on-call officer are told about a journalist's number that cannot take
 * texts (`cannotTakeTexts`), in place of an SMS reply form and when a reply is refused: Twilio
 * would refuse the text (21614), so none is queued. Calls and emails still reach them.
 */
export function noTextsNotice(e164: string): string {
  // "Landline" only where it is one: an 03 or 0800 number is not, and the officer may wonder.
  const what = parsePhoneNumberFromString(e164)?.getType() === 'FIXED_LINE' ? 'a landline' : 'not a mobile number';
  return `${displayPhone(e164)} is ${what}: it cannot take texts; call or email`;
}

/** True when Press Desk may text `e164`: a number it calls back that is a mobile, or may be one. */
export function takesTexts(e164: string | null, allowedCountries: readonly string[]): e164 is string {
  // Parsed once for both questions: this runs for every form a journalist sends with a number.
  const parsed = e164 ? parsePhoneNumberFromString(e164) : undefined;
  if (!parsed || parsedNumberRefusal(parsed, allowedCountries) !== null) return false;
  return textableType(parsed.getType());
}

/** The journalist's words for `refusal`, shown beside the phone field of the form and in the API's 422. */
export function refusalMessage(refusal: NumberRefusal, allowedCountries: readonly string[]): string {
  if (refusal === 'costly')
    return 'We cannot call or text premium-rate, shared-cost, personal, pager or VoIP numbers: give a mobile or landline number, or an email address';
  if (refusal === 'satellite')
    return 'We cannot call or text satellite numbers: give a mobile or landline number, or an email address';
  const names = new Intl.DisplayNames(['en-GB'], { type: 'region' });
  const places = allowedCountries.map((c) => (c === 'GB' ? 'the United Kingdom' : (names.of(c) ?? c)));
  const where = places.length > 1 ? `${places.slice(0, -1).join(', ')} or ${places[places.length - 1]}` : places[0];
  return `We can only call or text numbers in ${where}: give a number there, or an email address`;
}

/**
 * How a stored number (E.164) is shown to people (issue 23, item 8): a UK number (+44, the Crown
 * Dependencies included) in national format, as the office dials it ("07912 500106"), any other in
 * international format ("+33 6 12 34 56 78"). Anything that does not parse is shown as it is. Only
 * for display: stored values stay E.164.
 */
export function displayPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.countryCallingCode === '44' ? parsed.formatNational() : parsed.formatInternational();
}

/** `text` with every E.164 number in it (such as an actor "on call (+447911200001)") shown by `displayPhone`. */
export function displayPhonesIn(text: string): string {
  return text.replace(/\+[1-9]\d{6,14}\b/g, (n) => displayPhone(n));
}

/**
 * Who a stored actor is, for display: a desk user's email, a rota person's number, or an on-call
 * actor "on call (+447911200001)", shown by the name `names` (from `knownNames`) gives it when it
 * knows it, else with any number in it shown by `displayPhone`.
 */
export function displayPerson(who: string, names: ReadonlyMap<string, string>): string {
  const known = names.get(who) ?? names.get(who.toLowerCase());
  if (known) return known;
  const onCall = /^on call \((\+\d+)\)$/.exec(who);
  if (onCall) return names.get(onCall[1]) ?? `on call (${displayPhone(onCall[1])})`;
  return displayPhonesIn(who);
}
