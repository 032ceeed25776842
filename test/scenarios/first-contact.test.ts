/**
 * A new install tells the truth about itself: whether it can page the on-call officer (desk
 * banner, /readyz) and, before any staff account exists, how to create the first manager.
 */
import client from 'prom-client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createDb, createPool } from '../../src/db/database.js';
import { healthRoutes } from '../../src/http/health.routes.js';
import type { Logger } from '../../src/log.js';
import { FIRST_MANAGER_HINT } from '../../src/desk/users.service.js';
import { decodeEntities, deskClient, loginAs } from '../support/desk-client.js';
import { startHarness, type Harness } from '../support/harness.js';

// Wednesday 2 December 2026, 10:00 in London: the office is open.
const NOW = '2026-12-02T10:00:00Z';
const MANAGER = { name: 'Mona Manager', email: 'mona.manager@press.example', password: 'correct horse battery 1' };
const TEST = { userId: null, email: 'test' };
/** Environment of an install where nobody set the Twilio variables. */
const NO_TWILIO = { TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', TWILIO_PHONE_NUMBER: '' };

let h: Harness;
afterEach(async () => h?.close());

async function deskPages(harness: Harness): Promise<Record<string, string>> {
  await harness.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
  const mona = await loginAs(harness, MANAGER.email, MANAGER.password);
  const pages: Record<string, string> = {};
  for (const path of ['/desk', '/desk/reports', '/desk/rota', '/desk/users', '/desk/audit', '/desk/privacy']) {
    const res = await mona.get(path);
    expect(res.status, path).toBe(200);
    pages[path] = decodeEntities(res.body);
  }
  return pages;
}

describe('paging off: no Twilio credentials', () => {
  it('/readyz stays ready but says paging is off and which variables are missing', async () => {
    h = await startHarness({ now: NOW, env: { TWILIO_AUTH_TOKEN: '' } });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(200);
    // The shipped out-of-hours line is an 03 number: also named, by its key, as one that cannot take texts.
    expect(await res.json()).toEqual({
      status: 'ready',
      paging: 'off',
      health: { paging: 'off', mailbox: 'off', smtp: 'off' },
      pagingMissing: ['TWILIO_AUTH_TOKEN'],
      cannotTakeTexts: ['onCall.fallbackNumber'],
    });
  });

  it('/readyz says paging is on when Twilio is configured', async () => {
    h = await startHarness({ now: NOW });
    expect(await (await h.app.request('/readyz')).json()).toEqual({
      status: 'ready',
      paging: 'on',
      health: { paging: 'ok', mailbox: 'off', smtp: 'off' },
      cannotTakeTexts: ['onCall.fallbackNumber'],
    });
  });

  it('every desk page shows staff that paging is off, and why', async () => {
    h = await startHarness({ now: NOW, env: NO_TWILIO });
    for (const [path, html] of Object.entries(await deskPages(h))) {
      expect(html, path).toContain('Paging is off: urgent enquiries out of hours reach nobody’s phone.');
      expect(html, path).toContain('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER not set');
      expect(html, path).toContain(h.config.onCall.fallbackNumber);
    }
  });

  it('shows no such banner when paging is on', async () => {
    h = await startHarness({ now: NOW });
    for (const [path, html] of Object.entries(await deskPages(h))) expect(html, path).not.toContain('Paging is off');
  });
});

describe('email off: no mailbox or SMTP server', () => {
  it('every desk page says the mailbox is not in the queue, and which settings are missing', async () => {
    h = await startHarness({ now: NOW, env: { SMTP_URL: 'smtp://127.0.0.1:2525' } });
    for (const [path, html] of Object.entries(await deskPages(h))) {
      expect(html, path).toContain(
        'Email is not connected: enquiries sent to the press office mailbox are not in this queue.',
      );
      expect(html, path).toContain(
        'IMAP_URL (or IMAP_HOST and IMAP_USER) with IMAP_PASSWORD or IMAP_ACCESS_TOKEN, PRESSDESK_EMAIL_FROM',
      );
      expect(html, path).not.toContain('SMTP_URL,');
    }
  });

  it('says nothing about email once the mailbox, SMTP and the From address are set', async () => {
    h = await startHarness({
      now: NOW,
      env: {
        IMAP_URL: 'imap://press%40example.org@127.0.0.1:1143',
        IMAP_PASSWORD: 'secret-pass',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        PRESSDESK_EMAIL_FROM: 'Press Office <press@example.org>',
      },
    });
    expect(h.config.email.configured).toBe(true);
    for (const [path, html] of Object.entries(await deskPages(h)))
      expect(html, path).not.toContain('Email is not connected');
  });
});

describe('first run: no staff account yet', () => {
  it('the sign-in page says how to create the first manager, until one exists', async () => {
    h = await startHarness({ now: NOW });
    const before = await deskClient(h).get('/desk/login');
    expect(before.status).toBe(200);
    expect(decodeEntities(before.body)).toContain(FIRST_MANAGER_HINT);
    expect(FIRST_MANAGER_HINT).toContain('npm run user -- add');
    expect(FIRST_MANAGER_HINT).toContain('PRESSDESK_ADMIN_EMAIL');

    await h.services.users.create({ ...MANAGER, role: 'manager' }, TEST);
    const after = await deskClient(h).get('/desk/login');
    expect(decodeEntities(after.body)).not.toContain('No staff account exists yet');
  });
});

describe('/readyz and /metrics', () => {
  it('/readyz names what failed but never the database driver’s message', async () => {
    // A server that answers, for a database that does not exist: the driver's message names it.
    const url = new URL(inject('pgAdminUrl'));
    url.pathname = '/pd_no_such_database_for_readyz';
    const pool = createPool(url.toString(), { max: 1 });
    const db = createDb(pool);
    try {
      const logged: unknown[] = [];
      const log = { warn: (o: unknown) => logged.push(o) } as unknown as Logger;
      const app = healthRoutes({
        db,
        registry: new client.Registry(),
        paging: { on: true },
        metrics: { public: false, token: null },
        log,
      });
      const res = await app.request('/readyz');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ status: 'not ready', reason: 'database unreachable', paging: 'on' });
      expect(text).not.toContain('pd_no_such_database_for_readyz');
      // Not swallowed: the operator's log has the cause.
      expect(JSON.stringify(logged, (_k, v) => (v instanceof Error ? v.message : v))).toContain(
        'pd_no_such_database_for_readyz',
      );
    } finally {
      await db.destroy();
    }
  });

  it('/metrics needs the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789abcdef';
    h = await startHarness({ now: NOW, env: { METRICS_TOKEN: token } });
    expect((await h.app.request('/metrics')).status).toBe(401);
    expect(
      (await h.app.request('/metrics', { headers: { Authorization: 'Bearer wrong-token-0123456789abcd' } })).status,
    ).toBe(401);
    const ok = await h.app.request('/metrics', { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('pressdesk_http_request_duration_seconds');
  });

  it('/metrics does not exist without METRICS_TOKEN, unless metrics.public opens it (for a scraper on a private network)', async () => {
    h = await startHarness({ now: NOW });
    const closed = await h.app.request('/metrics');
    expect(closed.status).toBe(404);
    const unknown = await h.app.request('/no-such-page');
    expect(await closed.text()).toBe(await unknown.text());
    expect(
      (await h.app.request('/metrics', { headers: { Authorization: 'Bearer anything-at-all-0123456789' } })).status,
    ).toBe(404);
    await h.close();
    h = await startHarness({ now: NOW, config: { metrics: { public: true } } });
    expect((await h.app.request('/metrics')).status).toBe(200);
  });
});
