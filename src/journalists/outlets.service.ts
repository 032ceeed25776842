/**
 * Outlets (issue 29, item 3): one record per outlet with its one name, its type (national,
 * regional, broadcast, trade, online) and area, and the spellings enquiries use for it ("Evening
 * Gazette", "the gazette", "Gazette (Northside)"). An enquiry's outlet stays as typed; the desk
 * shows and counts it as the outlet its spelling names. Not personal data.
 */
import { audit, type Actor } from '../audit/audit.repository.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { AppError } from '../http/errors.js';
import { isRowIdDigits } from '../ids.js';
import type { Outlet } from './journalists.tables.js';
import { outletForm, spellingForm, type OutletInput } from './outlets.forms.js';
import * as repo from './outlets.repository.js';

/** How far back the outlets page looks for spellings not yet matched: 90 days. */
export const UNMATCHED_DAYS = 90;

export interface OutletServiceDeps {
  db: Db;
  clock: Clock;
}

/** The outlets, their spellings, and matching typed outlets to them. */
export class OutletService {
  constructor(private readonly deps: OutletServiceDeps) {}

  /** Every outlet, by name, with how many spellings and journalists it has. */
  list(): Promise<repo.OutletListed[]> {
    return repo.listOutlets(this.deps.db);
  }

  /** Every outlet's id and name (a form's choices). */
  choices(): Promise<Array<{ id: string; name: string }>> {
    return repo.outletChoices(this.deps.db);
  }

  /** The outlet `id`; AppError('not_found') when there is none. */
  async get(id: string): Promise<Outlet> {
    const o = isRowIdDigits(id) ? await repo.findOutlet(this.deps.db, id) : undefined;
    if (!o) throw new AppError('not_found', 'There is no such outlet.');
    return o;
  }

  /** An outlet's spellings. */
  spellings(id: string): Promise<string[]> {
    return repo.spellingsOf(this.deps.db, id);
  }

  /** Outlets typed on the last 90 days' enquiries that name no outlet yet, most used first. */
  unmatched(limit = 30): Promise<Array<{ spelling: string; enquiries: number }>> {
    const since = new Date(this.deps.clock().getTime() - UNMATCHED_DAYS * 86_400_000);
    return repo.unmatchedSpellings(this.deps.db, since, limit);
  }

  /** The outlet a typed outlet names, through its spellings (undefined: not yet known). */
  forTyped(typed: string): Promise<Outlet | undefined> {
    return repo.outletForSpelling(this.deps.db, typed);
  }

  /** Adds an outlet; a name another outlet has (or spells) is refused, naming the field. Audited. */
  async add(input: OutletInput, actor: Actor): Promise<Outlet> {
    const v = outletForm.check(input);
    const now = this.deps.clock();
    return this.deps.db.transaction().execute(async (tx) => {
      await this.nameFree(tx, v.name, null);
      const o = await repo.insertOutlet(tx, { ...v, at: now, by: actor.email });
      await audit(tx, { at: now, actor, action: 'outlet.added', detail: { outlet: o.id } });
      return o;
    });
  }

  /** Changes an outlet's name, type and area (its old name stays one of its spellings). Audited. */
  async edit(id: string, input: OutletInput, actor: Actor): Promise<void> {
    await this.get(id);
    const v = outletForm.check(input);
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      await this.nameFree(tx, v.name, id);
      await repo.updateOutlet(tx, id, { ...v, at: now });
      await audit(tx, { at: now, actor, action: 'outlet.changed', detail: { outlet: id } });
    });
  }

  /**
   * Makes a spelling name an outlet ("merge into"): enquiries typed that way show and count as it
   * from now on. A spelling of another outlet moves to this one. Audited.
   */
  async mergeSpelling(input: { spelling?: string; outlet?: string }, actor: Actor): Promise<Outlet> {
    const v = spellingForm.check(input);
    const outlet = await repo.findOutlet(this.deps.db, v.outlet);
    if (!outlet)
      throw new AppError('validation', 'Choose the outlet', { fields: { outlet: 'Choose an outlet from the list' } });
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (tx) => {
      await repo.setSpelling(tx, repo.spellingKey(v.spelling), outlet.id);
      await audit(tx, { at: now, actor, action: 'outlet.spelling_merged', detail: { outlet: outlet.id } });
    });
    return outlet;
  }

  /**
   * The outlets named by these typed names (a journalist's record), in `tx`: each by its spelling,
   * else a new outlet of that name, type not yet set, for someone to complete on the outlets page.
   */
  async resolve(tx: Tx, names: string[], actor: Actor): Promise<string[]> {
    const ids: string[] = [];
    const now = this.deps.clock();
    for (const name of names) {
      const known = await repo.outletForSpelling(tx, name);
      if (known) {
        ids.push(known.id);
        continue;
      }
      const o = await repo.insertOutlet(tx, { name, kind: null, area: '', at: now, by: actor.email });
      await audit(tx, { at: now, actor, action: 'outlet.added', detail: { outlet: o.id } });
      ids.push(o.id);
    }
    return ids;
  }

  /** Refuses a name that is another outlet's name or spelling, naming the field. */
  private async nameFree(tx: Tx, name: string, exceptId: string | null): Promise<void> {
    const other = (await repo.outletNamed(tx, name)) ?? (await repo.outletForSpelling(tx, name));
    if (other && other.id !== exceptId)
      throw new AppError('validation', 'That outlet is already listed', {
        fields: { name: `“${name}” is already the outlet ${other.name}: choose another name, or change that one` },
      });
  }
}
