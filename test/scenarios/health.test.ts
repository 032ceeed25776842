import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

const METRICS_TOKEN = 'scraper-token-0123456789abcdef';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-02T10:00:00Z', env: { METRICS_TOKEN } });
});
afterAll(async () => h?.close());

describe('health and metrics', () => {
  it('/healthz answers while the process runs', async () => {
    const res = await h.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is green when the database answers and every migration is applied', async () => {
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(200);
    // The shipped out-of-hours line is an 03 number: named (by its key) as one that cannot take texts, not a failure.
    // `health` is measured (test/scenarios/health-measured.test.ts): Twilio has not failed, email is not configured.
    expect(await res.json()).toEqual({
      status: 'ready',
      paging: 'on',
      health: { paging: 'ok', mailbox: 'off', smtp: 'off' },
      cannotTakeTexts: ['onCall.fallbackNumber'],
    });
  });

  it('/readyz stays ready while a channel is failing, and says which and why', async () => {
    await h.services.health.note('paging', { ok: false, errorClass: 'twilio_auth', code: 20003 });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ready',
      paging: 'on',
      health: { paging: 'failing', mailbox: 'off', smtp: 'off' },
      healthErrors: { paging: { errorClass: 'twilio_auth', code: 20003, since: '2026-12-02T10:00:00.000Z' } },
    });
    await h.services.health.note('paging', { ok: true });
    expect((await (await h.app.request('/readyz')).json()).health).toEqual({
      paging: 'ok',
      mailbox: 'off',
      smtp: 'off',
    });
  });

  it('/readyz is red when a migration is missing', async () => {
    const last = await h.database.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .orderBy('name' as never, 'desc')
      .executeTakeFirstOrThrow();
    await h.database.pool.query('DELETE FROM kysely_migration WHERE name = $1', [(last as { name: string }).name]);
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).pending).toEqual([(last as { name: string }).name]);
    await h.database.pool.query('INSERT INTO kysely_migration (name, timestamp) VALUES ($1, $2)', [
      (last as { name: string }).name,
      new Date().toISOString(),
    ]);
  });

  it('/metrics exposes request durations in Prometheus format', async () => {
    await h.app.request('/healthz');
    const res = await h.app.request('/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(
      /pressdesk_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
  });
});
