import type { OutboxEventData } from '../outbox/outbox.events.js';
import type {
  AckVia,
  CallOutcome,
  EnquiryChannel,
  EnquiryOutcome,
  EnquiryStatus,
  PageAction,
  UrgentReason,
} from './enquiry.model.js';

/**
 * Every kind of timeline entry (`enquiry_event.kind`) with the shape of its `data`. The one list
 * of kinds: `addEvent` accepts only these, the desk words each one (an exhaustive switch), and
 * `FIELD_CLASS` says which fields erasure removes from each. A new kind is one entry here, and the
 * compiler then names the places to complete. The outbox's entries (texts, calls and emails sent,
 * refused, their delivery status) are declared with the outbox (src/outbox/outbox.events.ts), which
 * sits below this folder, and join the list here.
 */
export interface EventData extends OutboxEventData {
  /** The enquiry arrived; `nextStep` is exactly what the journalist was told. */
  received: {
    channel: EnquiryChannel;
    outOfHours: boolean;
    urgent: boolean;
    urgentReason: UrgentReason | null;
    pagedOnCall: boolean;
    nextStep: string;
    /** SHA-256 of the web form's receipt token (the confirmation page checks it). */
    receiptHash?: string;
    /**
     * Form and API: how the journalist was also sent the reference (src/enquiries/acknowledgement.ts),
     * or null when past the acknowledgement limits (`acknowledgementWithheld`). Absent: not asked.
     */
    acknowledgedBy?: 'email' | 'sms' | null;
    acknowledgementWithheld?: 'limit';
  };
  /**
   * A text from the journalist, or (`ack`) an on-call officer's acknowledgement. `chase`: a
   * follow-up that only asks for news (src/status/chase.ts), counted in the reports.
   */
  sms_in: { body: string; messageSid: string; ack?: boolean; chase?: boolean };
  /** The journalist texted an opt-out keyword (STOP…: Twilio refuses our texts to them) or an opt-in one (START…) that ended it. */
  sms_opt_out: { change: 'stop' | 'start'; keyword: string };
  /** A desk reply by SMS was queued. */
  reply_queued: { body: string; key: string };
  page_created: { pageId: string; shortCode: string };
  page_sms_sent: PageSent;
  page_call_placed: PageSent;
  /** Held to go out with other pages to the same phone at `sendsAt` (ISO). */
  page_bundled: { pageId: string; step: number; action: PageAction; to: string; sendsAt: string };
  /** Twilio did not take the page; it is retried. */
  page_delayed: { pageId: string; step: number; action: PageAction; to: string; error: string };
  page_failed: {
    pageId: string;
    step: number;
    action: PageAction;
    to: string;
    error: string;
    twilioCode?: number | null;
  };
  /** `to` is the escalation step's target (oncall / next / fallback), not a number. */
  page_step_skipped: { pageId: string; step: number; to: string; reason: string };
  /**
   * A step meant to text its target (`to`: oncall / next / fallback, not a number) called only,
   * since Twilio would refuse the text (issue 24): `no_texts`, the number cannot take texts (a
   * landline, an 03 number); `opted_out`, the phone texted STOP to the press office number.
   */
  page_called_instead: { pageId: string; step: number; to: string; reason: 'no_texts' | 'opted_out' };
  /**
   * Urgent out of hours but not paged: paging is off, the sender reached their page limit
   * (`intake.pageRateLimit`, on whatever channel), the caller withheld their number (`no_sender`),
   * or (`incident`) it is about an incident on-call already has: it goes into the incident's summary.
   */
  page_withheld: { reason: 'paging_off' | 'page_limit' | 'no_sender' | 'incident'; incidentId?: string };
  escalated: { pageId: string; fromStep: number; reason: string };
  handed_to_on_call: { reason: string };
  page_exhausted: { pageId: string; steps: number };
  /** The enquiry was answered, closed or withdrawn while its page was unacknowledged: no step runs any more. */
  escalation_stopped: { pageId: string; reason: string };
  delivery_receipt: {
    pageId: string;
    step: number;
    action: PageAction;
    sid: string;
    status: string;
    errorCode: string | null;
  };
  acknowledged: { pageId: string; via: AckVia };
  /** `to` is the staff member's name, null when unassigned; `topic`: assigned at intake by this topic's rule (src/topics). */
  assigned: { to: string | null; topic?: string };
  /**
   * The enquiry's topics changed (src/topics): suggested at intake by their terms (`source` rule),
   * or added and removed by an officer. Topic names are the office's list, not personal data.
   */
  topics_changed: {
    added: Array<{ id: string; name: string }>;
    removed: Array<{ id: string; name: string }>;
    source: 'rule' | 'officer';
  };
  /**
   * The status changed; answered or closed from the desk (issue 28), with how it ended: `outcome`,
   * the organisation a referral went to, the reference of the enquiry it duplicates, and whether
   * the outcome's standard message went to the journalist (`messaged`).
   */
  status_changed: {
    from: EnquiryStatus;
    to: EnquiryStatus;
    outcome?: EnquiryOutcome;
    organisation?: string;
    duplicateOf?: string;
    messaged?: 'sms' | 'email';
  };
  note: { text: string };
  /**
   * The response recorded (`released`: shown on the journalist's status page as well), and its
   * release decision (issue 26): the office's reasons for what was withheld, the words, and who
   * decided; `signOff`: how a released response passed the sign-off gate (absent on entries
   * written before these existed, and when not released).
   */
  response_recorded: {
    text: string;
    released?: boolean;
    reasons?: string[];
    withheld?: string;
    decidedBy?: string;
    signOff?: SignOffOutcome;
  };
  urgency_changed: { urgent: boolean; reason: string };
  /** A page call was answered by a voicemail box or fax (Twilio's answering-machine detection): escalated at once. */
  page_call_machine: { pageId: string; step: number; sid: string; answeredBy: string };
  /**
   * A call to the press office line that reached this enquiry: `outcome` says how it went
   * (`from` is the caller's number, null when withheld).
   */
  call_in: { callSid: string; from: string | null; outOfHours: boolean; outcome: CallOutcome };
  /** The caller left a message; `seconds` long, played on the desk through the recording route. */
  voicemail: { callSid: string; recordingSid: string; seconds: number };
  /** Twilio's transcription of a voicemail (`text` null when it failed). */
  transcription: { recordingSid: string; text: string | null };
  /** The on-call officer (`name`, null for the fallback line) accepted a call at `to` and spoke to the caller for `seconds`. */
  call_connected: { callSid: string; to: string; name: string | null; seconds: number | null };
  /** A voicemail's recording was deleted at Twilio (erasure or retention). */
  recording_deleted: { recordingSid: string };
  /** The on-call officer asked to be put through to the journalist (`key` names the call). */
  callback_requested: { key: string; via: OnCallVia };
  /** How the journalist's leg of a callback ended (`status` as Twilio's DialCallStatus), and how long they spoke. */
  callback_ended: { key: string; status: string; seconds: number | null };
  /** The on-call officer looked the enquiry up (INFO, or opened the link in the page). */
  oncall_viewed: { via: OnCallVia };
  /**
   * An email from the journalist (`auto`: an automatic reply, such as out-of-office, in the
   * thread) read from the shared mailbox: `from` as "Name <address>", the text with its quoted
   * history, and its attachments (`stored` false: listed only, too large). `followsUp` names the
   * answered or closed enquiry it replied to, when it started this one; `mentions` the enquiry
   * whose reference it carried but was not let into (another sender, answering nothing we sent).
   */
  email_in: {
    emailId: string;
    from: string;
    subject: string;
    body: string;
    attachments: EmailAttachmentNote[];
    auto?: boolean;
    followsUp?: string;
    mentions?: string;
    chase?: boolean;
  };
  /** An email we sent came back undelivered (a delivery status notification in the shared mailbox). */
  /** A desk reply by email was queued (`to` the journalist's address; `key` the outbox's, absent before issue 23). */
  email_reply_queued: { to: string; body: string; key?: string };
  /** The journalist added to their enquiry on its status page (`chase`: it only asks for news). */
  journalist_added: { text: string; chase: boolean };
  /** The journalist moved (or removed) their deadline on the status page; ISO instants, null for none. */
  deadline_changed: { from: string | null; to: string | null; urgent: boolean };
  /** The journalist withdrew the enquiry (no longer needed), with their reason when they gave one. */
  withdrawn: { reason: string | null };
  /** An officer released the recorded response to the journalist's status page (or took it back). */
  /** `signOff`: how the response passed the sign-off gate when shown (absent when taken off, and on older entries). */
  response_released: { released: boolean; signOff?: SignOffOutcome };
  /** The journalist turned messages about their enquiry off (or on again) on the status page. */
  updates_changed: { on: boolean };
  /** Linked to an incident: `how` automatically (its terms matched at arrival), by an officer, or by on-call. */
  incident_linked: { incidentId: string; name: string; how: 'auto' | 'officer' | 'oncall' };
  /** Taken out of an incident by an officer. */
  incident_unlinked: { incidentId: string; name: string };
  /** The incident's holding or press line was queued to the journalist at `to` (by their channel). */
  incident_line_sent: { incidentId: string; lineId: string; kind: 'holding' | 'press'; text: string; to: string };
  /**
   * Counted in a summary text about its incident to the on-call officer at `to`; `by` call: said on
   * a call, as `to` cannot take texts (issue 24). `key`: the summary's outbox key (absent on older entries).
   */
  incident_summary: { incidentId: string; to: string; by?: 'call'; key?: string };
  /**
   * The summary it was counted in (`key`) never reached on-call at `to`: Twilio refused it for good
   * (`error`, its `code`) or reported it undelivered. `paged`: it was paged instead (issue 27); not
   * when it was no longer open, or had been paged already.
   */
  incident_summary_failed: {
    incidentId: string;
    key: string;
    to: string;
    error: string;
    code: string | null;
    paged: boolean;
  };
  /** respond_by is near (desk.warnBeforeMinutes) with no response yet; `by`: the journalist's deadline or the office's target. */
  deadline_warning: { respondBy: string; by: 'deadline' | 'target' };
  /** respond_by passed with no response: the assigned officer and managers were told. */
  deadline_breached: { respondBy: string; by: 'deadline' | 'target' };
  /** An officer asked colleagues outside the desk a question about the enquiry (src/colleagues/). Internal: never on the status page. */
  question_asked: { questionId: string; to: Array<{ name: string; via: 'sms' | 'email' }>; text: string; due: string };
  /** A colleague answered (`via` the link, a text or an email; `attachments` of an emailed answer). Internal. */
  question_answered: {
    questionId: string;
    from: string;
    via: 'link' | 'sms' | 'email';
    text: string;
    attachments?: EmailAttachmentNote[];
  };
  /** The due time passed unanswered: the colleagues were reminded and the desk warned. */
  question_overdue: { questionId: string; due: string };
  /** The officer withdrew the question (answered another way, or no longer needed). */
  question_withdrawn: { questionId: string };
  /** The response was sent for sign-off to approvers (src/statements/), with the words they are asked to approve. */
  signoff_requested: { to: Array<{ name: string; via: 'sms' | 'email' }>; text: string };
  /** An approver decided: approved (those words), approved with their edits (`text`), or returned with a comment. */
  signoff_decided: {
    by: string;
    decision: 'approved' | 'approved_with_edits' | 'returned';
    via: 'link' | 'sms';
    text?: string;
    comment?: string;
  };
  /** The draft's words changed after it was sent or approved: the approval (or the pending requests) no longer apply. */
  draft_changed: { voided: 'approval' | 'requests' };
  /** A manager sent words without the sign-off they needed; `what` names a reply (absent: the response's release). */
  signoff_overridden: { reason: string; what?: 'reply' | 'email' };
  /**
   * Another enquiry (`from`, its reference) was merged into this one by an officer (src/merging):
   * its messages, timeline and questions moved here (`moved` rows); `told`: how its journalist was
   * told the reference that now carries it (null: no way to reach them, or they turned updates off);
   * `deadline`: this enquiry took the other's earlier deadline (ISO).
   */
  merged_in: { from: string; moved: number; told: 'sms' | 'email' | null; deadline?: string };
  /** This enquiry was merged into `into` (its reference): everything moved there. */
  merged_away: { into: string };
  /** The merge of `from` into `into` (references) was undone the same day: the moved rows went back. */
  merge_undone: { from: string; into: string };
  /** A new question in this thread was split out into its own enquiry `to` (its reference); `told` as for merged_in. */
  split_out: { to: string; told: 'sms' | 'email' | null };
  /** This enquiry was split out of `from` (its reference) by an officer; `told` as for merged_in. */
  split_from: { from: string; told: 'sms' | 'email' | null };
  email_bounce: {
    emailId: string;
    bouncedMessageId: string | null;
    recipient: string | null;
    status: string | null;
    diagnostic: string | null;
  };
}

/** An attachment of an email as the timeline lists it; `id` is the download's (`/desk/attachments/:id`). */
export type EmailAttachmentNote = {
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
  stored: boolean;
};

/** Where the on-call officer acted from: a text command, or the link in the page. */
export type OnCallVia = 'sms' | 'link';

/**
 * How released words passed the sign-off gate (src/statements): none was required, they were the
 * approved words, or a manager released them without, giving a reason.
 */
export type SignOffOutcome = 'not_required' | 'approved' | 'overridden';

// Defined with the enquiry model, which *.tables.ts files may import; re-exported for its users here.
export type { CallOutcome };

/** A page SMS or call that Twilio took (`bundledWith`: how many pages shared the SMS). */
type PageSent = {
  pageId: string;
  step: number;
  to: string;
  sid: string | null;
  name?: string;
  source?: string;
  bundledWith?: number;
};

/** A kind of timeline entry. */
export type EventKind = keyof EventData;

/** Whether erasure removes a timeline data field (`personal`) or leaves it (`kept`). */
export type FieldClass = 'personal' | 'kept';
const personal = 'personal';
const kept = 'kept';

/**
 * Every data field of every kind, classified: `personal` fields are removed by erasure (subject
 * access erasure and retention), `kept` fields stay for the figures and the audit trail. Personal:
 * the journalist's texts and number, and error texts that name the number. Staff phone numbers in
 * page entries go too (they were erased by key name before, and nobody needs them afterwards).
 * `assigned.to` is not the journalist's data; it is personal because erasure removed every field
 * named `to` before this declaration existed, and issue 13 changed no behaviour.
 * `status_changed.to` was too until issue 24: it is kept now, since an erased enquiry's record
 * must still say what became of it (closed, answered, closed as erased), as its `from` always
 * did. The `satisfies` clause makes the table exact: a kind or a field (optional ones too) left
 * out, or one that does not exist, does not compile, so a new field must say whether it holds
 * personal data. test/scenarios/timeline-erasure.test.ts fills every personal field from
 * this table and fails when any of it survives erasure or a kept field changes.
 */
export const FIELD_CLASS = {
  received: {
    channel: kept,
    outOfHours: kept,
    urgent: kept,
    urgentReason: kept,
    pagedOnCall: kept,
    nextStep: personal,
    receiptHash: kept,
    acknowledgedBy: kept,
    acknowledgementWithheld: kept,
  },
  sms_in: { body: personal, messageSid: kept, ack: kept, chase: kept },
  // Under Twilio's Advanced Opt-Out the keyword is the journalist's own text (up to 40 characters).
  sms_opt_out: { change: kept, keyword: personal },
  sms_out: { to: personal, body: personal, sid: kept, key: kept },
  sms_out_status: { sid: kept, status: kept, errorCode: kept },
  sms_out_failed: { to: personal, error: personal },
  reply_queued: { body: personal, key: kept },
  page_created: { pageId: kept, shortCode: kept },
  page_sms_sent: { pageId: kept, step: kept, to: personal, sid: kept, name: kept, source: kept, bundledWith: kept },
  page_call_placed: { pageId: kept, step: kept, to: personal, sid: kept, name: kept, source: kept, bundledWith: kept },
  page_bundled: { pageId: kept, step: kept, action: kept, to: personal, sendsAt: kept },
  page_delayed: { pageId: kept, step: kept, action: kept, to: personal, error: personal },
  page_failed: { pageId: kept, step: kept, action: kept, to: personal, error: personal, twilioCode: kept },
  page_step_skipped: { pageId: kept, step: kept, to: personal, reason: kept },
  page_called_instead: { pageId: kept, step: kept, to: kept, reason: kept },
  page_withheld: { reason: kept, incidentId: kept },
  escalated: { pageId: kept, fromStep: kept, reason: kept },
  handed_to_on_call: { reason: kept },
  page_exhausted: { pageId: kept, steps: kept },
  escalation_stopped: { pageId: kept, reason: kept },
  delivery_receipt: { pageId: kept, step: kept, action: kept, sid: kept, status: kept, errorCode: kept },
  acknowledged: { pageId: kept, via: kept },
  assigned: { to: personal, topic: kept },
  // The office's own list of subjects: kept, so the yearly figures by topic still add up after erasure.
  topics_changed: { added: kept, removed: kept, source: kept },
  // How it ended stays countable after erasure (issue 28); the organisation is a body, not a person.
  status_changed: { from: kept, to: kept, outcome: kept, organisation: kept, duplicateOf: kept, messaged: kept },
  note: { text: personal },
  // The reasons are the office's own list (countable after erasure); who decided is staff.
  response_recorded: {
    text: personal,
    released: kept,
    reasons: kept,
    withheld: personal,
    decidedBy: kept,
    signOff: kept,
  },
  // Staff write the reason in their own words, and those often quote the journalist.
  urgency_changed: { urgent: kept, reason: personal },
  page_call_machine: { pageId: kept, step: kept, sid: kept, answeredBy: kept },
  call_in: { callSid: kept, from: personal, outOfHours: kept, outcome: kept },
  voicemail: { callSid: kept, recordingSid: kept, seconds: kept },
  // What the journalist said, in Twilio's words.
  transcription: { recordingSid: kept, text: personal },
  call_connected: { callSid: kept, to: personal, name: kept, seconds: kept },
  recording_deleted: { recordingSid: kept },
  callback_requested: { key: kept, via: kept },
  call_out: { to: personal, sid: kept, key: kept },
  call_out_failed: { to: personal, error: personal },
  callback_ended: { key: kept, status: kept, seconds: kept },
  callback_answered: { key: kept, sid: kept, answeredBy: kept },
  oncall_viewed: { via: kept },
  // The journalist's words and name; attachment file names often name people too.
  email_in: {
    emailId: kept,
    from: personal,
    subject: personal,
    body: personal,
    attachments: personal,
    auto: kept,
    followsUp: kept,
    mentions: kept,
    chase: kept,
  },
  // The address that bounced, and the receiving server's words, which quote it.
  email_bounce: { emailId: kept, bouncedMessageId: kept, recipient: personal, status: kept, diagnostic: personal },
  // `key` too: acknowledgements' keys held the address before issue 22.
  email_out: { to: personal, messageId: kept, key: personal },
  email_reply_queued: { to: personal, body: personal, key: kept },
  email_out_failed: { to: personal, error: personal },
  // The journalist's own words.
  journalist_added: { text: personal, chase: kept },
  deadline_changed: { from: kept, to: kept, urgent: kept },
  withdrawn: { reason: personal },
  response_released: { released: kept, signOff: kept },
  updates_changed: { on: kept },
  incident_linked: { incidentId: kept, name: kept, how: kept },
  incident_unlinked: { incidentId: kept, name: kept },
  incident_line_sent: { incidentId: kept, lineId: kept, kind: kept, text: kept, to: personal },
  incident_summary: { incidentId: kept, to: personal, by: kept, key: kept },
  // Twilio's words can quote the number, as a page's refusal can.
  incident_summary_failed: { incidentId: kept, key: kept, to: personal, error: personal, code: kept, paged: kept },
  deadline_warning: { respondBy: kept, by: kept },
  deadline_breached: { respondBy: kept, by: kept },
  // The officer's question often quotes the journalist, and the colleagues' names are theirs:
  // erased with the enquiry (a colleague's own erasure blanks their name here too).
  question_asked: { questionId: kept, to: personal, text: personal, due: kept },
  question_answered: { questionId: kept, from: personal, via: kept, text: personal, attachments: personal },
  question_overdue: { questionId: kept, due: kept },
  question_withdrawn: { questionId: kept },
  // Approvers' names are theirs, the words and comments quote the enquiry: erased with it.
  signoff_requested: { to: personal, text: personal },
  signoff_decided: { by: personal, decision: kept, via: kept, text: personal, comment: personal },
  draft_changed: { voided: kept },
  signoff_overridden: { reason: personal, what: kept },
  // References and counts only: the enquiries' own records say whose they are.
  merged_in: { from: kept, moved: kept, told: kept, deadline: kept },
  merged_away: { into: kept },
  merge_undone: { from: kept, into: kept },
  split_out: { to: kept, told: kept },
  split_from: { from: kept, told: kept },
} as const satisfies { [K in EventKind]: Record<keyof EventData[K], FieldClass> };

/** The fields of kind K classified as `c` in FIELD_CLASS. */
type FieldsClassed<K extends EventKind, C extends FieldClass> = {
  [F in keyof (typeof FIELD_CLASS)[K]]: (typeof FIELD_CLASS)[K][F] extends C ? F : never;
}[keyof (typeof FIELD_CLASS)[K]] &
  keyof EventData[K];

/** The personal fields of kind K (erasure removes them). */
export type PersonalOf<K extends EventKind> = FieldsClassed<K, 'personal'>;

/** The kept fields of kind K (erasure leaves them as they were). */
export type KeptOf<K extends EventKind> = FieldsClassed<K, 'kept'>;

/**
 * The personal fields of each kind, in declaration order: what erasure removes (src/privacy hands
 * this to PostgreSQL as JSON). Derived from FIELD_CLASS, so it cannot disagree with it.
 */
export const PERSONAL_FIELDS = Object.fromEntries(
  Object.entries(FIELD_CLASS).map(([kind, fields]) => [
    kind,
    Object.entries(fields as Record<string, FieldClass>).flatMap(([field, c]) => (c === 'personal' ? [field] : [])),
  ]),
) as unknown as { readonly [K in EventKind]: readonly PersonalOf<K>[] };

/** Data of kind K as stored: after erasure its personal fields are gone and `erased` is set. */
export type StoredData<K extends EventKind> = Omit<EventData[K], PersonalOf<K>> &
  Partial<Pick<EventData[K], PersonalOf<K>>> & { erased?: true };

/** A timeline entry to write. */
export type NewEvent = {
  [K in EventKind]: { enquiryId: string; at: Date; kind: K; actor?: string | null; data: EventData[K] };
}[EventKind];

/** A timeline entry to write, limited to some kinds (e.g. what one repository function records). */
export type NewEventOf<K extends EventKind> = Extract<NewEvent, { kind: K }>;

/** A stored timeline entry, discriminated by `kind`. */
export type TimelineEvent<K extends EventKind = EventKind> = {
  [P in K]: { id: string; enquiry_id: string; at: Date; kind: P; actor: string | null; data: StoredData<P> };
}[K];

/**
 * A row of `enquiry_event` as its typed entry. The cast trusts the table: rows are written only
 * through `NewEvent` (addEvent and the two single-statement inserts typed by it).
 */
export function asTimelineEvent(row: {
  id: string;
  enquiry_id: string;
  at: Date;
  kind: EventKind;
  actor: string | null;
  data: Record<string, unknown>;
}): TimelineEvent {
  return row as TimelineEvent;
}
