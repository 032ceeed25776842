import type { OfficeConfig } from '../config.js';
import type { DeskSession } from '../web/session.js';
import { DeskLayout } from '../web/layout.js';
import { CHANNEL_LABELS } from '../enquiries/enquiry.labels.js';
import { ENQUIRY_CHANNELS } from '../enquiries/enquiry.model.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary } from '../http/layout.js';
import { isLang } from '../i18n/languages.js';
import { LANGUAGE_LABELS } from '../i18n/staff-labels.js';
import { Chart } from './charts.js';
import { OUTCOME_BUCKET_LABELS } from './outcome-labels.js';
import { OUTCOME_BUCKETS } from './reports.repository.js';
import type { Figures } from './reports.service.js';
import type { OverriddenSend } from './signoff-report.repository.js';

/** Seconds as "2h 15m", "3d 4h", "45m" (null: "—"). */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function pct(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 1000) / 10}%`;
}

/** The response-time table's columns after "Measure" (also each cell's label when the table stacks on a phone). */
const TIMING_COLUMNS = [
  'Enquiries measured',
  'Median (working time)',
  '90th percentile (working time)',
  'Median (elapsed)',
  '90th percentile (elapsed)',
  'Still without',
];

/** One measure's row of the response-time table, each cell labelled for the stacked phone layout. */
function TimingRow(props: { measure: string; timing: Figures['close'] }) {
  const t = props.timing;
  const cells = [
    String(t.elapsed.n),
    duration(t.working.median),
    duration(t.working.p90),
    duration(t.elapsed.median),
    duration(t.elapsed.p90),
    String(t.without),
  ];
  return (
    <tr>
      <th scope="row">{props.measure}</th>
      {cells.map((v, i) => (
        <td data-label={TIMING_COLUMNS[i]}>{v}</td>
      ))}
    </tr>
  );
}

/** The waiting-on-colleagues table's columns after "Department". */
const WAIT_COLUMNS = [
  'Colleagues asked',
  'Answered',
  'Still waiting',
  'Answered after the due time',
  'Median minutes to answer',
  '90th percentile minutes to answer',
];

/** Minutes as "17.5" (null: "—"). */
function minutes(m: number | null): string {
  return m === null ? '—' : String(m);
}

/** A department as the report names it: '' is "No department", null (the colleague was erased) "Not recorded". */
function departmentLabel(department: string | null): string {
  if (department === null) return 'Not recorded';
  return department.trim() ? department : 'No department';
}

/** One department's row (or the total's) of the waiting-on-colleagues table. */
function WaitRow(props: { label: string; row: Figures['colleagues']['total'] }) {
  const r = props.row;
  const cells = [
    r.asked,
    r.answered,
    r.waiting,
    r.answeredLate,
    minutes(r.toFirstAnswer.medianMinutes),
    minutes(r.toFirstAnswer.p90Minutes),
  ];
  return (
    <tr>
      <th scope="row">{props.label}</th>
      {cells.map((v) => (
        <td>{String(v)}</td>
      ))}
    </tr>
  );
}

/** Time spent waiting on colleagues outside the desk, by department, in a labelled scroll region (it is wide). */
function WaitingOnColleagues(props: { colleagues: Figures['colleagues'] }) {
  const c = props.colleagues;
  return (
    <>
      <h2>Waiting on colleagues</h2>
      <p>
        Questions asked in this period of colleagues outside the desk, counted once for each colleague asked (a question
        to two departments counts in each), by their department in the directory. The times run from asking to each
        colleague’s first answer, in minutes of real elapsed time. A colleague counted neither as answered nor as still
        waiting was no longer needed: the question was withdrawn or closed, or its enquiry ended, before they answered.
      </p>
      {c.total.asked ? (
        <div class="table-scroll" role="region" aria-label="Waiting on colleagues, by department" tabindex={0}>
          <table>
            <caption class="visually-hidden">Questions to colleagues by department: answers and time to answer</caption>
            <thead>
              <tr>
                {['Department', ...WAIT_COLUMNS].map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.byDepartment.map((r) => (
                <WaitRow label={departmentLabel(r.department)} row={r} />
              ))}
            </tbody>
            <tfoot>
              <WaitRow label="All departments" row={c.total} />
            </tfoot>
          </table>
        </div>
      ) : (
        <p>No questions were asked of colleagues in this period.</p>
      )}
    </>
  );
}

/** The time-in-sign-off table's columns after "Approver". */
const APPROVER_COLUMNS = [
  'Requests sent',
  'Decided',
  'Of them, returned with changes',
  'Still pending',
  'Median minutes to decide',
  '90th percentile minutes to decide',
];

/** An approver as the report names them: null (erased from the directory) is "Not recorded". */
function approverLabel(approver: string | null): string {
  return approver === null ? 'Not recorded' : approver;
}

/** One approver's row (or the total's) of the time-in-sign-off table. */
function ApproverRow(props: { label: string; row: Figures['signOff']['total'] }) {
  const r = props.row;
  const cells = [
    r.sent,
    r.decided,
    r.returned,
    r.pending,
    minutes(r.toDecision.medianMinutes),
    minutes(r.toDecision.p90Minutes),
  ];
  return (
    <tr>
      <th scope="row">{props.label}</th>
      {cells.map((v) => (
        <td>{String(v)}</td>
      ))}
    </tr>
  );
}

/** What an override let through, as the overrides table says it. */
const OVERRIDDEN_SENDS: Record<OverriddenSend, string> = {
  release: 'Response released',
  reply: 'Text reply',
  email: 'Email reply',
};

/** "1 response" / "3 responses". */
function responses(n: number): string {
  return `${n} ${n === 1 ? 'response' : 'responses'}`;
}

/**
 * Sign-off in the period: time in sign-off by approver (a labelled scroll region: it is wide), the
 * responses released by how they passed the sign-off gate, and the overrides with their reasons.
 */
function SignOff(props: { signOff: Figures['signOff']; when: (d: Date) => string }) {
  const s = props.signOff;
  const r = s.released;
  const needed = r.approved + r.overridden;
  return (
    <>
      <h2>Sign-off</h2>
      <h3>Time in sign-off, by approver</h3>
      <p>
        Requests for sign-off sent in this period, counted once for each approver asked. The times run from sending to
        the approver’s decision (approved, approved with edits, or returned with changes), in minutes of real elapsed
        time. A request counted neither as decided nor as pending was no longer needed: the words changed, another
        approver decided first, or the enquiry ended. Approvers erased from the directory are counted together as “Not
        recorded”.
      </p>
      {s.total.sent ? (
        <div class="table-scroll" role="region" aria-label="Time in sign-off, by approver" tabindex={0}>
          <table>
            <caption class="visually-hidden">Requests for sign-off by approver: decisions and time to decide</caption>
            <thead>
              <tr>
                {['Approver', ...APPROVER_COLUMNS].map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {s.byApprover.map((a) => (
                <ApproverRow label={approverLabel(a.approver)} row={a} />
              ))}
            </tbody>
            <tfoot>
              <ApproverRow label="All approvers" row={s.total} />
            </tfoot>
          </table>
        </div>
      ) : (
        <p>Nothing was sent for sign-off in this period.</p>
      )}

      <h3>Responses released</h3>
      {r.total ? (
        <>
          <p>
            {needed
              ? `Signed off: ${pct(r.shareApproved)} of the ${responses(needed)} released in this period that needed sign-off (${r.approved} in the approved words, ${r.overridden} released by a manager without).`
              : 'None of the responses released in this period needed sign-off.'}{' '}
            Each enquiry counts once, by its latest release in the period.
          </p>
          <table>
            <caption class="visually-hidden">Responses released, by sign-off</caption>
            <tbody>
              <tr>
                <th scope="row">Released in the approved words</th>
                <td>{r.approved}</td>
              </tr>
              <tr>
                <th scope="row">Released by a manager without sign-off</th>
                <td>{r.overridden}</td>
              </tr>
              <tr>
                <th scope="row">No sign-off needed</th>
                <td>{r.notRequired}</td>
              </tr>
              <tr>
                <th scope="row">Not recorded (released before the desk recorded sign-off)</th>
                <td>{r.notRecorded}</td>
              </tr>
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">All responses released</th>
                <td>{r.total}</td>
              </tr>
            </tfoot>
          </table>
        </>
      ) : (
        <p>No responses were released in this period.</p>
      )}

      <h3>Overrides of sign-off</h3>
      {s.overrides.total ? (
        <>
          <p>
            Words a manager let go to the journalist without the sign-off they needed, giving a reason: a response
            released to the status page, or a reply by text or email. Newest first.
          </p>
          <table class="stack">
            <caption class="visually-hidden">Overrides of sign-off, with the manager’s reason</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Enquiry</th>
                <th scope="col">What</th>
                <th scope="col">Who</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {s.overrides.list.map((o) => (
                <tr>
                  <td data-label="When">{props.when(new Date(o.at))}</td>
                  <td data-label="Enquiry">
                    <a href={`/desk/enquiries/${o.reference}`}>{o.reference}</a>
                  </td>
                  <td data-label="What">{OVERRIDDEN_SENDS[o.what] ?? o.what}</td>
                  <td data-label="Who">{o.byName ?? o.by ?? 'Not recorded'}</td>
                  <td data-label="Reason">{o.reason ?? 'Removed when the enquiry’s personal data was erased'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.overrides.more ? <p>And {s.overrides.more} more in this period.</p> : null}
        </>
      ) : (
        <p>No words went without sign-off in this period.</p>
      )}
    </>
  );
}

/** The outcomes of NOT_OWED_OUTCOMES in words (test/scenarios/reports-outcomes.test.ts holds the two together). */
export const NOT_OWED_WORDS = 'referred to FOI, referred to another organisation, not a media enquiry or a duplicate';

/** How the enquiries received in the period ended, and why referrals are not missed deadlines. */
function Outcomes(props: { figures: Figures }) {
  const f = props.figures;
  return (
    <>
      <h2>How enquiries ended</h2>
      <p>
        The outcome recorded when each enquiry received in this period was answered or closed. Enquiries closed as{' '}
        {NOT_OWED_WORDS} were not media enquiries the office owed an answer in the usual way: they are counted here, and
        never as a missed deadline, a breach or an enquiry still without a response (nor as a deadline met).
        {f.deadlines.notOwed ? ` ${f.deadlines.notOwed} of them had a deadline, left out of the deadline figures.` : ''}{' '}
        An enquiry reopened after such an outcome is owed an answer again.
      </p>
      <table>
        <caption class="visually-hidden">Enquiries received in this period, by how they ended</caption>
        <tbody>
          {OUTCOME_BUCKETS.map((b) => (
            <tr>
              <th scope="row">{OUTCOME_BUCKET_LABELS[b]}</th>
              <td>{f.outcomes[b]}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All enquiries received</th>
            <td>{f.received.total}</td>
          </tr>
        </tfoot>
      </table>
    </>
  );
}

/** The reports page: the period form, headline figures, charts with tables, missed deadlines, exports. */
export function ReportsPage(props: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  figures: Figures;
  label: string;
  query: string;
  choice: { period: string; from: string; to: string };
  errors: Record<string, string>;
  ownOnly: boolean;
}) {
  const f = props.figures;
  const when = (d: Date) => formatShortTime(d, props.office, props.now);
  const by = (d: Date) => formatDeadline(d, props.office, props.now);
  const e = props.errors;
  return (
    <DeskLayout title="Reports" officeName={props.office.name} session={props.session} current="/desk/reports">
      <h1>Reports{props.ownOnly ? ': your enquiries' : ''}</h1>
      {Object.keys(e).length ? <ErrorSummary errors={e} order={['from', 'to']} /> : null}
      <form method="get" action="/desk/reports" class="filters">
        <fieldset class="filter">
          <legend>Period</legend>
          {[
            ['week', 'This week'],
            ['4weeks', 'Last 4 weeks'],
            ['custom', 'Dates'],
          ].map(([v, l]) => (
            <label class="inline">
              <input type="radio" name="period" value={v} checked={props.choice.period === v} /> {l}
            </label>
          ))}
        </fieldset>
        <Field
          id="from"
          label="From"
          error={e.from}
          layout="filter"
          attrs={{ type: 'date', value: props.choice.from }}
        />
        <Field id="to" label="To" error={e.to} layout="filter" attrs={{ type: 'date', value: props.choice.to }} />
        <button type="submit" class="button button--secondary">
          Show
        </button>
      </form>
      <p>
        {props.label}: {when(new Date(f.period.from))} to {when(new Date(f.period.to))}. Download{' '}
        <a href={`/desk/reports.csv?${props.query}`}>the enquiries (CSV)</a> or{' '}
        <a href={`/desk/reports.json?${props.query}`}>these figures (JSON)</a>.
      </p>

      <h2>Headlines</h2>
      <dl class="headlines">
        <div>
          <dt>Enquiries received</dt>
          <dd>{f.received.total}</dd>
        </div>
        <div>
          <dt>Out of hours</dt>
          <dd>{f.received.outOfHours}</dd>
        </div>
        <div>
          <dt>First response, median (working time)</dt>
          <dd>{duration(f.firstResponse.working.median)}</dd>
        </div>
        <div>
          <dt>Deadlines met</dt>
          <dd>
            {pct(f.deadlines.shareMet)}{' '}
            <span class="hint">
              ({f.deadlines.met} met, {f.deadlines.missed} missed
              {f.deadlines.notOwed ? `; ${f.deadlines.notOwed} referred or not media, not counted` : ''})
            </span>
          </dd>
        </div>
        <div>
          <dt>Deadline warnings</dt>
          <dd>
            {f.deadlines.warnings} <span class="hint">({f.deadlines.breaches} passed without a response)</span>
          </dd>
        </div>
        <div>
          <dt>Withdrawn by the journalist</dt>
          <dd>{f.withdrawn.total}</dd>
        </div>
        <div>
          <dt>Chases (asked only for news)</dt>
          <dd>{f.chases.total}</dd>
        </div>
        <div>
          <dt>Open now</dt>
          <dd>{f.backlog.open}</dd>
        </div>
        <div>
          <dt>Out-of-hours pages</dt>
          <dd>{f.pages.n}</dd>
        </div>
      </dl>

      <h2>How fast we answer</h2>
      <table class="stack">
        <caption class="visually-hidden">Response and close times</caption>
        <thead>
          <tr>
            {['Measure', ...TIMING_COLUMNS].map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <TimingRow measure="Time to first response" timing={f.firstResponse} />
          <TimingRow measure="Time to close" timing={f.close} />
        </tbody>
      </table>
      {f.withdrawn.total ? (
        <p class="hint">
          Enquiries withdrawn by the journalist are not counted as still without a response, are left out of the time to
          close (the journalist ended them, not the office) and are only measured for a first response the office gave
          before they were withdrawn.
        </p>
      ) : null}

      <WaitingOnColleagues colleagues={f.colleagues} />

      <SignOff signOff={f.signOff} when={when} />

      <h2>What arrived</h2>
      <p>
        {ENQUIRY_CHANNELS.map((c) => `${CHANNEL_LABELS[c]} ${f.received.byChannel[c]}`).join(', ')}. In hours{' '}
        {f.received.inHours}, out of hours {f.received.outOfHours}.
      </p>
      {'byLanguage' in f.received && f.received.byLanguage ? (
        // Issue 31: only for an office that offers more than one language.
        <>
          <h3 id="by-language">By language</h3>
          <table>
            <caption class="visually-hidden">
              Enquiries received in this period, by the language they are answered in
            </caption>
            <tbody>
              {Object.entries(f.received.byLanguage).map(([lang, n]) => (
                <tr>
                  <th scope="row">{isLang(lang) ? LANGUAGE_LABELS[lang] : lang}</th>
                  <td>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <Chart
        id="by-day"
        title="Enquiries received by day"
        unit="enquiries"
        data={f.received.byDay.map((d) => ({ label: d.day.slice(5), value: d.n }))}
      />
      <Chart
        id="by-hour"
        title="Enquiries received by hour of day (office time)"
        unit="enquiries"
        labelEvery={2}
        data={f.received.byHour.map((d) => ({ label: String(d.hour).padStart(2, '0'), value: d.n }))}
      />

      <h2>Withdrawn and chasing</h2>
      <p>
        Withdrawn by the journalist: {f.withdrawn.total} of the enquiries received in this period (not counted as
        answered, nor as missed unless the deadline had already passed without a response when the journalist withdrew).
        {f.withdrawn.afterFirstResponse
          ? ` ${f.withdrawn.afterFirstResponse} of them after a first response from the office.`
          : ''}
        {f.deadlines.withdrawnBeforeDeadline
          ? ` ${f.deadlines.withdrawnBeforeDeadline} withdrawn before their deadline, which counts neither as met nor as missed.`
          : ''}
      </p>
      <p>
        Chases, follow-ups that only ask for news, arrived in this period: {f.chases.total}, on {f.chases.enquiries}{' '}
        {f.chases.enquiries === 1 ? 'enquiry' : 'enquiries'} chased at least once ({f.chases.byRoute.statusPage} on the
        status page, {f.chases.byRoute.sms} by text, {f.chases.byRoute.email} by email). They are counted when they
        arrived, whenever the enquiry was received.
      </p>
      {f.chases.total ? (
        <Chart
          id="chases-by-day"
          title="Chases by day"
          unit="chases"
          data={f.chases.byDay.map((d) => ({ label: d.day.slice(5), value: d.n }))}
        />
      ) : (
        <p>No chases in this period.</p>
      )}

      <Outcomes figures={f} />

      <h2>Backlog</h2>
      <Chart
        id="backlog-age"
        title="Open enquiries now, by age"
        unit="enquiries"
        labelEvery={1}
        data={f.backlog.byAge.map((b) => ({ label: b.band, value: b.n }))}
      />
      <Chart
        id="backlog-trend"
        title="Open enquiries at the end of each day"
        unit="open enquiries"
        line
        data={f.backlog.trend.map((t) => ({ label: t.day.slice(5), value: t.open }))}
      />

      <h2>Missed deadlines</h2>
      <p>
        Warnings given in this period: {f.deadlines.warnings} {f.deadlines.warnings === 1 ? 'enquiry' : 'enquiries'}{' '}
        near {f.deadlines.warnings === 1 ? 'its' : 'their'} respond-by time with no response yet. Breaches:{' '}
        {f.deadlines.breaches} {f.deadlines.breaches === 1 ? 'enquiry' : 'enquiries'} passed{' '}
        {f.deadlines.breaches === 1 ? 'its' : 'their'} respond-by time (the journalist’s deadline or the office’s
        target) without a response. Both are counted when they happened, whenever the enquiry arrived. A breach of an
        enquiry since closed as {NOT_OWED_WORDS} is not counted, and neither is its missed deadline (see How enquiries
        ended).
      </p>
      {f.deadlines.missedList.length ? (
        <table class="stack">
          <caption class="visually-hidden">Enquiries whose deadline was missed</caption>
          <thead>
            <tr>
              <th scope="col">Enquiry</th>
              <th scope="col">Outlet</th>
              <th scope="col">Deadline</th>
              <th scope="col">First response</th>
            </tr>
          </thead>
          <tbody>
            {f.deadlines.missedList.map((m) => (
              <tr>
                <td data-label="Enquiry">
                  <a href={`/desk/enquiries/${m.reference}`}>{m.reference}</a> {m.subject}
                </td>
                <td data-label="Outlet">{m.outlet}</td>
                <td data-label="Deadline">{by(m.deadline)}</td>
                <td data-label="First response">{m.first_response_at ? when(m.first_response_at) : 'None yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>None in this period.</p>
      )}

      <h2>Out of hours</h2>
      <table>
        <caption class="visually-hidden">Out-of-hours pages</caption>
        <tbody>
          <tr>
            <th scope="row">Pages</th>
            <td>{f.pages.n}</td>
          </tr>
          <tr>
            <th scope="row">Acknowledged</th>
            <td>{f.pages.acknowledged}</td>
          </tr>
          <tr>
            <th scope="row">Time to acknowledge, median / 90th percentile</th>
            <td>
              {duration(f.pages.toAck.median)} / {duration(f.pages.toAck.p90)}
            </td>
          </tr>
          <tr>
            <th scope="row">Escalated past the first step</th>
            <td>{f.pages.escalated}</td>
          </tr>
          <tr>
            <th scope="row">Reached the out-of-hours line</th>
            <td>{f.pages.fallback}</td>
          </tr>
          <tr>
            <th scope="row">Nobody acknowledged</th>
            <td>{f.pages.exhausted}</td>
          </tr>
        </tbody>
      </table>
      <p>
        Volumes, response times, deadlines, lines used and outcomes month by month:{' '}
        <a href="/desk/reports/topics">by topic and outlet</a>.
      </p>
      {props.session.user.role === 'manager' ? (
        <p>
          Who was on call, for how long and how often they were woken:{' '}
          <a href="/desk/reports/oncall">on-call hours by person and month</a>.
        </p>
      ) : null}
    </DeskLayout>
  );
}
