import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { describedBy, ErrorSummary, FieldError, Layout } from '../http/layout.js';
import type { AnswerLinkView } from './questions.service.js';
import { answerForm, QUESTION_LIMITS } from './question.forms.js';

const ANSWER = answerForm.ids.answer;

/**
 * A colleague's answer page (`/q/{token}`), made for a phone: the question, when it is due, a box
 * for the answer, and what they already sent. Says nothing of the journalist beyond the reference:
 * the question carries what the officer chose to tell them.
 */
export function AnswerPage(props: {
  office: OfficeConfig;
  view: AnswerLinkView;
  action: string;
  csrf: string;
  error?: string;
  value?: string;
  problem?: string;
  thanked?: boolean;
}) {
  const { view: v, office } = props;
  const due = formatShortTime(v.dueAt, office, v.now);
  return (
    <Layout title={`Question about ${v.reference}`} officeName={office.name}>
      {props.error ? <ErrorSummary errors={{ [ANSWER]: props.error }} order={[ANSWER]} /> : null}
      {props.thanked ? (
        <div class="notice" role="status">
          Thank you: the press office has your answer. You can add to it below.
        </div>
      ) : null}
      {props.problem ? (
        <div class="notice notice--warning" role="alert">
          {props.problem}
        </div>
      ) : null}
      <h1>A question from the press office</h1>
      <p>
        About media enquiry <strong>{v.reference}</strong>, for {v.name}. {v.open ? <>Please answer by {due}.</> : null}
      </p>
      <section class="panel" aria-labelledby="question-title">
        <h2 id="question-title">The question</h2>
        <p class="pre">{v.question}</p>
      </section>
      {v.answers.length ? (
        <section class="panel" aria-labelledby="sent-title">
          <h2 id="sent-title">What you sent</h2>
          <ol class="plain-list">
            {v.answers.map((a) => (
              <li>
                <p class="meta">{formatShortTime(a.at, office, v.now)}</p>
                <p class="pre">{a.text}</p>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {v.open ? (
        <form method="post" action={props.action} class="stack" novalidate>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class={`field${props.error ? ' field--error' : ''}`}>
            <label for={ANSWER}>{v.answers.length ? 'Add to your answer' : 'Your answer'}</label>
            <p class="hint" id={`${ANSWER}-hint`}>
              It goes to the press office only, not to the journalist. Up to{' '}
              {QUESTION_LIMITS.answer.toLocaleString('en-GB')} characters.
            </p>
            <FieldError id={ANSWER} message={props.error} />
            <textarea
              id={ANSWER}
              name={ANSWER}
              rows={8}
              maxlength={QUESTION_LIMITS.answer}
              aria-describedby={describedBy(ANSWER, { hint: true, error: props.error })}
              aria-invalid={props.error ? 'true' : undefined}
            >
              {props.value ?? ''}
            </textarea>
          </div>
          <button type="submit" class="button">
            Send to the press office
          </button>
        </form>
      ) : (
        <p>The press office withdrew this question: they no longer need an answer. Thank you.</p>
      )}
    </Layout>
  );
}

/** Every link that opens nothing (unknown, tampered, its enquiry finished): one page for every reason. */
export function AnswerGonePage(props: { officeName: string }) {
  return (
    <Layout title="Link not working" officeName={props.officeName}>
      <h1>This link no longer works</h1>
      <p>
        The press office no longer needs an answer through this link: the enquiry it was about is finished, or the link
        was mistyped. If you still have something to tell them, reply to their message or call the press office.
      </p>
    </Layout>
  );
}
