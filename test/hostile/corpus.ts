/**
 * Hostile text for every channel: each string goes into the enquiry's text fields, into its
 * contact fields, and into an SMS body. Written by hand from the usual suspects (injection,
 * markup, encodings, Unicode tricks, sizes); the property tests in properties.test.ts cover the
 * space in between.
 */

/** A label and a string. `literal` (optional) is what a single-line field must store, written out by hand. */
export interface HostileString {
  label: string;
  value: string;
  literal?: string;
}

export const HOSTILE_STRINGS: HostileString[] = [
  // SQL injection (parameters are bound, so all of it is just text)
  { label: 'SQL: drop table', value: "'; DROP TABLE enquiry; --", literal: "'; DROP TABLE enquiry; --" },
  { label: 'SQL: tautology', value: "1' OR '1'='1" },
  { label: 'SQL: stacked pg_sleep', value: "x'); SELECT pg_sleep(10); --" },
  { label: 'SQL: dollar quoting', value: '$$; DELETE FROM enquiry; $$' },
  { label: 'SQL: E-string backslashes', value: "E'\\\\x00\\' \\\\" },
  { label: 'SQL: placeholder text', value: '$1 $2 ? :name %s %d %n' },
  { label: 'SQL: LIKE wildcards', value: '%_%\\%' },
  // HTML and script injection (kept as text, escaped when shown)
  { label: 'HTML: script tag', value: '<script>alert("x")</script>', literal: '<script>alert("x")</script>' },
  { label: 'HTML: img onerror', value: '<img src=x onerror=alert(1)>' },
  { label: 'HTML: attribute break-out', value: '"><svg onload=alert(1)>' },
  { label: 'HTML: iframe', value: "<iframe src='javascript:alert(1)'></iframe>" },
  { label: 'HTML: entities', value: '&lt;b&gt; &amp;amp; &#x3C;script&#x3E;' },
  { label: 'template injection', value: '{{7*7}} ${7*7} <%= 7*7 %> #{7*7}' },
  { label: 'CSV formula', value: '=HYPERLINK("http://evil.example","click") +1 -1 @SUM(A1)' },
  { label: 'header injection', value: 'x\r\nSet-Cookie: pd_session=evil\r\n\r\n<html>', literal: 'x Set-Cookie: pd_session=evil <html>' },
  // Control characters and Unicode tricks
  { label: 'null bytes', value: 'null\u0000byte\u0000', literal: 'nullbyte' },
  { label: 'C0 controls and ANSI escape', value: 'bell\u0007 esc\u001b[31mred\u001b[0m', literal: 'bell esc[31mred[0m' },
  { label: 'C1 controls', value: 'next\u0085line csi\u009b1m', literal: 'nextline csi1m' },
  { label: 'right-to-left override', value: 'invoice\u202Etxt.exe\u202C', literal: 'invoicetxt.exe' },
  { label: 'bidi isolates and marks', value: '\u2066isolated\u2069 \u200Frtl-mark\u200E', literal: 'isolated \u200Frtl-mark\u200E' },
  { label: 'byte order mark and zero width', value: '\uFEFFzero\u200Bwidth\u200Djoin', literal: 'zero\u200Bwidth\u200Djoin' },
  { label: 'emoji with ZWJ sequences and flags', value: '📰🚨 👩🏽‍💻 🏳️‍🌈 🇬🇧', literal: '📰🚨 👩🏽‍💻 🏳️‍🌈 🇬🇧' },
  { label: 'decomposed accents (NFD → NFC)', value: 'Rene\u0301e Zoe\u0308', literal: 'Ren\u00e9e Zo\u00eb' },
  { label: 'compatibility characters kept (NFC, not NFKC)', value: 'ﬁle Ａ ² ㎞', literal: 'ﬁle Ａ ² ㎞' },
  { label: 'Hebrew and Arabic', value: 'שלום עליכם مرحبا بالعالم', literal: 'שלום עליכם مرحبا بالعالم' },
  { label: 'Zalgo', value: 'Z̴̢̛̲a̷̰͐l̶̹̈g̵̣̈o̸̩͝' },
  { label: 'astral plane', value: '𝕳𝖊𝖑𝖑𝖔 𓀀 🀄', literal: '𝕳𝖊𝖑𝖑𝖔 𓀀 🀄' },
  { label: 'lone high surrogate', value: 'half \uD800 pair' },
  { label: 'lone low surrogate', value: 'half \uDC00 pair' },
  { label: 'line and paragraph separators', value: 'a\u2028b\u2029c' },
  { label: 'mixed line endings', value: 'one\r\ntwo\rthree\nfour', literal: 'one two three four' },
  { label: 'tabs', value: '\ttabbed\tvalue\t', literal: 'tabbed value' },
  { label: 'outer spaces', value: '   padded   ', literal: 'padded' },
  { label: 'non-breaking and ideographic spaces', value: '\u00A0\u3000wide\u00A0\u3000', literal: 'wide' },
  // Looks like something else
  { label: 'percent-escapes as text', value: '%00 %zz %E0%A4%A %', literal: '%00 %zz %E0%A4%A %' },
  { label: 'escaped unicode as text', value: '\\u0000 \\u202e \\x00', literal: '\\u0000 \\u202e \\x00' },
  { label: 'prototype words', value: '__proto__', literal: '__proto__' },
  { label: 'constructor', value: 'constructor', literal: 'constructor' },
  { label: 'JSON in a string', value: '{"urgent":true,"__proto__":{"admin":true}}' },
  { label: 'JS literals as text', value: 'undefined null NaN true [object Object]' },
  { label: 'path traversal', value: '../../../../etc/passwd\u0000.png' },
  { label: 'URL', value: 'https://evil.example/?q=<x>&r="y"' },
  // Emptiness and size
  { label: 'empty', value: '' },
  { label: 'only spaces', value: '     ' },
  { label: 'only controls', value: '\u0000\u0001\u202E\uFEFF' },
  { label: 'exactly 200 characters', value: 'x'.repeat(200) },
  { label: '201 characters', value: 'y'.repeat(201) },
  { label: '200 emoji (400 UTF-16 units)', value: '😀'.repeat(200) },
  { label: '10,000 characters', value: 'z'.repeat(10_000) },
  { label: '10,001 characters', value: 'w'.repeat(10_001) },
  { label: '5,000 CRLFs inside text', value: `a${'\r\n'.repeat(5_000)}b` },
];

/** Non-string JSON values for fields that must be text. */
export const WRONG_TYPES: Array<{ label: string; value: unknown }> = [
  { label: 'number', value: 42 },
  { label: 'negative float', value: -1.5 },
  { label: 'huge number', value: 1e308 },
  { label: 'zero', value: 0 },
  { label: 'true', value: true },
  { label: 'false', value: false },
  { label: 'empty array', value: [] },
  { label: 'array of strings', value: ['Ann', 'Bob'] },
  { label: 'empty object', value: {} },
  { label: 'object', value: { first: 'Ann', toString: 'x' } },
  { label: 'nested arrays', value: [[[[[['deep']]]]]] },
];
