/**
 * Scale-out: two web processes (`--web`) and two job runners (`--worker`) on one database, the
 * office always closed (every urgent enquiry pages) and every page its own SMS (bundleSeconds 0).
 * A press officer's live queue is open on EACH web process (`GET /desk/events`, one session
 * cookie from signing in on the first: sessions live in PostgreSQL). A burst of 40 enquiries,
 * half urgent, alternates between the two web processes. Then:
 *  - every 201 has its row, as it was answered;
 *  - every urgent enquiry is paged exactly once, whichever worker took the job, and no other is;
 *  - both live queues saw every new reference (NOTIFY reaches every web process's LISTEN).
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  burstEnquiry,
  inParallel,
  openProcessFixture,
  postEnquiry,
  type ProcessFixture,
} from '../support/process-fixture.js';
import { type LiveQueue, openLiveQueue, signIn } from '../support/live-queue.js';
import { describeOutputs, FALLBACK_NUMBER, waitUntil, type ServiceProcess } from '../support/service-process.js';

const ENQUIRIES = 40;
/** Requests in flight at once (a newsroom burst, not a load test). */
const PARALLEL = 8;
const OFFICER = { email: 'duty.officer@press.example', password: 'scale-out-password-2026' };

let fixture: ProcessFixture;
let webs: ServiceProcess[] = [];
let workers: ServiceProcess[] = [];
const streams: LiveQueue[] = [];

beforeAll(async () => {
  fixture = await openProcessFixture();
  // The first web process creates the first manager (PRESSDESK_ADMIN_*) before the others start:
  // that start-up step is a check-then-insert, not meant to race with itself.
  const admin = { PRESSDESK_ADMIN_EMAIL: OFFICER.email, PRESSDESK_ADMIN_PASSWORD: OFFICER.password };
  const web1 = await fixture.start({ mode: 'web', name: 'web-1', env: admin });
  const [web2, ...ws] = await Promise.all([
    fixture.start({ mode: 'web', name: 'web-2' }),
    fixture.start({ mode: 'worker', name: 'worker-1' }),
    fixture.start({ mode: 'worker', name: 'worker-2' }),
  ]);
  webs = [web1, web2];
  workers = ws;
}, 90_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await fixture?.close();
});

interface Sent {
  reference: string;
  urgent: boolean;
  via: string;
  pagedOnCall: boolean;
}

async function submit(i: number): Promise<Sent> {
  const web = webs[i % 2];
  const urgent = i % 4 < 2; // half urgent, spread over both web processes
  const res = await postEnquiry(web.baseUrl!, burstEnquiry(i, urgent));
  const body = (await res.json()) as { reference?: string; pagedOnCall?: boolean; urgent?: boolean };
  expect(res.status, `${web.name}: ${JSON.stringify(body)}`).toBe(201);
  expect(body.urgent).toBe(urgent);
  return { reference: body.reference!, urgent, via: web.name, pagedOnCall: body.pagedOnCall! };
}

describe('two web processes and two workers on one database', () => {
  it('stores every enquiry, pages every urgent one exactly once, and shows every arrival on both live queues', {
    timeout: 90_000,
  }, async () => {
    onTestFailed(() => {
      console.error(
        `live queues: ${streams.map((s) => `${s.name} saw ${s.references.size} (${s.events.map((e) => e.event).join(',')})`).join('; ')}`,
      );
      console.error(describeOutputs([...webs, ...workers]));
    });

    const cookie = await signIn(webs[0].baseUrl!, OFFICER);
    for (const web of webs) streams.push(openLiveQueue(web.name, web.baseUrl!, cookie));
    await Promise.all(streams.map((s) => s.ready));

    const { database, fake } = fixture;
    const sent = await inParallel(ENQUIRIES, PARALLEL, submit);
    const urgent = sent.filter((s) => s.urgent);
    expect(sent).toHaveLength(ENQUIRIES);
    expect(urgent).toHaveLength(ENQUIRIES / 2);
    expect(new Set(sent.map((s) => s.reference)).size).toBe(ENQUIRIES);
    expect(new Set(sent.map((s) => s.via))).toEqual(new Set(['web-1', 'web-2']));
    expect(sent.every((s) => s.pagedOnCall === s.urgent)).toBe(true);

    // Every 201 has its row, as it was answered.
    const rows = await database.db
      .selectFrom('enquiry')
      .select(['reference', 'urgent', 'needs_on_call', 'channel'])
      .where(
        'reference',
        'in',
        sent.map((s) => s.reference),
      )
      .execute();
    expect(rows).toHaveLength(ENQUIRIES);
    const byReference = new Map(rows.map((r) => [r.reference, r]));
    for (const s of sent) {
      expect(byReference.get(s.reference), s.reference).toMatchObject({
        urgent: s.urgent,
        needs_on_call: s.urgent,
        channel: 'api',
      });
    }

    // Both live queues see every new reference, whichever web process took it.
    const all = sent.map((s) => s.reference);
    for (const s of streams) {
      await waitUntil(
        `${s.name}'s live queue to show all ${ENQUIRIES} enquiries (saw ${s.references.size})`,
        () => all.every((r) => s.references.has(r)),
        15_000,
        100,
      );
    }

    // Every urgent enquiry paged exactly once; the others not at all.
    await fake.waitForMessages(urgent.length, 60_000);
    await new Promise((r) => setTimeout(r, 3_000)); // anything doubled would arrive now
    expect(fake.messages).toHaveLength(urgent.length);
    expect(fake.messages.every((m) => m.to === FALLBACK_NUMBER)).toBe(true);
    for (const s of sent) {
      const carrying = fake.messages.filter((m) => m.body!.includes(s.reference));
      expect(carrying, `page SMS carrying ${s.reference} (urgent: ${s.urgent})`).toHaveLength(s.urgent ? 1 : 0);
    }
    const steps = await database.db
      .selectFrom('page_step')
      .innerJoin('page', 'page.id', 'page_step.page_id')
      .innerJoin('enquiry', 'enquiry.id', 'page.enquiry_id')
      .leftJoin('outbound_message', 'outbound_message.id', 'page_step.outbound_id')
      .select(['enquiry.reference', 'page_step.state', 'outbound_message.provider_sid'])
      .execute();
    expect(steps).toHaveLength(urgent.length);
    expect(new Set(steps.map((s) => s.reference))).toEqual(new Set(urgent.map((s) => s.reference)));
    expect(steps.every((s) => s.state === 'sent')).toBe(true);
    expect(new Set(steps.map((s) => s.provider_sid)).size).toBe(urgent.length);
  });
});
