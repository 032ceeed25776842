/** How page calls read things out, for finding a call in the fake Twilio's records. */

/** A reference as a page call reads it out: "PD-ABC-DEF" is "A B C - D E F" (src/oncall/paging.messages.ts). */
export function spokenReference(reference: string): string {
  return reference.replace(/^PD-/, '').split('').join(' ');
}
