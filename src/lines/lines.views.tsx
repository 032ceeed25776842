import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { FieldError } from '../http/layout.js';
import { smsSize } from '../telephony/sms-encoding.js';
import { Csrf } from '../web/layout.js';
import { ManagerPage } from '../web/manager-page.js';
import type { DeskSession } from '../web/session.js';
import { LINE_FORM_LIMITS, type LineErrors, type LineField, type LineValues } from './lines.forms.js';
import type { LineRow, LineUse } from './lines.repository.js';
import { dayInWords, officeDay, type ReviewState } from './lines.service.js';
import { LINE_STATES, type LineState } from './lines.tables.js';

/** The library's place on the desk. */
export const LINES_PATH = '/desk/lines';

const STATE_LABEL = { current: 'Current', withdrawn: 'Withdrawn', superseded: 'Replaced' } as const satisfies Record<
  LineState,
  string
>;

const LINE_ORDER: readonly (LineField | 'form')[] = [
  'form',
  'title',
  'text',
  'topic',
  'approvedBy',
  'approvedOn',
  'reviewBy',
  'incident',
];

/** Element id of a field of the line form. */
export function lineFieldId(field: LineField | 'form'): string {
  return `line-${field === 'form' ? 'title' : field}`;
}

/** "152 characters, 1 SMS" of `text`. */
export function sizeInWords(text: string): string {
  const s = smsSize(text);
  return `${s.length.toLocaleString('en-GB')} ${s.length === 1 ? 'character' : 'characters'}, ${s.segments} ${s.segments === 1 ? 'SMS' : 'SMS segments'}`;
}

/** What a line's review date means today, in words (null: nothing to say). */
export function reviewInWords(r: ReviewState): string | null {
  switch (r.kind) {
    case 'none':
      return null;
    case 'ok':
      return `Review by ${dayInWords(r.on)}`;
    case 'soon':
      return `Review due on ${dayInWords(r.on)}`;
    case 'due':
      return `Review due since ${dayInWords(r.since)}: check it is still right before you send it`;
    default:
      return r satisfies never;
  }
}

/** What the library list shows and filters by. */
export interface LinesPageProps {
  session: DeskSession;
  office: OfficeConfig;
  lines: Array<LineRow & { topics: string[] }>;
  review: (line: LineRow) => ReviewState;
  topics: Array<{ id: string; name: string }>;
  filter: { q: string; topic: string; state: LineState | 'all' };
  notice?: string;
}

/** The library of lines to take (`/desk/lines`): search, filter by topic and state; managers add lines. */
export function LinesPage(p: LinesPageProps) {
  const manager = p.session.user.role === 'manager';
  return (
    <ManagerPage title="Lines to take" office={p.office} session={p.session} current={LINES_PATH} notice={p.notice}>
      <h1>Lines to take</h1>
      <p class="hint">
        The office’s approved wording. Insert one from the response and reply boxes as you type, or text LINE and its
        number from the on-call phone. A current line sent unchanged counts as signed off.
      </p>
      {manager ? (
        <p>
          <a class="button" href={`${LINES_PATH}/new`}>
            Add a line
          </a>{' '}
          <a class="button button--secondary" href={`${LINES_PATH}/templates`}>
            Reply templates
          </a>
        </p>
      ) : null}
      <form method="get" action={LINES_PATH} class="filters" role="search">
        <div class="filter filter--search">
          <label for="f-q">Search</label>
          <input type="search" id="f-q" name="q" value={p.filter.q} maxlength={200} aria-describedby="f-q-hint" />
          <span class="hint" id="f-q-hint">
            Words of the title or the line (the start of a word is enough)
          </span>
        </div>
        <Field id="f-topic" name="topic" label="Topic" as="select" layout="filter">
          <option value="" selected={!p.filter.topic}>
            Any topic
          </option>
          {p.topics.map((t) => (
            <option value={t.id} selected={p.filter.topic === t.id}>
              {t.name}
            </option>
          ))}
        </Field>
        <Field id="f-state" name="state" label="State" as="select" layout="filter">
          {LINE_STATES.map((s) => (
            <option value={s} selected={p.filter.state === s}>
              {STATE_LABEL[s]}
            </option>
          ))}
          <option value="all" selected={p.filter.state === 'all'}>
            Any state
          </option>
        </Field>
        <div class="filter filter--actions">
          <button type="submit" class="button">
            Search
          </button>
        </div>
      </form>
      {p.lines.length ? (
        <table class="stack lines-table">
          <caption class="visually-hidden">Lines to take: {p.lines.length} shown</caption>
          <thead>
            <tr>
              <th scope="col">No.</th>
              <th scope="col">Title</th>
              <th scope="col">Topics</th>
              <th scope="col">State</th>
              <th scope="col">Review</th>
            </tr>
          </thead>
          <tbody>
            {p.lines.map((l) => (
              <tr id={`line-row-${l.id}`}>
                <td data-label="No.">{l.id}</td>
                <td data-label="Title">
                  <a href={`${LINES_PATH}/${l.id}`}>{l.title}</a>
                </td>
                <td data-label="Topics">{l.topics.length ? l.topics.join(', ') : <span class="hint">—</span>}</td>
                <td data-label="State">{STATE_LABEL[l.state]}</td>
                <td data-label="Review">
                  {l.state === 'current' ? (reviewInWords(p.review(l)) ?? <span class="hint">—</span>) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No line matches.</p>
      )}
    </ManagerPage>
  );
}

/** The enquiries a line went to, open first: links to each. */
function UsesList(p: { uses: LineUse[]; office: OfficeConfig; now: Date }) {
  if (!p.uses.length) return <p>It has not been sent to any open enquiry, nor to any in the last 90 days.</p>;
  return (
    <ul class="line-uses">
      {p.uses.map((u) => (
        <li>
          <a href={`/desk/enquiries/${u.reference}`}>{u.reference}</a> {u.subject} ({u.open ? 'open' : u.status}; sent{' '}
          {formatShortTime(u.at, p.office, p.now)})
        </li>
      ))}
    </ul>
  );
}

/** What one line's page shows. */
export interface LinePageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  line: LineRow;
  topics: string[];
  incident: string | undefined;
  review: ReviewState;
  uses: LineUse[];
  notice?: string;
}

/** One line (`/desk/lines/:id`): its words and their SMS size, approval, review, state, and where it was used. */
export function LinePage(p: LinePageProps) {
  const l = p.line;
  const manager = p.session.user.role === 'manager';
  const base = `${LINES_PATH}/${l.id}`;
  const review = reviewInWords(p.review);
  return (
    <ManagerPage
      title={`Line ${l.id}: ${l.title}`}
      office={p.office}
      session={p.session}
      current={LINES_PATH}
      back={{ href: LINES_PATH, label: 'All lines' }}
      notice={p.notice}
    >
      <h1>
        <span class="hint">Line {l.id}:</span> {l.title}
      </h1>
      {l.state === 'withdrawn' ? (
        <p class="banner">
          Withdrawn on {dayInWords(officeDay(l.withdrawn_at ?? l.updated_at, p.office))}
          {l.withdrawn_reason ? `: ${l.withdrawn_reason}` : ''}. It cannot be inserted or sent.
        </p>
      ) : l.state === 'superseded' && l.superseded_by ? (
        <p class="banner">
          Replaced by <a href={`${LINES_PATH}/${l.superseded_by}`}>line {l.superseded_by}</a>. It cannot be inserted or
          sent.
        </p>
      ) : p.review.kind === 'due' ? (
        <p class="banner">{review}.</p>
      ) : null}
      <p class="pre quote" id="line-text">
        {l.text}
      </p>
      <p class="hint">{sizeInWords(l.text)}</p>
      <dl class="summary">
        <dt>State</dt>
        <dd>{STATE_LABEL[l.state]}</dd>
        <dt>Approved</dt>
        <dd>
          By {l.approved_by} on {dayInWords(officeDay(l.approved_at, p.office))}
        </dd>
        <dt>Review</dt>
        <dd>{review ?? 'No review date'}</dd>
        <dt>Topics</dt>
        <dd>{p.topics.length ? p.topics.join(', ') : '—'}</dd>
        <dt>Incident</dt>
        <dd>{p.incident ?? '—'}</dd>
        <dt>To send it from the on-call phone</dt>
        <dd>Text LINE {l.id} (and the enquiry’s reference if more than one page is open)</dd>
      </dl>
      {manager && l.state === 'current' ? (
        <p>
          <a class="button" href={`${base}/edit`}>
            Change<span class="visually-hidden"> line {l.id}</span>
          </a>{' '}
          <a class="button button--secondary" href={`${base}/supersede`}>
            Replace with a new line
          </a>{' '}
          <a class="button button--warning" href={`${base}/withdraw`}>
            Withdraw<span class="visually-hidden"> line {l.id}</span>
          </a>
        </p>
      ) : null}
      <section aria-labelledby="uses-title">
        <h2 id="uses-title">Where it was used</h2>
        <p class="hint">Open enquiries it was sent to, and the others in the last 90 days.</p>
        <UsesList uses={p.uses} office={p.office} now={p.now} />
      </section>
    </ManagerPage>
  );
}

/** What the add, change and replace forms show. */
export interface LineFormPageProps {
  session: DeskSession;
  office: OfficeConfig;
  mode: 'add' | 'edit' | 'supersede';
  line?: LineRow;
  /** Whether the line was already sent (changing its words then makes a new line). */
  used?: boolean;
  values: LineValues;
  errors: LineErrors;
  topics: Array<{ id: string; name: string }>;
  incidents: Array<{ id: string; name: string }>;
}

/** Adding a line, changing one, or replacing one with a new line (managers). */
export function LineFormPage(p: LineFormPageProps) {
  const v = p.values;
  const e = p.errors;
  const id = lineFieldId;
  const heading =
    p.mode === 'add' ? 'Add a line' : p.mode === 'edit' ? `Change line ${p.line?.id}` : `Replace line ${p.line?.id}`;
  const action =
    p.mode === 'add'
      ? LINES_PATH
      : p.mode === 'edit'
        ? `${LINES_PATH}/${p.line?.id}`
        : `${LINES_PATH}/${p.line?.id}/supersede`;
  const chosen = new Set(v.topics ?? []);
  return (
    <ManagerPage
      title={`${heading} – Lines to take`}
      office={p.office}
      session={p.session}
      current={LINES_PATH}
      back={{ href: p.line ? `${LINES_PATH}/${p.line.id}` : LINES_PATH, label: 'Back' }}
      form={{ errors: e, ids: id, order: LINE_ORDER }}
    >
      <h1>{heading}</h1>
      {p.mode === 'edit' && p.used ? (
        <p class="hint">
          This line has been sent to journalists. Changing its words makes a new line that replaces it, so what was sent
          stays on record as sent; changing anything else changes it in place.
        </p>
      ) : p.mode === 'supersede' ? (
        <p class="hint">The new line replaces this one: it can no longer be inserted or sent.</p>
      ) : null}
      <form method="post" action={action} novalidate class="manager-form">
        <Csrf token={p.session.session.csrf_token} />
        <Field
          id={id('title')}
          name="title"
          label="Title"
          hint="What it is about, as officers will search for it"
          error={e.title ?? e.form}
          attrs={{ type: 'text', maxlength: LINE_FORM_LIMITS.title, autocomplete: 'off', value: v.title ?? '' }}
        />
        <Field
          id={id('text')}
          name="text"
          label="The line"
          hint="Exactly the words journalists receive"
          error={e.text}
          as="textarea"
          attrs={{ rows: 6, maxlength: LINE_FORM_LIMITS.text }}
        >
          {v.text ?? ''}
        </Field>
        <fieldset class="field-group" aria-describedby={e.topic ? `${id('topic')}-error` : undefined}>
          <legend>Topics</legend>
          <FieldError id={id('topic')} message={e.topic} />
          {p.topics.length ? (
            p.topics.map((t, i) => (
              <div class="checkbox">
                <input
                  type="checkbox"
                  name="topic"
                  value={t.id}
                  id={i === 0 ? id('topic') : `${id('topic')}-${t.id}`}
                  checked={chosen.has(t.id)}
                />
                <label for={i === 0 ? id('topic') : `${id('topic')}-${t.id}`}>{t.name}</label>
              </div>
            ))
          ) : (
            <p class="hint">No topics yet.</p>
          )}
        </fieldset>
        <Field
          id={id('approvedBy')}
          name="approvedBy"
          label="Approved by"
          hint="Name and role, for example Chief Superintendent Jo Bloggs"
          error={e.approvedBy}
          attrs={{
            type: 'text',
            maxlength: LINE_FORM_LIMITS.approvedBy,
            autocomplete: 'off',
            value: v.approvedBy ?? '',
          }}
        />
        <Field
          id={id('approvedOn')}
          name="approvedOn"
          label="Approved on"
          error={e.approvedOn}
          attrs={{ type: 'date', value: v.approvedOn ?? '' }}
        />
        <Field
          id={id('reviewBy')}
          name="reviewBy"
          label="Review by (optional)"
          hint="After this day, using the line warns that it is due for review"
          error={e.reviewBy}
          attrs={{ type: 'date', value: v.reviewBy ?? '' }}
        />
        <Field id={id('incident')} name="incident" label="Incident (optional)" error={e.incident} as="select">
          <option value="">None</option>
          {p.incidents.map((i) => (
            <option value={i.id} selected={v.incident === i.id}>
              {i.name}
            </option>
          ))}
        </Field>
        <button type="submit" class="button">
          {p.mode === 'add' ? 'Add line' : p.mode === 'edit' ? 'Save changes' : 'Replace line'}
        </button>
      </form>
    </ManagerPage>
  );
}

/** The confirmation before withdrawing a line (and the page again when the reason is missing). */
export function WithdrawLinePage(p: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  line: LineRow;
  uses: LineUse[];
  error?: string;
  reason?: string;
}) {
  const l = p.line;
  const base = `${LINES_PATH}/${l.id}`;
  return (
    <ManagerPage
      title={`Withdraw line ${l.id}? – Lines to take`}
      office={p.office}
      session={p.session}
      current={LINES_PATH}
      back={{ href: base, label: `Back to line ${l.id}` }}
      form={{ errors: p.error ? { reason: p.error } : {}, ids: () => 'withdraw-reason' }}
    >
      <h1>Withdraw line {l.id}?</h1>
      <p class="pre quote">{l.text}</p>
      <p>Once withdrawn it is no longer offered, and LINE {l.id} from the on-call phone is refused.</p>
      <section aria-labelledby="uses-title">
        <h2 id="uses-title">Where it was used</h2>
        <p class="hint">
          Open enquiries it was sent to, and the others in the last 90 days: the journalists may need to hear again.
        </p>
        <UsesList uses={p.uses} office={p.office} now={p.now} />
      </section>
      <form method="post" action={`${base}/withdraw`} novalidate class="manager-form">
        <Csrf token={p.session.session.csrf_token} />
        <Field
          id="withdraw-reason"
          name="reason"
          label="Why it is withdrawn"
          hint="Shown on the line and to anyone who tries to use it"
          error={p.error}
          attrs={{ type: 'text', maxlength: LINE_FORM_LIMITS.reason, autocomplete: 'off', value: p.reason ?? '' }}
        />
        <button type="submit" class="button button--warning">
          Withdraw line {l.id}
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
