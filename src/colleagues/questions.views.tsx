import { SOONEST_DUE_MINUTES } from './question-due.js';
import type { Child } from 'hono/jsx';
import { DateTime } from 'luxon';
import type { OfficeConfig } from '../config.js';
import { describeHours } from './directory.service.js';
import type { AskableColleague, QuestionDetail } from './questions.repository.js';
import { askForm, QUESTION_LIMITS, type AskErrors, type AskField } from './question.forms.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { describedBy, FieldError } from '../http/layout.js';
import { Csrf } from '../web/layout.js';

/** The ask form's element ids (the error summary links to them); `colleagues` is the fieldset of boxes. */
export const ASK_IDS = {
  colleagues: 'ask-colleagues',
  via: 'ask-via',
  question: 'ask-question',
  due: 'ask-due',
} as const satisfies Record<AskField, string>;

/** What the enquiry page's "Questions to colleagues" panel shows. */
export interface QuestionsPanelProps {
  questions: QuestionDetail[];
  colleagues: AskableColleague[];
  /** The due time the form suggests (its default when left as it is). */
  suggestedDue: Date;
  emailEnabled: boolean;
  /** The enquiry still takes questions (not closed, withdrawn or erased). */
  canAsk: boolean;
  /** Offer "I have what I need" and "Withdraw" on open questions (the desk; not the on-call link). */
  closeable?: boolean;
  /** Where the directory is kept, for the hint when it is empty (null: say who keeps it instead). */
  directoryHref?: string | null;
  errors?: AskErrors;
  /** What was typed, on a refused form (`colleagues`: the ids ticked). */
  values?: { question?: string; via?: string; due?: string; colleagues?: readonly string[] };
}

const STATE_WORDS = {
  open: 'Waiting',
  answered: 'Answered',
  withdrawn: 'Withdrawn',
} as const satisfies Record<QuestionDetail['state'], string>;

/** `YYYY-MM-DDTHH:mm` in office time, for a datetime-local input. */
function localInput(d: Date, office: OfficeConfig): string {
  return DateTime.fromJSDate(d, { zone: office.timezone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/**
 * The enquiry page's questions to colleagues outside the desk: each question with whom it went
 * to, who has answered and what they said (internal: never on the journalist's status page), and
 * the form to ask. The form's ids and its error summary's links come from `ASK_IDS`.
 */
export function QuestionsPanel(props: {
  p: QuestionsPanelProps;
  office: OfficeConfig;
  now: Date;
  csrf: string;
  action: (name: string) => string;
  /** The hidden fields every form carries (default: the desk's CSRF field). */
  hidden?: Child;
}) {
  const { p, office, now, csrf, action } = props;
  const hidden = props.hidden ?? <Csrf token={csrf} />;
  const when = (d: Date) => formatShortTime(d, office, now);
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  const ticked = new Set(values.colleagues ?? []);
  const via = values.via ?? 'sms';
  return (
    <section class="panel questions" id="questions" aria-labelledby="questions-title">
      <h2 id="questions-title">Questions to colleagues</h2>
      <p class="hint">
        Ask the people who hold the facts (an investigating officer, a service head). Their answers appear here and on
        the timeline; the journalist never sees them.
      </p>
      {p.questions.length ? (
        <ol class="plain-list question-list">
          {p.questions.map((q) => {
            const late = q.state === 'open' && q.due_at.getTime() <= now.getTime();
            return (
              <li class={`question question--${q.state}${late ? ' question--late' : ''}`}>
                <p>
                  <strong>{STATE_WORDS[q.state]}</strong>
                  {late ? <strong class="tag tag--overdue">Overdue</strong> : null} · asked {when(q.asked_at)} by{' '}
                  {q.asked_by} · due {when(q.due_at)}
                </p>
                <p class="pre">{q.text}</p>
                <ul class="question-recipients">
                  {q.recipients.map((r) => (
                    <li>
                      {r.name} by {r.via === 'sms' ? 'text' : 'email'}:{' '}
                      {r.answered_at ? `answered ${when(r.answered_at)}` : 'no answer yet'}
                    </li>
                  ))}
                </ul>
                {q.answers.map((a) => (
                  <blockquote class="answer">
                    <p class="meta">
                      {a.from}, {when(a.received_at)} (
                      {a.via === 'link' ? 'by link' : a.via === 'sms' ? 'by text' : 'by email'})
                    </p>
                    <p class="pre">{a.text}</p>
                  </blockquote>
                ))}
                {q.state === 'open' && p.closeable ? (
                  <form method="post" action={action(`questions/${q.id}/close`)} class="inline-form">
                    {hidden}
                    <button class="button button--secondary" type="submit" name="how" value="answered">
                      I have what I need
                    </button>{' '}
                    <button class="button button--secondary" type="submit" name="how" value="withdrawn">
                      Withdraw the question
                    </button>
                  </form>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      {!p.canAsk ? null : p.colleagues.length === 0 ? (
        <p>
          Nobody is in the directory of colleagues yet. A manager adds them under{' '}
          <a href="/desk/colleagues">Colleagues</a>.
        </p>
      ) : (
        <form method="post" action={action('questions')} class="action ask-form" novalidate>
          {hidden}
          <fieldset
            id={ASK_IDS.colleagues}
            class={`field${errors.colleagues ? ' field--error' : ''}`}
            aria-describedby={describedBy(ASK_IDS.colleagues, { error: errors.colleagues })}
            tabindex={-1}
          >
            <legend>Ask a colleague</legend>
            <FieldError id={ASK_IDS.colleagues} message={errors.colleagues} />
            {p.colleagues.map((c) => (
              <div class="checkbox">
                <input
                  type="checkbox"
                  id={`ask-colleague-${c.id}`}
                  name="colleagues"
                  value={c.id}
                  checked={ticked.has(c.id)}
                />
                <label for={`ask-colleague-${c.id}`}>
                  {c.name}
                  {c.role ? `, ${c.role}` : ''}
                  {c.department ? ` (${c.department})` : ''} · {describeHours(c.usual_hours, office.hours)}
                  {c.mobile ? '' : ' · email only'}
                  {c.email ? '' : ' · text only'}
                </label>
              </div>
            ))}
          </fieldset>
          <fieldset
            id={ASK_IDS.via}
            class={`field${errors.via ? ' field--error' : ''}`}
            aria-describedby={describedBy(ASK_IDS.via, { error: errors.via })}
            tabindex={-1}
          >
            <legend>Send it by</legend>
            <FieldError id={ASK_IDS.via} message={errors.via} />
            <div class="radio">
              <input type="radio" id="ask-via-sms" name={askForm.ids.via} value="sms" checked={via === 'sms'} />
              <label for="ask-via-sms">Text to their mobile</label>
            </div>
            {p.emailEnabled ? (
              <div class="radio">
                <input type="radio" id="ask-via-email" name={askForm.ids.via} value="email" checked={via === 'email'} />
                <label for="ask-via-email">Email</label>
              </div>
            ) : null}
          </fieldset>
          <Field
            id={ASK_IDS.question}
            name={askForm.ids.question}
            label="Your question"
            hint={`Say what you need and by when; they see the enquiry's reference, not the journalist's details. Up to ${QUESTION_LIMITS.question.toLocaleString('en-GB')} characters.`}
            error={errors.question}
            as="textarea"
            attrs={{ maxlength: QUESTION_LIMITS.question, rows: 4 }}
          >
            {values.question ?? ''}
          </Field>
          <Field
            id={ASK_IDS.due}
            name={askForm.ids.due}
            label="Answer wanted by"
            hint={`Suggested: ${when(p.suggestedDue)}: an hour of their working time before the respond-by time, and never within ${SOONEST_DUE_MINUTES} minutes of asking. They are reminded then if they have not answered.`}
            error={errors.due}
            attrs={{ type: 'datetime-local', value: values.due ?? localInput(p.suggestedDue, office) }}
          />
          <button class="button" type="submit">
            Send the question
          </button>
        </form>
      )}
    </section>
  );
}
