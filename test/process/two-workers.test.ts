/**
 * Scaling out: one web process and two worker processes against one database. A burst of 50
 * urgent enquiries must give exactly 50 page SMS, one per enquiry, none doubled, whichever
 * worker takes which job.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { burstEnquiry, inParallel, openProcessFixture, postEnquiry, type ProcessFixture } from '../support/process-fixture.js';
import { describeOutputs, FALLBACK_NUMBER, type ServiceProcess } from '../support/service-process.js';

const ENQUIRIES = 50;
/** Requests in flight at once while submitting (a newsroom burst, not a load test). */
const PARALLEL = 5;

let fixture: ProcessFixture;
let web: ServiceProcess;
let workers: ServiceProcess[];

beforeAll(async () => {
  fixture = await openProcessFixture();
  [web, ...workers] = await Promise.all([
    fixture.start({ mode: 'web', name: 'web' }),
    fixture.start({ mode: 'worker', name: 'worker-1' }),
    fixture.start({ mode: 'worker', name: 'worker-2' }),
  ]);
}, 90_000);

afterAll(async () => {
  await fixture?.close();
});

async function submit(i: number): Promise<string> {
  const res = await postEnquiry(web.baseUrl!, burstEnquiry(i, true));
  const body = (await res.json()) as { reference?: string; pagedOnCall?: boolean };
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect(body.pagedOnCall).toBe(true);
  return body.reference!;
}

/** Ids of the page_step jobs a worker process completed, from graphile-worker's log lines. */
function completedPageSteps(p: ServiceProcess): string[] {
  return p
    .logs()
    .map((l) => /^Completed task (\d+) \(page_step,/.exec(String(l.msg ?? ''))?.[1])
    .filter((id): id is string => id !== undefined);
}

describe('one web process and two worker processes on one database', () => {
  it('send exactly one page SMS for each of 50 urgent enquiries', { timeout: 90_000 }, async () => {
    onTestFailed(() => console.error(describeOutputs([web, ...workers])));
    const { database, fake } = fixture;
    const references = await inParallel(ENQUIRIES, PARALLEL, submit);
    expect(new Set(references).size).toBe(ENQUIRIES);

    await fake.waitForMessages(ENQUIRIES, 60_000);
    // Anything doubled would show up now.
    await new Promise((r) => setTimeout(r, 3_000));

    expect(fake.messages).toHaveLength(ENQUIRIES);
    expect(fake.messages.every((m) => m.to === FALLBACK_NUMBER)).toBe(true);
    for (const reference of references) {
      const carrying = fake.messages.filter((m) => m.body!.includes(reference));
      expect(carrying, `page SMS carrying ${reference}`).toHaveLength(1);
      expect(carrying[0].body!.split(reference)).toHaveLength(2); // the reference once in it
    }

    const steps = await database.db
      .selectFrom('page_step')
      .innerJoin('page', 'page.id', 'page_step.page_id')
      .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
      .leftJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
      .select(['enquiry.reference', 'page_step.action', 'page_step.state', 'outbound_message.provider_sid', 'page_step.step_index'])
      .execute();
    expect(steps).toHaveLength(ENQUIRIES);
    expect(steps.every((s) => s.action === 'sms' && s.state === 'sent' && s.step_index === 0)).toBe(true);
    expect(new Set(steps.map((s) => s.provider_sid)).size).toBe(ENQUIRIES);
    // Each step records the SID of the very message that carried its reference.
    const sidByReference = new Map(references.map((r) => [r, fake.messages.find((m) => m.body!.includes(r))!.sid]));
    for (const s of steps) expect(s.provider_sid).toBe(sidByReference.get(s.reference));

    // Both workers took part, and no job was completed by both.
    const [a, b] = workers.map(completedPageSteps);
    expect(a.length + b.length).toBe(ENQUIRIES);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect(a.length, `worker-1 completed ${a.length} page jobs, worker-2 ${b.length}`).toBeGreaterThan(0);
    expect(b.length, `worker-1 completed ${a.length} page jobs, worker-2 ${b.length}`).toBeGreaterThan(0);
  });
});
