import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, foldersClosedToOthers, startEmbeddedPostgres } from '../../../src/db/embedded.js';

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

  it.runIf(process.getuid?.() === 0)('refuses to start with a message naming the folder and the ways out, before touching anything', async () => {
    const { outer, inner } = await nested(0o700);
    const start = startEmbeddedPostgres({ dataDir: join(inner, 'pg'), database: 'x', persistent: false });
    await expect(start).rejects.toBeInstanceOf(EmbeddedPostgresError);
    await expect(start).rejects.toThrow(`cannot enter ${outer} (mode 0700)`);
    await expect(start).rejects.toThrow(/chmod o\+x .*DATABASE_URL/);
  });
});
