import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import type { DeskSession } from '../web/session.js';
import { Field } from '../http/field.js';
import { ErrorSummary } from '../http/layout.js';
import { DeskLayout } from '../web/layout.js';
import { ACTION_LABEL, actionLabel } from '../audit/audit.actions.js';
import type { AuditEntry } from '../audit/audit.tables.js';
import type { AppUser } from './desk.tables.js';

/**
 * An entry's detail as one line of text ("email: jo@x.example; role: officer"). Values are
 * shown as they were recorded, nested ones as JSON, and the page renders it all as text. Keys
 * are sorted by name: jsonb keeps its own order (shortest first), which reads as random.
 */
export function detailText(detail: Record<string, unknown> | null | undefined): string {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

/** The audit log's filters as typed (query-string values). */
export interface AuditFilterForm {
  actor: string;
  action: string;
  reference: string;
  from: string;
  to: string;
}

/** One page of the audit log. */
export interface AuditPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  entries: Array<AuditEntry & { reference: string | null }>;
  /** How many entries match the filters (all pages). */
  total: number;
  /** Id to page back from (`?before=`), when there are older entries. */
  olderBefore: string | null;
  /** Whether this page starts below the newest entry. */
  paged: boolean;
  users: AppUser[];
  form: AuditFilterForm;
  /** Filter values that could not be read, by field. */
  errors: Record<string, string>;
}

/** The filters as a query string (empty ones left out), with `extra` added. */
function query(form: AuditFilterForm, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, ...extra })) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The manager's audit log: every staff action, newest first, read-only. */
export function AuditPage(p: AuditPageProps) {
  const f = p.form;
  const e = p.errors;
  const bad = Object.keys(e).length > 0;
  const filtered = Object.values(f).some(Boolean);
  const ids: Record<string, string> = {};
  for (const [k, v] of Object.entries(e)) ids[`a-${k}`] = v;
  return (
    <DeskLayout
      title={`${bad ? 'Error: ' : ''}Audit log`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/audit"
    >
      {bad ? (
        <ErrorSummary
          errors={ids}
          order={['a-actor', 'a-action', 'a-reference', 'a-from', 'a-to'].filter((k) => k in ids)}
        />
      ) : null}
      <h1>Audit log</h1>
      <p class="hint">
        Every staff action, newest first, with who and when (office time, {p.office.timezone}). Nothing here can be
        changed or deleted.
      </p>
      <form
        method="get"
        action="/desk/audit"
        class="filters audit-filters"
        role="search"
        aria-label="Filter the audit log"
        novalidate
      >
        <Field id="a-actor" name="actor" label="Who" error={e.actor} as="select" layout="filter">
          <option value="">Anyone</option>
          {p.users.map((u) => (
            <option value={u.id} selected={f.actor === u.id}>
              {u.name}
            </option>
          ))}
          <option value="system" selected={f.actor === 'system'}>
            The system (no desk user)
          </option>
        </Field>
        <Field id="a-action" name="action" label="Action" error={e.action} as="select" layout="filter">
          <option value="">Any action</option>
          {Object.entries(ACTION_LABEL).map(([code, label]) => (
            <option value={code} selected={f.action === code}>
              {label}
            </option>
          ))}
          {f.action && !(f.action in ACTION_LABEL) && !e.action ? (
            <option value={f.action} selected>
              {f.action}
            </option>
          ) : null}
        </Field>
        <Field
          id="a-reference"
          name="reference"
          label="Enquiry reference"
          error={e.reference}
          layout="filter"
          attrs={{ type: 'text', value: f.reference, maxlength: 20, spellcheck: false, autocomplete: 'off' }}
        />
        <Field
          id="a-from"
          name="from"
          label="From"
          error={e.from}
          layout="filter"
          attrs={{ type: 'date', value: f.from }}
        />
        <Field
          id="a-to"
          name="to"
          label="To (inclusive)"
          error={e.to}
          layout="filter"
          attrs={{ type: 'date', value: f.to }}
        />
        <button type="submit" class="button button--secondary">
          Filter
        </button>
        {filtered ? <a href="/desk/audit">Clear filters</a> : null}
      </form>
      {bad ? null : (
        <p class="counts" role="status">
          {p.total === 1 ? '1 entry' : `${p.total} entries`}
          {filtered ? (p.total === 1 ? ' matches these filters' : ' match these filters') : ''}
          {p.total > p.entries.length
            ? `; showing ${p.entries.length}${p.paged ? ' older ones' : ', newest first'}`
            : ''}
          .
        </p>
      )}
      {p.entries.length ? (
        <table class="audit-table stack">
          <caption class="visually-hidden">Audit log entries{p.paged ? ', older page' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Enquiry</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {p.entries.map((e) => (
              <tr id={`audit-${e.id}`}>
                <td data-label="When">
                  <time datetime={e.at.toISOString()}>{formatShortTime(e.at, p.office, p.now)}</time>
                </td>
                <td data-label="Who">{e.user_email ?? <span class="hint">(system)</span>}</td>
                <td data-label="Action">
                  {actionLabel(e.action)}
                  <div class="hint action-code">{e.action}</div>
                </td>
                <td data-label="Enquiry">
                  {e.reference ? (
                    <a href={`/desk/enquiries/${e.reference}`}>{e.reference}</a>
                  ) : (
                    <span class="hint">—</span>
                  )}
                </td>
                <td data-label="Detail" class="pre">
                  {detailText(e.detail)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>
          {bad
            ? 'Correct the filters above to see entries.'
            : p.paged
              ? 'No older entries.'
              : filtered
                ? 'No entries match these filters.'
                : 'Nothing has been recorded yet.'}
        </p>
      )}
      <nav class="pager" aria-label="Audit log pages">
        {p.paged ? <a href={`/desk/audit${query(f)}`}>Newest entries</a> : null}
        {p.olderBefore ? <a href={`/desk/audit${query(f, { before: p.olderBefore })}`}>Older entries</a> : null}
      </nav>
    </DeskLayout>
  );
}
