/**
 * Calendar feeds of the on-call rota (issue 27, item 6). Each rota person can have a private
 * iCalendar feed of the periods they actually hold primary or backup, and each manager a feed of
 * the whole rota, at {PUBLIC_BASE_URL}/rota/feed/{token}.ics, for Outlook's (or any calendar's)
 * "subscribe from the web".
 *
 * The events come from the effective rota (`RotaService.schedule`: an override beats a shift),
 * merged where one person holds a role without a break, so a person overridden out of part of a
 * shift sees only the rest. They are marked free (TRANSP:TRANSPARENT, and Outlook's own
 * busy-status FREE): an out-of-hours shift must not block a working day for meetings. Times are
 * UTC, which RFC 5545 allows without a VTIMEZONE; calendars show them in their own zone. Only
 * rota people's names appear, never anything about an enquiry.
 *
 * The token is the same kind of credential as the on-call and status links
 * (src/http/bearer-token.ts): 128 random bits, only its SHA-256 stored, so the desk shows the
 * address once, when it is made. A feed stops working when revoked, when a new one is issued for
 * the same person or manager, when its person is taken off the staff list, or when its manager is
 * disabled or is no longer a manager; every such address answers 404, like one never issued.
 */
import ical, { ICalEventBusyStatus, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Config, OfficeConfig } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { formatShortTime } from '../hours/format.js';
import { hashBearerToken, looksLikeBearerToken, newBearerToken } from '../http/bearer-token.js';
import { AppError } from '../http/errors.js';
import * as repo from './feed.repository.js';
import type { RotaFeed } from './feed.tables.js';
import type { OnCallContact } from './oncall.model.js';
import type { RotaService, ScheduleSegment } from './rota.service.js';
import type { Person, RotaRole } from './rota.tables.js';

/** Where a feed's path starts; `{token}.ics` follows. */
export const FEED_PREFIX = '/rota/feed/';

/** How far back a feed reaches: last month's shifts stay visible for allowances and handovers. */
export const FEED_DAYS_BACK = 30;

/** How far ahead a feed reaches at least (further when `onCall.lookAheadDays` is longer). */
export const FEED_DAYS_AHEAD = 60;

/** A feed's refreshes within this long of the last recorded one are not recorded again. */
const FETCH_RECORD_GAP_MS = 15 * 60_000;

/** How often calendars are asked to refresh (X-PUBLISHED-TTL, REFRESH-INTERVAL), in seconds. */
const REFRESH_SECONDS = 3600;

/** The feed's absolute URL: what a calendar subscribes to. */
export function feedUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${FEED_PREFIX}${token}.ics`;
}

/** The token in a feed's last path segment (`{token}.ics`), or null when it cannot be one. */
export function feedToken(file: string): string | null {
  if (!file.endsWith('.ics')) return null;
  const token = file.slice(0, -'.ics'.length);
  return looksLikeBearerToken(token) ? token : null;
}

/** One unbroken period in which one person holds one role. */
export interface OnCallStretch {
  personId: string;
  name: string;
  role: RotaRole;
  from: Date;
  to: Date;
  /** Who held the role just before and just after: null for no backup, undefined where the period runs past the feed's window. */
  before: OnCallContact | null | undefined;
  after: OnCallContact | null | undefined;
}

/**
 * The periods each person holds each role over `segments` (contiguous, in order, as
 * `RotaService.schedule` gives them), merged across segment boundaries where only the other role
 * changes; the out-of-hours line is nobody's. `before`/`after` are undefined at the window's edges.
 */
export function stretchesOf(segments: readonly ScheduleSegment[]): OnCallStretch[] {
  const out: OnCallStretch[] = [];
  for (const role of ['primary', 'backup'] as const) {
    let open: OnCallStretch | null = null;
    segments.forEach((s, i) => {
      const holder = s[role];
      if (open && holder?.personId === open.personId && open.to.getTime() === s.from.getTime()) {
        open.to = s.to;
        open.after = segments[i + 1]?.[role];
        return;
      }
      open = null;
      if (holder?.personId) {
        open = {
          personId: holder.personId,
          name: holder.name,
          role,
          from: s.from,
          to: s.to,
          before: i > 0 ? segments[i - 1][role] : undefined,
          after: segments[i + 1]?.[role],
        };
        out.push(open);
      }
    });
  }
  // By start; the primary before the backup at the same start.
  return out.sort(
    (a, b) => a.from.getTime() - b.from.getTime() || Number(a.role === 'backup') - Number(b.role === 'backup'),
  );
}

/** Who held a role next to a stretch, in words. */
function holderWords(role: RotaRole, c: OnCallContact | null | undefined): string | null {
  if (c === undefined) return null;
  if (c === null) return 'no backup';
  // The out-of-hours line answers whenever nobody is on: in office hours, that is the norm.
  if (c.personId === null) return role === 'primary' ? 'nobody on the rota' : 'no backup';
  return c.name;
}

/** What one feed holds: one person's stretches (`person`), or everyone's. */
export interface CalendarInput {
  office: OfficeConfig;
  publicBaseUrl: string;
  now: Date;
  stretches: readonly OnCallStretch[];
  person: { id: string; name: string } | null;
}

/**
 * The iCalendar text (RFC 5545: CRLF line ends, lines folded at 75 octets, UTC times) of a feed:
 * one free (transparent) event per stretch. Its UID names the person, role and start, so a
 * refreshed feed updates events in place rather than doubling them.
 */
export function rotaCalendar(input: CalendarInput): string {
  const { office, person } = input;
  const host = new URL(input.publicBaseUrl).hostname;
  const cal = ical({
    name: person ? `On call: ${person.name} (${office.name})` : `On-call rota: ${office.name}`,
    description: person
      ? `The periods ${person.name} is on call or backup for ${office.name}, from Press Desk's rota.`
      : `Who is on call and backup for ${office.name}, from Press Desk's rota.`,
    prodId: { company: 'Press Desk', product: 'On-call rota', language: 'EN' },
    ttl: REFRESH_SECONDS,
  });
  const when = (d: Date) => formatShortTime(d, office);
  for (const s of input.stretches) {
    if (person && s.personId !== person.id) continue;
    const duty = s.role === 'primary' ? 'on call (primary)' : 'backup';
    const before = holderWords(s.role, s.before);
    const after = holderWords(s.role, s.after);
    const lines = [
      person
        ? s.role === 'primary'
          ? `You are on call for ${office.name}: urgent enquiries out of hours page you first.`
          : `You are the backup for ${office.name}: paged when the on-call officer does not answer.`
        : `${s.name} is ${duty} for ${office.name}.`,
      `Office time: ${when(s.from)} to ${when(s.to)} (${office.timezone}).`,
      ...(before ? [`Before: ${before}.`] : []),
      ...(after ? [`After: ${after}.`] : []),
    ];
    cal.createEvent({
      id: `${person ? 'mine' : 'rota'}-${s.role}-${s.personId}-${s.from.getTime()}@${host}`,
      stamp: input.now,
      start: s.from,
      end: s.to,
      summary: person
        ? `On call (${s.role}): ${office.name}`
        : `${s.name}: ${s.role === 'primary' ? 'on call (primary)' : 'backup'}`,
      description: lines.join('\n'),
      transparency: ICalEventTransparency.TRANSPARENT,
      busystatus: ICalEventBusyStatus.FREE,
    });
  }
  // RFC 5545 ends every content line with CRLF, the last (END:VCALENDAR) too; the library leaves it off.
  const text = cal.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/** A working feed as the desk lists it (never its address: only its hash is kept). */
export interface FeedState {
  createdAt: Date;
  lastFetchedAt: Date | null;
}

/** The feeds page: each person on the staff list with their feed, and the signed-in manager's whole-rota feed. */
export interface FeedOverview {
  people: Array<{ person: Person; feed: FeedState | null }>;
  mine: FeedState | null;
}

/** A feed just made: its address, shown once. */
export interface IssuedFeed {
  url: string;
  /** Whose it is: the person's name, or null for the manager's whole-rota feed. */
  personName: string | null;
  /** True when it replaced a working one (which stopped working at once). */
  replaced: boolean;
}

export interface RotaFeedsDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'onCall' | 'publicBaseUrl'>;
  rota: Pick<RotaService, 'schedule' | 'listPeople'>;
}

const NO_PERSON = 'There is no such person on the staff list.';

/** The rota's calendar feeds: issuing and revoking them (audited), listing them, and serving them. */
export class RotaFeeds {
  constructor(private readonly deps: RotaFeedsDeps) {}

  /**
   * The feed text behind `file` (`{token}.ics`), or null for an unknown, tampered, revoked or
   * replaced token, a person no longer on the staff list, or a manager disabled or no longer a
   * manager: all alike. Notes the read (at most every quarter of an hour) for the desk.
   */
  async calendar(file: string): Promise<string | null> {
    const token = feedToken(file);
    if (!token) return null;
    const feed = await repo.feedByHash(this.deps.db, hashBearerToken(token));
    if (!feed || feed.revoked_at) return null;
    if (feed.person_id !== null ? !feed.person_active : !(feed.user_active && feed.user_role === 'manager'))
      return null;
    const now = this.deps.clock();
    const { office, onCall, publicBaseUrl } = this.deps.config;
    // Whole office days, so a refresh during the day gives the same first event (and UID).
    const from = DateTime.fromJSDate(now).setZone(office.timezone).minus({ days: FEED_DAYS_BACK }).startOf('day');
    const ahead = Math.max(FEED_DAYS_AHEAD, onCall.lookAheadDays);
    const to = DateTime.fromJSDate(now)
      .setZone(office.timezone)
      .plus({ days: ahead + 1 })
      .startOf('day');
    const segments = await this.deps.rota.schedule(from.toJSDate(), to.toJSDate());
    if (!feed.last_fetched_at || now.getTime() - feed.last_fetched_at.getTime() >= FETCH_RECORD_GAP_MS)
      await repo.markFetched(this.deps.db, feed.id, now);
    return rotaCalendar({
      office,
      publicBaseUrl,
      now,
      stretches: stretchesOf(segments),
      person: feed.person_id !== null ? { id: feed.person_id, name: feed.person_name ?? '' } : null,
    });
  }

  /** Everyone on the staff list with their working feed, and `userId`'s own whole-rota feed. */
  async overview(userId: string): Promise<FeedOverview> {
    const [people, feeds] = await Promise.all([this.deps.rota.listPeople(), repo.liveFeeds(this.deps.db)]);
    const state = (f: RotaFeed | undefined): FeedState | null =>
      f ? { createdAt: f.created_at, lastFetchedAt: f.last_fetched_at } : null;
    return {
      people: people.map((person) => ({ person, feed: state(feeds.find((f) => f.person_id === person.id)) })),
      mine: state(feeds.find((f) => f.user_id === userId)),
    };
  }

  /**
   * A new feed of the person's own shifts; the one they had stops working. Audited
   * (`rota.feed_created`). AppError('not_found') when they are not on the active staff list.
   */
  async issueForPerson(personId: string, actor: Actor): Promise<IssuedFeed> {
    const now = this.deps.clock();
    const token = newBearerToken();
    return this.deps.db.transaction().execute(async (tx) => {
      const person = await repo.lockPerson(tx, personId);
      if (!person?.active) throw new AppError('not_found', NO_PERSON);
      const replaced = (await repo.revokeFeedOf(tx, { personId }, now)) > 0;
      await repo.insertFeed(tx, {
        token_hash: hashBearerToken(token),
        person_id: personId,
        user_id: null,
        created_at: now,
      });
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.feed_created',
        detail: { feed: 'person', personId, name: person.name, replaced },
      });
      return { url: feedUrl(this.deps.config.publicBaseUrl, token), personName: person.name, replaced };
    });
  }

  /**
   * Stops the person's feed (its address answers 404 from now on). Returns false when they had
   * none (nothing is audited then); audited as `rota.feed_revoked` otherwise.
   * AppError('not_found') when there is no such person.
   */
  async revokeForPerson(personId: string, actor: Actor): Promise<boolean> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const person = await repo.lockPerson(tx, personId);
      if (!person) throw new AppError('not_found', NO_PERSON);
      if ((await repo.revokeFeedOf(tx, { personId }, now)) === 0) return false;
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.feed_revoked',
        detail: { feed: 'person', personId, name: person.name },
      });
      return true;
    });
  }

  /**
   * A new whole-rota feed for the manager `actor`; their earlier one stops working. Audited.
   * AppError('forbidden') unless the actor is an active manager.
   */
  async issueWholeRota(actor: Actor): Promise<IssuedFeed> {
    const now = this.deps.clock();
    const token = newBearerToken();
    return this.deps.db.transaction().execute(async (tx) => {
      const userId = await this.lockManager(tx, actor);
      const replaced = (await repo.revokeFeedOf(tx, { userId }, now)) > 0;
      await repo.insertFeed(tx, {
        token_hash: hashBearerToken(token),
        person_id: null,
        user_id: userId,
        created_at: now,
      });
      await audit(tx, { at: now, actor, action: 'rota.feed_created', detail: { feed: 'whole rota', replaced } });
      return { url: feedUrl(this.deps.config.publicBaseUrl, token), personName: null, replaced };
    });
  }

  /** Stops the manager's own whole-rota feed; false when they had none. Audited when one stopped. */
  async revokeWholeRota(actor: Actor): Promise<boolean> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const userId = await this.lockManager(tx, actor);
      if ((await repo.revokeFeedOf(tx, { userId }, now)) === 0) return false;
      await audit(tx, { at: now, actor, action: 'rota.feed_revoked', detail: { feed: 'whole rota' } });
      return true;
    });
  }

  /** The actor's user id, their row locked; AppError('forbidden') unless an active manager. */
  private async lockManager(tx: Tx, actor: Actor): Promise<string> {
    const user = actor.userId === null ? undefined : await repo.lockUser(tx, actor.userId);
    if (!user?.active || user.role !== 'manager')
      throw new AppError('forbidden', 'Only managers can have a feed of the whole rota.');
    return user.id;
  }
}
