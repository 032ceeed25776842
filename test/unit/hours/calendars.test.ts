/**
 * Other calendars (issue 31, item 4): `office.holidays` takes Scotland's and Northern Ireland's
 * bank holidays (date-holidays) as well as England and Wales's.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { bankHolidayName, isOpen, nextOpening } from '../../../src/hours/office-hours.js';

const office = (holidays: string) => parseFileConfig({ office: { holidays } }).office;
const scotland = office('GB-SCT');
const northernIreland = office('GB-NIR');
const england = office('GB-ENG');
/** Ten in the morning, London time, on `day`. */
const tenAm = (day: string) => DateTime.fromISO(`${day}T10:00`, { zone: 'Europe/London' });

describe('a Scottish office', () => {
  it('is closed on 2 January (a Friday in 2026), which England works', () => {
    expect(isOpen(tenAm('2026-01-02'), scotland)).toBe(false);
    expect(bankHolidayName('2026-01-02', scotland)).toBe('January 2nd');
    expect(isOpen(tenAm('2026-01-02'), england)).toBe(true);
  });

  it("is closed on the Monday after St Andrew's Day when it falls on a Sunday (2025), and opens on Tuesday", () => {
    expect(isOpen(tenAm('2025-12-01'), scotland)).toBe(false);
    expect(bankHolidayName('2025-12-01', scotland)).toContain('substitute');
    expect(nextOpening(tenAm('2025-12-01'), scotland)?.toISO()).toBe(
      DateTime.fromISO('2025-12-02T09:00', { zone: 'Europe/London' }).toISO(),
    );
    expect(isOpen(tenAm('2025-12-01'), england)).toBe(true);
  });

  it('is open on Easter Monday, which England and Northern Ireland close', () => {
    expect(isOpen(tenAm('2026-04-06'), scotland)).toBe(true);
    expect(bankHolidayName('2026-04-06', scotland)).toBeNull();
    expect(isOpen(tenAm('2026-04-06'), england)).toBe(false);
    expect(isOpen(tenAm('2026-04-06'), northernIreland)).toBe(false);
  });

  it("closes on the first Monday in August (Scotland's summer bank holiday), not the last as England does", () => {
    expect(isOpen(tenAm('2026-08-03'), scotland)).toBe(false);
    expect(isOpen(tenAm('2026-08-31'), scotland)).toBe(true);
    expect(isOpen(tenAm('2026-08-31'), england)).toBe(false);
  });
});

describe('a Northern Irish office', () => {
  it("is closed on St Patrick's Day and on 13 July 2026 (the Twelfth falls on a Sunday, the Battle of the Boyne holiday moves to Monday)", () => {
    expect(isOpen(tenAm('2026-03-17'), northernIreland)).toBe(false);
    expect(isOpen(tenAm('2026-03-17'), england)).toBe(true);
    expect(isOpen(tenAm('2026-07-13'), northernIreland)).toBe(false);
  });
});

describe('the setting', () => {
  it('refuses a calendar it does not know, naming the key', () => {
    expect(() => parseFileConfig({ office: { holidays: 'GB-WLS' } })).toThrow(/office\.holidays/);
  });
});
