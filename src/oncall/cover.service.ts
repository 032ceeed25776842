/**
 * Swaps and cover without a manager (issue 27, item 4). An officer asks for cover of all or part
 * of a period they hold on the rota; every colleague who can be on call (active, not holding the
 * other role then, whose number did not fail its last page or test) gets a text (and an email
 * where their desk account has that mobile) with a single-purpose accept link
 * `/cover/{token}`. The token is 128 random bits, kept only as its SHA-256, one per recipient,
 * and opens nothing once the covered period starts. The first to accept becomes an override on
 * the rota (an override beats a shift), audited with both names, and the requester is texted.
 * Nobody accepting `onCall.cover.escalateBeforeMinutes` before the start tells the managers once;
 * the requester stays on the rota until someone changes it.
 */
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { normaliseText } from '../enquiries/enquiry.input.js';
import { formatShortTime } from '../hours/format.js';
import { MINUTE } from '../hours/wall-clock.js';
import { hashBearerToken, looksLikeBearerToken, newBearerToken } from '../http/bearer-token.js';
import { AppError, validationError } from '../http/errors.js';
import { queueSms } from '../outbox/outbox.service.js';
import { staffReach } from '../sms/opt-out.repository.js';
import { EmailOut } from '../email/email-out.service.js';
import * as repo from './cover.repository.js';
import { stretchesOf, type OnCallStretch } from './feed.service.js';
import { findActiveUserByMobile, reachOf } from './rota-guard.repository.js';
import { type GuardMail, tellManagers } from './rota-guard.service.js';
import type { RotaService } from './rota.service.js';
import type { Person, RotaRole } from './rota.tables.js';

/** Where an accept link's path starts; the token follows. */
export const COVER_PREFIX = '/cover/';

/** The longest note a requester may add. */
export const COVER_NOTE_MAX = 300;

/** The fields of the request form, as the service names them in its problems. */
export type CoverField = 'from' | 'to' | 'note' | 'role';

export interface CoverDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'onCall' | 'desk' | 'publicBaseUrl'>;
  rota: Pick<RotaService, 'schedule' | 'addShift' | 'rotaChanged'>;
  email?: GuardMail;
}

/** What the desk's cover page shows one person: their coming periods on call and their requests. */
export interface CoverOverview {
  person: Person;
  stretches: OnCallStretch[];
  requests: repo.CoverRequestView[];
}

/** What an accept link shows: the request (never anything about an enquiry) and where it stands. */
export interface OfferView {
  requester: string;
  recipient: string;
  role: RotaRole;
  from: Date;
  to: Date;
  note: string | null;
  state: { kind: 'open' } | { kind: 'covered'; by: string; byYou: boolean } | { kind: 'cancelled' };
}

/** The result of an accept: this link's view afterwards (covered by the accepter, or by someone earlier). */
export type AcceptResult = OfferView | null;

/** Cover requests: asking, cancelling, the accept links, and the managers told when nobody takes one. */
export class CoverService {
  constructor(private readonly deps: CoverDeps) {}

  private get office() {
    return this.deps.config.office;
  }

  private url(path: string): string {
    return `${this.deps.config.publicBaseUrl.replace(/\/+$/, '')}${path}`;
  }

  private when(d: Date, now: Date): string {
    return formatShortTime(d, this.office, now);
  }

  /** The rota person a desk user is (their mobile is the person's phone), or null. */
  async personOfMobile(mobile: string | null): Promise<Person | null> {
    if (!mobile) return null;
    return (await repo.activePersonByPhone(this.deps.db, mobile)) ?? null;
  }

  /** The person's periods on call (primary or backup) not yet over in the next `onCall.lookAheadDays`, and their requests. */
  async overview(person: Person): Promise<CoverOverview> {
    const now = this.deps.clock();
    const to = new Date(now.getTime() + this.deps.config.onCall.lookAheadDays * 24 * 60 * MINUTE);
    const [segments, requests] = await Promise.all([
      this.deps.rota.schedule(now, to),
      repo.requestsOf(this.deps.db, person.id, now),
    ]);
    return { person, stretches: stretchesOf(segments).filter((s) => s.personId === person.id), requests };
  }

  /**
   * Asks colleagues to cover `personId`'s `role` over [from, to): the person must hold that role
   * throughout (as the rota stands), the period must not have started, and must not overlap an
   * open request of theirs. AppError('validation') naming `from`, `to`, `note` or `role`
   * otherwise. Texts (and emails) each colleague who can be on call their own accept link, in
   * the same transaction; audited as `rota.cover_requested`. Returns the request's id and how
   * many colleagues were asked.
   */
  async request(
    input: { personId: string; role: RotaRole; from: Date; to: Date; note: string },
    actor: Actor,
  ): Promise<{ id: string; asked: number }> {
    const now = this.deps.clock();
    const fields: Partial<Record<CoverField, string>> = {};
    const valid = (d: Date) => d instanceof Date && !Number.isNaN(d.getTime());
    if (input.role !== 'primary' && input.role !== 'backup') fields.role = 'Choose a shift of yours';
    if (!valid(input.from)) fields.from = 'Enter when the cover starts';
    else if (input.from < now) fields.from = 'The cover cannot start in the past';
    if (!valid(input.to)) fields.to = 'Enter when the cover ends';
    else if (valid(input.from) && input.to <= input.from) fields.to = 'The cover must end after it starts';
    const note = normaliseText(input.note ?? '', true) || null;
    if (note && note.length > COVER_NOTE_MAX) fields.note = `The note must be ${COVER_NOTE_MAX} characters or fewer`;
    if (Object.keys(fields).length) throw validationError(fields, 'The request for cover could not be sent');

    return this.deps.db.transaction().execute(async (tx) => {
      const person = await repo.personForShare(tx, input.personId);
      if (!person?.active) throw new AppError('not_found', 'There is no such person on the rota.');
      const segments = await this.deps.rota.schedule(input.from, input.to, tx);
      if (!segments.length || segments.some((s) => s[input.role]?.personId !== person.id))
        throw validationError(
          { from: `${person.name} is not ${input.role === 'primary' ? 'on call' : 'the backup'} for all of that time` },
          'The request for cover could not be sent',
        );
      if (await repo.openOverlapping(tx, { personId: person.id, role: input.role, from: input.from, to: input.to }))
        throw validationError(
          { from: 'You have already asked for cover of part of that time: cancel that request first' },
          'The request for cover could not be sent',
        );
      const request = await repo.insertRequest(tx, {
        person_id: person.id,
        role: input.role,
        starts_at: input.from,
        ends_at: input.to,
        note,
        created_at: now,
        created_by: actor.email.slice(0, 200),
      });
      // The other role's holder over the period is not asked: one person as both primary and backup is no backup.
      const other = new Set(
        segments.map((s) => (input.role === 'primary' ? s.backup : s.primary)?.personId).filter(Boolean),
      );
      const colleagues = (await repo.colleaguesOf(tx, person.id)).filter((p) => !other.has(p.id));
      // A number whose last page or test failed would not get the link, nor a page.
      const reach = await reachOf(
        tx,
        colleagues.map((p) => p.phone),
      );
      let asked = 0;
      for (const c of colleagues) {
        if (reach.get(c.phone)?.last.ok === false) continue;
        if (await this.offer(tx, request, person, c, now)) asked++;
      }
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.cover_requested',
        detail: {
          requestId: request.id,
          person: person.name,
          role: input.role,
          from: this.when(input.from, now),
          to: this.when(input.to, now),
          asked,
        },
      });
      return { id: request.id, asked };
    });
  }

  /** One colleague's link, texted (where their phone takes texts) and emailed (where they have a desk account); true when something was sent. */
  private async offer(
    tx: Tx,
    request: { id: string; role: RotaRole; starts_at: Date; ends_at: Date; note: string | null },
    requester: Person,
    to: Person,
    now: Date,
  ): Promise<boolean> {
    const token = newBearerToken();
    await repo.insertOffer(tx, {
      request_id: request.id,
      person_id: to.id,
      token_hash: hashBearerToken(token),
      created_at: now,
      expires_at: request.starts_at,
    });
    const what = request.role === 'primary' ? 'on-call shift' : 'backup shift';
    const words = `${this.office.name}: ${requester.name} asks for cover of their ${what} from ${this.when(request.starts_at, now)} to ${this.when(request.ends_at, now)}. To take it: ${this.url(`${COVER_PREFIX}${token}`)}`;
    let sent = false;
    const key = `cover-offer:${request.id}:${to.id}`;
    if ((await staffReach(tx, to.phone)).by === 'text') {
      await queueSms(tx, { key, enquiryId: null, to: to.phone, body: words, lane: 'notice' }, now);
      sent = true;
    }
    const user = await findActiveUserByMobile(tx, to.phone);
    if (user && this.deps.email?.enabled) {
      const note = request.note ? `\n\nTheir note: ${request.note}` : '';
      await this.deps.email.notice(
        tx,
        {
          key: `${key}:email`,
          to: user.email,
          subject: `Can you cover ${requester.name}'s ${what}?`,
          text: words + note,
        },
        now,
      );
      sent = true;
    }
    return sent;
  }

  /**
   * Withdraws an open request. Only its requester (`personId`) or a manager (`manager`) may;
   * AppError('not_found') otherwise, or when it is no longer open. Audited as `rota.cover_cancelled`.
   */
  async cancel(requestId: string, by: { personId: string | null; manager: boolean }, actor: Actor): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await repo.requestForUpdate(tx, requestId);
      if (!r || (!by.manager && r.person_id !== by.personId))
        throw new AppError('not_found', 'There is no such request for cover.');
      if (!(await repo.markCancelled(tx, r.id, now)))
        throw new AppError(
          'conflict',
          r.accepted_at ? 'This request has already been accepted.' : 'This request is closed.',
        );
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.cover_cancelled',
        detail: {
          requestId: r.id,
          person: r.requester_name,
          from: this.when(r.starts_at, now),
          to: this.when(r.ends_at, now),
        },
      });
    });
  }

  /** What the link `token` shows, or null for an unknown, tampered or expired token (all alike). */
  async offerView(token: string): Promise<OfferView | null> {
    const found = await this.find(this.deps.db, token);
    return found ? viewOf(found) : null;
  }

  private async find(db: Db | Tx, token: string) {
    if (!looksLikeBearerToken(token)) return null;
    const found = await repo.offerByHash(db, hashBearerToken(token));
    if (!found || found.expires_at <= this.deps.clock() || !found.recipient_active) return null;
    return found;
  }

  /**
   * The link's holder takes the covered period: an override on the rota for them ("Cover for
   * <requester>"), audited as `rota.cover_accepted` with both names, the requester texted. The
   * request row is locked, so of two accepts at once one wins and the other sees it covered.
   * Null for a link that opens nothing; the view afterwards otherwise (already covered by
   * someone else, or cancelled, leaves the rota as it was).
   */
  async accept(token: string): Promise<AcceptResult> {
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      const found = await this.find(tx, token);
      if (!found) return null;
      const r = await repo.requestForUpdate(tx, found.id);
      if (!r) return null;
      const current = { ...found, ...r, offer_person_id: found.offer_person_id };
      if (r.accepted_at || r.cancelled_at) return viewOf(current);
      const entry = await this.deps.rota.addShift(
        {
          personId: found.offer_person_id,
          role: r.role,
          startsAt: r.starts_at,
          endsAt: r.ends_at,
          override: true,
          note: `Cover for ${r.requester_name}`,
          createdBy: `cover link: ${found.recipient_name}`.slice(0, 200),
        },
        tx,
      );
      if (!(await repo.markAccepted(tx, r.id, found.offer_person_id, entry.id, now)))
        throw new AppError('conflict', 'This request was taken by someone else at the same moment.');
      await this.deps.rota.rotaChanged(tx);
      const period = `from ${this.when(r.starts_at, now)} to ${this.when(r.ends_at, now)}`;
      await audit(tx, {
        at: now,
        actor: { userId: null, email: found.recipient_name },
        action: 'rota.cover_accepted',
        detail: {
          requestId: r.id,
          entryId: entry.id,
          requester: r.requester_name,
          coveredBy: found.recipient_name,
          role: r.role,
          from: this.when(r.starts_at, now),
          to: this.when(r.ends_at, now),
        },
      });
      const requester = await repo.personForShare(tx, r.person_id);
      const what = r.role === 'primary' ? 'on-call shift' : 'backup shift';
      const words = `${this.office.name}: ${found.recipient_name} has taken your ${what} ${period}. The rota now shows them.`;
      if (requester && (await staffReach(tx, requester.phone)).by === 'text')
        await queueSms(
          tx,
          { key: `cover-accepted:${r.id}`, enquiryId: null, to: requester.phone, body: words, lane: 'notice' },
          now,
        );
      const user = requester && (await findActiveUserByMobile(tx, requester.phone));
      if (user && this.deps.email?.enabled)
        await this.deps.email.notice(
          tx,
          {
            key: `cover-accepted:${r.id}:email`,
            to: user.email,
            subject: `${found.recipient_name} has taken your ${what}`,
            text: words,
          },
          now,
        );
      return viewOf({
        ...current,
        accepted_at: now,
        accepted_by: found.offer_person_id,
        accepter_name: found.recipient_name,
      });
    });
  }

  /**
   * The every-minute check: each open request whose period starts within
   * `onCall.cover.escalateBeforeMinutes` (and has not ended) tells the managers once, by text to
   * `desk.escalationNumbers` and email to the managers. How many were escalated.
   */
  async escalateDue(): Promise<number> {
    const now = this.deps.clock();
    const before = this.deps.config.onCall.cover.escalateBeforeMinutes;
    return this.deps.db.transaction().execute(async (tx) => {
      const due = await repo.claimDueEscalations(tx, now, new Date(now.getTime() + before * MINUTE));
      for (const r of due) {
        const what = r.role === 'primary' ? 'on-call shift' : 'backup shift';
        const text = `${this.office.name}: nobody has taken ${r.requester_name}'s ${what} from ${this.when(r.starts_at, now)} to ${this.when(r.ends_at, now)}, which they asked colleagues to cover. They stay on the rota unless you change it: ${this.url('/desk/rota')}`;
        const subject = `Nobody has taken ${r.requester_name}'s ${what}`;
        await tellManagers(tx, this.deps, { key: `cover-unaccepted:${r.id}`, subject, text }, now);
      }
      return due.length;
    });
  }
}

/** The link's view of a request as it stands. */
function viewOf(r: repo.CoverRequestView & { offer_person_id: string; recipient_name: string }): OfferView {
  return {
    requester: r.requester_name,
    recipient: r.recipient_name,
    role: r.role,
    from: r.starts_at,
    to: r.ends_at,
    note: r.note,
    state: r.accepted_at
      ? { kind: 'covered', by: r.accepter_name ?? 'a colleague', byYou: r.accepted_by === r.offer_person_id }
      : r.cancelled_at
        ? { kind: 'cancelled' }
        : { kind: 'open' },
  };
}

const shared = new WeakMap<object, CoverService>();

/** The one CoverService of a set of services (the desk page, the link and the watch share it), built on first use. */
export function coverFor(services: Omit<CoverDeps, 'email'> & { config: Pick<Config, 'email'> }): CoverService {
  let c = shared.get(services);
  if (!c) {
    c = new CoverService({ ...services, email: new EmailOut({ config: services.config }) });
    shared.set(services, c);
  }
  return c;
}
