import type { Child } from 'hono/jsx';
import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import type { EnquiryChannel } from '../enquiries/enquiry.tables.js';
import { formatOfficeTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary, FieldError, Layout } from '../http/layout.js';
import { STATUS_LIMITS } from './status.forms.js';
import type { JournalistStage, StatusView } from './status.service.js';

/** The journalist's actions on the page, each a form posting to `/status/{token}/{action}`. */
export const STATUS_ACTIONS = ['add', 'deadline', 'withdraw', 'updates'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/** True when `s` names one of the actions (the notice to show after a redirect). */
export function isStatusAction(s: string | undefined): s is StatusAction {
  return (STATUS_ACTIONS as readonly string[]).includes(s ?? '');
}

/** The form fields, in page order: the error summary lists problems in this order. */
const FIELD_ORDER = ['information', 'deadline', 'reason', 'confirm'] as const;

/** How an enquiry arrived, as the journalist would say it. */
const CHANNEL_WORDS = {
  web: 'through the web form',
  api: 'online',
  sms: 'by text message',
  voice: 'by phone',
  email: 'by email',
} as const satisfies Record<EnquiryChannel, string>;

/** Each stage as a headline and one sentence saying what it means for the journalist. */
function stageWords(view: StatusView): { title: string; text: string } {
  const officer = view.officerFirstName ? `${view.officerFirstName}, a press officer,` : 'A press officer';
  const words = {
    received: {
      title: 'Received',
      text: 'Your enquiry has reached the press office. The next available press officer will pick it up.',
    },
    with_officer: { title: 'With a press officer', text: `${officer} is working on your enquiry.` },
    waiting: {
      title: 'Waiting for you',
      text: 'The press office has asked you for something and is waiting for your answer. You can reply to their message or add it below.',
    },
    answered: {
      title: 'Answered',
      text: view.response
        ? 'The press office has answered your enquiry. The response is below.'
        : 'The press office has answered your enquiry, by the way you contacted them or by phone.',
    },
    closed: {
      title: 'Closed',
      text: 'The press office has closed this enquiry. For anything new, send a new enquiry.',
    },
    withdrawn: { title: 'Withdrawn', text: 'You withdrew this enquiry, so nothing more will happen with it.' },
  } satisfies Record<JournalistStage, { title: string; text: string }>;
  // A referral or "not a media enquiry" (issue 28) says how it ended, not just that it did.
  if (view.ending && (view.stage === 'closed' || view.stage === 'answered')) return endingWords(view.ending);
  return words[view.stage];
}

/** How a referral or "not a media enquiry" reads on the journalist's page. */
function endingWords(ending: NonNullable<StatusView['ending']>): { title: string; text: string } {
  switch (ending.outcome) {
    case 'referred_foi':
      return {
        title: 'Closed: referred to Freedom of Information',
        text: 'Your enquiry asks for information the office holds rather than for comment, so please make it as a Freedom of Information request. The press office has closed it here.',
      };
    case 'referred_other': {
      const org = ending.organisation?.trim() || 'another organisation';
      return {
        title: `Closed: referred to ${org}`,
        text: `Your enquiry is a matter for ${org}, so please contact them directly. The press office has closed it here.`,
      };
    }
    case 'not_media':
      return {
        title: 'Closed: not a media enquiry',
        text: 'The press office answers enquiries from the media only, so it has closed this one. For anything else, please use the contact details on the website.',
      };
  }
}

/** What the journalist is told after each action succeeded (the page is shown again after a redirect). */
function doneNotice(action: StatusAction, view: StatusView): string {
  switch (action) {
    case 'add':
      return 'Thank you. What you added is now with your enquiry, and the press office can see it.';
    case 'deadline':
      return view.deadline ? 'Your deadline is changed.' : 'Your deadline is removed.';
    case 'withdraw':
      return 'Your enquiry is withdrawn. Nothing more will happen with it.';
    case 'updates':
      return view.updatesOff
        ? 'Messages about this enquiry are turned off.'
        : 'Messages about this enquiry are turned on.';
  }
}

/**
 * The shell of the status page: the shared Layout, plus what a bearer link needs in its head: `noindex` so a leaked link
 * is not listed by a search engine, and `no-referrer` so the token in the address never leaves
 * in a Referer (the response headers say both too; the tags cover a page saved or proxied).
 */
export function StatusLayout(props: { title: string; officeName: string; children?: Child }) {
  const head = (
    <>
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content="no-referrer" />
    </>
  );
  return (
    <Layout title={props.title} officeName={props.officeName} head={head}>
      {props.children}
    </Layout>
  );
}

/** Props of the status page: the service's view, where its forms post, and what to show beside them. */
export interface StatusPageProps {
  office: OfficeConfig;
  view: StatusView;
  /** `/status/{token}`: the forms post below it (the token appears only in this page and its address). */
  base: string;
  csrf: string;
  notice?: StatusAction;
  errors?: Partial<Record<(typeof FIELD_ORDER)[number], string>>;
  values?: Partial<Record<(typeof FIELD_ORDER)[number], string>>;
  /** A refusal that belongs to no field (the enquiry closed meanwhile): shown at the top. */
  problem?: string;
}

/** A deadline as the datetime-local field shows it: office time, to the minute. */
function deadlineValue(d: Date, office: OfficeConfig): string {
  return DateTime.fromJSDate(d).setZone(office.timezone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/**
 * The journalist's page for one enquiry: where it stands in plain words, the response once
 * released, what they added, and (while it is open) plain forms to add information, move the
 * deadline or withdraw it; plus the switch for the messages about changes. It shows nothing
 * else of the enquiry: no notes, no staff beyond an allowed first name.
 */
export function StatusPage(p: StatusPageProps) {
  const v = p.view;
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const when = (d: Date) => formatOfficeTime(d, p.office, v.now);
  const stage = stageWords(v);
  const hidden = <input type="hidden" name="_csrf" value={p.csrf} />;
  const form = (action: StatusAction) => `${p.base}/${action}`;
  const medium = v.updatesBy === 'sms' ? 'text' : 'email';
  // An answered enquiry can still be closed; a released response was itself the last message.
  const changes = v.canChange ? 'answered or closed' : 'closed';
  return (
    <StatusLayout
      title={`${hasErrors || p.problem ? 'Error: ' : ''}Your enquiry ${v.reference}`}
      officeName={p.office.name}
    >
      {p.notice && !hasErrors && !p.problem ? (
        <div class="notice" role="status">
          <p>{doneNotice(p.notice, v)}</p>
        </div>
      ) : null}
      {hasErrors ? <ErrorSummary errors={errors as Record<string, string>} order={FIELD_ORDER} /> : null}
      {p.problem ? (
        <div class="error-summary" role="alert" aria-labelledby="problem-title" tabindex={-1}>
          <h2 id="problem-title">There is a problem</h2>
          <p>{p.problem}</p>
        </div>
      ) : null}
      <p class="status-ref">
        Your enquiry <strong class="reference">{v.reference}</strong>
      </p>
      {v.combined ? (
        <p class="panel status-combined">
          Your enquiry {v.combined.from} was combined with {v.combined.into}, as they are about the same thing. This
          page shows {v.combined.into}: where it stands is where yours stands.
        </p>
      ) : null}
      <h1 class="status-subject">{v.subject}</h1>
      <p class="hint">
        Received {when(v.receivedAt)} {CHANNEL_WORDS[v.channel]}.
      </p>

      <section class={`panel status-stage status-stage--${v.stage}`} aria-labelledby="stage-title">
        <h2 id="stage-title">
          <span class="visually-hidden">Where it stands: </span>
          {stage.title}
          {v.urgent && v.canChange ? <strong class="tag tag--urgent">Urgent</strong> : null}
        </h2>
        <p>{stage.text}</p>
        {v.checkingFacts && v.stage !== 'waiting' ? (
          <p class="status-facts">We are checking the facts with colleagues before we answer.</p>
        ) : null}
        {v.withdrawnReason ? <p class="pre">Your reason: {v.withdrawnReason}</p> : null}
      </section>

      {v.canChange ? (
        <dl class="summary">
          <dt>Your deadline</dt>
          <dd>{v.deadline ? when(v.deadline) : 'None given'}</dd>
          {v.respondBy ? (
            <>
              <dt>We aim to respond by</dt>
              <dd>{when(v.respondBy)}</dd>
            </>
          ) : null}
          <dt>The press office</dt>
          <dd>
            {v.office.open
              ? `is open now${v.office.nextClosing ? ` until ${when(v.office.nextClosing)}` : ''}.`
              : `is closed${v.office.nextOpening ? ` until ${when(v.office.nextOpening)}` : ''}.`}
          </dd>
        </dl>
      ) : null}

      {v.response ? (
        <section aria-labelledby="response-title">
          <h2 id="response-title">The press office’s response</h2>
          <div class="panel pre status-response">{v.response}</div>
        </section>
      ) : null}

      {v.additions.length ? (
        <section aria-labelledby="additions-title">
          <h2 id="additions-title">What you added</h2>
          <ol class="timeline status-additions">
            {v.additions.map((a) => (
              <li>
                <time datetime={a.at.toISOString()}>{when(a.at)}</time>
                <div class="pre">{a.text}</div>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {v.canChange ? (
        <>
          <section class="action" aria-labelledby="add-title">
            <h2 id="add-title">Add information</h2>
            <form method="post" action={form('add')} novalidate>
              {hidden}
              <Field
                id="information"
                as="textarea"
                label="What you want to add"
                hint="For example a new question, more detail, or a way to reach you. The press officer sees it with your enquiry."
                error={errors.information}
                attrs={{ maxlength: STATUS_LIMITS.information, rows: 5 }}
              >
                {values.information ?? ''}
              </Field>
              <button type="submit" class="button">
                Add information
              </button>
            </form>
          </section>

          <section class="action" aria-labelledby="deadline-title">
            <h2 id="deadline-title">Change your deadline</h2>
            <p>{v.deadline ? `Your deadline now: ${when(v.deadline)}.` : 'You have not given a deadline.'}</p>
            <form method="post" action={form('deadline')} novalidate>
              {hidden}
              <Field
                id="deadline"
                label="Your new deadline"
                hint="UK time. For example 2026-12-29T14:30. Leave it blank to remove your deadline."
                error={errors.deadline}
                attrs={{
                  type: 'datetime-local',
                  value: values.deadline ?? (v.deadline ? deadlineValue(v.deadline, p.office) : ''),
                }}
              />
              <button type="submit" class="button button--secondary">
                Change deadline
              </button>
            </form>
          </section>

          <section class="action" aria-labelledby="withdraw-title">
            <h2 id="withdraw-title">Withdraw your enquiry</h2>
            <p>
              If you no longer need an answer, withdraw it. The press office stops work on it, and it cannot be opened
              again.
            </p>
            <form method="post" action={form('withdraw')} novalidate>
              {hidden}
              <Field
                id="reason"
                as="textarea"
                label="Why you no longer need it (optional)"
                error={errors.reason}
                attrs={{ maxlength: STATUS_LIMITS.reason, rows: 3 }}
              >
                {values.reason ?? ''}
              </Field>
              <div class={`field${errors.confirm ? ' field--error' : ''}`}>
                <FieldError id="confirm" message={errors.confirm} />
                <div class="checkbox">
                  <input
                    type="checkbox"
                    id="confirm"
                    name="confirm"
                    value="yes"
                    aria-describedby={errors.confirm ? 'confirm-error' : undefined}
                    aria-invalid={errors.confirm ? 'true' : undefined}
                  />
                  <label for="confirm">Yes, withdraw this enquiry. I no longer need a response.</label>
                </div>
              </div>
              <button type="submit" class="button button--warning">
                Withdraw enquiry
              </button>
            </form>
          </section>
        </>
      ) : null}

      {v.updatesBy && (v.canChange || (v.stage === 'answered' && !v.response)) ? (
        <section class="action" aria-labelledby="updates-title">
          <h2 id="updates-title">Messages about this enquiry</h2>
          <p>
            {v.updatesOff
              ? `You have turned these messages off. We will not ${medium} you when it is ${changes}.`
              : `We will ${medium} you when it is ${changes}, with a link to this page.`}
          </p>
          <form method="post" action={form('updates')}>
            {hidden}
            <input type="hidden" name="on" value={v.updatesOff ? 'yes' : 'no'} />
            <button type="submit" class="button button--secondary">
              {v.updatesOff ? 'Turn messages back on' : 'Turn these messages off'}
            </button>
          </form>
        </section>
      ) : null}

      <p class="hint status-keep">
        Keep this link private: anyone with it can see {v.canChange ? 'and change ' : ''}this enquiry. Quote your
        reference if you contact the press office.
      </p>
    </StatusLayout>
  );
}

/**
 * The one answer for a link that opens nothing (unknown, tampered, expired, or its enquiry's
 * data erased): the same words for every reason, so the page tells a guesser nothing. What it
 * offers is always true: the form, and quoting the reference.
 */
export function StatusGonePage(props: { officeName: string; linkDaysAfterClose: number }) {
  return (
    <StatusLayout title="This link does not work" officeName={props.officeName}>
      <h1>This link does not work</h1>
      <p class="lead">
        This link does not work. It may have expired: a link stops working {props.linkDaysAfterClose} days after its
        enquiry is closed. It may also have been copied only in part.
      </p>
      <h2>How to reach the press office</h2>
      <p>
        <a href="/" rel="noreferrer">
          Send an enquiry using the form
        </a>
        . If it is about an enquiry you sent before, quote its reference (it starts with PD-).
      </p>
    </StatusLayout>
  );
}
