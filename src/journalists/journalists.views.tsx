import type { Child } from 'hono/jsx';
import type { OfficeConfig } from '../config.js';
import { channelLabel, outcomeLabel, statusLabel } from '../enquiries/enquiry.labels.js';
import { displayPhone } from '../enquiries/phone-numbers.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { describedBy, FieldError } from '../http/layout.js';
import { Csrf } from '../web/layout.js';
import { ManagerPage } from '../web/manager-page.js';
import type { DeskSession } from '../web/session.js';
import {
  JOURNALIST_FIELDS,
  JOURNALIST_LIMITS,
  type JournalistField,
  type JournalistInput,
} from './journalists.forms.js';
import type { HistoryEnquiry, JournalistListed } from './journalists.repository.js';
import type { EnquiryJournalist, JournalistRecord } from './journalists.service.js';
import { CHANNELS, FLAGS, type Channel, type Journalist, type JournalistFlag } from './journalists.tables.js';

/** The list of journalists on the desk. */
export const JOURNALISTS_PATH = '/desk/journalists';

/** What each flag tells an officer, first thing. */
export const FLAG_LABELS: Record<JournalistFlag, string> = {
  not_press: 'Not press: route to the contact centre',
  auditor: 'Auditor: films and posts contact with the police, not press; answer as a member of the public',
  embargo_breach: 'Has broken an embargo: do not send embargoed material',
};

const CHANNEL_WORDS: Record<Channel, string> = { phone: 'Phone call', sms: 'Text message', email: 'Email' };

/** A refused add or edit form: its messages and what was typed. */
export interface JournalistProblem {
  errors: Partial<Record<JournalistField | 'form', string>>;
  values: JournalistInput;
}

/** Element id of a field of the record form. */
export function journalistFieldId(field: JournalistField | 'form'): string {
  return field === 'flags' ? 'journalist-flags' : `journalist-${field === 'form' ? 'name' : field}`;
}

const ORDER: readonly (JournalistField | 'form')[] = ['form', ...JOURNALIST_FIELDS];

/** "Press card checked 3 December 2026 (kim.lee@…)" or "Press card not checked". */
function pressCardText(j: Pick<Journalist, 'press_card_checked_on' | 'press_card_checked_by'>): string {
  if (!j.press_card_checked_on) return 'Not checked';
  const d = new Date(`${j.press_card_checked_on}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `Checked ${d}${j.press_card_checked_by ? ` by ${j.press_card_checked_by}` : ''}`;
}

/** A contact as the desk shows it (phones in national form). */
function contactText(value: string): string {
  return value.startsWith('+') ? displayPhone(value) : value;
}

/** The flags, prominently: each a strong line. */
function Flags(p: { flags: readonly JournalistFlag[]; id?: string }) {
  if (!p.flags.length) return null;
  return (
    <ul class="journalist-flags panel panel--urgent" id={p.id}>
      {p.flags.map((f) => (
        <li>
          <strong>{FLAG_LABELS[f] ?? f}</strong>
        </li>
      ))}
    </ul>
  );
}

/** The record form's fields of one item a line, in form order: outlets, then the contacts (typed, never spell-checked). */
const LIST_FIELDS: ReadonlyArray<{
  name: 'outlets' | 'phones' | 'emails';
  label: string;
  hint: string;
  attrs: Record<string, string | number | boolean>;
}> = [
  {
    name: 'outlets',
    label: 'Outlets (optional)',
    hint: 'One a line, as they are usually written. A new one is added to Outlets for its type and area to be filled in.',
    attrs: { rows: 2 },
  },
  {
    name: 'phones',
    label: 'Phone numbers (optional)',
    hint: 'One a line, like 07911 123456. Enquiries from these numbers, by text or call, are matched to this record.',
    attrs: { rows: 2, autocomplete: 'off', spellcheck: false },
  },
  {
    name: 'emails',
    label: 'Email addresses (optional)',
    hint: 'One a line. Enquiries from these addresses, by email or the form, are matched to this record.',
    attrs: { rows: 2, autocomplete: 'off', spellcheck: false },
  },
];

/** The record form's fields: name, outlets, phones, emails, preferred channel, press card, flags. */
function JournalistFields(p: { values: JournalistInput; errors: JournalistProblem['errors'] }) {
  const v = p.values;
  const e = p.errors;
  const id = journalistFieldId;
  const flags = new Set(v.flags ?? []);
  return (
    <>
      <Field
        id={id('name')}
        name="name"
        label="Name"
        error={e.name ?? e.form}
        attrs={{
          type: 'text',
          maxlength: JOURNALIST_LIMITS.name,
          autocomplete: 'off',
          spellcheck: false,
          value: v.name ?? '',
        }}
      />
      {LIST_FIELDS.map((f) => (
        <Field
          id={id(f.name)}
          name={f.name}
          label={f.label}
          hint={f.hint}
          error={e[f.name]}
          as="textarea"
          attrs={f.attrs}
        >
          {v[f.name] ?? ''}
        </Field>
      ))}
      <Field
        id={id('preferredChannel')}
        name="preferredChannel"
        label="Prefers to be answered by (optional)"
        error={e.preferredChannel}
        as="select"
      >
        <option value="">No preference</option>
        {CHANNELS.map((c) => (
          <option value={c} selected={v.preferredChannel === c}>
            {CHANNEL_WORDS[c]}
          </option>
        ))}
      </Field>
      <Field
        id={id('pressCardCheckedOn')}
        name="pressCardCheckedOn"
        label="UK Press Card checked on (optional)"
        hint="The date someone on the desk saw their card. Blank: not checked."
        error={e.pressCardCheckedOn}
        attrs={{ type: 'date', value: v.pressCardCheckedOn ?? '' }}
      />
      <fieldset
        id={id('flags')}
        class={`field${e.flags ? ' field--error' : ''}`}
        aria-describedby={describedBy(id('flags'), { error: e.flags })}
        tabindex={-1}
      >
        <legend>Flags (shown first on their enquiries)</legend>
        <FieldError id={id('flags')} message={e.flags} />
        {FLAGS.map((f) => (
          <div class="checkbox">
            <input type="checkbox" id={`flag-${f}`} name="flags" value={f} checked={flags.has(f)} />
            <label for={`flag-${f}`}>{FLAG_LABELS[f]}</label>
          </div>
        ))}
      </fieldset>
    </>
  );
}

/** The form's values of a stored record. */
export function storedValues(r: Pick<JournalistRecord, 'journalist' | 'contacts' | 'outlets'>): JournalistInput {
  return {
    name: r.journalist.name,
    outlets: r.outlets.map((o) => o.name).join('\n'),
    phones: r.contacts
      .filter((c) => c.kind === 'phone')
      .map((c) => displayPhone(c.value))
      .join('\n'),
    emails: r.contacts
      .filter((c) => c.kind === 'email')
      .map((c) => c.value)
      .join('\n'),
    preferredChannel: r.journalist.preferred_channel ?? '',
    pressCardCheckedOn: r.journalist.press_card_checked_on ?? '',
    flags: [...r.journalist.flags],
  };
}

/** The journalists list's content. */
export interface JournalistsPageProps {
  session: DeskSession;
  office: OfficeConfig;
  q: string;
  journalists: JournalistListed[];
  /** An enquiry whose sender is being added to a record ("Add to a journalist record"). */
  adding?: { reference: string } | null;
  notice?: string;
}

/** Journalists (`/desk/journalists`): search by name, phone, email or outlet; each record; add one. */
export function JournalistsPage(p: JournalistsPageProps) {
  const csrf = p.session.session.csrf_token;
  return (
    <ManagerPage title="Journalists" office={p.office} session={p.session} current={JOURNALISTS_PATH} notice={p.notice}>
      <h1>Journalists</h1>
      <p class="hint">
        Who the desk knows: their outlets, numbers and addresses, whether their press card was checked, flags and notes.
        An enquiry from a phone or email on a record shows the record on its page.
      </p>
      {p.adding ? (
        <p class="panel" id="adding">
          Choose the record to add the phone number and email address of enquiry{' '}
          <a href={`/desk/enquiries/${p.adding.reference}`}>{p.adding.reference}</a> to.
        </p>
      ) : null}
      <form method="get" action={JOURNALISTS_PATH} class="filters" role="search" aria-label="Journalists">
        {p.adding ? <input type="hidden" name="add" value={p.adding.reference} /> : null}
        <Field
          id="q"
          label="Name, phone, email or outlet"
          layout="filter"
          attrs={{ type: 'search', value: p.q, maxlength: 200, autocomplete: 'off', spellcheck: false }}
        />
        <button type="submit" class="button">
          Search
        </button>
      </form>
      <p>
        <a href={`${JOURNALISTS_PATH}/new`} class="button button--secondary">
          Add a journalist
        </a>{' '}
        <a href="/desk/outlets">Outlets</a>
      </p>
      {p.journalists.length ? (
        <table class="stack">
          <caption class="visually-hidden">
            {p.q ? `Journalists matching “${p.q}”` : 'Journalists'}: {p.journalists.length}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Outlets</th>
              <th scope="col">Phones and emails</th>
              <th scope="col">Press card</th>
              {p.adding ? <th scope="col">Add</th> : null}
            </tr>
          </thead>
          <tbody>
            {p.journalists.map((j) => (
              <tr id={`journalist-row-${j.id}`}>
                <td data-label="Name">
                  <a href={`${JOURNALISTS_PATH}/${j.id}`}>{j.name}</a>
                  {j.flags.map((f) => (
                    <strong class="tag tag--warn">
                      {f === 'not_press' ? 'Not press' : f === 'auditor' ? 'Auditor' : 'Embargo'}
                    </strong>
                  ))}
                </td>
                <td data-label="Outlets">{j.outlets.join(', ') || '—'}</td>
                <td data-label="Phones and emails" class="break">
                  {j.contacts.map(contactText).join(', ') || '—'}
                </td>
                <td data-label="Press card">{pressCardText(j)}</td>
                {p.adding ? (
                  <td data-label="Add">
                    <form method="post" action={`${JOURNALISTS_PATH}/${j.id}/add-enquiry`} class="inline-form">
                      <Csrf token={csrf} />
                      <input type="hidden" name="reference" value={p.adding.reference} />
                      <button type="submit" class="button button--secondary">
                        Add to this record<span class="visually-hidden"> ({j.name})</span>
                      </button>
                    </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{p.q ? `No journalist matches “${p.q}”.` : 'No journalists yet.'}</p>
      )}
    </ManagerPage>
  );
}

/** The add form's page (`/desk/journalists/new`). */
export function NewJournalistPage(p: { session: DeskSession; office: OfficeConfig; problem?: JournalistProblem }) {
  const errors = p.problem?.errors ?? {};
  return (
    <ManagerPage
      title="Add a journalist"
      office={p.office}
      session={p.session}
      current={JOURNALISTS_PATH}
      back={{ href: JOURNALISTS_PATH, label: 'Journalists' }}
      form={{ errors, ids: journalistFieldId, order: ORDER }}
    >
      <h1>Add a journalist</h1>
      <form method="post" action={JOURNALISTS_PATH} novalidate class="manager-form">
        <Csrf token={p.session.session.csrf_token} />
        <JournalistFields values={p.problem?.values ?? {}} errors={errors} />
        <button type="submit" class="button">
          Add the journalist
        </button>
      </form>
    </ManagerPage>
  );
}

/** The enquiries of a record, newest first. */
function History(p: { history: HistoryEnquiry[]; office: OfficeConfig; now: Date; caption: string }) {
  return (
    <table class="stack">
      <caption class="visually-hidden">{p.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Enquiry</th>
          <th scope="col">Received</th>
          <th scope="col">Subject</th>
          <th scope="col">Outlet as typed</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {p.history.map((h) => (
          <tr>
            <td data-label="Enquiry">
              <a href={`/desk/enquiries/${h.reference}`}>{h.reference}</a>
            </td>
            <td data-label="Received">
              {formatShortTime(h.received_at, p.office, p.now)} by {channelLabel(h.channel)}
            </td>
            <td data-label="Subject" class="break">
              {h.subject}
            </td>
            <td data-label="Outlet as typed">{h.outlet || '—'}</td>
            <td data-label="Status">
              {statusLabel(h.status)}
              {h.outcome ? `: ${outcomeLabel(h.outcome)}` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One record's page content. */
export interface JournalistPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  record: JournalistRecord;
  notice?: string;
  /** A refused edit form. */
  problem?: JournalistProblem;
  /** A refused note. */
  noteError?: string;
  noteValue?: string;
}

/**
 * One journalist (`/desk/journalists/:id`): flags first, then who they are, their enquiries, the
 * staff notes and the note form, the edit form, and (managers) erasure.
 */
export function JournalistPage(p: JournalistPageProps) {
  const { journalist: j, contacts, outlets, notes, history } = p.record;
  const base = `${JOURNALISTS_PATH}/${j.id}`;
  const csrf = p.session.session.csrf_token;
  const errors = { ...(p.problem?.errors ?? {}), ...(p.noteError ? { note: p.noteError } : {}) } as Record<
    string,
    string
  >;
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  return (
    <ManagerPage
      title={`${j.name} – Journalists`}
      office={p.office}
      session={p.session}
      current={JOURNALISTS_PATH}
      back={{ href: JOURNALISTS_PATH, label: 'Journalists' }}
      notice={p.notice}
      form={{
        errors,
        ids: (f: string) => (f === 'note' ? 'journalist-note' : journalistFieldId(f as JournalistField)),
        order: [...ORDER, 'note'],
      }}
    >
      <h1>{j.name}</h1>
      <Flags flags={j.flags} id="flags" />
      <dl class="summary">
        <dt>Outlets</dt>
        <dd>
          {outlets.length
            ? outlets.map((o, i) => (
                <>
                  {i ? ', ' : ''}
                  <a href={`/desk/outlets/${o.id}`}>{o.name}</a>
                </>
              ))
            : '—'}
        </dd>
        <dt>Phones</dt>
        <dd>
          {contacts.filter((c) => c.kind === 'phone').length
            ? contacts
                .filter((c) => c.kind === 'phone')
                .map((c, i) => (
                  <>
                    {i ? ', ' : ''}
                    <a href={`tel:${c.value}`}>{displayPhone(c.value)}</a>
                  </>
                ))
            : '—'}
        </dd>
        <dt>Emails</dt>
        <dd class="break">
          {contacts
            .filter((c) => c.kind === 'email')
            .map((c) => c.value)
            .join(', ') || '—'}
        </dd>
        <dt>Prefers</dt>
        <dd>{j.preferred_channel ? CHANNEL_WORDS[j.preferred_channel] : 'No preference'}</dd>
        <dt>UK Press Card</dt>
        <dd>{pressCardText(j)}</dd>
        <dt>Record added</dt>
        <dd>
          {when(j.created_at)} by {j.created_by}
        </dd>
      </dl>

      <section aria-labelledby="history-title">
        <h2 id="history-title">Enquiries</h2>
        {history.length ? (
          <History
            history={history}
            office={p.office}
            now={p.now}
            caption={`Enquiries from ${j.name}’s phones and emails, newest first`}
          />
        ) : (
          <p>None from these phone numbers or email addresses (erased enquiries are not listed).</p>
        )}
      </section>

      <section aria-labelledby="notes-title">
        <h2 id="notes-title">Staff notes</h2>
        {notes.length ? (
          <ul class="journalist-notes">
            {notes.map((n) => (
              <li>
                <p class="pre">{n.text}</p>
                <p class="hint">
                  {n.written_by}, {when(n.at)}
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p>None yet.</p>
        )}
        <form method="post" action={`${base}/notes`} novalidate class="manager-form">
          <Csrf token={csrf} />
          <Field
            id="journalist-note"
            name="note"
            label="Add a note"
            hint="Seen by everyone on the desk, and given to the journalist if they ask for their data. Keep to facts."
            error={p.noteError}
            as="textarea"
            attrs={{ rows: 3, maxlength: JOURNALIST_LIMITS.note }}
          >
            {p.noteValue ?? ''}
          </Field>
          <button type="submit" class="button button--secondary">
            Add the note
          </button>
        </form>
      </section>

      <form method="post" action={base} novalidate class="manager-form" aria-labelledby="edit-title">
        <h2 id="edit-title">Change the record</h2>
        <Csrf token={csrf} />
        <JournalistFields values={p.problem?.values ?? storedValues(p.record)} errors={p.problem?.errors ?? {}} />
        <button type="submit" class="button">
          Save changes
        </button>
      </form>

      {p.session.user.role === 'manager' ? (
        <section aria-labelledby="erase-title">
          <h2 id="erase-title">Erase</h2>
          <p>
            <a href={`${base}/erase`}>Erase {j.name}’s record and their data on every enquiry</a>
          </p>
        </section>
      ) : null}
    </ManagerPage>
  );
}

/** The manager's confirmation before a record is erased (`/desk/journalists/:id/erase`). */
export function EraseJournalistPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  record: JournalistRecord;
  /** Their enquiries still open: erasure closes them. */
  open: number;
}) {
  const { journalist: j, history } = p.record;
  const base = `${JOURNALISTS_PATH}/${j.id}`;
  return (
    <ManagerPage
      title={`Erase ${j.name} – Journalists`}
      office={p.office}
      session={p.session}
      current={JOURNALISTS_PATH}
      back={{ href: base, label: j.name }}
    >
      <h1>Erase {j.name}?</h1>
      <p>
        This deletes the record (its phones, emails, outlets, flags and notes) and erases their name, contact details
        and words from {history.length === 1 ? 'the 1 enquiry' : `all ${history.length} enquiries`} from those phones
        and emails, and anything else they sent. It cannot be undone. The figures (outlets as typed, times, outcomes)
        are kept.
      </p>
      {p.open ? (
        <p class="panel panel--urgent">
          <strong>
            {p.open === 1 ? '1 of their enquiries is' : `${p.open} of their enquiries are`} still open: erasure closes{' '}
            {p.open === 1 ? 'it' : 'them'}, and nobody can answer {p.open === 1 ? 'it' : 'them'} afterwards.
          </strong>
        </p>
      ) : null}
      <form method="post" action={`${base}/erase`} class="inline-form">
        <Csrf token={p.session.session.csrf_token} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="button button--warning">
          Erase {j.name}
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

/**
 * The one-click "Not a media enquiry": the status form's close with outcome `not_media` and its
 * standard message (filled for the enquiry), posted to the status form's own route, so the close,
 * the message through the outbox and the reports' count are the status form's (issue 28).
 */
function NotMedia(p: {
  reference: string;
  csrf: string;
  notMedia: { message: string; canSend: boolean };
  guardFields?: Child;
}) {
  return (
    <>
      <form method="post" action={`/desk/enquiries/${p.reference}/status`} class="inline-form">
        <Csrf token={p.csrf} />
        {p.guardFields}
        <input type="hidden" name="status" value="closed" />
        <input type="hidden" name="outcome" value="not_media" />
        {p.notMedia.canSend ? (
          <>
            <input type="hidden" name="sendMessage" value="yes" />
            <input type="hidden" name="message_not_media" value={p.notMedia.message} />
          </>
        ) : null}
        <button type="submit" class="button button--secondary" aria-describedby="not-media-hint">
          Not a media enquiry
        </button>
      </form>
      <p class="hint" id="not-media-hint">
        “Not a media enquiry” closes it as not a media enquiry
        {p.notMedia.canSend ? ' and sends the standard reply' : ' (Press Desk cannot message them: tell them yourself)'}
        ; reports count it apart.
      </p>
    </>
  );
}

/**
 * The enquiry page's "Journalist" box (issue 29): the record its sender's phone or email matches
 * (name, outlets, press card, flags first, the latest notes, their other enquiries), or "Not yet
 * known" with "Create a record", "Add to a journalist record" and, while the enquiry is open,
 * the one-click "Not a media enquiry": the status form's close with outcome `not_media` and its
 * standard message, posted to the same route (`/desk/enquiries/:reference/status`).
 */
export function JournalistPanel(p: {
  reference: string;
  known: EnquiryJournalist | null;
  /** The outlet the enquiry's typed outlet names through its spellings (null: not yet known). */
  outletName: string | null;
  open: boolean;
  /** The filled "not a media enquiry" message, and whether the journalist can be sent it. */
  notMedia: { message: string; canSend: boolean };
  office: OfficeConfig;
  now: Date;
  csrf: string;
  /**
   * The desk's stale-send fields for the one-click close (what the page saw, the form's key): a
   * close from a page loaded before a colleague acted is stopped like the status form's.
   */
  guardFields?: Child;
}) {
  const k = p.known;
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  return (
    <section
      class={`panel journalist-panel${k?.journalist.flags.length ? ' panel--urgent' : ''}`}
      aria-labelledby="journalist-title"
    >
      <h2 id="journalist-title">Journalist</h2>
      {k ? (
        <>
          {k.journalist.flags.length ? (
            <ul class="journalist-flags">
              {k.journalist.flags.map((f) => (
                <li>
                  <strong>{FLAG_LABELS[f] ?? f}</strong>
                </li>
              ))}
            </ul>
          ) : null}
          <p>
            <a href={`${JOURNALISTS_PATH}/${k.journalist.id}`}>{k.journalist.name}</a>
            {k.outlets.length ? `, ${k.outlets.map((o) => o.name).join(', ')}` : ''}
          </p>
          <p>UK Press Card: {pressCardText(k.journalist)}</p>
          {k.notes.length ? (
            <>
              <h3>Latest notes</h3>
              <ul>
                {k.notes.map((n) => (
                  <li>
                    <span class="pre">{n.text}</span>{' '}
                    <span class="hint">
                      ({n.written_by}, {when(n.at)})
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Their other enquiries</h3>
          {k.history.length ? (
            <ul>
              {k.history.map((h) => (
                <li>
                  <a href={`/desk/enquiries/${h.reference}`}>{h.reference}</a> {when(h.received_at)}: {h.subject} (
                  {statusLabel(h.status)}
                  {h.outcome ? `: ${outcomeLabel(h.outcome)}` : ''})
                </li>
              ))}
            </ul>
          ) : (
            <p>None.</p>
          )}
          {p.open && k.journalist.flags.some((f) => f === 'not_press' || f === 'auditor') ? <NotMedia {...p} /> : null}
        </>
      ) : (
        <>
          <p>
            <strong>Not yet known.</strong> No journalist’s record has this phone number or email address.
            {p.outletName ? ` The outlet given is ${p.outletName}.` : ''}
          </p>
          <form method="post" action={`${JOURNALISTS_PATH}/from-enquiry`} class="inline-form">
            <Csrf token={p.csrf} />
            <input type="hidden" name="reference" value={p.reference} />
            <button type="submit" class="button button--secondary">
              Create a record
            </button>
          </form>
          <p>
            <a href={`${JOURNALISTS_PATH}?add=${p.reference}`}>Add to a journalist record</a> (someone the desk knows,
            writing from a new number or address)
          </p>
          {p.open ? <NotMedia {...p} /> : null}
        </>
      )}
    </section>
  );
}
