import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const res = await h.postJson('/api/enquiries', { name: 'Ann Reporter', outlet: 'Gazette', email: 'ann@gazette.example', subject: 'A38', details: 'Why closed?', urgent: true });
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
    expect(Object.keys(input.properties)).toEqual([...Object.keys(enquiryFieldsSchema.shape), 'acknowledge']);
    expect(input.properties.acknowledge.default).toBe(false);
    expect(input.properties.name.maxLength).toBe(200);
    expect(input.properties.urgent.default).toBe(false);
    expect(doc.components.schemas.EnquiryReceipt.required).toEqual(Object.keys(submitOutcomeSchema.shape));
  });
});
