import type { OfficeConfig } from '../config.js';
import { channelLabel } from '../enquiries/enquiry.labels.js';
import type { Enquiry } from '../enquiries/enquiry.tables.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { ErrorSummary } from '../http/layout.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import type { DeskSession } from '../web/session.js';
import { SPLIT_LIMITS, type SplitErrors, type SplitField } from './merging.forms.js';
import type { DuplicateSuggestion, ThreadMessage } from './merging.repository.js';

/** Where an enquiry's merge and split actions are posted and shown. */
export function mergePaths(reference: string) {
  const base = `/desk/enquiries/${reference}`;
  return { page: base, merge: `${base}/merge`, split: `${base}/split` };
}

/** The undo of a merge (`POST /desk/merges/:id/undo`). */
export function undoPath(mergeId: string): string {
  return `/desk/merges/${mergeId}/undo`;
}

/** What the enquiry page shows about merging (src/desk/casework.views.tsx renders it). */
export interface MergePanelProps {
  enquiry: Pick<Enquiry, 'id' | 'reference' | 'status' | 'merged_into'>;
  /** The enquiry it was merged into (null: not merged). */
  mergedInto: { reference: string; mergeId: string | null; undoable: boolean } | null;
  /** Enquiries merged into it and still so, with whether each can be undone now (the same office day). */
  mergedHere: Array<{ mergeId: string; reference: string; at: Date; undoable: boolean }>;
  /** Open enquiries that look like the same request (none when it is not open). */
  suggestions: DuplicateSuggestion[];
  /** The enquiry is open: it can take a merge and be split. */
  open: boolean;
  office: OfficeConfig;
  now: Date;
  csrf: string;
}

/** Why a suggestion looks like the same request, in words. */
function why(s: DuplicateSuggestion): string {
  const reasons = [
    s.samePhone ? 'same phone number' : '',
    s.sameEmail ? 'same email address' : '',
    s.sameJournalist && !s.samePhone && !s.sameEmail ? 'same journalist record' : '',
    s.sharedWords >= 2 ? `${s.sharedWords} words of the subject in common` : '',
  ].filter(Boolean);
  return reasons.join(', ');
}

/**
 * The top of a merged enquiry's page: which enquiry now carries it (a link), and the undo while
 * it is still the same office day. Shown instead of the duplicates panel.
 */
export function MergedBanner(p: MergePanelProps) {
  if (!p.mergedInto) return null;
  const into = p.mergedInto;
  return (
    <section class="panel panel--withdrawn" aria-labelledby="merged-title">
      <h2 id="merged-title">
        Merged into <a href={`/desk/enquiries/${into.reference}`}>{into.reference}</a>
      </h2>
      <p>Its messages, timeline and questions are there now. Its journalist's status link shows {into.reference}.</p>
      {into.mergeId && into.undoable ? (
        <form method="post" action={undoPath(into.mergeId)} class="inline-form">
          <Csrf token={p.csrf} />
          <button type="submit" class="button button--secondary">
            Undo the merge
          </button>
        </form>
      ) : null}
    </section>
  );
}

/**
 * The enquiry page's merge panel: the enquiries merged into this one (each with its undo the same
 * day), the possible duplicates (same phone or email within a few days, or a similar subject),
 * each with a one-click merge into this one, and the links to merge another by reference or split
 * a new question out.
 */
export function MergePanel(p: MergePanelProps) {
  if (p.mergedInto) return <MergedBanner {...p} />;
  const paths = mergePaths(p.enquiry.reference);
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  if (!p.open && !p.mergedHere.length) return null;
  return (
    <section class="panel merge-panel" aria-labelledby="duplicates-title">
      <h2 id="duplicates-title">Possible duplicates</h2>
      {p.mergedHere.length ? (
        <ul class="merged-here">
          {p.mergedHere.map((m) => (
            <li>
              <a href={`/desk/enquiries/${m.reference}`}>{m.reference}</a> was merged into this enquiry {when(m.at)}.
              {m.undoable ? (
                <form method="post" action={undoPath(m.mergeId)} class="inline-form">
                  <Csrf token={p.csrf} />
                  <button
                    type="submit"
                    class="button button--secondary"
                    aria-label={`Undo the merge of ${m.reference}`}
                  >
                    Undo
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {p.open ? (
        p.suggestions.length ? (
          <ul class="duplicates">
            {p.suggestions.map((s) => (
              <li>
                <a href={`/desk/enquiries/${s.reference}`}>{s.reference}</a>: {s.subject}
                {s.outlet ? ` (${s.outlet})` : ''}, by {channelLabel(s.channel)}, {when(s.received_at)}.{' '}
                <span class="hint">Why: {why(s)}.</span>
                <form method="post" action={paths.merge} class="inline-form">
                  <Csrf token={p.csrf} />
                  <input type="hidden" name="from" value={s.reference} />
                  <button type="submit" class="button button--secondary">
                    Merge {s.reference} into this enquiry
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <p>No open enquiry from the same phone or email in the last few days, and none with a similar subject.</p>
        )
      ) : null}
      {p.open ? (
        <p>
          <a href={paths.merge}>Merge another enquiry into this one</a> ·{' '}
          <a href={paths.split}>Split a new question into its own enquiry</a>
        </p>
      ) : null}
    </section>
  );
}

/** The merge page (`GET /desk/enquiries/:reference/merge`): the suggestions, and a reference typed. */
export function MergePage(p: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  panel: MergePanelProps;
  error?: string;
  value?: string;
}) {
  const reference = p.panel.enquiry.reference;
  const errors: Record<string, string> = p.error ? { from: p.error } : {};
  return (
    <DeskLayout
      title={`${p.error ? 'Error: ' : ''}Merge into ${reference}`}
      officeName={p.office.name}
      session={p.session}
    >
      <p>
        <a href={`/desk/enquiries/${reference}`}>← Back to {reference}</a>
      </p>
      <h1>Merge another enquiry into {reference}</h1>
      {p.error ? <ErrorSummary errors={errors} order={['from']} /> : null}
      <p>
        Its messages, timeline and questions move to {reference}; it is closed as a duplicate and its journalist is told
        once which reference now carries it. You can undo a merge until the end of the day.
      </p>
      <form method="post" action={mergePaths(reference).merge} class="action">
        <Csrf token={p.session.session.csrf_token} />
        <Field
          id="from"
          label="Reference of the enquiry to merge into this one"
          hint="Like PD-7KM-4QX. Only open enquiries can be merged."
          error={p.error}
          attrs={{ maxlength: 40, value: p.value ?? '', autocomplete: 'off', spellcheck: false }}
        />
        <button type="submit" class="button">
          Merge into {reference}
        </button>
      </form>
      <MergePanel {...p.panel} />
    </DeskLayout>
  );
}

/** The split page (`GET /desk/enquiries/:reference/split`): which message is the new question, its subject and deadline. */
export function SplitPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  enquiry: Pick<Enquiry, 'reference' | 'subject'>;
  messages: ThreadMessage[];
  /** The office's usual first-response target in working hours, for the deadline's hint. */
  targetHours: number;
  errors?: SplitErrors;
  values?: Partial<Record<SplitField, string>>;
}) {
  const { enquiry: e } = p;
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  const when = (d: Date) => formatShortTime(d, p.office, p.now);
  const order: SplitField[] = ['message', 'question', 'subject', 'deadline'];
  const chosen = values.message ?? '';
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <DeskLayout
      title={`${hasErrors ? 'Error: ' : ''}Split a question out of ${e.reference}`}
      officeName={p.office.name}
      session={p.session}
    >
      <p>
        <a href={`/desk/enquiries/${e.reference}`}>← Back to {e.reference}</a>
      </p>
      <h1>Split a new question out of {e.reference}</h1>
      {hasErrors ? <ErrorSummary errors={errors as Record<string, string>} order={order} /> : null}
      <p>
        The new question becomes an enquiry of its own, with its own reference, deadline and status link. The journalist
        is told its reference by the way they contacted us. {e.reference} (“{e.subject}”) carries on as before.
      </p>
      <form method="post" action={mergePaths(e.reference).split} class="action">
        <Csrf token={p.session.session.csrf_token} />
        <fieldset
          class={errors.message ? 'field field--error' : 'field'}
          aria-describedby={errors.message ? 'message-hint message-error' : 'message-hint'}
        >
          <legend>Which message asks the new question?</legend>
          <p class="hint" id="message-hint">
            The message moves to the new enquiry. Choose “None” to type the question instead.
          </p>
          {errors.message ? (
            <p class="error-message" id="message-error">
              <span class="visually-hidden">Error:</span> {errors.message}
            </p>
          ) : null}
          {p.messages.map((m, i) => (
            <div class="radio">
              <input
                type="radio"
                name="message"
                value={m.eventId}
                id={i === 0 ? 'message' : `message-${m.eventId}`}
                checked={chosen === m.eventId}
              />
              <label for={i === 0 ? 'message' : `message-${m.eventId}`}>
                {m.kind === 'sms_in' ? 'Text' : m.kind === 'email_in' ? 'Email' : 'Added on the status page'},{' '}
                {when(m.at)}: <span class="pre">{m.text.length > 300 ? `${m.text.slice(0, 299)}…` : m.text}</span>
              </label>
            </div>
          ))}
          <div class="radio">
            <input
              type="radio"
              name="message"
              value=""
              id={p.messages.length ? 'message-none' : 'message'}
              checked={chosen === '' || !p.messages.length}
            />
            <label for={p.messages.length ? 'message-none' : 'message'}>None: I will type the question</label>
          </div>
        </fieldset>
        <Field
          id="question"
          label="The new question (if you did not choose a message, or to add to it)"
          as="textarea"
          error={errors.question}
          attrs={{ maxlength: SPLIT_LIMITS.question, rows: 4 }}
        >
          {values.question ?? ''}
        </Field>
        <Field
          id="subject"
          label="Subject of the new enquiry"
          error={errors.subject}
          attrs={{ maxlength: SPLIT_LIMITS.subject, value: values.subject ?? '', required: true }}
        />
        <Field
          id="deadline"
          label="The journalist's deadline for it (optional)"
          hint={`A date and time, like 2026-12-29T14:30. Blank: no deadline; the office's usual target applies (${p.targetHours} working hours), as for a new enquiry.`}
          error={errors.deadline}
          attrs={{ type: 'datetime-local', value: values.deadline ?? '' }}
        />
        <button type="submit" class="button">
          Split into a new enquiry and tell the journalist
        </button>
      </form>
    </DeskLayout>
  );
}
