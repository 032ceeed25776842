import type { Db } from '../db/database.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { displayPhone } from '../enquiries/phone-numbers.js';
import type { EventKind, TimelineEvent } from '../enquiries/timeline.js';
import { findIncident } from '../incidents/incident.repository.js';
import * as repo from './casework.repository.js';
import { DONE_CODES, doneHref, isDoneCode, type DoneCode } from '../web/desk-links.js';
import { statusLabel } from '../enquiries/enquiry.labels.js';
import { mentionNotice } from '../notifications/notifications.service.js';

/**
 * What the enquiry page says at its top after a desk action (issue 23, item 3). The action
 * redirects to `?done=<code>` and, when it wrote one, `&event=<timeline entry id>`; the words are
 * built here from the database only: the entry must be this enquiry's, of the action's kind and
 * by the person viewing, and every fact (the number texted, the assignee, the new status) is
 * read from it or the rows it names. A crafted link therefore shows nothing, or something true.
 */
// The codes and the link are the web shell's (web/desk-links.ts: incidents' pages redirect there too).
export { DONE_CODES, doneHref, isDoneCode, type DoneCode };

/** Who is looking: their own actions are "you". */
export interface Viewer {
  id: string;
  email: string;
}

interface Facts {
  db: Db;
  enquiry: Enquiry;
  viewer: Viewer;
}

/** Each code: the timeline kind its entry must be (null: the words come from the enquiry's state alone), and the words. */
interface NoticeRule {
  kind: EventKind | null;
  /** From the entry the action wrote (checked: this enquiry's, of `kind`, by the viewer). */
  done?: (ev: TimelineEvent, f: Facts) => Promise<string | undefined> | string | undefined;
  /** The action changed nothing (no entry): what is true now. */
  unchanged?: (f: Facts) => Promise<string | undefined> | string | undefined;
}

/** An outbox row's state as the desk says it: queued (the job has not taken it), sending, sent, delivered, failed. */
export type SendState = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

/** The state of a message from its outbox row (undefined or no state: still queued). */
export function sendState(row: { state: string | null; provider_status: string | null } | undefined): SendState {
  if (!row?.state) return 'queued';
  if (row.state === 'failed' || row.provider_status === 'failed' || row.provider_status === 'undelivered')
    return 'failed';
  if (row.state === 'sent') return row.provider_status === 'delivered' ? 'delivered' : 'sent';
  return 'sending';
}

/** The words of a send state on the page. */
export const SEND_STATE_LABELS = {
  queued: 'Queued',
  sending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
} as const satisfies Record<SendState, string>;

function sentWords(what: 'SMS' | 'Email', state: SendState, to: string): string {
  switch (state) {
    case 'queued':
      return `${what} queued to ${to}`;
    case 'sending':
      return `${what} sending to ${to}`;
    case 'sent':
      return `${what} sent to ${to}`;
    case 'delivered':
      return `${what} delivered to ${to}`;
    case 'failed':
      return `${what} to ${to} failed: see the messages below`;
  }
}

// One rule per code (the map is over the whole union, so a new code does not compile without its words).
const RULES: Record<DoneCode, NoticeRule> = {
  assigned: {
    kind: 'assigned',
    done: async (ev, f) => {
      const to = (ev as TimelineEvent<'assigned'>).data.to;
      if (!to) return 'Unassigned: nobody has this enquiry now';
      // "You" only while it is still theirs (an entry's name is as it was; the enquiry is as it is).
      return f.enquiry.assigned_to === f.viewer.id && (await isLatest(f, ev)) ? 'Assigned to you' : `Assigned to ${to}`;
    },
  },
  status: {
    kind: 'status_changed',
    done: (ev) => {
      const to = (ev as TimelineEvent<'status_changed'>).data.to;
      return to ? `Status changed to ${statusLabel(to)}` : undefined;
    },
    unchanged: (f) => `Nothing changed: the status is already ${statusLabel(f.enquiry.status)}`,
  },
  note: {
    kind: 'note',
    // Whom its mentions told, and any that told nobody (issue 29, item 4): never dropped silently.
    done: async (ev, f) => {
      const more = await mentionNotice(f.db, ev.id, (ev as TimelineEvent<'note'>).data.text ?? '', f.viewer.id);
      return more ? `Note added. ${more}` : 'Note added';
    },
  },
  response: {
    kind: 'response_recorded',
    done: (ev) =>
      (ev as TimelineEvent<'response_recorded'>).data.released
        ? "Response recorded and shown on the journalist's status page"
        : 'Response recorded',
  },
  released: {
    kind: 'response_released',
    done: (ev) =>
      (ev as TimelineEvent<'response_released'>).data.released
        ? "Response shown on the journalist's status page"
        : "Response taken off the journalist's status page",
    unchanged: (f) =>
      f.enquiry.response_released_at
        ? "Nothing changed: the response is already on the journalist's status page"
        : f.enquiry.response_given
          ? "Nothing changed: the response is not on the journalist's status page"
          : undefined,
  },
  sms: {
    kind: 'reply_queued',
    done: async (ev, f) => {
      const row = await repo.outboundByKey(f.db, f.enquiry.id, (ev as TimelineEvent<'reply_queued'>).data.key);
      const to = row?.to_number ?? f.enquiry.phone;
      return to ? sentWords('SMS', sendState(row), displayPhone(to)) : undefined;
    },
  },
  email: {
    kind: 'email_reply_queued',
    done: async (ev, f) => {
      const d = (ev as TimelineEvent<'email_reply_queued'>).data;
      // Before issue 23 the entry kept no outbox key: where it is cannot be told.
      if (!d.to || !d.key) return undefined;
      const row = await repo.outboundByKey(f.db, f.enquiry.id, d.key);
      return sentWords('Email', sendState(row), d.to);
    },
  },
  urgency: {
    kind: 'urgency_changed',
    done: (ev) => ((ev as TimelineEvent<'urgency_changed'>).data.urgent ? 'Marked urgent' : 'Marked not urgent'),
    unchanged: (f) =>
      f.enquiry.urgent ? 'Nothing changed: it is already urgent' : 'Nothing changed: it is already not urgent',
  },
  acknowledged: {
    kind: null,
    unchanged: async (f) => {
      const page = await repo.pageWithSteps(f.db, f.enquiry.id);
      if (page?.page.status !== 'acknowledged') return undefined;
      return page.page.acknowledged_by === f.viewer.email
        ? 'Page acknowledged by you: escalation stopped'
        : 'The page was already acknowledged: escalation stopped';
    },
  },
  linked: {
    kind: null,
    unchanged: async (f) => {
      const incident = f.enquiry.incident_id ? await findIncident(f.db, f.enquiry.incident_id) : undefined;
      return incident ? `Linked to the incident “${incident.name}”` : undefined;
    },
  },
  unlinked: {
    kind: null,
    unchanged: async (f) => {
      if (f.enquiry.incident_id) return undefined;
      const last = await repo.latestIncidentEvent(f.db, f.enquiry.id);
      if (last?.kind !== 'incident_unlinked' || last.actor !== f.viewer.email) return undefined;
      return `Unlinked from the incident “${(last as TimelineEvent<'incident_unlinked'>).data.name}”: it is back in the queue on its own`;
    },
  },
  asked: {
    kind: 'question_asked',
    done: (ev) => {
      if (ev.kind !== 'question_asked') return undefined;
      const to = (ev.data.to ?? []).map((r) => r.name).join(', ');
      return `Question sent to ${to || 'your colleagues'}; answer wanted by ${ev.data.due}`;
    },
  },
  questionWithdrawn: { kind: null, unchanged: () => 'Question withdrawn: its links now say no answer is needed' },
  questionClosed: { kind: null, unchanged: () => 'No longer waiting on that question' },
  signoffRequested: { kind: null, unchanged: () => 'Sent for sign-off: the approvers have a link each' },
  draftSaved: { kind: null, unchanged: () => 'Draft saved' },
  topics: {
    kind: 'topics_changed',
    done: (ev) => {
      if (ev.kind !== 'topics_changed') return undefined;
      const names = (list: Array<{ name: string }> | undefined) => (list ?? []).map((t) => t.name).join(', ');
      const changes = [
        ev.data.added.length ? `added ${names(ev.data.added)}` : '',
        ev.data.removed.length ? `removed ${names(ev.data.removed)}` : '',
      ].filter(Boolean);
      return `Topics saved: ${changes.join('; ')}`;
    },
    unchanged: () => 'Nothing changed: the topics are as they were',
  },
  // Merge and split (src/merging): what moved, and whether the journalist could be told.
  merged: {
    kind: 'merged_in',
    done: (ev) => {
      if (ev.kind !== 'merged_in') return undefined;
      const told = ev.data.told
        ? `its journalist was told by ${ev.data.told === 'sms' ? 'SMS' : 'email'}`
        : 'its journalist could not be told (no way to reach them, or they turned messages off): tell them yourself';
      return `${ev.data.from} merged into this enquiry: its messages, timeline and questions are here now; ${told}. You can undo it today`;
    },
  },
  mergeUndone: {
    kind: 'merge_undone',
    done: (ev) => (ev.kind === 'merge_undone' ? `Merge undone: ${ev.data.from} is on its own again` : undefined),
  },
  split: {
    kind: 'split_from',
    done: (ev) => {
      if (ev.kind !== 'split_from') return undefined;
      const told = ev.data.told
        ? `the journalist was told its reference by ${ev.data.told === 'sms' ? 'SMS' : 'email'}`
        : 'the journalist could not be told (no way to reach them, or they turned messages off): tell them yourself';
      return `New enquiry split out of ${ev.data.from}; ${told}`;
    },
  },
};

/** Whether `ev` is still the newest entry of its kind on the enquiry's timeline. */
async function isLatest(f: Facts, ev: TimelineEvent): Promise<boolean> {
  return (await repo.latestEventId(f.db, f.enquiry.id, ev.kind)) === ev.id;
}

/**
 * The notice for `?done=<code>&event=<id>` on this enquiry's page as `viewer` sees it, or
 * undefined when the code is unknown or the entry does not prove the action (see the module note).
 */
export async function enquiryNotice(
  db: Db,
  enquiry: Enquiry,
  viewer: Viewer,
  done: string | undefined,
  eventId: string | undefined,
): Promise<string | undefined> {
  if (!isDoneCode(done)) return undefined;
  const rule = RULES[done];
  const f: Facts = { db, enquiry, viewer };
  if (!eventId) return rule.unchanged?.(f);
  if (!rule.kind || !rule.done) return undefined;
  const ev = await repo.eventOf(db, enquiry.id, eventId);
  if (!ev || ev.kind !== rule.kind || ev.actor !== viewer.email) return undefined;
  return rule.done(ev, f);
}
