import type { OfficeConfig } from '../config.js';
import type { DeskSession } from '../web/session.js';
import { DeskLayout } from '../web/layout.js';
import { CHANNEL_LABELS } from '../enquiries/enquiry.labels.js';
import { ENQUIRY_CHANNELS } from '../enquiries/enquiry.model.js';
import { formatShortTime } from '../hours/format.js';
import { Chart } from '../reports/charts.js';
import { duration } from '../reports/reports.views.js';
import type { IncidentReport } from './incident-report.service.js';

const LINE_KIND = { holding: 'Holding line', press: 'Press line' } as const;

/** The per-incident report: headline figures, arrivals by channel and by hour (chart with its table), and the lines given. */
export function IncidentReportPage(props: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  report: IncidentReport;
}) {
  const r = props.report;
  const when = (iso: string) => formatShortTime(new Date(iso), props.office, props.now);
  const e = r.enquiries;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    <DeskLayout
      title={`Report: ${r.incident.name}`}
      officeName={props.office.name}
      session={props.session}
      current="/desk/incidents"
    >
      <p>
        <a href={`/desk/incidents/${r.incident.id}`}>Back to the incident</a>
      </p>
      <h1>Report: {r.incident.name}</h1>
      <p>
        Declared {when(r.incident.declaredAt)} by {r.incident.declaredBy}.
        {r.incident.closedAt ? ` Closed ${when(r.incident.closedAt)}.` : ' Still open.'} The figures count the enquiries
        linked to the incident now. Download{' '}
        <a href={`/desk/incidents/${r.incident.id}/report.json`}>these figures (JSON)</a>.
      </p>

      <h2>Headlines</h2>
      <dl class="headlines">
        <div>
          <dt>Enquiries</dt>
          <dd>{e.total}</dd>
        </div>
        <div>
          <dt>Answered</dt>
          <dd>{e.answered}</dd>
        </div>
        <div>
          <dt>First holding line</dt>
          <dd>
            {r.lines.firstHoldingAfterSeconds === null
              ? 'None given'
              : `${duration(r.lines.firstHoldingAfterSeconds)} after the declaration`}
          </dd>
        </div>
        <div>
          <dt>Journalists sent a line</dt>
          <dd>
            {r.lines.journalistsReached} <span class="hint">({r.lines.journalistsGotHolding} a holding line)</span>
          </dd>
        </div>
        <div>
          <dt>Deadlines missed</dt>
          <dd>
            {e.missedDeadlines}{' '}
            <span class="hint">of {plural(e.withDeadline, 'enquiry', 'enquiries')} with a deadline</span>
          </dd>
        </div>
        <div>
          <dt>Passed respond-by without a response</dt>
          <dd>{e.breaches}</dd>
        </div>
      </dl>

      <h2>What arrived</h2>
      <table>
        <caption>Enquiries by channel</caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Enquiries</th>
          </tr>
        </thead>
        <tbody>
          {ENQUIRY_CHANNELS.map((c) => (
            <tr>
              <th scope="row">{CHANNEL_LABELS[c]}</th>
              <td>{e.byChannel[c]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {e.arrivals.buckets.length ? (
        <Chart
          id="incident-arrivals"
          title={e.arrivals.unit === 'hour' ? 'Enquiries by hour (office time)' : 'Enquiries by day (office time)'}
          unit="enquiries"
          data={e.arrivals.buckets.map((b) => ({ label: b.label, value: b.n }))}
        />
      ) : (
        <p>No enquiries are linked to this incident.</p>
      )}

      <h2>What the office said</h2>
      {r.lines.given.length ? (
        <table class="stack">
          <caption class="visually-hidden">Lines given about the incident</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Given</th>
              <th scope="col">By</th>
              <th scope="col">Journalists sent it</th>
            </tr>
          </thead>
          <tbody>
            {r.lines.given.map((l) => (
              <tr>
                <th scope="row">{LINE_KIND[l.kind]}</th>
                <td data-label="Given">{when(l.createdAt)}</td>
                <td data-label="By">{l.createdBy}</td>
                <td data-label="Journalists sent it">{l.recipients}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No holding or press line has been given.</p>
      )}

      <h2>Release decisions</h2>
      {r.decisions.length ? (
        <>
          <table class="stack">
            <caption class="visually-hidden">What was withheld from each response, why, and who decided</caption>
            <thead>
              <tr>
                <th scope="col">Enquiry</th>
                <th scope="col">Recorded</th>
                <th scope="col">Withheld because</th>
                <th scope="col">What was withheld</th>
                <th scope="col">Decided by</th>
              </tr>
            </thead>
            <tbody>
              {r.decisions.map((d) => (
                <tr>
                  <th scope="row">
                    <a href={`/desk/enquiries/${d.reference}`}>{d.reference}</a>
                  </th>
                  <td data-label="Recorded">{when(d.recordedAt)}</td>
                  <td data-label="Withheld because">{d.reasons.length ? d.reasons.join('; ') : 'Nothing withheld'}</td>
                  <td data-label="What was withheld">{d.withheld ?? '—'}</td>
                  <td data-label="Decided by">{d.decidedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a href={`/desk/decisions.csv?incident=${r.incident.id}`} download>
              Download the decisions (CSV)
            </a>{' '}
            · <a href={`/desk/decisions.json?incident=${r.incident.id}`}>JSON</a>
          </p>
        </>
      ) : (
        <p>No response has been recorded on its enquiries yet.</p>
      )}
    </DeskLayout>
  );
}
