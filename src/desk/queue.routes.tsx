import type { QuestionService } from '../colleagues/questions.service.js';
import type { SignOffService } from '../statements/signoff.service.js';
import { Hono } from 'hono';
import { DateTime } from 'luxon';
import { streamSSE } from 'hono/streaming';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { ENQUIRY_CHANNELS, ENQUIRY_STATUSES } from '../enquiries/enquiry.model.js';
import { LANGUAGES } from '../i18n/languages.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError } from '../http/errors.js';
import { officeDayStart } from '../hours/parse.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import type { AuthService } from './auth.service.js';
import type { DigestService } from '../reports/digest.service.js';
import type { LiveFeed } from './live-feed.js';
import type { PresenceService } from './presence.service.js';
import * as queue from './queue.repository.js';
import { filterTopics } from '../topics/topics.repository.js';
import { isRowId } from '../ids.js';
import { QueueGroupRowView, QueuePage, QueueRowView, resultCountText } from './queue.views.js';

const PAGE_SIZE = 50;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** The queue's date filters as given (YYYY-MM-DD, office time), and what is wrong with them. */
export interface ReceivedQuery {
  from: string;
  to: string;
  errors: { from?: string; to?: string };
}

/**
 * Reads the queue filters from the query string. Choices that are not one of the options fall back
 * to the default view (old links, typing in the address bar); the received dates are read as office
 * days (`from` inclusive, `to` inclusive to its end) and a date that is not a date, or a `from`
 * after `to`, is reported in `received.errors` (the page says what is wrong, and filters nothing by it).
 */
export function parseFilters(
  q: (key: string) => string | undefined,
  zone = 'Europe/London',
): queue.QueueFilters & { dates: ReceivedQuery; scope: queue.SearchScope } {
  const from = (q('from') ?? '').trim().slice(0, 40);
  const to = (q('to') ?? '').trim().slice(0, 40);
  const errors: ReceivedQuery['errors'] = {};
  const start = from ? officeDayStart(from, zone) : null;
  const end = to ? officeDayStart(to, zone) : null;
  if (from && !start) errors.from = 'Received from must be a date, such as 2026-11-30';
  if (to && !end) errors.to = 'Received to must be a date, such as 2026-12-04';
  if (start && end && start > end) errors.from = 'Received from must be on or before received to';
  const ok = !errors.from && !errors.to;
  return {
    status: pick(q('status'), ['open', 'all', ...ENQUIRY_STATUSES] as const, 'open'),
    urgent: pick(q('urgent'), ['any', 'yes', 'no'] as const, 'any'),
    assigned: pick(q('assigned'), ['anyone', 'me', 'unassigned'] as const, 'anyone'),
    channel: pick(q('channel'), ['any', ...ENQUIRY_CHANNELS] as const, 'any'),
    language: pick(q('language'), ['any', ...LANGUAGES] as const, 'any'),
    outOfHours: pick(q('ooh'), ['any', 'yes', 'no'] as const, 'any'),
    q: clean(q('q')),
    scope: pick(q('in'), ['enquiries', 'said'] as const, 'enquiries'),
    outlet: clean(q('outlet')),
    topic: isRowId((q('topic') ?? '').trim()) ? (q('topic') ?? '').trim() : '',
    received: {
      from: ok && start ? start.toJSDate() : null,
      // The end of the `to` day: the start of the next day in office time (23 or 25 hours on a clock change).
      before: ok && end ? end.plus({ days: 1 }).toJSDate() : null,
    },
    dates: { from, to, errors },
  };
}

/** Free text from the query: control characters out, trimmed, at most 200 characters. */
function clean(text: string | undefined): string {
  return (text ?? '')
    .replace(/[\u0000-\u001f]/g, ' ')
    .trim()
    .slice(0, 200);
}

/** The office's current week so far: its Monday (YYYY-MM-DD, office time); "This week" is from then to now. */
export function thisWeekFrom(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).startOf('week').toISODate()!;
}

/** "What we said"'s cursor: `s{at ms}_{said id}` of the last row shown. */
function parseSaidCursor(text: string | undefined): queue.SaidCursor | null {
  const m = /^s(\d{1,15})_(\d{1,19})$/.exec(text ?? '');
  return m ? { at: new Date(Number(m[1])), id: m[2] } : null;
}

function parseCursor(text: string | undefined): queue.QueueCursor | null {
  const due = /^(none|\d{1,15})_([ur])_(\d{1,19})$/.exec(text ?? '');
  if (due)
    return { by: 'due', due: due[1] === 'none' ? null : new Date(Number(due[1])), urgent: due[2] === 'u', id: due[3] };
  const received = /^r(\d{1,15})_(\d{1,19})$/.exec(text ?? '');
  if (received) return { by: 'received', received: new Date(Number(received[1])), id: received[2] };
  return null;
}

/** The cursor that continues after `row` in the view's order (see `parseCursor`). */
function cursorAfter(row: queue.QueueRow, byDue: boolean): string {
  return byDue
    ? `${row.due ? row.due.getTime() : 'none'}_${row.urgent ? 'u' : 'r'}_${row.id}`
    : `r${row.received_at.getTime()}_${row.id}`;
}

/** The query string of a view (defaults left out), for the pager and bookmarks. */
export function filterQuery(
  f: queue.QueueFilters & { dates: ReceivedQuery; scope?: queue.SearchScope },
): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.scope === 'said') p.set('in', 'said');
  if (f.status !== 'open') p.set('status', f.status);
  if (f.urgent !== 'any') p.set('urgent', f.urgent);
  if (f.assigned !== 'anyone') p.set('assigned', f.assigned);
  if (f.channel !== 'any') p.set('channel', f.channel);
  if (f.language && f.language !== 'any') p.set('language', f.language);
  if (f.outOfHours !== 'any') p.set('ooh', f.outOfHours);
  if (f.dates.from) p.set('from', f.dates.from);
  if (f.dates.to) p.set('to', f.dates.to);
  if (f.outlet) p.set('outlet', f.outlet);
  if (f.topic) p.set('topic', f.topic);
  return p;
}

/**
 * The group rows that belong on a page of the queue: those whose worst due falls after the page's
 * cursor (`after`, exclusive) and up to its last row (`lastOfFull`, inclusive; null when there is
 * no next page, so the last page takes everything later, and groups with nothing due). Each group
 * is on exactly one page, where its due time would put it among the rows.
 */
export function groupsOnPage(
  groups: queue.QueueGroup[],
  after: { due: Date | null } | null,
  lastOfFull: { due: Date | null } | null,
): queue.QueueGroup[] {
  return groups.filter((g) => {
    if (g.due === null) return lastOfFull === null;
    if (after && (after.due === null || g.due.getTime() <= after.due.getTime())) return false;
    return lastOfFull === null || lastOfFull.due === null || g.due.getTime() <= lastOfFull.due.getTime();
  });
}

/**
 * The queue (`GET /desk`), one row (`GET /desk/queue/row/:reference`), its counts
 * (`GET /desk/queue/counts`) and live arrivals (`GET /desk/events`). A live stream lasts only as long as its session (see `desk.liveQueue`).
 */
export function queueRoutes(deps: {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'desk'>;
  live: LiveFeed;
  digest: DigestService;
  auth: AuthService;
  questions: Pick<QuestionService, 'waitingOn'>;
  signOff: Pick<SignOffService, 'awaitingSince'>;
  /** Who else is on each enquiry (issue 29): the rows' "Sam Lee is on this". */
  presence?: Pick<PresenceService, 'othersOnMany'>;
}) {
  const app = new Hono<DeskEnv>();
  /** Live streams open in this process, per session (token hash). */
  const openStreams = new Map<string, number>();

  app.get('/', async (c) => {
    const s = deskSession(c);
    const now = deps.clock();
    const filters = parseFilters((k) => c.req.query(k), deps.config.office.timezone);
    const invalid = Boolean(filters.dates.errors.from || filters.dates.errors.to);
    // The topic filter's choices, read alongside the rows.
    const topicList = filterTopics(deps.db, filters.topic || null);
    // "What we said" (issue 28): enquiries by the words the office sent them, each once, newest first.
    if (filters.scope === 'said' && filters.q) {
      const after = parseSaidCursor(c.req.query('after'));
      const [hits, counts, breaches] = await Promise.all([
        invalid ? Promise.resolve([]) : queue.searchSaid(deps.db, filters, s.user.id, after, PAGE_SIZE),
        queue.openCounts(deps.db, now, s.user.id),
        queue.breaches(deps.db, s.user.role === 'manager' ? null : s.user.id),
      ]);
      const page = hits.slice(0, PAGE_SIZE);
      const last = page[page.length - 1];
      const base = filterQuery(filters);
      let nextHref: string | null = null;
      if (hits.length > PAGE_SIZE && last) {
        const p = new URLSearchParams(base);
        p.set('after', `s${last.at.getTime()}_${last.said_id}`);
        nextHref = `/desk?${p}`;
      }
      const week = new URLSearchParams(base);
      week.set('from', thisWeekFrom(now, deps.config.office.timezone));
      week.delete('to');
      return c.html(
        <QueuePage
          session={s}
          office={deps.config.office}
          now={now}
          filters={filters}
          dates={filters.dates}
          total={null}
          byDue={false}
          thisWeekHref={`/desk?${week}`}
          rows={[]}
          groups={[]}
          said={page}
          scope="said"
          topics={await topicList}
          breaches={breaches}
          counts={counts}
          nextHref={nextHref}
          firstHref={after ? `/desk?${base}` : null}
          digest={null}
        />,
        invalid ? 422 : 200,
      );
    }
    const after = parseCursor(c.req.query('after'));
    const byDue = queue.sortsByDue(filters);
    const [rows, groups, counts, total, digest, breaches] = await Promise.all([
      invalid ? Promise.resolve([]) : queue.listQueue(deps.db, filters, s.user.id, after, PAGE_SIZE),
      invalid ? Promise.resolve([]) : queue.listGroups(deps.db, filters, s.user.id),
      queue.openCounts(deps.db, now, s.user.id),
      invalid ? Promise.resolve(null) : queue.countMatching(deps.db, filters, s.user.id),
      after ? Promise.resolve(null) : deps.digest.forUser(s.user.id),
      queue.breaches(deps.db, s.user.role === 'manager' ? null : s.user.id),
    ]);
    const page = rows.slice(0, PAGE_SIZE);
    const ids = page.map((r) => r.id);
    const [waiting, signOff, presence] = await Promise.all([
      deps.questions.waitingOn(ids),
      deps.signOff.awaitingSince(ids),
      deps.presence?.othersOnMany(ids, s.user.id),
    ]);
    const last = page[page.length - 1];
    const base = filterQuery(filters);
    let nextHref: string | null = null;
    if (rows.length > PAGE_SIZE && last) {
      const p = new URLSearchParams(base);
      p.set('after', cursorAfter(last, byDue));
      nextHref = `/desk?${p}`;
    }
    const firstHref = after ? `/desk${base.size ? `?${base}` : ''}` : null;
    const onPage = groupsOnPage(
      groups,
      after?.by === 'due' ? after : null,
      rows.length > PAGE_SIZE ? (last ?? null) : null,
    );
    // "This week": the same view from Monday 00:00 (office time) to now.
    const week = new URLSearchParams(base);
    week.set('from', thisWeekFrom(now, deps.config.office.timezone));
    week.delete('to');
    return c.html(
      <QueuePage
        session={s}
        office={deps.config.office}
        now={now}
        filters={filters}
        scope={filters.scope}
        topics={await topicList}
        dates={filters.dates}
        total={total}
        byDue={byDue}
        thisWeekHref={`/desk?${week}`}
        rows={page}
        waiting={waiting}
        signOff={signOff}
        presence={presence}
        groups={onPage}
        breaches={breaches}
        counts={counts}
        nextHref={nextHref}
        firstHref={firstHref}
        digest={digest}
      />,
      invalid ? 422 : 200,
    );
  });

  // The headline counts and this view's result count, for desk.js to refresh them live when an
  // enquiry arrives or changes (same filters as the page; a bad date gives a null total).
  app.get('/queue/counts', async (c) => {
    const s = deskSession(c);
    const filters = parseFilters((k) => c.req.query(k), deps.config.office.timezone);
    const invalid = Boolean(filters.dates.errors.from || filters.dates.errors.to);
    const [counts, total] = await Promise.all([
      queue.openCounts(deps.db, deps.clock(), s.user.id),
      invalid ? Promise.resolve(null) : queue.countMatching(deps.db, filters, s.user.id),
    ]);
    c.header('Cache-Control', 'no-store');
    return c.json({ ...counts, total, totalText: total === null ? null : resultCountText(total) });
  });

  // An enquiry in an open incident is shown as the incident's group row (desk.js replaces the
  // group row it already has, by id, so a linked arrival updates the count instead of adding a row).
  app.get('/queue/row/:reference', async (c) => {
    const reference = normaliseReference(c.req.param('reference'));
    const row = reference ? await queue.queueRowByReference(deps.db, reference) : undefined;
    if (!row) throw new AppError('not_found', 'No such enquiry');
    const group = row.incident_id ? await queue.groupRow(deps.db, row.incident_id, deskSession(c).user.id) : undefined;
    if (group) return c.html(<QueueGroupRowView group={group} office={deps.config.office} now={deps.clock()} />);
    const [waiting, signOff, presence] = await Promise.all([
      deps.questions.waitingOn([row.id]),
      deps.signOff.awaitingSince([row.id]),
      deps.presence?.othersOnMany([row.id], deskSession(c).user.id),
    ]);
    return c.html(
      <QueueRowView
        row={row}
        office={deps.config.office}
        now={deps.clock()}
        waiting={waiting.get(row.id)}
        signOffSince={signOff.get(row.id)}
        presence={presence?.get(row.id)}
      />,
    );
  });

  app.get('/events', (c) => {
    const session = deskSession(c);
    const key = session.session.token_hash;
    const { sessionCheckSeconds, maxStreamsPerSession } = deps.config.desk.liveQueue;
    const open = openStreams.get(key) ?? 0;
    if (open >= maxStreamsPerSession) {
      // An error status (not a stream that ends) stops a browser's EventSource from retrying.
      throw new AppError(
        'rate_limited',
        `This sign-in already has ${open} live queues open. Close a tab, or reload it.`,
        { retryAfterSeconds: sessionCheckSeconds },
      );
    }
    openStreams.set(key, open + 1);
    return streamSSE(c, async (stream) => {
      const queued: Array<{ event: string; data: string }> = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.live.subscribe((ev) => {
        queued.push(
          'resync' in ev
            ? { event: 'resync', data: '{}' }
            : { event: ev.changed ? 'changed' : 'enquiry', data: JSON.stringify({ reference: ev.reference }) },
        );
        wake?.();
      });
      // A desk notification for this user only (issue 29, item 4): desk.js reads it and says so.
      const unnotice = deps.live.subscribeNotices((userId) => {
        if (userId !== session.user.id) return;
        queued.push({ event: 'notification', data: '{}' });
        wake?.();
      });
      // This user's sessions were ended in some process (disabled, new role, password reset, signed
      // out; issue 30, item 3): check this one now, not at the next `sessionCheckSeconds`.
      let checkNow = false;
      const unended = deps.live.subscribeSessionEnds((userId) => {
        if (userId !== session.user.id) return;
        checkNow = true;
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        unnotice();
        unended();
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
            if (queued.length || checkNow) resolve();
            setTimeout(resolve, sessionCheckSeconds * 1000).unref();
          });
          wake = null;
          checkNow = false;
          if (stream.aborted || (await sessionEnded())) break;
          if (!queued.length) await stream.write(': keep-alive\n\n');
          while (queued.length) await stream.writeSSE(queued.shift()!);
        }
      } finally {
        unsubscribe();
        unnotice();
        unended();
        const left = (openStreams.get(key) ?? 1) - 1;
        if (left > 0) openStreams.set(key, left);
        else openStreams.delete(key);
      }
    });
  });

  return app;
}
