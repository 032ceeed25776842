import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { runCli } from '../../support/cli.js';
import { pageLinksFor } from '../../support/rota.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

/** `npm run oncall -- <args>` as a manager would run it, against this file's database and the default config. */
async function oncall(...args: string[]) {
  return runCli('oncall.ts', args, { DATABASE_URL: database.url });
}

// The year is shown only when it is not the current one, so the expectations allow either.
const Y = '(?: \\d{4})?';

describe('npm run oncall', () => {
  it('adds shifts and an override, then says who is on call and lists the rota', async () => {
    let r = await oncall(
      'add',
      '--name',
      'Jo Smith',
      '--phone',
      '07911 123456',
      '--from',
      '2026-11-27T17:00',
      '--to',
      '2026-11-30T09:00',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^Shift added: Jo Smith \\+447911123456 \\(new on the staff list\\) is on call from Fri 27 Nov${Y} 17:00 to Mon 30 Nov${Y} 09:00\\.\\n$`,
      ),
    );

    r = await oncall(
      'add',
      '--backup',
      '--name',
      'Sam Lee',
      '--phone',
      '+44 7911 123457',
      '--from',
      '2026-11-27T17:00',
      '--to',
      '2026-11-30T09:00',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Sam Lee +447911123457 (new on the staff list) is the next contact (backup)');

    // An existing phone needs no name; an ISO time with an offset is that instant.
    r = await oncall(
      'override',
      '--phone',
      '07911123457',
      '--from',
      '2026-11-28T10:00:00Z',
      '--to',
      '2026-11-28T22:00',
      '--note',
      'Jo at a wedding',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^Override added: Sam Lee \\+447911123457 is on call from Sat 28 Nov${Y} 10:00 to Sat 28 Nov${Y} 22:00\\.`,
      ),
    );

    r = await oncall('now', '--at', '2026-11-27T18:30');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`On call: Jo Smith \\+447911123456 \\(shift, until Sat 28 Nov${Y} 10:00\\)`));
    expect(r.stdout).toMatch(
      new RegExp(`Next contact: Sam Lee \\+447911123457 \\(shift, until Mon 30 Nov${Y} 09:00\\)`),
    );

    r = await oncall('now', '--at', '2026-11-28T12:00');
    expect(r.stdout).toContain('On call: Sam Lee +447911123457 (override');

    r = await oncall('now', '--at', '2026-11-30T09:00');
    expect(r.stdout).toContain('On call: no one on the rota; pages go to the Out-of-hours line +443001234567');
    expect(r.stdout).toContain('Next contact: none');

    r = await oncall('list', '--from', '2026-11-27T12:00', '--days', '3');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const expected = [
      `^On-call rota from Fri 27 Nov${Y} 12:00 to Mon 30 Nov${Y} 12:00 \\(Europe/London\\):$`,
      `^  Fri 27 Nov${Y} 12:00 → Fri 27 Nov${Y} 17:00  Out-of-hours line \\+443001234567 \\(no one on the rota\\)$`,
      `^  Fri 27 Nov${Y} 17:00 → Sat 28 Nov${Y} 10:00  Jo Smith \\+447911123456 \\(backup: Sam Lee \\+447911123457\\)$`,
      `^  Sat 28 Nov${Y} 10:00 → Sat 28 Nov${Y} 22:00  Sam Lee \\+447911123457 \\[override\\] \\(backup: Sam Lee \\+447911123457\\)$`,
      `^  Sat 28 Nov${Y} 22:00 → Mon 30 Nov${Y} 09:00  Jo Smith \\+447911123456 \\(backup: Sam Lee \\+447911123457\\)$`,
      `^  Mon 30 Nov${Y} 09:00 → Mon 30 Nov${Y} 12:00  Out-of-hours line \\+443001234567 \\(no one on the rota\\)$`,
      '^$',
      '^People:$',
      '^  Jo Smith  \\+447911123456$',
      '^  Sam Lee  \\+447911123457$',
    ];
    expect(lines).toHaveLength(expected.length);
    for (const [i, line] of lines.entries()) expect(line).toMatch(new RegExp(expected[i]));

    r = await oncall('people');
    expect(r.stdout).toBe('  Jo Smith  +447911123456\n  Sam Lee  +447911123457\n');
  }, 180_000);

  it('answers for now, and lists from now, without a time', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString();
    let r = await oncall('override', '--name', 'Alex Khan', '--phone', '07911 123458', '--from', from, '--to', to);
    expect(r.code).toBe(0);
    r = await oncall('now');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Now, \w{3} \d{1,2} \w{3}( \d{4})? \d{2}:\d{2} \(Europe\/London\):\n/);
    expect(r.stdout).toContain('On call: Alex Khan +447911123458 (override, until');
    r = await oncall('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Alex Khan \+447911123458 \[override\]/);
  }, 180_000);

  it('refuses a change the rota rules out with exit 2, naming the flag, and stores nothing', async () => {
    let r = await oncall(
      'add',
      '--name',
      'Pat New',
      '--phone',
      '07911 123459',
      '--from',
      '2026-12-04T17:00',
      '--to',
      '2026-12-04T09:00',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--to: The shift must end after it starts');
    // The new person was rolled back with the refused shift.
    r = await oncall('add', '--phone', '07911 123459', '--from', '2026-12-04T17:00', '--to', '2026-12-07T09:00');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--name: No one on the staff list has +447911123459: give their name to add them');
    r = await oncall(
      'add',
      '--name',
      'Pat New',
      '--phone',
      '12345',
      '--from',
      '2026-12-04T17:00',
      '--to',
      '2026-12-07T09:00',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--phone: Enter a phone number, like 07911 123456');
    const people = await database.db
      .selectFrom('person')
      .select('phone')
      .where('phone', '=', '+447911123459')
      .execute();
    expect(people).toEqual([]);
  }, 180_000);

  it('changes a number and removes a person, audited, and the links in their pages stop working', async () => {
    const at = new Date('2026-12-24T18:00:00Z');
    const [kim, lee] = await Promise.all(
      [
        ['Kim Cli', '+447911200021'],
        ['Lee Cli', '+447911200022'],
      ].map(([name, phone]) =>
        database.db
          .insertInto('person')
          .values({ name, phone, created_at: at, updated_at: at })
          .returning(['id', 'phone'])
          .executeTakeFirstOrThrow(),
      ),
    );
    await pageLinksFor(database.db, [kim, lee], at);
    const revoked = async () =>
      (await database.db.selectFrom('oncall_link').select(['person_id', 'revoked_at']).orderBy('id').execute()).map(
        (l) => l.revoked_at !== null,
      );

    let r = await oncall('phone', '--phone', '07911 200021', '--new', '07911 200029', '--by', 'cli:jo');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      "Kim Cli's number is now +447911200029 (was +447911200021); their shifts page the new number, and the links in earlier pages no longer work.\n",
    );
    expect(await revoked()).toEqual([true, false]);
    r = await oncall('remove', '--phone', '+447911200022');
    expect(r.stdout).toBe(
      'Removed Lee Cli +447911200022 from the staff list: their shifts no longer count, and the links in their pages no longer work.\n',
    );
    expect(await revoked()).toEqual([true, true]);
    expect(
      (await database.db.selectFrom('person').select('active').where('id', '=', lee.id).executeTakeFirstOrThrow())
        .active,
    ).toBe(false);
    const trail = await database.db
      .selectFrom('audit_log')
      .select(['action', 'user_email'])
      .where('action', 'like', 'rota.%')
      .orderBy('id')
      .execute();
    expect(trail).toEqual([
      { action: 'rota.phone_changed', user_email: 'cli:jo' },
      // The new number is sent a code to verify it (issue 27).
      { action: 'rota.verification_sent', user_email: 'cli:jo' },
      { action: 'rota.person_deactivated', user_email: expect.stringMatching(/^cli:/) },
    ]);

    r = await oncall('remove', '--phone', '+447911200022');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--phone: No one on the staff list has the number +447911200022');
    r = await oncall('phone', '--phone', '+447911200029', '--new', '12345');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--new: Enter a phone number');
  }, 180_000);

  it.concurrent.each([
    [[], 'Give a command.'],
    [['rota'], 'Unknown command "rota".'],
    [['add', '--phone', '07911 123456', '--to', '2026-11-30T09:00'], '--from is required.'],
    [['list', '--days', '0'], '--days must be a whole number of days from 1 to 366.'],
    [['now', '--at', '2026-02-30T10:00'], '--at: "2026-02-30T10:00" is not a date-time that exists in Europe/London'],
    [['now', '--days', '3'], '"now" does not take --days.'],
    [['people', '--colour'], "Unknown option '--colour'"],
    [['people', 'extra'], 'Unexpected argument "extra".'],
  ])('exits 2 with the usage for bad arguments: %j', async (args, message) => {
    const r = await oncall(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: npm run oncall -- <command> [options]');
  });
});
