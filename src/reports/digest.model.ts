// The morning digest as stored in handover_digest.summary (JSON): a leaf, so that the tables file can use it.
import type { CallOutcome } from '../enquiries/enquiry.model.js';

/** What the morning digest says, as stored. */
export interface DigestSummary {
  total: number;
  urgent: number;
  paged: number;
  acknowledged: number;
  unanswered: number;
  items: Array<{
    reference: string;
    subject: string;
    outlet: string;
    urgent: boolean;
    deadline: string | null;
    received_at: string;
    /** Nothing left for the desk to do: answered, closed or withdrawn. */
    answered: boolean;
    /** The journalist withdrew it (shown as such, not as answered). */
    withdrawn?: boolean;
    page: null | { status: string; paged: string[]; acknowledgedBy: string | null };
    /** What was done about it while the office was closed ("19:42 spoke to the journalist for 6 min (Kim Lee)"); absent in older digests. */
    overnight?: string[];
    /** The incident it is linked to (absent in digests made before issue 23). */
    incident?: { id: string; name: string } | null;
  }>;
  /** Incidents the night touched, with the lines sent overnight (absent in digests made before issue 23). */
  incidents?: DigestIncident[];
  /** Calls to the phone line while closed (absent from digests made before the line existed). */
  calls?: DigestCall[];
}

/** One call to the phone line in the digest: when, from whom (null: withheld or erased), how it went, and its enquiry. */
export interface DigestCall {
  at: string;
  from: string | null;
  outcome: CallOutcome | null;
  urgent: boolean;
  reference: string | null;
  officer: string | null;
  seconds: number | null;
}

/** An incident in the digest: declared overnight or not, and the lines sent while closed. */
export interface DigestIncident {
  id: string;
  name: string;
  /** When and by whom it was declared, when that was while the office was closed (null: earlier). */
  declared: { at: string; by: string } | null;
  closed: boolean;
  lines: Array<{ kind: 'holding' | 'press'; at: string; by: string; sentTo: number }>;
}
