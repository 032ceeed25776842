// The on-call chain guarded (issue 27, items 1 and 2): handoff reminders with OK to confirm, the
// managers told of a shift nobody confirmed, a text when a shift ends, and the coverage-gap check.
// Everything it sends goes through the outbox with a key per entry or gap and recipient, and each
// entry or gap is claimed in the same transaction as its texts: a retried or concurrent run sends
// nothing twice.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import type { LiveNotice } from '../feature.js';
import { formatShortTime } from '../hours/format.js';
import { openingPeriods } from '../hours/office-hours.js';
import { MINUTE } from '../hours/wall-clock.js';
import { queueCall, queueSms } from '../outbox/outbox.service.js';
import { staffReach } from '../sms/opt-out.repository.js';
import { voiceSay } from '../telephony/twiml.js';
import { listActiveUsers } from '../web/users.repository.js';
import type { GapReason } from './rota-guard.tables.js';
import * as repo from './rota-guard.repository.js';
import type { RotaService } from './rota.service.js';
import type { RotaRole } from './rota.tables.js';
import { mintShiftLink, SHIFT_LINK_PREFIX } from './shift-link.service.js';

/** How late a "your shift has ended" text may still go (the watch runs every minute; after an outage it is news no more). */
const END_TEXT_WINDOW_MS = 10 * MINUTE;

/** What the guard sends email with (src/email/email-out.service.ts's EmailOut). */
export interface GuardMail {
  enabled: boolean;
  notice(tx: Tx, n: { key: string; to: string; subject: string; text: string }, now: Date): Promise<void>;
}

export interface RotaGuardDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'onCall' | 'desk' | 'publicBaseUrl'>;
  rota: RotaService;
  email?: GuardMail;
}

/** A gap in the rota as the desk shows it. */
export interface GapView {
  id: string;
  startsAt: Date;
  endsAt: Date;
  reason: GapReason;
  personId: string | null;
}

/** What the watch did in one run (for its log line and tests). */
export interface WatchResult {
  reminded: number;
  alerted: number;
  ended: number;
}

/**
 * Handoff reminders and coverage gaps. `watch()` runs every minute from the crontab;
 * `checkGaps()` runs when the rota changes (the `rota_gap_check` job) and every morning.
 */
export class RotaGuard {
  constructor(private readonly deps: RotaGuardDeps) {}

  private get office() {
    return this.deps.config.office;
  }

  private rotaLink(): string {
    return `${this.deps.config.publicBaseUrl.replace(/\/+$/, '')}/desk/rota`;
  }

  /** Who holds `role` at `at`, by name, or null for nobody (the out-of-hours line counts as nobody). */
  private async holderAt(tx: Tx, role: RotaRole, at: Date): Promise<{ personId: string | null; name: string } | null> {
    const c = role === 'primary' ? await this.deps.rota.onCallAt(at, tx) : await this.deps.rota.nextContactAt(at, tx);
    if (!c || c.personId === null) return null;
    return { personId: c.personId, name: c.name };
  }

  /**
   * One run of the handoff watch at the clock's now: reminders for shifts starting within
   * `onCall.reminders.beforeStartMinutes`, the managers alerted for reminded shifts still
   * unconfirmed `confirmWithinMinutes` after they started, and a text to each person whose
   * reminded shift has just ended saying who has it now. Idempotent: each entry is claimed once.
   */
  async watch(): Promise<WatchResult> {
    const now = this.deps.clock();
    const { beforeStartMinutes, confirmWithinMinutes } = this.deps.config.onCall.reminders;
    return this.deps.db.transaction().execute(async (tx) => {
      const due = await repo.claimDueReminders(tx, now, new Date(now.getTime() + beforeStartMinutes * MINUTE));
      let reminded = 0;
      for (const e of due) if (await this.remind(tx, e, now)) reminded++;
      const late = await repo.claimUnconfirmed(tx, now, new Date(now.getTime() - confirmWithinMinutes * MINUTE));
      for (const e of late) await this.alertUnconfirmed(tx, e, now);
      const ended = await repo.claimEnded(tx, new Date(now.getTime() - END_TEXT_WINDOW_MS), now);
      let endTexts = 0;
      for (const e of ended) if (await this.endText(tx, e, now)) endTexts++;
      return { reminded, alerted: late.length, ended: endTexts };
    });
  }

  /** The reminder words: when, the role, who is on before and after, and how to confirm. */
  reminderText(
    e: Pick<repo.WatchedEntry, 'role' | 'startsAt' | 'endsAt'>,
    before: string | null,
    after: string | null,
    now: Date,
    by: 'text' | 'call',
    link?: string,
  ): string {
    const when = (d: Date) => formatShortTime(d, this.office, now);
    const what = e.role === 'primary' ? 'on call' : 'the backup (next contact)';
    const confirm =
      by === 'text' ? ` Reply OK to confirm${link ? `, or confirm or ask for cover here: ${link}` : ''}.` : '';
    return `You're ${what} for ${this.office.name} from ${when(e.startsAt)} to ${when(e.endsAt)}. Before you: ${before ?? 'nobody'}. After you: ${after ?? 'nobody yet'}.${confirm}`;
  }

  private async remind(tx: Tx, e: repo.WatchedEntry, now: Date): Promise<boolean> {
    const before = await this.holderAt(tx, e.role, new Date(e.startsAt.getTime() - 1));
    // Carrying on from their own shift is no handoff: nothing to remind, and nothing to confirm.
    if (before?.personId === e.personId) {
      await repo.markConfirmed(tx, e.id, now);
      return false;
    }
    const after = await this.holderAt(tx, e.role, e.endsAt);
    const { by } = await staffReach(tx, e.phone);
    // A text carries a link to the shift (confirm, or ask for cover); a call cannot.
    const link =
      by === 'text'
        ? `${this.deps.config.publicBaseUrl.replace(/\/+$/, '')}${SHIFT_LINK_PREFIX}${await mintShiftLink(tx, e, now)}`
        : undefined;
    const words = this.reminderText(
      e,
      before?.name ?? null,
      after?.personId === e.personId ? null : (after?.name ?? null),
      now,
      by,
      link,
    );
    const key = `shift-reminder:${e.id}`;
    if (by === 'call') {
      await queueCall(tx, { key, enquiryId: null, to: e.phone, twiml: voiceSay(words) }, now);
      // A phone that cannot text cannot reply OK: the call is the handoff, so nothing waits for a confirmation.
      await repo.markConfirmed(tx, e.id, now);
    } else {
      await queueSms(tx, { key, enquiryId: null, to: e.phone, body: words, lane: 'notice' }, now);
    }
    const user = await repo.findActiveUserByMobile(tx, e.phone);
    if (user && this.deps.email?.enabled) {
      await this.deps.email.notice(
        tx,
        {
          key: `${key}:email`,
          to: user.email,
          subject: `On call from ${formatShortTime(e.startsAt, this.office, now)}`,
          text: words,
        },
        now,
      );
    }
    return true;
  }

  private async tellManagers(tx: Tx, key: string, subject: string, text: string, now: Date): Promise<void> {
    await tellManagers(tx, this.deps, { key, subject, text }, now);
  }

  private async alertUnconfirmed(tx: Tx, e: repo.WatchedEntry, now: Date): Promise<void> {
    const when = (d: Date) => formatShortTime(d, this.office, now);
    const what = e.role === 'primary' ? 'on-call shift' : 'backup shift';
    const text = `${this.office.name}: ${e.name} has not confirmed their ${what} (${when(e.startsAt)} to ${when(e.endsAt)}). Check they have the on-call phone: ${this.rotaLink()}`;
    await this.tellManagers(tx, `shift-unconfirmed:${e.id}`, `${e.name} has not confirmed their ${what}`, text, now);
  }

  private async endText(tx: Tx, e: repo.WatchedEntry, now: Date): Promise<boolean> {
    const after = await this.holderAt(tx, e.role, e.endsAt);
    if (after?.personId === e.personId) return false;
    const what = e.role === 'primary' ? 'on-call shift' : 'backup shift';
    const who = after
      ? `${after.name} has it now`
      : e.role === 'primary'
        ? 'pages now go to the out-of-hours line'
        : 'nobody is backup now';
    const { by } = await staffReach(tx, e.phone);
    // A call at the end of a night to say it is over would wake them for nothing.
    if (by === 'call') return false;
    await queueSms(
      tx,
      {
        key: `shift-ended:${e.id}`,
        enquiryId: null,
        to: e.phone,
        body: `${this.office.name}: your ${what} has ended; ${who}. Thank you.`,
        lane: 'notice',
      },
      now,
    );
    return true;
  }

  /**
   * An OK texted from `phone`: confirms that person's reminded, unconfirmed shifts that have not
   * ended, and returns the answer; null when there is nothing to confirm (the text is for
   * someone else to answer).
   */
  async confirmByText(tx: Tx, phone: string, now: Date): Promise<string | null> {
    const confirmed = await repo.confirmPending(tx, phone, now);
    if (!confirmed.length) return null;
    const when = (d: Date) => formatShortTime(d, this.office, now);
    const first = confirmed[0]!;
    const more = confirmed.length > 1 ? ` (and ${confirmed.length - 1} more)` : '';
    return `Press Desk: thank you, ${first.name}. Your shift from ${when(first.startsAt)} to ${when(first.endsAt)}${more} is confirmed.`;
  }

  /**
   * The gap check: the next `onCall.lookAheadDays` of out-of-hours time (office time: evenings,
   * weekends, bank holidays and closures) against the rota. A stretch with nobody on call, or
   * whose on-call person's number failed its last page or test, is a gap. Gaps found again keep
   * their row; new ones are texted (and emailed) to the managers once, together; gaps no longer
   * found are closed. Returns the open gaps.
   */
  async checkGaps(): Promise<GapView[]> {
    const now = this.deps.clock();
    const until = new Date(now.getTime() + this.deps.config.onCall.lookAheadDays * 86_400_000);
    return this.deps.db.transaction().execute(async (tx) => {
      const open = await repo.lockOpenGaps(tx);
      const found = await this.findGaps(tx, now, until);
      const kept = new Set<string>();
      const fresh: GapView[] = [];
      for (const g of found) {
        const same = open.find(
          (o) =>
            !kept.has(o.id) &&
            o.reason === g.reason &&
            o.person_id === g.personId &&
            o.starts_at < g.endsAt &&
            g.startsAt < o.ends_at,
        );
        if (same) {
          kept.add(same.id);
          await repo.updateGap(tx, same.id, g);
        } else {
          const id = await repo.insertGap(tx, g, now);
          kept.add(id);
          fresh.push({ id, ...g });
        }
      }
      await repo.resolveGaps(
        tx,
        open.filter((o) => !kept.has(o.id)).map((o) => o.id),
        now,
      );
      if (fresh.length) await this.tellOfGaps(tx, fresh, now);
      return (await repo.listOpenGaps(tx)).map((r) => ({
        id: r.id,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        reason: r.reason,
        personId: r.person_id,
      }));
    });
  }

  /** The gaps in [from, to) as the rota stands in `db`: out-of-hours stretches with nobody, or a failed number, on call. */
  async findGaps(db: Db | Tx, from: Date, to: Date): Promise<repo.FoundGap[]> {
    const segments = await this.deps.rota.schedule(from, to, db);
    const phones = [...new Set(segments.filter((s) => s.primary.personId !== null).map((s) => s.primary.phone))];
    const [reach, unverified] = await Promise.all([repo.reachOf(db, phones), repo.unverifiedPeople(db)]);
    const closed = closedStretches(openingPeriods(from, to, this.office), from, to);
    const gaps: repo.FoundGap[] = [];
    for (const s of segments) {
      const id = s.primary.personId;
      const failed = id !== null && reach.get(s.primary.phone)?.last.ok === false;
      const reason: GapReason | null =
        id === null ? 'nobody' : failed ? 'failed_number' : unverified.has(id) ? 'unverified_number' : null;
      if (!reason) continue;
      for (const c of closed) {
        const a = Math.max(s.from.getTime(), c.start);
        const b = Math.min(s.to.getTime(), c.end);
        if (a >= b) continue;
        const personId = reason === 'nobody' ? null : id;
        const last = gaps.at(-1);
        if (last && last.reason === reason && last.personId === personId && last.endsAt.getTime() === a)
          last.endsAt = new Date(b);
        else gaps.push({ startsAt: new Date(a), endsAt: new Date(b), reason, personId });
      }
    }
    return gaps;
  }

  /** How a gap reads: "Fri 11 Dec 17:00 to Mon 14 Dec 09:00: nobody on call". */
  describeGap(
    g: Pick<GapView, 'startsAt' | 'endsAt' | 'reason'>,
    now: Date,
    names?: ReadonlyMap<string, string>,
    personId?: string | null,
  ): string {
    const when = (d: Date) => formatShortTime(d, this.office, now);
    const who = (personId && names?.get(personId)) ?? 'the on-call person';
    const why = {
      nobody: 'nobody on call',
      failed_number: `${who}'s number failed its last page or test`,
      unverified_number: `${who}'s number is not verified`,
    }[g.reason];
    return `${when(g.startsAt)} to ${when(g.endsAt)}: ${why}`;
  }

  private async tellOfGaps(tx: Tx, fresh: GapView[], now: Date): Promise<void> {
    const names = await this.namesOf(tx, fresh);
    const first = fresh[0]!;
    const listed = fresh
      .slice(0, 3)
      .map((g) => this.describeGap(g, now, names, g.personId))
      .join('; ');
    const more = fresh.length > 3 ? `; and ${fresh.length - 3} more` : '';
    const count = fresh.length === 1 ? 'a new gap' : `${fresh.length} new gaps`;
    const text = `${this.office.name}: the on-call rota has ${count} in the next ${this.deps.config.onCall.lookAheadDays} days. ${listed}${more}. Fill it: ${this.rotaLink()}`;
    await this.tellManagers(tx, `rota-gap:${first.id}`, `The on-call rota has ${count}`, text, now);
  }

  private async namesOf(db: Db | Tx, gaps: readonly Pick<GapView, 'personId'>[]): Promise<Map<string, string>> {
    const ids = new Set(gaps.flatMap((g) => (g.personId ? [g.personId] : [])));
    if (!ids.size) return new Map();
    const people = await this.deps.rota.listPeople({ includeInactive: true }, db);
    return new Map(people.filter((p) => ids.has(p.id)).map((p) => [p.id, p.name]));
  }

  /** Open gaps that have not passed, by start, each with the words the desk shows. */
  async openGaps(): Promise<Array<GapView & { text: string }>> {
    const now = this.deps.clock();
    const rows = (await repo.listOpenGaps(this.deps.db)).filter((r) => r.ends_at > now);
    const names = await this.namesOf(
      this.deps.db,
      rows.map((r) => ({ personId: r.person_id })),
    );
    return rows.map((r) => {
      const g = {
        id: r.id,
        startsAt: r.starts_at < now ? now : r.starts_at,
        endsAt: r.ends_at,
        reason: r.reason,
        personId: r.person_id,
      };
      return { ...g, text: this.describeGap(g, now, names, r.person_id) };
    });
  }

  /** The rota's warnings on every desk page (managers only): open gaps, and running shifts nobody confirmed. */
  async notices(): Promise<LiveNotice[]> {
    const now = this.deps.clock();
    const out: LiveNotice[] = [];
    const gaps = await this.openGaps();
    if (gaps.length) {
      const head = gaps.length === 1 ? 'The on-call rota has a gap' : `The on-call rota has ${gaps.length} gaps`;
      out.push({
        title: `${head} in the next ${this.deps.config.onCall.lookAheadDays} days.`,
        text: `${gaps[0]!.text}${gaps.length > 1 ? ` (and ${gaps.length - 1} more)` : ''}. Out of hours, urgent enquiries then go to the out-of-hours line or to a number that did not answer.`,
        href: '/desk/rota',
        managersOnly: true,
      });
    }
    const unconfirmed = (await repo.listUnconfirmedRunning(this.deps.db, now)).filter(
      (e) => e.startsAt.getTime() <= now.getTime() - this.deps.config.onCall.reminders.confirmWithinMinutes * MINUTE,
    );
    for (const e of unconfirmed)
      out.push({
        title: `${e.name} has not confirmed their ${e.role === 'primary' ? 'on-call' : 'backup'} shift.`,
        text: `It started ${formatShortTime(e.startsAt, this.office, now)} and ends ${formatShortTime(e.endsAt, this.office, now)}. Check they have the on-call phone.`,
        href: '/desk/rota',
        managersOnly: true,
      });
    return out;
  }

  /** Confirmation of each reminded entry (by id): the date, or null when reminded and not yet confirmed. */
  async confirmations(entryIds: readonly string[]): Promise<Map<string, Date | null>> {
    return repo.confirmationsOf(this.deps.db, entryIds);
  }

  /** For each phone: when it last took a page or test, whether the last one reached it, and when one last did. */
  async reach(phones: readonly string[]) {
    return repo.reachOf(this.deps.db, phones);
  }
}

/**
 * Tells the managers about the rota (in `tx`, once per `key` and recipient): a text to each of
 * `desk.escalationNumbers` and, when email is connected, an email to each active manager.
 */
export async function tellManagers(
  tx: Tx,
  deps: { config: Pick<Config, 'desk'>; email?: GuardMail },
  n: { key: string; subject: string; text: string },
  now: Date,
): Promise<void> {
  for (const to of deps.config.desk.escalationNumbers)
    await queueSms(tx, { key: `${n.key}:${to}`, enquiryId: null, to, body: n.text, lane: 'notice' }, now);
  if (!deps.email?.enabled) return;
  for (const m of (await listActiveUsers(tx)).filter((u) => u.role === 'manager'))
    await deps.email.notice(tx, { key: `${n.key}:${m.id}`, to: m.email, subject: n.subject, text: n.text }, now);
}

/** The complement of the opening periods within [from, to), as millisecond stretches. */
function closedStretches(open: ReadonlyArray<{ start: Date; end: Date }>, from: Date, to: Date) {
  const out: Array<{ start: number; end: number }> = [];
  let at = from.getTime();
  for (const p of open) {
    if (p.start.getTime() > at) out.push({ start: at, end: p.start.getTime() });
    at = Math.max(at, p.end.getTime());
  }
  if (at < to.getTime()) out.push({ start: at, end: to.getTime() });
  return out;
}
