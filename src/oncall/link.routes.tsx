import { findIncident } from '../incidents/incident.repository.js';
import { randomBytes } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { AppError, errorBody } from '../http/errors.js';
import type { HoldingLines } from '../incidents/holding-line.service.js';
import type { IncidentService } from '../incidents/incident.service.js';
import {
  LINK_ACTIONS,
  LINK_PREFIX,
  linkCsrf,
  linkCsrfMatches,
  OnCallLinks,
  type LinkAction,
  type LinkView,
} from './link.service.js';
import {
  ACTION_FIELD,
  DECLARE_FIELD,
  isLineOutcome,
  isLinkNotice,
  type LinkSignOffProps,
  LinkGonePage,
  LinkPage,
  type LinkPageProps,
} from './link.views.js';
import { onCallActor, type OnCallActions } from './oncall-actions.service.js';
import type { QuestionService } from '../colleagues/questions.service.js';
import type { QuestionsPanelProps } from '../colleagues/questions.views.js';
import { ASK_IDS } from '../colleagues/questions.views.js';
import { readAskForm, type AskErrors } from '../colleagues/question.forms.js';
import { allValues, firstValue } from '../http/form-schema.js';
import type { SignOffService } from '../statements/signoff.service.js';
import { SIGNOFF_IDS, type SignOffField } from '../statements/signoff.views.js';
import type { LineLibrary } from '../lines/lines.service.js';

/** What the link's routes need: the on-call actions, incidents (declared from the view) and the settings for wording and expiry. */
export interface LinkRouteDeps {
  db: Db;
  clock: Clock;
  onCallActions: OnCallActions;
  incidents: Pick<IncidentService, 'declare'>;
  /** The incident's line, shown on the link and sent to this one journalist (the desk's own send). */
  holdingLines: Pick<HoldingLines, 'lineForEnquiry' | 'sendToEnquiry'>;
  /** Questions to colleagues: asked from the link as from the desk (issue 26, item 6). */
  questions: QuestionService;
  /** The response's sign-off: requested from the link as from the desk (issue 26, item 6). */
  signOff: Pick<SignOffService, 'viewOf' | 'request' | 'saveDraft'>;
  /** The library of lines and templates: searched from the view's boxes, templates filled from the link's enquiry (issue 28). */
  lines: Pick<LineLibrary, 'suggest'>;
  config: Pick<Config, 'office' | 'onCall' | 'statements'> & { twilio: Pick<Config['twilio'], 'phoneNumber'> };
}

/**
 * Headers of every answer under /m/ (the view, its redirects, its errors). Mounted before the
 * app's secure headers' own Referrer-Policy would apply, because the token is in the path:
 * `no-referrer` keeps it out of the Referer of everything the page loads or links to (even our
 * own stylesheet); `no-store` keeps the page, which acts as the officer, out of every cache;
 * `X-Robots-Tag` keeps a leaked link out of search engines (the shared layout has no head slot
 * for a robots meta tag).
 */
export const linkResponseHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('Referrer-Policy', 'no-referrer');
  c.res.headers.set('Cache-Control', 'no-store');
  c.res.headers.set('X-Robots-Tag', 'noindex, nofollow');
};

// Link previews fetch a URL to draw a card, on the officer's phone or in a messenger's servers:
// WhatsApp, iMessage (facebookexternalhit), Slack, Telegram, Teams/Skype, Discord, LinkedIn and
// the like. None of them is the officer opening the page.
const PREVIEW_AGENT =
  /facebookexternalhit|facebot|twitterbot|whatsapp|slackbot|slack-imgproxy|telegrambot|skypeuripreview|discordbot|linkedinbot|iframely|embedly|redditbot|pinterest|vkshare|viber|snapchat|bitlybot|google-pagerenderer|applebot|mastodon/i;

/**
 * Whether a GET of the view is the officer opening it, as opposed to a HEAD, a browser's
 * prefetch or prerender (`Purpose`, `Sec-Purpose`, `X-Moz`), a preview (`X-Purpose`) or a
 * link-preview robot: only an opening is recorded on the timeline and in the audit log.
 */
export function isPageLoad(req: { method: string; header(name: string): string | undefined }): boolean {
  if (req.method !== 'GET') return false;
  const purpose = [req.header('purpose'), req.header('sec-purpose'), req.header('x-purpose'), req.header('x-moz')].join(
    ' ',
  );
  if (/prefetch|prerender|preview/i.test(purpose)) return false;
  return !PREVIEW_AGENT.test(req.header('user-agent') ?? '');
}

/** The longest line search the link takes, in characters (the words of a title, not a paragraph). */
export const LINE_SEARCH_MAX = 200;

function formKey(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * The on-call officer's mobile view of one enquiry: `GET /m/{token}` shows it (and records that
 * it was opened, unless it was only a HEAD, prefetch or link preview: `isPageLoad`), `POST /m/{token}/{ack|call|reply|note|done|line}` acts on it (each one
 * acknowledging the page if it was not yet: `OnCallLinks.act`) and redirects back (303) to
 * the view with a notice; a user problem re-shows the view with the message beside the form (422,
 * text kept). Unknown, tampered and expired tokens all get the same 410 page; a form naming
 * another enquiry, or any other path under the token, 404. `GET /m/{token}/lines?q=` is the
 * boxes' line search (JSON `{items}`, templates filled from the link's enquiry; 404 JSON for a
 * token that opens nothing). No desk session is read or made here.
 */
export function onCallLinkRoutes(deps: LinkRouteDeps) {
  const { config, clock } = deps;
  const links = new OnCallLinks({ db: deps.db, clock, config, actions: deps.onCallActions, lines: deps.holdingLines });
  const app = new Hono();

  const gone = (c: Context) => {
    c.status(410);
    return c.html(
      <LinkGonePage
        office={config.office}
        pressOfficeNumber={config.twilio.phoneNumber}
        linkHours={config.onCall.linkHours}
      />,
    );
  };
  const base = (token: string) => `${LINK_PREFIX}${token}`;

  /** The view's questions panel: the enquiry's questions, whom the officer can ask, and a refused form's problems. */
  const questionsFor = async (
    enquiry: { id: string; status: string; respond_by: Date | null },
    ask?: Pick<QuestionsPanelProps, 'errors' | 'values'>,
  ): Promise<QuestionsPanelProps> => {
    const [questions, colleagues, suggestedDue] = await Promise.all([
      deps.questions.questionsOf(enquiry.id),
      deps.questions.askable(),
      deps.questions.suggestedDue(enquiry, ask?.values?.colleagues ?? []),
    ]);
    return {
      questions,
      colleagues,
      suggestedDue,
      emailEnabled: deps.questions.emailEnabled,
      canAsk: !['closed', 'withdrawn', 'erased'].includes(enquiry.status),
      directoryHref: null,
      ...ask,
    };
  };

  /** The view's sign-off panel, while the enquiry is open: its draft, whom to ask, and a refused form's problems. */
  const signOffFor = async (
    enquiry: LinkView['enquiry'],
    refused?: Pick<LinkSignOffProps, 'errors' | 'values'>,
  ): Promise<LinkSignOffProps | undefined> => {
    if (['closed', 'withdrawn', 'erased'].includes(enquiry.status)) return undefined;
    const [view, approvers, incident] = await Promise.all([
      deps.signOff.viewOf(enquiry),
      deps.questions.askable(),
      enquiry.incident_id ? findIncident(deps.db, enquiry.incident_id) : undefined,
    ]);
    return {
      view,
      rule: config.statements.signOff,
      approvers,
      emailEnabled: deps.questions.emailEnabled,
      // The incident's approver is ticked to start with, as on the desk.
      values: incident?.approver_id ? { approvers: [incident.approver_id] } : undefined,
      ...refused,
    };
  };

  /** The view of `token` as rendered for every answer: its forms' tokens, the questions and sign-off panels. */
  const page = async (
    token: string,
    view: LinkView,
    extra: Omit<LinkPageProps, 'office' | 'now' | 'base' | 'csrf' | 'formKey' | 'view' | 'questions' | 'signOff'> = {},
    ask?: Pick<QuestionsPanelProps, 'errors' | 'values'>,
    signOff?: Pick<LinkSignOffProps, 'errors' | 'values'>,
  ) => (
    <LinkPage
      office={config.office}
      now={clock()}
      base={base(token)}
      csrf={linkCsrf(token)}
      formKey={formKey()}
      view={view}
      questions={await questionsFor(view.enquiry, ask)}
      signOff={await signOffFor(view.enquiry, signOff)}
      {...extra}
    />
  );

  app.get(`${LINK_PREFIX}:token`, async (c) => {
    const token = c.req.param('token');
    const notice = c.req.query('done');
    const lineOutcome = c.req.query('line');
    // The redirect after an action is the same officer carrying on, and a HEAD, prefetch or link
    // preview is no one reading it: none of them is a new opening. (Hono answers a HEAD with this
    // route's headers and no body.)
    const view = await links.view(token, { record: !isLinkNotice(notice) && isPageLoad(c.req) });
    if (!view) return gone(c);
    return c.html(
      await page(token, view, {
        notice: isLinkNotice(notice) ? notice : undefined,
        acked: c.req.query('acked') === '1',
        lineOutcome: isLineOutcome(lineOutcome) ? lineOutcome : undefined,
      }),
    );
  });

  // The line search of the view's boxes (issue 28): the library's suggestions, templates filled
  // from this link's enquiry and no other (the token names it; nothing in the query can). A token
  // that opens nothing gets one JSON answer, as the view's one page.
  app.get(`${LINK_PREFIX}:token/lines`, async (c) => {
    const q = c.req.query('q') ?? '';
    if (q.length > LINE_SEARCH_MAX)
      return c.json(
        errorBody(new AppError('bad_request', `The search is too long: at most ${LINE_SEARCH_MAX} characters`)),
        400,
      );
    const enquiry = await links.enquiryOf(c.req.param('token'));
    if (!enquiry) return c.json(errorBody(new AppError('not_found', 'This link has expired or is not valid.')), 404);
    return c.json({ items: await deps.lines.suggest(q, { enquiry }) });
  });

  /** The posted form of the view, once it is known to come from the view (same site, the link's form token). */
  const readForm = async (c: Context, token: string) => {
    // A browser says when a form comes from another site; the form token below is the check
    // that does not depend on the browser telling.
    if (c.req.header('sec-fetch-site') === 'cross-site')
      throw new AppError('csrf', 'This form did not come from Press Desk. Open the link in the page text again.');
    const body = await c.req.parseBody().catch(() => {
      throw new AppError('bad_request', 'The form could not be read. Go back, reload the page and send it again.');
    });
    if (!linkCsrfMatches(token, body._csrf))
      throw new AppError(
        'csrf',
        'This form has expired or did not come from Press Desk. Open the link in the page text again and try once more.',
      );
    return (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  };

  // Registered before the actions' route, which would take "declare" for an unknown action.
  app.post(`${LINK_PREFIX}:token/declare`, async (c) => {
    const token = c.req.param('token');
    const str = await readForm(c, token);
    const view = await links.view(token, { record: false });
    if (!view) return gone(c);
    if (str('reference').trim().toUpperCase() !== view.enquiry.reference)
      throw new AppError('not_found', 'The page you asked for does not exist.');
    const input = { name: str('name'), terms: str('terms') };
    try {
      // Declared by on-call: acknowledged at once, so its later urgent enquiries go into summaries.
      await deps.incidents.declare(
        input,
        { kind: 'oncall', name: onCallActor(view.officer).email },
        { reference: view.enquiry.reference },
      );
      return c.redirect(`${base(token)}?done=declare`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      const fields = err.details.fields ?? {};
      const errors: Record<string, string> = {};
      for (const [k, id] of Object.entries(DECLARE_FIELD)) if (fields[k]) errors[id] = fields[k];
      if (!Object.keys(errors).length) errors[DECLARE_FIELD.name] = err.message;
      c.status(422);
      return c.html(
        await page(token, view, {
          errors,
          values: { [DECLARE_FIELD.name]: input.name, [DECLARE_FIELD.terms]: input.terms },
        }),
      );
    }
  });

  // Asking colleagues from the link (registered before the actions' route, like declare).
  app.post(`${LINK_PREFIX}:token/questions`, async (c) => {
    const token = c.req.param('token');
    // The form token is checked as for every other form of the view; the ticked colleagues repeat.
    await readForm(c, token);
    const raw = await c.req.parseBody({ all: true });
    const input = readAskForm(raw);
    const view = await links.view(token, { record: false });
    if (!view) return gone(c);
    if (
      String(raw.reference ?? '')
        .trim()
        .toUpperCase() !== view.enquiry.reference
    )
      throw new AppError('not_found', 'The page you asked for does not exist.');
    try {
      await deps.questions.ask(view.enquiry.reference, input, onCallActor(view.officer));
      return c.redirect(`${base(token)}?done=asked`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      const fields = (err.details.fields ?? {}) as AskErrors;
      const errors: Record<string, string> = {};
      for (const [k, v] of Object.entries(fields)) if (v) errors[ASK_IDS[k as keyof typeof ASK_IDS]] = v;
      c.status(422);
      return c.html(
        await page(token, view, { errors }, { errors: fields, values: { ...input, colleagues: input.colleagueIds } }),
      );
    }
  });

  // The response sent for sign-off from the link, or its draft saved (registered before the actions' route).
  for (const [path, send] of [
    ['signoff', true],
    ['draft', false],
  ] as const) {
    app.post(`${LINK_PREFIX}:token/${path}`, async (c) => {
      const token = c.req.param('token');
      await readForm(c, token);
      const raw = await c.req.parseBody({ all: true });
      const view = await links.view(token, { record: false });
      if (!view) return gone(c);
      if (firstValue(raw, 'reference').trim().toUpperCase() !== view.enquiry.reference)
        throw new AppError('not_found', 'The page you asked for does not exist.');
      const typed = {
        draft: firstValue(raw, 'draft'),
        via: firstValue(raw, 'via'),
        approvers: allValues(raw, 'approvers'),
      };
      const actor = onCallActor(view.officer);
      try {
        if (send)
          await deps.signOff.request(
            view.enquiry.reference,
            { text: typed.draft, colleagueIds: typed.approvers, via: typed.via },
            actor,
          );
        else await deps.signOff.saveDraft(view.enquiry.reference, typed.draft, actor);
        return c.redirect(`${base(token)}?done=${path}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'validation') throw err;
        const fields = (err.details.fields ?? {}) as Partial<Record<SignOffField, string>>;
        const errors: Record<string, string> = {};
        for (const [k, v] of Object.entries(fields)) if (v) errors[SIGNOFF_IDS[k as SignOffField]] = v;
        c.status(422);
        return c.html(await page(token, view, { errors }, undefined, { errors: fields, values: typed }));
      }
    });
  }

  app.post(`${LINK_PREFIX}:token/:action`, async (c) => {
    const token = c.req.param('token');
    const action = c.req.param('action');
    if (!(LINK_ACTIONS as readonly string[]).includes(action))
      throw new AppError('not_found', 'The page you asked for does not exist.');
    const act = action as LinkAction;
    const str = await readForm(c, token);
    const field = ACTION_FIELD[act];
    const text = act === 'call' || act === 'ack' ? '' : str(field);
    // `line` posts the id of the line the officer read (the field is named after the action).
    try {
      const result = await links.act(token, act, { reference: str('reference'), text, key: str('key') });
      if (result.kind === 'gone') return gone(c);
      if (result.kind === 'not_found') throw new AppError('not_found', 'The page you asked for does not exist.');
      // `acked`: this action is what acknowledged the page, which the notice says.
      return c.redirect(
        `${base(token)}?done=${act}${result.acknowledged ? '&acked=1' : ''}${result.line ? `&line=${result.line}` : ''}`,
        303,
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      const fields = err.details.fields ?? {};
      const message = fields[field] ?? Object.values(fields)[0] ?? err.message;
      const view = await links.view(token, { record: false });
      if (!view) return gone(c);
      c.status(422);
      return c.html(
        await page(token, view, { errors: { [field]: message }, values: act === 'line' ? {} : { [field]: text } }),
      );
    }
  });

  return app;
}
