// Links to the desk's enquiry page after an action (?done=<code>), shared by the desk's and the
// incidents' routes; what each code says is built in desk/casework.notices.ts.

/** The notice codes an action can redirect with. */
export const DONE_CODES = [
  'assigned',
  'status',
  'note',
  'response',
  'released',
  'sms',
  'email',
  'urgency',
  'acknowledged',
  'linked',
  'unlinked',
  'asked',
  'questionWithdrawn',
  'questionClosed',
  'signoffRequested',
  'draftSaved',
  'topics',
  // Merge and split (src/merging).
  'merged',
  'mergeUndone',
  'split',
] as const;
export type DoneCode = (typeof DONE_CODES)[number];

/** True when `s` is one of the notice codes. */
export function isDoneCode(s: string | undefined): s is DoneCode {
  return (DONE_CODES as readonly string[]).includes(s ?? '');
}

/** Where the enquiry page goes after an action: its notice code and, when the action wrote one, its timeline entry. */
export function doneHref(reference: string, code: DoneCode, eventId?: string | null): string {
  return `/desk/enquiries/${reference}?done=${code}${eventId ? `&event=${eventId}` : ''}`;
}
