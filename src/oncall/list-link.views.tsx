import type { OfficeConfig } from '../config.js';
import { statusLabel } from '../enquiries/enquiry.labels.js';
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
  const waiting = enquiries.filter((e) => e.page_status === 'active').length;
  return (
    <Layout title={`${enquiries.length} urgent enquiries (on call)`} officeName={p.office.name}>
      <h1>{enquiries.length === 1 ? '1 urgent enquiry' : `${enquiries.length} urgent enquiries`}</h1>
      <p class="lead">
        {waiting === 0
          ? 'All acknowledged.'
          : `${waiting} waiting for an acknowledgement: reply ACK to the page text to acknowledge every one, or ACK and a code for one.`}{' '}
        Text INFO and a reference for an enquiry's details; CALL, REPLY, NOTE and DONE work the same way.
      </p>
      <ol class="timeline" aria-label="The enquiries of this page text, soonest deadline first">
        {enquiries.map((e) => (
          <li>
            <strong>{e.reference}</strong> <span class="hint">code {e.short_code}</span>
            {e.page_status === 'acknowledged' ? (
              <span class="tag">Acknowledged</span>
            ) : (
              <strong class="tag tag--urgent">Urgent</strong>
            )}
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
