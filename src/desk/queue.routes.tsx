import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError } from '../http/errors.js';
import { deskSession, type DeskEnv } from './auth.middleware.js';
import type { HandoverService } from '../reports/handover.service.js';
import type { LiveFeed } from './live-feed.js';
import * as queue from './queue.repository.js';
import { QueuePage, QueueRowView } from './queue.views.js';

const PAGE_SIZE = 50;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** Reads the queue filters from the query string; anything unknown falls back to the default view. */
export function parseFilters(q: (key: string) => string | undefined): queue.QueueFilters {
  return {
    status: pick(q('status'), ['open', 'all', 'new', 'in_progress', 'waiting', 'answered', 'closed'] as const, 'open'),
    urgent: pick(q('urgent'), ['any', 'yes', 'no'] as const, 'any'),
    assigned: pick(q('assigned'), ['anyone', 'me', 'unassigned'] as const, 'anyone'),
    channel: pick(q('channel'), ['any', 'web', 'api', 'sms'] as const, 'any'),
    outOfHours: pick(q('ooh'), ['any', 'yes', 'no'] as const, 'any'),
    q: (q('q') ?? '').replace(/[\u0000-\u001f]/g, ' ').trim().slice(0, 200),
  };
}

function parseCursor(text: string | undefined): queue.QueueCursor | null {
  const m = /^(none|\d{13})_(\d{1,19})$/.exec(text ?? '');
  if (!m) return null;
  return { due: m[1] === 'none' ? null : new Date(Number(m[1])), id: m[2] };
}

function filterQuery(f: queue.QueueFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.status !== 'open') p.set('status', f.status);
  if (f.urgent !== 'any') p.set('urgent', f.urgent);
  if (f.assigned !== 'anyone') p.set('assigned', f.assigned);
  if (f.channel !== 'any') p.set('channel', f.channel);
  if (f.outOfHours !== 'any') p.set('ooh', f.outOfHours);
  return p;
}

/** The queue (`GET /desk`), one row (`GET /desk/queue/row/:reference`) and live arrivals (`GET /desk/events`). */
export function queueRoutes(deps: { db: Db; clock: Clock; config: Pick<Config, 'office'>; live: LiveFeed; handover: HandoverService }) {
  const app = new Hono<DeskEnv>();

  app.get('/', async (c) => {
    const s = deskSession(c);
    const now = deps.clock();
    const filters = parseFilters((k) => c.req.query(k));
    const after = parseCursor(c.req.query('after'));
    const [rows, counts, handover] = await Promise.all([
      queue.listQueue(deps.db, filters, s.user.id, after, PAGE_SIZE),
      queue.openCounts(deps.db, now, s.user.id),
      after ? Promise.resolve(null) : deps.handover.forUser(s.user.id),
    ]);
    const page = rows.slice(0, PAGE_SIZE);
    const last = page[page.length - 1];
    const base = filterQuery(filters);
    let nextHref: string | null = null;
    if (rows.length > PAGE_SIZE && last) {
      const p = new URLSearchParams(base);
      p.set('after', `${last.due ? last.due.getTime() : 'none'}_${last.id}`);
      nextHref = `/desk?${p}`;
    }
    const firstHref = after ? `/desk${base.size ? `?${base}` : ''}` : null;
    return c.html(<QueuePage session={s} office={deps.config.office} now={now} filters={filters} rows={page} counts={counts} nextHref={nextHref} firstHref={firstHref} handover={handover} />);
  });

  app.get('/queue/row/:reference', async (c) => {
    const reference = normaliseReference(c.req.param('reference'));
    const row = reference ? await queue.queueRowByReference(deps.db, reference) : undefined;
    if (!row) throw new AppError('not_found', 'No such enquiry');
    return c.html(<QueueRowView row={row} office={deps.config.office} now={deps.clock()} />);
  });

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const queued: Array<{ event: string; data: string }> = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.live.subscribe((ev) => {
        queued.push('resync' in ev ? { event: 'resync', data: '{}' } : { event: 'enquiry', data: JSON.stringify({ reference: ev.reference }) });
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      // Only say "ready" once arrivals can actually reach this stream.
      await deps.live.ready();
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!stream.aborted) {
        while (queued.length) await stream.writeSSE(queued.shift()!);
        // A comment every 25 s keeps proxies from closing an idle stream.
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 25_000).unref();
        });
        wake = null;
        if (!queued.length && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
      unsubscribe();
    }),
  );

  return app;
}
