import type { OfficeConfig } from '../config.js';
import { DAYS, formatShortTime } from '../hours/format.js';
import { Field, fieldClass } from '../http/field.js';
import { FieldError } from '../http/layout.js';
import type { FormProblem } from '../web/forms.js';
import { Csrf } from '../web/layout.js';
import { ManagerPage } from '../web/manager-page.js';
import type { DeskSession } from '../web/session.js';
import type { Person } from './rota.tables.js';
import {
  ROTATION_FIELDS,
  ROTATION_LIMITS,
  turnFieldName,
  type RotationErrors,
  type RotationField,
  type RotationValues,
} from './rotation.forms.js';
import { describeHandover, type RotationDetail, type RotationWithMembers } from './rotation.service.js';

/** The rotations' place on the desk (under the rota, managers only). */
export const ROTATIONS_PATH = '/desk/rota/rotations';

/** A refused rotation form, shown again with its messages and what was typed. */
export type RotationProblem = FormProblem<RotationField> & { values: RotationValues };

/** Element id of a field of the rotation form (one per page); `members` is its first person's turn. */
export function rotationFieldId(field: RotationField | 'form', people: readonly Pick<Person, 'id'>[] = []): string {
  if (field === 'members') return people.length ? turnFieldId(people[0].id) : 'rotation-members';
  return `rotation-${field === 'form' ? 'name' : field}`;
}

/** Element id of one person's turn number. */
export function turnFieldId(personId: string): string {
  return `rotation-turn-${personId}`;
}

const ORDER: readonly (RotationField | 'form')[] = ['form', ...ROTATION_FIELDS];

/** Both rotation pages' refused form for the page frame: its messages, linked to the fields in form order. */
function rotationForm(p: { problem?: RotationProblem; people: readonly Pick<Person, 'id'>[] }) {
  return (
    p.problem && {
      errors: p.problem.errors,
      ids: (f: RotationField | 'form') => rotationFieldId(f, p.people),
      order: ORDER,
    }
  );
}

/** What a new rotation's form starts with: weekly, handing over on Friday at 17:00, on call. */
const NEW_ROTATION: RotationValues = { role: 'primary', weekday: '5', time: '17:00', days: '7' };

/** Who is in it, in turn order; anyone who has left the staff list is marked (generation skips them). */
function MembersLine(p: { members: RotationWithMembers['members'] }) {
  if (!p.members.length) return <span class="hint">Nobody</span>;
  return (
    <ol class="rotation-members">
      {p.members.map((m) => (
        <li>
          {m.name}
          {m.active ? null : <span class="hint"> (no longer on the staff list: skipped)</span>}
        </li>
      ))}
    </ol>
  );
}

/** The add or edit form's fields: name, role, handover day and time, days per turn, first date, people in order. */
function RotationFields(p: { values: RotationValues; errors: RotationErrors; people: Person[] }) {
  const v = p.values;
  const e = p.errors;
  const id = (f: RotationField) => rotationFieldId(f, p.people);
  const role = v.role === 'backup' ? 'backup' : 'primary';
  return (
    <>
      <Field
        id={id('name')}
        name="name"
        label="Name"
        hint="For example, Press office weekly"
        error={e.name ?? e.form}
        attrs={{ type: 'text', maxlength: ROTATION_LIMITS.name, autocomplete: 'off', value: v.name ?? '' }}
      />
      <fieldset class={fieldClass(e.role, 'field-group')} aria-describedby={e.role ? `${id('role')}-error` : undefined}>
        <legend>Role</legend>
        <FieldError id={id('role')} message={e.role} />
        <div class="radio">
          <input type="radio" id={id('role')} name="role" value="primary" checked={role === 'primary'} />
          <label for={id('role')}>On call (primary): paged first</label>
        </div>
        <div class="radio">
          <input type="radio" id={`${id('role')}-backup`} name="role" value="backup" checked={role === 'backup'} />
          <label for={`${id('role')}-backup`}>Backup: the next contact</label>
        </div>
      </fieldset>
      <Field
        id={id('weekday')}
        name="weekday"
        label="Handover day"
        hint="The day of the first handover; with turns of a week (or two), every handover"
        error={e.weekday}
        as="select"
      >
        {DAYS.map((d, i) => (
          <option value={String(i + 1)} selected={v.weekday === String(i + 1)}>
            {d}
          </option>
        ))}
      </Field>
      <Field
        id={id('time')}
        name="time"
        label="Handover time"
        hint="Office time, like 17:00. It stays at this time on the office clock when the clocks change."
        error={e.time}
        attrs={{ type: 'time', value: v.time ?? '' }}
      />
      <Field
        id={id('days')}
        name="days"
        label="Days each turn lasts"
        hint={`7 for a week, 14 for a fortnight; from ${ROTATION_LIMITS.minDays} to ${ROTATION_LIMITS.maxDays}`}
        error={e.days}
        attrs={{ type: 'number', min: ROTATION_LIMITS.minDays, max: ROTATION_LIMITS.maxDays, value: v.days ?? '' }}
      />
      <Field
        id={id('startDate')}
        name="startDate"
        label="First turn starts"
        hint="The first person’s turn begins at the handover time on the first handover day on or after this date"
        error={e.startDate}
        attrs={{ type: 'date', value: v.startDate ?? '' }}
      />
      <fieldset
        class={fieldClass(e.members, 'field-group')}
        id="rotation-members"
        aria-describedby={['rotation-members-hint', e.members ? 'rotation-members-error' : '']
          .filter(Boolean)
          .join(' ')}
      >
        <legend>People, in turn order</legend>
        <p class="hint" id="rotation-members-hint">
          Number the people in the order they take turns: 1 goes first, 2 next, and so on. Leave blank anyone not in
          this rotation. Only people on the rota’s staff list can be chosen.
        </p>
        <FieldError id="rotation-members" message={e.members} />
        {p.people.length ? (
          <table class="stack rotation-turns">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Turn</th>
              </tr>
            </thead>
            <tbody>
              {p.people.map((x) => (
                <tr>
                  <td data-label="Person">{x.name}</td>
                  <td data-label="Turn">
                    <label for={turnFieldId(x.id)} class="visually-hidden">
                      Turn of {x.name}
                    </label>
                    <input
                      type="number"
                      id={turnFieldId(x.id)}
                      name={turnFieldName(x.id)}
                      min={1}
                      inputmode="numeric"
                      value={v[turnFieldName(x.id)] ?? ''}
                      aria-invalid={e.members ? 'true' : undefined}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>
            Nobody is on the staff list yet: <a href="/desk/rota">add people on the rota page</a> first.
          </p>
        )}
      </fieldset>
    </>
  );
}

/** What the rotations page shows. */
export interface RotationsPageProps {
  session: DeskSession;
  office: OfficeConfig;
  rotations: RotationWithMembers[];
  /** The active staff list, for the form. */
  people: Person[];
  notice?: string;
  /** A refused add form. */
  problem?: RotationProblem;
}

/** The rotations (`/desk/rota/rotations`, managers): each with its people and handovers, and the add form. */
export function RotationsPage(p: RotationsPageProps) {
  const csrf = p.session.session.csrf_token;
  return (
    <ManagerPage
      title="Repeating rotations"
      office={p.office}
      session={p.session}
      current="/desk/rota"
      back={{ href: '/desk/rota', label: 'The rota' }}
      notice={p.notice}
      form={rotationForm(p)}
    >
      <h1>Repeating rotations</h1>
      <p class="hint">
        A rotation puts its people on the rota in turn, handing over at the same office time each time. Its shifts are
        ordinary shifts on the rota, kept filled two weeks and more ahead. Anything added by hand on the rota page (a
        shift or an override, or cover a colleague accepted) takes precedence over them. Changing or deleting a rotation
        changes only its shifts that have not started.
      </p>
      {p.rotations.length ? (
        <table class="stack rotations-table">
          <caption class="visually-hidden">Repeating rotations</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Handovers</th>
              <th scope="col">People, in turn order</th>
            </tr>
          </thead>
          <tbody>
            {p.rotations.map((r) => (
              <tr id={`rotation-row-${r.id}`}>
                <td data-label="Name">
                  <a href={`${ROTATIONS_PATH}/${r.id}`}>{r.name}</a>
                </td>
                <td data-label="Role">{r.role === 'primary' ? 'On call' : 'Backup'}</td>
                <td data-label="Handovers">{describeHandover(r, p.office.timezone)}</td>
                <td data-label="People">
                  <MembersLine members={r.members} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No rotations yet.</p>
      )}

      <form method="post" action={ROTATIONS_PATH} novalidate class="manager-form" aria-labelledby="add-rotation-title">
        <h2 id="add-rotation-title">Add a rotation</h2>
        <Csrf token={csrf} />
        <RotationFields values={p.problem?.values ?? NEW_ROTATION} errors={p.problem?.errors ?? {}} people={p.people} />
        <button type="submit" class="button">
          Add rotation
        </button>
      </form>
    </ManagerPage>
  );
}

/** What one rotation's page shows. */
export interface RotationPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  rotation: RotationDetail;
  people: Person[];
  notice?: string;
  /** A refused edit form. */
  problem?: RotationProblem;
}

/** The edit form's values for a stored rotation. */
function storedValues(r: RotationDetail): RotationValues {
  const values: RotationValues = {
    name: r.name,
    role: r.role,
    weekday: String(r.handover_weekday),
    time: r.handover_time,
    days: String(r.length_days),
    startDate: r.start_date,
  };
  for (const [i, m] of r.members.filter((x) => x.active).entries()) values[turnFieldName(m.personId)] = String(i + 1);
  return values;
}

/**
 * One rotation (`/desk/rota/rotations/:id`, managers): its shifts on the rota from now on, the
 * form to change it, and delete (confirmed first).
 */
export function RotationPage(p: RotationPageProps) {
  const r = p.rotation;
  const csrf = p.session.session.csrf_token;
  const base = `${ROTATIONS_PATH}/${r.id}`;
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  const gone = r.members.filter((m) => !m.active);
  return (
    <ManagerPage
      title={`${r.name} – Repeating rotations`}
      office={p.office}
      session={p.session}
      current="/desk/rota"
      back={{ href: ROTATIONS_PATH, label: 'All rotations' }}
      notice={p.notice}
      form={rotationForm(p)}
    >
      <h1>{r.name}</h1>
      <dl class="summary">
        <dt>Role</dt>
        <dd>{r.role === 'primary' ? 'On call (primary)' : 'Backup (next contact)'}</dd>
        <dt>Handovers</dt>
        <dd>{describeHandover(r, p.office.timezone)} (office time)</dd>
        <dt>People, in turn order</dt>
        <dd>
          <MembersLine members={r.members} />
        </dd>
      </dl>

      <h2 id="shifts-title">Its shifts on the rota</h2>
      {r.shifts.length ? (
        <table class="stack rota-table" aria-labelledby="shifts-title">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Who</th>
            </tr>
          </thead>
          <tbody>
            {r.shifts.map((s) => (
              <tr>
                <td data-label="From">
                  <time datetime={s.startsAt.toISOString()}>{when(s.startsAt)}</time>
                </td>
                <td data-label="To">
                  <time datetime={s.endsAt.toISOString()}>{when(s.endsAt)}</time>
                </td>
                <td data-label="Who">{s.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>None from now on.</p>
      )}
      <p class="hint">
        A shift added by hand on <a href="/desk/rota">the rota page</a> for the same role takes precedence over these.
      </p>

      <form method="post" action={base} novalidate class="manager-form" aria-labelledby="edit-rotation-title">
        <h2 id="edit-rotation-title">Change the rotation</h2>
        <p class="hint">
          Saving a change to the role, the handovers or the people replaces this rotation’s shifts that have not
          started, including any edited by hand on the rota page. The shift under way and past shifts stay as they are.
        </p>
        {gone.length ? (
          <p>
            {gone.map((m) => m.name).join(' and ')} {gone.length === 1 ? 'has' : 'have'} left the staff list: their
            turns go to the next person. Saving takes them out of the order.
          </p>
        ) : null}
        <Csrf token={csrf} />
        <RotationFields
          values={p.problem?.values ?? storedValues(r)}
          errors={p.problem?.errors ?? {}}
          people={p.people}
        />
        <button type="submit" class="button">
          Save changes
        </button>
      </form>

      <section aria-labelledby="delete-title">
        <h2 id="delete-title">Delete the rotation</h2>
        <details class="row-details">
          <summary>
            Delete<span class="visually-hidden"> {r.name}</span>
          </summary>
          <form method="post" action={`${base}/delete`}>
            <Csrf token={csrf} />
            <p>
              Delete {r.name}? Its shifts that have not started leave the rota: whoever else covers those times, or the
              out-of-hours line, is paged instead. The shift under way and past shifts stay.
            </p>
            <button type="submit" class="button button--warning">
              Yes, delete this rotation
            </button>
          </form>
        </details>
      </section>
    </ManagerPage>
  );
}
