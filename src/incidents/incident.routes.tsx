import { Hono, type Context } from 'hono';
import { isRowId } from '../ids.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { actorOf, formFields, rowId } from '../web/handlers.js';
import { doneHref } from '../web/desk-links.js';
import { normaliseReference } from '../enquiries/reference.js';
import { AppError, validationFields } from '../http/errors.js';
import { holdingLineRoutes } from './holding-line.routes.js';
import type { HoldingLines, LineWithCounts } from './holding-line.service.js';
import type { IncidentService, IncidentView } from './incident.service.js';
import {
  incidentDetailsForm,
  type DeclareErrors,
  type DeclareValues,
  type IncidentPageErrors,
  type IncidentPageValues,
} from './incident.forms.js';
import { IncidentPage, IncidentsPage } from './incident.views.js';

// Confirmations after a redirect are chosen by a fixed key, never by text from the query string.
/** The confirmations the incident pages can show after a redirect (`done`). */
type IncidentDone = 'declared' | 'linked' | 'unlinked' | 'edited' | 'closed' | 'line-sent';

const NOTICES: Record<IncidentDone, (n: number) => string> = {
  declared: () => 'The incident is declared. New enquiries that match its search terms are linked as they arrive.',
  linked: (n) => (n === 1 ? 'The enquiry is linked to the incident.' : `${n} enquiries are linked to the incident.`),
  unlinked: () => 'The enquiry is unlinked: it is back in the queue on its own.',
  edited: (n) =>
    `The incident is changed. New enquiries that match its search terms are linked as they arrive; ${n} open ${n === 1 ? 'enquiry matches' : 'enquiries match'} them and ${n === 1 ? 'is' : 'are'} not linked yet.`,
  closed: () => 'The incident is closed. Its enquiries stay linked, and are in the queue as their own rows again.',
  'line-sent': (n) =>
    n === 0
      ? 'Nobody was waiting for this line: every linked journalist who can be reached has had it.'
      : `Line sent to ${n} ${n === 1 ? 'journalist' : 'journalists'}`,
};

/** After a send, the notice also names the linked enquiries nobody can reach (read now, never from the query string). */
function lineSentNotice(c: Context, lines: LineWithCounts[], notice: string | undefined): string | undefined {
  if (c.req.query('done') !== 'line-sent' || !notice || notice.endsWith('.')) return notice;
  const line = lines.find((l) => l.line.id === c.req.query('line'));
  const refs = line?.unreachableRefs ?? [];
  return refs.length ? `${notice}; ${refs.length} cannot be reached: ${refs.join(', ')}.` : `${notice}.`;
}

/** The list page's notice: only "declared" belongs there. */
function listNoticeOf(c: Context): string | undefined {
  return c.req.query('done') === 'declared' ? NOTICES.declared(1) : undefined;
}

/**
 * The incident page's notice, checked against the incident as it is (issue 23: a crafted link
 * cannot make the page say something false): "closed" only when it is closed, a count of linked
 * enquiries never more than are linked, the matches after an edit counted now, a line "sent to"
 * no more people than have had it or are being sent it, and nothing for a line not this incident's.
 */
function noticeOf(c: Context, view: IncidentView, lines: LineWithCounts[]): string | undefined {
  const done = c.req.query('done') ?? '';
  const asked = Number.parseInt(c.req.query('n') ?? '1', 10);
  const n = Number.isFinite(asked) && asked >= 0 ? asked : 1;
  switch (done) {
    case 'declared':
    case 'unlinked':
      return NOTICES[done](1);
    case 'closed':
      return view.incident.closed_at ? NOTICES.closed(1) : undefined;
    case 'linked':
      return view.linked.length ? NOTICES.linked(Math.min(n, view.linked.length)) : undefined;
    case 'edited':
      return NOTICES.edited(view.suggested.length);
    case 'line-sent': {
      // The fan-out may still be running: those it is sending to count as well as those who had it.
      const line = lines.find((l) => l.line.id === c.req.query('line'));
      if (!line) return undefined;
      if (n === 0) return line.notHad === 0 ? NOTICES['line-sent'](0) : undefined;
      const most = line.had + line.notHad;
      return most ? NOTICES['line-sent'](Math.min(n, most)) : undefined;
    }
    default:
      return undefined;
  }
}

/** `text` (a form field or the path's) as an enquiry reference; 404 when it cannot be one. */
function referenceIn(text: string | undefined): string {
  const ref = normaliseReference(text ?? '');
  if (!ref) throw new AppError('not_found', 'That is not an enquiry reference.');
  return ref;
}

export interface IncidentRouteDeps {
  clock: Clock;
  config: Pick<Config, 'office'>;
  incidents: IncidentService;
  holdingLines: HoldingLines;
}

/**
 * Incidents on the desk (under /desk, behind the session and CSRF checks): the list and the
 * declare form (`GET/POST /incidents`, declaring is for managers), one incident's page
 * (`GET /incidents/:id`), linking and unlinking (`POST /incidents/:id/link`, `/link-suggested`,
 * `/unlink`, and from an enquiry's page `POST /enquiries/:reference/incident` and
 * `/enquiries/:reference/incident/unlink`), closing (`POST /incidents/:id/close`, managers), and
 * the holding lines' own routes (`/incidents/:id/lines…`).
 */
export function incidentRoutes(deps: IncidentRouteDeps) {
  const app = new Hono<DeskEnv>();

  async function renderList(c: Context<DeskEnv>, status: 200 | 422, errors?: DeclareErrors, values?: DeclareValues) {
    const incidents = await deps.incidents.recent();
    c.status(status);
    const names = await deps.incidents.staffNames();
    return c.html(
      <IncidentsPage
        session={deskSession(c)}
        office={deps.config.office}
        now={deps.clock()}
        incidents={incidents}
        names={names}
        notice={status === 200 ? listNoticeOf(c) : undefined}
        errors={errors}
        values={values}
      />,
    );
  }

  /** The incident page; with `errors`, the new-line or edit form shown again beside its fields (422); `notice` instead of the query's. */
  async function renderIncident(
    c: Context<DeskEnv>,
    id: string,
    errors?: IncidentPageErrors,
    values?: IncidentPageValues,
    notice?: string,
  ) {
    const view = await deps.incidents.view(id);
    if (!view) throw new AppError('not_found', 'There is no such incident.');
    const lines = await deps.holdingLines.linesOf(view.incident.id);
    const signOff = await deps.holdingLines.signOffOf(
      view.incident,
      lines.map((l) => l.line),
    );
    const names = await deps.incidents.staffNames();
    const approverChoices = await deps.incidents.approverChoices();
    if (errors) c.status(422);
    return c.html(
      <IncidentPage
        session={deskSession(c)}
        office={deps.config.office}
        now={deps.clock()}
        view={view}
        lines={lines}
        signOff={signOff}
        approverChoices={approverChoices}
        names={names}
        notice={errors ? undefined : (notice ?? lineSentNotice(c, lines, noticeOf(c, view, lines)))}
        errors={errors}
        values={values}
      />,
    );
  }

  function requireManagerRole(c: Context<DeskEnv>, what: string): void {
    if (deskSession(c).user.role !== 'manager') throw new AppError('forbidden', `Only managers can ${what}.`);
  }

  app.get('/incidents', (c) => renderList(c, 200));

  app.post('/incidents', async (c) => {
    requireManagerRole(c, 'declare an incident');
    const body = await c.req.parseBody();
    const parsed = incidentDetailsForm.parse(body);
    if (!parsed.ok) return renderList(c, 422, parsed.errors, incidentDetailsForm.typed(body));
    let id: string;
    try {
      id = (await deps.incidents.declare(parsed.values, { kind: 'staff', actor: actorOf(c) })).id;
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      return renderList(c, 422, fields, incidentDetailsForm.typed(body));
    }
    return c.redirect(`/desk/incidents/${id}?done=declared`, 303);
  });

  app.get('/incidents/:id', (c) => renderIncident(c, rowId(c, 'incident')));

  app.post('/incidents/:id/link', async (c) => {
    const id = rowId(c, 'incident');
    const n = await deps.incidents.link(id, [referenceIn((await formFields(c)).reference)], actorOf(c));
    return c.redirect(`/desk/incidents/${id}?done=linked&n=${n}`, 303);
  });

  app.post('/incidents/:id/link-suggested', async (c) => {
    const id = rowId(c, 'incident');
    const n = await deps.incidents.linkSuggested(id, actorOf(c));
    return c.redirect(`/desk/incidents/${id}?done=linked&n=${n}`, 303);
  });

  app.post('/incidents/:id/unlink', async (c) => {
    const id = rowId(c, 'incident');
    await deps.incidents.unlink(referenceIn((await formFields(c)).reference), actorOf(c));
    return c.redirect(`/desk/incidents/${id}?done=unlinked`, 303);
  });

  // Name, description and terms (managers, as declaring): "Check matches" counts without saving.
  app.post('/incidents/:id/edit', async (c) => {
    requireManagerRole(c, 'change an incident');
    const id = rowId(c, 'incident');
    const body = await c.req.parseBody();
    const values = incidentDetailsForm.typed(body);
    const check = body.check === '1';
    const parsed = incidentDetailsForm.parse(body);
    if (!parsed.ok) return renderIncident(c, id, parsed.errors, values);
    let matches: number;
    try {
      matches = (await deps.incidents.edit(id, parsed.values, actorOf(c), { check })).matches;
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      return renderIncident(c, id, fields, values);
    }
    if (check) {
      const notice = `These terms match ${matches} open ${matches === 1 ? 'enquiry' : 'enquiries'} not linked yet. Nothing is saved until you press “Save changes”.`;
      return renderIncident(c, id, undefined, values, notice);
    }
    return c.redirect(`/desk/incidents/${id}?done=edited&n=${matches}`, 303);
  });

  // Who signs off what the office says about it (managers, as editing).
  app.post('/incidents/:id/approver', async (c) => {
    requireManagerRole(c, 'name an incident’s approver');
    const id = rowId(c, 'incident');
    const body = await c.req.parseBody();
    const approver = typeof body.approver === 'string' ? body.approver : '';
    try {
      await deps.incidents.setApprover(id, approver, actorOf(c));
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      return renderIncident(c, id, fields, {});
    }
    return c.redirect(`/desk/incidents/${id}`, 303);
  });

  app.post('/incidents/:id/close', async (c) => {
    requireManagerRole(c, 'close an incident');
    const id = rowId(c, 'incident');
    await deps.incidents.close(id, actorOf(c));
    return c.redirect(`/desk/incidents/${id}?done=closed`, 303);
  });

  // From the enquiry's page: back to it afterwards.
  app.post('/enquiries/:reference/incident', async (c) => {
    const reference = referenceIn(c.req.param('reference'));
    const body = await formFields(c);
    // The select starts on "Choose an incident": a press with nothing chosen links nothing.
    if (!(body.incident ?? '').trim()) {
      throw new AppError(
        'validation',
        'Choose an incident in “Link to an open incident” before pressing Link. Nothing was linked.',
        { fields: { incident: 'Choose an incident' } },
      );
    }
    if (!isRowId(body.incident ?? '')) throw new AppError('not_found', 'There is no such incident.');
    await deps.incidents.link(body.incident, [reference], actorOf(c));
    return c.redirect(doneHref(reference, 'linked'), 303);
  });

  app.post('/enquiries/:reference/incident/unlink', async (c) => {
    const reference = referenceIn(c.req.param('reference'));
    await deps.incidents.unlink(reference, actorOf(c));
    return c.redirect(doneHref(reference, 'unlinked'), 303);
  });

  app.route(
    '/',
    holdingLineRoutes({
      config: deps.config,
      holdingLines: deps.holdingLines,
      renderIncident: (c, id, errors, values) => renderIncident(c, id, errors, values),
    }),
  );

  return app;
}
