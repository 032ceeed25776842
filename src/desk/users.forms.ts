import { z } from 'zod';
import { normalisePhone } from '../enquiries/enquiry.input.js';
import { defineForm } from '../http/form-schema.js';

/** The shortest password a staff account may have (the pages' hints say it). */
export const MIN_PASSWORD = 12;

/** Validates a new password; returns a message or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD) return `Password must be at least ${MIN_PASSWORD} characters`;
  if (password.length > 200) return 'Password must be 200 characters or fewer';
  return null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A text field (absent reads as empty) whose `problem` is its one message, or null when it is
 * fine: the messages the users pages have always given, one per field.
 */
function text(problem: (v: string) => string | null, trim = true) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? (trim ? v.trim() : v) : ''),
    z.string().check((ctx) => {
      const message = problem(ctx.value);
      if (message) ctx.issues.push({ code: 'custom', message, input: ctx.value });
    }),
  );
}

/** One of `values`, else `message` (a radio group or select the browser may send without). */
function choice<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.preprocess((v) => (typeof v === 'string' ? v : ''), z.enum(values, { error: message }));
}

const email = text((v) =>
  !EMAIL.test(v) || v.length > 254 ? 'Enter an email address, like jo.smith@police.example' : null,
);
const name = text((v) => (!v || v.length > 200 ? 'Enter a name of up to 200 characters' : null));
const role = choice(['officer', 'manager'], 'Choose officer or manager');
const password = text(passwordProblem, false);

/** A manager adds an account (`POST /desk/users`; `npm run user -- add`; the first manager from the environment). */
export const newUserForm = defineForm(z.object({ email, name, role, password }));

/**
 * A manager's edit of an account (`POST /desk/users/:id`): the mobile is optional (blank: none;
 * else any format libphonenumber-js reads, stored E.164) and `active` is the yes/no radio.
 */
export const editUserForm = defineForm(
  z.object({
    email,
    name,
    role,
    active: choice(['yes', 'no'], 'Choose active or deactivated').transform((v) => v === 'yes'),
    mobile: z
      .preprocess((v) => (typeof v === 'string' ? v.trim() : ''), z.string())
      .transform((v, ctx) => {
        if (!v) return null;
        const e164 = normalisePhone(v);
        if (!e164)
          ctx.issues.push({
            code: 'custom',
            message: 'Enter a mobile number, like 07911 123456 or +44 7911 123456, or leave it empty',
            input: v,
          });
        return e164;
      }),
  }),
);

/** A manager sets someone's password (`POST /desk/users/:id/password`; `npm run user -- reset-password`). */
export const resetPasswordForm = defineForm(z.object({ password }));

/** Their own password (`POST /desk/account/password`): the current one, and the new one. */
export const ownPasswordForm = defineForm(
  z.object({
    current: text((v) => (v ? null : 'Enter your current password'), false),
    password,
  }),
);
