import type { EmailAttachmentNote, TimelineEvent } from './timeline.js';
import { displayPerson, displayPhonesIn } from './phone-numbers.js';
import { answeredByMachine } from '../outbox/delivery-status.js';
import { channelLabel, outcomeLabel, statusLabel } from './enquiry.labels.js';

/** Renders `unknown` as text: entries written by older versions may lack a field, erased ones do. */
function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

/** Why an urgent out-of-hours enquiry was not paged, for a press officer. */
const WITHHELD_WORDING = {
  paging_off:
    'Not paged: paging was off (no Twilio credentials), so the journalist was told to ring the out-of-hours line',
  page_limit:
    'Not paged: the sender reached their page limit, so the journalist was told to ring the out-of-hours line',
  no_sender:
    'Not paged: the caller withheld their number, so the message waits here (the caller was told to ring the out-of-hours line)',
  incident:
    'Not paged on its own: on-call already has the incident it is linked to; it goes into the next summary text',
} as const satisfies Record<TimelineEvent<'page_withheld'>['data']['reason'], string>;

/** Whom an escalation step pages (`onCall.escalation[].to`), for a press officer. */
/** Why a step that meant to text called instead (older rows may carry a reason this version does not know). */
const CALLED_INSTEAD_WORDING: Record<string, string> = {
  no_texts: 'this number cannot take texts',
  opted_out: 'this phone texted STOP to the press office number, so texts to it are refused until it texts START',
} satisfies Record<TimelineEvent<'page_called_instead'>['data']['reason'], string>;

const STEP_TARGET_WORDING: Record<string, string> = {
  oncall: 'the on-call officer',
  next: 'the backup',
  fallback: 'the out-of-hours line',
};

/** How a call to the press office line went, for a press officer. */
const CALL_OUTCOME_WORDING = {
  desk_answered: 'answered on the desk',
  connected_on_call: 'put through to the on-call officer',
  not_accepted: 'the on-call officer did not take it',
  voicemail: 'left a message',
  hung_up: 'hung up without leaving a message',
} as const satisfies Record<TimelineEvent<'call_in'>['data']['outcome'], string>;

/** Twilio's DialCallStatus of a callback's journalist leg, for a press officer. */
const CALLBACK_WORDING: Record<string, string> = {
  completed: 'ended before it was answered',
  'no-answer': 'the journalist did not answer',
  busy: "the journalist's line was busy",
  failed: 'could not connect',
  canceled: 'the officer hung up before it connected',
};

/** "1.2 MB"-style size of an attachment. */
function spokenSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'size unknown';
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The attachments of an email, one line each; those too large to keep are said to be listed only. */
function attachmentLines(list: unknown): string {
  if (!Array.isArray(list) || !list.length) return '';
  const lines = (list as Array<Record<string, unknown>>).map(
    (a) =>
      `- ${str(a.filename) || '(no name)'} (${str(a.contentType)}, ${spokenSize(Number(a.size))})${a.stored ? '' : ': too large to keep, listed only'}`,
  );
  return `Attachments:\n${lines.join('\n')}`;
}

/** "45 s" or "2 min 5 s". */
function spokenLength(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'length unknown';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m ? `${m} min${s ? ` ${s} s` : ''}` : `${s} s`;
}

/**
 * One line of the timeline, worded for a press officer. Exhaustive over the event kinds: a new
 * kind does not compile until it is worded here. Everything is rendered as text.
 */
export function describeEvent(
  e: TimelineEvent,
  names: ReadonlyMap<string, string> = new Map(),
): { title: string; body?: string } {
  switch (e.kind) {
    case 'received': {
      const d = e.data;
      return {
        title: `Received by ${channelLabel(d.channel)}${d.outOfHours ? ', out of hours' : ', in hours'}${d.urgent ? ', urgent' : ''}`,
        body: str(d.nextStep) ? `Journalist was told: ${str(d.nextStep)}` : undefined,
      };
    }
    case 'sms_in':
      return { title: e.data.ack ? 'SMS in (acknowledgement)' : 'SMS in from the journalist', body: str(e.data.body) };
    case 'sms_opt_out':
      return e.data.change === 'stop'
        ? {
            title: `The journalist texted ${str(e.data.keyword)}: our texts will not reach them until they text START; call or email`,
          }
        : { title: `The journalist texted ${str(e.data.keyword)}: our texts reach them again` };
    case 'sms_out':
      return { title: `SMS out to ${str(e.data.to)}`, body: str(e.data.body) };
    case 'sms_out_status':
      return { title: `SMS delivery: ${str(e.data.status)}` };
    case 'sms_out_failed':
      return { title: `SMS could not be sent to ${str(e.data.to)}`, body: str(e.data.error) };
    case 'reply_queued':
      return { title: 'Reply by SMS queued', body: str(e.data.body) };
    case 'page_created':
      return { title: `On-call page created (code ${str(e.data.shortCode)})` };
    case 'page_sms_sent': {
      const d = e.data;
      return {
        title: `Page SMS sent to ${str(d.name) || str(d.to)} ${str(d.to)} (step ${Number(d.step) + 1}${d.bundledWith ? `, in a bundle of ${str(d.bundledWith)}` : ''})`,
      };
    }
    case 'page_call_placed':
      return {
        title: `Page call placed to ${str(e.data.name) || str(e.data.to)} ${str(e.data.to)} (step ${Number(e.data.step) + 1})`,
      };
    case 'page_bundled':
      return { title: `Page held to go out with others to ${str(e.data.to)}` };
    case 'page_delayed':
      return { title: `Page delayed: Twilio did not take it (retrying)`, body: str(e.data.error) };
    case 'page_failed':
      return { title: `Page to ${str(e.data.to)} failed`, body: str(e.data.error) };
    case 'page_step_skipped':
      return {
        title: `Escalation step ${Number(e.data.step) + 1} skipped: ${str(e.data.reason) || 'nobody new to page'}`,
      };
    case 'page_called_instead':
      return {
        title: `Escalation step ${Number(e.data.step) + 1} to ${STEP_TARGET_WORDING[str(e.data.to)] ?? str(e.data.to)} called: ${CALLED_INSTEAD_WORDING[e.data.reason] ?? 'this number cannot take texts'}`,
      };
    case 'escalation_stopped':
      return { title: `Escalation stopped: ${str(e.data.reason)}` };
    case 'page_withheld':
      // Older rows may carry a reason this version does not know: say so rather than guess.
      return { title: WITHHELD_WORDING[e.data.reason] ?? `Not paged (${str(e.data.reason)})` };
    case 'escalated':
      return { title: `Escalated: ${str(e.data.reason)}` };
    case 'handed_to_on_call':
      return { title: 'Handed to the on-call officer: urgent and not picked up when the office closed' };
    case 'page_exhausted':
      return { title: 'Nobody acknowledged the page after every escalation step' };
    case 'delivery_receipt': {
      const d = e.data;
      return {
        title: `Delivery receipt: ${d.action === 'call' ? 'call' : 'SMS'} ${str(d.status)}${d.errorCode ? ` (error ${str(d.errorCode)})` : ''}`,
      };
    }
    case 'acknowledged':
      return { title: `Page acknowledged by ${displayPerson(str(e.actor), names)} (${str(e.data.via)})` };
    case 'assigned':
      return {
        title: `${e.data.to ? `Assigned to ${str(e.data.to)}` : 'Unassigned'}${e.data.topic ? ` (topic ${str(e.data.topic)})` : ''}`,
      };
    case 'topics_changed': {
      const names = (list: unknown) =>
        Array.isArray(list) ? list.map((t: { name?: unknown }) => str(t?.name)).join(', ') : '';
      const added = names(e.data.added);
      const removed = names(e.data.removed);
      if (e.data.source === 'rule')
        return { title: `${e.data.added.length === 1 ? 'Topic' : 'Topics'} suggested: ${added} (rule)` };
      return {
        title: `Topics changed: ${[added ? `added ${added}` : '', removed ? `removed ${removed}` : ''].filter(Boolean).join('; ')}`,
      };
    }
    case 'status_changed': {
      const d = e.data;
      // How it ended (issue 28): the outcome, the organisation or the enquiry it duplicates, and the message sent.
      const outcome = d.outcome
        ? `: ${outcomeLabel(d.outcome)}${d.organisation ? ` (${d.organisation})` : ''}${d.duplicateOf ? ` (${d.duplicateOf})` : ''}`
        : '';
      const messaged = d.messaged ? `; the standard message sent by ${d.messaged === 'sms' ? 'SMS' : 'email'}` : '';
      return { title: `Status: ${statusLabel(str(d.from))} → ${statusLabel(str(d.to))}${outcome}${messaged}` };
    }
    case 'note':
      return { title: 'Internal note', body: str(e.data.text) };
    case 'response_recorded': {
      const d = e.data;
      const reasons = Array.isArray(d.reasons) ? d.reasons : [];
      const decision = [
        reasons.length ? `Withheld because: ${reasons.join('; ')}` : d.decidedBy ? 'Nothing withheld' : '',
        str(d.withheld) ? `What was withheld: ${str(d.withheld)}` : '',
        d.decidedBy ? `Decided by: ${str(d.decidedBy)}` : '',
      ].filter(Boolean);
      return {
        title: d.released
          ? 'Response given (press line), released to the journalist’s status page'
          : 'Response given (press line)',
        body: [str(d.text), decision.join('\n')].filter(Boolean).join('\n\n'),
      };
    }
    case 'response_released':
      return {
        title: e.data.released
          ? 'Response released to the journalist’s status page'
          : 'Response taken off the journalist’s status page',
      };
    case 'journalist_added':
      return {
        title: e.data.chase
          ? 'The journalist asked for news (status page)'
          : 'The journalist added information (status page)',
        body: str(e.data.text),
      };
    case 'deadline_changed': {
      const d = e.data;
      const to = d.to ? `${str(d.to)}` : 'no deadline';
      return {
        title: `The journalist changed the deadline (status page): ${d.from ? str(d.from) : 'none'} → ${to}${d.urgent ? ', now urgent' : ''}`,
      };
    }
    case 'withdrawn':
      return {
        title: 'Withdrawn by the journalist: no longer needed (status page)',
        body: str(e.data.reason) || undefined,
      };
    case 'incident_linked':
      return {
        title: `Linked to incident “${str(e.data.name)}”${e.data.how === 'auto' ? ' (its search terms matched)' : e.data.how === 'oncall' ? ' by on-call' : ''}`,
      };
    case 'incident_unlinked':
      return { title: `Taken out of incident “${str(e.data.name)}”` };
    case 'incident_line_sent':
      return {
        title: `${e.data.kind === 'press' ? 'Press line' : 'Holding line'} of the incident sent to ${str(e.data.to)}`,
        body: str(e.data.text),
      };
    case 'incident_summary':
      if (e.data.by === 'call')
        return {
          title: `Counted in the incident summary called to on-call ${str(e.data.to)}: no text reaches this phone`,
        };
      return { title: `Counted in the incident summary texted to on-call ${str(e.data.to)}` };
    case 'incident_summary_failed':
      return {
        title: `The incident summary to on-call ${str(e.data.to)} did not reach them${e.data.code ? ` (Twilio ${str(e.data.code)})` : ''}${e.data.paged ? ': paged instead' : ''}`,
        body: str(e.data.error),
      };
    case 'deadline_warning':
      return {
        title: `Respond-by time near (${e.data.by === 'deadline' ? 'the journalist’s deadline' : 'the office’s target'}), no response yet`,
      };
    case 'deadline_breached':
      return {
        title: `Respond-by time passed without a response (${e.data.by === 'deadline' ? 'the journalist’s deadline' : 'the office’s target'})`,
      };
    case 'question_asked': {
      const to = Array.isArray(e.data.to)
        ? e.data.to.map((r) => `${str(r.name)} (${r.via === 'sms' ? 'text' : 'email'})`)
        : [];
      return {
        title: `Question to ${to.join(', ') || 'a colleague'}, answer due ${str(e.data.due)}`,
        body: str(e.data.text),
      };
    }
    case 'question_answered': {
      const how = { link: 'by their link', sms: 'by text', email: 'by email' } as const;
      return {
        title: `Answer from ${str(e.data.from) || 'a colleague'} ${how[e.data.via] ?? ''} (internal)`,
        body: str(e.data.text) || undefined,
      };
    }
    case 'question_overdue':
      return { title: `A question to colleagues is overdue (was due ${str(e.data.due)}): they have been reminded` };
    case 'question_withdrawn':
      return { title: 'A question to colleagues was withdrawn' };
    case 'signoff_requested': {
      const to = Array.isArray(e.data.to)
        ? e.data.to.map((r) => `${str(r.name)} (${r.via === 'sms' ? 'text' : 'email'})`)
        : [];
      return { title: `Response sent for sign-off to ${to.join(', ') || 'approvers'}`, body: str(e.data.text) };
    }
    case 'signoff_decided': {
      const d = e.data;
      const who = str(d.by) || 'An approver';
      const how = d.via === 'sms' ? 'by text' : 'on their link';
      if (d.decision === 'returned')
        return { title: `${who} returned the response ${how}`, body: str(d.comment) || undefined };
      return {
        title:
          d.decision === 'approved_with_edits'
            ? `${who} approved the response with edits ${how}`
            : `${who} approved the response ${how}`,
        body: str(d.text) || undefined,
      };
    }
    case 'draft_changed':
      return {
        title:
          e.data.voided === 'approval'
            ? 'The draft response was changed after its approval: it needs signing off again'
            : 'The draft response was changed while awaiting sign-off: the requests sent no longer apply',
      };
    case 'signoff_overridden':
      return {
        title:
          e.data.what === 'reply'
            ? 'Text sent without sign-off (manager)'
            : e.data.what === 'email'
              ? 'Email sent without sign-off (manager)'
              : 'Released without sign-off (manager)',
        body: str(e.data.reason),
      };
    case 'updates_changed':
      return {
        title: e.data.on
          ? 'The journalist turned messages about this enquiry back on'
          : 'The journalist turned off messages about this enquiry',
      };
    case 'urgency_changed':
      return { title: e.data.urgent ? 'Marked urgent' : 'Marked not urgent', body: str(e.data.reason) };
    case 'page_call_machine':
      return {
        title: `Page call answered by ${e.data.answeredBy === 'fax' ? 'a fax' : 'a voicemail box'}: escalated at once`,
      };
    case 'call_in':
      return {
        title: `Phone call from ${str(e.data.from) || 'a withheld number'}${e.data.outOfHours ? ', out of hours' : ', in hours'}: ${CALL_OUTCOME_WORDING[e.data.outcome] ?? str(e.data.outcome)}`,
      };
    case 'voicemail':
      return { title: `Voicemail left (${spokenLength(Number(e.data.seconds))})` };
    case 'transcription':
      return e.data.text === null
        ? { title: 'Voicemail transcription: Twilio could not transcribe it' }
        : { title: 'Voicemail transcription (automatic, may contain errors)', body: str(e.data.text) };
    case 'call_connected':
      return {
        title: `Call connected to ${str(e.data.name) || 'the out-of-hours line'} ${str(e.data.to)}${e.data.seconds !== null ? ` (${spokenLength(Number(e.data.seconds))})` : ''}`,
      };
    case 'recording_deleted':
      return { title: 'Voicemail recording deleted at Twilio' };
    case 'callback_requested':
      return {
        title: `On-call asked to be put through to the journalist (${e.data.via === 'link' ? 'from the link in the page' : 'by text'})`,
      };
    case 'call_out':
      return { title: `Call placed to ${str(e.data.to)} (rung first, then the journalist)` };
    case 'call_out_failed':
      return { title: `Call to ${str(e.data.to)} could not be placed`, body: str(e.data.error) };
    case 'callback_ended':
      return {
        title:
          e.data.status === 'completed' && e.data.seconds
            ? `Spoke to the journalist for ${spokenLength(Number(e.data.seconds))}`
            : `Call to the journalist: ${CALLBACK_WORDING[str(e.data.status)] ?? str(e.data.status)}`,
      };
    case 'callback_answered':
      return {
        title: answeredByMachine(str(e.data.answeredBy))
          ? "On-call's phone was answered by a voicemail box: the call was ended and the journalist was not rung"
          : 'On-call answered the call to put them through',
      };
    case 'oncall_viewed':
      return {
        title: `On-call looked at the enquiry (${e.data.via === 'link' ? 'the link in the page' : 'INFO by text'})`,
      };
    case 'email_in': {
      const d = e.data;
      const who = str(d.from);
      const title = d.auto
        ? `Automatic reply by email${who ? ` from ${who}` : ''}`
        : `Email in from ${who || 'the journalist'}`;
      const parts = [
        str(d.subject) ? `Subject: ${str(d.subject)}` : '',
        str(d.body),
        attachmentLines(d.attachments),
      ].filter(Boolean);
      const note = d.followsUp
        ? ` (follows up ${str(d.followsUp)})`
        : d.mentions
          ? ` (names ${str(d.mentions)} but is not from its journalist nor a reply to our email: not added to it)`
          : '';
      return { title: `${title}${note}`, body: parts.length ? parts.join('\n\n') : undefined };
    }
    case 'email_reply_queued':
      return { title: `Reply by email queued to ${str(e.data.to)}`, body: str(e.data.body) };
    case 'email_out':
      return { title: `Email sent to ${str(e.data.to)}` };
    case 'email_out_failed':
      return { title: `Email to ${str(e.data.to)} could not be sent`, body: str(e.data.error) };
    case 'merged_in': {
      const told = e.data.told ? ` The journalist was told by ${e.data.told === 'sms' ? 'SMS' : 'email'}.` : '';
      return {
        title: `${str(e.data.from)} was merged into this enquiry`,
        body: `Its messages, timeline and questions moved here (${Number(e.data.moved)} items).${e.data.deadline ? ' Its earlier deadline is this enquiry’s now.' : ''}${told}`,
      };
    }
    case 'merged_away':
      return { title: `Merged into ${str(e.data.into)}: its messages, timeline and questions moved there` };
    case 'merge_undone':
      return { title: `The merge of ${str(e.data.from)} into ${str(e.data.into)} was undone: what moved went back` };
    case 'split_out':
      return {
        title: `A new question was split out into ${str(e.data.to)}${e.data.told ? ` (the journalist was told by ${e.data.told === 'sms' ? 'SMS' : 'email'})` : ''}`,
      };
    case 'split_from':
      return { title: `Split out of ${str(e.data.from)}: a new question in that thread` };
    case 'email_bounce': {
      const d = e.data;
      const to = str(d.recipient);
      return {
        title: `Email to ${to || 'the journalist'} could not be delivered${d.status ? ` (${str(d.status)})` : ''}`,
        body: str(d.diagnostic) || undefined,
      };
    }
    default: {
      // Compile time: every kind is worded above. Run time: a row of a kind this version does not know still shows.
      const unworded: never = e;
      return { title: str((unworded as { kind: unknown }).kind).replace(/_/g, ' ') };
    }
  }
}

/**
 * An email's text split where the quoted history or the signature starts (a `>` line, an
 * "On … wrote:" line, Outlook's "-----Original Message-----" or "From:" block, or the "-- "
 * signature mark), so the desk shows what is new and folds the rest. Nothing is dropped.
 */
export function splitQuoted(text: string): { fresh: string; folded: string } {
  const lines = text.split('\n');
  const at = lines.findIndex(
    (l, i) =>
      /^>/.test(l) ||
      /^-- ?$/.test(l) ||
      /^-{2,}\s*Original Message\s*-{2,}/i.test(l) ||
      (/^On .+wrote:\s*$/.test(l) && i > 0) ||
      (/^From: .+/.test(l) && i > 0 && lines[i - 1].trim() === ''),
  );
  if (at <= 0) return { fresh: text, folded: '' };
  return { fresh: lines.slice(0, at).join('\n').trimEnd(), folded: lines.slice(at).join('\n') };
}

/** An email on the timeline: subject, the new text, the quoted history and signature folded, attachments to download. */
function EmailBody(props: { data: TimelineEvent<'email_in'>['data'] }) {
  const d = props.data;
  const { fresh, folded } = splitQuoted(str(d.body));
  const files = Array.isArray(d.attachments) ? d.attachments : [];
  return (
    <div class="email">
      {str(d.subject) ? <div class="hint">Subject: {str(d.subject)}</div> : null}
      {fresh ? <div class="pre">{fresh}</div> : null}
      {folded ? (
        <details>
          <summary>Quoted text and signature</summary>
          <div class="pre">{folded}</div>
        </details>
      ) : null}
      <Attachments files={files} />
    </div>
  );
}

/** An email's attachments to download (those too large to keep, listed only). */
function Attachments(props: { files: readonly EmailAttachmentNote[] }) {
  const files = props.files;
  return files.length ? (
    <ul class="attachments">
      {files.map((a) => (
        <li>
          {a.stored ? (
            <a href={`/desk/attachments/${encodeURIComponent(a.id)}`} download>
              {str(a.filename) || 'attachment'}
            </a>
          ) : (
            <span>{str(a.filename) || 'attachment'}</span>
          )}{' '}
          <span class="hint">
            ({str(a.contentType)}, {spokenSize(Number(a.size))}
            {a.stored ? '' : ', too large to keep: listed only'})
          </span>
        </li>
      ))}
    </ul>
  ) : null;
}

/**
 * An enquiry's timeline, oldest first; `when` formats each entry's time. Numbers in the titles are
 * shown as dialled (07912 500106), and who acted by name where `names` (`knownNames`) knows them.
 */
export function Timeline(props: {
  events: TimelineEvent[];
  when: (d: Date) => string;
  names?: ReadonlyMap<string, string>;
}) {
  const names = props.names ?? new Map<string, string>();
  // A message can be played from the desk until its recording is deleted at Twilio.
  const deleted = new Set(
    props.events.flatMap((ev) => (ev.kind === 'recording_deleted' ? [ev.data.recordingSid] : [])),
  );
  return (
    <ol class="timeline">
      {props.events.map((ev) => {
        const d = describeEvent(ev, names);
        return (
          // The id is where a notification of a mention leads (`#event-<id>`, issue 29, item 4).
          <li class={`ev ev--${ev.kind}`} id={`event-${ev.id}`}>
            <time datetime={ev.at.toISOString()}>{props.when(ev.at)}</time> <strong>{displayPhonesIn(d.title)}</strong>
            {ev.actor && ev.kind !== 'acknowledged' ? (
              <span class="hint"> by {displayPerson(ev.actor, names)}</span>
            ) : null}
            {ev.kind === 'email_in' ? <EmailBody data={ev.data} /> : d.body ? <div class="pre">{d.body}</div> : null}
            {ev.kind === 'question_answered' && Array.isArray(ev.data.attachments) ? (
              <Attachments files={ev.data.attachments} />
            ) : null}
            {ev.kind === 'voicemail' && !deleted.has(ev.data.recordingSid) ? (
              // biome-ignore lint/a11y/useMediaCaption: a voicemail has no caption track; its transcription, when Twilio makes one, is its own timeline entry.
              <audio
                class="voicemail"
                controls
                preload="none"
                src={`/desk/recordings/${encodeURIComponent(ev.data.recordingSid)}`}
              >
                <a href={`/desk/recordings/${encodeURIComponent(ev.data.recordingSid)}`}>Play the message</a>
              </audio>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
