import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { API_ROUTES } from '../../src/features.js';
import { enquiryFieldsSchema } from '../../src/enquiries/enquiry.input.js';
import { submitOutcomeSchema } from '../../src/enquiries/enquiry.outcome.js';
import { officeHoursAnswerSchema } from '../../src/http/hours.routes.js';
import { startHarness, type Harness } from '../support/harness.js';

// Issue 13: the OpenAPI document is generated from these schemas, so the answers must fit them.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-24T18:00:00Z', config: { intake: { rateLimit: null } } });
});
afterAll(async () => h?.close());

describe('the OpenAPI document and the answers agree', () => {
  it('a 201 from POST /api/enquiries is exactly an EnquiryReceipt', async () => {
    const res = await h.postJson('/api/enquiries', {
      name: 'Ann Reporter',
      outlet: 'Gazette',
      email: 'ann@gazette.example',
      subject: 'A38',
      details: 'Why closed?',
      urgent: true,
    });
    expect(res.status).toBe(201);
    expect(submitOutcomeSchema.safeParse(await res.json()).success).toBe(true);
  });

  it('GET /api/office-hours is exactly an OfficeHours', async () => {
    const res = await h.app.request('/api/office-hours');
    expect(officeHoursAnswerSchema.strict().safeParse(await res.json()).success).toBe(true);
  });

  it('documents every field the intake reads, with the field schemas’ limits', async () => {
    const doc = await (await h.app.request('/api/openapi.json')).json();
    const input = doc.components.schemas.EnquiryInput;
    expect(Object.keys(input.properties)).toEqual([
      ...Object.keys(enquiryFieldsSchema.shape),
      'acknowledge',
      'language',
    ]);
    expect(input.properties.acknowledge.default).toBe(false);
    // Issue 31: the journalist's language, one of the catalogue's.
    expect(input.properties.language.enum).toEqual(['en', 'cy']);
    expect(input.properties.name.maxLength).toBe(200);
    expect(input.properties.urgent.default).toBe(false);
    expect(doc.components.schemas.EnquiryReceipt.required).toEqual(Object.keys(submitOutcomeSchema.shape));
  });
});

// Issue 25: the paths, methods and status codes are generated from the routes' declarations; each
// declared answer is one a request can actually get, and the routes answer nothing undeclared.
describe('the OpenAPI paths and the routes agree', () => {
  const valid = {
    name: 'Ann Reporter',
    outlet: 'Gazette',
    email: 'ann@gazette.example',
    subject: 'A38',
    details: 'Why closed?',
  };
  const post = (body: string, type = 'application/json') =>
    h.app.request('/api/enquiries', { method: 'POST', headers: { 'Content-Type': type }, body });

  /** For each declared `METHOD path code`, a request that gets that answer. */
  const produce: Record<string, () => Response | Promise<Response>> = {
    'post /api/enquiries 201': () => post(JSON.stringify(valid)),
    'post /api/enquiries 400': () => post('{"name":'),
    'post /api/enquiries 413': () => {
      const details = 'x'.repeat(h.config.intake.maxBodyBytes + 10);
      return post(JSON.stringify({ ...valid, details }));
    },
    'post /api/enquiries 415': () => post(JSON.stringify(valid), 'text/plain'),
    'post /api/enquiries 422': () => post(JSON.stringify({ ...valid, name: '' })),
    'post /api/enquiries 429': async () => {
      const config = { intake: { rateLimit: { points: 1, durationSeconds: 60 } } };
      const limited = await startHarness({ now: '2026-12-24T18:00:00Z', config });
      try {
        const send = () => limited.postJson('/api/enquiries', valid);
        expect((await send()).status).toBe(201);
        return await send();
      } finally {
        await limited.close();
      }
    },
    'post /api/enquiries 503': async () => {
      // The database going away mid-request, as `isDatabaseUnavailable` recognises it.
      const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const spy = vi.spyOn(h.services.enquiries, 'submit').mockRejectedValueOnce(down);
      try {
        return await post(JSON.stringify(valid));
      } finally {
        spy.mockRestore();
      }
    },
    'get /api/office-hours 200': () => h.app.request('/api/office-hours?at=2026-12-28T10:00:00Z'),
    'get /api/office-hours 400': () => h.app.request('/api/office-hours?at=yesterday'),
  };

  it('documents exactly the declared routes, methods and status codes', async () => {
    const doc = await (await h.app.request('/api/openapi.json')).json();
    const paths = Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>);
    const documented = paths.flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([method, op]) => Object.keys(op.responses).map((c) => `${method} ${path} ${c}`)),
    );
    expect(documented.sort()).toEqual(Object.keys(produce).sort());
    const operations = paths.flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(API_ROUTES.map((r) => `${r.method} /api${r.path}`)).toEqual(operations);
  });

  for (const [key, request] of Object.entries(produce)) {
    it(`${key}: a request gets that status, with the body the document names`, async () => {
      const doc = await (await h.app.request('/api/openapi.json')).json();
      const [method, path, code] = key.split(' ');
      const res = await request();
      expect(res.status).toBe(Number(code));
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      const ref: string = doc.paths[path][method].responses[code].content['application/json'].schema.$ref;
      const route = API_ROUTES.find((r) => `/api${r.path}` === path && r.method === method)!;
      const named = route.responses[Number(code)].body;
      if (named) {
        expect(ref).toBe(`#/components/schemas/${named.name}`);
        expect((named.schema as z.ZodObject).strict().safeParse(body).success).toBe(true);
      } else {
        expect(ref).toBe('#/components/schemas/Error');
        expect(body.error.code).toBeTypeOf('string');
        expect(Object.keys(body)).toEqual(['error']);
      }
    });
  }

  it('answers nothing undeclared: an unknown method on a declared path is not a documented success', async () => {
    expect((await h.app.request('/api/office-hours', { method: 'POST' })).status).toBe(404);
    expect((await h.app.request('/api/enquiries')).status).toBe(404);
  });
});
