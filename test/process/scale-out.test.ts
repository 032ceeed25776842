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

/** Signs in through /desk/login as a browser does (login CSRF cookie + hidden field); returns the session cookie. */
async function signIn(baseUrl: string): Promise<string> {
  const page = await fetch(`${baseUrl}/desk/login`);
  const html = await page.text();
  const token = /name="_csrf"\s+value="([^"]*)"/.exec(html)?.[1];
  const loginCookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('pd_login_csrf='));
  expect(token, 'login form _csrf').toBeTruthy();
  expect(loginCookie, 'pd_login_csrf cookie').toBeTruthy();
  const res = await fetch(`${baseUrl}/desk/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie! },
    body: new URLSearchParams({
      _csrf: token!,
      email: OFFICER.email,
      password: OFFICER.password,
      next: '/desk',
    }).toString(),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(303);
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('pd_session='));
  expect(session, 'pd_session cookie').toBeTruthy();
  return session!;
}

/** A live queue as the desk page opens it: the SSE stream of one web process, parsed. */
interface LiveQueue {
  name: string;
  ready: Promise<void>;
  references: Set<string>;
  events: Array<{ event: string; data: string }>;
  close(): void;
}

function openLiveQueue(name: string, baseUrl: string, cookie: string): LiveQueue {
  const abort = new AbortController();
  const references = new Set<string>();
  const events: LiveQueue['events'] = [];
  let markReady!: () => void;
  let failReady!: (err: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    failReady = rej;
  });
  void (async () => {
    try {
      const res = await fetch(`${baseUrl}/desk/events`, {
        headers: { cookie, accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (res.status !== 200 || !res.body) throw new Error(`${name}: GET /desk/events answered ${res.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (!data.length) continue; // a keep-alive comment
          events.push({ event, data: data.join('\n') });
          if (event === 'ready') markReady();
          if (event === 'enquiry')
            references.add(String((JSON.parse(data.join('\n')) as { reference: string }).reference));
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) failReady(err);
    }
  })();
  return { name, ready, references, events, close: () => abort.abort() };
}

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

    const cookie = await signIn(webs[0].baseUrl!);
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
