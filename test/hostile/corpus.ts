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
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the point: a template a careless renderer would run.
  { label: 'template injection', value: '{{7*7}} ${7*7} <%= 7*7 %> #{7*7}' },
  { label: 'CSV formula', value: '=HYPERLINK("http://evil.example","click") +1 -1 @SUM(A1)' },
  {
    label: 'header injection',
    value: 'x\r\nSet-Cookie: pd_session=evil\r\n\r\n<html>',
    literal: 'x Set-Cookie: pd_session=evil <html>',
  },
  // Control characters and Unicode tricks
  { label: 'null bytes', value: 'null\u0000byte\u0000', literal: 'nullbyte' },
  {
    label: 'C0 controls and ANSI escape',
    value: 'bell\u0007 esc\u001b[31mred\u001b[0m',
    literal: 'bell esc[31mred[0m',
  },
  { label: 'C1 controls', value: 'next\u0085line csi\u009b1m', literal: 'nextline csi1m' },
  { label: 'right-to-left override', value: 'invoice\u202Etxt.exe\u202C', literal: 'invoicetxt.exe' },
  {
    label: 'bidi isolates and marks',
    value: '\u2066isolated\u2069 \u200Frtl-mark\u200E',
    literal: 'isolated \u200Frtl-mark\u200E',
  },
  {
    label: 'byte order mark and zero width',
    value: '\uFEFFzero\u200Bwidth\u200Djoin',
    literal: 'zero\u200Bwidth\u200Djoin',
  },
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

/**
 * Values of `at` for `GET /api/office-hours`: each must get 200 (a real instant in 1900–9999) or
 * 400 (anything else), never a 5xx. `status` is the answer the contract asks for.
 */
export const HOSTILE_INSTANTS: Array<{ label: string; value: string; status: 200 | 400 }> = [
  // Found by the outside review (issue 12): year 1 reached the calendar and threw.
  { label: 'year 1', value: '0001-01-01T00:00Z', status: 400 },
  { label: 'year 1, office time', value: '0001-01-01T00:00', status: 400 },
  { label: 'year 0', value: '0000-01-01T00:00Z', status: 400 },
  { label: 'the day before 1900', value: '1899-12-31T23:59:59Z', status: 400 },
  { label: 'the first instant of 1900', value: '1900-01-01T00:00Z', status: 200 },
  // Day numbers before 1970 are negative: the weekday must still come out right.
  { label: 'a Wednesday in 1969', value: '1969-06-11T12:00Z', status: 200 },
  { label: 'the last minute of 9999', value: '9999-12-31T23:59Z', status: 200 },
  { label: 'an offset that carries 9999 into 10000', value: '9999-12-31T23:59-05:00', status: 400 },
  { label: 'five-digit year', value: '10000-01-01T00:00Z', status: 400 },
  { label: 'expanded year with sign', value: '+002026-01-01T00:00Z', status: 400 },
  { label: 'negative year', value: '-000001-01-01T00:00Z', status: 400 },
  { label: 'JavaScript date limit', value: '+275760-09-13T00:00:00Z', status: 400 },
  { label: '30 February', value: '2026-02-30T10:00Z', status: 400 },
  { label: 'month 13', value: '2026-13-01T10:00Z', status: 400 },
  { label: 'hour 24', value: '2026-07-01T24:00Z', status: 400 },
  { label: 'leap second', value: '2016-12-31T23:59:60Z', status: 400 },
  { label: 'offset +24:00', value: '2026-07-01T10:00+24:00', status: 400 },
  { label: 'offset -23:59', value: '2026-07-01T10:00-23:59', status: 200 },
  { label: 'inside the spring gap', value: '2026-03-29T01:30', status: 400 },
  { label: 'the repeated autumn hour', value: '2026-10-25T01:30', status: 200 },
  { label: 'nanoseconds', value: '2026-07-01T10:00:00.123456789Z', status: 200 },
  { label: 'a date without a time', value: '2026-07-01', status: 400 },
  { label: 'epoch milliseconds', value: '1767225600000', status: 400 },
  { label: 'null byte', value: '2026-07-01T10:00Z\u0000', status: 400 },
  { label: 'CRLF', value: '2026-07-01T10:00Z\r\nX: y', status: 400 },
  { label: 'Arabic-Indic digits', value: '٢٠٢٦-٠٧-٠١T10:00Z', status: 400 },
  { label: 'SQL', value: "2026-07-01T10:00Z' OR '1'='1", status: 400 },
  { label: '10,000 characters', value: '2'.repeat(10_000), status: 400 },
];

/**
 * Values of `next` on a successful sign-in and where each must send the officer: a path under
 * /desk on this site, as a valid Location header, or /desk. Never a 5xx, never another site.
 */
export const HOSTILE_NEXT: Array<{ label: string; value: string; location: string }> = [
  // Found by the outside review (issue 12, finding 11): the session was created, then 500.
  { label: 'CRLF header injection', value: '/desk/\r\nSet-Cookie: pd_session=evil', location: '/desk' },
  { label: 'CRLF in the query', value: '/desk?q=\r\nX-Injected: 1', location: '/desk' },
  { label: 'LF alone', value: '/desk/enquiries\nX-Injected: 1', location: '/desk' },
  { label: 'CR alone', value: '/desk/x\rX-Injected: 1', location: '/desk' },
  { label: 'encoded CRLF', value: '/desk%0d%0aSet-Cookie:%20x=y', location: '/desk' },
  { label: 'null byte', value: '/desk/\u0000', location: '/desk' },
  { label: 'tab', value: '/desk\t/x', location: '/desk' },
  { label: 'DEL', value: '/desk/\u007f', location: '/desk' },
  {
    label: 'non-Latin-1 character (not a valid header byte)',
    value: '/desk?q=€📰',
    location: '/desk?q=%E2%82%AC%F0%9F%93%B0',
  },
  { label: 'Latin-1 character', value: '/desk?q=café', location: '/desk?q=caf%C3%A9' },
  { label: 'protocol-relative', value: '//evil.example/desk', location: '/desk' },
  { label: 'backslash host', value: '/\\evil.example/desk', location: '/desk' },
  { label: 'backslash after /desk', value: '/desk\\@evil.example', location: '/desk' },
  { label: 'dot segments out of /desk', value: '/desk/..//evil.example', location: '/desk' },
  { label: 'encoded dot segments', value: '/desk/%2e%2e/api/enquiries', location: '/desk' },
  { label: 'absolute URL', value: 'https://evil.example/desk', location: '/desk' },
  { label: 'javascript:', value: 'javascript:alert(1)//desk', location: '/desk' },
  { label: 'a sibling of /desk', value: '/deskevil', location: '/desk' },
  { label: 'empty', value: '', location: '/desk' },
  { label: '10,000 characters', value: `/desk/${'a'.repeat(10_000)}`, location: '/desk' },
  {
    label: 'a desk page with query and fragment (kept)',
    value: '/desk/enquiries/PD-222-222?tab=sms#reply',
    location: '/desk/enquiries/PD-222-222?tab=sms#reply',
  },
  { label: 'the queue with filters (kept)', value: '/desk?status=all&q=road', location: '/desk?status=all&q=road' },
];
