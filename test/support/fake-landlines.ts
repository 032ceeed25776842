/**
 * The fake Twilio's rule for texts to numbers that cannot receive them (issue 24, item 1): Twilio
 * refuses a Message to a landline, a non-geographic number (03, 0800, …) and the like with HTTP 400,
 * error 21614 "'To' number is not a valid mobile number". Written apart from the app's own check
 * (src/enquiries/phone-numbers.ts) on purpose, so the fake and the code cannot share a mistake.
 *
 * A number libphonenumber-js ("max" metadata) types MOBILE or FIXED_LINE_OR_MOBILE may take texts;
 * any other type it knows is refused. A number its metadata does not know at all (not valid: a new
 * range, a made-up test number) is let through: Twilio's own answer to those would be 21211 or a
 * delivery failure, not 21614, and the fake does not guess.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Twilio's error for a text to a number that cannot receive one. */
export const NOT_A_MOBILE_CODE = 21614;

/** Twilio's message for error 21614. */
export const NOT_A_MOBILE_MESSAGE = "'To' number is not a valid mobile number";

/** True when Twilio would refuse a text to `to` (E.164) with 21614: a known number of a type that takes no texts. */
export function refusesTexts(to: string): boolean {
  const parsed = parsePhoneNumberFromString(to);
  if (!parsed?.isValid()) return false;
  const type = parsed.getType();
  return type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE';
}
