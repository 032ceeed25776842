import type { OfficeConfig } from '../config.js';
import { Field } from '../http/field.js';
import { Csrf } from '../web/layout.js';
import { ManagerPage } from '../web/manager-page.js';
import type { DeskSession } from '../web/session.js';
import { JOURNALISTS_PATH } from './journalists.views.js';
import { OUTLET_KINDS, type Outlet, type OutletKind } from './journalists.tables.js';
import { OUTLET_LIMITS, type OutletField, type OutletInput, type SpellingField } from './outlets.forms.js';
import type { OutletListed } from './outlets.repository.js';
import { UNMATCHED_DAYS } from './outlets.service.js';

/** The outlets on the desk. */
export const OUTLETS_PATH = '/desk/outlets';

/** Each type of outlet in words. */
export const KIND_LABELS: Record<OutletKind, string> = {
  national: 'National',
  regional: 'Regional or local',
  broadcast: 'Broadcast (TV or radio)',
  trade: 'Trade or specialist',
  online: 'Online only',
};

/** A refused form of the outlets pages: which one, its messages and what was typed. */
export interface OutletProblem {
  form: 'add' | 'edit' | 'spelling';
  errors: Partial<Record<OutletField | SpellingField | 'form', string>>;
  values: Partial<Record<OutletField | SpellingField, string>>;
}

/** Element id of a field: the add and edit forms' (one per page) and the merge form's. */
function fieldId(field: string): string {
  return field === 'spelling' || field === 'outlet' ? `merge-${field}` : `outlet-${field === 'form' ? 'name' : field}`;
}

/** The add and edit form's fields: name, type, area. */
function OutletFields(p: { values: OutletInput; errors: OutletProblem['errors'] }) {
  const v = p.values;
  const e = p.errors;
  return (
    <>
      <Field
        id={fieldId('name')}
        name="name"
        label="Name"
        hint="The one name the desk uses, like Evening Gazette. It is one of its spellings too."
        error={e.name ?? e.form}
        attrs={{ type: 'text', maxlength: OUTLET_LIMITS.name, autocomplete: 'off', value: v.name ?? '' }}
      />
      <Field id={fieldId('kind')} name="kind" label="Type" error={e.kind} as="select">
        <option value="">Not set</option>
        {OUTLET_KINDS.map((k) => (
          <option value={k} selected={v.kind === k}>
            {KIND_LABELS[k]}
          </option>
        ))}
      </Field>
      <Field
        id={fieldId('area')}
        name="area"
        label="Area (optional)"
        hint="Where it covers, like Northside, or the whole UK."
        error={e.area}
        attrs={{ type: 'text', maxlength: OUTLET_LIMITS.area, autocomplete: 'off', value: v.area ?? '' }}
      />
    </>
  );
}

/** Outlets (`/desk/outlets`): every outlet, add one, and spellings typed on enquiries to merge into one. */
export function OutletsPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  outlets: OutletListed[];
  unmatched: Array<{ spelling: string; enquiries: number }>;
  notice?: string;
  problem?: OutletProblem;
}) {
  const csrf = p.session.session.csrf_token;
  const errors = p.problem?.errors ?? {};
  const merge = p.problem?.form === 'spelling' ? p.problem.values : {};
  return (
    <ManagerPage
      title="Outlets"
      office={p.office}
      session={p.session}
      current={JOURNALISTS_PATH}
      back={{ href: JOURNALISTS_PATH, label: 'Journalists' }}
      notice={p.notice}
      form={{ errors, ids: fieldId }}
    >
      <h1>Outlets</h1>
      <p class="hint">
        One name per outlet, with the ways enquiries spell it. An enquiry keeps its outlet as typed; the desk shows and
        reports it as the outlet its spelling names.
      </p>
      {p.outlets.length ? (
        <table class="stack">
          <caption class="visually-hidden">Outlets: {p.outlets.length}</caption>
          <thead>
            <tr>
              <th scope="col">Outlet</th>
              <th scope="col">Type</th>
              <th scope="col">Area</th>
              <th scope="col">Spellings</th>
              <th scope="col">Journalists</th>
            </tr>
          </thead>
          <tbody>
            {p.outlets.map((o) => (
              <tr id={`outlet-row-${o.id}`}>
                <td data-label="Outlet">
                  <a href={`${OUTLETS_PATH}/${o.id}`}>{o.name}</a>
                </td>
                <td data-label="Type">{o.kind ? KIND_LABELS[o.kind] : <strong>Not set</strong>}</td>
                <td data-label="Area">{o.area || '—'}</td>
                <td data-label="Spellings">{o.spellings}</td>
                <td data-label="Journalists">{o.journalists}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No outlets yet.</p>
      )}

      <form
        method="post"
        action={`${OUTLETS_PATH}/spellings`}
        novalidate
        class="manager-form"
        aria-labelledby="merge-title"
      >
        <h2 id="merge-title">Merge a spelling into an outlet</h2>
        <p class="hint">
          {p.unmatched.length
            ? `Outlets as typed on the last ${UNMATCHED_DAYS} days’ enquiries that name no outlet yet, most used first: ${p.unmatched
                .slice(0, 10)
                .map((u) => `“${u.spelling}” (${u.enquiries})`)
                .join(', ')}.`
            : `Every outlet typed on the last ${UNMATCHED_DAYS} days’ enquiries names an outlet.`}
        </p>
        <Csrf token={csrf} />
        <Field
          id={fieldId('spelling')}
          name="spelling"
          label="Spelling"
          hint="As enquiries type it (capitals and spaces do not matter)."
          error={errors.spelling}
          attrs={{
            type: 'text',
            maxlength: OUTLET_LIMITS.spelling,
            autocomplete: 'off',
            list: 'unmatched-spellings',
            value: merge.spelling ?? '',
          }}
        />
        <datalist id="unmatched-spellings">
          {p.unmatched.map((u) => (
            <option value={u.spelling} />
          ))}
        </datalist>
        <Field id={fieldId('outlet')} name="outlet" label="Is the outlet" error={errors.outlet} as="select">
          <option value="">Choose the outlet</option>
          {p.outlets.map((o) => (
            <option value={o.id} selected={merge.outlet === o.id}>
              {o.name}
            </option>
          ))}
        </Field>
        <button type="submit" class="button button--secondary">
          Merge the spelling
        </button>
      </form>

      <form method="post" action={OUTLETS_PATH} novalidate class="manager-form" aria-labelledby="add-outlet-title">
        <h2 id="add-outlet-title">Add an outlet</h2>
        <Csrf token={csrf} />
        <OutletFields
          values={p.problem?.form === 'add' ? p.problem.values : {}}
          errors={p.problem?.form === 'add' ? errors : {}}
        />
        <button type="submit" class="button">
          Add the outlet
        </button>
      </form>
    </ManagerPage>
  );
}

/** One outlet (`/desk/outlets/:id`): its spellings, its journalists, and the edit form. */
export function OutletPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  outlet: Outlet;
  spellings: string[];
  journalists: Array<{ id: string; name: string }>;
  notice?: string;
  problem?: OutletProblem;
}) {
  const o = p.outlet;
  const errors = p.problem?.errors ?? {};
  return (
    <ManagerPage
      title={`${o.name} – Outlets`}
      office={p.office}
      session={p.session}
      current={JOURNALISTS_PATH}
      back={{ href: OUTLETS_PATH, label: 'Outlets' }}
      notice={p.notice}
      form={{ errors, ids: fieldId }}
    >
      <h1>{o.name}</h1>
      <dl class="summary">
        <dt>Type</dt>
        <dd>{o.kind ? KIND_LABELS[o.kind] : 'Not set'}</dd>
        <dt>Area</dt>
        <dd>{o.area || '—'}</dd>
        <dt>Spellings</dt>
        <dd>{p.spellings.map((s) => `“${s}”`).join(', ') || '—'}</dd>
        <dt>Journalists</dt>
        <dd>
          {p.journalists.length
            ? p.journalists.map((j, i) => (
                <>
                  {i ? ', ' : ''}
                  <a href={`${JOURNALISTS_PATH}/${j.id}`}>{j.name}</a>
                </>
              ))
            : 'None recorded'}
        </dd>
        <dt>Enquiries</dt>
        <dd>
          <a href={`/desk?status=all&outlet=${encodeURIComponent(o.name)}`}>Enquiries giving this outlet’s name</a>
        </dd>
      </dl>
      <form
        method="post"
        action={`${OUTLETS_PATH}/${o.id}`}
        novalidate
        class="manager-form"
        aria-labelledby="edit-outlet-title"
      >
        <h2 id="edit-outlet-title">Change the outlet</h2>
        <Csrf token={p.session.session.csrf_token} />
        <OutletFields
          values={p.problem?.form === 'edit' ? p.problem.values : { name: o.name, kind: o.kind ?? '', area: o.area }}
          errors={errors}
        />
        <button type="submit" class="button">
          Save changes
        </button>
      </form>
    </ManagerPage>
  );
}
