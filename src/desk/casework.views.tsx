import type { OfficeConfig } from '../config.js';
import type { Enquiry } from '../db/schema.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import type { TimelineEvent } from '../enquiries/timeline.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary } from '../http/layout.js';
import type { Page } from '../oncall/paging.tables.js';
import type { OutboundMessage } from '../outbox/outbox.tables.js';
import type { StepWithDelivery } from './casework.repository.js';
import type { DeskSession } from './auth.service.js';
import { CASEWORK_LIMITS, STATUSES } from './casework.service.js';
import { Csrf, DeskLayout } from './desk.layout.js';
import { channelLabel, statusLabel } from './labels.js';
import { Timeline } from './timeline.views.js';

type When = (d: Date) => string;

/** Where each action's error belongs, in page order: the page section, then the action forms. */
const ERROR_ORDER: readonly string[] = ['page', 'assignee', 'status', 'reply', 'email', 'response', 'note', 'reason'];

export interface EnquiryPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  enquiry: Enquiry;
  assigneeName: string | null;
  staff: Array<{ id: string; name: string }>;
  earlier: Array<{ reference: string; subject: string; status: string; received_at: Date; channel: string }>;
  timeline: TimelineEvent[];
  page: { page: Page; steps: StepWithDelivery[] } | null;
  outbound: OutboundMessage[];
  /** Replies by email can be sent (SMTP configured). */
  emailEnabled: boolean;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

/** Everything about one enquiry on one page: details, actions, the journalist's history and the timeline. */
export function EnquiryPage(p: EnquiryPageProps) {
  const e = p.enquiry;
  const when: When = (d) => formatShortTime(d, p.office, p.now);
  const by: When = (d) => formatDeadline(d, p.office, p.now);
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  // Any field not listed still gets its line, after the known ones.
  const errorOrder = [...ERROR_ORDER, ...Object.keys(errors).filter((k) => !ERROR_ORDER.includes(k))];
  const csrf = p.session.session.csrf_token;
  const action = (name: string) => `/desk/enquiries/${e.reference}/${name}`;
  const open = isOpenStatus(e.status);
  const due = e.deadline ?? e.respond_by;
  const overdue = open && due !== null && due.getTime() < p.now.getTime();
  return (
    <DeskLayout title={`${errors && Object.keys(errors).length ? 'Error: ' : ''}${e.reference}`} officeName={p.office.name} session={p.session}>
      <p>
        <a href="/desk">← Back to the queue</a>
      </p>
      <h1>
        {e.reference} {e.urgent ? <strong class="tag tag--urgent">Urgent</strong> : null} {overdue ? <strong class="tag tag--overdue">Overdue</strong> : null}
      </h1>
      {Object.keys(errors).length ? <ErrorSummary errors={errors} order={errorOrder} /> : null}
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
        <dd>{e.email ? <a href={`mailto:${e.email}?subject=${encodeURIComponent(`Your enquiry ${e.reference}`)}`}>{e.email}</a> : '—'}</dd>
        <dt>Phone</dt>
        <dd>{e.phone ? <a href={`tel:${e.phone}`}>{e.phone}</a> : '—'}</dd>
        <dt>Deadline</dt>
        <dd>{e.deadline ? by(e.deadline) : 'None given'}</dd>
        <dt>Respond by</dt>
        <dd>{e.respond_by ? by(e.respond_by) : '—'}</dd>
        <dt>Received</dt>
        <dd>
          {when(e.received_at)} by {channelLabel(e.channel)}
          {e.out_of_hours ? ', out of hours' : ', in hours'}
        </dd>
        {e.response_given ? (
          <>
            <dt>Response given</dt>
            <dd class="pre">{e.response_given}</dd>
          </>
        ) : null}
      </dl>
      <h2>Details</h2>
      <div class="panel pre">{e.details}</div>

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

      <h2>Actions</h2>
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
          <Field id="status" label="Status" error={errors.status} as="select">
            {STATUSES.map((s) => (
              <option value={s.value} selected={s.value === e.status}>
                {s.label}
              </option>
            ))}
          </Field>
          <button class="button button--secondary" type="submit">
            Change status
          </button>
        </form>

        {e.phone ? (
          <form method="post" action={action('reply')} class="action">
            <Csrf token={csrf} />
            <Field
              id="reply"
              label="Reply to the journalist by SMS"
              hint={`Sent to ${e.phone} from the press office number. Up to ${CASEWORK_LIMITS.reply} characters.`}
              error={errors.reply}
              as="textarea"
              attrs={{ maxlength: CASEWORK_LIMITS.reply }}
            >
              {values.reply ?? ''}
            </Field>
            <button class="button" type="submit">
              Send SMS reply
            </button>
          </form>
        ) : null}

        {e.email && p.emailEnabled ? (
          <form method="post" action={action('email')} class="action">
            <Csrf token={csrf} />
            <Field
              id="email"
              label="Reply to the journalist by email"
              hint={`Sent to ${e.email} from the press office's address, in the same thread as their last message.`}
              error={errors.email}
              as="textarea"
              attrs={{ maxlength: CASEWORK_LIMITS.email, rows: 6 }}
            >
              {values.email ?? ''}
            </Field>
            <button class="button" type="submit">
              Send email reply
            </button>
          </form>
        ) : null}

        <form method="post" action={action('response')} class="action">
          <Csrf token={csrf} />
          <Field id="response" label="Record the response given (press line)" error={errors.response} as="textarea" attrs={{ maxlength: CASEWORK_LIMITS.response }}>
            {values.response ?? ''}
          </Field>
          <button class="button button--secondary" type="submit">
            Record response
          </button>
        </form>

        <form method="post" action={action('note')} class="action">
          <Csrf token={csrf} />
          <Field id="note" label="Internal note" hint="Staff only. Never sent to the journalist." error={errors.note} as="textarea" attrs={{ maxlength: CASEWORK_LIMITS.note }}>
            {values.note ?? ''}
          </Field>
          <button class="button button--secondary" type="submit">
            Add note
          </button>
        </form>

        <form method="post" action={action('urgency')} class="action">
          <Csrf token={csrf} />
          <input type="hidden" name="urgent" value={e.urgent ? 'false' : 'true'} />
          <Field id="reason" label={e.urgent ? 'Downgrade: reason' : 'Mark urgent: reason'} error={errors.reason} attrs={{ type: 'text', maxlength: CASEWORK_LIMITS.reason, value: values.reason ?? '' }} />
          <button class="button button--secondary" type="submit">
            {e.urgent ? 'Mark not urgent' : 'Mark urgent'}
          </button>
        </form>
      </div>

      <h2>Timeline</h2>
      <Timeline events={p.timeline} when={when} />
      {p.outbound.length ? (
        <>
          <h2>SMS to the journalist</h2>
          <ul>
            {p.outbound.map((o) => (
              <li>
                {o.sent_at ? when(o.sent_at) : when(o.created_at)}: {o.state}
                {o.provider_status ? `, ${o.provider_status}` : ''} — <span class="pre">{o.content}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>The journalist's other enquiries</h2>
      {p.earlier.length ? (
        <ul>
          {p.earlier.map((x) => (
            <li>
              <a href={`/desk/enquiries/${x.reference}`}>{x.reference}</a> {when(x.received_at)}: {x.subject} ({statusLabel(x.status)})
            </li>
          ))}
        </ul>
      ) : (
        <p>None.</p>
      )}
    </DeskLayout>
  );
}
