import { DateTime } from 'luxon';

/** An instant in office time as ISO 8601 with its offset, to the second ("2026-07-03T12:00:00+01:00"). */
export function officeIso(at: Date, zone: string): string {
  return (
    DateTime.fromJSDate(at).setZone(zone).startOf('second').toISO({ suppressMilliseconds: true }) ?? at.toISOString()
  );
}

/** One CSV cell: quoted when needed, and formula-looking text defused for spreadsheet safety. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !(typeof v === 'number' || typeof v === 'bigint' || /^-?\d+(\.\d+)?$/.test(s)))
    s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file: a byte-order mark (spreadsheets then read UTF-8), the header, one line per row, CRLF. */
export function csvText(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
