/**
 * Issue 27, item 9, as deployed: a worker started with a wrong Twilio auth token finds out at
 * once (the account look-up at start, src/main.ts), and a separate web process, which measures
 * nothing itself, reports it on `/readyz` from the shared record; the log names the class, never
 * the token.
 */
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { openProcessFixture, type ProcessFixture } from '../support/process-fixture.js';
import { describeOutputs, waitUntil, type ServiceProcess } from '../support/service-process.js';

const WRONG_TOKEN = '0a0a0a0a0a0a0a0a0wrongtoken0a0a0';

let fixture: ProcessFixture;
let web: ServiceProcess;
let worker: ServiceProcess;

beforeAll(async () => {
  fixture = await openProcessFixture();
  [web, worker] = await Promise.all([
    fixture.start({ mode: 'web', name: 'web', env: { TWILIO_AUTH_TOKEN: WRONG_TOKEN } }),
    fixture.start({ mode: 'worker', name: 'worker', env: { TWILIO_AUTH_TOKEN: WRONG_TOKEN } }),
  ]);
}, 90_000);

afterAll(async () => {
  await fixture?.close();
});

it('a worker started with a wrong auth token: the web process reports paging failing (twilio_auth, 20003) at once', async () => {
  onTestFailed(() => console.error(describeOutputs([web, worker])));
  // Well within the minute the issue allows: the check runs as the worker starts.
  const ready = await waitUntil(
    'paging failing on the web process’s /readyz',
    async () => {
      const body = (await (await fetch(`${web.baseUrl}/readyz`)).json()) as {
        health?: { paging?: string };
        healthErrors?: unknown;
      };
      return body.health?.paging === 'failing' && body;
    },
    20_000,
  );
  expect(ready).toMatchObject({
    status: 'ready',
    paging: 'on',
    healthErrors: { paging: { errorClass: 'twilio_auth', code: 20003 } },
  });
  expect(fixture.fake.requests.map((r) => `${r.method} ${r.path} ${r.responseStatus}`)).toEqual([
    `GET /2010-04-01/Accounts/${fixture.fake.accountSid}.json 401`,
  ]);
  // The worker logs the change just after recording it, so its line may follow /readyz by a moment.
  const logged = await waitUntil(
    'the worker to log paging failing',
    () => worker.logs().some((l) => l.msg === 'paging is failing (twilio_auth)'),
    10_000,
  );
  expect(logged).toBe(true);
  expect(worker.output() + web.output()).not.toContain(WRONG_TOKEN);
});
