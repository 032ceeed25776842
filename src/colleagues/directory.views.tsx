import type { OfficeConfig } from '../config.js';
import { displayPhone } from '../enquiries/phone-numbers.js';
import { formatShortTime } from '../hours/format.js';
import { Field, fieldClass } from '../http/field.js';
import { FieldError } from '../http/layout.js';
import type { FormProblem } from '../web/forms.js';
import { Csrf } from '../web/layout.js';
import { ManagerPage } from '../web/manager-page.js';
import type { DeskSession } from '../web/session.js';
import type { Colleague } from './colleagues.tables.js';
import { COLLEAGUE_FIELDS, COLLEAGUE_LIMITS, type ColleagueField, type HoursChoice } from './directory.forms.js';
import { describeHours, describeWeek, hoursChoiceOf } from './directory.service.js';

/** The directory's place on the desk. */
export const DIRECTORY_PATH = '/desk/colleagues';

/** A field of the directory's forms as the page names it: the form's, and `active` (the (re)activate button). */
export type DirectoryField = ColleagueField | 'active';

/** A refused form on a directory page, shown again with its messages and what was typed. */
export type DirectoryProblem = FormProblem<DirectoryField>;

/** Element id of a field of the add or edit form (one form of each kind per page). */
export function colleagueFieldId(field: DirectoryField | 'form'): string {
  return `colleague-${field === 'form' ? 'name' : field}`;
}

const ORDER: readonly (DirectoryField | 'form')[] = ['form', ...COLLEAGUE_FIELDS, 'active'];

/** Role and department, as one line ("Detective Inspector, Major Crime"), or ''. */
export function roleLine(c: Pick<Colleague, 'role' | 'department'>): string {
  return [c.role, c.department].filter(Boolean).join(', ');
}

/** What the "office hours" choice means here: the office's own week, in a few words. */
function officeHint(office: OfficeConfig): string {
  const open = Object.values(office.hours).some((d) => d.length);
  return open ? `The press office’s own: ${describeWeek(office.hours)}.` : 'The press office’s own hours.';
}

/** The add and edit form's fields: name, role, department, mobile, email, usual hours. */
function ColleagueFields(p: {
  values: Partial<Record<DirectoryField, string>>;
  errors: Partial<Record<DirectoryField | 'form', string>>;
  office: OfficeConfig;
  /** Editing a colleague whose stored hours are none of the choices now: offer to keep them, described. */
  keep?: string;
}) {
  const v = p.values;
  const e = p.errors;
  const id = colleagueFieldId;
  const hours = (v.hours ?? '') as HoursChoice | '';
  const radio = (value: HoursChoice, label: string, hint?: string) => {
    const rid = value === 'any' ? id('hours') : `${id('hours')}-${value}`;
    return (
      <div class="radio">
        <input
          type="radio"
          id={rid}
          name="hours"
          value={value}
          checked={hours === value}
          aria-describedby={hint ? `${rid}-hint` : undefined}
        />
        <label for={rid}>{label}</label>
        {hint ? (
          <p class="hint" id={`${rid}-hint`}>
            {hint}
          </p>
        ) : null}
      </div>
    );
  };
  return (
    <>
      <Field
        id={id('name')}
        name="name"
        label="Name"
        error={e.name ?? e.form}
        attrs={{ type: 'text', maxlength: COLLEAGUE_LIMITS.name, autocomplete: 'off', value: v.name ?? '' }}
      />
      <Field
        id={id('role')}
        name="role"
        label="Role (optional)"
        hint="For example, Detective Inspector"
        error={e.role}
        attrs={{ type: 'text', maxlength: COLLEAGUE_LIMITS.role, autocomplete: 'off', value: v.role ?? '' }}
      />
      <Field
        id={id('department')}
        name="department"
        label="Department (optional)"
        hint="For example, Major Crime or Highways"
        error={e.department}
        attrs={{
          type: 'text',
          maxlength: COLLEAGUE_LIMITS.department,
          autocomplete: 'off',
          value: v.department ?? '',
        }}
      />
      <fieldset class="field-group">
        <legend>How questions reach them</legend>
        <p class="hint">A mobile for texts, an email address, or both.</p>
        <Field
          id={id('mobile')}
          name="mobile"
          label="Mobile"
          hint="Like 07911 123456. Questions by text go here; their reply comes back to the desk."
          error={e.mobile}
          attrs={{ type: 'tel', autocomplete: 'off', value: v.mobile ?? '' }}
        />
        <Field
          id={id('email')}
          name="email"
          label="Email address"
          error={e.email}
          attrs={{
            type: 'email',
            maxlength: COLLEAGUE_LIMITS.email,
            autocomplete: 'off',
            spellcheck: false,
            value: v.email ?? '',
          }}
        />
      </fieldset>
      <fieldset
        class={fieldClass(e.hours, 'field-group')}
        aria-describedby={e.hours ? `${id('hours')}-error` : undefined}
      >
        <legend>Usual hours</legend>
        <p class="hint">When they can usually be asked. A question’s due time counts only these hours.</p>
        <FieldError id={id('hours')} message={e.hours} />
        {radio('any', 'Any time', 'For example, a duty inspector.')}
        {radio('office', 'Office hours', officeHint(p.office))}
        {radio('weekdays', 'Monday to Friday, between the times below')}
        {p.keep ? radio('keep', `As now: ${p.keep}`, 'The office’s hours when they were added, since changed.') : null}
        <Field
          id={id('from')}
          name="from"
          label="From"
          hint="Monday to Friday only, like 08:00"
          error={e.from}
          attrs={{ type: 'time', value: v.from ?? '' }}
        />
        <Field
          id={id('to')}
          name="to"
          label="To"
          hint="Like 16:00"
          error={e.to}
          attrs={{ type: 'time', value: v.to ?? '' }}
        />
      </fieldset>
    </>
  );
}

/** What the directory page shows. */
export interface DirectoryPageProps {
  session: DeskSession;
  office: OfficeConfig;
  colleagues: Colleague[];
  notice?: string;
  /** A refused add form. */
  problem?: DirectoryProblem;
}

/** The directory (`/desk/colleagues`, managers): everyone, active first, and the add form. */
export function DirectoryPage(p: DirectoryPageProps) {
  const csrf = p.session.session.csrf_token;
  const values = p.problem?.values ?? { hours: 'office' };
  const active = p.colleagues.filter((c) => c.active).length;
  return (
    <ManagerPage
      title="Colleagues"
      office={p.office}
      session={p.session}
      current={DIRECTORY_PATH}
      notice={p.notice}
      form={p.problem && { errors: p.problem.errors, ids: colleagueFieldId, order: ORDER }}
    >
      <h1>Colleagues</h1>
      <p class="hint">
        People outside the desk whom press officers ask for facts: an investigating officer, a duty inspector, a service
        head. They never sign in; questions reach them by text or email. Deactivated colleagues are erased automatically
        after the retention period.
      </p>
      {p.colleagues.length ? (
        <table class="stack colleagues-table">
          <caption class="visually-hidden">
            Colleagues outside the desk: {active} active, {p.colleagues.length - active} deactivated
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Mobile</th>
              <th scope="col">Email</th>
              <th scope="col">Usual hours</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {p.colleagues.map((c) => (
              <tr id={`colleague-row-${c.id}`} class={c.active ? undefined : 'is-disabled'}>
                <td data-label="Name">
                  <a href={`${DIRECTORY_PATH}/${c.id}`}>{c.name}</a>
                </td>
                <td data-label="Role">{roleLine(c) || <span class="hint">—</span>}</td>
                <td data-label="Mobile">
                  {c.mobile ? <a href={`tel:${c.mobile}`}>{displayPhone(c.mobile)}</a> : <span class="hint">—</span>}
                </td>
                <td data-label="Email" class="break">
                  {c.email ?? <span class="hint">—</span>}
                </td>
                <td data-label="Usual hours">{describeHours(c.usual_hours, p.office.hours)}</td>
                <td data-label="Status">{c.active ? 'Active' : <strong>Deactivated</strong>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nobody yet. Add the people the desk asks most often.</p>
      )}

      <form method="post" action={DIRECTORY_PATH} novalidate class="manager-form" aria-labelledby="add-colleague-title">
        <h2 id="add-colleague-title">Add a colleague</h2>
        <Csrf token={csrf} />
        <ColleagueFields values={values} errors={p.problem?.errors ?? {}} office={p.office} />
        <button type="submit" class="button">
          Add colleague
        </button>
      </form>
    </ManagerPage>
  );
}

/** What one colleague's page shows. */
export interface ColleaguePageProps {
  session: DeskSession;
  office: OfficeConfig;
  colleague: Colleague;
  now: Date;
  notice?: string;
  /** A refused edit form (`form: 'edit'`) or (re)activation (`form: 'active'`). */
  problem?: DirectoryProblem;
}

/** What the edit form shows of a stored colleague. */
function storedValues(c: Colleague, office: OfficeConfig): Partial<Record<DirectoryField, string>> {
  return {
    name: c.name,
    role: c.role,
    department: c.department,
    mobile: c.mobile ? displayPhone(c.mobile) : '',
    email: c.email ?? '',
    ...hoursChoiceOf(c.usual_hours, office.hours),
  };
}

/**
 * One colleague (`/desk/colleagues/:id`, managers): their details to edit, deactivate or
 * reactivate, the subject-access download, and the way to erasure (a confirmation page first).
 */
export function ColleaguePage(p: ColleaguePageProps) {
  const c = p.colleague;
  const csrf = p.session.session.csrf_token;
  const edit = p.problem?.form === 'edit' ? p.problem : undefined;
  const activeError = p.problem?.form === 'active' ? p.problem.errors.active : undefined;
  const stored = hoursChoiceOf(c.usual_hours, p.office.hours);
  const base = `${DIRECTORY_PATH}/${c.id}`;
  return (
    <ManagerPage
      title={`${c.name} – Colleagues`}
      office={p.office}
      session={p.session}
      current={DIRECTORY_PATH}
      back={{ href: DIRECTORY_PATH, label: 'All colleagues' }}
      notice={p.notice}
      form={p.problem && { errors: p.problem.errors, ids: colleagueFieldId, order: ORDER }}
    >
      <h1>{c.name}</h1>
      <dl class="summary">
        <dt>Role, department</dt>
        <dd>{roleLine(c) || '—'}</dd>
        <dt>Usual hours</dt>
        <dd>{describeHours(c.usual_hours, p.office.hours)}</dd>
        <dt>Status</dt>
        <dd>{c.active ? 'Active: the ask form offers them' : 'Deactivated: the ask form does not offer them'}</dd>
        <dt>Added</dt>
        <dd>{formatShortTime(c.created_at, p.office, p.now)}</dd>
        <dt>Last changed</dt>
        <dd>{formatShortTime(c.updated_at, p.office, p.now)}</dd>
      </dl>

      <form method="post" action={base} novalidate class="manager-form" aria-labelledby="edit-colleague-title">
        <h2 id="edit-colleague-title">Change their details</h2>
        <Csrf token={csrf} />
        <ColleagueFields
          values={edit?.values ?? storedValues(c, p.office)}
          errors={edit?.errors ?? {}}
          office={p.office}
          keep={stored.hours === 'keep' ? describeHours(c.usual_hours, p.office.hours) : undefined}
        />
        <button type="submit" class="button">
          Save changes
        </button>
      </form>

      <section aria-labelledby="status-title">
        <h2 id="status-title">{c.active ? 'Deactivate' : 'Reactivate'}</h2>
        <p class="hint" id={`${colleagueFieldId('active')}-hint`}>
          {c.active
            ? 'They leave the ask form; questions already asked and their answers stay. Deactivated colleagues are erased automatically after the retention period.'
            : 'They are offered on the ask form again, and are no longer erased after the retention period.'}
        </p>
        <FieldError id={colleagueFieldId('active')} message={activeError} />
        <form method="post" action={`${base}/${c.active ? 'deactivate' : 'reactivate'}`} class="inline-form">
          <Csrf token={csrf} />
          <button
            type="submit"
            id={colleagueFieldId('active')}
            class={`button ${c.active ? 'button--secondary' : ''}`}
            aria-describedby={[
              `${colleagueFieldId('active')}-hint`,
              activeError ? `${colleagueFieldId('active')}-error` : '',
            ]
              .filter(Boolean)
              .join(' ')}
          >
            {c.active ? 'Deactivate' : 'Reactivate'}
            <span class="visually-hidden"> {c.name}</span>
          </button>
        </form>
      </section>

      <section aria-labelledby="data-title">
        <h2 id="data-title">Their personal data</h2>
        <p>
          A subject access request: everything Press Desk holds about them, their directory entry and the questions they
          were asked, with their answers.
        </p>
        <p>
          <a class="button button--secondary" href={`${base}/export.json`} download>
            Download what we hold (JSON)
          </a>
        </p>
        <p>
          An erasure request: they leave the directory, and the questions they were asked no longer name them. Their
          answers stay on the enquiries, unsigned.
        </p>
        <p>
          <a class="button button--warning" href={`${base}/erase`}>
            Erase<span class="visually-hidden"> {c.name}</span>
          </a>
        </p>
      </section>
    </ManagerPage>
  );
}

/** The confirmation before a colleague's erasure (`GET /desk/colleagues/:id/erase`). */
export function EraseColleaguePage(p: { session: DeskSession; office: OfficeConfig; colleague: Colleague }) {
  const c = p.colleague;
  const base = `${DIRECTORY_PATH}/${c.id}`;
  return (
    <ManagerPage
      title={`Erase ${c.name}? – Colleagues`}
      office={p.office}
      session={p.session}
      current={DIRECTORY_PATH}
      back={{ href: base, label: `Back to ${c.name}` }}
    >
      <h1>Erase {c.name}?</h1>
      <p class="lead">This cannot be undone.</p>
      <ul>
        <li>They leave the directory: their name, role, mobile, email address and usual hours are deleted.</li>
        <li>
          Questions they were asked, and the enquiries’ timelines, no longer name them or say where the question went.
        </li>
        <li>Their answers stay on the enquiries, unsigned: they are the enquiry’s record.</li>
      </ul>
      <p>
        To keep a record of what we held, <a href={`${base}/export.json`}>download it (JSON)</a> first.
      </p>
      <form method="post" action={`${base}/erase`} class="inline-form">
        <Csrf token={p.session.session.csrf_token} />
        <button type="submit" class="button button--warning">
          Erase {c.name}
        </button>
      </form>
      <p>
        <a class="button button--secondary" href={base}>
          Cancel
        </a>
      </p>
    </ManagerPage>
  );
}
