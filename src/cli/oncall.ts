/**
 * `npm run oncall -- <command>`: the on-call rota from a terminal, until the desk has a rota page.
 * Runs against DATABASE_URL, or the embedded PostgreSQL under var/ when it is not set, applying
 * pending migrations first. Times are read like every other time typed into Press Desk
 * (`parseInstant`): `YYYY-MM-DDTHH:mm` in office time, or ISO-8601 with an offset.
 * Exit 2 for bad arguments or a rejected change, 1 for configuration or database trouble.
 */
import { userInfo } from 'node:os';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { normalisePhone } from '../enquiries/enquiry.input.js';
import { formatShortTime } from '../hours/format.js';
import { parseInstant } from '../hours/parse.js';
import { AppError } from '../http/errors.js';
import {
  loadConfigOrReport,
  parseCommand,
  reportRefusal,
  reportUsage,
  runCli,
  UsageError,
  withDatabase,
} from './cli-support.js';
import { RotaService, type OnCallContact, type ScheduleSegment } from '../oncall/rota.service.js';
import type { Person, RotaRole } from '../oncall/rota.tables.js';

const USAGE = `usage: npm run oncall -- <command> [options]

  list [--days 14] [--from TIME]     the effective rota from now (or TIME) for N days, and the people
  now [--at TIME]                    who is on call now (or at TIME), and the next contact
  add --phone PHONE --from TIME --to TIME [--name NAME] [--backup] [--note TEXT] [--by WHO]
                                     add a shift (--name is required when the phone is new)
  override --phone PHONE --from TIME --to TIME [--name NAME] [--backup] [--note TEXT] [--by WHO]
                                     add an override: it beats ordinary shifts for its time
  people [--all]                     the staff who can be on call (--all: inactive too)
  phone --phone PHONE --new PHONE [--by WHO]
                                     change a person's number: their shifts follow it, and the
                                     links in pages sent to the old number stop working
  remove --phone PHONE [--by WHO]    take a person off the staff list: their shifts stop counting,
                                     and the links in their pages and their SMS commands stop working

TIME is YYYY-MM-DDTHH:mm in office time, or ISO-8601 with an offset (2026-11-27T17:00:00Z).
--backup puts the person down as the next contact, paged when the on-call officer does not answer.`;

const OPTIONS = {
  days: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  at: { type: 'string' },
  name: { type: 'string' },
  phone: { type: 'string' },
  new: { type: 'string' },
  note: { type: 'string' },
  by: { type: 'string' },
  backup: { type: 'boolean' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;
const COMMANDS = {
  list: ['days', 'from'],
  now: ['at'],
  add: ['name', 'phone', 'from', 'to', 'backup', 'note', 'by'],
  override: ['name', 'phone', 'from', 'to', 'backup', 'note', 'by'],
  people: ['all'],
  phone: ['phone', 'new', 'by'],
  remove: ['phone', 'by'],
} as const satisfies Record<string, readonly OptionName[]>;

/** What the command line asked for, checked before any database is touched. */
type Request =
  | { command: 'list'; from: Date | null; days: number }
  | { command: 'now'; at: Date | null }
  | {
      command: 'add' | 'override';
      name: string | undefined;
      phone: string;
      from: Date;
      to: Date;
      backup: boolean;
      note: string | undefined;
      by: string;
    }
  | { command: 'people'; all: boolean }
  | { command: 'phone'; phone: string; new: string; by: string }
  | { command: 'remove'; phone: string; by: string };

// The service names fields as the desk does; on the command line they are these flags.
const FLAG_FOR_FIELD: Record<string, string> = {
  name: '--name',
  phone: '--phone',
  personId: '--phone',
  startsAt: '--from',
  endsAt: '--to',
  note: '--note',
  createdBy: '--by',
  role: '--backup',
};

function whoAmI(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:${process.env.USER ?? 'unknown'}`;
  }
}

function parseRequest(argv: string[], timezone: string): Request {
  const { command, values } = parseCommand(argv, OPTIONS, COMMANDS);

  const time = (flag: 'from' | 'to' | 'at', required: boolean): Date | null => {
    const text = values[flag];
    if (text === undefined) {
      if (required) throw new UsageError(`--${flag} is required.`);
      return null;
    }
    const dt = parseInstant(text, timezone);
    if (!dt) {
      throw new UsageError(
        `--${flag}: ${JSON.stringify(text)} is not a date-time that exists in ${timezone} (write 2026-11-27T17:00, or ISO-8601 with an offset).`,
      );
    }
    return dt.toJSDate();
  };

  switch (command) {
    case 'list': {
      const daysText = values.days ?? '14';
      if (!/^\d{1,3}$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > 366) {
        throw new UsageError('--days must be a whole number of days from 1 to 366.');
      }
      return { command: 'list', from: time('from', false), days: Number(daysText) };
    }
    case 'now':
      return { command: 'now', at: time('at', false) };
    case 'people':
      return { command: 'people', all: Boolean(values.all) };
    case 'phone':
    case 'remove': {
      if (values.phone === undefined) throw new UsageError('--phone is required.');
      const by = values.by ?? whoAmI();
      if (command === 'remove') return { command, phone: values.phone, by };
      if (values.new === undefined) throw new UsageError('--new is required.');
      return { command, phone: values.phone, new: values.new, by };
    }
    case 'add':
    case 'override': {
      if (values.phone === undefined) throw new UsageError('--phone is required.');
      const from = time('from', true) as Date;
      const to = time('to', true) as Date;
      return {
        command,
        name: values.name,
        phone: values.phone,
        from,
        to,
        backup: Boolean(values.backup),
        note: values.note,
        by: values.by ?? whoAmI(),
      };
    }
  }
}

/** Prints rota output: times in office time, the year only when it is not this year's. */
class Printer {
  constructor(
    private readonly office: Config['office'],
    private readonly now: Date,
  ) {}

  time(at: Date): string {
    return formatShortTime(at, this.office, this.now);
  }

  contact(c: OnCallContact): string {
    if (c.source === 'fallback') return `${c.name} ${c.phone} (no one on the rota)`;
    return `${c.name} ${c.phone}${c.source === 'override' ? ' [override]' : ''}`;
  }

  segment(s: ScheduleSegment): string {
    // An empty rota already says "no one"; otherwise a missing backup is worth pointing out.
    const backup = s.backup
      ? ` (backup: ${this.contact(s.backup)})`
      : s.primary.source === 'fallback'
        ? ''
        : ' (no backup)';
    return `${this.time(s.from)} → ${this.time(s.to)}  ${this.contact(s.primary)}${backup}`;
  }

  person(p: Person): string {
    return `  ${p.name}  ${p.phone}${p.active ? '' : '  (inactive)'}`;
  }
}

/** When the contact chosen by `role` at the start of `segments` stops being that contact, if within them. */
function until(segments: ScheduleSegment[], role: RotaRole): Date | null {
  const first = segments[0]?.[role] ?? null;
  for (const s of segments) {
    const c = s[role];
    const same =
      c === null || first === null ? c === first : c.personId === first.personId && c.source === first.source;
    if (!same) return s.from;
  }
  return null;
}

async function run(
  req: Request,
  rota: RotaService,
  db: Db,
  config: Config,
  out: (line: string) => void,
): Promise<void> {
  const now = systemClock();
  const print = new Printer(config.office, now);
  switch (req.command) {
    case 'list': {
      const from = req.from ?? now;
      const to = new Date(from.getTime() + req.days * 86_400_000);
      out(`On-call rota from ${print.time(from)} to ${print.time(to)} (${config.office.timezone}):`);
      for (const s of await rota.schedule(from, to)) out(`  ${print.segment(s)}`);
      const people = await rota.listPeople();
      out('');
      out(people.length ? 'People:' : 'People: none yet (add someone with: npm run oncall -- add --name … --phone …)');
      for (const p of people) out(print.person(p));
      return;
    }
    case 'now': {
      const at = req.at ?? now;
      // A month ahead is plenty to say when the current cover ends.
      const segments = await rota.schedule(at, new Date(at.getTime() + 31 * 86_400_000));
      const primary = segments[0].primary;
      const backup = segments[0].backup;
      const ends = (role: RotaRole) => {
        const t = until(segments, role);
        return t ? `, until ${print.time(t)}` : '';
      };
      out(`${req.at ? 'At' : 'Now,'} ${print.time(at)} (${config.office.timezone}):`);
      if (primary.source === 'fallback') {
        out(`  On call: no one on the rota; pages go to the ${primary.name} ${primary.phone}${ends('primary')}`);
      } else {
        out(`  On call: ${primary.name} ${primary.phone} (${primary.source}${ends('primary')})`);
      }
      out(
        backup
          ? `  Next contact: ${backup.name} ${backup.phone} (${backup.source}${ends('backup')})`
          : '  Next contact: none',
      );
      return;
    }
    case 'people': {
      const people = await rota.listPeople({ includeInactive: req.all });
      if (!people.length) out('No people yet (add someone with: npm run oncall -- add --name … --phone …).');
      for (const p of people) out(print.person(p));
      return;
    }
    case 'phone':
    case 'remove': {
      const person = await rota.findPersonByPhone(req.phone);
      if (!person) {
        throw new AppError('validation', 'No such person', {
          fields: { personId: `No one on the staff list has the number ${normalisePhone(req.phone) ?? req.phone}` },
        });
      }
      // The desk's audited changes, so the audit log says who did it from the shell.
      const actor = { userId: null, email: req.by };
      if (req.command === 'remove') {
        await rota.deactivatePersonAudited(person.id, actor);
        out(
          `Removed ${person.name} ${person.phone} from the staff list: their shifts no longer count, and the links in their pages no longer work.`,
        );
      } else {
        const after = await rota.changePhoneAudited(person.id, req.new, actor);
        out(
          `${after.name}'s number is now ${after.phone} (was ${person.phone}); their shifts page the new number, and the links in earlier pages no longer work.`,
        );
      }
      return;
    }
    case 'add':
    case 'override': {
      const override = req.command === 'override';
      // Person and shift commit together: a rejected shift leaves no half-added person behind.
      const { person, created } = await db.transaction().execute(async (tx) => {
        let person = await rota.findPersonByPhone(req.phone, tx);
        let created = false;
        if (!person && normalisePhone(req.phone)) {
          if (req.name === undefined) {
            throw new AppError('validation', 'The phone number is new', {
              fields: {
                name: `No one on the staff list has ${normalisePhone(req.phone)}: give their name to add them`,
              },
            });
          }
          person = await rota.addPerson({ name: req.name, phone: req.phone }, tx);
          created = true;
        }
        await rota.addShift(
          {
            ...(person ? { personId: person.id } : { phone: req.phone }),
            role: req.backup ? 'backup' : 'primary',
            startsAt: req.from,
            endsAt: req.to,
            override,
            note: req.note ?? null,
            createdBy: req.by,
          },
          tx,
        );
        await rota.rotaChanged(tx);
        return { person: person as Person, created };
      });
      const role = req.backup ? 'the next contact (backup)' : 'on call';
      const kind = override ? 'Override added' : 'Shift added';
      out(
        `${kind}: ${person.name} ${person.phone}${created ? ' (new on the staff list)' : ''} is ${role} from ${print.time(req.from)} to ${print.time(req.to)}.`,
      );
      if (!created && req.name !== undefined && req.name.trim() !== person.name) {
        out(`  (${person.phone} already belongs to ${person.name}; --name was not used.)`);
      }
      return;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const config = loadConfigOrReport();
  if (!config) return 1;

  let req: Request;
  try {
    req = parseRequest(argv, config.office.timezone);
  } catch (err) {
    if (reportUsage(err, USAGE)) return 2;
    throw err;
  }

  try {
    await withDatabase(config, (db) =>
      run(req, new RotaService({ db, config, clock: systemClock }), db, config, (line) =>
        process.stdout.write(`${line}\n`),
      ),
    );
    return 0;
  } catch (err) {
    // For `phone` the service's phone field is the new number.
    if (
      reportRefusal(err, (field) =>
        req.command === 'phone' && field === 'phone' ? '--new' : (FLAG_FOR_FIELD[field] ?? field),
      )
    )
      return 2;
    throw err;
  }
}

runCli(main);
