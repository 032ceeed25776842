import { DateTime } from 'luxon';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Config } from '../config.js';
import { formatOfficeTime } from '../hours/format.js';
import { translator } from '../i18n/catalogue.js';
import type { Lang } from '../i18n/languages.js';
import { addWorkingMillis, openState } from '../hours/office-hours.js';
import type { UrgentReason } from './enquiry.model.js';

/** How the office treats an enquiry that arrives at `now`: a pure function of its inputs. */
export interface Judgement {
  open: boolean;
  urgent: boolean;
  urgentReason: UrgentReason | null;
  outOfHours: boolean;
  /** Urgent while the office is closed: the on-call press officer must be alerted. */
  needsOnCall: boolean;
  /** The journalist's deadline or the office's response target, whichever comes first. */
  respondBy: Date | null;
  /** When the office next opens (when open now: after the current opening period). */
  nextOpening: Date | null;
}

/**
 * Judges an enquiry against the office calendar. Urgent when the journalist says so, or when the
 * deadline falls before the office next opens (out of hours: before the next opening; in hours:
 * before the opening after today's close, i.e. it must be answered in the current period).
 */
export function judgeEnquiry(
  now: Date,
  input: { deadline: Date | null; saysUrgent: boolean },
  config: Pick<Config, 'office' | 'intake'>,
): Judgement {
  // Numbers, not zoned DateTimes: this runs for every enquiry received (see openState).
  const status = openState(now, config.office);
  const nextOpening = status.nextOpening === null ? null : new Date(status.nextOpening);
  const deadlineBeforeOpening = input.deadline !== null && (nextOpening === null || input.deadline < nextOpening);
  const urgentReason = input.saysUrgent ? 'journalist' : deadlineBeforeOpening ? 'deadline' : null;
  const urgent = urgentReason !== null;
  const target = addWorkingMillis(now, targetMinutes(config, { urgent, deadline: input.deadline }), config.office);
  const candidates = [input.deadline?.getTime() ?? null, target].filter((d): d is number => d !== null);
  const respondBy = candidates.length ? new Date(Math.min(...candidates)) : null;
  return {
    open: status.open,
    urgent,
    urgentReason,
    outOfHours: !status.open,
    needsOnCall: urgent && !status.open,
    respondBy,
    nextOpening,
  };
}

/**
 * The office's own first-response target for an enquiry, in working minutes: the shorter urgent
 * target when it is urgent and the journalist gave no deadline (their deadline is the promise
 * then), the routine target otherwise.
 */
export function targetMinutes(config: Pick<Config, 'intake'>, e: { urgent: boolean; deadline: Date | null }): number {
  return e.urgent && e.deadline === null
    ? config.intake.urgentResponseTargetWorkingMinutes
    : config.intake.responseTargetWorkingMinutes;
}

/**
 * When the desk is warned that an enquiry received at `received` is near its respond-by time
 * (`desk.warnBeforeMinutes` before it): in real time before a journalist's deadline (the
 * journalist's clock does not stop at night), in opening time before the office's own target
 * (which is counted in opening time too; `target`: the working minutes it was set with, see
 * `targetMinutes`). Null when there is no respond-by time.
 */
export function warnAt(
  received: Date,
  respondBy: Date | null,
  deadline: Date | null,
  config: Pick<Config, 'office' | 'intake' | 'desk'>,
  target: number = config.intake.responseTargetWorkingMinutes,
): Date | null {
  if (!respondBy) return null;
  const before = config.desk.warnBeforeMinutes;
  if (deadline && respondBy.getTime() === deadline.getTime()) return new Date(deadline.getTime() - before * 60_000);
  const lead = target - before;
  if (lead <= 0) return received;
  const at = addWorkingMillis(received, lead, config.office);
  return at === null ? respondBy : new Date(at);
}

/** A phone number as people write it: "+44 300 123 4567". */
export function displayPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** The out-of-hours line as every "what happens next" message shows it, formatted once (libphonenumber is slow). */
let outOfHoursLine: { e164: string; shown: string } | null = null;
function outOfHoursLineOf(onCall: Config['onCall']): string {
  if (outOfHoursLine?.e164 !== onCall.fallbackNumber)
    outOfHoursLine = { e164: onCall.fallbackNumber, shown: displayPhone(onCall.fallbackNumber) };
  return outOfHoursLine.shown;
}

/**
 * The honest answer to "what happens next?", in one or two sentences, for the confirmation page,
 * the API and the SMS reply. `pagedOnCall` says whether a page was actually queued; an urgent
 * out-of-hours enquiry that was not paged is told to call the out-of-hours line. `lang`: the
 * journalist's language (issue 31; the words are the catalogue's `texts.nextStep.*`, English by
 * default and word for word as before).
 */
export function nextStepMessage(
  j: Judgement,
  ctx: {
    now: Date;
    deadline: Date | null;
    pagedOnCall: boolean;
    config: Pick<Config, 'office' | 'onCall'>;
    incidentSummaryMinutes?: number;
  },
  lang: Lang = 'en',
): string {
  const office = ctx.config.office;
  const tr = translator(lang);
  const now = DateTime.fromJSDate(ctx.now);
  const at = (d: Date) => formatOfficeTime(DateTime.fromJSDate(d), office, now, lang);
  const line = outOfHoursLineOf(ctx.config.onCall);
  const promise = j.respondBy
    ? ctx.deadline && j.respondBy.getTime() === ctx.deadline.getTime()
      ? tr('texts.nextStep.byDeadline', { at: at(j.respondBy) })
      : tr('texts.nextStep.by', { at: at(j.respondBy) })
    : tr('texts.nextStep.whenReopens');
  if (j.open) {
    return j.urgent ? tr('texts.nextStep.openUrgent', { promise }) : tr('texts.nextStep.open', { promise });
  }
  const closedUntil = j.nextOpening
    ? tr('texts.nextStep.closedUntil', { at: at(j.nextOpening) })
    : tr('texts.nextStep.closed');
  if (j.needsOnCall && ctx.incidentSummaryMinutes) {
    // On-call already has the story this enquiry is about: it reaches them in the incident's next summary.
    return tr('texts.nextStep.incident', { minutes: String(ctx.incidentSummaryMinutes), line });
  }
  if (j.needsOnCall && ctx.pagedOnCall) {
    return tr('texts.nextStep.paged', { line });
  }
  if (j.needsOnCall) {
    // Nobody is being paged (paging is off, or this sender's page limit is reached): never
    // promise an alert that will not happen; the journalist must ring the line themselves.
    return tr('texts.nextStep.notPaged', { closedUntil, line });
  }
  return tr('texts.nextStep.closedPromise', { closedUntil, promise });
}
