/**
 * The words an incident's search terms start from when on-call declares one from an enquiry
 * (issue 23, item 8): the subject's two or three most distinctive words, not the whole subject.
 * Incident terms are websearch syntax, where every word must match: the whole subject ("Any line
 * on the fire at the depot tonight?") matches almost nothing else, while two distinctive words
 * ("depot fire") catch the story. The officer edits them before declaring.
 */

/** Words that say nothing about the story: grammar, and what every enquiry to a press office says. */
const COMMON = new Set(
  (
    'a about above after again against all also am an and any anyone anything are around as at be been before being below between both but by can could did do does doing done down during each ' +
    'few for from further get got had has have having he her here hers him his how i if in into is it its just me more most my no nor not now of off on once only or other our ours out over ' +
    'own same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom ' +
    'why will with would you your yours us re fw fwd hi hello dear thanks thank please pls asap urgent urgently ' +
    'enquiry enquiries inquiry query question questions request comment comments statement update updates line lines response respond reply info information detail details ' +
    'latest news story media press reporter journalist asking ask need needs help know confirm confirmation happening happened going today tonight yesterday tomorrow morning ' +
    'afternoon evening night week weekend monday tuesday wednesday thursday friday saturday sunday police council office officer officers spokesperson ' +
    'incident incidents report reports reported reporting following regarding concerning'
  ).split(' '),
);

/** A word of the subject: letters and digits, with an inner apostrophe ("O'Neill", "don't"). */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower case, a possessive "'s" dropped, curly apostrophes straightened. */
function normalise(word: string): string {
  return word.toLowerCase().replace(/’/g, "'").replace(/'s$/, '');
}

/**
 * The `max` (default 2, at most 3) most distinctive words of `subject`, in the order the subject
 * has them, joined by spaces ('' when none is left). Dropped: stop words and the words every press
 * enquiry uses (`COMMON`), anything of fewer than three letters (numbers, dates, times, phone
 * numbers, "M6", "on"), and every word of `exclude` (the journalist's
 * name and outlet: an incident outlives the enquiry, and its terms should not carry who asked).
 * Of what is left the longest win (a longer word is rarer), earlier first on a tie.
 */
export function distinctiveWords(subject: string, opts: { max?: number; exclude?: readonly string[] } = {}): string {
  const max = Math.min(Math.max(opts.max ?? 2, 1), 3);
  const excluded = new Set((opts.exclude ?? []).flatMap((s) => (s.match(WORD) ?? []).map(normalise)));
  const seen = new Set<string>();
  const candidates: Array<{ word: string; at: number }> = [];
  for (const raw of subject.match(WORD) ?? []) {
    const word = normalise(raw);
    if (seen.has(word)) continue;
    seen.add(word);
    const letters = word.replace(/[^\p{L}]/gu, '').length;
    // Numbers, times, dates, phone numbers and short words ("M6", "on") have fewer than three letters.
    if (letters < 3) continue;
    if (COMMON.has(word) || excluded.has(word)) continue;
    candidates.push({ word, at: candidates.length });
  }
  return candidates
    .slice()
    .sort((a, b) => b.word.length - a.word.length || a.at - b.at)
    .slice(0, max)
    .sort((a, b) => a.at - b.at)
    .map((c) => c.word)
    .join(' ');
}
