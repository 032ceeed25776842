/**
 * `npm run hours -- [2026-12-28T10:00]`: asks the office-hours calendar about an instant (default
 * now) with the configured office, so an operator can check a config change or a bank holiday
 * before the journalists do. Exit 2 for a bad argument, 1 for a bad configuration.
 */
import { DateTime } from 'luxon';
import { ConfigError, loadConfig } from '../config.js';
import { formatOfficeTime } from '../hours/format.js';
import { officeStatus } from '../hours/office-hours.js';
import { parseInstant } from '../hours/parse.js';

const USAGE = 'usage: npm run hours -- [YYYY-MM-DDTHH:mm (office time) | ISO-8601 with offset]';

function main(argv: string[]): number {
  if (argv.length > 1 || argv[0] === '--help' || argv[0] === '-h') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let office: ReturnType<typeof loadConfig>['office'];
  try {
    office = loadConfig().office;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const now = DateTime.now();
  let at: DateTime = now;
  if (argv[0] !== undefined) {
    const parsed = parseInstant(argv[0], office.timezone);
    if (!parsed) {
      process.stderr.write(`Not a date-time that exists in ${office.timezone}: ${JSON.stringify(argv[0])}\n${USAGE}\n`);
      return 2;
    }
    at = parsed;
  }
  // Relative words ("today") only make sense when the question is about now.
  const rel = argv[0] === undefined ? now : undefined;
  const say = (dt: DateTime) => formatOfficeTime(dt, office, rel);

  const s = officeStatus(at, office);
  const lines: string[] = [];
  if (s.open) {
    lines.push(`Open at ${say(s.at)}.`);
    lines.push(s.nextClosing ? `Closes ${say(s.nextClosing)}.` : 'Does not close in the coming year.');
  } else {
    lines.push(`Closed at ${say(s.at)} (${s.reason}).`);
    lines.push(s.nextOpening ? `Opens ${say(s.nextOpening)}.` : 'Does not open in the coming year.');
  }
  process.stdout.write(`${lines.join(' ')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
