import type { AskableColleague } from '../colleagues/questions.repository.js';
import type { OfficeConfig } from '../config.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { describedBy, ErrorSummary, FieldError, Layout } from '../http/layout.js';
import { Csrf } from '../web/layout.js';
import { SIGNOFF_LIMITS, type ApproverView, type SignOffView } from './signoff.service.js';

/** The sign-off form's element ids, by the field each error names (the error summary links to them). */
export const SIGNOFF_IDS = {
  draft: 'signoff-draft',
  approvers: 'signoff-approvers',
  via: 'signoff-via',
} as const;
export type SignOffField = keyof typeof SIGNOFF_IDS;

const RULE_WORDS = {
  never: '',
  incident: 'Responses on enquiries linked to an incident',
  urgent: 'Responses to urgent enquiries',
  always: 'Every response',
} as const;

/** Why sign-off is required: the office's rule, the enquiry's topics (src/topics), or both. */
function requiredBecause(view: SignOffView, rule: keyof typeof RULE_WORDS): string {
  const topics = view.byTopics;
  return [
    view.byRule && RULE_WORDS[rule] ? RULE_WORDS[rule].toLowerCase() : '',
    topics.length ? `the topic${topics.length > 1 ? 's' : ''} ${topics.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

const REQUEST_WORDS = {
  pending: 'waiting',
  approved: 'approved',
  returned: 'returned it',
  void: 'no longer asked (the words changed, or someone else decided)',
} as const;

/**
 * The enquiry page's sign-off panel (issue 26, item 3): where the draft stands (awaiting whom
 * since when, approved by whom, returned with what comment), and the form to save it or send it
 * for sign-off to colleagues from the directory.
 */
export function SignOffPanel(props: {
  view: SignOffView;
  rule: keyof typeof RULE_WORDS;
  approvers: AskableColleague[];
  emailEnabled: boolean;
  office: OfficeConfig;
  now: Date;
  csrf: string;
  action: (name: string) => string;
  errors?: Partial<Record<SignOffField, string>>;
  values?: { draft?: string; via?: string; approvers?: readonly string[] };
  /** Hidden fields the form carries besides the CSRF token (the on-call link's reference and form key). */
  hidden?: unknown;
}) {
  const { view, errors = {}, values = {} } = props;
  const when = (d: Date) => formatShortTime(d, props.office, props.now);
  const d = view.draft;
  const ticked = new Set(values.approvers ?? []);
  const via = values.via ?? 'sms';
  const minutes = d?.sent_at ? Math.max(0, Math.round((props.now.getTime() - d.sent_at.getTime()) / 60_000)) : 0;
  return (
    <section class="panel signoff" id="signoff" aria-labelledby="signoff-title">
      <h2 id="signoff-title">Draft and sign-off</h2>
      {view.required ? (
        <p>
          <strong>Sign-off is required</strong> before this response is released ({requiredBecause(view, props.rule)}).
          The approval is for the exact words: changing them afterwards needs a new sign-off.
        </p>
      ) : (
        <p class="hint">
          Optional here: send the words to the SIO or a service head to approve before you release them.
        </p>
      )}
      {d ? (
        <div class={`draft draft--${d.state}`}>
          <p>
            {d.state === 'awaiting' ? (
              <strong>
                Awaiting sign-off ({minutes} min), sent {d.sent_at ? when(d.sent_at) : ''}
              </strong>
            ) : d.state === 'approved' ? (
              <strong>
                Approved by {d.approved_by} at {d.approved_at ? when(d.approved_at) : ''}
              </strong>
            ) : d.state === 'returned' ? (
              <strong>Returned: change it and send it again</strong>
            ) : (
              <strong>Draft, not sent for sign-off</strong>
            )}
          </p>
          <div class="pre">{d.text}</div>
          {view.requests.length ? (
            <ul class="signoff-requests">
              {view.requests.map((r) => (
                <li>
                  {r.name} by {r.via === 'sms' ? 'text' : 'email'}, {when(r.sent_at)}: {REQUEST_WORDS[r.state]}
                  {r.edited ? ' with edits' : ''}
                  {r.comment ? <span class="pre"> — “{r.comment}”</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <form method="post" action={props.action('signoff')} class="action" novalidate>
        {props.hidden ? (props.hidden as never) : <Csrf token={props.csrf} />}
        <Field
          id={SIGNOFF_IDS.draft}
          name="draft"
          label="The response to be signed off"
          hint={`Exactly as it will be released. Up to ${SIGNOFF_LIMITS.text.toLocaleString('en-GB')} characters.`}
          error={errors.draft}
          as="textarea"
          attrs={{ maxlength: SIGNOFF_LIMITS.text, rows: 5 }}
        >
          {values.draft ?? d?.text ?? ''}
        </Field>
        {props.approvers.length ? (
          <fieldset
            id={SIGNOFF_IDS.approvers}
            class={`field${errors.approvers ? ' field--error' : ''}`}
            aria-describedby={describedBy(SIGNOFF_IDS.approvers, { error: errors.approvers })}
            tabindex={-1}
          >
            <legend>Who signs it off</legend>
            <FieldError id={SIGNOFF_IDS.approvers} message={errors.approvers} />
            {props.approvers.map((c) => (
              <div class="checkbox">
                <input
                  type="checkbox"
                  id={`approver-${c.id}`}
                  name="approvers"
                  value={c.id}
                  checked={ticked.has(c.id)}
                />
                <label for={`approver-${c.id}`}>
                  {c.name}
                  {c.role ? `, ${c.role}` : ''}
                </label>
              </div>
            ))}
          </fieldset>
        ) : (
          <p>Nobody is in the directory of colleagues yet: a manager adds approvers under Colleagues.</p>
        )}
        <fieldset
          id={SIGNOFF_IDS.via}
          class={`field${errors.via ? ' field--error' : ''}`}
          aria-describedby={describedBy(SIGNOFF_IDS.via, { error: errors.via })}
          tabindex={-1}
        >
          <legend>Send it by</legend>
          <FieldError id={SIGNOFF_IDS.via} message={errors.via} />
          <div class="radio">
            <input type="radio" id="signoff-via-sms" name="via" value="sms" checked={via === 'sms'} />
            <label for="signoff-via-sms">Text with a link (they can reply APPROVE)</label>
          </div>
          {props.emailEnabled ? (
            <div class="radio">
              <input type="radio" id="signoff-via-email" name="via" value="email" checked={via === 'email'} />
              <label for="signoff-via-email">Email with a link</label>
            </div>
          ) : null}
        </fieldset>
        <button class="button" type="submit">
          Send for sign-off
        </button>{' '}
        <button class="button button--secondary" type="submit" formaction={props.action('draft')}>
          Save the draft only
        </button>
      </form>
    </section>
  );
}

/**
 * The approver's page (`/s/{token}`), made for a phone: the enquiry in brief, the words, and three
 * choices: approve, approve with edits (the edited words are what is approved), return with a comment.
 */
export function ApproverPage(props: {
  office: OfficeConfig;
  view: ApproverView;
  action: string;
  csrf: string;
  errors?: { text?: string; comment?: string };
  values?: { text?: string; comment?: string };
  problem?: string;
  done?: 'approve' | 'edit' | 'return';
}) {
  const { view: v, office, errors = {}, values = {} } = props;
  const hasErrors = Boolean(errors.text || errors.comment);
  const line = v.kind === 'line';
  const noun = line ? `${v.subject} line` : 'response';
  const DONE = {
    approve: line
      ? 'Thank you: you approved the line. The press office can send it now.'
      : 'Thank you: you approved the response. The press office can release it now.',
    edit: line
      ? 'Thank you: you approved the line with your edits. Those are the words the press office can send.'
      : 'Thank you: you approved the response with your edits. Those are the words the press office can release.',
    return: `Thank you: the ${noun} went back to the press office with your comment.`,
  } as const;
  const due = v.respondBy ?? v.deadline;
  return (
    <Layout
      title={`${hasErrors ? 'Error: ' : ''}Sign off ${line ? `the ${noun} on ${v.reference}` : `the response to ${v.reference}`}`}
      officeName={office.name}
    >
      {hasErrors ? <ErrorSummary errors={errors as Record<string, string>} order={['text', 'comment']} /> : null}
      {props.done ? (
        <div class="notice" role="status">
          {DONE[props.done]}
        </div>
      ) : null}
      {props.problem ? (
        <div class="notice notice--warning" role="alert">
          {props.problem}
        </div>
      ) : null}
      <h1>{line ? `Sign off a ${noun}` : 'Sign off a response'}</h1>
      {line ? (
        <p>
          For {v.name}: the press office's {noun} on the incident <strong>{v.reference}</strong>, to be sent to every
          journalist who asked about it.
        </p>
      ) : (
        <p>
          For {v.name}: the press office's response to media enquiry <strong>{v.reference}</strong>
          {v.outlet ? ` from ${v.outlet}` : ''}.
          {due ? ` The journalist's deadline is ${formatDeadline(due, office, v.now)}.` : ''}
        </p>
      )}
      {line ? (
        v.details ? (
          <section class="panel" aria-labelledby="asked-title">
            <h2 id="asked-title">The incident</h2>
            <p class="pre">{v.details}</p>
          </section>
        ) : null
      ) : (
        <section class="panel" aria-labelledby="asked-title">
          <h2 id="asked-title">What the journalist asked</h2>
          <p>
            <strong>{v.subject}</strong>
          </p>
          <p class="pre">{v.details}</p>
        </section>
      )}
      <section class="panel" aria-labelledby="words-title">
        <h2 id="words-title">{line ? `The ${noun}` : 'The response'}</h2>
        <p class="pre">{v.text}</p>
      </section>
      {v.open ? (
        <>
          <form method="post" action={`${props.action}/approve`} class="action">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button type="submit" class="button">
              Approve these words
            </button>
          </form>
          <form method="post" action={`${props.action}/edit`} class="action" novalidate>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <Field
              id="text"
              label="Approve with edits"
              hint="Change the words; what you send is what you approve."
              error={errors.text}
              as="textarea"
              attrs={{ maxlength: line ? SIGNOFF_LIMITS.line : SIGNOFF_LIMITS.text, rows: 6 }}
            >
              {values.text ?? v.text}
            </Field>
            <button type="submit" class="button button--secondary">
              Approve with my edits
            </button>
          </form>
          <form method="post" action={`${props.action}/return`} class="action" novalidate>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <Field
              id="comment"
              label="Return it with a comment"
              hint="Say what should change; the press office sees it."
              error={errors.comment}
              as="textarea"
              attrs={{ maxlength: SIGNOFF_LIMITS.comment, rows: 3 }}
            >
              {values.comment ?? ''}
            </Field>
            <button type="submit" class="button button--secondary">
              Return it
            </button>
          </form>
        </>
      ) : (
        <p>
          {v.outcome === 'approved'
            ? `This ${noun} has been approved.`
            : v.outcome === 'returned'
              ? `This ${noun} was returned to the press office.`
              : `The press office changed this ${noun} after sending it to you: they will send the new version if it needs you.`}
        </p>
      )}
    </Layout>
  );
}

/** Every approver link that opens nothing: one page for every reason. */
export function ApproverGonePage(props: { officeName: string }) {
  return (
    <Layout title="Link not working" officeName={props.officeName}>
      <h1>This link no longer works</h1>
      <p>
        The enquiry it was about is finished, or the link was mistyped. If the press office still needs you, they will
        send a new one.
      </p>
    </Layout>
  );
}
