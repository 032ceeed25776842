import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import type { DeskSession } from './auth.service.js';
import { DeskLayout } from './desk.layout.js';
import type { AuditEntry } from './desk.tables.js';

/** What each action recorded in the audit log means, for people; unknown ones show their code. */
const ACTION_LABEL: Record<string, string> = {
  login: 'Signed in',
  logout: 'Signed out',
  'login.locked': 'Locked sign-in to an account after wrong passwords from many addresses',
  'user.created': 'Added a user',
  'user.disabled': 'Disabled a user',
  'user.enabled': 'Enabled a user',
  'user.password_reset': 'Set a new password',
  'user.updated': 'Changed a user',
  'user.password_changed': 'Changed their own password',
  'rota.shift_added': 'Added a shift',
  'rota.override_added': 'Added an override',
  'rota.shift_updated': 'Changed a shift',
  'rota.shift_deleted': 'Deleted a shift',
  'rota.person_added': 'Added a person to the rota staff list',
  'rota.phone_changed': 'Changed a phone number on the rota',
  'rota.person_deactivated': 'Took a person off the rota',
  'rota.test_page_queued': 'Sent a test page',
  'enquiry.assigned': 'Assigned an enquiry',
  'enquiry.status_changed': 'Changed an enquiry’s status',
  'enquiry.note_added': 'Added a note',
  'enquiry.response_recorded': 'Recorded the response given',
  'enquiry.reply_sent': 'Replied to the journalist by SMS',
  'enquiry.email_sent': 'Replied to the journalist by email',
  'oncall.viewed': 'Looked at an enquiry from the on-call phone',
  'oncall.list_viewed': 'Opened the list of a bundled page text from the on-call phone',
  'oncall.call': 'Asked to be put through to the journalist from the on-call phone',
  'enquiry.upgraded': 'Marked an enquiry urgent',
  'enquiry.downgraded': 'Marked an enquiry not urgent',
  'page.acknowledged': 'Acknowledged an on-call page',
};

/** Label of an audit action for people. */
export function actionLabel(action: string): string {
  return ACTION_LABEL[action] ?? action;
}

/**
 * An entry's detail as one line of text ("email: jo@x.example; role: officer"). Values are
 * shown as they were recorded, nested ones as JSON, and the page renders it all as text. Keys
 * are sorted by name: jsonb keeps its own order (shortest first), which reads as random.
 */
export function detailText(detail: Record<string, unknown> | null | undefined): string {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

/** One page of the audit log. */
export interface AuditPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  entries: Array<AuditEntry & { reference: string | null }>;
  /** Id to page back from (`?before=`), when there are older entries. */
  olderBefore: string | null;
  /** Whether this page starts below the newest entry. */
  paged: boolean;
}

/** The manager's audit log: every staff action, newest first, read-only. */
export function AuditPage(p: AuditPageProps) {
  return (
    <DeskLayout title="Audit log" officeName={p.office.name} session={p.session} current="/desk/audit">
      <h1>Audit log</h1>
      <p class="hint">
        Every staff action, newest first, with who and when (office time, {p.office.timezone}). Nothing here can be changed or deleted.
      </p>
      {p.entries.length ? (
        <table class="audit-table stack">
          <caption class="visually-hidden">Audit log entries{p.paged ? ', older page' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Enquiry</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {p.entries.map((e) => (
              <tr id={`audit-${e.id}`}>
                <td data-label="When">
                  <time datetime={e.at.toISOString()}>{formatShortTime(e.at, p.office, p.now)}</time>
                </td>
                <td data-label="Who">{e.user_email ?? <span class="hint">(system)</span>}</td>
                <td data-label="Action">
                  {actionLabel(e.action)}
                  <div class="hint action-code">{e.action}</div>
                </td>
                <td data-label="Enquiry">{e.reference ? <a href={`/desk/enquiries/${e.reference}`}>{e.reference}</a> : <span class="hint">—</span>}</td>
                <td data-label="Detail" class="pre">
                  {detailText(e.detail)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{p.paged ? 'No older entries.' : 'Nothing has been recorded yet.'}</p>
      )}
      <nav class="pager" aria-label="Audit log pages">
        {p.paged ? <a href="/desk/audit">Newest entries</a> : null}
        {p.olderBefore ? <a href={`/desk/audit?before=${p.olderBefore}`}>Older entries</a> : null}
      </nav>
    </DeskLayout>
  );
}
