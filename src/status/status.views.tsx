import type { Child } from 'hono/jsx';
import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import { formatOfficeTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { LanguageSwitch } from '../http/language-switch.js';
import { ErrorSummary, FieldError, Layout } from '../http/layout.js';
import { translator } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';
import { STATUS_LIMITS } from './status.forms.js';
import type { StatusView } from './status.service.js';

/** The journalist's actions on the page, each a form posting to `/status/{token}/{action}`. */
export const STATUS_ACTIONS = ['add', 'deadline', 'withdraw', 'updates'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/** True when `s` names one of the actions (the notice to show after a redirect). */
export function isStatusAction(s: string | undefined): s is StatusAction {
  return (STATUS_ACTIONS as readonly string[]).includes(s ?? '');
}

/** The form fields, in page order: the error summary lists problems in this order. */
const FIELD_ORDER = ['information', 'deadline', 'reason', 'confirm'] as const;

/** Each stage as a headline and one sentence saying what it means for the journalist, in `lang`. */
function stageWords(view: StatusView, lang: Lang): { title: string; text: string } {
  const tr = translator(lang);
  // A referral or "not a media enquiry" (issue 28) says how it ended, not just that it did.
  if (view.ending && (view.stage === 'closed' || view.stage === 'answered')) return endingWords(view.ending, lang);
  switch (view.stage) {
    case 'received':
      return { title: tr('web.status.received.title'), text: tr('web.status.received.text') };
    case 'with_officer':
      return {
        title: tr('web.status.withOfficer.title'),
        text: tr('web.status.withOfficer.text', { officer: view.officerFirstName ?? 'none' }),
      };
    case 'waiting':
      return { title: tr('web.status.waiting.title'), text: tr('web.status.waiting.text') };
    case 'answered':
      return {
        title: tr('web.status.answered.title'),
        text: tr(view.response ? 'web.status.answered.text' : 'web.status.answered.elsewhere'),
      };
    case 'closed':
      return { title: tr('web.status.closed.title'), text: tr('web.status.closed.text') };
    case 'withdrawn':
      return { title: tr('web.status.withdrawn.title'), text: tr('web.status.withdrawn.text') };
  }
}

/** How a referral or "not a media enquiry" reads on the journalist's page. */
function endingWords(ending: NonNullable<StatusView['ending']>, lang: Lang): { title: string; text: string } {
  const tr = translator(lang);
  switch (ending.outcome) {
    case 'referred_foi':
      return { title: tr('web.status.foi.title'), text: tr('web.status.foi.text') };
    case 'referred_other': {
      const org = ending.organisation?.trim() || tr('web.status.other.someone');
      return { title: tr('web.status.other.title', { org }), text: tr('web.status.other.text', { org }) };
    }
    case 'not_media':
      return { title: tr('web.status.notMedia.title'), text: tr('web.status.notMedia.text') };
  }
}

/** What the journalist is told after each action succeeded (the page is shown again after a redirect). */
function doneNotice(action: StatusAction, view: StatusView, lang: Lang): string {
  const tr = translator(lang);
  switch (action) {
    case 'add':
      return tr('web.status.done.add');
    case 'deadline':
      return tr(view.deadline ? 'web.status.done.deadline' : 'web.status.done.deadlineRemoved');
    case 'withdraw':
      return tr('web.status.done.withdraw');
    case 'updates':
      return tr(view.updatesOff ? 'web.status.done.updatesOff' : 'web.status.done.updatesOn');
  }
}

/**
 * The shell of the status page: the shared Layout, plus what a bearer link needs in its head: `noindex` so a leaked link
 * is not listed by a search engine, and `no-referrer` so the token in the address never leaves
 * in a Referer (the response headers say both too; the tags cover a page saved or proxied).
 */
export function StatusLayout(props: {
  title: string;
  officeName: string;
  children?: Child;
  /** The page's language (English by default) and the office's languages, for the switch. */
  lang?: Lang;
  offered?: readonly Lang[];
  /** The page's address for the switch (a page shown again after a POST); default: this address. */
  path?: string;
}) {
  const lang = props.lang ?? 'en';
  const head = (
    <>
      <meta name="robots" content="noindex, nofollow" />
      <meta name="referrer" content="no-referrer" />
    </>
  );
  return (
    <Layout
      title={props.title}
      officeName={props.officeName}
      head={head}
      lang={lang}
      nav={<LanguageSwitch offered={props.offered ?? [lang]} current={lang} path={props.path} />}
    >
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
  /** The page's language (default: the enquiry's) and the office's languages, for the switch. */
  lang?: Lang;
  offered?: readonly Lang[];
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
  const lang = p.lang ?? 'en';
  const tr = translator(lang);
  const when = (d: Date) => formatOfficeTime(d, p.office, v.now, lang);
  const stage = stageWords(v, lang);
  const hidden = <input type="hidden" name="_csrf" value={p.csrf} />;
  // A switched page keeps its language through the form's redirect back.
  const form = (action: StatusAction) => `${p.base}/${action}${(p.offered ?? []).length > 1 ? `?lang=${lang}` : ''}`;
  const medium = v.updatesBy === 'sms' ? 'text' : 'email';
  // An answered enquiry can still be closed; a released response was itself the last message.
  const changes = v.canChange ? 'answered' : 'closed';
  const title = tr('web.status.title', { reference: v.reference });
  return (
    <StatusLayout
      title={hasErrors || p.problem ? tr('web.errorTitle', { title }) : title}
      officeName={p.office.name}
      lang={lang}
      offered={p.offered}
      path={p.base}
    >
      {p.notice && !hasErrors && !p.problem ? (
        <div class="notice" role="status">
          <p>{doneNotice(p.notice, v, lang)}</p>
        </div>
      ) : null}
      {hasErrors ? <ErrorSummary errors={errors as Record<string, string>} order={FIELD_ORDER} lang={lang} /> : null}
      {p.problem ? (
        <div class="error-summary" role="alert" aria-labelledby="problem-title" tabindex={-1}>
          <h2 id="problem-title">{tr('web.problem')}</h2>
          <p>{p.problem}</p>
        </div>
      ) : null}
      <p class="status-ref">
        {tr('web.status.yourEnquiry')} <strong class="reference">{v.reference}</strong>
      </p>
      {v.combined ? (
        <p class="panel status-combined">
          {tr('web.status.combined', { from: v.combined.from, into: v.combined.into })}
        </p>
      ) : null}
      <h1 class="status-subject">{v.subject}</h1>
      <p class="hint">{tr('web.status.received', { when: when(v.receivedAt), channel: v.channel })}</p>

      <section class={`panel status-stage status-stage--${v.stage}`} aria-labelledby="stage-title">
        <h2 id="stage-title">
          <span class="visually-hidden">{tr('web.status.whereItStands')}</span>
          {stage.title}
          {v.urgent && v.canChange ? <strong class="tag tag--urgent">{tr('web.status.urgent')}</strong> : null}
        </h2>
        <p>{stage.text}</p>
        {v.checkingFacts && v.stage !== 'waiting' ? <p class="status-facts">{tr('web.status.facts')}</p> : null}
        {v.withdrawnReason ? <p class="pre">{tr('web.status.yourReason', { reason: v.withdrawnReason })}</p> : null}
      </section>

      {v.canChange ? (
        <dl class="summary">
          <dt>{tr('web.status.deadline')}</dt>
          <dd>{v.deadline ? when(v.deadline) : tr('web.status.noDeadlineGiven')}</dd>
          {v.respondBy ? (
            <>
              <dt>{tr('web.status.respondBy')}</dt>
              <dd>{when(v.respondBy)}</dd>
            </>
          ) : null}
          <dt>{tr('web.status.office')}</dt>
          <dd>
            {v.office.open
              ? v.office.nextClosing
                ? tr('web.status.officeOpenUntil', { time: when(v.office.nextClosing) })
                : tr('web.status.officeOpen')
              : v.office.nextOpening
                ? tr('web.status.officeClosedUntil', { time: when(v.office.nextOpening) })
                : tr('web.status.officeClosed')}
          </dd>
        </dl>
      ) : null}

      {v.response ? (
        <section aria-labelledby="response-title">
          <h2 id="response-title">{tr('web.status.response')}</h2>
          <div class="panel pre status-response">{v.response}</div>
        </section>
      ) : null}

      {v.additions.length ? (
        <section aria-labelledby="additions-title">
          <h2 id="additions-title">{tr('web.status.additions')}</h2>
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
            <h2 id="add-title">{tr('web.status.add.title')}</h2>
            <form method="post" action={form('add')} novalidate>
              {hidden}
              <Field
                id="information"
                as="textarea"
                label={tr('web.status.add.label')}
                hint={tr('web.status.add.hint')}
                error={errors.information}
                lang={lang}
                attrs={{ maxlength: STATUS_LIMITS.information, rows: 5 }}
              >
                {values.information ?? ''}
              </Field>
              <button type="submit" class="button">
                {tr('web.status.add.button')}
              </button>
            </form>
          </section>

          <section class="action" aria-labelledby="deadline-title">
            <h2 id="deadline-title">{tr('web.status.deadline.title')}</h2>
            <p>
              {v.deadline ? tr('web.status.deadline.now', { time: when(v.deadline) }) : tr('web.status.deadline.none')}
            </p>
            <form method="post" action={form('deadline')} novalidate>
              {hidden}
              <Field
                id="deadline"
                label={tr('web.status.deadline.label')}
                hint={tr('web.status.deadline.hint')}
                error={errors.deadline}
                lang={lang}
                attrs={{
                  type: 'datetime-local',
                  value: values.deadline ?? (v.deadline ? deadlineValue(v.deadline, p.office) : ''),
                }}
              />
              <button type="submit" class="button button--secondary">
                {tr('web.status.deadline.button')}
              </button>
            </form>
          </section>

          <section class="action" aria-labelledby="withdraw-title">
            <h2 id="withdraw-title">{tr('web.status.withdraw.title')}</h2>
            <p>{tr('web.status.withdraw.text')}</p>
            <form method="post" action={form('withdraw')} novalidate>
              {hidden}
              <Field
                id="reason"
                as="textarea"
                label={tr('web.status.withdraw.reason')}
                error={errors.reason}
                lang={lang}
                attrs={{ maxlength: STATUS_LIMITS.reason, rows: 3 }}
              >
                {values.reason ?? ''}
              </Field>
              <div class={`field${errors.confirm ? ' field--error' : ''}`}>
                <FieldError id="confirm" message={errors.confirm} lang={lang} />
                <div class="checkbox">
                  <input
                    type="checkbox"
                    id="confirm"
                    name="confirm"
                    value="yes"
                    aria-describedby={errors.confirm ? 'confirm-error' : undefined}
                    aria-invalid={errors.confirm ? 'true' : undefined}
                  />
                  <label for="confirm">{tr('web.status.withdraw.confirm')}</label>
                </div>
              </div>
              <button type="submit" class="button button--warning">
                {tr('web.status.withdraw.button')}
              </button>
            </form>
          </section>
        </>
      ) : null}

      {v.updatesBy && (v.canChange || (v.stage === 'answered' && !v.response)) ? (
        <section class="action" aria-labelledby="updates-title">
          <h2 id="updates-title">{tr('web.status.updates.title')}</h2>
          <p>{tr(v.updatesOff ? 'web.status.updates.off' : 'web.status.updates.on', { medium, changes })}</p>
          <form method="post" action={form('updates')}>
            {hidden}
            <input type="hidden" name="on" value={v.updatesOff ? 'yes' : 'no'} />
            <button type="submit" class="button button--secondary">
              {tr(v.updatesOff ? 'web.status.updates.turnOn' : 'web.status.updates.turnOff')}
            </button>
          </form>
        </section>
      ) : null}

      <p class="hint status-keep">{tr('web.status.keep', { canChange: v.canChange ? 'yes' : 'no' })}</p>
    </StatusLayout>
  );
}

/**
 * The one answer for a link that opens nothing (unknown, tampered, expired, or its enquiry's
 * data erased): the same words for every reason, so the page tells a guesser nothing. What it
 * offers is always true: the form, and quoting the reference.
 */
export function StatusGonePage(props: {
  officeName: string;
  linkDaysAfterClose: number;
  lang?: Lang;
  offered?: readonly Lang[];
}) {
  const lang = props.lang ?? 'en';
  const tr = translator(lang);
  return (
    <StatusLayout title={tr('web.status.gone.title')} officeName={props.officeName} lang={lang} offered={props.offered}>
      <h1>{tr('web.status.gone.title')}</h1>
      <p class="lead">{tr('web.status.gone.text', { days: String(props.linkDaysAfterClose) })}</p>
      <h2>{tr('web.status.gone.reach')}</h2>
      <p>
        <a href={(props.offered ?? []).length > 1 ? `/?lang=${lang}` : '/'} rel="noreferrer">
          {tr('web.status.gone.form')}
        </a>
        {tr('web.status.gone.quote')}
      </p>
    </StatusLayout>
  );
}
