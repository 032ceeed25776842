import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, it } from 'vitest';
import { parseFileConfig } from '../../../src/config.js';
import { hoursRoutes } from '../../../src/http/hours.routes.js';
import { AppError, errorBody } from '../../../src/http/errors.js';

const office = parseFileConfig().office;

/** The routes as the app mounts them, with the app's error contract, and the clock on Boxing Day (substitute) 2026. */
function app(now = new Date('2026-12-28T10:00:00Z')) {
  const a = new Hono();
  a.route('/api', hoursRoutes({ office, clock: () => now }));
  a.onError((err, c) =>
    err instanceof AppError
      ? c.json(errorBody(err), err.status as ContentfulStatusCode)
      : c.json({ error: { code: 'internal', message: String(err) } }, 500),
  );
  return a;
}

async function get(query: string, a = app()) {
  const res = await a.request(`/api/office-hours${query}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

describe('GET /api/office-hours', () => {
  it('answers for now when no `at` is given', async () => {
    expect(await get('')).toEqual({
      status: 200,
      type: expect.stringContaining('application/json'),
      body: {
        open: false,
        at: '2026-12-28T10:00:00.000+00:00',
        nextOpening: '2026-12-29T09:00:00.000+00:00',
        nextClosing: '2026-12-29T17:00:00.000+00:00',
        reason: 'Boxing Day (substitute day)',
      },
    });
  });

  it('answers for an `at` with an offset, in office time', async () => {
    const { status, body } = await get(`?at=${encodeURIComponent('2026-07-01T10:00:00+02:00')}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      open: true,
      at: '2026-07-01T09:00:00.000+01:00',
      nextOpening: '2026-07-02T09:00:00.000+01:00',
      nextClosing: '2026-07-01T17:00:00.000+01:00',
      reason: 'open',
    });
  });

  it('forgives an unencoded "+" in the offset (it arrives as a space)', async () => {
    const { status, body } = await get('?at=2026-07-01T10:00:00+02:00');
    expect(status).toBe(200);
    expect(body.at).toBe('2026-07-01T09:00:00.000+01:00');
  });

  it('reads an `at` without an offset in office time', async () => {
    const { body } = await get('?at=2026-12-29T16:59');
    expect(body).toMatchObject({
      open: true,
      at: '2026-12-29T16:59:00.000+00:00',
      nextClosing: '2026-12-29T17:00:00.000+00:00',
    });
    expect((await get('?at=2026-07-06T08:00:00Z')).body).toMatchObject({
      open: true,
      at: '2026-07-06T09:00:00.000+01:00',
    });
  });

  it('gives null next opening and closing for an office that never opens', async () => {
    const shut = parseFileConfig({ office: { hours: { mon: [], tue: [], wed: [], thu: [], fri: [] } } }).office;
    const a = new Hono().route('/api', hoursRoutes({ office: shut, clock: () => new Date('2026-07-01T10:00:00Z') }));
    expect((await get('', a)).body).toEqual({
      open: false,
      at: '2026-07-01T11:00:00.000+01:00',
      nextOpening: null,
      nextClosing: null,
      reason: 'closed on Wednesdays',
    });
  });

  it.each([['tomorrow'], ['2026-02-30T10:00'], ['2026-03-29T01:30'], ['2026-12-28']])(
    'answers 400 with a JSON error naming the field for at=%s',
    async (at) => {
      const { status, type, body } = await get(`?at=${encodeURIComponent(at)}`);
      expect(status).toBe(400);
      expect(type).toContain('application/json');
      expect(body).toEqual({
        error: {
          code: 'bad_request',
          message: 'at must be an ISO-8601 date-time, e.g. 2026-12-28T10:00:00Z',
          fields: { at: expect.any(String) },
        },
      });
    },
  );
});
