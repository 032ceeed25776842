import { Hono } from 'hono';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { OfficeConfig } from '../config.js';
import { apiRoute, mountApiRoute } from './api-route.js';
import { AppError } from './errors.js';
import { officeStatus } from '../hours/office-hours.js';
import { parseInstant } from '../hours/parse.js';

/** The body of `GET /api/office-hours`; the OpenAPI document is generated from it. */
export const officeHoursAnswerSchema = z.object({
  open: z.boolean(),
  at: z.string().meta({ format: 'date-time' }),
  nextOpening: z.string().meta({ format: 'date-time' }).nullable(),
  nextClosing: z.string().meta({ format: 'date-time' }).nullable(),
  reason: z.string().meta({ examples: ['Boxing Day (substitute day)'] }),
});

/** `GET /api/office-hours`, declared: the handler below and the OpenAPI document both come from it. */
export const officeHoursRoute = apiRoute({
  method: 'get',
  path: '/office-hours',
  summary: 'Whether the press office is open at an instant',
  query: z.object({
    at: z
      .string()
      .optional()
      .describe('ISO-8601 date-time with offset, or YYYY-MM-DDTHH:mm in office time. Default: now.'),
  }),
  responses: {
    200: { description: 'Office state', body: { name: 'OfficeHours', schema: officeHoursAnswerSchema } },
    400: { description: '`at` is not a date-time' },
  },
});

export interface HoursRouteDeps {
  office: OfficeConfig;
  /** The only source of "now", so tests can stand anywhere in the calendar. */
  clock: () => Date;
}

/**
 * An unencoded "+01:00" in a query string arrives as " 01:00" (form decoding turns "+" into a
 * space). Clients get that wrong often enough that restoring it is kinder than a 400.
 */
function restorePlusOffset(text: string): string {
  return text.replace(/^(\S+T[\d:.]+) (\d{2}(?::?\d{2})?)$/, '$1+$2');
}

/**
 * `GET /office-hours?at=ISO-8601` (mounted under /api): whether the office is open at `at` (default
 * now) and when it next opens and closes, as ISO strings carrying the office's offset. A blank `at`
 * means now, as an empty form field would send it.
 */
export function hoursRoutes(deps: HoursRouteDeps): Hono {
  const app = new Hono();
  mountApiRoute(app, officeHoursRoute, {
    handle: (c, { query }) => {
      const raw = query.at?.trim();
      let at: DateTime;
      if (raw) {
        const parsed = parseInstant(restorePlusOffset(raw), deps.office.timezone);
        if (!parsed) {
          throw new AppError('bad_request', 'at must be an ISO-8601 date-time, e.g. 2026-12-28T10:00:00Z', {
            fields: {
              at: 'must be an ISO-8601 date-time with an offset, or YYYY-MM-DDTHH:mm in office time, between 1900 and 9999',
            },
          });
        }
        at = parsed;
      } else {
        at = DateTime.fromJSDate(deps.clock());
      }
      const s = officeStatus(at, deps.office);
      return c.json({
        open: s.open,
        // Luxon types toISO() as nullable for invalid DateTimes; `at` was parsed or made valid above.
        at: s.at.toISO()!,
        nextOpening: s.nextOpening?.toISO() ?? null,
        nextClosing: s.nextClosing?.toISO() ?? null,
        reason: s.reason,
      } satisfies z.infer<typeof officeHoursAnswerSchema>);
    },
  });
  return app;
}
