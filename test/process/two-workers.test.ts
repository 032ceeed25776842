/**
 * Scaling out: one web process and two worker processes against one database. A burst of 50
 * urgent enquiries must give exactly 50 page SMS, one per enquiry, none doubled, whichever
 * worker takes which job. And they share Twilio's SMS rate (issue 14, item 3): together they
 * never send more than `twilio.smsPerSecond` (10 by default) in any one second at the fake
 * Twilio, a backlog of 100 texts to journalists all go, once each, and an urgent page queued
 * behind them goes before the rest of them. (One file, one set of processes: another file of
 * three more service processes next to scale-out's would run the test server out of connections.)
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  burstEnquiry,
  inParallel,
  openProcessFixture,
  postEnquiry,
  type ProcessFixture,
} from '../support/process-fixture.js';
import { maxPerSecond, pagePosition, queueJournalistTexts, until } from '../support/send-rates.js';
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
      .select([
        'enquiry.reference',
        'page_step.action',
        'page_step.state',
        'outbound_message.provider_sid',
        'page_step.step_index',
      ])
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

describe('two worker processes share the SMS rate', () => {
  const RATE = 10; // twilio.smsPerSecond's default
  const TEXTS = 100;

  it(`send 100 texts and a page, never more than ${RATE} a second together, each once, the page before the rest`, {
    timeout: 90_000,
  }, async () => {
    onTestFailed(() => console.error(describeOutputs([web, ...workers])));
    const { database, fake } = fixture;
    fake.reset();
    const bodies = await database.db.transaction().execute((tx) => queueJournalistTexts(tx, TEXTS, new Date()));
    await until(() => fake.messages.length >= 10, 20_000, 'the backlog to start');
    const sentBefore = fake.messages.length;
    const res = await postEnquiry(web.baseUrl!, {
      name: 'Ann Reporter',
      outlet: 'Evening Gazette',
      phone: '+447911123401',
      subject: 'Fire at the depot',
      details: 'Need a line tonight',
      urgent: true,
    });
    expect(res.status).toBe(201);
    await until(() => fake.messages.length >= TEXTS + 1, 60_000, 'the backlog and the page');
    await new Promise((r) => setTimeout(r, 2_000)); // anything doubled would show now

    const { index, textsAfter } = pagePosition(fake.messages, FALLBACK_NUMBER);
    console.log(
      `send limits (two workers): SMS max per second ${maxPerSecond(fake.messages)}, page at ${index + 1} of ${TEXTS + 1}, queued after ${sentBefore}, texts after it ${textsAfter}`,
    );
    expect(maxPerSecond(fake.messages)).toBeLessThanOrEqual(RATE);
    const texts = fake.messages.filter((m) => m.to !== FALLBACK_NUMBER).map((m) => m.body);
    expect(texts.sort()).toEqual([...bodies].sort());
    expect(fake.messages.filter((m) => m.to === FALLBACK_NUMBER)).toHaveLength(1);
    // The page waits at most for a worker to be free and for the texts already holding a slot.
    expect(textsAfter).toBeGreaterThanOrEqual(TEXTS - sentBefore - 10);
    expect(index).toBeLessThan(TEXTS / 2);
  });
});
