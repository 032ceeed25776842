import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary, Layout } from '../http/layout.js';
import { Notice } from '../web/forms.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import type { DeskSession } from '../web/session.js';
import { COVER_NOTE_MAX, type CoverField, type CoverOverview, type OfferView } from './cover.service.js';
import type { RotaRole } from './rota.tables.js';

/** Where the cover page lives on the desk. */
export const COVER_PATH = '/desk/cover';

/** A refused request form: which period's form (role and start in ms), its messages and what was typed. */
export interface CoverProblem {
  shift: string;
  errors: Partial<Record<CoverField | 'form', string>>;
  values: Partial<Record<'from' | 'to' | 'note', string>>;
}

/** The key naming one period's form (role and start), posted back so a refusal is shown at its form. */
export function shiftKey(role: RotaRole, from: Date): string {
  return `${role}-${from.getTime()}`;
}

/** An instant as a `datetime-local` value in office time. */
export function localValue(d: Date, zone: string): string {
  return DateTime.fromJSDate(d).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

const duty = (role: RotaRole) => (role === 'primary' ? 'On call' : 'Backup');

/** What the desk's cover page shows. */
export interface CoverPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  /** Null when the signed-in user's mobile matches nobody on the rota. */
  overview: CoverOverview | null;
  notice?: string;
  problem?: CoverProblem;
}

/**
 * An officer's own cover page: their coming periods on call, each with a form asking colleagues
 * to cover all of it (the default) or part, and their requests with where each stands.
 */
export function CoverPage(p: CoverPageProps) {
  const csrf = p.session.session.csrf_token;
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  const zone = p.office.timezone;
  const problem = p.problem;
  return (
    <DeskLayout
      title={`${problem ? 'Error: ' : ''}Cover for your on-call shifts`}
      officeName={p.office.name}
      session={p.session}
      current={COVER_PATH}
    >
      <Notice text={p.notice} focus />
      {problem ? (
        <ErrorSummary
          errors={Object.fromEntries(
            Object.entries(problem.errors).map(([k, v]) => [
              `cover-${problem.shift}-${k === 'role' || k === 'form' ? 'from' : k}`,
              v ?? '',
            ]),
          )}
          order={['from', 'to', 'note'].map((k) => `cover-${problem.shift}-${k}`)}
        />
      ) : null}
      <h1>Cover for your on-call shifts</h1>
      {!p.overview ? (
        <p>
          Your desk account’s mobile number does not match anyone on the on-call rota, so there are no shifts to show.
          Ask a manager to set your mobile on your account to the number the rota pages.
        </p>
      ) : (
        <>
          <p>
            Ask your colleagues to cover all or part of a shift. Each colleague who can be on call gets a text (and an
            email) with a link; the first to accept takes over that time on the rota, and you get a text. If nobody has
            accepted shortly before the shift, the managers are told. You stay on call until someone accepts.
          </p>
          <h2 id="shifts-title">Your coming shifts</h2>
          {p.overview.stretches.length ? (
            p.overview.stretches.map((s) => {
              const key = shiftKey(s.role, s.from);
              const mine = problem?.shift === key ? problem : undefined;
              const from = s.from < p.now ? p.now : s.from;
              const id = (f: string) => `cover-${key}-${f}`;
              return (
                <section class="panel" aria-labelledby={id('title')}>
                  <h3 id={id('title')}>
                    {duty(s.role)}: {when(s.from)} to {when(s.to)}
                  </h3>
                  <form method="post" action={COVER_PATH} novalidate>
                    <Csrf token={csrf} />
                    <input type="hidden" name="role" value={s.role} />
                    <input type="hidden" name="shift" value={key} />
                    <Field
                      id={id('from')}
                      name="from"
                      label="Cover from"
                      error={mine?.errors.from ?? mine?.errors.role ?? mine?.errors.form}
                      attrs={{ type: 'datetime-local', value: mine?.values.from ?? localValue(from, zone) }}
                    />
                    <Field
                      id={id('to')}
                      name="to"
                      label="Cover until"
                      error={mine?.errors.to}
                      attrs={{ type: 'datetime-local', value: mine?.values.to ?? localValue(s.to, zone) }}
                    />
                    <Field
                      id={id('note')}
                      name="note"
                      label="Note to colleagues (optional)"
                      hint="They see it with the request. Say nothing you would not put in a text."
                      error={mine?.errors.note}
                      as="textarea"
                      attrs={{ maxlength: COVER_NOTE_MAX, rows: 2 }}
                    >
                      {mine?.values.note ?? ''}
                    </Field>
                    <button type="submit" class="button">
                      Ask for cover<span class="visually-hidden"> of this shift</span>
                    </button>
                  </form>
                </section>
              );
            })
          ) : (
            <p>You have no shifts on the rota in the coming days.</p>
          )}
          <h2 id="requests-title">Your requests</h2>
          {p.overview.requests.length ? (
            <ul class="cover-requests">
              {p.overview.requests.map((r) => (
                <li>
                  {duty(r.role)} {when(r.starts_at)} to {when(r.ends_at)}:{' '}
                  {r.accepted_at
                    ? `covered by ${r.accepter_name ?? 'a colleague'}.`
                    : r.cancelled_at
                      ? 'cancelled.'
                      : 'waiting for a colleague to accept.'}
                  {!r.accepted_at && !r.cancelled_at ? (
                    <form method="post" action={`${COVER_PATH}/${r.id}/cancel`} class="inline-form">
                      <Csrf token={csrf} />
                      <button type="submit" class="button button--warning">
                        Cancel<span class="visually-hidden"> this request</span>
                      </button>
                    </form>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p>You have no requests for cover.</p>
          )}
        </>
      )}
    </DeskLayout>
  );
}

/** A colleague's accept link: the request in brief, and the Accept button while it is open. */
export function OfferPage(p: {
  office: OfficeConfig;
  now: Date;
  view: OfferView;
  action: string;
  csrf: string;
  problem?: string;
}) {
  const { view } = p;
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  const what = view.role === 'primary' ? 'on-call shift' : 'backup shift';
  return (
    <Layout title={`Cover ${view.requester}’s ${what}`} officeName={p.office.name}>
      <h1>
        Cover {view.requester}’s {what}
      </h1>
      {p.problem ? (
        <div class="notice" role="alert">
          <p>{p.problem}</p>
        </div>
      ) : null}
      <p>
        {view.requester} asks for someone to be {view.role === 'primary' ? 'on call' : 'the backup'} for {p.office.name}{' '}
        from {when(view.from)} to {when(view.to)}.
      </p>
      {view.note ? <p>Their note: {view.note}</p> : null}
      {view.state.kind === 'open' ? (
        <form method="post" action={`${p.action}/accept`}>
          <input type="hidden" name="_csrf" value={p.csrf} />
          <p>If you accept, you take over that time on the rota, {view.recipient}: urgent enquiries then page you.</p>
          <button type="submit" class="button">
            Accept: I will cover it
          </button>
        </form>
      ) : view.state.kind === 'covered' ? (
        <div class="notice" role="status">
          <p>
            {view.state.byYou
              ? 'Thank you: you are on the rota for that time now.'
              : `This shift is already covered by ${view.state.by}. Thank you all the same.`}
          </p>
        </div>
      ) : (
        <div class="notice" role="status">
          <p>{view.requester} no longer needs cover for this shift.</p>
        </div>
      )}
    </Layout>
  );
}

/** A staff link that opens nothing (unknown, mistyped, expired): one page for every reason, saying when such links stop. */
export function LinkGonePage(p: { officeName: string; stops: string }) {
  return (
    <Layout title="Link not working" officeName={p.officeName}>
      <h1>This link no longer works</h1>
      <p>{p.stops}, or the link was mistyped.</p>
    </Layout>
  );
}

/** Every accept link that opens nothing (unknown, mistyped, expired). */
export function OfferGonePage(p: { officeName: string }) {
  return <LinkGonePage officeName={p.officeName} stops="The shift it was about has started" />;
}
