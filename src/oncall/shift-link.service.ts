// The link in a shift reminder (issue 27): its person confirms the shift, or asks colleagues to
// cover it, from their phone without a desk sign-in. The token is the credential and opens that
// one shift only; it stops when the shift ends or its person leaves the staff list.
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/database.js';
import { hashBearerToken, newBearerToken } from '../http/bearer-token.js';
import type { Actor } from '../audit/audit.repository.js';
import type { RotaRole } from './rota.tables.js';
import * as repo from './shift-link.repository.js';

/** Where shift links live: `/r/{token}`. */
export const SHIFT_LINK_PREFIX = '/r/';

/** Makes a link to a reminded shift (in the reminder's transaction), working until the shift ends; returns its token. */
export async function mintShiftLink(tx: Tx, entry: { id: string; endsAt: Date }, now: Date): Promise<string> {
  const token = newBearerToken();
  await repo.insertShiftLink(tx, {
    entryId: entry.id,
    tokenHash: hashBearerToken(token),
    expiresAt: entry.endsAt,
    at: now,
  });
  return token;
}

export type { LinkedShift } from './shift-link.repository.js';

/** What a shift link does: show its shift, confirm it, ask for cover of what is left of it. */
export class ShiftLinks {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      /** The cover service's request (cover.service.ts), named by shape: the cover service reads the guard that mints these links. */
      cover: {
        request(
          input: { personId: string; role: RotaRole; from: Date; to: Date; note: string },
          actor: Actor,
        ): Promise<unknown>;
      };
    },
  ) {}

  /** The shift the token opens, or undefined (unknown, tampered, expired, or its person left). */
  async view(token: string): Promise<repo.LinkedShift | undefined> {
    return repo.findLinkedShift(this.deps.db, hashBearerToken(token), this.deps.clock());
  }

  /** Confirms the shift the token opens; false when the link no longer works. */
  async confirm(token: string): Promise<boolean> {
    const now = this.deps.clock();
    const shift = await repo.findLinkedShift(this.deps.db, hashBearerToken(token), now);
    if (!shift) return false;
    await repo.confirmEntry(this.deps.db, shift.entryId, now);
    return true;
  }

  /**
   * Asks colleagues to cover the rest of the shift (from now if it has started), as the desk's
   * cover page does, in its person's name; false when the link no longer works. The cover
   * service's refusals (e.g. an open request already overlaps) are thrown as AppError('validation').
   */
  async askCover(token: string): Promise<boolean> {
    const now = this.deps.clock();
    const shift = await repo.findLinkedShift(this.deps.db, hashBearerToken(token), now);
    if (!shift) return false;
    await this.deps.cover.request(
      {
        personId: shift.personId,
        role: shift.role,
        from: shift.startsAt > now ? shift.startsAt : now,
        to: shift.endsAt,
        note: '',
      },
      { userId: null, email: `shift link: ${shift.name}`.slice(0, 200) },
    );
    return true;
  }
}
