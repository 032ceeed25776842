/**
 * Public holidays (date-holidays, by `office.holidays`) and configured closures: the days the
 * office is shut whatever its weekly hours say. Internal to src/hours.
 */
import Holidays from 'date-holidays';
import type { OfficeConfig } from '../config.js';
import { isoDate, type CalendarDate } from './wall-clock.js';

/** date-holidays arguments for each `office.holidays` value the config schema allows. */
const HOLIDAY_REGIONS: Record<NonNullable<OfficeConfig['holidays']>, [country: string, state: string]> = {
  'GB-ENG': ['GB', 'ENG'],
  'GB-SCT': ['GB', 'SCT'],
  'GB-NIR': ['GB', 'NIR'],
};
const holidayCalendars = new Map<string, Holidays>();
const holidayNamesByRegionYear = new Map<string, Map<string, string>>();

/** Name of the public holiday on `isoDate`, from date-holidays verbatim; observances such as Mother's Day do not close the office. */
function publicHolidayName(isoDate: string, year: number, office: OfficeConfig): string | undefined {
  if (office.holidays === null) return undefined;
  const key = `${office.holidays}:${year}`;
  let byDate = holidayNamesByRegionYear.get(key);
  if (!byDate) {
    let calendar = holidayCalendars.get(office.holidays);
    if (!calendar) {
      const [country, state] = HOLIDAY_REGIONS[office.holidays];
      calendar = new Holidays(country, state, { languages: 'en' });
      holidayCalendars.set(office.holidays, calendar);
    }
    byDate = new Map();
    for (const h of calendar.getHolidays(year)) {
      if (h.type !== 'public') continue;
      // `date` is the holiday's local calendar date ("YYYY-MM-DD hh:mm:ss"); its `start`/`end`
      // instants are in the region's zone, which need not be the office's.
      const day = h.date.slice(0, 10);
      const before = byDate.get(day);
      byDate.set(day, before ? `${before} and ${h.name}` : h.name);
    }
    holidayNamesByRegionYear.set(key, byDate);
  }
  return byDate.get(isoDate);
}

/** The name of the public holiday on `date` (date-holidays, `office.holidays`), else undefined; configured closures are not holidays. */
export function publicHolidayOn(date: CalendarDate, office: OfficeConfig): string | undefined {
  const iso = isoDate(date);
  return publicHolidayName(iso, Number(iso.slice(0, 4)), office);
}

/** The name of the public holiday or "office closure" that shuts the office on `date`, else undefined. */
export function holidayOrClosure(date: CalendarDate, office: OfficeConfig): string | undefined {
  const iso = isoDate(date);
  return (
    publicHolidayName(iso, Number(iso.slice(0, 4)), office) ??
    (office.closures.includes(iso) ? 'office closure' : undefined)
  );
}
