import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary } from '../http/layout.js';
import { DeskLayout } from '../web/layout.js';
import type { DeskSession } from '../web/session.js';
import { MAX_MONTHS, TOP_OUTLETS, type Measures, type ReportGroup, type TopicReport } from './topic-report.service.js';

/** Seconds of office time as hours and minutes ("0h 45m", "26h 5m": office hours, so never days); null is "—". */
export function officeHours(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const m = Math.round(seconds / 60);
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** A share as a percentage to a tenth ("66.7%"); null is "—". */
export function percent(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 1000) / 10}%`;
}

/** A change in volume: "+3", "−2" (a real minus sign), "0". */
export function change(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

/** The detailed tables' columns after the month (also each cell's label when the table stacks). */
const COLUMNS = [
  'Received',
  'Change from the month before',
  'Answered',
  'Median first response (office hours)',
  '90th percentile first response (office hours)',
  'Respond-by times met',
  'Lines used',
  'Answered with a line',
  'Referred to FOI',
  'Referred elsewhere',
  'Not a media enquiry',
  'Duplicates',
];

/** One row of a detailed table: a month's (or the whole period's) measures. */
function MeasureRow(props: { label: string; m: Measures; change: number | null }) {
  const { m } = props;
  const judged = m.respondBy.met + m.respondBy.missed;
  const cells = [
    String(m.received),
    props.change === null ? '' : change(props.change),
    String(m.answered),
    officeHours(m.firstResponseWorking.median),
    officeHours(m.firstResponseWorking.p90),
    judged ? `${percent(m.respondBy.shareMet)} (${m.respondBy.met} of ${judged})` : '—',
    String(m.linesUsed),
    String(m.answeredWithLine),
    String(m.referredFoi),
    String(m.referredOther),
    String(m.notMedia),
    String(m.duplicate),
  ];
  return (
    <tr>
      <th scope="row">{props.label}</th>
      {cells.map((v, i) => (
        <td data-label={COLUMNS[i]}>{v}</td>
      ))}
    </tr>
  );
}

/** A group's rows: its name heading the row group, a row per month, then the months together. */
function GroupRows(props: { g: ReportGroup; report: TopicReport }) {
  const { g, report } = props;
  return (
    <tbody>
      <tr>
        <th scope="rowgroup" colspan={COLUMNS.length + 1} class="group">
          {g.name}
          {g.archived ? <span class="hint"> (archived)</span> : null}
        </th>
      </tr>
      {g.months.map((m, i) => (
        <MeasureRow
          label={`${report.months[i].label}${report.months[i].partial ? ' (so far)' : ''}`}
          m={m}
          change={m.receivedChange}
        />
      ))}
      {report.months.length > 1 ? (
        <MeasureRow label={`All ${report.months.length} months`} m={g.all} change={null} />
      ) : null}
    </tbody>
  );
}

/** A detailed table (in a labelled scroll region: it is wide): each group's months, then every enquiry once. */
function DetailTable(props: { id: string; title: string; groups: ReportGroup[]; report: TopicReport }) {
  return (
    <div class="table-scroll" role="region" aria-labelledby={`${props.id}-caption`} tabindex={0}>
      <table>
        <caption id={`${props.id}-caption`}>{props.title}</caption>
        <thead>
          <tr>
            {['Month', ...COLUMNS].map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        {props.groups.map((g) => (
          <GroupRows g={g} report={props.report} />
        ))}
        <GroupRows g={props.report.total} report={props.report} />
      </table>
    </div>
  );
}

/** Enquiries received by month, one row per group: the month-on-month view at a glance. */
function VolumeTable(props: {
  id: string;
  title: string;
  groups: ReportGroup[];
  report: TopicReport;
  firstColumn: string;
}) {
  const { report } = props;
  const row = (g: ReportGroup, total = false) => (
    <tr>
      <th scope="row">{total ? <strong>{g.name}</strong> : g.name}</th>
      {g.months.map((m, i) => (
        <td data-label={report.months[i].label}>
          {m.received} <span class="hint">({change(m.receivedChange)})</span>
        </td>
      ))}
      <td data-label={`All ${report.months.length} months`}>{g.all.received}</td>
    </tr>
  );
  return (
    <div class="table-scroll" role="region" aria-labelledby={`${props.id}-caption`} tabindex={0}>
      <table>
        <caption id={`${props.id}-caption`}>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">{props.firstColumn}</th>
            {report.months.map((m) => (
              <th scope="col">
                {m.label}
                {m.partial ? ' (so far)' : ''}
              </th>
            ))}
            <th scope="col">All {report.months.length} months</th>
          </tr>
        </thead>
        <tbody>{props.groups.map((g) => row(g))}</tbody>
        <tfoot>{row(report.total, true)}</tfoot>
      </table>
    </div>
  );
}

/** `/desk/reports/topics`: the report by topic and outlet, month by month, with how each figure is counted. */
export function TopicReportPage(props: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  report: TopicReport;
  /** What was typed in the months field (shown back when it was wrong). */
  typed: string;
  query: string;
  errors: Record<string, string>;
  ownOnly: boolean;
}) {
  const { report, office } = props;
  const n = report.months.length;
  const first = report.months[0];
  const last = report.months[n - 1];
  const q = props.query ? `?${props.query}` : '';
  return (
    <DeskLayout
      title="Reports by topic and outlet"
      officeName={office.name}
      session={props.session}
      current="/desk/reports"
    >
      <p>
        <a href="/desk/reports">Reports</a>
      </p>
      <h1>Reports by topic and outlet{props.ownOnly ? ': your enquiries' : ''}</h1>
      {Object.keys(props.errors).length ? <ErrorSummary errors={props.errors} order={['months']} /> : null}
      <form method="get" action="/desk/reports/topics" class="filters">
        <Field
          id="months"
          label="Months"
          hint={`1 to ${MAX_MONTHS}, ending with this month`}
          error={props.errors.months}
          layout="filter"
          attrs={{
            type: 'number',
            min: '1',
            max: String(MAX_MONTHS),
            step: '1',
            inputmode: 'numeric',
            value: props.errors.months ? props.typed : String(n),
          }}
        />
        <button type="submit" class="button button--secondary">
          Show
        </button>
      </form>
      <p>
        {n === 1 ? last.label : `${first.label} to ${last.label}`}, month by month in office time ({report.timezone});{' '}
        {last.label} is counted up to now ({formatShortTime(props.now, office, props.now)}). Download{' '}
        <a href={`/desk/reports/topics.csv${q}`}>these figures (CSV)</a> or{' '}
        <a href={`/desk/reports/topics.json${q}`}>the same figures (JSON)</a>.
      </p>

      <h2>Enquiries received, month by month</h2>
      <p>Each month’s count, with the change from the month before in brackets.</p>
      <VolumeTable
        id="volume-topics"
        title="Enquiries received by topic and month"
        firstColumn="Topic"
        groups={report.topics}
        report={report}
      />
      <VolumeTable
        id="volume-outlets"
        title="Enquiries received by outlet and month"
        firstColumn="Outlet"
        groups={report.outlets}
        report={report}
      />

      <h2>By topic</h2>
      <DetailTable id="by-topic" title="Figures by topic and month" groups={report.topics} report={report} />

      <h2>By outlet</h2>
      <DetailTable id="by-outlet" title="Figures by outlet and month" groups={report.outlets} report={report} />

      <h2>How these are counted</h2>
      <ul>
        <li>
          Every figure is of the enquiries <strong>received</strong> in the month, in office time ({report.timezone}): a
          month runs from midnight on the 1st to midnight on the 1st of the next.
        </li>
        <li>
          <strong>By topic</strong>: an enquiry with two topics counts under each of them, so the topics add up to more
          than the enquiries; the last rows, “All enquiries”, count each enquiry once. Topics are kept when a
          journalist’s personal data is erased, so the figures do not change.
        </li>
        <li>
          <strong>By outlet</strong>: outlets are grouped whatever their capitals and spaces (“BBC”, “bbc ” and “Bbc”
          are one), named by their most common spelling. The {TOP_OUTLETS} with most enquiries over the months shown
          have their own rows; the rest are “Other outlets”.
        </li>
        <li>
          <strong>Answered</strong>: given a first response. The <strong>first response</strong> times are in office
          hours (only the time the office is open counts), over the enquiries answered.
        </li>
        <li>
          <strong>Respond-by times met</strong>: of the enquiries whose respond-by time (the journalist’s deadline or
          the office’s target, whichever is first) has been judged, the share with a first response by then. One
          withdrawn by the journalist counts as missed only if the time had already passed; one closed as referred to
          FOI, referred to another organisation, not a media enquiry or a duplicate counts neither as met nor as missed
          (the office owed no answer in the usual way), and nor does one still open before its time.
        </li>
        <li>
          <strong>Lines used</strong>: each time an approved line to take was said to the journalist unchanged (in a
          response, a text or email reply, or an incident’s line). <strong>Answered with a line</strong>,{' '}
          <strong>referred</strong>, <strong>not a media enquiry</strong> and <strong>duplicates</strong> are the
          outcomes recorded when the enquiries were closed; an enquiry closed before outcomes were kept has none.
        </li>
      </ul>
    </DeskLayout>
  );
}
