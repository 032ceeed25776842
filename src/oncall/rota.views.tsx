import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import type { RotaEntryWithPerson } from './rota.repository.js';
import { formatShortTime } from '../hours/format.js';
import { Field, fieldClass } from '../http/field.js';
import { FieldError } from '../http/layout.js';
import type { OnCallContact, ScheduleSegment } from './rota.service.js';
import { ROTA_LIMITS } from './rota.service.js';
import { NO_TEXTS_NOTICE } from './text-reach.js';
import { cannotTakeTexts } from '../enquiries/phone-numbers.js';
import type { Person, RotaRole } from './rota.tables.js';
import type { DeskSession } from '../web/session.js';
import { Notice, ProblemSummary } from '../web/forms.js';
import {
  ENTRY_FIELDS,
  PERSON_FIELDS,
  SHIFT_FIELDS,
  type EntryField,
  type PersonField,
  type RotaProblem,
  type ShiftField,
} from './rota.forms.js';
import { Csrf, DeskLayout } from '../web/layout.js';

/** Element ids of the fields of the "add a shift" form, by the field names the service reports. */
export function shiftFieldId(field: ShiftField | 'form'): string {
  return `shift-${field === 'createdBy' ? 'personId' : field}`;
}

/** Element ids of the "add a person" form. */
export function personFieldId(field: PersonField | 'form'): string {
  return `person-${field}`;
}

/** Element id of the phone field of one person's "change phone" form. */
export function phoneFieldId(personId: string): string {
  return `phone-${personId}`;
}

/** Element id of a field of one shift's "edit" form. */
export function entryFieldId(entryId: string, field: EntryField | 'form'): string {
  return `entry-${entryId}-${field}`;
}

/** An instant as a `datetime-local` value in office time. */
function localValue(d: Date, zone: string): string {
  return DateTime.fromJSDate(d).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/**
 * The shifts and overrides touching the fortnight, each with an edit form (who, from, to), and
 * "End now" once it has started or a confirmed delete before then.
 */
/** Beside a reminded shift: confirmed (OK by text), or still awaiting it. Nothing before its reminder. */
function Confirmation(p: { at: Date | null | undefined; office: OfficeConfig; now: Date }) {
  if (p.at === undefined) return null;
  return p.at ? (
    <span class="tag tag--ok"> confirmed {formatShortTime(p.at, p.office, p.now)}</span>
  ) : (
    <strong class="tag tag--warn"> not confirmed</strong>
  );
}

/** Beside a number not yet proved: the code's form, and a new code. */
function Unverified(p: {
  person: Person;
  csrf: string;
  problem: RotaProblem | undefined;
  sentAt: Date | undefined;
  office: OfficeConfig;
  now: Date;
}) {
  const x = p.person;
  const mine = p.problem?.form === 'code' && p.problem.rowId === x.id ? p.problem : undefined;
  return (
    <div class="verify">
      <strong class="tag tag--warn"> not verified</strong>
      <span class="hint">
        {p.sentAt ? ` Code sent ${formatShortTime(p.sentAt, p.office, p.now)}.` : ' No code waiting.'} Cannot be put on
        a shift until verified.
      </span>
      <details class="row-details" open={Boolean(mine)}>
        <summary>
          Enter code<span class="visually-hidden"> for {x.name}</span>
        </summary>
        <form method="post" action={`/desk/rota/people/${x.id}/verify`} novalidate>
          <Csrf token={p.csrf} />
          <Field
            id={`code-${x.id}`}
            name="code"
            label={`Code sent to ${x.name}`}
            error={mine?.errors.code}
            attrs={{ inputmode: 'numeric', autocomplete: 'one-time-code', value: '' }}
          />
          <button type="submit" class="button">
            Verify number
          </button>
        </form>
        <form method="post" action={`/desk/rota/people/${x.id}/send-code`} class="inline-form">
          <Csrf token={p.csrf} />
          <button type="submit" class="button button--secondary">
            Send a new code<span class="visually-hidden"> to {x.name}</span>
          </button>
        </form>
      </details>
    </div>
  );
}

/** When a person's number last took a page or test, and whether the last one failed. */
function LastReached(p: {
  reach: { last: { at: Date; ok: boolean }; lastOk: Date | null } | undefined;
  office: OfficeConfig;
  now: Date;
}) {
  if (!p.reach) return <span class="hint">No page or test yet</span>;
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  return (
    <>
      {p.reach.lastOk ? <span>Reached {when(p.reach.lastOk)}</span> : <span class="hint">Never reached</span>}
      {p.reach.last.ok ? null : (
        <strong class="tag tag--warn"> last page or test failed {when(p.reach.last.at)}</strong>
      )}
    </>
  );
}

function Entries(p: {
  entries: RotaEntryWithPerson[];
  confirmations?: ReadonlyMap<string, Date | null>;
  people: Person[];
  office: OfficeConfig;
  now: Date;
  csrf: string;
  problem?: Extract<RotaProblem, { form: 'entry' }>;
}) {
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  if (!p.entries.length) return <p>No shifts or overrides in this period.</p>;
  return (
    <table class="rota-entries stack" aria-labelledby="entries-title">
      <thead>
        <tr>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col">Who</th>
          <th scope="col">Role</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {p.entries.map((e) => {
          const mine = p.problem?.rowId === e.id ? p.problem : undefined;
          const err = mine?.errors ?? {};
          const v = mine?.values ?? {};
          const started = e.starts_at <= p.now;
          const what = e.is_override ? 'override' : 'shift';
          const label = `${e.name}'s ${what} from ${when(e.starts_at)}`;
          const id = (f: EntryField) => entryFieldId(e.id, f);
          const personId = v.personId ?? e.person_id;
          return (
            <tr id={`entry-row-${e.id}`}>
              <td data-label="From">
                <time datetime={e.starts_at.toISOString()}>{when(e.starts_at)}</time>
              </td>
              <td data-label="To">
                <time datetime={e.ends_at.toISOString()}>{when(e.ends_at)}</time>
              </td>
              <td data-label="Who">
                <Contact
                  contact={{
                    personId: e.person_id,
                    name: e.name,
                    phone: e.phone,
                    source: e.is_override ? 'override' : 'shift',
                  }}
                />
              </td>
              <td data-label="Role">
                {e.role === 'primary' ? 'On call' : 'Backup'}
                <Confirmation at={p.confirmations?.get(e.id)} office={p.office} now={p.now} />
              </td>
              <td data-label="Actions" class="row-actions">
                <details class="row-details" open={Boolean(mine)}>
                  <summary>
                    Edit<span class="visually-hidden"> {label}</span>
                  </summary>
                  <form method="post" action={`/desk/rota/shifts/${e.id}`} novalidate>
                    <Csrf token={p.csrf} />
                    <Field
                      id={id('personId')}
                      name="personId"
                      label="Who"
                      hint={started ? 'It has started: who was on call cannot change.' : undefined}
                      error={err.personId}
                      as="select"
                    >
                      {p.people.map((x) => (
                        <option
                          value={x.id}
                          selected={personId === x.id}
                          disabled={!x.phone_verified_at && x.id !== e.person_id}
                        >
                          {x.name} ({x.phone}){x.phone_verified_at ? '' : ' (number not verified)'}
                        </option>
                      ))}
                    </Field>
                    <Field
                      id={id('startsAt')}
                      name="startsAt"
                      label="From"
                      hint="Office time"
                      error={err.startsAt}
                      attrs={{
                        type: 'datetime-local',
                        value: v.startsAt ?? localValue(e.starts_at, p.office.timezone),
                      }}
                    />
                    <Field
                      id={id('endsAt')}
                      name="endsAt"
                      label="To"
                      hint="Office time. The shift ends just before this."
                      error={err.endsAt}
                      attrs={{ type: 'datetime-local', value: v.endsAt ?? localValue(e.ends_at, p.office.timezone) }}
                    />
                    <button type="submit" class="button">
                      Save {what}
                    </button>
                  </form>
                </details>
                {started ? (
                  <form method="post" action={`/desk/rota/shifts/${e.id}/end`} class="inline-form">
                    <Csrf token={p.csrf} />
                    <button type="submit" class="button button--secondary">
                      End now<span class="visually-hidden">: {label}</span>
                    </button>
                  </form>
                ) : (
                  <details class="row-details">
                    <summary>
                      Delete<span class="visually-hidden"> {label}</span>
                    </summary>
                    <form method="post" action={`/desk/rota/shifts/${e.id}/delete`}>
                      <Csrf token={p.csrf} />
                      <p>Delete {label}? Whoever else covers that time, or the out-of-hours line, is paged instead.</p>
                      <button type="submit" class="button button--warning">
                        Yes, delete this {what}
                      </button>
                    </form>
                  </details>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** What the rota page shows; `problem` is a refused form to show again. */
export interface RotaPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  days: number;
  segments: ScheduleSegment[];
  people: Person[];
  /** Shifts and overrides touching the period, to edit or delete. */
  entries: RotaEntryWithPerson[];
  notice?: string;
  problem?: RotaProblem;
  /** Numbers that texted STOP (sms_opt_out): pages to them go as calls. */
  optOuts?: ReadonlySet<string>;
  /** People with a verification code waiting, and when it was sent. */
  codesSent?: ReadonlyMap<string, Date>;
  /** Open gaps in the rota (rota-guard.service.ts), each with its words. */
  gaps?: ReadonlyArray<{ startsAt: Date; endsAt: Date; text: string }>;
  /** Reminded entries by id: when confirmed, or null when still awaiting OK. */
  confirmations?: ReadonlyMap<string, Date | null>;
  /** Per phone: when a page or test last reached it, and whether the last one failed. */
  reach?: ReadonlyMap<string, { last: { at: Date; ok: boolean }; lastOk: Date | null }>;
}

/** Whether any open gap overlaps [from, to). */
function inGap(gaps: RotaPageProps['gaps'], from: Date, to: Date): boolean {
  return (gaps ?? []).some((g) => g.startsAt < to && from < g.endsAt);
}

/** Beside a number that texted STOP: Press Desk does not text it, so its pages are calls (paging escalates past the text). */
export const ROTA_OPT_OUT = 'texted STOP: pages to them are calls until they text START';

function OptOutTag(props: { phone: string; optOuts: ReadonlySet<string> | undefined }) {
  return props.optOuts?.has(props.phone) ? <strong class="tag tag--opt-out"> {ROTA_OPT_OUT}</strong> : null;
}

function Contact(props: { contact: OnCallContact; optOuts?: ReadonlySet<string> }) {
  const c = props.contact;
  return (
    <>
      <strong>{c.name}</strong> <a href={`tel:${c.phone}`}>{c.phone}</a>
      <OptOutTag phone={c.phone} optOuts={props.optOuts} />{' '}
      {c.source === 'override' ? <span class="tag tag--override">Override</span> : null}
      {c.source === 'fallback' ? <span class="hint"> (nobody on the rota)</span> : null}
      <NoTexts phone={c.phone} />
    </>
  );
}

/** Beside a number that cannot take texts (a landline, an 03 number): its pages are calls (issue 24). */
function NoTexts(props: { phone: string }) {
  return cannotTakeTexts(props.phone) ? <span class="hint no-texts"> ({NO_TEXTS_NOTICE})</span> : null;
}

/** The error summary of the refused form, if any, linking to its fields (a row's form: that row's). */
function RotaProblemSummary(props: { problem: RotaProblem | undefined }) {
  const { problem } = props;
  switch (problem?.form) {
    case undefined:
      return null;
    case 'shift':
      return <ProblemSummary problem={problem} ids={shiftFieldId} order={SHIFT_FIELDS} />;
    case 'person':
      return <ProblemSummary problem={problem} ids={personFieldId} order={PERSON_FIELDS} />;
    case 'entry':
      return <ProblemSummary problem={problem} ids={(f) => entryFieldId(problem.rowId, f)} order={ENTRY_FIELDS} />;
    case 'phone':
      return <ProblemSummary problem={problem} ids={() => phoneFieldId(problem.rowId)} />;
  }
}

/** When the contact holding `role` at the start of `segments` changes, if within them. */
function until(segments: ScheduleSegment[], role: RotaRole): Date | null {
  const first = segments[0]?.[role] ?? null;
  for (const s of segments) {
    const c = s[role];
    const same =
      c === null || first === null
        ? c === first
        : c.personId === first.personId && c.phone === first.phone && c.source === first.source;
    if (!same) return s.from;
  }
  return null;
}

/**
 * The rota page for managers: who is on call now, the next two weeks, the staff who can be on
 * call (change a phone, send a test page, take someone off), and forms to add a shift, an
 * override or a person. Times are office time.
 */
export function RotaPage(p: RotaPageProps) {
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  const csrf = p.session.session.csrf_token;
  const problem = p.problem;
  const shift = problem?.form === 'shift' ? problem : undefined;
  const person = problem?.form === 'person' ? problem : undefined;
  const sv = shift?.values ?? {};
  const se = shift?.errors ?? {};
  const pv = person?.values ?? {};
  const pe = person?.errors ?? {};
  const now = p.segments[0];
  const primaryUntil = until(p.segments, 'primary');
  const backupUntil = until(p.segments, 'backup');
  const role = sv.role === 'backup' ? 'backup' : 'primary';
  return (
    <DeskLayout
      title={`${problem ? 'Error: ' : ''}On-call rota`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/rota"
    >
      <RotaProblemSummary problem={problem} />
      <Notice text={p.notice} />
      <h1>On-call rota</h1>
      <p class="hint">All times are office time ({p.office.timezone}).</p>
      <p>
        <a href="/desk/rota/feeds">Calendar feeds</a>: put shifts in Outlook or another calendar.
      </p>
      <p>
        <a href="/desk/rota/rotations">Repeating rotations</a>: shifts generated in turn from a list of people.
      </p>

      <section
        aria-labelledby="now-title"
        class={`panel oncall-now${now && now.primary.source === 'fallback' ? ' oncall-now--fallback' : ''}`}
      >
        <h2 id="now-title">On call now</h2>
        {now ? (
          <dl class="summary">
            <dt>On call</dt>
            <dd>
              {now.primary.source === 'fallback' ? (
                <>
                  Nobody is on the rota: pages go to the <strong>{now.primary.name}</strong>{' '}
                  <a href={`tel:${now.primary.phone}`}>{now.primary.phone}</a>
                  <NoTexts phone={now.primary.phone} />
                  <OptOutTag phone={now.primary.phone} optOuts={p.optOuts} />
                </>
              ) : (
                <Contact contact={now.primary} optOuts={p.optOuts} />
              )}
              {primaryUntil ? <span class="hint"> until {when(primaryUntil)}</span> : null}
            </dd>
            <dt>Backup (next contact)</dt>
            <dd>
              {now.backup ? <Contact contact={now.backup} optOuts={p.optOuts} /> : 'None'}
              {backupUntil ? <span class="hint"> until {when(backupUntil)}</span> : null}
            </dd>
          </dl>
        ) : null}
      </section>

      {p.gaps?.length ? (
        <section aria-labelledby="gaps-title" class="panel rota-gaps">
          <h2 id="gaps-title">{p.gaps.length === 1 ? 'A gap in the rota' : `${p.gaps.length} gaps in the rota`}</h2>
          <p>
            Out of hours in these stretches, urgent enquiries go to the out-of-hours line or to a number that failed its
            last page or test. Add a shift, or fix the number and send a test page.
          </p>
          <ul>
            {p.gaps.map((g) => (
              <li>{g.text}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <h2 id="schedule-title">The next {p.days} days</h2>
      <table class="rota-table stack" aria-labelledby="schedule-title">
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">On call</th>
            <th scope="col">Backup</th>
          </tr>
        </thead>
        <tbody>
          {p.segments.map((s) => (
            <tr
              class={
                [s.primary.source === 'fallback' ? 'is-fallback' : '', inGap(p.gaps, s.from, s.to) ? 'is-gap' : '']
                  .filter(Boolean)
                  .join(' ') || undefined
              }
            >
              <td data-label="From">
                <time datetime={s.from.toISOString()}>{when(s.from)}</time>
              </td>
              <td data-label="To">
                <time datetime={s.to.toISOString()}>{when(s.to)}</time>
              </td>
              <td data-label="On call">
                <Contact contact={s.primary} optOuts={p.optOuts} />
              </td>
              <td data-label="Backup">
                {s.backup ? <Contact contact={s.backup} optOuts={p.optOuts} /> : <span class="hint">None</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="entries-title">Shifts and overrides</h2>
      <Entries
        entries={p.entries}
        people={p.people}
        office={p.office}
        now={p.now}
        csrf={csrf}
        problem={problem?.form === 'entry' ? problem : undefined}
        confirmations={p.confirmations}
      />

      <h2 id="people-title">People who can be on call</h2>
      {p.people.length ? (
        <table class="rota-people stack" aria-labelledby="people-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Phone</th>
              <th scope="col">Last page or test</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.people.map((x) => {
              const mine = problem?.form === 'phone' && problem.rowId === x.id ? problem : undefined;
              const id = phoneFieldId(x.id);
              const err = mine?.errors.phone;
              return (
                <tr id={`person-row-${x.id}`}>
                  <td data-label="Name">{x.name}</td>
                  <td data-label="Phone">
                    <a href={`tel:${x.phone}`}>{x.phone}</a>
                    <OptOutTag phone={x.phone} optOuts={p.optOuts} />
                    <NoTexts phone={x.phone} />
                    {x.phone_verified_at ? null : (
                      <Unverified
                        person={x}
                        csrf={csrf}
                        problem={problem}
                        sentAt={p.codesSent?.get(x.id)}
                        office={p.office}
                        now={p.now}
                      />
                    )}
                  </td>
                  <td data-label="Last page or test">
                    <LastReached reach={p.reach?.get(x.phone)} office={p.office} now={p.now} />
                  </td>
                  <td data-label="Actions" class="row-actions">
                    <form method="post" action={`/desk/rota/people/${x.id}/test-page`} class="inline-form">
                      <Csrf token={csrf} />
                      <button type="submit" class="button button--secondary">
                        Send test page<span class="visually-hidden"> to {x.name}</span>
                      </button>
                    </form>
                    <details class="row-details" open={Boolean(mine)}>
                      <summary>
                        Change phone<span class="visually-hidden"> of {x.name}</span>
                      </summary>
                      <form method="post" action={`/desk/rota/people/${x.id}/phone`} novalidate>
                        <Csrf token={csrf} />
                        <Field
                          id={id}
                          name="phone"
                          label={`New phone number for ${x.name}`}
                          error={err}
                          attrs={{
                            type: 'tel',
                            autocomplete: 'off',
                            value: mine ? (mine.values.phone ?? '') : x.phone,
                          }}
                        />
                        <button type="submit" class="button">
                          Save phone number
                        </button>
                      </form>
                    </details>
                    <details class="row-details">
                      <summary>
                        Remove from the rota<span class="visually-hidden">: {x.name}</span>
                      </summary>
                      <form method="post" action={`/desk/rota/people/${x.id}/deactivate`}>
                        <Csrf token={csrf} />
                        <p>
                          {x.name}'s shifts stop counting at once: whoever else covers those times, or the out-of-hours
                          line, is paged instead. Past shifts stay on record.
                        </p>
                        <button type="submit" class="button button--warning">
                          Remove {x.name}
                        </button>
                      </form>
                    </details>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p>Nobody yet. Add a person below, or add a shift for someone new.</p>
      )}

      <div class="manager-forms">
        <form method="post" action="/desk/rota/shifts" novalidate class="manager-form" aria-labelledby="shift-title">
          <h2 id="shift-title">Add a shift or override</h2>
          <Csrf token={csrf} />
          <Field
            id="shift-personId"
            name="personId"
            label="Who"
            hint="Choose someone on the staff list, or choose “Someone new” and enter their name and phone number."
            error={se.personId ?? se.createdBy}
            as="select"
          >
            <option value="">Someone new (enter below)</option>
            {p.people.map((x) => (
              <option value={x.id} selected={sv.personId === x.id} disabled={!x.phone_verified_at}>
                {x.name} ({x.phone}){x.phone_verified_at ? '' : ' (number not verified)'}
              </option>
            ))}
          </Field>
          <fieldset class="field-group">
            <legend>Someone new</legend>
            <Field
              id="shift-name"
              name="name"
              label="Name"
              error={se.name}
              attrs={{ type: 'text', maxlength: ROTA_LIMITS.name, autocomplete: 'off', value: sv.name ?? '' }}
            />
            <Field
              id="shift-phone"
              name="phone"
              label="Phone number"
              hint="A mobile that receives pages, like 07911 123456"
              error={se.phone}
              attrs={{ type: 'tel', autocomplete: 'off', value: sv.phone ?? '' }}
            />
          </fieldset>
          <fieldset
            class={fieldClass(se.role, 'field-group')}
            aria-describedby={se.role ? 'shift-role-error' : undefined}
          >
            <legend>Role</legend>
            <FieldError id="shift-role" message={se.role} />
            <div class="radio">
              <input type="radio" id="shift-role" name="role" value="primary" checked={role === 'primary'} />
              <label for="shift-role">On call (primary): paged first</label>
            </div>
            <div class="radio">
              <input type="radio" id="shift-role-backup" name="role" value="backup" checked={role === 'backup'} />
              <label for="shift-role-backup">
                Backup: the next contact, paged when the on-call officer does not answer
              </label>
            </div>
          </fieldset>
          <Field
            id="shift-startsAt"
            name="startsAt"
            label="From"
            hint="Date and time, office time"
            error={se.startsAt}
            attrs={{ type: 'datetime-local', value: sv.startsAt ?? '' }}
          />
          <Field
            id="shift-endsAt"
            name="endsAt"
            label="To"
            hint="Date and time, office time. The shift ends just before this."
            error={se.endsAt}
            attrs={{ type: 'datetime-local', value: sv.endsAt ?? '' }}
          />
          <div class="field checkbox">
            <input
              type="checkbox"
              id="shift-override"
              name="override"
              value="yes"
              checked={sv.override === 'yes'}
              aria-describedby="shift-override-hint"
            />
            <div>
              <label for="shift-override">This is an override</label>
              <p class="hint" id="shift-override-hint">
                An override beats ordinary shifts for its time, for example when someone swaps or is ill.
              </p>
            </div>
          </div>
          <Field
            id="shift-note"
            name="note"
            label="Note (optional)"
            error={se.note}
            attrs={{ type: 'text', maxlength: ROTA_LIMITS.note, value: sv.note ?? '' }}
          />
          <button type="submit" class="button">
            Add to the rota
          </button>
        </form>

        <form method="post" action="/desk/rota/people" novalidate class="manager-form" aria-labelledby="person-title">
          <h2 id="person-title">Add a person</h2>
          <p class="hint">Add someone to the staff list without a shift, for example to send them a test page first.</p>
          <Csrf token={csrf} />
          <Field
            id="person-name"
            name="name"
            label="Name"
            error={pe.name}
            attrs={{ type: 'text', maxlength: ROTA_LIMITS.name, autocomplete: 'off', value: pv.name ?? '' }}
          />
          <Field
            id="person-phone"
            name="phone"
            label="Phone number"
            error={pe.phone}
            attrs={{ type: 'tel', autocomplete: 'off', value: pv.phone ?? '' }}
          />
          <button type="submit" class="button button--secondary">
            Add person
          </button>
        </form>
      </div>
    </DeskLayout>
  );
}
