/**
 * Times said to journalists in writing (src/hours/format.ts): the words around the clock face and
 * the date. English defines the keys; Welsh must have every one. Day and month names come from
 * luxon's own locale data, not from here.
 */
const en = {
  'hours.morning': '{time}am',
  'hours.afternoon': '{time}pm',
  'hours.today': '{clock} today',
  'hours.tomorrow': '{clock} tomorrow',
  'hours.onDate': '{clock} on {weekday} {day} {month}',
  'hours.onDateWithYear': '{clock} on {weekday} {day} {month} {year}',
} as const;

const cy = {
  // yb/yh (y bore, yr hwyr) are the usual written Welsh for am/pm.
  'hours.morning': '{time}yb',
  'hours.afternoon': '{time}yh',
  'hours.today': '{clock} heddiw',
  'hours.tomorrow': '{clock} yfory',
  // "ddydd" is "dydd" after the soft mutation a time adverb takes ("on Tuesday" = "ddydd Mawrth").
  'hours.onDate': '{clock} ddydd {weekday} {day} {month}',
  'hours.onDateWithYear': '{clock} ddydd {weekday} {day} {month} {year}',
} as const satisfies Record<keyof typeof en, string>;

/** The written-times area of the catalogue. */
export const hours = { en, cy } satisfies { en: Record<keyof typeof en, string>; cy: Record<keyof typeof en, string> };
