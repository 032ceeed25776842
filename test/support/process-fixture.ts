/**
 * What every process-level test (test/process) stands on: a fresh database for the file and a
 * fake Twilio, service processes started against both, and one teardown that leaves nothing
 * running. Unlike service-process.ts this needs vitest (the database comes from the global
 * setup), so scripts and benchmarks keep using service-process.ts directly.
 */
import { createTestDatabase, type TestDatabase } from './db.js';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.js';
import { startService, stopAllServices, type ServiceOptions, type ServiceProcess } from './service-process.js';

/** A database and a fake Twilio shared by the service processes of one test file (or one test). */
export interface ProcessFixture {
  readonly database: TestDatabase;
  readonly fake: FakeTwilio;
  /** The processes `start` brought up, in the order they became ready: for `describeOutputs`. */
  readonly services: ServiceProcess[];
  /** `startService` wired to this database and fake Twilio; resolves once the process is ready. */
  start(opts?: Omit<ServiceOptions, 'databaseUrl' | 'twilio'>): Promise<ServiceProcess>;
  /**
   * Stops every service process (not only this fixture's: `stopAllServices`), then closes the
   * fake and drops the database, in that order, so no process is left writing to a dropped one.
   */
  close(): Promise<void>;
}

/**
 * Creates the database and starts the fake Twilio. Assign the result before starting services,
 * so that the teardown (`fixture?.close()`) still runs if a service then fails to start.
 */
export async function openProcessFixture(): Promise<ProcessFixture> {
  const [database, fake] = await Promise.all([createTestDatabase(), startFakeTwilio()]);
  const services: ServiceProcess[] = [];
  return {
    database,
    fake,
    services,
    async start(opts = {}) {
      const p = await startService({ ...opts, databaseUrl: database.url, twilio: fake });
      services.push(p);
      return p;
    },
    async close() {
      await stopAllServices();
      await fake.close();
      await database.drop();
    },
  };
}

/** POSTs `enquiry` as JSON to `/api/enquiries` of a web process; the answer is left for the caller to read. */
export function postEnquiry(baseUrl: string, enquiry: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseUrl}/api/enquiries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(enquiry),
  });
}

/**
 * The `i`-th enquiry of a burst from one newsroom. Phone and subject carry `i`, so every enquiry
 * of a burst is a separate one and its page SMS can be told apart from the others.
 */
export function burstEnquiry(i: number, urgent: boolean): Record<string, unknown> {
  return {
    name: `Reporter ${i}`,
    outlet: 'Evening Gazette',
    phone: `+4479111234${String(i).padStart(2, '0')}`,
    subject: `Major incident, question ${i}`,
    details: 'Need a line tonight',
    urgent,
  };
}

/**
 * Calls `send(0)` … `send(count - 1)`, at most `parallel` at a time (a burst, not a load test),
 * and resolves to the results in the order they finished. Rejects with the first failure.
 */
export async function inParallel<T>(count: number, parallel: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) results.push(await send(next++));
    }),
  );
  return results;
}
