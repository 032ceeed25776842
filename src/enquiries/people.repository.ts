import type { Db, Tx } from '../db/database.js';

// SQL of who people are for display (issue 23, item 8): the names the users list and the rota
// know, by what stored values name them with (a user's email, a rota person's number).

/**
 * The names Press Desk knows: desk users by their email (lower case) and rota people by their
 * number (E.164), the staff list of both. Both lists are the office's own staff: a few dozen rows.
 */
export async function knownNames(db: Db | Tx): Promise<Map<string, string>> {
  const [users, people] = await Promise.all([
    db.selectFrom('app_user').select(['email', 'name']).execute(),
    db.selectFrom('person').select(['phone', 'name']).execute(),
  ]);
  const names = new Map<string, string>();
  for (const u of users) if (u.name) names.set(u.email.toLowerCase(), u.name);
  for (const p of people) if (p.name) names.set(p.phone, p.name);
  return names;
}
