// Mentions in a note (issue 29, item 4): "@Kim Lee", "@kim" or "@kim.lee" names a colleague on the
// desk by full name, first name or the part of their email before the @. Pure: the caller gives
// the active staff and gets back whom each mention names, and which name nobody or several people.

/** Someone a mention can name. */
export interface Mentionable {
  id: string;
  name: string;
  email: string;
}

/** What the mentions of a text came to: who was named, what named nobody, what named several. */
export interface Mentions<P extends Mentionable = Mentionable> {
  /** Each person named, once, in the order first named. */
  named: P[];
  /** Mentions as written ("@kimm") that name nobody on the desk. */
  unknown: string[];
  /** Mentions as written ("@Kim") that name several people, with theirs. */
  ambiguous: Array<{ written: string; could: P[] }>;
}

/** The most words after an @ read as one name ("@Mary Ann de Vere"). */
const MAX_NAME_WORDS = 4;
// A word of a name: letters and digits, with the joiners names and email addresses use inside them.
const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}'’._-]*[\p{L}\p{N}])?/uy;
const GAP = /[ \t]+/y;
// An @ that starts a mention: not inside a word or an email address (jo@bbc.co.uk is not one).
const AT = /(?<![\p{L}\p{N}_.@'’-])@(?=[\p{L}\p{N}])/gu;

/** A name as compared: case, accents and repeated spaces ignored. */
export function foldName(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en-GB').replace(/\s+/g, ' ').trim();
}

/** "lee's" → "lee": "@Kim Lee's draft" names Kim Lee. */
function unPossessive(s: string): string {
  return s.replace(/['’]s$/u, '');
}

/** The words after the @ at `from`, as written, with where each ends. */
function wordsAt(text: string, from: number): Array<{ word: string; end: number }> {
  const words: Array<{ word: string; end: number }> = [];
  let at = from;
  while (words.length < MAX_NAME_WORDS) {
    if (words.length) {
      GAP.lastIndex = at;
      if (!GAP.exec(text)) break;
      at = GAP.lastIndex;
    }
    WORD.lastIndex = at;
    const m = WORD.exec(text);
    if (!m) break;
    at = WORD.lastIndex;
    words.push({ word: m[0], end: at });
  }
  return words;
}

/**
 * The mentions in `text` among `people` (the active staff). The longest run of words after an @
 * that is someone's full name names them; otherwise the first word, as a first name, a whole
 * one-word name or an email's local part. One person named several times is named once.
 */
export function findMentions<P extends Mentionable>(text: string, people: readonly P[]): Mentions<P> {
  const byName = new Map<string, P[]>();
  const byWord = new Map<string, P[]>();
  const add = (map: Map<string, P[]>, key: string, p: P) => {
    if (!key) return;
    const list = map.get(key) ?? [];
    if (!list.includes(p)) list.push(p);
    map.set(key, list);
  };
  for (const p of people) {
    const full = foldName(p.name);
    add(byName, full, p);
    add(byWord, full.split(' ')[0] ?? '', p);
    add(byWord, foldName(p.email.split('@')[0] ?? ''), p);
    if (!full.includes(' ')) add(byWord, full, p);
  }
  const named: P[] = [];
  const unknown: string[] = [];
  const ambiguous: Mentions<P>['ambiguous'] = [];
  const name = (p: P) => {
    if (!named.includes(p)) named.push(p);
  };
  for (const m of text.matchAll(AT)) {
    const start = (m.index ?? 0) + 1;
    const words = wordsAt(text, start);
    if (!words.length) continue;
    let done = false;
    for (let k = words.length; k >= 2 && !done; k--) {
      const phrase = foldName(
        words
          .slice(0, k)
          .map((w) => w.word)
          .join(' '),
      );
      const found = byName.get(phrase) ?? byName.get(unPossessive(phrase));
      if (!found) continue;
      done = true;
      const written = `@${text.slice(start, words[k - 1]!.end)}`;
      if (found.length === 1) name(found[0]!);
      else if (!ambiguous.some((a) => a.written === written)) ambiguous.push({ written, could: found });
    }
    if (done) continue;
    const first = words[0]!.word;
    const written = `@${first}`;
    const found = byWord.get(foldName(first)) ?? byWord.get(unPossessive(foldName(first)));
    if (!found) {
      if (!unknown.includes(written)) unknown.push(written);
    } else if (found.length === 1) name(found[0]!);
    else if (!ambiguous.some((a) => a.written === written)) ambiguous.push({ written, could: found });
  }
  return { named, unknown, ambiguous };
}
