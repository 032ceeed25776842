import { type Context, Hono } from 'hono';
import { AppError, errorBody, validationFields } from '../http/errors.js';
import { allValues, firstValue } from '../http/form-schema.js';
import { isRowIdDigits } from '../ids.js';
import { actorOf, rowId } from '../web/handlers.js';
import { deskSession, type DeskEnv, requireManager } from '../web/session.js';
import {
  type LineErrors,
  type LineValues,
  lineForm,
  templateForm,
  type TemplateErrors,
  withdrawForm,
} from './lines.forms.js';
import type { LineRow } from './lines.repository.js';
import { type LineLibrary, officeDay } from './lines.service.js';
import { LINE_STATES, type LineState } from './lines.tables.js';
import { LineFormPage, LinePage, LINES_PATH, LinesPage, WithdrawLinePage } from './lines.views.js';
import { TemplatePage, TemplatesPage, TEMPLATES_PATH } from './templates.views.js';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
const LINE_NOTICES: Partial<Record<string, string>> = {
  added: 'The line has been added. Officers can insert it now.',
  updated: 'Changes saved.',
  superseded: 'Saved as a new line: the old one is kept, as sent, and replaced by this one.',
  withdrawn: 'The line has been withdrawn. The enquiries it was used for are listed below.',
};
const TEMPLATE_NOTICES: Partial<Record<string, string>> = {
  added: 'The template has been added. Officers can insert it now.',
  updated: 'Changes saved.',
  archived: 'The template has been archived: it is no longer offered.',
};

/** The stored line as the form shows it. */
function storedValues(l: LineRow, topics: string[], office: Config['office']): LineValues {
  return {
    title: l.title,
    text: l.text,
    approvedBy: l.approved_by,
    approvedOn: officeDay(l.approved_at, office),
    reviewBy: l.review_by ?? '',
    incident: l.incident_id ?? '',
    topics,
  };
}

/**
 * The library of lines to take and the reply templates (`/desk/lines…`): every officer lists,
 * searches and reads lines, and the insert widget asks `GET /desk/lines/suggest`; managers add,
 * change, replace and withdraw lines and keep the templates. Thin: the service checks and audits.
 */
export function lineRoutes(deps: { clock: Clock; config: Pick<Config, 'office'>; lines: LineLibrary }) {
  const app = new Hono<DeskEnv>();
  const office = deps.config.office;
  const lines = deps.lines;

  /**
   * The insert widget's suggestions (JSON, a stable contract): `{ items: Suggestion[] }`, at most
   * 8; `enquiry` (a reference) ranks its topics' lines first and fills templates from it.
   */
  app.get('/lines/suggest', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const reference = c.req.query('enquiry')?.trim();
    let enquiry = null;
    if (reference) {
      enquiry = (await lines.enquiryByReference(reference)) ?? null;
      if (!enquiry)
        return c.json(errorBody(new AppError('not_found', `There is no enquiry ${reference.slice(0, 20)}`)), 404);
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ items: await lines.suggest(q, { enquiry }) });
  });

  app.get('/lines', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const topicQ = c.req.query('topic') ?? '';
    const topic = isRowIdDigits(topicQ) ? topicQ : '';
    const stateQ = c.req.query('state') ?? 'current';
    const state: LineState | 'all' =
      stateQ === 'all' || (LINE_STATES as readonly string[]).includes(stateQ)
        ? (stateQ as LineState | 'all')
        : 'current';
    const [found, choices] = await Promise.all([
      lines.list({ q, topicId: topic || null, state, limit: 200 }),
      lines.choices(),
    ]);
    const now = deps.clock();
    return c.html(
      <LinesPage
        session={deskSession(c)}
        office={office}
        lines={found}
        review={(l) => lines.reviewState(l, now)}
        topics={choices.topics}
        filter={{ q, topic, state }}
        notice={LINE_NOTICES[c.req.query('done') ?? '']}
      />,
    );
  });

  async function renderForm(
    c: Context<DeskEnv>,
    status: 200 | 422,
    mode: 'add' | 'edit' | 'supersede',
    values: LineValues,
    errors: LineErrors,
    line?: LineRow,
  ) {
    const choices = await lines.choices();
    // A line's own incident stays offered once it is closed.
    if (line?.incident_id && !choices.incidents.some((i) => i.id === line.incident_id))
      choices.incidents.push({
        id: line.incident_id,
        name: (await lines.incidentName(line.incident_id)) ?? `Incident ${line.incident_id}`,
      });
    const used = line ? await lines.wasUsed(line.id) : false;
    c.status(status);
    return c.html(
      <LineFormPage
        session={deskSession(c)}
        office={office}
        mode={mode}
        line={line}
        used={used}
        values={values}
        errors={errors}
        topics={choices.topics}
        incidents={choices.incidents}
      />,
    );
  }

  /** The posted line form checked, as the service saves it; or the form again with every problem (422). */
  async function posted(c: Context<DeskEnv>, keepIncident: string | null) {
    // Repeated fields kept (the topic boxes); the form reads the first value of each of its own.
    const body = await c.req.parseBody({ all: true });
    const topics = allValues(body, 'topic');
    const parsed = lineForm.parse(body);
    const values: LineValues = { ...lineForm.typed(body), topics };
    if (!parsed.ok) return { values, errors: parsed.errors as LineErrors };
    try {
      return { values, input: await lines.lineInput(parsed.values, topics, keepIncident) };
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return { values, errors: errors as LineErrors };
    }
  }

  app.get('/lines/new', requireManager, (c) => renderForm(c, 200, 'add', { approvedOn: lines.today() }, {}));

  app.post('/lines', requireManager, async (c) => {
    const r = await posted(c, null);
    if (!r.input) return renderForm(c, 422, 'add', r.values, r.errors ?? {});
    const id = await lines.add(actorOf(c), r.input);
    return c.redirect(`${LINES_PATH}/${id}?done=added`, 303);
  });

  // Reply templates (managers: the desk guards every path under /lines/templates). Before the
  // lines' `/lines/:id` routes, which would otherwise take `templates` for an id.

  async function renderTemplates(
    c: Context<DeskEnv>,
    status: 200 | 422,
    values: Record<string, string> = {},
    errors: TemplateErrors = {},
  ) {
    c.status(status);
    return c.html(
      <TemplatesPage
        session={deskSession(c)}
        office={office}
        templates={await lines.templates({ archived: true })}
        values={values}
        errors={errors}
        notice={status === 200 ? TEMPLATE_NOTICES[c.req.query('done') ?? ''] : undefined}
      />,
    );
  }

  app.get('/lines/templates', (c) => renderTemplates(c, 200));

  app.post('/lines/templates', async (c) => {
    const body = await c.req.parseBody({ all: true });
    const parsed = templateForm.parse(body);
    if (!parsed.ok) return renderTemplates(c, 422, templateForm.typed(body), parsed.errors);
    await lines.addTemplate(actorOf(c), parsed.values);
    return c.redirect(`${TEMPLATES_PATH}?done=added`, 303);
  });

  async function renderTemplate(
    c: Context<DeskEnv>,
    status: 200 | 422,
    values?: Record<string, string>,
    errors: TemplateErrors = {},
  ) {
    const id = rowId(c, 'template');
    const template = await lines.template(id);
    if (!template) throw new AppError('not_found', `There is no template ${id}.`);
    c.status(status);
    return c.html(
      <TemplatePage
        session={deskSession(c)}
        office={office}
        template={template}
        values={values ?? { title: template.title, body: template.body }}
        errors={errors}
        notice={status === 200 ? TEMPLATE_NOTICES[c.req.query('done') ?? ''] : undefined}
      />,
    );
  }

  app.get('/lines/templates/:id', (c) => renderTemplate(c, 200));

  app.post('/lines/templates/:id', async (c) => {
    const id = rowId(c, 'template');
    const body = await c.req.parseBody({ all: true });
    const parsed = templateForm.parse(body);
    if (!parsed.ok) return renderTemplate(c, 422, templateForm.typed(body), parsed.errors);
    await lines.editTemplate(actorOf(c), id, parsed.values);
    return c.redirect(`${TEMPLATES_PATH}/${id}?done=updated`, 303);
  });

  app.post('/lines/templates/:id/archive', async (c) => {
    const id = rowId(c, 'template');
    await lines.archiveTemplate(actorOf(c), id);
    return c.redirect(`${TEMPLATES_PATH}?done=archived`, 303);
  });

  async function lineOr404(c: Context<DeskEnv>): Promise<LineRow> {
    const id = rowId(c, 'line');
    const line = await lines.find(id);
    if (!line) throw new AppError('not_found', `There is no line ${id}.`);
    return line;
  }

  app.get('/lines/:id', async (c) => {
    const line = await lineOr404(c);
    const [topics, uses, incident] = await Promise.all([
      lines.topicsOf(line.id),
      lines.uses(line.id),
      line.incident_id ? lines.incidentName(line.incident_id) : Promise.resolve(undefined),
    ]);
    const now = deps.clock();
    return c.html(
      <LinePage
        session={deskSession(c)}
        office={office}
        now={now}
        line={line}
        topics={topics.names}
        incident={incident}
        review={lines.reviewState(line, now)}
        uses={uses}
        notice={LINE_NOTICES[c.req.query('done') ?? '']}
      />,
    );
  });

  app.get('/lines/:id/edit', requireManager, async (c) => {
    const line = await lineOr404(c);
    const topics = await lines.topicsOf(line.id);
    return renderForm(c, 200, 'edit', storedValues(line, topics.ids, office), {}, line);
  });

  app.post('/lines/:id', requireManager, async (c) => {
    const line = await lineOr404(c);
    const r = await posted(c, line.incident_id);
    if (!r.input) return renderForm(c, 422, 'edit', r.values, r.errors ?? {}, line);
    const saved = await lines.edit(actorOf(c), line.id, r.input);
    return c.redirect(`${LINES_PATH}/${saved.id}?done=${saved.superseded ? 'superseded' : 'updated'}`, 303);
  });

  app.get('/lines/:id/supersede', requireManager, async (c) => {
    const line = await lineOr404(c);
    const topics = await lines.topicsOf(line.id);
    const values = { ...storedValues(line, topics.ids, office), approvedOn: lines.today(), reviewBy: '' };
    return renderForm(c, 200, 'supersede', values, {}, line);
  });

  app.post('/lines/:id/supersede', requireManager, async (c) => {
    const line = await lineOr404(c);
    const r = await posted(c, line.incident_id);
    if (!r.input) return renderForm(c, 422, 'supersede', r.values, r.errors ?? {}, line);
    const id = await lines.supersede(actorOf(c), line.id, r.input);
    return c.redirect(`${LINES_PATH}/${id}?done=superseded`, 303);
  });

  async function renderWithdraw(
    c: Context<DeskEnv>,
    line: LineRow,
    status: 200 | 422,
    error?: string,
    reason?: string,
  ) {
    c.status(status);
    return c.html(
      <WithdrawLinePage
        session={deskSession(c)}
        office={office}
        now={deps.clock()}
        line={line}
        uses={await lines.uses(line.id)}
        error={error}
        reason={reason}
      />,
    );
  }

  app.get('/lines/:id/withdraw', requireManager, async (c) => {
    const line = await lineOr404(c);
    if (line.state !== 'current') return c.redirect(`${LINES_PATH}/${line.id}`, 303);
    return renderWithdraw(c, line, 200);
  });

  app.post('/lines/:id/withdraw', requireManager, async (c) => {
    const line = await lineOr404(c);
    const body = await c.req.parseBody({ all: true });
    const parsed = withdrawForm.parse(body);
    if (!parsed.ok) return renderWithdraw(c, line, 422, parsed.errors.reason, firstValue(body, 'reason'));
    await lines.withdraw(actorOf(c), line.id, parsed.values.reason);
    return c.redirect(`${LINES_PATH}/${line.id}?done=withdrawn`, 303);
  });

  return app;
}
