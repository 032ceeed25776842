import type { OfficeConfig } from '../config.js';
import type { DeskSession } from '../web/session.js';
import { Notice } from '../web/forms.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import { channelLabel, statusLabel } from '../enquiries/enquiry.labels.js';
import { LineSentMarker } from './line-sent.views.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { describedBy, ErrorSummary, FieldError } from '../http/layout.js';
import { NewLineForm } from './holding-line.routes.js';
import type { LinesSignOff, LineWithCounts } from './holding-line.service.js';
import type { LineSignOff } from '../statements/signoff.service.js';
import type { AskableColleague } from '../colleagues/questions.repository.js';
import type { IncidentEnquiry } from './incident.repository.js';
import {
  INCIDENT_LIMITS,
  newLineForm,
  type DeclareErrors,
  type DeclareValues,
  type IncidentDetailsField,
  type IncidentPageErrors,
  type IncidentPageField,
  type IncidentPageValues,
} from './incident.forms.js';
import type { IncidentView } from './incident.service.js';
import type { Incident } from './incident.tables.js';
import { displayPerson } from '../enquiries/phone-numbers.js';

/** No names known: people are shown as stored, numbers formatted. */
const NO_NAMES: ReadonlyMap<string, string> = new Map();

type When = (d: Date) => string;

/** The declare form's element ids, in page order (the error summary follows it and links to them). */
const DECLARE_IDS = {
  name: 'incident-name',
  description: 'incident-description',
  terms: 'incident-terms',
} as const satisfies Record<IncidentDetailsField, string>;

/** A line's sign-off form's element ids (one form shows errors at a time). */
const LINE_SIGNOFF_IDS = { approvers: 'line-signoff-approvers', via: 'line-signoff-via' } as const;

/**
 * The incident page's forms' element ids, in page order: the edit form's, then the new line's
 * (its own ids, as on the page of just that form). The error summary links to these.
 */
const INCIDENT_PAGE_IDS = {
  name: 'edit-name',
  description: 'edit-description',
  terms: 'edit-terms',
  kind: newLineForm.ids.kind,
  text: newLineForm.ids.text,
  // A line's sign-off form (only one line's form is ever shown with errors).
  approvers: LINE_SIGNOFF_IDS.approvers,
  via: LINE_SIGNOFF_IDS.via,
  signoffLine: LINE_SIGNOFF_IDS.approvers,
  line: 'line',
  override: 'override',
  approver: 'incident-approver',
} as const satisfies Record<IncidentPageField, string>;

/** `errors` keyed by element id in page order, as the error summary lists them; `form` (a refusal of the whole form) last. */
function summaryById<F extends string>(ids: Readonly<Record<F, string>>, errors: Partial<Record<F | 'form', string>>) {
  const summary: Record<string, string> = {};
  for (const f of Object.keys(ids) as F[]) {
    const message = errors[f];
    if (message) summary[ids[f]] = message;
  }
  if (errors.form) summary.form = errors.form;
  return summary;
}

/** The incidents page: open and recent incidents; managers also get the form to declare one. */
export function IncidentsPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  incidents: Incident[];
  notice?: string;
  errors?: DeclareErrors;
  values?: DeclareValues;
  names?: ReadonlyMap<string, string>;
}) {
  const when: When = (d) => formatShortTime(d, p.office, p.now);
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const manager = p.session.user.role === 'manager';
  const open = p.incidents.filter((i) => !i.closed_at);
  const closed = p.incidents.filter((i) => i.closed_at);
  const summary = summaryById(DECLARE_IDS, errors);
  return (
    <DeskLayout
      title={`${hasErrors ? 'Error: ' : ''}Incidents`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/incidents"
    >
      {hasErrors ? <ErrorSummary errors={summary} order={Object.keys(summary)} /> : null}
      <Notice text={p.notice} />
      <h1>Incidents</h1>
      <p class="hint">
        When many enquiries are about one story, an incident groups them: one row in the queue, one page to work them
        from, one holding line to every journalist.
      </p>
      <h2>Open</h2>
      {open.length ? <IncidentList incidents={open} when={when} names={p.names} /> : <p>No incident is open.</p>}
      {manager ? (
        <form method="post" action="/desk/incidents" novalidate class="manager-form" aria-labelledby="declare-title">
          <h2 id="declare-title">Declare an incident</h2>
          <Csrf token={p.session.session.csrf_token} />
          <Field
            id={DECLARE_IDS.name}
            name="name"
            label="Name"
            hint="What the desk calls the story, for example: Market Street cordon."
            error={errors.name}
            attrs={{ type: 'text', maxlength: INCIDENT_LIMITS.name, autocomplete: 'off', value: values.name ?? '' }}
          />
          <Field
            id={DECLARE_IDS.description}
            name="description"
            label="Short description (optional)"
            error={errors.description}
            as="textarea"
            attrs={{ rows: 3, maxlength: INCIDENT_LIMITS.description }}
          >
            {values.description ?? ''}
          </Field>
          <Field
            id={DECLARE_IDS.terms}
            name="terms"
            label="Search terms"
            hint="Words that pick out its enquiries, as in the queue's search: market street cordon, or use OR: cordon OR evacuated. New enquiries that match are linked as they arrive."
            error={errors.terms}
            attrs={{
              type: 'text',
              maxlength: INCIDENT_LIMITS.terms,
              autocomplete: 'off',
              spellcheck: false,
              value: values.terms ?? '',
            }}
          />
          <button type="submit" class="button">
            Declare the incident
          </button>
        </form>
      ) : (
        <p class="hint">Only managers can declare an incident. Any officer can link and unlink enquiries.</p>
      )}
      {closed.length ? (
        <>
          <h2>Closed</h2>
          <IncidentList incidents={closed} when={when} names={p.names} />
        </>
      ) : null}
    </DeskLayout>
  );
}

function IncidentList(props: { incidents: Incident[]; when: When; names?: ReadonlyMap<string, string> }) {
  return (
    <ul class="incident-list">
      {props.incidents.map((i) => (
        <li>
          <a href={`/desk/incidents/${i.id}`}>{i.name}</a>{' '}
          <span class="hint">
            declared {props.when(i.declared_at)} by {displayPerson(i.declared_by, props.names ?? NO_NAMES)}
            {i.closed_at ? `, closed ${props.when(i.closed_at)}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** What the incident page shows; `lines` only once the holding lines are wired, `errors` for the new-line form. */
export interface IncidentPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  view: IncidentView;
  lines?: LineWithCounts[];
  notice?: string;
  errors?: IncidentPageErrors;
  values?: IncidentPageValues;
  /** Staff names by email and rota number (`knownNames`): who declared and wrote lines is shown by name. */
  names?: ReadonlyMap<string, string>;
  /** The lines' sign-off, where lines need it (`statements.signOff`). */
  signOff?: LinesSignOff | null;
  /** Who may be named the incident's approver (the directory), for managers. */
  approverChoices?: AskableColleague[];
}

/**
 * One incident: what it is, who declared it and whether on-call has it; its linked enquiries (each
 * with Unlink), the open enquiries its terms suggest (each with Link, and one button for all), and
 * what the office said (holding and press lines, with how many journalists have had each).
 */
export function IncidentPage(p: IncidentPageProps) {
  const { incident, linked, suggested } = p.view;
  const when: When = (d) => formatShortTime(d, p.office, p.now);
  const by: When = (d) => formatDeadline(d, p.office, p.now);
  const csrf = p.session.session.csrf_token;
  const open = !incident.closed_at;
  const errors = p.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const base = `/desk/incidents/${incident.id}`;
  const stillOpen = linked.filter((e) => isOpenStatus(e.status)).length;
  const summary = summaryById(INCIDENT_PAGE_IDS, errors);
  const choices = p.approverChoices ?? [];
  const approver = choices.find((c) => c.id === incident.approver_id);
  return (
    <DeskLayout
      title={`${hasErrors ? 'Error: ' : ''}Incident: ${incident.name}`}
      officeName={p.office.name}
      session={p.session}
      current="/desk/incidents"
      scripts={['/assets/insert.js']}
    >
      <p>
        <a href="/desk/incidents">← All incidents</a> · <a href="/desk">Queue</a>
      </p>
      {hasErrors ? <ErrorSummary errors={summary} order={Object.keys(summary)} /> : null}
      <Notice text={p.notice} />
      <h1>
        <span class="hint">Incident:</span> {incident.name} {open ? null : <span class="tag">Closed</span>}
      </h1>
      {incident.description ? <p class="lead pre">{incident.description}</p> : null}
      <dl class="summary">
        <dt>Search terms</dt>
        <dd>
          <code>{incident.terms}</code>
        </dd>
        <dt>Declared</dt>
        <dd>
          {when(incident.declared_at)} by {displayPerson(incident.declared_by, p.names ?? NO_NAMES)}
        </dd>
        <dt>On-call</dt>
        <dd>
          {incident.acknowledged_at
            ? `Has the story (acknowledged ${when(incident.acknowledged_at)}): linked urgent enquiries out of hours go into a summary text instead of paging one by one.`
            : 'Not acknowledged: urgent enquiries out of hours still page on-call one by one.'}
        </dd>
        <dt>Enquiries</dt>
        <dd>
          {linked.length} linked, {stillOpen} open ·{' '}
          <a href={`/desk/incidents/${incident.id}/report`}>Report on this incident</a>
        </dd>
        <dt>Signs off</dt>
        <dd>
          {approver
            ? `${approver.name}${approver.role ? `, ${approver.role}` : ''}: offered first when a line or a linked enquiry’s response goes for sign-off`
            : 'Nobody named'}
        </dd>
        {incident.closed_at ? (
          <>
            <dt>Closed</dt>
            <dd>{when(incident.closed_at)}</dd>
          </>
        ) : null}
      </dl>
      {open && p.session.user.role === 'manager' ? (
        <form method="post" action={`${base}/close`} class="inline-form">
          <Csrf token={csrf} />
          <button type="submit" class="button button--secondary" aria-describedby="close-hint">
            Close the incident
          </button>
          <p class="hint" id="close-hint">
            New enquiries are no longer linked to it; the ones linked stay linked and go back to the queue as their own
            rows.
          </p>
        </form>
      ) : null}

      {open && p.session.user.role === 'manager' ? (
        <EditForm incident={incident} csrf={csrf} errors={errors} values={p.values ?? {}} />
      ) : null}
      {open && p.session.user.role === 'manager' && choices.length ? (
        <form method="post" action={`${base}/approver`} class="inline-form">
          <Csrf token={csrf} />
          <Field
            id={INCIDENT_PAGE_IDS.approver}
            name="approver"
            label="Who signs off its lines and responses"
            hint="The SIO or gold commander: offered first when anything about this incident goes for sign-off."
            as="select"
            error={errors.approver}
          >
            <option value="">Nobody named</option>
            {choices.map((c) => (
              <option value={c.id} selected={c.id === incident.approver_id}>
                {c.name}
                {c.role ? `, ${c.role}` : ''}
              </option>
            ))}
          </Field>
          <button type="submit" class="button button--secondary">
            Save approver
          </button>
        </form>
      ) : null}

      <section aria-labelledby="linked-title">
        <h2 id="linked-title">Linked enquiries ({linked.length})</h2>
        {linked.length ? (
          <EnquiryTable
            caption={`Enquiries linked to ${incident.name}, newest first`}
            rows={linked}
            when={when}
            by={by}
          >
            {(e) => (
              <form method="post" action={`${base}/unlink`} class="inline-form">
                <Csrf token={csrf} />
                <input type="hidden" name="reference" value={e.reference} />
                <button type="submit" class="button button--secondary">
                  Unlink<span class="visually-hidden"> {e.reference}</span>
                </button>
              </form>
            )}
          </EnquiryTable>
        ) : (
          <p>No enquiry is linked yet.</p>
        )}
      </section>

      {open ? (
        <section aria-labelledby="suggested-title">
          <h2 id="suggested-title">Suggested: open enquiries that match ({suggested.length})</h2>
          {suggested.length ? (
            <>
              <form method="post" action={`${base}/link-suggested`}>
                <Csrf token={csrf} />
                <button type="submit" class="button">
                  Link all {suggested.length} suggested
                </button>
              </form>
              <EnquiryTable
                caption={`Open enquiries matching the terms of ${incident.name}, not yet linked`}
                rows={suggested}
                when={when}
                by={by}
              >
                {(e) => (
                  <form method="post" action={`${base}/link`} class="inline-form">
                    <Csrf token={csrf} />
                    <input type="hidden" name="reference" value={e.reference} />
                    <button type="submit" class="button button--secondary">
                      Link<span class="visually-hidden"> {e.reference}</span>
                    </button>
                  </form>
                )}
              </EnquiryTable>
            </>
          ) : (
            <p>No other open enquiry matches the search terms. Link one by hand from its page.</p>
          )}
        </section>
      ) : null}

      <section aria-labelledby="lines-title" id="lines" class="incident-lines">
        <h2 id="lines-title">What the office said</h2>
        {p.lines ? (
          <Lines
            lines={p.lines}
            base={base}
            csrf={csrf}
            open={open}
            when={when}
            names={p.names ?? NO_NAMES}
            incidentId={incident.id}
            errors={errors}
            values={p.values}
            signOff={p.signOff ?? null}
          />
        ) : null}
      </section>
    </DeskLayout>
  );
}

/** Name, description and terms of an open incident, with "Check matches" (a plain submit: counts, saves nothing). */
function EditForm(props: { incident: Incident; csrf: string; errors: IncidentPageErrors; values: IncidentPageValues }) {
  const { incident, errors, values } = props;
  const editing = (['name', 'description', 'terms'] as const).some((f) => errors[f] || values[f] !== undefined);
  return (
    <details class="incident-edit" open={editing}>
      <summary>Change the name, description or search terms</summary>
      <form method="post" action={`/desk/incidents/${incident.id}/edit`} novalidate class="manager-form">
        <Csrf token={props.csrf} />
        <Field
          id={INCIDENT_PAGE_IDS.name}
          name="name"
          label="Name"
          error={errors.name}
          attrs={{
            type: 'text',
            maxlength: INCIDENT_LIMITS.name,
            autocomplete: 'off',
            value: values.name ?? incident.name,
          }}
        />
        <Field
          id={INCIDENT_PAGE_IDS.description}
          name="description"
          label="Short description (optional)"
          error={errors.description}
          as="textarea"
          attrs={{ rows: 3, maxlength: INCIDENT_LIMITS.description }}
        >
          {values.description ?? incident.description}
        </Field>
        <Field
          id={INCIDENT_PAGE_IDS.terms}
          name="terms"
          label="Search terms"
          hint="New enquiries that match are linked as they arrive; those already linked stay linked."
          error={errors.terms}
          attrs={{
            type: 'text',
            maxlength: INCIDENT_LIMITS.terms,
            autocomplete: 'off',
            spellcheck: false,
            value: values.terms ?? incident.terms,
          }}
        />
        <button type="submit" name="check" value="1" class="button button--secondary">
          Check matches
        </button>{' '}
        <button type="submit" class="button">
          Save changes
        </button>
      </form>
    </details>
  );
}

/** The holding and press lines, oldest first, each with how many have had it and the send button; then the form for a new one. */
function Lines(props: {
  lines: LineWithCounts[];
  base: string;
  csrf: string;
  open: boolean;
  when: When;
  names: ReadonlyMap<string, string>;
  incidentId: string;
  errors: IncidentPageErrors;
  values?: IncidentPageValues;
  signOff: LinesSignOff | null;
}) {
  const so = props.signOff;
  return (
    <>
      {so ? (
        <p class="hint">
          Lines need sign-off before they go to journalists: send each for sign-off, and send it once approved. The
          approval is for the exact words.
        </p>
      ) : null}
      {props.lines.length ? (
        <ol class="lines">
          {props.lines.map(({ line, had, notHad, unreachable, sending }) => (
            <li class={`line line--${line.kind}`}>
              <p>
                <strong>{line.kind === 'press' ? 'Press line' : 'Holding line'}</strong>{' '}
                <span class="hint">
                  {props.when(line.created_at)} by {displayPerson(line.created_by, props.names)}
                </span>
              </p>
              <p class="pre quote">{line.text}</p>
              {sending ? (
                <p class="line-sending">
                  <strong>Sending</strong> to {notHad} {notHad === 1 ? 'journalist' : 'journalists'} now (had it so far:{' '}
                  {had}). <a href={`${props.base}#lines`}>Reload</a> to see it done.
                </p>
              ) : (
                <p>
                  Sent to {had} {had === 1 ? 'journalist' : 'journalists'}
                  {notHad
                    ? `; ${notHad} linked ${notHad === 1 ? 'has' : 'have'} not had it`
                    : '; every linked journalist has had it'}
                  {unreachable ? `; ${unreachable} cannot be reached (no number for texts, no email address)` : ''}.
                </p>
              )}
              {so ? (
                <LineSignOffPart
                  lineId={line.id}
                  state={so.byLine.get(line.id)}
                  signOff={so}
                  base={props.base}
                  csrf={props.csrf}
                  open={props.open && notHad > 0 && !sending}
                  when={props.when}
                  errors={props.values?.signoffLine === line.id ? props.errors : {}}
                />
              ) : null}
              {props.open && notHad > 0 && !sending && (!so || so.byLine.get(line.id)?.approved) ? (
                <p>
                  <a href={`${props.base}/lines/${line.id}/send`} class="button">
                    Preview and send to the {notHad} who {notHad === 1 ? 'has' : 'have'} not had it
                  </a>
                </p>
              ) : so && props.open && notHad > 0 && !sending ? (
                <p>
                  <a href={`${props.base}/lines/${line.id}/send`}>Preview it</a> (it goes once approved)
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <p>No holding line yet.</p>
      )}
      {props.open ? (
        <>
          <h3>New line</h3>
          <NewLineForm incidentId={props.incidentId} csrf={props.csrf} errors={props.errors} values={props.values} />
        </>
      ) : null}
    </>
  );
}

const REQUEST_WORDS = {
  pending: 'waiting',
  approved: 'approved',
  returned: 'returned it',
  void: 'no longer asked',
} as const;

/**
 * One line's sign-off: where it stands (awaiting whom since when, approved by whom, returned with
 * what comment) and, while it can still be sent, the form to send it for sign-off.
 */
function LineSignOffPart(props: {
  lineId: string;
  state: LineSignOff | undefined;
  signOff: LinesSignOff;
  base: string;
  csrf: string;
  open: boolean;
  when: When;
  errors: IncidentPageErrors;
}) {
  const { state, signOff, errors } = props;
  const d = state?.draft ?? null;
  const returned = state?.requests.find((r) => r.state === 'returned' && r.comment);
  return (
    <div class="line-signoff">
      {state?.approved ? (
        <p>
          <strong>Signed off</strong> by {d?.approved_by} at {d?.approved_at ? props.when(d.approved_at) : ''}.
        </p>
      ) : d?.state === 'awaiting' ? (
        <p>
          <strong>Awaiting sign-off</strong> since {d.sent_at ? props.when(d.sent_at) : ''}:{' '}
          {state?.requests
            .filter((r) => r.state !== 'void')
            .map((r) => `${r.name}, ${REQUEST_WORDS[r.state]}`)
            .join(', ')}
          .
        </p>
      ) : d?.state === 'returned' ? (
        <p>
          <strong>Returned</strong>
          {returned ? ` by ${returned.name}: “${returned.comment}”` : ''}. Write a new line with the changes.
        </p>
      ) : (
        <p>
          <strong>Needs sign-off</strong> before it is sent.
        </p>
      )}
      {props.open && !state?.approved && d?.state !== 'returned' ? (
        <form method="post" action={`${props.base}/lines/${props.lineId}/signoff`} class="action" novalidate>
          <Csrf token={props.csrf} />
          <fieldset
            id={LINE_SIGNOFF_IDS.approvers}
            class={`field${errors.approvers ? ' field--error' : ''}`}
            aria-describedby={describedBy(LINE_SIGNOFF_IDS.approvers, { error: errors.approvers })}
            tabindex={-1}
          >
            <legend>{d?.state === 'awaiting' ? 'Ask again, or ask someone else' : 'Who signs it off'}</legend>
            <FieldError id={LINE_SIGNOFF_IDS.approvers} message={errors.approvers} />
            {signOff.approvers.length ? (
              signOff.approvers.map((a) => (
                <div class="checkbox">
                  <input
                    type="checkbox"
                    name="approvers"
                    value={a.id}
                    id={`line-${props.lineId}-approver-${a.id}`}
                    checked={a.id === signOff.defaultApprover}
                  />
                  <label for={`line-${props.lineId}-approver-${a.id}`}>
                    {a.name}
                    {a.role ? `, ${a.role}` : ''}
                    {a.id === signOff.defaultApprover ? ' (the incident’s approver)' : ''}
                  </label>
                </div>
              ))
            ) : (
              <p>No colleague in the directory yet: a manager adds them under Colleagues.</p>
            )}
          </fieldset>
          <Field id={LINE_SIGNOFF_IDS.via} label="Send it by" as="select" error={errors.via} name="via">
            <option value="sms">Text</option>
            {signOff.emailEnabled ? <option value="email">Email</option> : null}
          </Field>
          <button type="submit" class="button button--secondary">
            Send for sign-off
          </button>
        </form>
      ) : null}
    </div>
  );
}

/** Linked or suggested enquiries: reference, channel, outlet, subject, due, status, answered; `children` gives each row's button. */
function EnquiryTable(props: {
  caption: string;
  rows: IncidentEnquiry[];
  when: When;
  by: When;
  children: (e: IncidentEnquiry) => unknown;
}) {
  return (
    <table class="incident-enquiries stack">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Enquiry</th>
          <th scope="col">Channel</th>
          <th scope="col">Outlet</th>
          <th scope="col">Subject</th>
          <th scope="col">Due</th>
          <th scope="col">Status</th>
          <th scope="col">Answered</th>
          <th scope="col">
            <span class="visually-hidden">Action</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((e) => {
          const due = e.deadline ?? e.respond_by;
          return (
            <tr id={`incident-enquiry-${e.reference}`}>
              <td data-label="Enquiry">
                <a href={`/desk/enquiries/${e.reference}`}>{e.reference}</a>{' '}
                {e.urgent ? <strong class="tag tag--urgent">Urgent</strong> : null}
              </td>
              <td data-label="Channel">{channelLabel(e.channel)}</td>
              <td data-label="Outlet">{e.outlet || <span class="hint">(not given)</span>}</td>
              <td data-label="Subject" class="subject">
                {e.subject}
              </td>
              <td data-label="Due">
                {due ? (
                  <>
                    <time datetime={due.toISOString()}>{props.by(due)}</time>
                    <span class="hint">{e.deadline ? ' deadline' : ' respond by'}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td data-label="Status">
                {statusLabel(e.status)}
                <LineSentMarker at={e.line_sent_at} when={props.when} />
              </td>
              <td data-label="Answered">
                {e.first_response_at ? `Yes, ${props.when(e.first_response_at)}` : 'Not yet'}
              </td>
              <td data-label="Action">{props.children(e) as never}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
