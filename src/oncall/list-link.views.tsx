import type { OfficeConfig } from '../config.js';
import { statusLabel } from '../enquiries/enquiry.labels.js';
import { isOpenStatus } from '../enquiries/enquiry.model.js';
import { formatDeadline, formatShortTime } from '../hours/format.js';
import { Layout } from '../http/layout.js';
import type { ListView } from './list-link.service.js';

/**
 * The list behind a bundled page text's link, on a phone: every enquiry of that bundle with its
 * reference and short code (what ACK, INFO and the other commands take), whether its page is
 * acknowledged, the journalist and outlet, the deadline and the subject. Read only: no forms.
 */
export function ListLinkPage(p: { office: OfficeConfig; now: Date; view: ListView }) {
  const { enquiries } = p.view;
  // Waiting: what an ACK would still stop. A page whose escalation ran out, or whose enquiry was
  // answered or closed meanwhile, is not waiting, and not acknowledged either: it says which.
  const waiting = enquiries.filter((e) => rowState(e) === 'waiting').length;
  const allAcked = enquiries.every((e) => e.page_status === 'acknowledged');
  const count = enquiries.length === 1 ? '1 urgent enquiry' : `${enquiries.length} urgent enquiries`;
  return (
    <Layout title={`${count} (on call)`} officeName={p.office.name}>
      <h1>{count}</h1>
      <p class="lead">
        {waiting > 0
          ? `${waiting} waiting for an acknowledgement: reply ACK to the page text to acknowledge every one, or ACK and a code for one.`
          : allAcked
            ? 'All acknowledged.'
            : 'None waiting for an acknowledgement.'}{' '}
        Text INFO and a reference for an enquiry's details; CALL, REPLY, NOTE and DONE work the same way.
      </p>
      <ol class="timeline" aria-label="The enquiries of this page text, soonest deadline first">
        {enquiries.map((e) => (
          <li>
            <strong>{e.reference}</strong> <span class="hint">code {e.short_code}</span> <RowTag state={rowState(e)} />
            <div>
              {e.name || 'Journalist'}
              {e.outlet ? `, ${e.outlet}` : ''}
            </div>
            <div>
              {e.deadline ? `Deadline ${formatDeadline(e.deadline, p.office, p.now)}` : 'No deadline given'} ·{' '}
              {statusLabel(e.status)}
            </div>
            <div class="subject">{e.subject}</div>
          </li>
        ))}
      </ol>
      <p class="hint">
        This link lists the enquiries of one page text only, and works until{' '}
        {formatShortTime(p.view.expiresAt, p.office, p.now)}. Do not forward it: it shows journalists' names.
      </p>
    </Layout>
  );
}

/** Where one row's page stands: acknowledged, waiting for an ACK, ended unacknowledged, or stopped by its enquiry's status. */
type RowState = 'acknowledged' | 'waiting' | 'ended' | 'stopped';

function rowState(e: ListView['enquiries'][number]): RowState {
  if (e.page_status === 'acknowledged') return 'acknowledged';
  if (!isOpenStatus(e.status)) return 'stopped';
  return e.page_status === 'exhausted' ? 'ended' : 'waiting';
}

/** The tag of a row: "Urgent" only while an ACK would still stop its escalation. */
function RowTag(p: { state: RowState }) {
  switch (p.state) {
    case 'acknowledged':
      return <span class="tag">Acknowledged</span>;
    case 'waiting':
      return <strong class="tag tag--urgent">Urgent</strong>;
    case 'ended':
      return <strong class="tag tag--urgent">Not acknowledged: escalation ended</strong>;
    case 'stopped':
      return <span class="tag">Escalation stopped</span>;
    default:
      return p.state satisfies never;
  }
}
