/**
 * Chasing: a follow-up from the journalist that only asks for news ("any update?"). The office
 * counts them (issue 17, item 5) to see whether the status link saves journalists the chase.
 * Deliberately narrow: a short text that asks after progress and says little else. A longer text
 * is counted as information even when it also asks, so the figure errs low rather than calling a
 * real addition a chase.
 */

/** Longer than this, a follow-up carries something besides "any news?". */
const CHASE_MAX_CHARS = 160;

const ASKS_FOR_NEWS = [
  /\bany (news|update|updates|progress|word)\b/,
  /\b(is|are) there (any|an) (news|update|updates)\b/,
  /\bchasing\b/,
  /\bjust (checking|following up|wondering)\b/,
  /\bfollow(ing)?[ -]?up on\b/,
  /\bchecking in\b/,
  /\bstill waiting\b/,
  /\bwhere (are|is) (we|things) (at|with)\b/,
  /\bheard anything\b/,
  /\bwhen (can|will|might|should) (i|we) (expect|hear)\b/,
  /\bupdate (please|pls)\b/,
];

/** Says it is not chasing ("no need to chase"). */
const NOT_CHASING = /\b(no need|don't need|do not need|not) to chase\b/;

/** True when `text` (a journalist's follow-up) only asks for news. */
export function isChase(text: string): boolean {
  const t = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  if (!t || t.length > CHASE_MAX_CHARS) return false;
  if (NOT_CHASING.test(t)) return false;
  // A second question beside the ask for news is a real question ("any update on your statement
  // about the resignation?" still counts, "any update? and who signed it?" does not).
  if ((t.match(/\?/g) ?? []).length > 1 && !/^[^?]*\?+[^?]*$/.test(t)) return false;
  return ASKS_FOR_NEWS.some((re) => re.test(t));
}

/**
 * The part of an email reply the journalist wrote: the text before the quoted history (lines
 * starting ">" or an "On … wrote:" line), which would otherwise make every reply look long.
 */
export function newText(body: string): string {
  const lines: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    const l = line.trim();
    // Quoted lines, "On … wrote:" (Gmail, Apple Mail), "----- Original Message" and Outlook's rule of underscores.
    if (
      /^>/.test(l) ||
      /^On .+wrote:$/.test(l) ||
      /^-{2,}\s*Original Message/i.test(l) ||
      /^_{5,}$/.test(l) ||
      /^From: .+/.test(l)
    )
      break;
    lines.push(line);
  }
  return lines.join('\n').trim();
}
