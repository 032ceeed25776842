import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { ENQUIRY_CHANNELS, ENQUIRY_STATUSES } from '../enquiries/enquiry.model.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError } from '../http/errors.js';
import { deskSession, type DeskEnv } from './auth.middleware.js';
import type { AuthService } from './auth.service.js';
import type { DigestService } from '../reports/digest.service.js';
import type { LiveFeed } from './live-feed.js';
import * as queue from './queue.repository.js';
import { QueueGroupRowView, QueuePage, QueueRowView } from './queue.views.js';

const PAGE_SIZE = 50;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** Reads the queue filters from the query string; anything unknown falls back to the default view. */
export function parseFilters(q: (key: string) => string | undefined): queue.QueueFilters {
  return {
    status: pick(q('status'), ['open', 'all', ...ENQUIRY_STATUSES] as const, 'open'),
    urgent: pick(q('urgent'), ['any', 'yes', 'no'] as const, 'any'),
    assigned: pick(q('assigned'), ['anyone', 'me', 'unassigned'] as const, 'anyone'),
    channel: pick(q('channel'), ['any', ...ENQUIRY_CHANNELS] as const, 'any'),
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

/**
 * The group rows that belong on a page of the queue: those whose worst due falls after the page's
 * cursor (`after`, exclusive) and up to its last row (`lastOfFull`, inclusive; null when there is
 * no next page, so the last page takes everything later, and groups with nothing due). Each group
 * is on exactly one page, where its due time would put it among the rows.
 */
export function groupsOnPage(groups: queue.QueueGroup[], after: queue.QueueCursor | null, lastOfFull: { due: Date | null } | null): queue.QueueGroup[] {
  return groups.filter((g) => {
    if (g.due === null) return lastOfFull === null;
    if (after && (after.due === null || g.due.getTime() <= after.due.getTime())) return false;
    return lastOfFull === null || lastOfFull.due === null || g.due.getTime() <= lastOfFull.due.getTime();
  });
}

/**
 * The queue (`GET /desk`), one row (`GET /desk/queue/row/:reference`) and live arrivals
 * (`GET /desk/events`). A live stream lasts only as long as its session (see `desk.liveQueue`).
 */
export function queueRoutes(deps: { db: Db; clock: Clock; config: Pick<Config, 'office' | 'desk'>; live: LiveFeed; digest: DigestService; auth: AuthService }) {
  const app = new Hono<DeskEnv>();
  /** Live streams open in this process, per session (token hash). */
  const openStreams = new Map<string, number>();

  app.get('/', async (c) => {
    const s = deskSession(c);
    const now = deps.clock();
    const filters = parseFilters((k) => c.req.query(k));
    const after = parseCursor(c.req.query('after'));
    const [rows, groups, counts, digest, breaches] = await Promise.all([
      queue.listQueue(deps.db, filters, s.user.id, after, PAGE_SIZE),
      queue.listGroups(deps.db, filters, s.user.id),
      queue.openCounts(deps.db, now, s.user.id),
      after ? Promise.resolve(null) : deps.digest.forUser(s.user.id),
      queue.breaches(deps.db, s.user.role === 'manager' ? null : s.user.id),
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
    const onPage = groupsOnPage(groups, after, rows.length > PAGE_SIZE ? (last ?? null) : null);
    return c.html(
      <QueuePage session={s} office={deps.config.office} now={now} filters={filters} rows={page} groups={onPage} breaches={breaches} counts={counts} nextHref={nextHref} firstHref={firstHref} digest={digest} />,
    );
  });

  // An enquiry in an open incident is shown as the incident's group row (desk.js replaces the
  // group row it already has, by id, so a linked arrival updates the count instead of adding a row).
  app.get('/queue/row/:reference', async (c) => {
    const reference = normaliseReference(c.req.param('reference'));
    const row = reference ? await queue.queueRowByReference(deps.db, reference) : undefined;
    if (!row) throw new AppError('not_found', 'No such enquiry');
    const group = row.incident_id ? await queue.groupRow(deps.db, row.incident_id, deskSession(c).user.id) : undefined;
    if (group) return c.html(<QueueGroupRowView group={group} office={deps.config.office} now={deps.clock()} />);
    return c.html(<QueueRowView row={row} office={deps.config.office} now={deps.clock()} />);
  });

  app.get('/events', (c) => {
    const session = deskSession(c);
    const key = session.session.token_hash;
    const { sessionCheckSeconds, maxStreamsPerSession } = deps.config.desk.liveQueue;
    const open = openStreams.get(key) ?? 0;
    if (open >= maxStreamsPerSession) {
      // An error status (not a stream that ends) stops a browser's EventSource from retrying.
      throw new AppError('rate_limited', `This sign-in already has ${open} live queues open. Close a tab, or reload it.`, { retryAfterSeconds: sessionCheckSeconds });
    }
    openStreams.set(key, open + 1);
    return streamSSE(c, async (stream) => {
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
      // Ends the stream once the session has (sign-out, expiry, disabled, password reset). A
      // failed check keeps it for now: a database restart should not drop every open queue, and
      // nothing reaches the stream meanwhile (the LISTEN connection is down too).
      const sessionEnded = async () => !(await deps.auth.stillLive(session).catch(() => true));
      try {
        // Only say "ready" once arrivals can actually reach this stream.
        await deps.live.ready();
        await stream.writeSSE({ event: 'ready', data: '{}' });
        while (!stream.aborted) {
          // Arrivals, and every `sessionCheckSeconds` (a keep-alive comment for proxies, too).
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (queued.length) resolve();
            setTimeout(resolve, sessionCheckSeconds * 1000).unref();
          });
          wake = null;
          if (stream.aborted || (await sessionEnded())) break;
          if (!queued.length) await stream.write(': keep-alive\n\n');
          while (queued.length) await stream.writeSSE(queued.shift()!);
        }
      } finally {
        unsubscribe();
        const left = (openStreams.get(key) ?? 1) - 1;
        if (left > 0) openStreams.set(key, left);
        else openStreams.delete(key);
      }
    });
  });

  return app;
}
