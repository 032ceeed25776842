import { ASK_IDS, QuestionsPanel, type QuestionsPanelProps } from '../colleagues/questions.views.js';
import { SIGNOFF_IDS, SignOffPanel } from '../statements/signoff.views.js';
import type { EscalationStep, OfficeConfig } from '../config.js';
import { CASEWORK_LIMITS } from '../enquiries/casework.limits.js';
import { optOutNotice } from '../sms/opt-out.js';
import { statusLabel } from '../enquiries/enquiry.labels.js';
import { describeEvent } from '../enquiries/timeline.views.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary, FieldError, Layout } from '../http/layout.js';
import { distinctiveWords } from '../incidents/distinctive-words.js';
import { INCIDENT_LIMITS } from '../incidents/incident.forms.js';
import {
  cannotTakeTexts,
  displayPerson,
  displayPhone,
  displayPhonesIn,
  noTextsNotice,
} from '../enquiries/phone-numbers.js';
import { lineMessageText, smsSize, type EnquiryLine, type LineOutcome } from '../incidents/holding-line.service.js';
import { LINK_ACTIONS, type LinkAction, type LinkView } from './link.service.js';
import { onCallActor, type OnCallOfficer } from './oncall-actions.service.js';
import type { EscalationState } from './paging.schedule.js';

/** The form control (and error anchor) of each action: the text field's id, or the call section's. */
export const ACTION_FIELD: Record<LinkAction, string> = {
  ack: 'ack',
  call: 'call',
  reply: 'reply',
  note: 'note',
  done: 'response',
  line: 'line',
};

/** What the officer is told after each action succeeded (the view is shown again after a redirect). */
const DONE_NOTICE: Record<LinkAction, (officerPhone: string) => string> = {
  ack: () => 'You have it: escalation stopped, nobody else is paged about this enquiry.',
  call: (phone) => `Calling you now on ${national(phone)}. Answer it and you will be put through to the journalist.`,
  reply: () => 'Your reply is queued: the journalist gets it by SMS from the press office number.',
  note: () => 'Note added.',
  done: () => 'Response recorded and the enquiry marked answered. Nothing was sent to the journalist.',
  line: () => 'Holding line sent to the journalist, exactly as written.',
};

/** The notice after "send the line", by how it ended (a second press sends nothing, and says so). */
const LINE_NOTICE: Record<LineOutcome, (kind: string, to: string) => string> = {
  // `to` is empty when the line is no longer on the enquiry by the time the notice is shown.
  queued: (kind, to) =>
    `The ${kind} is queued to the journalist${to ? ` ${to}` : ''}, exactly as written. The enquiry is marked as having had it.`,
  shared: (kind) =>
    `The journalist already had the ${kind} through another of their enquiries: nothing was sent again. This enquiry is marked as having had it.`,
  already: (kind) => `This journalist was already sent the ${kind}: nothing was sent again.`,
  unreachable: (kind) => `The ${kind} could not be sent: the journalist cannot be reached by text or email.`,
};

/** What the link's notice can say about a line send (the query's `line`). */
export function isLineOutcome(s: string | undefined): s is LineOutcome {
  return s === 'queued' || s === 'shared' || s === 'already' || s === 'unreachable';
}

/** True when `s` names one of the actions (a notice to show after a redirect). */
export function isLinkAction(s: string | undefined): s is LinkAction {
  return (LINK_ACTIONS as readonly string[]).includes(s ?? '');
}

/** What the view can say was just done: one of the actions, an incident declared, or a question asked of colleagues. */
export type LinkNotice = LinkAction | 'declare' | 'asked' | 'signoff' | 'draft';

/** True when `s` names something the view reports as done after a redirect. */
export function isLinkNotice(s: string | undefined): s is LinkNotice {
  return s === 'declare' || s === 'asked' || s === 'signoff' || s === 'draft' || isLinkAction(s);
}

/** The declare form's controls (and error anchors), by the incident field each one fills. */
export const DECLARE_FIELD = { name: 'incident-name', terms: 'incident-terms' } as const;

/** After declaring: how the summaries reach this phone (a call where no text can). */
const declaredNotice = (summary: string) =>
  `Incident declared, and this enquiry linked to it. Urgent enquiries about it will not page you one by one: you get a ${summary} every few minutes while they arrive.`;

/** What an incident summary is to this officer: a text, or a call to a phone no text reaches. */
const SUMMARY_WORD = { text: 'summary text', call: 'summary call' } as const;

const national = displayPhone;

/** Props of the on-call view: the link's view, its form token, and what to show beside the forms. */
export interface LinkPageProps {
  office: OfficeConfig;
  now: Date;
  /** Where the forms post: `/m/{token}` (the raw token only ever appears in this page and its URL). */
  base: string;
  csrf: string;
  /** One-off key for the call form: a resubmitted form places one call. */
  formKey: string;
  view: LinkView;
  notice?: LinkNotice;
  /** The action just done is what acknowledged the page: the notice says so. */
  acked?: boolean;
  /** After "send the line": how it ended. */
  lineOutcome?: LineOutcome;
  errors?: Record<string, string>;
  values?: Record<string, string>;
  /** Questions to colleagues about the enquiry, and the form to ask one (src/colleagues). */
  questions?: QuestionsPanelProps;
  /** The response's draft and sign-off, and the form to send it for sign-off (src/statements). */
  signOff?: LinkSignOffProps;
}

/** What the link's sign-off panel needs besides the page's own (office, time, form token, paths). */
export type LinkSignOffProps = Omit<
  Parameters<typeof SignOffPanel>[0],
  'office' | 'now' | 'csrf' | 'action' | 'hidden'
>;

/** One of the view's text actions (reply, note, done): a heading, one text area and its button, in its own form. */
function TextAction(p: {
  id: string;
  title: string;
  label: string;
  hint: string;
  max: number;
  button: string;
  action: string;
  hidden: unknown;
  error?: string;
  value?: string;
  /** The line search's URL (`/m/{token}/lines`): the box gets the insert widget (src/http/assets/insert.js). */
  insert?: string;
  /** The box is sent as an SMS: the widget counts its characters and segments as it is typed. */
  sms?: boolean;
}) {
  return (
    <section class="action" aria-labelledby={`${p.id}-title`}>
      <h3 id={`${p.id}-title`}>{p.title}</h3>
      <form method="post" action={p.action}>
        {p.hidden}
        <Field
          id={p.id}
          as="textarea"
          label={p.label}
          hint={p.hint}
          error={p.error}
          attrs={{ maxlength: p.max, rows: 4, 'data-insert': p.insert, 'data-sms-count': p.sms ? '' : undefined }}
        >
          {p.value ?? ''}
        </Field>
        <button type="submit" class="button">
          {p.button}
        </button>
      </form>
    </section>
  );
}

/**
 * The on-call officer's view of one enquiry on a phone: who, deadline, subject and details, the
 * four actions as plain forms (they work without JavaScript; src/http/assets/insert.js adds the
 * library's line search to the reply and response boxes, and the reply's SMS counter), then the
 * latest timeline entries. The journalist's
 * number is shown as text only, never as a tel: link: the officer calls through the office
 * number (the call form), so neither sees the other's personal number.
 */
export function LinkPage(p: LinkPageProps) {
  const e = p.view.enquiry;
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  const phone = p.view.enquiry.phone;
  // Why no SMS reply can be sent, if none can: the journalist texted STOP, or their number takes no texts.
  const noReply = p.view.optOut
    ? optOutNotice(p.view.optOut, when)
    : phone && cannotTakeTexts(phone)
      ? noTextsNotice(phone)
      : null;
  const hasErrors = Object.keys(errors).length > 0;
  const form = (action: LinkAction) => `${p.base}/${action}`;
  const hidden = (
    <>
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="reference" value={e.reference} />
      <input type="hidden" name="key" value={p.formKey} />
    </>
  );
  return (
    <Layout
      title={`${hasErrors ? 'Error: ' : ''}${e.reference} (on call)`}
      officeName={p.office.name}
      head={<script src="/assets/insert.js" defer />}
    >
      <h1>
        {e.reference} {e.urgent ? <strong class="tag tag--urgent">Urgent</strong> : null}
      </h1>
      {p.notice ? (
        <div class="notice" role="status">
          <p>
            {p.notice === 'declare'
              ? declaredNotice(SUMMARY_WORD[p.view.officerReach])
              : p.notice === 'asked'
                ? 'Question sent. Their answer appears under Questions to colleagues, and on the desk.'
                : p.notice === 'signoff'
                  ? 'Sent for sign-off: each approver has a link, and can reply APPROVE by text.'
                  : p.notice === 'draft'
                    ? 'Draft saved.'
                    : p.notice === 'line' && p.lineOutcome
                      ? LINE_NOTICE[p.lineOutcome](lineKind(p.view.line), lineRouteWords(p.view.line))
                      : DONE_NOTICE[p.notice](p.view.officer.phone)}
            {p.acked && p.notice !== 'ack' ? ' The page is acknowledged: escalation stopped.' : ''}
          </p>
        </div>
      ) : null}
      <Escalation
        state={p.view.escalation}
        officer={p.view.officer}
        names={p.view.names}
        when={when}
        form={form('ack')}
        hidden={hidden}
      />
      {hasErrors ? (
        <ErrorSummary
          errors={errors}
          order={[
            ...Object.values(ACTION_FIELD),
            ...Object.values(ASK_IDS),
            ...Object.values(SIGNOFF_IDS),
            ...Object.values(DECLARE_FIELD),
          ]}
        />
      ) : null}
      <p class="lead subject">{e.subject}</p>
      <dl class="summary">
        <dt>Journalist</dt>
        <dd>{e.name || '(not given)'}</dd>
        <dt>Outlet</dt>
        <dd>{e.outlet || '(not given)'}</dd>
        <dt>Phone</dt>
        <dd>{e.phone ? national(e.phone) : 'None given'}</dd>
        <dt>Email</dt>
        <dd>{e.email ?? 'None given'}</dd>
        <dt>Deadline</dt>
        <dd>{e.deadline ? formatDeadline(e.deadline, p.office, p.now) : 'None given'}</dd>
        <dt>Status</dt>
        <dd>{statusLabel(e.status)}</dd>
        {e.response_given ? (
          <>
            <dt>Response given</dt>
            <dd class="pre">{e.response_given}</dd>
          </>
        ) : null}
      </dl>
      <h2>Details</h2>
      <div class="panel pre">{e.details}</div>

      <h2>What to do</h2>
      {p.view.line ? (
        <HoldingLine line={p.view.line} action={form('line')} hidden={hidden} error={errors.line} when={when} />
      ) : errors.line ? (
        // The line went (the enquiry was unlinked) between opening and pressing: the error still has its place.
        <section class="action" id="line" aria-label="Holding line">
          <FieldError id="line" message={errors.line} />
        </section>
      ) : null}
      <section class="action" id="call" aria-labelledby="call-title">
        <h3 id="call-title">Call the journalist</h3>
        <p class="hint">
          Press Desk rings you on {national(p.view.officer.phone)}, then puts you through to the journalist from the
          press office number. Neither of you sees the other's number.
        </p>
        <FieldError id="call" message={errors.call} />
        <form method="post" action={form('call')}>
          {hidden}
          <button type="submit" class="button">
            Call me, then the journalist
          </button>
        </form>
      </section>
      {noReply ? (
        // Twilio would refuse the text (21610 after STOP, 21614 to a landline): said instead of a form that cannot work; calling stays.
        <section class="action" id="reply" aria-labelledby="reply-title">
          <h3 id="reply-title">Reply by SMS</h3>
          <FieldError id="reply" message={errors.reply} />
          <p class="hint">{noReply}.</p>
        </section>
      ) : (
        <TextAction
          id="reply"
          title="Reply by SMS"
          label="Text to the journalist"
          hint="Sent from the press office number."
          max={CASEWORK_LIMITS.reply}
          button="Send reply"
          action={form('reply')}
          hidden={hidden}
          error={errors.reply}
          value={values.reply}
          insert={`${p.base}/lines`}
          sms
        />
      )}
      <TextAction
        id="note"
        title="Add an internal note"
        label="Internal note"
        hint="Only the press office sees it."
        max={CASEWORK_LIMITS.note}
        button="Add note"
        action={form('note')}
        hidden={hidden}
        error={errors.note}
        value={values.note}
      />
      <TextAction
        id="response"
        title="Done: record the line you gave"
        label="Line given to the journalist"
        hint="Recorded as the response, and the enquiry is marked answered. This sends nothing to the journalist: reply, call or send the line first."
        max={CASEWORK_LIMITS.response}
        button="Mark done (sends nothing to the journalist)"
        action={form('done')}
        hidden={hidden}
        error={errors.response}
        value={values.response}
        insert={`${p.base}/lines`}
      />
      {p.questions ? (
        <QuestionsPanel
          p={p.questions}
          office={p.office}
          now={p.now}
          csrf={p.csrf}
          action={(name) => `${p.base}/${name}`}
          hidden={hidden}
        />
      ) : null}
      {p.signOff ? (
        <SignOffPanel
          {...p.signOff}
          office={p.office}
          now={p.now}
          csrf={p.csrf}
          action={(name) => `${p.base}/${name}`}
          hidden={hidden}
        />
      ) : null}
      <DeclareIncident
        summary={SUMMARY_WORD[p.view.officerReach]}
        base={p.base}
        incidentId={e.incident_id}
        suggestedTerms={distinctiveWords(e.subject, { exclude: [e.name, e.outlet, e.email ?? ''] })}
        hidden={hidden}
        errors={errors}
        values={values}
      />

      <h2>Latest on the timeline</h2>
      <ol class="timeline" aria-label="Latest timeline entries, newest first">
        {p.view.events.map((ev) => {
          const d = describeEvent(ev, p.view.names);
          return (
            <li class={`ev ev--${ev.kind}`}>
              <time datetime={ev.at.toISOString()}>{when(ev.at)}</time> <strong>{displayPhonesIn(d.title)}</strong>
              {ev.actor && ev.kind !== 'acknowledged' ? (
                <span class="hint"> by {displayPerson(ev.actor, p.view.names)}</span>
              ) : null}
              {d.body ? <div class="pre">{d.body}</div> : null}
            </li>
          );
        })}
      </ol>
      <p class="hint">
        This link opens this enquiry only, and works until {formatShortTime(p.view.expiresAt, p.office, p.now)}. Do not
        forward it: anyone with it can act as you on this enquiry.
      </p>
    </Layout>
  );
}

/** "holding line" or "press line", for the words around the line. */
function lineKind(l: EnquiryLine | null): string {
  return l?.line.kind === 'press' ? 'press line' : 'holding line';
}

/** How the line reaches this journalist, in words: "by SMS to 07911 123401". */
function lineRouteWords(l: EnquiryLine | null): string {
  const r = l?.route;
  if (!r) return '';
  return r.medium === 'sms' ? `by SMS to ${national(r.to)}` : `by email to ${r.to}`;
}

/**
 * The incident's current line on the link (issue 23, item 7): the exact words the journalist
 * would receive, with their SMS length, and "send to this journalist" (once: after it, when it
 * went; or why it cannot go).
 */
function HoldingLine(p: {
  line: EnquiryLine;
  action: string;
  hidden: unknown;
  error?: string;
  when: (d: Date) => string;
}) {
  const l = p.line;
  const kind = lineKind(l);
  const text = lineMessageText(l.line);
  const size = smsSize(text);
  const Kind = kind[0].toUpperCase() + kind.slice(1);
  let status: string | null = null;
  if (l.sentAt) status = `Sent to this journalist at ${p.when(l.sentAt)}.`;
  else if (l.barred === 'withdrawn') status = 'Not sent: the journalist has withdrawn this enquiry.';
  else if (l.barred === 'updates_off') status = 'Not sent: the journalist has turned off messages about this enquiry.';
  else if (!l.route)
    status =
      'This journalist cannot be reached: no number that takes texts and no email address Press Desk can write to.';
  return (
    <section class="action holding-line" id="line" aria-labelledby="line-title">
      <h3 id="line-title">{Kind} of the incident</h3>
      <p class="hint">Agreed by the desk for “{l.incident.name}”. The journalist gets exactly these words:</p>
      <p class="pre quote" id="line-text">
        {text}
      </p>
      <p class="hint" id="line-size">
        {size.length} {size.length === 1 ? 'character' : 'characters'}, {size.segments} SMS{' '}
        {size.segments === 1 ? 'segment' : 'segments'}.
      </p>
      <FieldError id="line" message={p.error} />
      {status ? (
        <p class="line-status">
          <strong>{status}</strong>
        </p>
      ) : (
        <form method="post" action={p.action}>
          {p.hidden}
          <input type="hidden" name="line" value={l.line.id} />
          <button type="submit" class="button">
            Send the {kind} to this journalist
          </button>
          <p class="hint">
            Goes {lineRouteWords(l)} from the press office, as written above, and stops the escalation.
          </p>
        </form>
      )}
    </section>
  );
}

/** What a step does, as the paged officer reads it ("your phone will ring"). */
function stepWords(step: EscalationStep): string {
  if (step.to === 'next') return 'the backup will be paged';
  if (step.to === 'fallback') return 'the out-of-hours line will be paged';
  return step.action === 'sms'
    ? 'you will be texted again'
    : step.action === 'call'
      ? 'your phone will ring'
      : 'you will be texted and rung';
}

/** The page's escalation: stopped (by whom, or by the enquiry's status), or still running with what comes next and "I have it". */
function Escalation(p: {
  state: EscalationState;
  officer: OnCallOfficer;
  names: ReadonlyMap<string, string>;
  when: (d: Date) => string;
  form: string;
  hidden: unknown;
}) {
  const s = p.state;
  let text: string;
  if (s.kind === 'acknowledged') {
    const you = s.by === p.officer.phone || s.by === onCallActor(p.officer).email;
    text = `Escalation stopped: acknowledged by ${you ? 'you' : displayPerson(s.by, p.names)} at ${p.when(s.at)}.`;
  } else if (s.kind === 'stopped') {
    text = `Escalation stopped: the enquiry is ${statusLabel(s.status).toLowerCase()}.`;
  } else if (s.kind === 'exhausted') {
    text = 'Escalation ended: the page was not acknowledged after every step.';
  } else {
    const next = s.next.map((n) => `${stepWords(n.step)} at ${p.when(n.at)}`).join(', and ');
    text = `Not yet acknowledged: ${next || 'escalation is still running'}.`;
  }
  return (
    <section class={`panel escalation escalation--${s.kind}`} id="ack" aria-labelledby="ack-title">
      <h2 id="ack-title">Escalation</h2>
      <p>{text}</p>
      {s.kind === 'running' ? (
        <form method="post" action={p.form}>
          {p.hidden}
          <button type="submit" class="button">
            I have it
          </button>
          <p class="hint">
            Stops the escalation: nobody else is paged. Replying, calling, a note or recording the line stop it too.
          </p>
        </form>
      ) : null}
    </section>
  );
}

/**
 * "This is a major incident": the officer declares it from the enquiry in front of them, which
 * links this enquiry and acknowledges the incident at once. An enquiry already in an incident
 * says so instead. The name starts empty, in the officer's own words; the search terms start from
 * the subject's two most distinctive words (issue 23: `distinctiveWords`, never the journalist's
 * name or outlet), which the officer edits before declaring. Nothing is stored until they do.
 */
function DeclareIncident(p: {
  summary: string;
  base: string;
  incidentId: string | null;
  suggestedTerms: string;
  hidden: unknown;
  errors: Record<string, string>;
  values: Record<string, string>;
}) {
  if (p.incidentId) {
    return (
      <section class="action" aria-labelledby="declare-title">
        <h3 id="declare-title">Part of an incident</h3>
        <p class="hint">
          This enquiry is linked to an incident: its other urgent enquiries come to you as a {p.summary} every few
          minutes, not one page each.
        </p>
      </section>
    );
  }
  return (
    <section class="action" aria-labelledby="declare-title">
      <h3 id="declare-title">Declare an incident from this enquiry</h3>
      <p class="hint">
        For a big story with many enquiries: they are grouped on the desk, and out of hours you get one {p.summary}{' '}
        every few minutes instead of a page for each.
      </p>
      <form method="post" action={`${p.base}/declare`}>
        {p.hidden}
        <Field
          id={DECLARE_FIELD.name}
          name="name"
          label="Incident name"
          hint="A short name for the story, such as: Market Street cordon."
          error={p.errors[DECLARE_FIELD.name]}
          attrs={{ type: 'text', maxlength: INCIDENT_LIMITS.name, value: p.values[DECLARE_FIELD.name] ?? '' }}
        />
        <Field
          id={DECLARE_FIELD.terms}
          name="terms"
          label="Search terms"
          hint="Words every enquiry about it contains, such as: market street cordon. Filled in from the subject: check them."
          error={p.errors[DECLARE_FIELD.terms]}
          attrs={{
            type: 'text',
            maxlength: INCIDENT_LIMITS.terms,
            value: p.values[DECLARE_FIELD.terms] ?? p.suggestedTerms,
          }}
        />
        <button type="submit" class="button">
          Declare incident
        </button>
      </form>
    </section>
  );
}

/**
 * The one answer for a link that opens nothing (unknown, tampered, expired, or its enquiry's
 * data erased): it cannot say which without telling a guesser which tokens exist. What it offers
 * is true: the SMS commands work from the on-call phone without any link.
 */
export function LinkGonePage(props: { office: OfficeConfig; pressOfficeNumber: string; linkHours: number }) {
  return (
    <Layout title="This link has expired" officeName={props.office.name}>
      <h1>This link has expired</h1>
      <p class="lead">This link has expired or is not valid. Links in page texts work for {props.linkHours} hours.</p>
      <p>
        From the on-call phone, text INFO and the enquiry's reference to the press office number,{' '}
        {national(props.pressOfficeNumber)}, for its details. CALL, REPLY, NOTE and DONE work by text too; text HELP for
        how.
      </p>
    </Layout>
  );
}
