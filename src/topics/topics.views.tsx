import type { OfficeConfig } from '../config.js';
import { formatShortTime } from '../hours/format.js';
import { Field } from '../http/field.js';
import { describedBy, FieldError } from '../http/layout.js';
import type { FormProblem } from '../web/forms.js';
import { Csrf } from '../web/layout.js';
import { ManagerPage } from '../web/manager-page.js';
import type { DeskSession } from '../web/session.js';
import { TOPIC_FIELDS, TOPIC_LIMITS, type TopicField } from './topics.forms.js';
import type { EnquiryTopicView, TopicListed } from './topics.repository.js';
import { RECENT_DAYS, type TermsReach, type TopicChoices } from './topics.service.js';
import type { Topic } from './topics.tables.js';

/** The managers' list of topics on the desk. */
export const TOPICS_PATH = '/desk/topics';

/** A refused (or checked) add or edit form, shown again with its messages and what was typed. */
export type TopicProblem = FormProblem<TopicField>;

/** Element id of a field of the add or edit form (one form per page). */
export function topicFieldId(field: TopicField | 'form'): string {
  return `topic-${field === 'form' ? 'name' : field}`;
}

const ORDER: readonly (TopicField | 'form')[] = ['form', ...TOPIC_FIELDS];

/** "3 of the 120 enquiries received in the last 30 days". */
export function reachText(r: TermsReach): string {
  return `${r.matched.toLocaleString('en-GB')} of the ${r.total.toLocaleString('en-GB')} ${r.total === 1 ? 'enquiry' : 'enquiries'} received in the last ${RECENT_DAYS} days`;
}

/** The add and edit form's fields: name, terms, the line it suggests, sign-off, whom it assigns to. */
function TopicFields(p: {
  values: Partial<Record<TopicField, string>>;
  errors: Partial<Record<TopicField | 'form', string>>;
  choices: TopicChoices;
  /** A check of the terms (the "Check terms" button): how many enquiries they would have matched. */
  reach?: TermsReach | null;
}) {
  const v = p.values;
  const e = p.errors;
  const id = topicFieldId;
  const signoff = v.requireSignoff === 'yes';
  return (
    <>
      <Field
        id={id('name')}
        name="name"
        label="Name"
        hint="For example, Flooding, or Road deaths. Each name once."
        error={e.name ?? e.form}
        attrs={{ type: 'text', maxlength: TOPIC_LIMITS.name, autocomplete: 'off', value: v.name ?? '' }}
      />
      <Field
        id={id('terms')}
        name="terms"
        label="Suggest for enquiries matching (optional)"
        hint={
          <>
            The queue’s search words: <code>flood river</code> needs both, <code>flood OR flooding</code> either,{' '}
            <code>"burst main"</code> the phrase, <code>-weather</code> leaves out. New enquiries that match get this
            topic, marked suggested. Blank: officers give it by hand.
            {p.reach ? (
              <strong class="terms-reach"> These terms would have matched {reachText(p.reach)}.</strong>
            ) : null}
          </>
        }
        error={e.terms}
        attrs={{
          type: 'text',
          maxlength: TOPIC_LIMITS.terms,
          autocomplete: 'off',
          spellcheck: false,
          value: v.terms ?? '',
        }}
      />
      <Field
        id={id('suggestLine')}
        name="suggestLine"
        label="Suggest a line to take (optional)"
        hint="Shown beside the response box of every enquiry with this topic."
        error={e.suggestLine}
        as="select"
      >
        <option value="">None</option>
        {p.choices.lines.map((l) => (
          <option value={l.id} selected={v.suggestLine === l.id}>
            {l.id} · {l.title}
          </option>
        ))}
      </Field>
      <div class={`field checkbox${e.requireSignoff ? ' field--error' : ''}`}>
        <input
          type="checkbox"
          id={id('requireSignoff')}
          name="requireSignoff"
          value="yes"
          checked={signoff}
          aria-describedby={describedBy(id('requireSignoff'), { hint: true, error: e.requireSignoff })}
        />
        <div>
          <FieldError id={id('requireSignoff')} message={e.requireSignoff} />
          <label for={id('requireSignoff')}>Require sign-off</label>
          <p class="hint" id={`${id('requireSignoff')}-hint`}>
            What the office says on an enquiry with this topic (its response and replies) needs sign-off, whatever the
            office’s usual rule.
          </p>
        </div>
      </div>
      <Field
        id={id('assignTo')}
        name="assignTo"
        label="Assign new enquiries to (optional)"
        hint="A new enquiry that gets this topic at intake is assigned to them (the first such topic by name)."
        error={e.assignTo}
        as="select"
      >
        <option value="">Nobody</option>
        {p.choices.officers.map((o) => (
          <option value={o.id} selected={v.assignTo === o.id}>
            {o.name}
          </option>
        ))}
      </Field>
    </>
  );
}

/** The form's values of a stored topic. */
function storedValues(t: Topic): Partial<Record<TopicField, string>> {
  return {
    name: t.name,
    terms: t.terms,
    suggestLine: t.suggest_line_id ?? '',
    requireSignoff: t.require_signoff ? 'yes' : '',
    assignTo: t.assign_to ?? '',
  };
}

/** What a topic does, in a few words: "Assigns to Kim Lee; requires sign-off; suggests line 12". */
function rulesText(
  t: Pick<TopicListed, 'assignee_name' | 'require_signoff' | 'suggest_line_id' | 'line_title'>,
): string {
  const rules = [
    t.suggest_line_id ? `suggests line ${t.suggest_line_id}${t.line_title ? ` (${t.line_title})` : ''}` : '',
    t.require_signoff ? 'requires sign-off' : '',
    t.assignee_name ? `assigns to ${t.assignee_name}` : '',
  ].filter(Boolean);
  return rules.length ? rules.join('; ').replace(/^./, (c) => c.toUpperCase()) : '—';
}

/** The topics list page's content. */
export interface TopicsPageProps {
  session: DeskSession;
  office: OfficeConfig;
  topics: TopicListed[];
  choices: TopicChoices;
  notice?: string;
  /** A refused or checked add form. */
  problem?: TopicProblem;
  reach?: TermsReach | null;
}

/** Topics (`/desk/topics`, managers): every topic with its rules and use, and the add form. */
export function TopicsPage(p: TopicsPageProps) {
  const csrf = p.session.session.csrf_token;
  const errors = p.problem?.errors ?? {};
  return (
    <ManagerPage
      title="Topics"
      office={p.office}
      session={p.session}
      current={TOPICS_PATH}
      form={{ errors, ids: topicFieldId, order: ORDER }}
      notice={p.notice}
    >
      <h1>Topics</h1>
      <p class="hint">
        What enquiries are about. Each enquiry gets one or more: suggested when it arrives by a topic’s search words,
        and changed by any officer on its page. The queue filters by topic. Topics stay when a journalist’s data is
        erased, so the figures still add up. A new or changed rule applies to enquiries arriving within 30 seconds.
      </p>
      {p.topics.length ? (
        <table class="stack">
          <caption class="visually-hidden">
            Topics: {p.topics.filter((t) => !t.archived_at).length} in use, with their rules and how many enquiries of
            the last {RECENT_DAYS} days have them
          </caption>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Suggested for</th>
              <th scope="col">Rules</th>
              <th scope="col">Enquiries ({RECENT_DAYS} days)</th>
            </tr>
          </thead>
          <tbody>
            {p.topics.map((t) => (
              <tr id={`topic-row-${t.id}`} class={t.archived_at ? 'is-disabled' : undefined}>
                <td data-label="Topic">
                  <a href={`${TOPICS_PATH}/${t.id}`}>{t.name}</a>
                  {t.archived_at ? <strong> (archived)</strong> : null}
                </td>
                <td data-label="Suggested for" class="break">
                  {t.terms ? <code>{t.terms}</code> : <span class="hint">By hand only</span>}
                </td>
                <td data-label="Rules">{rulesText(t)}</td>
                <td data-label={`Enquiries (${RECENT_DAYS} days)`}>
                  <a href={`/desk?status=all&topic=${t.id}`}>{t.recent}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No topics yet. Add the subjects the office is asked about most.</p>
      )}

      <form method="post" action={TOPICS_PATH} novalidate class="manager-form" aria-labelledby="add-topic-title">
        <h2 id="add-topic-title">Add a topic</h2>
        <Csrf token={csrf} />
        <TopicFields values={p.problem?.values ?? {}} errors={errors} choices={p.choices} reach={p.reach} />
        <button type="submit" class="button">
          Add topic
        </button>{' '}
        <button type="submit" class="button button--secondary" name="check" value="yes">
          Check terms
        </button>
      </form>
    </ManagerPage>
  );
}

/** One topic's page content. */
export interface TopicPageProps {
  session: DeskSession;
  office: OfficeConfig;
  now: Date;
  topic: Topic;
  choices: TopicChoices;
  /** How many of the last 30 days' enquiries its stored terms match (null: no terms). */
  storedReach: TermsReach | null;
  notice?: string;
  problem?: TopicProblem;
  reach?: TermsReach | null;
}

/** One topic (`/desk/topics/:id`, managers): what its terms reach, the edit form, archive or bring back. */
export function TopicPage(p: TopicPageProps) {
  const t = p.topic;
  const csrf = p.session.session.csrf_token;
  const errors = p.problem?.errors ?? {};
  const base = `${TOPICS_PATH}/${t.id}`;
  return (
    <ManagerPage
      title={`${t.name} – Topics`}
      office={p.office}
      session={p.session}
      current={TOPICS_PATH}
      back={{ href: TOPICS_PATH, label: 'All topics' }}
      form={{ errors, ids: topicFieldId, order: ORDER }}
      notice={p.notice}
    >
      <h1>
        {t.name}
        {t.archived_at ? ' (archived)' : ''}
      </h1>
      <dl class="summary">
        <dt>Suggested for</dt>
        <dd>{t.terms ? <code>{t.terms}</code> : 'By hand only (no search words)'}</dd>
        <dt>Reach</dt>
        <dd>{p.storedReach ? `Its words match ${reachText(p.storedReach)}.` : '—'}</dd>
        <dt>Added</dt>
        <dd>
          {formatShortTime(t.created_at, p.office, p.now)} by {t.created_by}
        </dd>
        <dt>Enquiries</dt>
        <dd>
          <a href={`/desk?status=all&topic=${t.id}`}>Enquiries with this topic</a>
        </dd>
      </dl>

      <form method="post" action={base} novalidate class="manager-form" aria-labelledby="edit-topic-title">
        <h2 id="edit-topic-title">Change the topic</h2>
        <Csrf token={csrf} />
        <TopicFields
          values={p.problem?.values ?? storedValues(t)}
          errors={errors}
          choices={p.choices}
          reach={p.reach}
        />
        <button type="submit" class="button">
          Save changes
        </button>{' '}
        <button type="submit" class="button button--secondary" name="check" value="yes">
          Check terms
        </button>
      </form>

      <section aria-labelledby="archive-title">
        <h2 id="archive-title">{t.archived_at ? 'Bring it back' : 'Archive'}</h2>
        <p class="hint" id="archive-hint">
          {t.archived_at
            ? 'It is suggested at intake, offered to officers and in the queue’s filter again.'
            : 'It is no longer suggested at intake, offered to officers or in the queue’s filter; enquiries that have it keep it, and the figures still count it.'}
        </p>
        <form method="post" action={`${base}/${t.archived_at ? 'unarchive' : 'archive'}`} class="inline-form">
          <Csrf token={csrf} />
          <button
            type="submit"
            class={`button ${t.archived_at ? '' : 'button--secondary'}`}
            aria-describedby="archive-hint"
          >
            {t.archived_at ? 'Bring back' : 'Archive'}
            <span class="visually-hidden"> {t.name}</span>
          </button>
        </form>
      </section>
    </ManagerPage>
  );
}

/** The enquiry page's topics box: the id of its fieldset (errors link to it). */
export const TOPICS_BOX_ID = 'topics';

/**
 * The enquiry page's "Topics" box: the enquiry's topics (those a rule gave it marked suggested),
 * and a form any officer uses to change them: a box for each topic in use (and each archived one
 * the enquiry has, so that saving keeps it unless unticked).
 */
export function TopicsPanel(props: {
  reference: string;
  topics: EnquiryTopicView[];
  /** Topics in use (not archived), by name. */
  available: Array<{ id: string; name: string }>;
  csrf: string;
  error?: string;
}) {
  const has = new Set(props.topics.map((t) => t.id));
  const boxes = [
    ...props.available,
    ...props.topics.filter((t) => t.archived).map((t) => ({ id: t.id, name: `${t.name} (archived)` })),
  ];
  return (
    <section class="panel topics-panel" aria-labelledby="topics-title">
      <h2 id="topics-title">Topics</h2>
      {props.topics.length ? (
        <ul class="topic-list">
          {props.topics.map((t) => (
            <li>
              {t.name}
              {t.source === 'rule' ? <span class="hint"> (suggested)</span> : null}
              {t.require_signoff ? <span class="hint"> · requires sign-off</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>None yet.</p>
      )}
      {boxes.length ? (
        <form method="post" action={`/desk/enquiries/${props.reference}/topics`} class="action">
          <Csrf token={props.csrf} />
          <input type="hidden" name="form" value="topics" />
          <fieldset
            id={TOPICS_BOX_ID}
            class={`field${props.error ? ' field--error' : ''}`}
            aria-describedby={describedBy(TOPICS_BOX_ID, { error: props.error })}
            tabindex={-1}
          >
            <legend>Change the topics</legend>
            <FieldError id={TOPICS_BOX_ID} message={props.error} />
            {boxes.map((t) => (
              <div class="checkbox">
                <input type="checkbox" id={`topic-${t.id}`} name="topics" value={t.id} checked={has.has(t.id)} />
                <label for={`topic-${t.id}`}>{t.name}</label>
              </div>
            ))}
          </fieldset>
          <button class="button button--secondary" type="submit">
            Save topics
          </button>
        </form>
      ) : (
        <p class="hint">No topics have been set up: a manager adds them under Topics.</p>
      )}
    </section>
  );
}

/** Each topic's suggested line, near the response box: "Suggested line for Flooding: 12 · River levels". */
export function SuggestedLines(props: { topics: EnquiryTopicView[] }) {
  const withLine = props.topics.filter((t) => t.line_id);
  if (!withLine.length) return null;
  return (
    <ul class="suggested-lines" aria-label="Suggested lines to take">
      {withLine.map((t) => (
        <li>
          Suggested line for {t.name}:{' '}
          <a href={`/desk/lines/${t.line_id}`}>
            {t.line_id} · {t.line_title}
          </a>
        </li>
      ))}
    </ul>
  );
}
