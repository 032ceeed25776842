import { createHash, randomBytes } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { formatOfficeTime } from '../hours/format.js';
import { officeStatus } from '../hours/office-hours.js';
import { looksLikeBearerToken } from '../http/bearer-token.js';
import { pageLanguage } from '../http/language-switch.js';
import { apiRoute, mountApiRoute, type BodyCheck } from '../http/api-route.js';
import { readFormBody } from '../http/body.js';
import { AppError } from '../http/errors.js';
import { t } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';
import { formErrors } from './enquiry.errors.js';
import { STATUS_PREFIX, statusUrl } from './status-link.js';
import type { EnquiryService, PageSender } from './enquiries.service.js';
import {
  apiOnlyFieldsSchema,
  ENQUIRY_FIELDS,
  enquiryFieldsSchema,
  parseEnquiryInput,
  type EnquiryInput,
} from './enquiry.input.js';
import { submitOutcomeSchema } from './enquiry.outcome.js';
import { ConfirmationPage, EnquiryFormPage, type FormValues } from './enquiry.views.js';
import { normaliseReference } from './reference.js';
import { displayPhone } from './urgency.js';

export interface EnquiryRouteDeps {
  service: EnquiryService;
  config: Pick<Config, 'office' | 'intake' | 'onCall' | 'publicBaseUrl'> & {
    twilio: Pick<Config['twilio'], 'allowedCountries'>;
  };
  clock: Clock;
  /**
   * Who sent this request, for the page budget (`intake.pageRateLimit`, per client address);
   * spent only by an enquiry that would page. Absent: no budget.
   */
  pageSender?: (c: Context) => PageSender;
}

/**
 * The receipt cookie: set with the 303 after a form submission, scoped to that enquiry's
 * confirmation path, so only the browser that sent the enquiry sees its receipt. It holds a
 * random token; the enquiry keeps only its SHA-256 (see `EnquiryService.confirmation`).
 */
const RECEIPT_COOKIE = 'pd_receipt';
/** The status link's token, beside the receipt for the same path: the confirmation page shows the link it was given at submission. */
const STATUS_COOKIE = 'pd_status';
const RECEIPT_SECONDS = 86_400;
const NO_RECEIPT_MESSAGE =
  'There is no recent enquiry with that reference. If you sent one earlier, your reference is still valid: quote it when you contact us.';

/** SHA-256 (hex) of a receipt token: what the enquiry stores instead of the token. */
export function receiptHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const HONEYPOT_MESSAGE = 'Leave the field headed “Leave this field empty” empty';

function isFormContentType(c: Context): boolean {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

/**
 * What the form says about now: whether anyone is reading enquiries, and what "urgent" leads to
 * out of hours. Without paging, promising that urgent enquiries reach someone would be a lie.
 */
function formStatus(deps: EnquiryRouteDeps, lang: Lang = 'en'): { officeStatusLine: string; urgentHint: string } {
  const now = deps.clock();
  const s = officeStatus(now, deps.config.office);
  if (lang !== 'en') return formStatusIn(deps, lang, s, now);
  const at = (d: DateTime) => formatOfficeTime(d, deps.config.office, DateTime.fromJSDate(now));
  const callTheLine = `call the out-of-hours line on ${displayPhone(deps.config.onCall.fallbackNumber)}`;
  const urgentHint = deps.service.pagingEnabled
    ? 'Out of hours, an urgent enquiry alerts the on-call press officer straight away.'
    : `Out of hours, for anything urgent, also ${callTheLine}.`;
  if (s.open)
    return {
      officeStatusLine: `The press office is open now${s.nextClosing ? ` until ${at(s.nextClosing)}` : ''}.`,
      urgentHint,
    };
  const until = s.nextOpening ? ` until ${at(s.nextOpening)}` : '';
  const urgent = deps.service.pagingEnabled
    ? 'Urgent enquiries still reach the on-call press officer.'
    : `For anything urgent, ${callTheLine}.`;
  return { officeStatusLine: `The press office is closed${until}. ${urgent}`, urgentHint };
}

/** `formStatus` in a language other than English, from the catalogue. */
function formStatusIn(
  deps: EnquiryRouteDeps,
  lang: Lang,
  s: ReturnType<typeof officeStatus>,
  now: Date,
): { officeStatusLine: string; urgentHint: string } {
  const at = (d: DateTime) => formatOfficeTime(d, deps.config.office, DateTime.fromJSDate(now), lang);
  const phone = displayPhone(deps.config.onCall.fallbackNumber);
  const paging = deps.service.pagingEnabled;
  const urgentHint = paging ? t(lang, 'web.form.urgentHintPaged') : t(lang, 'web.form.urgentHintCall', { phone });
  if (s.open) {
    const line = s.nextClosing ? t(lang, 'web.form.openUntil', { time: at(s.nextClosing) }) : t(lang, 'web.form.open');
    return { officeStatusLine: line, urgentHint };
  }
  const closed = s.nextOpening
    ? t(lang, 'web.form.closedUntil', { time: at(s.nextOpening) })
    : t(lang, 'web.form.closed');
  const urgent = paging ? t(lang, 'web.form.urgentPaged') : t(lang, 'web.form.urgentCall', { phone });
  return { officeStatusLine: `${closed} ${urgent}`, urgentHint };
}

/** The page budget's sender of one request (undefined: no page limit). */
function pageSenderOf(deps: EnquiryRouteDeps): (c: Context) => PageSender | undefined {
  return (c) => deps.pageSender?.(c);
}

/**
 * The public form takes submissions only from its own pages: another site must not be able to
 * make its visitors' browsers send enquiries (and page the on-call phone). Refused with 403 when
 * the browser says the request is cross-site (`Sec-Fetch-Site`), or its `Origin` is neither
 * PUBLIC_BASE_URL's nor the Host it was sent to. Clients that send neither header (servers,
 * curl, old browsers) are let through: they could as well use the JSON API, which stays open.
 */
export function refuseCrossSiteForms(publicBaseUrl: string): MiddlewareHandler {
  const ours = new URL(publicBaseUrl).origin;
  return async (c, next) => {
    const origin = c.req.header('origin');
    const crossSite = c.req.header('sec-fetch-site') === 'cross-site';
    if (crossSite || (origin !== undefined && origin !== ours && !sameHost(origin, c.req.header('host')))) {
      throw new AppError(
        'forbidden',
        `This enquiry came from another website, so it was not accepted and nothing was stored. Open the form at ${publicBaseUrl}/ and send your enquiry from there.`,
      );
    }
    await next();
  };
}

/** True when `origin`'s host and port are `host` (the request's own Host header). */
function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" and other non-URLs are foreign
  }
}

/**
 * The public web form: `GET /` shows it, `POST /enquiries` stores an enquiry and redirects (303)
 * to its confirmation, or re-shows the form (422) with the journalist's values and errors.
 */
export function enquiryFormRoutes(deps: EnquiryRouteDeps) {
  const app = new Hono();
  const officeName = deps.config.office.name;
  const pageSender = pageSenderOf(deps);
  const offered = deps.config.office.languages;

  app.get('/', (c) => {
    const lang = pageLanguage(c, offered);
    return c.html(
      <EnquiryFormPage officeName={officeName} {...formStatus(deps, lang)} lang={lang} offered={offered} />,
    );
  });

  app.post('/enquiries', async (c) => {
    if (!isFormContentType(c)) {
      throw new AppError(
        'unsupported_media_type',
        'Send the form as application/x-www-form-urlencoded or multipart/form-data',
      );
    }
    // A malformed multipart body (no or wrong boundary, cut short) makes the parser throw a
    // TypeError: that is the sender's mistake (400), not ours (500).
    const body = await readFormBody(c).catch((err) => {
      if (err instanceof AppError) throw err;
      throw new AppError('bad_request', 'The form could not be read. Go back to the form and send it again.');
    });
    // A repeated field (a tampered or doubled submission) counts once: the first value wins.
    const values: FormValues = {};
    for (const key of [...ENQUIRY_FIELDS, 'website'] as const) {
      const v = body[key];
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string') values[key] = first;
    }
    // The language the form was shown in (its hidden field): the enquiry's language from now on.
    const chosen = Array.isArray(body.language) ? body.language[0] : body.language;
    const lang = pageLanguage(c, offered, typeof chosen === 'string' ? chosen : null);
    const now = deps.clock();
    const parsed = parseEnquiryInput(values, {
      now: DateTime.fromJSDate(now),
      timezone: deps.config.office.timezone,
      allowedCountries: deps.config.twilio.allowedCountries,
    });
    const errors: Record<string, string> = parsed.ok ? {} : formErrors(lang, parsed.fields, parsed.problems);
    if (values.website) errors.website = lang === 'en' ? HONEYPOT_MESSAGE : t(lang, 'web.error.honeypot');
    if (!parsed.ok || Object.keys(errors).length > 0) {
      c.status(422);
      return c.html(
        <EnquiryFormPage
          officeName={officeName}
          {...formStatus(deps, lang)}
          values={values}
          errors={errors}
          lang={lang}
          offered={offered}
        />,
      );
    }
    const receipt = randomBytes(24).toString('base64url');
    const { outcome } = await deps.service.submit(parsed.value, 'web', {
      language: lang,
      sender: pageSender(c),
      receiptHash: receiptHash(receipt),
      acknowledge: true,
    });
    const path = `/enquiries/${outcome.reference}/confirmation`;
    const cookie = {
      path,
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.config.publicBaseUrl.startsWith('https:'),
      maxAge: RECEIPT_SECONDS,
    } as const;
    setCookie(c, RECEIPT_COOKIE, receipt, cookie);
    const statusToken = outcome.statusUrl?.split(STATUS_PREFIX)[1];
    if (statusToken) setCookie(c, STATUS_COOKIE, statusToken, cookie);
    // The confirmation in the language the form was in (the cookies' path has no query).
    return c.redirect(offered.length > 1 ? `${path}?lang=${lang}` : path, 303);
  });

  // Only the browser that sent the enquiry sees its receipt (issue 12, finding 9): without its
  // cookie nothing is even looked up, so an unknown reference and someone else's answer alike.
  app.get('/enquiries/:reference/confirmation', async (c) => {
    const reference = normaliseReference(c.req.param('reference'));
    const token = getCookie(c, RECEIPT_COOKIE);
    const found = reference && token ? await deps.service.confirmation(reference, receiptHash(token)) : null;
    c.header('Cache-Control', 'private, no-store');
    if (!found) throw new AppError('not_found', NO_RECEIPT_MESSAGE);
    const statusToken = getCookie(c, STATUS_COOKIE);
    const link =
      statusToken && looksLikeBearerToken(statusToken) ? statusUrl(deps.config.publicBaseUrl, statusToken) : null;
    // The page carries a bearer link: keep it out of Referer headers and caches.
    c.header('Referrer-Policy', 'no-referrer');
    const lang = pageLanguage(c, offered, c.req.query('lang') ?? found.language);
    return c.html(
      <ConfirmationPage
        lang={lang}
        nextStepLang={found.language}
        offered={offered}
        officeName={officeName}
        reference={found.reference}
        nextStep={found.nextStep}
        urgent={found.urgent}
        statusUrl={link}
        acknowledgedTo={found.acknowledgedTo}
      />,
    );
  });

  return app;
}

/** `POST /api/enquiries`, declared: the handler below and the OpenAPI document both come from it. */
export const submitEnquiryRoute = apiRoute({
  method: 'post',
  path: '/enquiries',
  summary: 'Submit a media enquiry',
  body: { name: 'EnquiryInput', schema: enquiryFieldsSchema.extend(apiOnlyFieldsSchema.shape), noun: 'the enquiry' },
  responses: {
    201: {
      description: 'Stored. The reference is final and the next step is what will actually happen.',
      body: { name: 'EnquiryReceipt', schema: submitOutcomeSchema },
    },
    400: { description: 'Malformed JSON, or a body that is not an object' },
    413: { description: 'Body over the size limit' },
    415: { description: 'Content-Type is not application/json' },
    422: { description: 'One or more fields are invalid; `fields` says which and why' },
    429: { description: 'Too many requests from this address; see Retry-After' },
    503: { description: 'Temporarily unavailable; nothing was stored; see Retry-After' },
  },
});

/** `POST /api/enquiries`: the JSON intake for newsroom systems. Mounted under `/api`. */
export function enquiryApiRoutes(deps: EnquiryRouteDeps) {
  const app = new Hono();
  const pageSender = pageSenderOf(deps);

  mountApiRoute(app, submitEnquiryRoute, {
    validate: (raw): BodyCheck<{ enquiry: EnquiryInput; acknowledge: boolean; language?: Lang }> => {
      const now = deps.clock();
      const ctx = { timezone: deps.config.office.timezone, allowedCountries: deps.config.twilio.allowedCountries };
      const parsed = parseEnquiryInput(raw, { now: DateTime.fromJSDate(now), ...ctx });
      const fields: Record<string, string> = parsed.ok ? {} : { ...parsed.fields };
      const website = raw.website;
      if (website !== undefined && website !== null && website !== '') fields.website = 'website must be empty';
      const apiOnly = apiOnlyFieldsSchema.safeParse(raw);
      if (!apiOnly.success) {
        // Each API-only field named by its own message (an unknown `language` is refused, never guessed).
        for (const issue of apiOnly.error.issues) {
          const key = String(issue.path[0] ?? 'acknowledge');
          fields[key] ??=
            key === 'acknowledge' ? (issue.message ?? 'acknowledge must be true or false') : issue.message;
        }
      }
      if (!parsed.ok || !apiOnly.success || Object.keys(fields).length > 0) return { ok: false, fields };
      const { acknowledge, language } = apiOnly.data;
      return { ok: true, value: { enquiry: parsed.value, acknowledge, language } };
    },
    handle: async (c, { body }) => {
      // Acknowledged by email or text like the form only when asked (`acknowledge`; the 201's
      // `acknowledgedBy` says how).
      const options = { sender: pageSender(c), acknowledge: body.acknowledge, language: body.language };
      const { outcome } = await deps.service.submit(body.enquiry, 'api', options);
      // No Location header: the confirmation page is only for the browser that sent a form (its
      // receipt cookie), so it would be a 404 for an API client. The journalist's status page
      // (statusUrl) is the enquiry's address.
      return c.json(outcome, 201);
    },
  });

  return app;
}
