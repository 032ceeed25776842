import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { formatOfficeTime } from '../hours/format.js';
import { officeStatus } from '../hours/office-hours.js';
import { AppError, validationError } from '../http/errors.js';
import type { EnquiryService } from './enquiries.service.js';
import { ENQUIRY_FIELDS, parseEnquiryInput } from './enquiry.input.js';
import { ConfirmationPage, EnquiryFormPage, type FormValues } from './enquiry.views.js';
import { normaliseReference } from './reference.js';

export interface EnquiryRouteDeps {
  service: EnquiryService;
  config: Pick<Config, 'office' | 'intake' | 'onCall'>;
  clock: Clock;
}

const HONEYPOT_MESSAGE = 'Leave the field headed “Leave this field empty” empty';

function isFormContentType(c: Context): boolean {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
}

/** One line on the form about whether anyone is reading enquiries right now. */
function officeStatusLine(deps: EnquiryRouteDeps): string {
  const now = deps.clock();
  const s = officeStatus(now, deps.config.office);
  const at = (d: DateTime) => formatOfficeTime(d, deps.config.office, DateTime.fromJSDate(now));
  if (s.open) return `The press office is open now${s.nextClosing ? ` until ${at(s.nextClosing)}` : ''}.`;
  const until = s.nextOpening ? ` until ${at(s.nextOpening)}` : '';
  return `The press office is closed${until}. Urgent enquiries still reach the on-call press officer.`;
}

/**
 * The public web form: `GET /` shows it, `POST /enquiries` stores an enquiry and redirects (303)
 * to its confirmation, or re-shows the form (422) with the journalist's values and errors.
 */
export function enquiryFormRoutes(deps: EnquiryRouteDeps) {
  const app = new Hono();
  const officeName = deps.config.office.name;

  app.get('/', (c) => c.html(<EnquiryFormPage officeName={officeName} officeStatusLine={officeStatusLine(deps)} />));

  app.post('/enquiries', async (c) => {
    if (!isFormContentType(c)) {
      throw new AppError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded or multipart/form-data');
    }
    // A malformed multipart body (no or wrong boundary, cut short) makes the parser throw a
    // TypeError: that is the sender's mistake (400), not ours (500).
    const body = await c.req.parseBody({ all: true }).catch(() => {
      throw new AppError('bad_request', 'The form could not be read. Go back to the form and send it again.');
    });
    // A repeated field (a tampered or doubled submission) counts once: the first value wins.
    const values: FormValues = {};
    for (const key of [...ENQUIRY_FIELDS, 'website'] as const) {
      const v = body[key];
      const first = Array.isArray(v) ? v[0] : v;
      if (typeof first === 'string') values[key] = first;
    }
    const now = deps.clock();
    const parsed = parseEnquiryInput(values, { now: DateTime.fromJSDate(now), timezone: deps.config.office.timezone });
    const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.fields };
    if (values.website) errors.website = HONEYPOT_MESSAGE;
    if (!parsed.ok || Object.keys(errors).length > 0) {
      c.status(422);
      return c.html(<EnquiryFormPage officeName={officeName} officeStatusLine={officeStatusLine(deps)} values={values} errors={errors} />);
    }
    const { outcome } = await deps.service.submit(parsed.value, 'web');
    return c.redirect(`/enquiries/${outcome.reference}/confirmation`, 303);
  });

  app.get('/enquiries/:reference/confirmation', async (c) => {
    const reference = normaliseReference(c.req.param('reference'));
    const found = reference ? await deps.service.confirmation(reference) : null;
    if (!found) {
      throw new AppError('not_found', 'There is no recent enquiry with that reference. If you sent one earlier, your reference is still valid: quote it when you contact us.');
    }
    return c.html(<ConfirmationPage officeName={officeName} reference={found.reference} nextStep={found.nextStep} urgent={found.urgent} />);
  });

  return app;
}

/** `POST /api/enquiries`: the JSON intake for newsroom systems. Mounted under `/api`. */
export function enquiryApiRoutes(deps: EnquiryRouteDeps) {
  const app = new Hono();

  app.post('/enquiries', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json' && !type.endsWith('+json')) {
      throw new AppError('unsupported_media_type', 'Send the enquiry as JSON with Content-Type: application/json');
    }
    const text = await c.req.text();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError('invalid_json', 'The request body is not valid JSON');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new AppError('bad_request', 'The request body must be a JSON object with the enquiry fields');
    }
    const now = deps.clock();
    const parsed = parseEnquiryInput(raw, { now: DateTime.fromJSDate(now), timezone: deps.config.office.timezone });
    const fields: Record<string, string> = parsed.ok ? {} : { ...parsed.fields };
    const website = (raw as Record<string, unknown>).website;
    if (website !== undefined && website !== null && website !== '') fields.website = 'website must be empty';
    if (!parsed.ok || Object.keys(fields).length > 0) throw validationError(fields);
    const { outcome } = await deps.service.submit(parsed.value, 'api');
    c.header('Location', `/enquiries/${outcome.reference}/confirmation`);
    return c.json(outcome, 201);
  });

  return app;
}
