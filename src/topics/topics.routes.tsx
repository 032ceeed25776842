import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError, validationFields } from '../http/errors.js';
import { allValues } from '../http/form-schema.js';
import { doneHref } from '../web/desk-links.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { TOPIC_FIELDS, type TopicInput } from './topics.forms.js';
import type { TermsReach, TopicService } from './topics.service.js';
import { TopicPage, TopicsPage, reachText, type TopicProblem } from './topics.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const LIST_NOTICES: Partial<Record<string, string>> = {
  archived: 'The topic has been archived.',
};

const TOPIC_NOTICES: Partial<Record<string, string>> = {
  added: 'The topic has been added. New enquiries that match its words get it.',
  updated: 'Changes saved. New enquiries are matched by the new words.',
  unarchived: 'The topic is back in use.',
};

/** What a topics page shows beside its data: a refused or checked form, a confirmation, what the terms reach. */
type Shown = { problem?: TopicProblem; notice?: string; reach?: TermsReach | null };

/** The add or edit form's fields as typed (text only; anything else posted is ignored). */
function typed(body: Record<string, string>): TopicInput {
  return Object.fromEntries(TOPIC_FIELDS.map((f) => [f, body[f] ?? ''])) as TopicInput;
}

/**
 * Topics on the desk: the managers' list and its add form (`/desk/topics`), one topic's page with
 * its edit form and archive (`/desk/topics/:id…`, managers only: the feature's `managerOnly`),
 * and any officer's change of an enquiry's topics from its page
 * (`POST /desk/enquiries/:reference/topics`). Thin: the service checks and audits. "Check terms"
 * (the forms' second button, `check=yes`) checks the form and says how many of the last 30 days'
 * enquiries the terms would have matched, saving nothing.
 */
export function topicRoutes(deps: { clock: Clock; config: Pick<Config, 'office'>; topics: TopicService }) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;

  async function renderList(c: Context<DeskEnv>, status: 200 | 422, opts: Shown = {}) {
    const [topics, choices] = await Promise.all([deps.topics.list(), deps.topics.choices()]);
    c.status(status);
    return c.html(<TopicsPage session={deskSession(c)} office={office} topics={topics} choices={choices} {...opts} />);
  }

  async function renderOne(c: Context<DeskEnv>, id: string, status: 200 | 422, opts: Shown = {}) {
    const topic = await deps.topics.get(id);
    const [choices, storedReach] = await Promise.all([deps.topics.choices(), deps.topics.reach(topic.terms)]);
    c.status(status);
    return c.html(
      <TopicPage
        session={deskSession(c)}
        office={office}
        now={deps.clock()}
        topic={topic}
        choices={choices}
        storedReach={storedReach}
        {...opts}
      />,
    );
  }

  /** The notice after "Check terms": what the words would have matched (or that there are none to check). */
  const checked = (reach: TermsReach | null) =>
    reach ? `Not saved yet. These words would have matched ${reachText(reach)}.` : 'Not saved yet: no words to check.';

  app.get('/topics', (c) => renderList(c, 200, { notice: LIST_NOTICES[c.req.query('done') ?? ''] }));

  app.post('/topics', async (c) => {
    const body = await formFields(c);
    const input = typed(body);
    try {
      if (body.check === 'yes') {
        const reach = await deps.topics.preview(input, null);
        return renderList(c, 200, {
          problem: { form: 'add', errors: {}, values: input },
          reach,
          notice: checked(reach),
        });
      }
      const topic = await deps.topics.add(input, actorOf(c));
      return c.redirect(`/desk/topics/${topic.id}?done=added`, 303);
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderList(c, 422, { problem: { form: 'add', errors, values: input } });
    }
  });

  app.get('/topics/:id', (c) =>
    renderOne(c, rowId(c, 'topic'), 200, { notice: TOPIC_NOTICES[c.req.query('done') ?? ''] }),
  );

  app.post('/topics/:id', async (c) => {
    const id = rowId(c, 'topic');
    const body = await formFields(c);
    const input = typed(body);
    try {
      if (body.check === 'yes') {
        await deps.topics.get(id);
        const reach = await deps.topics.preview(input, id);
        return renderOne(c, id, 200, {
          problem: { form: 'edit', errors: {}, values: input },
          reach,
          notice: checked(reach),
        });
      }
      await deps.topics.edit(id, input, actorOf(c));
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return renderOne(c, id, 422, { problem: { form: 'edit', rowId: id, errors, values: input } });
    }
    return c.redirect(`/desk/topics/${id}?done=updated`, 303);
  });

  app.post('/topics/:id/archive', async (c) => {
    await deps.topics.setArchived(rowId(c, 'topic'), true, actorOf(c));
    return c.redirect('/desk/topics?done=archived', 303);
  });

  app.post('/topics/:id/unarchive', async (c) => {
    const id = rowId(c, 'topic');
    await deps.topics.setArchived(id, false, actorOf(c));
    return c.redirect(`/desk/topics/${id}?done=unarchived`, 303);
  });

  // From the enquiry's page (any officer): the ticked boxes are the enquiry's topics now.
  app.post('/enquiries/:reference/topics', async (c) => {
    const reference = normaliseReference(c.req.param('reference') ?? '');
    if (!reference) throw new AppError('not_found', 'That is not an enquiry reference.');
    const body = await c.req.parseBody({ all: true });
    const eventId = await deps.topics.change(reference, allValues(body, 'topics'), actorOf(c));
    return c.redirect(doneHref(reference, 'topics', eventId), 303);
  });

  return app;
}
