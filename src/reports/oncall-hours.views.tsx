import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary } from '../http/layout.js';
import { DeskLayout } from '../web/layout.js';
import type { DeskSession } from '../web/session.js';
import { NIGHT_ENDS_HOUR, type Callout, type OnCallHours, type PersonMonth } from './oncall-hours.service.js';

/** The table's columns after "Person" (also each cell's label when the table stacks on a phone). */
const COLUMNS = [
  'Hours on call',
  'Nights',
  'Weekend hours',
  'Bank holiday hours',
  'Hours as backup',
  'Pages received',
  'Callouts acknowledged',
];

const VIA: Record<string, string> = {
  sms: 'by text',
  voice: 'on the call',
  link: 'by the page’s link',
  desk: 'at the desk',
};

/** A number of hours as the page shows it: "37", "12.5". */
function hoursText(h: number): string {
  return String(h);
}

/** One acknowledged callout: when (with the zone's abbreviation: the night the clocks go back has two 01:30s), which enquiry, how, how soon. */
function CalloutItem(props: { c: Callout; office: OfficeConfig; now: Date }) {
  const { c, office, now } = props;
  const zone = DateTime.fromJSDate(c.at).setZone(office.timezone).setLocale('en-GB').toFormat('ZZZZ');
  return (
    <li>
      <time datetime={c.at.toISOString()}>
        {formatShortTime(c.at, office, now)} {zone}
      </time>{' '}
      <a href={`/desk/enquiries/${c.reference}`}>{c.reference}</a> {VIA[c.via] ?? ''}
      {c.minutesToAck !== null ? `, ${c.minutesToAck} min after the page reached them` : ''}
    </li>
  );
}

/** One person's row. */
function PersonRow(props: { p: PersonMonth; office: OfficeConfig; now: Date }) {
  const { p } = props;
  const cells = [
    hoursText(p.primaryHours),
    String(p.nights),
    hoursText(p.weekendHours),
    hoursText(p.bankHolidayHours),
    hoursText(p.backupHours),
    String(p.pagesReceived),
  ];
  return (
    <tr>
      <th scope="row">
        {p.name}
        {p.active ? '' : <span class="hint"> (no longer on the staff list)</span>}
      </th>
      {cells.map((v, i) => (
        <td data-label={COLUMNS[i]}>{v}</td>
      ))}
      <td data-label={COLUMNS[6]}>
        {p.callouts.length}
        {p.callouts.length ? (
          <ul>
            {p.callouts.map((c) => (
              <CalloutItem c={c} office={props.office} now={props.now} />
            ))}
          </ul>
        ) : null}
      </td>
    </tr>
  );
}

/** `/desk/reports/oncall`: the on-call hours of one month, per person, with how each figure is counted. */
export function OnCallHoursPage(props: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  report: OnCallHours;
  /** What was typed in the month field (shown back when it was wrong). */
  typed: string;
  errors: Record<string, string>;
}) {
  const { report, office } = props;
  const m = report.month;
  const start = DateTime.fromJSDate(m.from).setZone(office.timezone);
  const prev = start.minus({ months: 1 }).toFormat('yyyy-MM');
  const next = start.plus({ months: 1 }).toFormat('yyyy-MM');
  return (
    <DeskLayout
      title={`On-call hours: ${m.label}`}
      officeName={office.name}
      session={props.session}
      current="/desk/reports"
    >
      <p>
        <a href="/desk/reports">Reports</a>
      </p>
      <h1>On-call hours: {m.label}</h1>
      {Object.keys(props.errors).length ? <ErrorSummary errors={props.errors} order={['month']} /> : null}
      <form method="get" action="/desk/reports/oncall" class="filters">
        <Field
          id="month"
          label="Month"
          hint="Like 2026-11"
          error={props.errors.month}
          layout="filter"
          attrs={{ type: 'month', value: props.typed || m.month }}
        />
        <button type="submit" class="button button--secondary">
          Show
        </button>
      </form>
      <p>
        <a href={`/desk/reports/oncall?month=${prev}`}>Previous month</a> ·{' '}
        <a href={`/desk/reports/oncall?month=${next}`}>Next month</a> · Download{' '}
        <a href={`/desk/reports/oncall.csv?month=${m.month}`}>this month (CSV)</a>
      </p>
      {report.until < m.to ? (
        <p>
          {m.label} is not over: the hours count up to now ({formatShortTime(report.until, office, props.now)}); shifts
          still ahead are not counted until they are held.
        </p>
      ) : null}
      {report.people.length ? (
        <div class="table-scroll" role="region" aria-label={`On-call hours in ${m.label}, by person`} tabindex={0}>
          <table>
            <caption class="visually-hidden">On-call hours, nights, pages and callouts by person</caption>
            <thead>
              <tr>
                {['Person', ...COLUMNS].map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.people.map((p) => (
                <PersonRow p={p} office={office} now={props.now} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Nobody was on the rota, paged or called out in {m.label}.</p>
      )}
      <h2>How these are counted</h2>
      <ul>
        <li>
          Times are office time ({office.timezone}) and hours are real hours: the night the clocks go back in October
          has an hour more, the night they go forward in March an hour less. The month runs from midnight on the 1st to
          midnight on the 1st of the next month.
        </li>
        <li>
          <strong>Hours on call</strong> are the hours someone held the rota as the on-call officer (primary), by the
          rota’s own rule: an override beats a shift, and of two that overlap the one added last wins. Time with nobody
          on the rota (the out-of-hours line answered) is nobody’s. <strong>Hours as backup</strong> are counted the
          same way for the next contact, separately.
        </li>
        <li>
          <strong>Nights</strong>: a night counts when the person held any part of 00:00 to{' '}
          {String(NIGHT_ENDS_HOUR).padStart(2, '0')}:00 as the on-call officer, so a shift running past midnight counts
          one. A night belongs to the month of its morning.
        </li>
        <li>
          <strong>Weekend hours</strong> are the hours on call on Saturdays and Sundays;{' '}
          <strong>bank holiday hours</strong> those on the public holidays of the office’s calendar (the ones that close
          the office; the office’s own closure days are not bank holidays). An hour on a bank holiday at a weekend
          counts in both. Both are part of the hours on call.
        </li>
        <li>
          <strong>Pages received</strong> are the urgent enquiries paged this month whose text or call reached the
          person (accepted by Twilio), whatever their role: one enquiry texted and then rung counts once.{' '}
          <strong>Callouts acknowledged</strong> are the pages they acknowledged this month (by text, on the call, by
          the page’s link, or at the desk from an account with their mobile), each with when.
        </li>
        <li>Someone taken off the staff list keeps the hours they held until then.</li>
      </ul>
    </DeskLayout>
  );
}
