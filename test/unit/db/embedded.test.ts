import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  EmbeddedPostgresError,
  foldersClosedToOthers,
  passwordFile,
  startEmbeddedPostgres,
} from '../../../src/db/embedded.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A folder inside a fresh temporary folder; `outerMode` is the outer one's mode (mktemp -d makes 0700). */
async function nested(outerMode: number): Promise<{ outer: string; inner: string }> {
  const outer = await mkdtemp(join(tmpdir(), 'pd-perm-'));
  made.push(outer);
  await chmod(outer, outerMode);
  const inner = join(outer, 'checkout', 'var');
  await mkdir(inner, { recursive: true });
  return { outer, inner };
}

describe('embedded PostgreSQL started as root from a folder others cannot enter', () => {
  it('finds the folders on the way that other users cannot enter, and only those', async () => {
    const closed = await nested(0o700);
    const open = await nested(0o755);
    expect(await foldersClosedToOthers([join(closed.inner, 'pg')])).toContainEqual({ dir: closed.outer, mode: 0o700 });
    expect((await foldersClosedToOthers([join(open.inner, 'pg')])).map((c) => c.dir)).not.toContain(open.outer);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses to start with a message naming the folder and the ways out, before touching anything',
    async () => {
      const { outer, inner } = await nested(0o700);
      const start = startEmbeddedPostgres({ dataDir: join(inner, 'pg'), database: 'x', persistent: false });
      await expect(start).rejects.toBeInstanceOf(EmbeddedPostgresError);
      await expect(start).rejects.toThrow(`cannot enter ${outer} (mode 0700)`);
      await expect(start).rejects.toThrow(/chmod o\+x .*DATABASE_URL/);
    },
  );
});

describe('embedded PostgreSQL superuser password', () => {
  async function canConnect(url: string): Promise<boolean> {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const withPassword = (url: string, password: string) => {
    const u = new URL(url);
    u.password = password;
    return u.toString();
  };

  it('is random per data folder, kept in a file only this user can read, and the old fixed one does not connect', async () => {
    const { inner } = await nested(0o755);
    const dataDir = join(inner, 'pg');
    const first = await startEmbeddedPostgres({ dataDir, database: 'x' });
    let port: number;
    try {
      port = Number(new URL(first.url).port);
      expect(await canConnect(first.url)).toBe(true);
      expect(await canConnect(withPassword(first.url, 'pressdesk'))).toBe(false);
      const file = await stat(passwordFile(dataDir));
      expect(file.mode & 0o777).toBe(0o600);
      expect(new URL(first.url).password).toBe(
        encodeURIComponent((await readFile(passwordFile(dataDir), 'utf8')).trim()),
      );
      expect(decodeURIComponent(new URL(first.url).password).length).toBeGreaterThanOrEqual(32);
    } finally {
      await first.stop();
    }
    // Started again from the same folder: the same password.
    const again = await startEmbeddedPostgres({ dataDir, database: 'x', port: port! });
    try {
      expect(again.url).toBe(first.url);
    } finally {
      await again.stop();
    }
  }, 60_000);

  it('moves a data folder made with the old fixed password on to a random one', async () => {
    const { inner } = await nested(0o755);
    const dataDir = join(inner, 'pg');
    const before = await startEmbeddedPostgres({ dataDir, database: 'x' });
    // Make it look like a folder from before per-folder passwords: the old password, no file.
    const admin = new pg.Client({ connectionString: before.adminUrl });
    await admin.connect();
    await admin.query(`ALTER ROLE postgres PASSWORD 'pressdesk'`);
    await admin.end();
    await before.stop();
    await rm(passwordFile(dataDir));

    const after = await startEmbeddedPostgres({ dataDir, database: 'x' });
    try {
      expect(await canConnect(after.url)).toBe(true);
      expect(await canConnect(withPassword(after.url, 'pressdesk'))).toBe(false);
      expect((await stat(passwordFile(dataDir))).mode & 0o777).toBe(0o600);
    } finally {
      await after.stop();
    }
  }, 60_000);
});
