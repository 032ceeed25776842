/**
 * Office hours said aloud in Welsh (issue 31): natural spoken Welsh times and days, mutated after
 * "am" and "tan" ("am ddau", "tan bump"), "fore Llun", "brynhawn Mawrth", "nos Lun", bank
 * holidays skipped. English is unchanged (test/unit/hours/spoken.test.ts).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig, type OfficeConfig } from '../../../src/config.js';
import { spokenOfficeStatus } from '../../../src/hours/spoken.js';

/** The shipped default: 09:00-17:00 Monday to Friday, Europe/London, England and Wales bank holidays. */
const office = parseFileConfig().office;
function officeWith(override: Record<string, unknown>): OfficeConfig {
  return parseFileConfig({ office: override }).office;
}
const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });
const cy = (iso: string, config: OfficeConfig = office) => spokenOfficeStatus(london(iso), config, 'cy').text;

describe('the phone line in Welsh', () => {
  it('closed before opening: "am naw o\'r gloch y bore yma"', () => {
    expect(cy('2026-12-01T07:00')).toBe("Mae Swyddfa'r Wasg ar gau. Bydd yn agor am naw o'r gloch y bore yma.");
  });
  it('open: until five, mutated after "tan"', () => {
    expect(cy('2026-12-01T10:00')).toBe("Mae Swyddfa'r Wasg ar agor tan bump o'r gloch.");
  });
  it('closed in the evening: tomorrow morning', () => {
    expect(cy('2026-12-01T18:00')).toBe("Mae Swyddfa'r Wasg ar gau. Bydd yn agor am naw o'r gloch fore yfory.");
  });
  it('at the weekend: Monday morning', () => {
    expect(cy('2026-12-05T10:00')).toBe("Mae Swyddfa'r Wasg ar gau. Bydd yn agor am naw o'r gloch fore Llun.");
  });
  it('across Christmas and the Boxing Day substitute bank holiday: Tuesday morning', () => {
    expect(cy('2026-12-24T19:00')).toBe("Mae Swyddfa'r Wasg ar gau. Bydd yn agor am naw o'r gloch fore Mawrth.");
  });
  it('on a bank holiday, without its English name in a Welsh sentence', () => {
    expect(cy('2026-12-25T10:00')).toBe(
      "Mae Swyddfa'r Wasg ar gau heddiw, gan ei bod yn ŵyl banc. Bydd yn agor am naw o'r gloch fore Mawrth.",
    );
  });
  it('half past, quarter to, the afternoon and a date more than a week away', () => {
    const late = officeWith({
      hours: { mon: [], tue: [], wed: [], thu: [], fri: [['13:30', '16:45']], sat: [], sun: [] },
    });
    expect(cy('2026-12-01T10:00', late)).toBe(
      "Mae Swyddfa'r Wasg ar gau. Bydd yn agor am hanner awr wedi un brynhawn Gwener.",
    );
    expect(cy('2026-12-04T14:00', late)).toBe("Mae Swyddfa'r Wasg ar agor tan chwarter i bump.");
    // Friday 25 December is Christmas Day: the next Friday opening is 1 January (New Year's Day), so the 8th.
    expect(cy('2026-12-19T10:00', late)).toBe(
      "Mae Swyddfa'r Wasg ar gau. Bydd yn agor am hanner awr wedi un brynhawn Gwener, 8 Ionawr 2027.",
    );
  });
});
