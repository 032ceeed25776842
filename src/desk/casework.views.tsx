import type { OfficeConfig } from '../config.js';
import { JournalistPanel } from '../journalists/journalists.views.js';
import { mailtoHref } from '../email/address.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { ENQUIRY_OUTCOMES, isOpenStatus, type EnquiryOutcome } from '../enquiries/enquiry.model.js';
import type { TimelineEvent } from '../enquiries/timeline.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { describedBy, ErrorSummary, FieldError } from '../http/layout.js';
import type { Page } from '../oncall/paging.tables.js';
import type { OutboundMessage } from '../outbox/outbox.tables.js';
import { cannotTakeTexts, displayPhone, noTextsNotice } from '../enquiries/phone-numbers.js';
import { optOutNotice, type OptOut } from '../sms/opt-out.js';
import { SEND_STATE_LABELS, sendState } from './casework.notices.js';
import type { StepWithDelivery } from './casework.repository.js';
import { Notice } from '../web/forms.js';
import type { DeskSession } from '../web/session.js';
import {
  emailReplyForm,
  noteForm,
  responseForm,
  OUTCOME_LIMITS,
  smsReplyForm,
  statusForm,
  urgencyForm,
  type CaseworkErrors,
  type CaseworkField,
} from './casework.forms.js';
import { CASEWORK_LIMITS, MESSAGE_OUTCOMES, STATUSES, type MessageOutcome } from './casework.service.js';
import type { SaidOnTopic } from './casework.repository.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import type { Present } from './presence.repository.js';
import { PresencePanel, SendGuardFields, StaleNotice, type StaleView } from './presence.views.js';
import { channelLabel, OUTCOME_LABELS, outcomeLabel, statusLabel } from '../enquiries/enquiry.labels.js';
import { LANGUAGE_LABELS } from '../i18n/staff-labels.js';
import { Timeline } from '../enquiries/timeline.views.js';
import type { Incident } from '../incidents/incident.tables.js';
import { ASK_IDS, QuestionsPanel, type QuestionsPanelProps } from '../colleagues/questions.views.js';
import { DECISION_LIMITS } from '../statements/decision.js';
import { SIGNOFF_IDS, SignOffPanel } from '../statements/signoff.views.js';
import type { EnquiryTopicView } from '../topics/topics.repository.js';
import { SuggestedLines, TopicsPanel } from '../topics/topics.views.js';
import { MergePanel, type MergePanelProps } from '../merging/merging.views.js';

type When = (d: Date) => string;

/** Where each action's error belongs, in page order: the page section, then the action forms. */
const ERROR_ORDER: readonly CaseworkField[] = [
  'page',
  'assignee',
  'status',
  'outcome',
  'outcomeOrg',
  'duplicateOf',
  'outcomeMessage',
  'message_referred_foi',
  'message_referred_other',
  'message_not_media',
  'reply',
  'email',
  'response',
  'reasons',
  'withheld',
  'decidedBy',
  'release',
  'note',
  'reason',
];

/** The journalist's latest withdrawal on the timeline (the desk can also set the status itself, with no reason). */
function latestWithdrawal(timeline: TimelineEvent[]): TimelineEvent<'withdrawn'> | undefined {
  let latest: TimelineEvent<'withdrawn'> | undefined;
  for (const ev of timeline)
    if (ev.kind === 'withdrawn' && (!latest || ev.at.getTime() >= latest.at.getTime()))
      latest = ev as TimelineEvent<'withdrawn'>;
  return latest;
}

/**
 * Why the journalist no longer needs an answer, at the top of the page so nobody works on it by
 * mistake: when, and their reason in their words.
 */
function WithdrawnPanel(props: { at: Date | null; reason: string | null; when: When }) {
  return (
    <section class="panel panel--withdrawn" aria-labelledby="withdrawn-title">
      <h2 id="withdrawn-title">
        Withdrawn by the journalist{props.at ? ` on ${props.when(props.at)}` : ''}: no longer needed
      </h2>
      {props.reason ? (
        <>
          <p>Their reason:</p>
          <p class="pre quote">{props.reason}</p>
        </>
      ) : (
        <p>They gave no reason.</p>
      )}
    </section>
  );
}

/** Whether the recorded response is on the journalist's status page, and the button that changes that. */
function ReleaseControl(props: { enquiry: Enquiry; action: string; csrf: string; when: When; guard?: unknown }) {
  const released = props.enquiry.response_released_at;
  return (
    <form method="post" action={props.action} class="action release">
      <Csrf token={props.csrf} />
      {props.guard}
      <p id="release-state">
        {released
          ? `This response is on the journalist's status page (released ${props.when(released)}).`
          : "This response is not on the journalist's status page."}
      </p>
      <input type="hidden" name="released" value={released ? 'no' : 'yes'} />
      <button class="button button--secondary" type="submit" aria-describedby="release-state">
        {released ? 'Take it off the status page' : 'Show it on the status page and tell the journalist'}
      </button>
    </form>
  );
}

/** Which incident the enquiry is about (a link to it, and Unlink), or a choice of the open ones to link it to. */
function IncidentPanel(props: {
  reference: string;
  incident: Pick<Incident, 'id' | 'name' | 'closed_at'> | null;
  open: Array<Pick<Incident, 'id' | 'name'>>;
  csrf: string;
}) {
  const action = `/desk/enquiries/${props.reference}/incident`;
  if (!props.incident && !props.open.length) return null;
  return (
    <section class="panel incident-panel" aria-labelledby="incident-title">
      <h2 id="incident-title">Incident</h2>
      {props.incident ? (
        <form method="post" action={`${action}/unlink`} class="inline-form">
          <Csrf token={props.csrf} />
          <p>
            Linked to <a href={`/desk/incidents/${props.incident.id}`}>{props.incident.name}</a>
            {props.incident.closed_at ? ' (closed)' : ''}.
          </p>
          <button type="submit" class="button button--secondary" aria-describedby="incident-unlink-hint">
            Unlink
          </button>
          <p class="hint" id="incident-unlink-hint">
            It goes back to the queue on its own and is not suggested for this incident again.
          </p>
        </form>
      ) : (
        <form method="post" action={action} class="action">
          <Csrf token={props.csrf} />
          {/* Nothing chosen to start with (issue 23): linking is a deliberate choice, never one click on whatever is open. */}
          <Field id="incident" label="Link to an open incident" as="select" attrs={{ required: true }}>
            <option value="" selected>
              Choose an incident
            </option>
            {props.open.map((i) => (
              <option value={i.id}>{i.name}</option>
            ))}
          </Field>
          <button type="submit" class="button button--secondary">
            Link
          </button>
        </form>
      )}
    </section>
  );
}

export interface EnquiryPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  enquiry: Enquiry;
  assigneeName: string | null;
  staff: Array<{ id: string; name: string }>;
  earlier: Array<{ reference: string; subject: string; status: string; received_at: Date; channel: string }>;
  timeline: TimelineEvent[];
  /** Staff names by email and rota number (`knownNames`): the timeline names people, not addresses. */
  names?: ReadonlyMap<string, string>;
  page: { page: Page; steps: StepWithDelivery[] } | null;
  outbound: OutboundMessage[];
  /** The desk's replies (SMS and email), oldest first, with their outbox state (none yet: queued). */
  replies?: ReplyWithState[];
  /** What the last action did (read from the database by src/desk/casework.notices.ts). */
  notice?: string;
  /** Replies by email can be sent (SMTP configured). */
  emailEnabled: boolean;
  /** The incident it is linked to (null: none), or the open incidents it could be linked to. */
  incident?: Pick<Incident, 'id' | 'name' | 'closed_at'> | null;
  openIncidents?: Array<Pick<Incident, 'id' | 'name'>>;
  /** The journalist's number texted STOP (sms_opt_out): texts to it are not sent. */
  optOut?: Pick<OptOut, 'opted_out_at' | 'keyword'> | null;
  /** Per-field messages, keyed by the forms' field ids (casework.forms.ts) and the service's own. */
  errors?: CaseworkErrors;
  /** What was typed into the refused form, by field id. */
  values?: Partial<Record<CaseworkField, string>>;
  /** Questions to colleagues outside the desk, and the form to ask one (src/colleagues). */
  questions?: QuestionsPanelProps;
  /** The office's reasons for withholding something (`statements.withholdReasons`), for the release decision. */
  withholdReasons?: readonly string[];
  /** The draft and its sign-off, and the form to send it (src/statements). */
  signOff?: Omit<Parameters<typeof SignOffPanel>[0], 'office' | 'now' | 'csrf' | 'action'>;
  /** How it ended (issue 28): the status form's outcome fields. */
  ending?: OutcomeFieldsProps['ending'];
  /** The sender's journalist record or "Not yet known", and the one-click "Not a media enquiry" (src/journalists). */
  journalist?: Omit<Parameters<typeof JournalistPanel>[0], 'reference' | 'open' | 'office' | 'now' | 'csrf'>;
  /** The latest words said to other enquiries on this one's topics (none: no topics, or nothing said). */
  onTopics?: SaidOnTopic[];
  /** The enquiry's topics and the topics in use, for its Topics box and the suggested lines (src/topics). */
  topics?: { topics: EnquiryTopicView[]; available: Array<{ id: string; name: string }> };
  /** Merged into another, merged here, possible duplicates, and the merge and split links (src/merging). */
  merge?: MergePanelProps;
  /** Who else has it open, and how often this page says it is here (issue 29, src/desk/presence.*). */
  presence?: { people: Present[]; heartbeatSeconds: number };
  /** The send forms' hidden fields (issue 29): the newest timeline entry this page shows, and its forms' key. */
  guard?: { seen: string; pageKey: string };
  /** A send stopped because someone else acted after the page was loaded (409), with "Send anyway". */
  stale?: StaleView;
}

/** How each kind of said words is named beside an earlier response. */
const SAID_KIND_WORDS: Record<string, string> = {
  response: 'response',
  sms_reply: 'SMS reply',
  email_reply: 'email reply',
  incident_line: "incident's line",
  outcome_message: 'closing message',
};

interface OutcomeFieldsProps {
  ending: {
    /** The outcome chosen to start with: the one recorded, else the default (a line used: answered with a line). */
    outcome: EnquiryOutcome;
    /** Each referral's standard message, filled for this enquiry (`{organisation}` left for the service). */
    messages: Record<MessageOutcome, string>;
    /** The reference of the enquiry this one duplicates (null: none). */
    duplicateOf: string | null;
  };
  errors: Record<string, string>;
  values: Partial<Record<string, string>>;
}

/**
 * The outcome fields of the status form (issue 28): how it ended, recorded when the status becomes
 * answered or closed; the organisation of a referral elsewhere; the enquiry it duplicates; and
 * each referral's standard message in its own disclosure, sent (when ticked) by the journalist's
 * channel as it closes. Works without script: every field is in the form, only the chosen
 * outcome's are used.
 */
function OutcomeFields(props: OutcomeFieldsProps) {
  const { ending, errors, values } = props;
  const chosen = values.outcome ?? ending.outcome;
  // Ticked to start with; a re-shown form keeps what was sent (an unticked box sends nothing).
  const send = values.status === undefined ? true : values.sendMessage === 'yes';
  return (
    <fieldset class="outcome-fields">
      <legend>How it ended</legend>
      <p class="hint" id="outcome-fields-hint">
        Recorded when you mark it answered or closed; closing needs it. Ignored for other statuses.
      </p>
      <Field id={statusForm.ids.outcome} label="Outcome" error={errors.outcome} as="select">
        <option value="" selected={chosen === ''}>
          Choose how it ended
        </option>
        {ENQUIRY_OUTCOMES.map((o) => (
          <option value={o} selected={o === chosen}>
            {OUTCOME_LABELS[o]}
          </option>
        ))}
      </Field>
      <Field
        id={statusForm.ids.outcomeOrg}
        label="Which organisation (referred to another organisation)"
        error={errors.outcomeOrg}
        attrs={{ maxlength: OUTCOME_LIMITS.organisation, value: values.outcomeOrg ?? '' }}
      />
      <Field
        id={statusForm.ids.duplicateOf}
        label="Duplicate of: the other enquiry's reference"
        hint="For example PD-7KM-4QX."
        error={errors.duplicateOf}
        attrs={{ maxlength: 40, value: values.duplicateOf ?? ending.duplicateOf ?? '' }}
      />
      <div class={`field checkbox${errors.outcomeMessage ? ' field--error' : ''}`} id="outcomeMessage" tabindex={-1}>
        <input
          type="checkbox"
          id={statusForm.ids.sendMessage}
          name={statusForm.ids.sendMessage}
          value="yes"
          checked={send}
          aria-describedby={describedBy('sendMessage', { hint: true, error: errors.outcomeMessage })}
        />
        <div>
          <FieldError id="sendMessage" message={errors.outcomeMessage} />
          <label for={statusForm.ids.sendMessage}>Send the journalist this message</label>
          <p class="hint" id="sendMessage-hint">
            For a referral to FOI or another organisation, or not a media enquiry: the outcome's message below goes by
            SMS or email as they contacted us, instead of the usual "now closed" message.
          </p>
        </div>
      </div>
      {MESSAGE_OUTCOMES.map((o) => {
        const id = `message_${o}` as const;
        return (
          <details class="outcome-message" open={o === chosen || Boolean(errors[id])}>
            <summary>Message if "{OUTCOME_LABELS[o]}"</summary>
            <Field
              id={id}
              label={`The message for "${OUTCOME_LABELS[o]}"`}
              hint={
                o === 'referred_other'
                  ? '{organisation} becomes the organisation you name above.'
                  : 'Edit it if needed.'
              }
              error={errors[id]}
              as="textarea"
              attrs={{ maxlength: OUTCOME_LIMITS.message, rows: 4 }}
            >
              {values[id] ?? ending.messages[o]}
            </Field>
          </details>
        );
      })}
    </fieldset>
  );
}

/** A desk reply and where it is in the outbox. */
export interface ReplyWithState {
  id: string;
  kind: string;
  at: Date;
  key: string | null;
  state: string | null;
  provider_status: string | null;
  to_number: string | null;
  last_error: string | null;
}

/**
 * Under a reply box where the enquiry needs sign-off: what may be sent, and for a manager
 * (`override`) the reason field that sends other words without it.
 */
function SignOffNote(props: { approved: boolean; override: { id: string; error?: string; value?: string } | null }) {
  const o = props.override;
  return (
    <>
      <p class="hint">
        {props.approved
          ? 'This enquiry needs sign-off: only the approved words (under "Draft and sign-off") can be sent.'
          : 'This enquiry needs sign-off: write the words under "Draft and sign-off" and send them for approval first.'}
      </p>
      {o ? (
        <Field
          id={o.id}
          label="Send without sign-off: your reason (managers)"
          error={o.error}
          attrs={{ maxlength: 1000, value: o.value ?? '' }}
        />
      ) : null}
    </>
  );
}

/**
 * Where the latest reply by this form went, beside its button: after a send the form says so
 * ("Your SMS reply at 10:02: Queued") and the button offers "another", so it does not look
 * untouched and invite the same reply twice.
 */
function LastReply(props: { id: string; what: string; reply: ReplyWithState | undefined; when: When }) {
  // A reply recorded before its outbox key was kept (issue 23) has no state to show.
  if (!props.reply?.key) return null;
  const state = sendState(props.reply);
  return (
    <p class={`send-state send-state--${state}`} id={props.id}>
      Last {props.what} reply, {props.when(props.reply.at)}: <strong>{SEND_STATE_LABELS[state]}</strong>
      {state === 'failed' && props.reply.last_error ? ` (${props.reply.last_error})` : ''}
    </p>
  );
}

/** An outbox row's text for the desk: an email's JSON content shown as its text. */
function outboundText(o: OutboundMessage): string {
  if (o.medium !== 'email' || !o.content) return o.content ?? '';
  try {
    const parsed = JSON.parse(o.content) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text : '';
  } catch {
    return '';
  }
}

/** The journalist's address as a mail link, or as plain text when it is not one plain mailbox (never a raw `mailto:`). */
/**
 * Where the SMS reply form would be when no text can reach the journalist (they texted STOP, or
 * the number is a landline): the reason instead of a form that cannot work. A reply posted from a
 * form opened before the STOP lands here, so its error is shown too: the error summary links here.
 */
function NoSmsReply(props: { id: string; error: string | undefined; children: unknown }) {
  return (
    <div class="action" id="reply" tabindex={-1}>
      <p>
        <strong>Reply to the journalist by SMS</strong>
      </p>
      <FieldError id="reply" message={props.error} />
      <p class="hint" id={props.id}>
        {props.children}
      </p>
    </div>
  );
}

function EmailLink(props: { address: string; reference: string }) {
  const href = mailtoHref(props.address, `Your enquiry ${props.reference}`);
  return href ? <a href={href}>{props.address}</a> : <span>{props.address}</span>;
}

/**
 * The release decision beside the response (issue 26): what was withheld and why (the office's
 * reasons, and words), and who decided when it was not the officer recording it. On the record:
 * the timeline, the audit log, the incident report and the decisions export.
 */
function ReleaseDecisionFields(props: {
  reasons: readonly string[];
  errors: Record<string, string>;
  values: Partial<Record<string, string>>;
}) {
  const { errors, values } = props;
  const ticked = new Set((values.reasons ?? '').split('\n').filter(Boolean));
  return (
    <fieldset class="release-decision">
      <legend>The release decision</legend>
      <fieldset
        id="reasons"
        class={`field${errors.reasons ? ' field--error' : ''}`}
        aria-describedby={describedBy('reasons', { hint: true, error: errors.reasons })}
        tabindex={-1}
      >
        <legend>Withheld anything? Why</legend>
        <p class="hint" id="reasons-hint">
          Tick each reason that applies; leave them all clear if nothing was withheld.
        </p>
        <FieldError id="reasons" message={errors.reasons} />
        {props.reasons.map((r, i) => (
          <div class="checkbox">
            <input type="checkbox" id={`reason-${i}`} name="reasons" value={r} checked={ticked.has(r)} />
            <label for={`reason-${i}`}>{r}</label>
          </div>
        ))}
      </fieldset>
      <Field
        id="withheld"
        label="What was withheld (optional)"
        hint="In a few words, for the record; never sent to the journalist."
        error={errors.withheld}
        as="textarea"
        attrs={{ maxlength: DECISION_LIMITS.withheld, rows: 2 }}
      >
        {values.withheld ?? ''}
      </Field>
      <Field
        id="decidedBy"
        label="Decided by (optional)"
        hint="Who made the decision, if not you: for example the SIO or the gold commander."
        error={errors.decidedBy}
        attrs={{ maxlength: DECISION_LIMITS.decidedBy, value: values.decidedBy ?? '' }}
      />
    </fieldset>
  );
}

/** Everything about one enquiry on one page: details, actions, the journalist's history and the timeline. */
export function EnquiryPage(p: EnquiryPageProps) {
  const e = p.enquiry;
  const when: When = (d) => formatShortTime(d, p.office, p.now);
  const by: When = (d) => formatDeadline(d, p.office, p.now);
  const values = p.values ?? {};
  // The ask form's problems are listed by their elements' ids (its fields are in their own panel).
  const askErrors = Object.entries(p.questions?.errors ?? {}).map(([k, v]) => [ASK_IDS[k as keyof typeof ASK_IDS], v]);
  const signOffErrors = Object.entries(p.signOff?.errors ?? {}).map(([k, v]) => [
    SIGNOFF_IDS[k as keyof typeof SIGNOFF_IDS],
    v,
  ]);
  const errors: Record<string, string> = {
    ...(p.errors ?? {}),
    ...Object.fromEntries(askErrors),
    ...Object.fromEntries(signOffErrors),
  };
  // Any field not listed still gets its line, after the known ones.
  const errorOrder = [
    ...ERROR_ORDER,
    ...Object.keys(errors).filter((k) => !(ERROR_ORDER as readonly string[]).includes(k)),
  ];
  const csrf = p.session.session.csrf_token;
  const action = (name: string) => `/desk/enquiries/${e.reference}/${name}`;
  // Each send form says what the page saw, and has its own key (issue 29: stale and double sends).
  const guard = (form: string) =>
    p.guard ? <SendGuardFields seen={p.guard.seen} formKey={`${p.guard.pageKey}-${form}`} /> : null;
  // The library's suggestions for this enquiry (templates filled from it), for the boxes' line search.
  const suggest = `/desk/lines/suggest?enquiry=${encodeURIComponent(e.reference)}`;
  const open = isOpenStatus(e.status);
  const due = e.deadline ?? e.respond_by;
  const overdue = open && due !== null && due.getTime() < p.now.getTime();
  const withdrawal = e.status === 'withdrawn' ? latestWithdrawal(p.timeline) : undefined;
  // Kept ticked on a re-shown form, so a mistake elsewhere does not silently drop the release.
  const releaseChecked = values.release === 'yes';
  // Signed-off words are offered as the response (the release gate takes only those words).
  const approved = p.signOff?.view.draft?.state === 'approved' ? p.signOff.view.draft : null;
  const needsSignOff = p.signOff?.view.required ?? false;
  const manager = p.session.user.role === 'manager';
  const lastSms = p.replies?.filter((r) => r.kind === 'reply_queued').at(-1);
  const lastEmail = p.replies?.filter((r) => r.kind === 'email_reply_queued').at(-1);
  // Replies the outbox has not taken yet have no row: listed as queued with the rows.
  const queued = (p.replies ?? []).filter((r) => !r.state && r.key);
  return (
    <DeskLayout
      title={`${errors && Object.keys(errors).length ? 'Error: ' : ''}${e.reference}`}
      officeName={p.office.name}
      session={p.session}
      scripts={['/assets/insert.js', '/assets/presence.js']}
    >
      <p>
        <a href="/desk">← Back to the queue</a>
      </p>
      <h1>
        {e.reference} {e.urgent ? <strong class="tag tag--urgent">Urgent</strong> : null}{' '}
        {overdue ? <strong class="tag tag--overdue">Overdue</strong> : null}
      </h1>
      <Notice text={p.notice} focus />
      {p.stale ? <StaleNotice stale={p.stale} csrf={csrf} /> : null}
      {p.presence ? (
        <PresencePanel
          reference={e.reference}
          people={p.presence.people}
          heartbeatSeconds={p.presence.heartbeatSeconds}
        />
      ) : null}
      {Object.keys(errors).length ? <ErrorSummary errors={errors} order={errorOrder} /> : null}
      {p.merge?.mergedInto ? <MergePanel {...p.merge} /> : null}
      {e.status === 'withdrawn' ? (
        <WithdrawnPanel at={withdrawal?.at ?? e.closed_at} reason={withdrawal?.data.reason ?? null} when={when} />
      ) : null}
      {e.journalist_added_at ? (
        <p class="panel panel--added">
          <strong>The journalist added information at {when(e.journalist_added_at)}.</strong> See the timeline below.
        </p>
      ) : null}
      <p class="lead subject">{e.subject}</p>
      <dl class="summary">
        <dt>Status</dt>
        <dd>{statusLabel(e.status)}</dd>
        <dt>Assigned to</dt>
        <dd>{p.assigneeName ?? 'Nobody'}</dd>
        <dt>Journalist</dt>
        <dd>{e.name || '(not given)'}</dd>
        <dt>Outlet</dt>
        <dd>{e.outlet || '(not given)'}</dd>
        <dt>Email</dt>
        <dd>{e.email ? <EmailLink address={e.email} reference={e.reference} /> : '—'}</dd>
        <dt>Phone</dt>
        <dd>
          {e.phone ? <a href={`tel:${e.phone}`}>{displayPhone(e.phone)}</a> : '—'}
          {e.phone && p.optOut ? (
            <strong class="opt-out" id="opt-out">
              {' '}
              {optOutNotice(p.optOut, when)}.
            </strong>
          ) : e.phone && cannotTakeTexts(e.phone) ? (
            // Said beside the number too, not only at the reply form further down: an officer deciding how to answer reads this first.
            <span class="hint no-texts" id="no-texts">
              {' '}
              ({noTextsNotice(e.phone).replace(/^.* is /, '')})
            </span>
          ) : null}
        </dd>
        <dt>Deadline</dt>
        <dd>{e.deadline ? by(e.deadline) : 'None given'}</dd>
        <dt>Respond by</dt>
        <dd>{e.respond_by ? by(e.respond_by) : '—'}</dd>
        <dt>Received</dt>
        <dd>
          {when(e.received_at)} by {channelLabel(e.channel)}
          {e.out_of_hours ? ', out of hours' : ', in hours'}
        </dd>
        {p.office.languages.length > 1 ? (
          // Issue 31: every message to the journalist goes in this language.
          <>
            <dt>Language</dt>
            <dd id="enquiry-language">{LANGUAGE_LABELS[e.language]}</dd>
          </>
        ) : null}
        {e.outcome ? (
          <>
            <dt>How it ended</dt>
            <dd>
              {outcomeLabel(e.outcome)}
              {e.outcome_org ? `: ${e.outcome_org}` : ''}
              {p.ending?.duplicateOf ? (
                <>
                  {' of '}
                  <a href={`/desk/enquiries/${p.ending.duplicateOf}`}>{p.ending.duplicateOf}</a>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
        {e.response_given ? (
          <>
            <dt>Response given</dt>
            <dd class="pre">{e.response_given}</dd>
            <dt>On the status page</dt>
            <dd>{e.response_released_at ? `Released ${when(e.response_released_at)}` : 'Not released'}</dd>
          </>
        ) : null}
      </dl>
      {p.journalist && !e.erased_at ? (
        <JournalistPanel
          {...p.journalist}
          reference={e.reference}
          open={open}
          office={p.office}
          now={p.now}
          csrf={csrf}
          guardFields={guard('not-media')}
        />
      ) : null}
      <h2>Details</h2>
      <div class="panel pre">{e.details}</div>
      <IncidentPanel reference={e.reference} incident={p.incident ?? null} open={p.openIncidents ?? []} csrf={csrf} />
      {p.merge && !p.merge.mergedInto ? <MergePanel {...p.merge} /> : null}
      {p.topics ? (
        <TopicsPanel
          reference={e.reference}
          topics={p.topics.topics}
          available={p.topics.available}
          csrf={csrf}
          error={errors.topics}
        />
      ) : null}

      {p.page ? (
        <section aria-labelledby="page-title" class={`panel ${p.page.page.status === 'active' ? 'panel--urgent' : ''}`}>
          <h2 id="page-title">Out of hours</h2>
          <p>
            {p.page.page.status === 'active'
              ? 'The on-call press officer has been paged and has not yet acknowledged.'
              : p.page.page.status === 'acknowledged'
                ? `Acknowledged by ${p.page.page.acknowledged_by} (${p.page.page.ack_via}) at ${p.page.page.acknowledged_at ? when(p.page.page.acknowledged_at) : ''}.`
                : 'Nobody acknowledged the page after every escalation step.'}
          </p>
          {p.page.steps.length ? (
            <div class="table-scroll" role="region" aria-label="Escalation steps" tabindex={0}>
              <table>
                <caption class="visually-hidden">Escalation steps</caption>
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">How</th>
                    <th scope="col">To</th>
                    <th scope="col">State</th>
                    <th scope="col">Delivery</th>
                  </tr>
                </thead>
                <tbody>
                  {p.page.steps.map((s) => (
                    <tr>
                      <td>{s.step_index + 1}</td>
                      <td>{s.action === 'sms' ? 'SMS' : 'Call'}</td>
                      <td>{s.to_number}</td>
                      <td>
                        {s.state}
                        {s.last_error && s.state !== 'sent' ? <div class="hint">Delayed: {s.last_error}</div> : null}
                      </td>
                      <td>{s.provider_status ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {p.page.page.status === 'active' ? (
            <form method="post" action={action('acknowledge')}>
              <Csrf token={csrf} />
              <button class="button" type="submit">
                Acknowledge page (I have it)
              </button>
            </form>
          ) : null}
        </section>
      ) : null}

      {p.questions ? (
        <QuestionsPanel p={p.questions} office={p.office} now={p.now} csrf={csrf} action={action} />
      ) : null}
      {p.signOff && open ? (
        <SignOffPanel {...p.signOff} office={p.office} now={p.now} csrf={csrf} action={action} />
      ) : null}

      <h2>Actions</h2>
      {/* The boxes' line search needs JavaScript (src/http/assets/insert.js); without it, the library. */}
      <p class="insert-fallback">
        <a href="/desk/lines">Find a line to take</a>
      </p>
      {e.updates_off ? (
        <p class="panel" id="updates-off">
          The journalist turned off messages about this enquiry: releasing the response or closing it does not tell
          them. Replies you send still reach them.
        </p>
      ) : null}
      <div class="actions">
        <form method="post" action={action('assign')} class="action">
          <Csrf token={csrf} />
          <Field id="assignee" label="Assign to" error={errors.assignee} as="select">
            <option value="">Nobody</option>
            {p.staff.map((u) => (
              <option value={u.id} selected={u.id === e.assigned_to}>
                {u.id === p.session.user.id ? `Me (${u.name})` : u.name}
              </option>
            ))}
          </Field>
          <button class="button button--secondary" type="submit">
            Assign
          </button>
          {e.assigned_to !== p.session.user.id ? (
            <button class="button" type="submit" name="assignee" value={p.session.user.id}>
              Assign to me
            </button>
          ) : null}
        </form>

        <form method="post" action={action('status')} class="action">
          <Csrf token={csrf} />
          {guard('status')}
          <Field id="status" label="Status" error={errors.status} as="select">
            {STATUSES.map((s) => (
              <option value={s.value} selected={s.value === (values.status ?? e.status)}>
                {s.label}
              </option>
            ))}
          </Field>
          {p.ending ? <OutcomeFields ending={p.ending} errors={errors} values={values} /> : null}
          <button class="button button--secondary" type="submit">
            Change status
          </button>
        </form>

        {e.phone && p.optOut ? (
          <NoSmsReply id="reply-opt-out" error={errors.reply}>
            No SMS reply can be sent: {optOutNotice(p.optOut, when).replace(/^./, (c) => c.toLowerCase())}. Texts will
            go again once they text START.
          </NoSmsReply>
        ) : e.phone && cannotTakeTexts(e.phone) ? (
          // Twilio would refuse the text (21614): said instead of a form that cannot work; call and email stay.
          <NoSmsReply id="reply-no-texts" error={errors.reply}>
            {noTextsNotice(e.phone)}.
          </NoSmsReply>
        ) : e.phone ? (
          <form method="post" action={action('reply')} class="action">
            <Csrf token={csrf} />
            {guard('reply')}
            <Field
              id={smsReplyForm.ids.reply}
              label="Reply to the journalist by SMS"
              hint={`Sent to ${displayPhone(e.phone)} from the press office number. Up to ${CASEWORK_LIMITS.reply} characters.`}
              error={errors.reply}
              as="textarea"
              attrs={{ maxlength: CASEWORK_LIMITS.reply, 'data-insert': suggest, 'data-sms-count': '' }}
            >
              {values.reply ?? ''}
            </Field>
            {needsSignOff ? (
              <SignOffNote
                approved={Boolean(approved)}
                override={
                  manager
                    ? { id: smsReplyForm.ids.replyOverride, error: errors.replyOverride, value: values.replyOverride }
                    : null
                }
              />
            ) : null}
            <LastReply id="reply-state" what="SMS" reply={lastSms} when={when} />
            <button class="button" type="submit" aria-describedby={lastSms ? 'reply-state' : undefined}>
              {lastSms ? 'Send another SMS reply' : 'Send SMS reply'}
            </button>
          </form>
        ) : null}

        {e.email && p.emailEnabled ? (
          <form method="post" action={action('email')} class="action">
            <Csrf token={csrf} />
            {guard('email')}
            <Field
              id={emailReplyForm.ids.email}
              label="Reply to the journalist by email"
              hint={`Sent to ${e.email} from the press office's address, in the same thread as their last message.`}
              error={errors.email}
              as="textarea"
              attrs={{ maxlength: CASEWORK_LIMITS.email, rows: 6, 'data-insert': suggest }}
            >
              {values.email ?? ''}
            </Field>
            {needsSignOff ? (
              <SignOffNote
                approved={Boolean(approved)}
                override={
                  manager
                    ? { id: emailReplyForm.ids.emailOverride, error: errors.emailOverride, value: values.emailOverride }
                    : null
                }
              />
            ) : null}
            <LastReply id="email-state" what="email" reply={lastEmail} when={when} />
            <button class="button" type="submit" aria-describedby={lastEmail ? 'email-state' : undefined}>
              {lastEmail ? 'Send another email reply' : 'Send email reply'}
            </button>
          </form>
        ) : null}

        <form method="post" action={action('response')} class="action">
          <Csrf token={csrf} />
          {guard('response')}
          {p.topics ? <SuggestedLines topics={p.topics.topics} /> : null}
          <Field
            id={responseForm.ids.response}
            label="Record the response given (press line)"
            error={errors.response}
            as="textarea"
            attrs={{ maxlength: CASEWORK_LIMITS.response, 'data-insert': suggest }}
          >
            {values.response ?? (approved ? approved.text : '')}
          </Field>
          <ReleaseDecisionFields reasons={p.withholdReasons ?? []} errors={errors} values={values} />
          <div class={`field checkbox${errors.release ? ' field--error' : ''}`}>
            <input
              type="checkbox"
              id="release"
              name="release"
              value="yes"
              checked={releaseChecked}
              aria-describedby={describedBy('release', { hint: true, error: errors.release })}
              aria-invalid={errors.release ? 'true' : undefined}
            />
            <div>
              <FieldError id="release" message={errors.release} />
              <label for="release">Show this response on the journalist's status page and tell them</label>
              <p class="hint" id="release-hint">
                {e.updates_off
                  ? 'They turned off messages, so it only appears on the page.'
                  : 'The first release tells them once, by SMS or email as they contacted us, with the link to the page.'}
              </p>
            </div>
          </div>
          {needsSignOff && manager ? (
            <Field
              id="override"
              label="Release without sign-off: your reason (managers)"
              hint="Only if it cannot wait for an approver; the reason is recorded on the timeline and in the audit log."
              error={errors.override}
              attrs={{ maxlength: 1000, value: values.override ?? '' }}
            />
          ) : null}
          <button class="button button--secondary" type="submit">
            Record response
          </button>
        </form>

        {e.response_given ? (
          <ReleaseControl enquiry={e} action={action('release')} csrf={csrf} when={when} guard={guard('release')} />
        ) : null}

        <form method="post" action={action('note')} class="action">
          <Csrf token={csrf} />
          <Field
            id={noteForm.ids.note}
            label="Internal note"
            hint="Staff only. Never sent to the journalist. Type @ and a name (@Kim Lee, or @kim) to tell a colleague."
            error={errors.note}
            as="textarea"
            attrs={{ maxlength: CASEWORK_LIMITS.note }}
          >
            {values.note ?? ''}
          </Field>
          <button class="button button--secondary" type="submit">
            Add note
          </button>
        </form>

        <form method="post" action={action('urgency')} class="action">
          <Csrf token={csrf} />
          <input type="hidden" name="urgent" value={e.urgent ? 'false' : 'true'} />
          <Field
            id={urgencyForm.ids.reason}
            label={e.urgent ? 'Downgrade: reason' : 'Mark urgent: reason'}
            error={errors.reason}
            attrs={{ type: 'text', maxlength: CASEWORK_LIMITS.reason, value: values.reason ?? '' }}
          />
          <button class="button button--secondary" type="submit">
            {e.urgent ? 'Mark not urgent' : 'Mark urgent'}
          </button>
        </form>
      </div>

      <h2>Timeline</h2>
      <Timeline events={p.timeline} when={when} names={p.names} />
      {p.outbound.length || queued.length ? (
        <>
          <h2 id="messages-title">Messages to the journalist</h2>
          <ul aria-labelledby="messages-title">
            {p.outbound.map((o) => (
              <li>
                {o.sent_at ? when(o.sent_at) : when(o.created_at)}:{' '}
                {o.medium === 'email' ? 'Email' : o.medium === 'call' ? 'Call' : 'SMS'} to{' '}
                {o.medium === 'email' ? o.to_number : displayPhone(o.to_number)}:{' '}
                <strong class={`send-state--${sendState(o)}`}>{SEND_STATE_LABELS[sendState(o)]}</strong>
                {o.provider_status && sendState(o) === 'sent' ? ` (${o.provider_status})` : ''} —{' '}
                <span class="pre">{outboundText(o)}</span>
              </li>
            ))}
            {queued.map((r) => (
              <li>
                {when(r.at)}: {r.kind === 'email_reply_queued' ? 'Email' : 'SMS'} reply:{' '}
                <strong class="send-state--queued">{SEND_STATE_LABELS.queued}</strong> (waiting to be sent)
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {p.onTopics?.length ? (
        <section aria-labelledby="on-topics-title">
          <h2 id="on-topics-title">Earlier responses on the same topics</h2>
          <ul class="on-topics">
            {p.onTopics.map((x) => (
              <li>
                <a href={`/desk/enquiries/${x.reference}`}>{x.reference}</a>,{' '}
                <time datetime={x.at.toISOString()}>{when(x.at)}</time> ({SAID_KIND_WORDS[x.kind] ?? x.kind}):{' '}
                <span class="pre">{x.text}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <h2>The journalist's other enquiries</h2>
      {p.earlier.length ? (
        <ul>
          {p.earlier.map((x) => (
            <li>
              <a href={`/desk/enquiries/${x.reference}`}>{x.reference}</a> {when(x.received_at)}: {x.subject} (
              {statusLabel(x.status)})
            </li>
          ))}
        </ul>
      ) : (
        <p>None.</p>
      )}
    </DeskLayout>
  );
}
