import type { CallOutcome, EnquiryChannel, EnquiryStatus } from './enquiry.model.js';

/**
 * Every kind of timeline entry (`enquiry_event.kind`) with the shape of its `data`. The one list
 * of kinds: `addEvent` accepts only these, the desk words each one (an exhaustive switch), and
 * `PERSONAL_FIELDS` says what erasure removes from each. A new kind is one entry here, and the
 * compiler then names the places to complete.
 */
export interface EventData {
  /** The enquiry arrived; `nextStep` is exactly what the journalist was told. */
  received: {
    channel: EnquiryChannel;
    outOfHours: boolean;
    urgent: boolean;
    urgentReason: 'journalist' | 'deadline' | null;
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
  /** A text to the journalist went out. */
  sms_out: { to: string; body: string; sid: string | null; key: string };
  /** Twilio's delivery status of a text to the journalist. */
  sms_out_status: { sid: string; status: string; errorCode: string | null };
  /** A text to the journalist failed for good. */
  sms_out_failed: { to: string; error: string };
  /** A desk reply by SMS was queued. */
  reply_queued: { body: string; key: string };
  page_created: { pageId: string; shortCode: string };
  page_sms_sent: PageSent;
  page_call_placed: PageSent;
  /** Held to go out with other pages to the same phone at `sendsAt` (ISO). */
  page_bundled: { pageId: string; step: number; action: PageAction; to: string; sendsAt: string };
  /** Twilio did not take the page; it is retried. */
  page_delayed: { pageId: string; step: number; action: PageAction; to: string; error: string };
  page_failed: { pageId: string; step: number; action: PageAction; to: string; error: string; twilioCode?: number | null };
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
  delivery_receipt: { pageId: string; step: number; action: PageAction; sid: string; status: string; errorCode: string | null };
  acknowledged: { pageId: string; via: 'sms' | 'voice' | 'desk' | 'link' };
  /** `to` is the staff member's name, null when unassigned. */
  assigned: { to: string | null };
  status_changed: { from: EnquiryStatus; to: EnquiryStatus };
  note: { text: string };
  /** `released`: shown on the journalist's status page as well. */
  response_recorded: { text: string; released?: boolean };
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
  /** A call about this enquiry was placed (the on-call officer's callback: rung first, then the journalist). */
  call_out: { to: string; sid: string; key: string };
  /** A call about this enquiry could not be placed. */
  call_out_failed: { to: string; error: string };
  /**
   * Who answered the officer's leg of a callback (Twilio's answering-machine detection): a voicemail
   * box or fax is hung up and the journalist never rung.
   */
  callback_answered: { key: string; sid: string; answeredBy: string };
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
  email_in: { emailId: string; from: string; subject: string; body: string; attachments: EmailAttachmentNote[]; auto?: boolean; followsUp?: string; mentions?: string; chase?: boolean };
  /** An email we sent came back undelivered (a delivery status notification in the shared mailbox). */
  /** A desk reply by email was queued (`to` the journalist's address; `key` the outbox's, absent before issue 23). */
  email_reply_queued: { to: string; body: string; key?: string };
  /** An email to the journalist went to the SMTP server (`messageId` threads the replies). */
  email_out: { to: string; messageId: string; key: string };
  /** An email to the journalist was refused for good by the SMTP server. */
  email_out_failed: { to: string; error: string };
  /** The journalist added to their enquiry on its status page (`chase`: it only asks for news). */
  journalist_added: { text: string; chase: boolean };
  /** The journalist moved (or removed) their deadline on the status page; ISO instants, null for none. */
  deadline_changed: { from: string | null; to: string | null; urgent: boolean };
  /** The journalist withdrew the enquiry (no longer needed), with their reason when they gave one. */
  withdrawn: { reason: string | null };
  /** An officer released the recorded response to the journalist's status page (or took it back). */
  response_released: { released: boolean };
  /** The journalist turned messages about their enquiry off (or on again) on the status page. */
  updates_changed: { on: boolean };
  /** Linked to an incident: `how` automatically (its terms matched at arrival), by an officer, or by on-call. */
  incident_linked: { incidentId: string; name: string; how: 'auto' | 'officer' | 'oncall' };
  /** Taken out of an incident by an officer. */
  incident_unlinked: { incidentId: string; name: string };
  /** The incident's holding or press line was queued to the journalist at `to` (by their channel). */
  incident_line_sent: { incidentId: string; lineId: string; kind: 'holding' | 'press'; text: string; to: string };
  /** Counted in a summary text about its incident to the on-call officer at `to`; `by` call: said on a call, as `to` cannot take texts (issue 24). */
  incident_summary: { incidentId: string; to: string; by?: 'call' };
  /** respond_by is near (desk.warnBeforeMinutes) with no response yet; `by`: the journalist's deadline or the office's target. */
  deadline_warning: { respondBy: string; by: 'deadline' | 'target' };
  /** respond_by passed with no response: the assigned officer and managers were told. */
  deadline_breached: { respondBy: string; by: 'deadline' | 'target' };
  email_bounce: { emailId: string; bouncedMessageId: string | null; recipient: string | null; status: string | null; diagnostic: string | null };
}

/** An attachment of an email as the timeline lists it; `id` is the download's (`/desk/attachments/:id`). */
export type EmailAttachmentNote = { id: string; filename: string | null; contentType: string; size: number; stored: boolean };

/** Where the on-call officer acted from: a text command, or the link in the page. */
export type OnCallVia = 'sms' | 'link';

// Defined with the enquiry model, which *.tables.ts files may import; re-exported for its users here.
export type { CallOutcome };

type PageAction = 'sms' | 'call';
/** A page SMS or call that Twilio took (`bundledWith`: how many pages shared the SMS). */
type PageSent = { pageId: string; step: number; to: string; sid: string | null; name?: string; source?: string; bundledWith?: number };

/** A kind of timeline entry. */
export type EventKind = keyof EventData;

/**
 * The data fields of each kind that erasure removes (subject access erasure and retention): the
 * journalist's texts and number, and error texts that name the number. Staff phone numbers in
 * page entries go too (they were erased by key name before, and nobody needs them afterwards).
 * `status_changed.to` and `assigned.to` are not the journalist's data; they are listed because
 * erasure removed every field named `to` before this declaration existed, and issue 13 changes
 * no behaviour. A new kind must say what it holds here (the map is over every kind), and
 * test/scenarios/timeline-erasure.test.ts fails when a sample value survives erasure.
 */
export const PERSONAL_FIELDS = {
  received: ['nextStep'],
  sms_in: ['body'],
  // Under Twilio's Advanced Opt-Out the keyword is the journalist's own text (up to 40 characters).
  sms_opt_out: ['keyword'],
  sms_out: ['to', 'body'],
  sms_out_status: [],
  sms_out_failed: ['to', 'error'],
  reply_queued: ['body'],
  page_created: [],
  page_sms_sent: ['to'],
  page_call_placed: ['to'],
  page_bundled: ['to'],
  page_delayed: ['to', 'error'],
  page_failed: ['to', 'error'],
  page_step_skipped: ['to'],
  page_called_instead: [],
  page_withheld: [],
  escalated: [],
  handed_to_on_call: [],
  page_exhausted: [],
  escalation_stopped: [],
  delivery_receipt: [],
  acknowledged: [],
  assigned: ['to'],
  status_changed: ['to'],
  note: ['text'],
  response_recorded: ['text'],
  // Staff write the reason in their own words, and those often quote the journalist.
  urgency_changed: ['reason'],
  page_call_machine: [],
  call_in: ['from'],
  voicemail: [],
  // What the journalist said, in Twilio's words.
  transcription: ['text'],
  call_connected: ['to'],
  recording_deleted: [],
  callback_requested: [],
  call_out: ['to'],
  call_out_failed: ['to', 'error'],
  callback_ended: [],
  callback_answered: [],
  oncall_viewed: [],
  // The journalist's words and name; attachment file names often name people too.
  email_in: ['from', 'subject', 'body', 'attachments'],
  // The address that bounced, and the receiving server's words, which quote it.
  email_bounce: ['recipient', 'diagnostic'],
  // `key` too: acknowledgements' keys held the address before issue 22.
  email_out: ['to', 'key'],
  email_reply_queued: ['to', 'body'],
  email_out_failed: ['to', 'error'],
  // The journalist's own words.
  journalist_added: ['text'],
  deadline_changed: [],
  withdrawn: ['reason'],
  response_released: [],
  updates_changed: [],
  incident_linked: [],
  incident_unlinked: [],
  incident_line_sent: ['to'],
  incident_summary: ['to'],
  deadline_warning: [],
  deadline_breached: [],
} as const satisfies { [K in EventKind]: readonly (keyof EventData[K])[] };

/** The personal fields of kind K. */
type PersonalOf<K extends EventKind> = (typeof PERSONAL_FIELDS)[K][number] & keyof EventData[K];

/** Data of kind K as stored: after erasure its personal fields are gone and `erased` is set. */
export type StoredData<K extends EventKind> = Omit<EventData[K], PersonalOf<K>> & Partial<Pick<EventData[K], PersonalOf<K>>> & { erased?: true };

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
export function asTimelineEvent(row: { id: string; enquiry_id: string; at: Date; kind: EventKind; actor: string | null; data: Record<string, unknown> }): TimelineEvent {
  return row as TimelineEvent;
}
