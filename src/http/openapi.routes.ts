import { Hono } from 'hono';
import { z } from 'zod';
import { apiOnlyFieldsSchema, enquiryFieldsSchema } from '../enquiries/enquiry.input.js';
import { submitOutcomeSchema } from '../enquiries/enquiry.outcome.js';
import { officeHoursAnswerSchema } from './hours.routes.js';
import { ERROR_STATUS, type ErrorCode, type errorBody } from './errors.js';

/** The error body every `/api/*` failure carries (see `errorBody`). */
const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).describe('Stable machine-readable code, e.g. validation, invalid_json, rate_limited'),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional().describe('Per-field messages (422 only)'),
  }),
});
// errorBody's return type and this schema must describe the same thing, both ways round.
type ErrorBody = ReturnType<typeof errorBody>;
const sameErrorBody: [ErrorBody, z.infer<typeof errorBodySchema>] extends [z.infer<typeof errorBodySchema>, ErrorBody] ? true : never = true;
void sameErrorBody;

/** A component schema from a zod schema: JSON Schema 2020-12, which OpenAPI 3.1 uses as is. */
function component(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Record<string, unknown>;
  return json;
}

/**
 * The request body as a client sends it. The fields' preprocessing supplies a value for an absent
 * optional field, which zod's JSON Schema cannot see; so `required` and each `default` come from
 * asking the schema itself what it makes of a missing field.
 */
function requestComponent(schema: z.ZodObject): Record<string, unknown> {
  const json = component(schema, 'input');
  const properties = json.properties as Record<string, Record<string, unknown>>;
  const required: string[] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    const missing = (field as z.ZodType).safeParse(undefined);
    if (!missing.success) required.push(key);
    else if (missing.data !== null) properties[key] = { ...properties[key], default: missing.data };
  }
  return { ...json, required };
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** The OpenAPI 3.1 description of the public JSON API, generated from the schemas the routes use. */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Press Desk public API',
    version: '1.0.0',
    description: 'Submit media enquiries to the press office and ask whether the office is open.',
  },
  paths: {
    '/api/enquiries': {
      post: {
        summary: 'Submit a media enquiry',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/EnquiryInput' } } },
        },
        responses: {
          '201': {
            description: 'Stored. The reference is final and the next step is what will actually happen.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/EnquiryReceipt' } } },
          },
          '400': errorResponse('Malformed JSON, or a body that is not an object'),
          '413': errorResponse('Body over the size limit'),
          '415': errorResponse('Content-Type is not application/json'),
          '422': errorResponse('One or more fields are invalid; `fields` says which and why'),
          '429': errorResponse('Too many requests from this address; see Retry-After'),
          '503': errorResponse('Temporarily unavailable; nothing was stored; see Retry-After'),
        },
      },
    },
    '/api/office-hours': {
      get: {
        summary: 'Whether the press office is open at an instant',
        parameters: [
          {
            name: 'at',
            in: 'query',
            required: false,
            description: 'ISO-8601 date-time with offset, or YYYY-MM-DDTHH:mm in office time. Default: now.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'Office state',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/OfficeHours' } } },
          },
          '400': errorResponse('`at` is not a date-time'),
        },
      },
    },
  },
  components: {
    schemas: {
      Error: component(errorBodySchema, 'output'),
      EnquiryInput: requestComponent(enquiryFieldsSchema.extend(apiOnlyFieldsSchema.shape)),
      EnquiryReceipt: component(submitOutcomeSchema, 'output'),
      OfficeHours: component(officeHoursAnswerSchema, 'output'),
    },
  },
};

/** `GET /api/openapi.json`. Mounted under `/api`. */
export function openApiRoutes() {
  const app = new Hono();
  app.get('/openapi.json', (c) => c.json(OPENAPI_DOCUMENT));
  return app;
}
