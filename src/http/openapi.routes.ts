import { Hono } from 'hono';
import { LIMITS } from '../enquiries/enquiry.input.js';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code, e.g. validation, invalid_json, rate_limited' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Per-field messages (422 only)' },
      },
    },
  },
} as const;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** The OpenAPI 3.1 description of the public JSON API. */
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
      Error: errorSchema,
      EnquiryInput: {
        type: 'object',
        required: ['name', 'outlet', 'subject', 'details'],
        description: 'At least one of email and phone is required.',
        properties: {
          name: { type: 'string', maxLength: LIMITS.name },
          outlet: { type: 'string', maxLength: LIMITS.outlet },
          email: { type: 'string', format: 'email', maxLength: LIMITS.email },
          phone: { type: 'string', maxLength: LIMITS.phone, description: 'UK national or international format; stored as E.164' },
          subject: { type: 'string', maxLength: LIMITS.subject },
          details: { type: 'string', maxLength: LIMITS.details },
          deadline: {
            type: 'string',
            description: 'ISO-8601 with offset, or YYYY-MM-DDTHH:mm read in the office time zone; must be in the future',
          },
          urgent: { type: 'boolean', default: false },
        },
      },
      EnquiryReceipt: {
        type: 'object',
        required: ['reference', 'status', 'urgent', 'outOfHours', 'pagedOnCall', 'respondBy', 'nextStep', 'callOutOfHoursLine'],
        properties: {
          reference: { type: 'string', example: 'PD-7KM-4QX' },
          status: { type: 'string', enum: ['new', 'in_progress', 'waiting', 'answered', 'closed'] },
          urgent: { type: 'boolean' },
          outOfHours: { type: 'boolean' },
          pagedOnCall: { type: 'boolean', description: 'The on-call press officer is being alerted now' },
          respondBy: { type: ['string', 'null'], format: 'date-time' },
          nextStep: { type: 'string', description: 'What happens next, in words for the journalist' },
          callOutOfHoursLine: {
            type: ['string', 'null'],
            description:
              'E.164 number of the out-of-hours line when the journalist must call it themselves: urgent, out of hours, and nobody is being paged (paging is off, or too many pages came from this address). Otherwise null.',
          },
        },
      },
      OfficeHours: {
        type: 'object',
        required: ['open', 'at', 'nextOpening', 'nextClosing', 'reason'],
        properties: {
          open: { type: 'boolean' },
          at: { type: 'string', format: 'date-time' },
          nextOpening: { type: ['string', 'null'], format: 'date-time' },
          nextClosing: { type: ['string', 'null'], format: 'date-time' },
          reason: { type: 'string', example: 'Boxing Day (substitute day)' },
        },
      },
    },
  },
} as const;

/** `GET /api/openapi.json`. Mounted under `/api`. */
export function openApiRoutes() {
  const app = new Hono();
  app.get('/openapi.json', (c) => c.json(OPENAPI_DOCUMENT));
  return app;
}
