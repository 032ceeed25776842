// Repeating rotas (issue 27, item 5). A rotation's turns are generated ahead as ordinary rota
// shifts (rota_entry, is_override false, rotation_id set), so everything that reads the rota
// (paging, the rota page, reminders, the gap check, the feeds) needs to know nothing of rotations;
// the one rule they share, `pick` in rota.service.ts, lets any hand-made entry beat a generated one.
import { DateTime } from 'luxon';
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/database.js';
import { DAYS, MONTHS } from '../hours/format.js';
import { AppError } from '../http/errors.js';
import { queueGapCheck } from './rota-guard.queue.js';
import { readTurns, rotationForm, type RotationErrors, type RotationValues } from './rotation.forms.js';
import * as repo from './rotation.repository.js';
import { firstHandoverDate, memberFor, substituteFor, turnsBetween, type RotationPlan } from './rotation.schedule.js';
import type { Rotation } from './rotation.tables.js';

/** A rotation with its people in turn order. */
export interface RotationWithMembers extends Rotation {
  members: repo.RotationMemberRow[];
}

/** One rotation as its page shows it: with its people and the shifts it has generated from now on. */
export interface RotationDetail extends RotationWithMembers {
  shifts: repo.GeneratedShift[];
}

/** What one generation run did. */
export interface GenerationResult {
  /** Rotations looked at (those with work to do). */
  rotations: number;
  /** Shifts added to the rota. */
  added: number;
  /** Shifts not yet started handed on from someone who left the staff list. */
  reassigned: number;
}

export interface RotationServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'onCall'>;
}

/** How many of a rotation's coming shifts its page lists. */
const MAX_SHIFTS_SHOWN = 20;

/**
 * How a rotation's handovers read: "Fridays at 17:00, every week, the first on Friday 9 October
 * 2026"; with turns that are not whole weeks the day changes, so "At 09:00 every 3 days, the first
 * on …".
 */
export function describeHandover(
  r: Pick<Rotation, 'handover_weekday' | 'handover_time' | 'length_days' | 'start_date'>,
  zone: string,
): string {
  const first = DateTime.fromISO(firstHandoverDate(planOf(r, zone)), { zone: 'utc' });
  const firstText = `${DAYS[first.weekday - 1]} ${first.day} ${MONTHS[first.month - 1]} ${first.year}`;
  const weeks = r.length_days / 7;
  if (!Number.isInteger(weeks)) {
    const every = r.length_days === 1 ? 'every day' : `every ${r.length_days} days`;
    return `At ${r.handover_time} ${every}, the first on ${firstText}`;
  }
  const every = weeks === 1 ? 'every week' : `every ${weeks} weeks`;
  return `${DAYS[r.handover_weekday - 1]}s at ${r.handover_time}, ${every}, the first on ${firstText}`;
}

/** The arithmetic's view of a rotation. */
function planOf(
  r: Pick<Rotation, 'handover_weekday' | 'handover_time' | 'length_days' | 'start_date'>,
  zone: string,
): RotationPlan {
  return {
    weekday: r.handover_weekday,
    time: r.handover_time,
    lengthDays: r.length_days,
    startDate: r.start_date,
    zone,
  };
}

function later(a: Date, b: Date): Date {
  return a > b ? a : b;
}

/**
 * Repeating rotations: the managers' definitions (audited) and the generation that keeps each
 * one's shifts on the rota `onCall.lookAheadDays` ahead (plus a day, so the gap check, which looks
 * exactly that far, never sees the far edge of a rotation as a gap between two runs).
 *
 * Generation is idempotent and safe on several workers: each rotation is locked while its shifts
 * are generated, carries on from where the last run stopped (`generated_until`), and the table's
 * unique (rotation_id, starts_at) makes a repeated insert a no-op. It only ever appends: a
 * generated shift a manager edited or deleted on the rota page stays as the manager left it.
 */
export class RotationService {
  constructor(private readonly deps: RotationServiceDeps) {}

  /** Rotations (not deleted) by name, each with its people in turn order. */
  async list(db: Db | Tx = this.deps.db): Promise<RotationWithMembers[]> {
    const rotations = await repo.listRotations(db);
    const members = await repo.membersOfMany(
      db,
      rotations.map((r) => r.id),
    );
    return rotations.map((r) => ({ ...r, members: members.get(r.id) ?? [] }));
  }

  /** One rotation with its people and the shifts it has generated that have not ended; AppError('not_found') when there is none. */
  async get(id: string): Promise<RotationDetail> {
    const r = await repo.findRotation(this.deps.db, id);
    if (!r) throw new AppError('not_found', 'There is no such rotation.');
    const [members, shifts] = await Promise.all([
      repo.membersOf(this.deps.db, id),
      repo.generatedShiftsOf(this.deps.db, id, this.deps.clock(), MAX_SHIFTS_SHOWN),
    ]);
    return { ...r, members, shifts };
  }

  /**
   * Adds (`id` null) or changes a rotation from the manager's form, audited as
   * 'rota.rotation_saved', and generates its shifts in the same transaction, so the rota shows
   * them at once. A change to anything but the name replaces the rotation's generated shifts that
   * have not started (including any edited by hand on the rota page); the shift under way and past
   * ones stay, and the new turns carry on from the end of the one under way. Refusals, every one at
   * once: AppError('validation') with fields of ROTATION_FIELDS; AppError('not_found') for no such
   * rotation. Returns the rotation's id.
   */
  async save(id: string | null, input: RotationValues, actor: Actor): Promise<string> {
    const parsed = rotationForm.validate(input);
    const turns = readTurns(input);
    const fields: RotationErrors = parsed.ok ? {} : { ...parsed.errors };
    if ('error' in turns) fields.members = turns.error;
    const now = this.deps.clock();
    const zone = this.deps.config.office.timezone;
    return this.deps.db.transaction().execute(async (tx) => {
      const before = id ? await repo.lockRotation(tx, id) : undefined;
      if (id && !before) throw new AppError('not_found', 'There is no such rotation.');
      const membersBefore = id ? await repo.membersOf(tx, id) : [];
      if (parsed.ok && !fields.name && (await repo.nameTaken(tx, parsed.values.name, id)))
        fields.name = `There is already a rotation called ${parsed.values.name}: choose another name`;
      const personIds = 'personIds' in turns ? turns.personIds : [];
      const people = await this.lockPeople(tx, personIds);
      const missing = personIds.filter((p) => !people.get(p)?.active);
      if (missing.length && !fields.members) {
        const gone = missing.map((p) => people.get(p)?.name).filter(Boolean);
        fields.members = gone.length
          ? `${gone.join(' and ')} ${gone.length === 1 ? 'is' : 'are'} no longer on the staff list: leave them out`
          : 'Choose people from the staff list';
      }
      // Only a verified number goes on the rota (issue 27): a rotation puts people on many shifts.
      const unproved = personIds.filter((p) => people.get(p)?.active && !people.get(p)?.verified);
      if (unproved.length && !fields.members) {
        const names = unproved.map((p) => people.get(p)!.name);
        fields.members = `${names.join(' and ')}'s number${names.length === 1 ? ' is' : 's are'} not verified yet: verify on the rota page, or leave them out`;
      }
      if (Object.keys(fields).length || !parsed.ok)
        throw new AppError('validation', `The rotation could not be ${id ? 'saved' : 'added'}`, { fields });

      const v = parsed.values;
      const row = {
        name: v.name,
        role: v.role,
        weekday: v.weekday,
        time: v.time,
        days: v.days,
        startDate: v.startDate,
      };
      let rotationId: string;
      let planChanged = true;
      if (before) {
        rotationId = before.id;
        planChanged =
          before.role !== v.role ||
          before.handover_weekday !== v.weekday ||
          before.handover_time !== v.time ||
          before.length_days !== v.days ||
          before.start_date !== v.startDate ||
          membersBefore.map((m) => m.personId).join(',') !== personIds.join(',');
        await repo.updateRotation(tx, rotationId, { ...row, at: now });
      } else {
        rotationId = await repo.insertRotation(tx, { ...row, at: now, createdBy: actor.email.slice(0, 200) });
      }
      let replaced = 0;
      if (planChanged) {
        await repo.replaceMembers(tx, rotationId, personIds);
        replaced = await repo.deleteFutureGenerated(tx, rotationId, now);
        // The turn under way is history in the making: it is kept, and the new plan takes over when it ends.
        await repo.setGeneratedUntil(tx, rotationId, await repo.endOfCurrentGenerated(tx, rotationId, now));
      }
      const locked = await repo.lockRotation(tx, rotationId);
      const done = locked ? await this.extend(tx, locked, now) : { added: 0, reassigned: 0 };
      // Shifts taken off the rota may leave gaps even when none were added (the job is keyed: one check).
      if (replaced) await queueGapCheck(tx, now);
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.rotation_saved',
        detail: {
          rotationId,
          created: !before,
          name: v.name,
          role: v.role,
          handover: describeHandover(
            { handover_weekday: v.weekday, handover_time: v.time, length_days: v.days, start_date: v.startDate },
            zone,
          ),
          people: personIds.map((p) => people.get(p)?.name),
          ...(before && before.name !== v.name ? { renamedFrom: before.name } : {}),
          shiftsReplaced: replaced,
          shiftsAdded: done.added,
        },
      });
      return rotationId;
    });
  }

  /**
   * Deletes a rotation (audited as 'rota.rotation_deleted'): its generated shifts that have not
   * started go; the shift under way and past ones stay on the rota, still naming it. AppError('not_found')
   * for no such rotation.
   */
  async delete(id: string, actor: Actor): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      const r = await repo.lockRotation(tx, id);
      if (!r) throw new AppError('not_found', 'There is no such rotation.');
      await repo.markRotationDeleted(tx, id, now);
      const removed = await repo.deleteFutureGenerated(tx, id, now);
      if (removed) await queueGapCheck(tx, now);
      await audit(tx, {
        at: now,
        actor,
        action: 'rota.rotation_deleted',
        detail: { rotationId: id, name: r.name, role: r.role, shiftsRemoved: removed },
      });
    });
  }

  /**
   * The scheduled run: every rotation with work to do (generated short of the horizon, or holding
   * a shift not yet started for someone who has left the staff list) gets it done, each in its own
   * transaction. One rotation failing does not stop the others; the run then throws, naming how
   * many failed, so the failure is seen (and the next run tries again).
   */
  async generateDue(): Promise<GenerationResult> {
    const now = this.deps.clock();
    const ids = await repo.rotationsDue(this.deps.db, now, this.horizon(now));
    const result: GenerationResult = { rotations: ids.length, added: 0, reassigned: 0 };
    const failures: unknown[] = [];
    for (const id of ids) {
      try {
        const done = await this.deps.db.transaction().execute(async (tx) => {
          const r = await repo.lockRotation(tx, id);
          return r ? this.extend(tx, r, now) : { added: 0, reassigned: 0 };
        });
        result.added += done.added;
        result.reassigned += done.reassigned;
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length)
      throw new AggregateError(
        failures,
        `rotation generation failed for ${failures.length} of ${ids.length} rotations`,
      );
    return result;
  }

  /** How far ahead generation reaches from `now`: `onCall.lookAheadDays` and a day, in office days. */
  horizon(now: Date): Date {
    return DateTime.fromJSDate(now)
      .setZone(this.deps.config.office.timezone)
      .plus({ days: this.deps.config.onCall.lookAheadDays + 1 })
      .toJSDate();
  }

  /**
   * Brings one locked rotation up to date at `now`: its shifts not yet started that belong to
   * someone who has left the staff list go to the next active person in the order, and its turns
   * are generated from where it stopped (never before `now`: the past is not rewritten) to the
   * horizon. A turn whose person has left goes to the next active person; with nobody active,
   * generation stops there (and the gap check reports the gap).
   */
  private async extend(tx: Tx, r: Rotation, now: Date): Promise<{ added: number; reassigned: number }> {
    const members = await repo.membersOf(tx, r.id);
    let reassigned = 0;
    for (const e of await repo.futureGeneratedOfInactive(tx, r.id, now)) {
      const sub = substituteFor(members, e.personId);
      if (!sub) continue;
      await repo.reassignGenerated(tx, e.id, sub.personId);
      reassigned++;
    }
    const from = r.generated_until ? later(r.generated_until, now) : now;
    const shifts: repo.NewGeneratedShift[] = [];
    let until: Date | null = null;
    for (const turn of turnsBetween(planOf(r, this.deps.config.office.timezone), from, this.horizon(now))) {
      const m = memberFor(members, turn.index);
      if (!m) break;
      // The turn under way when generation starts afresh begins now, not in the past.
      shifts.push({ personId: m.personId, role: r.role, startsAt: later(turn.startsAt, from), endsAt: turn.endsAt });
      until = turn.endsAt;
    }
    const added = await repo.insertGenerated(tx, r.id, shifts, now);
    if (until) await repo.setGeneratedUntil(tx, r.id, until);
    if (added || reassigned) await queueGapCheck(tx, now);
    return { added, reassigned };
  }

  /** The people with these ids, locked FOR SHARE (a concurrent deactivation waits for this change), by id. */
  private async lockPeople(
    tx: Tx,
    ids: string[],
  ): Promise<Map<string, { name: string; active: boolean; verified: boolean }>> {
    const out = new Map<string, { name: string; active: boolean; verified: boolean }>();
    for (const p of await repo.findPeopleForShare(tx, ids))
      out.set(p.id, { name: p.name, active: p.active, verified: p.verified });
    return out;
  }
}

const shared = new WeakMap<object, RotationService>();

/** The one RotationService of a set of services (the desk pages and the task share it), built on first use. */
export function rotationsFor(services: RotationServiceDeps): RotationService {
  let r = shared.get(services);
  if (!r) {
    r = new RotationService({ db: services.db, clock: services.clock, config: services.config });
    shared.set(services, r);
  }
  return r;
}
