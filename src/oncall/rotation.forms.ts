import { DateTime } from 'luxon';
import { z } from 'zod';
import { normaliseText } from '../enquiries/enquiry.input.js';
import { defineForm, type FieldErrors } from '../http/form-schema.js';
import { isLongRowId } from '../ids.js';

/** The most a rotation's fields may hold (the table's CHECKs). */
export const ROTATION_LIMITS = { name: 100, minDays: 1, maxDays: 28 } as const;

/** The rotation form's fields, in page order (`members` is the turn order of the people). */
export const ROTATION_FIELDS = ['name', 'role', 'weekday', 'time', 'days', 'startDate', 'members'] as const;

/** A field of the rotation form. */
export type RotationField = (typeof ROTATION_FIELDS)[number];

/** Per-field messages of a refused rotation form (`form` when none is named). */
export type RotationErrors = FieldErrors<RotationField | 'form'>;

/** What was typed, as the browser sent it: the fixed fields, and each person's turn by `turn-{personId}`. */
export type RotationValues = Record<string, string>;

/** The name of the field holding a person's place in the turn order. */
export function turnFieldName(personId: string): string {
  return `turn-${personId}`;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function custom(ctx: { issues: unknown[] }, message: string, input: unknown): void {
  (ctx.issues as Array<Record<string, unknown>>).push({ code: 'custom', message, input, continue: true });
}

const text = z.preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string());

/**
 * A rotation as a manager types it (`POST /desk/rota/rotations`, `…/rotations/:id`): a name, the
 * role its turns hold, the handover weekday (ISO, "5" = Friday) and time ("17:00", office time),
 * the length of a turn in days, and the date turn 1 begins (YYYY-MM-DD, as a date input sends it).
 * Every problem at once, one message per field. The people come separately (`readTurns`).
 */
export const rotationForm = defineForm(
  z.object({
    name: z.preprocess(
      (v) => (typeof v === 'string' ? normaliseText(v, false) : ''),
      z.string().transform((v, ctx) => {
        if (!v) custom(ctx, 'Enter a name for the rotation, like Press office weekly', v);
        else if (v.length > ROTATION_LIMITS.name)
          custom(ctx, `Keep the name to ${ROTATION_LIMITS.name} characters or fewer`, v);
        return v;
      }),
    ),
    role: text.transform((v, ctx) => {
      if (v !== 'primary' && v !== 'backup')
        custom(ctx, 'Choose on call (the press officer paged first) or backup (the next contact)', v);
      return v as 'primary' | 'backup';
    }),
    weekday: text.transform((v, ctx) => {
      const n = Number(v);
      if (!/^[1-7]$/.test(v)) custom(ctx, 'Choose the day of the handover', v);
      return n;
    }),
    time: text.transform((v, ctx) => {
      const padded = /^\d:\d\d$/.test(v) ? `0${v}` : v;
      if (!HHMM.test(padded)) custom(ctx, 'Enter the handover time, like 17:00', v);
      return padded;
    }),
    days: text.transform((v, ctx) => {
      const n = Number(v);
      if (!/^\d{1,3}$/.test(v) || n < ROTATION_LIMITS.minDays || n > ROTATION_LIMITS.maxDays)
        custom(
          ctx,
          `Enter how many days each turn lasts, a whole number from ${ROTATION_LIMITS.minDays} to ${ROTATION_LIMITS.maxDays} (7 for a week)`,
          v,
        );
      return n;
    }),
    startDate: text.transform((v, ctx) => {
      const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? DateTime.fromISO(v, { zone: 'utc' }) : null;
      if (!d?.isValid || d.year < 2000 || d.year > 2100)
        custom(ctx, 'Enter the date the first turn starts, like 2026-10-09', v);
      return v;
    }),
  }),
);

/**
 * The people of the rotation in turn order, from the `turn-{personId}` fields: a blank number
 * leaves that person out, 1 goes first. Numbers need not be consecutive (1, 2, 5 is the order
 * 1, 2, 5) but must differ. Returns the person ids in order, or the message for `members`.
 */
export function readTurns(body: RotationValues): { personIds: string[] } | { error: string } {
  const turns: Array<{ personId: string; turn: number }> = [];
  for (const [key, raw] of Object.entries(body)) {
    const m = /^turn-(.+)$/.exec(key);
    if (!m) continue;
    const v = raw.trim();
    if (!v) continue;
    if (!isLongRowId(m[1])) return { error: 'Choose people from the staff list' };
    if (!/^\d{1,3}$/.test(v) || Number(v) < 1)
      return { error: 'Give each person in the rotation a whole number: 1 for who goes first, 2 for next' };
    turns.push({ personId: m[1], turn: Number(v) });
  }
  if (!turns.length) return { error: 'Give at least one person a number: 1 for who goes first, 2 for next' };
  const seen = new Set<number>();
  for (const t of turns) {
    if (seen.has(t.turn)) return { error: `Two people have number ${t.turn}: give each person a different number` };
    seen.add(t.turn);
  }
  return { personIds: turns.sort((a, b) => a.turn - b.turn).map((t) => t.personId) };
}
