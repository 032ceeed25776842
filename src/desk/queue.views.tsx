import type { Present } from './presence.repository.js';
import { QueuePresenceMarker } from './presence.views.js';
import type { Child } from 'hono/jsx';
import type { OfficeConfig } from '../config.js';
import { ENQUIRY_CHANNELS, ENQUIRY_STATUSES, isOpenStatus } from '../enquiries/enquiry.model.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary } from '../http/layout.js';
import { LANGUAGE_LABELS } from '../i18n/staff-labels.js';
import type { PageStatus } from '../oncall/paging.tables.js';
import type { DeskSession } from '../web/session.js';
import type { DigestCall, DigestSummary } from '../reports/digest.repository.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { Csrf, DeskLayout } from '../web/layout.js';
import { CHANNEL_LABELS, channelLabel, STATUS_LABELS, statusLabel } from '../enquiries/enquiry.labels.js';
import {
  SAID_MARK,
  type Breach,
  type QueueFilters,
  type QueueGroup,
  type QueueRow,
  type SaidHit,
  type SearchScope,
} from './queue.repository.js';
import type { WaitingOn } from '../colleagues/questions.repository.js';
import { LineSentMarker } from '../incidents/line-sent.views.js';

const PAGE_LABEL = {
  active: 'On-call paged, not yet acknowledged',
  acknowledged: 'On-call acknowledged',
  exhausted: 'Page not acknowledged by anyone',
} as const satisfies Record<PageStatus, string>;

/** One queue row; also served alone to insert live arrivals and refresh a row the journalist added to. */
export function QueueRowView(props: {
  row: QueueRow;
  office: OfficeConfig;
  now: Date;
  waiting?: WaitingOn;
  /** When its response was sent for sign-off, while it awaits it. */
  signOffSince?: Date;
  /** Other officers who have it open now (issue 29): "Sam Lee is on this". */
  presence?: readonly Present[];
}) {
  const r = props.row;
  const open = isOpenStatus(r.status);
  // Overdue once the deadline sweep says so, or the due time has passed (the sweep runs every minute or so).
  const overdue = open && (r.breached_at !== null || (r.due !== null && r.due.getTime() < props.now.getTime()));
  const dueSoon = open && !overdue && r.warned_at !== null;
  const added = r.journalist_added_at;
  const cls = [
    'queue-row',
    r.urgent ? 'is-urgent' : '',
    overdue ? 'is-overdue' : '',
    dueSoon ? 'is-due-soon' : '',
    added ? 'has-addition' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    // data-added tells desk.js a live refresh is the journalist's news (to announce it), not a new arrival.
    <tr id={`row-${r.reference}`} class={cls} data-added={added ? added.toISOString() : undefined}>
      <td data-label="Due">
        {r.due ? <time datetime={r.due.toISOString()}>{formatDeadline(r.due, props.office, props.now)}</time> : '—'}
        {r.deadline ? <span class="hint"> deadline</span> : r.due ? <span class="hint"> respond by</span> : null}
        <DueMarker overdue={overdue} dueSoon={dueSoon} />
      </td>
      <td data-label="Enquiry">
        <a href={`/desk/enquiries/${r.reference}`} class="ref">
          {r.reference}
        </a>{' '}
        {r.urgent ? <strong class="tag tag--urgent">Urgent</strong> : null}
        <div class="subject">{r.subject}</div>
        <QueuePresenceMarker people={props.presence} />
        {added ? (
          <div class="added-marker">
            <strong>New information from the journalist</strong>{' '}
            <time datetime={added.toISOString()}>{formatShortTime(added, props.office, props.now)}</time>
          </div>
        ) : null}
      </td>
      <td data-label="From">
        {r.name || <span class="hint">(no name given)</span>}
        {r.outlet ? <div class="hint">{r.outlet}</div> : null}
      </td>
      <td data-label="Received">
        <time datetime={r.received_at.toISOString()}>{formatShortTime(r.received_at, props.office, props.now)}</time>
        <div>{channelLabel(r.channel)}</div>
        {r.out_of_hours ? <span class="tag tag--ooh">Out of hours</span> : null}
        {r.page_status ? <div class={`hint page-${r.page_status}`}>{PAGE_LABEL[r.page_status]}</div> : null}
      </td>
      <td data-label="Status">
        {statusLabel(r.status)}
        <LineSentMarker at={r.line_sent_at} when={(d) => formatShortTime(d, props.office, props.now)} />
        <WaitingMarker
          waiting={props.waiting}
          when={(d) => formatShortTime(d, props.office, props.now)}
          now={props.now}
        />
        {props.signOffSince ? (
          <div class="waiting-marker">
            Awaiting sign-off ({Math.max(0, Math.round((props.now.getTime() - props.signOffSince.getTime()) / 60_000))}{' '}
            min)
          </div>
        ) : null}
      </td>
      <td data-label="Assigned">{r.assignee_name ?? <span class="hint">Unassigned</span>}</td>
    </tr>
  );
}

/** "Waiting on Insp. Khan, due 14:30": an open question to colleagues (src/colleagues), marked when its time has passed. */
function WaitingMarker(props: { waiting: WaitingOn | undefined; when: (d: Date) => string; now: Date }) {
  const w = props.waiting;
  if (!w) return null;
  const late = w.overdue || w.due_at.getTime() <= props.now.getTime();
  const who = w.names.length ? w.names.join(', ') : 'colleagues';
  return (
    <div class={`waiting-marker${late ? ' is-late' : ''}`}>
      Waiting on {who}, due <time datetime={w.due_at.toISOString()}>{props.when(w.due_at)}</time>
      {late ? <strong class="tag tag--overdue">Answer overdue</strong> : null}
    </div>
  );
}

/** "Overdue" or "Due soon" beside a due time: words, not colour alone. */
function DueMarker(props: { overdue: boolean; dueSoon: boolean }) {
  if (props.overdue) return <strong class="tag tag--overdue">Overdue</strong>;
  if (props.dueSoon) return <strong class="tag tag--due-soon">Due soon</strong>;
  return null;
}

/**
 * An open incident as one queue row (instead of a row per linked enquiry): its name linking to the
 * incident page, how many enquiries, the newest arrivals, the worst due. Also served alone by the
 * live queue for an arrival linked to it (desk.js replaces the row with the same id).
 */
export function QueueGroupRowView(props: { group: QueueGroup; office: OfficeConfig; now: Date }) {
  const g = props.group;
  const overdue = g.breached || (g.due !== null && g.due.getTime() < props.now.getTime());
  const dueSoon = !overdue && g.warned;
  const latest = g.newest[0];
  const cls = ['queue-row', 'queue-group', overdue ? 'is-overdue' : '', dueSoon ? 'is-due-soon' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <tr id={`row-incident-${g.incident_id}`} class={cls} data-incident={g.incident_id} data-count={String(g.count)}>
      <td data-label="Due">
        {g.due ? <time datetime={g.due.toISOString()}>{formatDeadline(g.due, props.office, props.now)}</time> : '—'}
        {g.due ? <span class="hint"> earliest</span> : null}
        <DueMarker overdue={overdue} dueSoon={dueSoon} />
      </td>
      <td data-label="Enquiry">
        <span class="tag tag--incident">Incident</span>{' '}
        <a href={`/desk/incidents/${g.incident_id}`} class="group-name">
          {g.name}
        </a>
        <div class="group-count">
          <strong>
            {g.count} {g.count === 1 ? 'enquiry' : 'enquiries'}
          </strong>
          {g.open !== g.count ? `, ${g.open} open` : null}
        </div>
      </td>
      <td data-label="From">
        <span class="hint">Newest:</span>
        <ul class="group-newest">
          {g.newest.map((n) => (
            <li>
              <a href={`/desk/enquiries/${n.reference}`}>{n.reference}</a>
              {n.outlet ? <span class="hint"> {n.outlet}</span> : null}
            </li>
          ))}
        </ul>
      </td>
      <td data-label="Received">
        {latest ? (
          <>
            <span class="hint">Latest </span>
            <time datetime={latest.received_at.toISOString()}>
              {formatShortTime(latest.received_at, props.office, props.now)}
            </time>
          </>
        ) : (
          '—'
        )}
      </td>
      <td data-label="Status">{g.open === 1 ? '1 open' : `${g.open} open`}</td>
      <td data-label="Assigned">
        <a href={`/desk/incidents/${g.incident_id}`}>
          Work the incident<span class="visually-hidden"> {g.name}</span>
        </a>
      </td>
    </tr>
  );
}

/**
 * Respond-by times passed without a response, at the top of the queue: every one for a manager,
 * the officer's own otherwise. Words first; the border only helps the eye.
 */
function BreachBanner(props: {
  breaches: { rows: Breach[]; total: number };
  manager: boolean;
  when: (d: Date) => string;
}) {
  const { rows, total } = props.breaches;
  if (!total) return null;
  return (
    <section class="banner breach-banner" aria-labelledby="breach-title">
      <h2 id="breach-title" class="banner__title">
        {total === 1 ? 'One enquiry' : `${total} enquiries`}
        {props.manager ? '' : ' assigned to you'} passed {total === 1 ? 'its' : 'their'} respond-by time without a
        response
      </h2>
      <ul>
        {rows.map((b) => (
          <li>
            <a href={`/desk/enquiries/${b.reference}`}>{b.reference}</a> passed its respond-by time (
            <time datetime={b.due.toISOString()}>{props.when(b.due)}</time>) without a response
            {b.deadline ? ' (the journalist’s deadline)' : ''}: {b.subject}
          </li>
        ))}
      </ul>
      {total > rows.length ? <p>and {total - rows.length} more: see the overdue enquiries below.</p> : null}
    </section>
  );
}

/** Queue rows and group rows in one order, by what is due first (nothing due last); a group goes before rows due later than it. */
function mergeByDue(rows: QueueRow[], groups: QueueGroup[]): Array<{ row: QueueRow } | { group: QueueGroup }> {
  const key = (d: Date | null) => (d ? d.getTime() : Number.POSITIVE_INFINITY);
  const out: Array<{ row: QueueRow } | { group: QueueGroup }> = [];
  let gi = 0;
  for (const row of rows) {
    while (gi < groups.length && key(groups[gi].due) < key(row.due)) out.push({ group: groups[gi++] });
    out.push({ row });
  }
  while (gi < groups.length) out.push({ group: groups[gi++] });
  return out;
}

/** The queue's table: its columns, and `children` as rows (`bodyId` names the body that live arrivals go into). */
function QueueTable(props: { caption: string; bodyId?: string; children?: Child }) {
  return (
    <table class="queue">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Due</th>
          <th scope="col">Enquiry</th>
          <th scope="col">From</th>
          <th scope="col">Received</th>
          <th scope="col">Status</th>
          <th scope="col">Assigned</th>
        </tr>
      </thead>
      <tbody id={props.bodyId}>{props.children}</tbody>
    </table>
  );
}

/** How each call to the phone line ended, in the digest. */
const DIGEST_CALL_WORDING = {
  desk_answered: 'answered on the desk',
  connected_on_call: 'put through to the on-call officer',
  not_accepted: 'not taken by on-call; left a message',
  voicemail: 'left a message',
  hung_up: 'hung up without leaving a message: ring back if you can',
  // Twilio tells us nothing when a caller hangs up before the tone: the call simply has no outcome.
  unfinished: 'ended without leaving a message: ring back if you can',
} as const satisfies Record<NonNullable<DigestCall['outcome']> | 'unfinished', string>;

/** "07700 900123" for a UK number, the E.164 form otherwise. */
function formatNational(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}

type DigestItem = DigestSummary['items'][number];

const LINE_KIND = { holding: 'holding line', press: 'press line' } as const;

/**
 * The digest in one sentence: "Overnight: 9 enquiries, 3 urgent, 2 still unanswered; incident
 * 'Hartfield fire': 6 enquiries, holding line sent to 5." Incidents from digests made before issue
 * 23 are not known, so those say only the totals.
 */
export function digestHeadline(s: DigestSummary): string {
  const parts = [`Overnight: ${s.total} enquir${s.total === 1 ? 'y' : 'ies'}, ${s.urgent} urgent`];
  if (s.paged) parts[0] += `, ${s.paged} paged to on-call (${s.acknowledged} acknowledged)`;
  parts[0] += `, ${s.unanswered} still unanswered`;
  for (const i of s.incidents ?? []) {
    const n = s.items.filter((it) => it.incident?.id === i.id).length;
    const bits = [`${n} enquir${n === 1 ? 'y' : 'ies'}`];
    if (i.declared) bits.unshift('declared overnight');
    for (const kind of ['holding', 'press'] as const) {
      const sent = i.lines.filter((l) => l.kind === kind).reduce((a, l) => a + l.sentTo, 0);
      if (sent) bits.push(`${LINE_KIND[kind]} sent to ${sent}`);
    }
    parts.push(`incident ‘${i.name}’: ${bits.join(', ')}`);
  }
  return `${parts.join('; ')}.`;
}

/** A person as the digest stored them: a name (digests since issue 23), or a number in older ones, written the UK way. */
function person(who: string): string {
  return /^\+\d{7,15}$/.test(who) ? formatNational(who) : who;
}

/** One enquiry in the digest's details: reference, state, subject, who was paged (by name) and what was done. */
function DigestItemView(props: { i: DigestItem; by: (d: Date) => string }) {
  const i = props.i;
  return (
    <li>
      <a href={`/desk/enquiries/${i.reference}`}>{i.reference}</a>{' '}
      {i.urgent ? <strong class="tag tag--urgent">Urgent</strong> : null}{' '}
      {i.withdrawn ? <span class="tag">Withdrawn</span> : i.answered ? <span class="tag">Answered</span> : null}{' '}
      {i.subject}
      {i.outlet ? ` (${i.outlet})` : ''}
      {i.deadline ? `, deadline ${props.by(new Date(i.deadline))}` : ''}
      {i.page
        ? `, paged ${i.page.paged.map(person).join(', ')}${i.page.acknowledgedBy ? `, acknowledged by ${person(i.page.acknowledgedBy)}` : ', not acknowledged'}`
        : ''}
      {i.overnight?.length ? (
        <ul class="overnight">
          {i.overnight.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/**
 * The morning digest: what arrived while the office was closed, until this officer dismisses it.
 * A short summary first (one sentence, incidents named); the details (enquiries grouped by
 * incident, the lines sent, pages and calls) behind a disclosure so the queue stays on the first screen.
 */
function MorningDigest(props: {
  digest: { id: string; opened_at: Date; since: Date; summary: DigestSummary };
  when: (d: Date) => string;
  by: (d: Date) => string;
  csrf: string;
}) {
  const s = props.digest.summary;
  // Still owed an answer, or worked overnight (the desk should see what on-call did and said).
  const shown = (i: DigestItem) => !i.answered || Boolean(i.overnight?.length) || Boolean(i.incident);
  const incidents = s.incidents ?? [];
  const known = new Set(incidents.map((i) => i.id));
  const others = s.items.filter((i) => !(i.incident && known.has(i.incident.id)) && shown(i));
  return (
    <section class="panel handover" aria-labelledby="handover-title">
      <h2 id="handover-title">While the office was closed</h2>
      <p class="digest-summary">
        Since {props.when(props.digest.since)}. {digestHeadline(s)}
      </p>
      <details class="digest-details">
        <summary>
          Details{incidents.length ? ' by incident' : ''}: enquiries, pages{s.calls?.length ? ' and phone calls' : ''}
        </summary>
        {incidents.map((inc) => {
          const items = s.items.filter((i) => i.incident?.id === inc.id);
          return (
            <section class="digest-incident" aria-labelledby={`digest-incident-${inc.id}`}>
              <h3 id={`digest-incident-${inc.id}`}>
                Incident <a href={`/desk/incidents/${inc.id}`}>{inc.name}</a>
                {inc.closed ? ' (closed)' : ''}
              </h3>
              <ul>
                {inc.declared ? (
                  <li>
                    Declared {props.when(new Date(inc.declared.at))} by {inc.declared.by}
                  </li>
                ) : null}
                {inc.lines.map((l) => (
                  <li>
                    {LINE_KIND[l.kind][0].toUpperCase() + LINE_KIND[l.kind].slice(1)} by {l.by} (
                    {props.when(new Date(l.at))}) sent to {l.sentTo} {l.sentTo === 1 ? 'journalist' : 'journalists'}
                  </li>
                ))}
                {inc.lines.length ? null : <li>No line sent overnight</li>}
              </ul>
              {items.length ? (
                <ul>
                  {items.map((i) => (
                    <DigestItemView i={i} by={props.by} />
                  ))}
                </ul>
              ) : null}
            </section>
          );
        })}
        {others.length ? (
          <>
            {incidents.length ? <h3>Other enquiries</h3> : null}
            <ul>
              {others.map((i) => (
                <DigestItemView i={i} by={props.by} />
              ))}
            </ul>
          </>
        ) : null}
        {s.calls?.length ? (
          <>
            <h3>Phone calls</h3>
            <ul>
              {s.calls.map((call) => (
                <li>
                  {props.when(new Date(call.at))}: {call.from ? formatNational(call.from) : 'withheld number'}
                  {call.urgent ? ' (pressed 1, urgent)' : ''}, {DIGEST_CALL_WORDING[call.outcome ?? 'unfinished']}
                  {call.outcome === 'connected_on_call' && call.officer ? ` (${call.officer})` : ''}
                  {call.reference ? (
                    <>
                      {' '}
                      <a href={`/desk/enquiries/${call.reference}`}>{call.reference}</a>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </details>
      <form method="post" action={`/desk/handover/${props.digest.id}/dismiss`}>
        <Csrf token={props.csrf} />
        <button type="submit" class="button button--secondary">
          Dismiss
        </button>
      </form>
    </section>
  );
}

function Select(props: {
  name: string;
  label: string;
  value: string;
  options: ReadonlyArray<readonly [string, string]>;
}) {
  return (
    <Field id={`f-${props.name}`} name={props.name} label={props.label} as="select" layout="filter">
      {props.options.map(([v, l]) => (
        <option value={v} selected={v === props.value}>
          {l}
        </option>
      ))}
    </Field>
  );
}

/** How each kind of words is named in "what we said". */
const SAID_KIND_LABEL: Record<string, string> = {
  response: 'Response',
  sms_reply: 'SMS reply',
  email_reply: 'Email reply',
  incident_line: "Incident's line",
  outcome_message: 'Closing message',
};

/** An excerpt with ts_headline's marks (SAID_MARK) as <mark> elements; the words are text, never markup. */
function Excerpt(props: { text: string }) {
  const parts: Array<string | { mark: string }> = [];
  let rest = props.text;
  while (rest) {
    const start = rest.indexOf(SAID_MARK.start);
    if (start < 0) break;
    const stop = rest.indexOf(SAID_MARK.stop, start);
    if (stop < 0) break;
    if (start > 0) parts.push(rest.slice(0, start));
    parts.push({ mark: rest.slice(start + 1, stop) });
    rest = rest.slice(stop + 1);
  }
  if (rest) parts.push(rest);
  return <span class="said-excerpt">{parts.map((p) => (typeof p === 'string' ? p : <mark>{p.mark}</mark>))}</span>;
}

/**
 * "What we said" (issue 28): each enquiry whose responses or replies match the search, once, by
 * its newest matching words: the reference, when and how it was said, and the words around the
 * matches, newest first.
 */
function SaidResults(props: { hits: SaidHit[]; q: string; when: (d: Date) => string }) {
  if (!props.hits.length)
    return (
      <p class="panel">
        Nothing we said matches “{props.q}”. <a href={`/desk?q=${encodeURIComponent(props.q)}`}>Search the enquiries</a>
      </p>
    );
  return (
    <section aria-labelledby="said-title">
      <h2 id="said-title">What we said: “{props.q}”</h2>
      <p class="hint">Each enquiry once, by the newest words that match; newest first.</p>
      <ol class="said-results">
        {props.hits.map((h) => (
          <li id={`said-${h.reference}`}>
            <a href={`/desk/enquiries/${h.reference}`} class="ref">
              {h.reference}
            </a>{' '}
            {h.subject} ({statusLabel(h.status)}
            {h.outlet ? `, ${h.outlet}` : ''})
            <div>
              {SAID_KIND_LABEL[h.kind] ?? h.kind}, <time datetime={h.at.toISOString()}>{props.when(h.at)}</time>:{' '}
              <Excerpt text={h.excerpt} />
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** "12 enquiries" / "1 enquiry": how many match the queue's filters. */
export function resultCountText(n: number): string {
  return `${n} ${n === 1 ? 'enquiry' : 'enquiries'}`;
}

/**
 * The triage queue: counts, filters, search, live arrivals, and the rows (the open queue by what is
 * due first, urgent first at the same time; other views newest first).
 */
export function QueuePage(props: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  filters: QueueFilters;
  /** The received dates as typed, and what is wrong with them (the rows are not shown then). */
  dates: { from: string; to: string; errors: { from?: string; to?: string } };
  /** How many enquiries match (null: the filters are invalid). */
  total: number | null;
  /** The open queue (by due) rather than a history (newest first). */
  byDue: boolean;
  /** The same view received this week (Monday 00:00 office time to now). */
  thisWeekHref: string;
  rows: QueueRow[];
  /** What each row's enquiry waits on from colleagues (by enquiry id; absent: nothing). */
  waiting?: ReadonlyMap<string, WaitingOn>;
  /** Since when each row's response awaits sign-off (by enquiry id). */
  signOff?: ReadonlyMap<string, Date>;
  /** Other officers on each row's enquiry now (by enquiry id; absent: nobody). */
  presence?: ReadonlyMap<string, readonly Present[]>;
  /** Open incidents' group rows that fall on this page (by their worst due). */
  groups: QueueGroup[];
  /** Passed respond-by times without a response that this user must see (managers: all; officers: their own). */
  breaches: { rows: Breach[]; total: number };
  counts: { open: number; urgent: number; overdue: number; unassigned: number; mine: number };
  nextHref: string | null;
  firstHref: string | null;
  digest: { id: string; opened_at: Date; since: Date; summary: DigestSummary } | null;
  /** Where the search box looks: the enquiries, or what the office said to them (issue 28). */
  scope?: SearchScope;
  /** "What we said" results (the scope is `said` and there is a search), instead of the rows. */
  said?: SaidHit[];
  /** The topic filter's choices: topics in use, and the chosen one even when archived (src/topics). */
  topics?: Array<{ id: string; name: string; archived: boolean }>;
}) {
  const f = props.filters;
  const when = (d: Date) => formatShortTime(d, props.office, props.now);
  const by = (d: Date) => formatDeadline(d, props.office, props.now);
  return (
    <DeskLayout
      title="Queue"
      officeName={props.office.name}
      session={props.session}
      current="/desk"
      scripts={['/assets/desk.js']}
    >
      <h1>Queue</h1>
      <BreachBanner breaches={props.breaches} manager={props.session.user.role === 'manager'} when={by} />
      {props.digest ? (
        <MorningDigest digest={props.digest} when={when} by={by} csrf={props.session.session.csrf_token} />
      ) : null}
      {/* data-count names the number desk.js refreshes live (GET /desk/queue/counts). */}
      <p class="counts">
        <a href="/desk">
          <span data-count="open">{props.counts.open}</span> open
        </a>{' '}
        ·{' '}
        <a href="/desk?urgent=yes">
          <span data-count="urgent">{props.counts.urgent}</span> urgent
        </a>{' '}
        ·{' '}
        <strong class={props.counts.overdue ? 'overdue-count' : ''} data-overdue-box>
          <span data-count="overdue">{props.counts.overdue}</span> overdue
        </strong>{' '}
        ·{' '}
        <a href="/desk?assigned=unassigned">
          <span data-count="unassigned">{props.counts.unassigned}</span> unassigned
        </a>{' '}
        ·{' '}
        <a href="/desk?assigned=me">
          <span data-count="mine">{props.counts.mine}</span> mine
        </a>
      </p>
      {props.dates.errors.from || props.dates.errors.to ? (
        <ErrorSummary
          errors={{ 'f-from': props.dates.errors.from ?? '', 'f-to': props.dates.errors.to ?? '' }}
          order={['f-from', 'f-to']}
        />
      ) : null}
      <form method="get" action="/desk" class="filters" role="search">
        <div class="filter filter--search">
          <label for="f-q">Search</label>
          <input type="search" id="f-q" name="q" value={f.q} maxlength={200} aria-describedby="f-q-hint" />
          <span class="hint" id="f-q-hint">
            Subject, details, outlet or journalist; or, searching what we said, the responses and replies sent
          </span>
        </div>
        <Select
          name="in"
          label="Search in"
          value={props.scope ?? 'enquiries'}
          options={[
            ['enquiries', 'Enquiries'],
            ['said', 'What we said'],
          ]}
        />
        <Select
          name="status"
          label="Status"
          value={f.status}
          options={[
            ['open', 'Open'],
            ...ENQUIRY_STATUSES.map((s) => [s, STATUS_LABELS[s]] as const),
            ['all', 'Any status'],
          ]}
        />
        <Select
          name="urgent"
          label="Urgent"
          value={f.urgent}
          options={[
            ['any', 'Any'],
            ['yes', 'Urgent only'],
            ['no', 'Not urgent'],
          ]}
        />
        <Select
          name="assigned"
          label="Assigned"
          value={f.assigned}
          options={[
            ['anyone', 'Anyone'],
            ['me', 'Me'],
            ['unassigned', 'Unassigned'],
          ]}
        />
        <Select
          name="channel"
          label="Channel"
          value={f.channel}
          options={[['any', 'Any'], ...ENQUIRY_CHANNELS.map((c) => [c, CHANNEL_LABELS[c]] as const)]}
        />
        {props.office.languages.length > 1 ? (
          <Select
            name="language"
            label="Language"
            value={f.language ?? 'any'}
            options={[['any', 'Any'], ...props.office.languages.map((l) => [l, LANGUAGE_LABELS[l]] as const)]}
          />
        ) : null}
        <Select
          name="ooh"
          label="Received"
          value={f.outOfHours}
          options={[
            ['any', 'Any time'],
            ['yes', 'Out of hours'],
            ['no', 'In hours'],
          ]}
        />
        <Field
          id="f-outlet"
          name="outlet"
          label="Outlet"
          layout="filter"
          attrs={{ type: 'text', value: f.outlet, maxlength: 200 }}
        />
        {props.topics?.length ? (
          <Select
            name="topic"
            label="Topic"
            value={f.topic}
            options={[
              ['', 'Any topic'],
              ...props.topics.map((t) => [t.id, t.archived ? `${t.name} (archived)` : t.name] as const),
            ]}
          />
        ) : null}
        <Field
          id="f-from"
          name="from"
          label="Received from"
          error={props.dates.errors.from}
          layout="filter"
          attrs={{ type: 'date', value: props.dates.from }}
        />
        <Field
          id="f-to"
          name="to"
          label="Received to"
          error={props.dates.errors.to}
          layout="filter"
          attrs={{ type: 'date', value: props.dates.to }}
        />
        <button type="submit" class="button button--secondary">
          Apply
        </button>
        <a href={props.thisWeekHref} class="filter-link">
          This week
        </a>
      </form>
      {props.total !== null ? (
        // Announced when the page loads after Apply, and when desk.js refreshes it live.
        <p id="result-count" class="result-count" role="status" aria-live="polite">
          {resultCountText(props.total)}
          {props.byDue ? null : <span class="hint"> (newest first)</span>}
        </p>
      ) : null}
      <p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
      <p id="live-resync" class="panel" hidden>
        The live queue lost its connection for a moment. <a href="/desk">Reload</a> to be sure you see every enquiry.
      </p>
      <section id="live-section" hidden aria-labelledby="live-title">
        <h2 id="live-title">New since you opened this page</h2>
        <QueueTable caption="Enquiries received since this page was loaded" bodyId="live-rows" />
      </section>
      {props.said ? (
        <SaidResults hits={props.said} q={f.q} when={when} />
      ) : props.total === null ? null : props.rows.length === 0 && props.groups.length === 0 ? (
        <p class="panel">
          No enquiries match.{' '}
          {f.q ||
          f.status !== 'open' ||
          f.outlet ||
          f.topic ||
          props.dates.from ||
          props.dates.to ||
          f.urgent !== 'any' ||
          f.assigned !== 'anyone' ||
          f.channel !== 'any' ||
          (f.language ?? 'any') !== 'any' ||
          f.outOfHours !== 'any' ? (
            <a href="/desk">Show all open enquiries</a>
          ) : (
            'The queue is clear.'
          )}
        </p>
      ) : (
        <QueueTable
          caption={
            props.byDue
              ? "Enquiries, what is due first at the top (urgent first at the same time); an incident's enquiries are one row"
              : 'Enquiries, newest first'
          }
        >
          {mergeByDue(props.rows, props.groups).map((item) =>
            'row' in item ? (
              <QueueRowView
                row={item.row}
                office={props.office}
                now={props.now}
                waiting={props.waiting?.get(item.row.id)}
                signOffSince={props.signOff?.get(item.row.id)}
                presence={props.presence?.get(item.row.id)}
              />
            ) : (
              <QueueGroupRowView group={item.group} office={props.office} now={props.now} />
            ),
          )}
        </QueueTable>
      )}
      <nav class="pager" aria-label="Pages">
        {props.firstHref ? <a href={props.firstHref}>First page</a> : null}
        {props.nextHref ? (
          <a href={props.nextHref} rel="next">
            Next page
          </a>
        ) : null}
      </nav>
    </DeskLayout>
  );
}
