// Request helpers shared by the manager pages' route modules (rota, users, audit). Validation
// errors are read with `validationFields` from the error module.
import type { Context } from 'hono';
import { AppError } from '../http/errors.js';
import { isLongRowId } from '../ids.js';
import type { Actor } from '../audit/audit.repository.js';
import { deskSession, type DeskEnv } from './session.js';

/**
 * The `:id` route parameter as a row id; AppError('not_found') naming `what` when it cannot be one.
 * Row ids are bigint identities: anything else cannot name a row (and would make PostgreSQL fail
 * the cast), so it is a 404 before any query.
 */
export function rowId(c: Context, what: string): string {
  const id = c.req.param('id') ?? '';
  if (!isLongRowId(id)) throw new AppError('not_found', `There is no such ${what}.`);
  return id;
}

/** The posted form's text fields, without the CSRF token (it has been checked already). */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const raw = await c.req.parseBody();
  const body: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string' && k !== '_csrf') body[k] = v;
  return body;
}

/** The signed-in user as the audit log names them. */
export function actorOf(c: Context<DeskEnv>): Actor {
  const { user } = deskSession(c);
  return { userId: user.id, email: user.email };
}
