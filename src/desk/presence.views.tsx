import { asTimelineEvent } from '../enquiries/timeline.js';
import { describeEvent } from '../enquiries/timeline.views.js';
import { Csrf } from '../web/layout.js';
import type { OtherAction, Present } from './presence.repository.js';
import { GUARD_FIELDS, type StaleSend } from './presence.service.js';
import type { WritingIn } from './presence.tables.js';

/** How each box reads in "Sam Lee is writing …". */
const WRITING_WORDS: Record<WritingIn, string> = {
  response: 'the response',
  reply: 'a reply',
  note: 'a note',
  line: 'a line for sign-off',
};

/** One officer's line: "Sam Lee is writing a reply" or "Sam Lee is viewing". */
export function presentLine(p: Pick<Present, 'name' | 'writing'>): string {
  return p.writing ? `${p.name} is writing ${WRITING_WORDS[p.writing]}` : `${p.name} is viewing`;
}

/** The whole region as one sentence, for the live status and the queue's marker. */
export function presenceText(people: readonly Pick<Present, 'name' | 'writing'>[]): string {
  if (!people.length) return 'Nobody else has this enquiry open.';
  return `${people.map(presentLine).join('. ')}.`;
}

/** The queue row's marker: "Sam Lee is on this" (and "writing" when they are), as text. */
export function queueMarkerText(people: readonly Pick<Present, 'name' | 'writing'>[]): string {
  const writing = people.find((p) => p.writing);
  const first = writing ?? people[0];
  if (!first) return '';
  const more = people.length > 1 ? ` and ${people.length - 1} other${people.length > 2 ? 's' : ''}` : '';
  return `${first.name}${more} ${people.length > 1 ? 'are' : 'is'} ${writing ? `on this (writing ${WRITING_WORDS[writing.writing!]})` : 'on this'}`;
}

/**
 * Who else has the enquiry open (issue 29), rendered on load (works without script) and kept up to
 * date by /assets/presence.js through the enquiry's presence stream. The sentence is a polite live
 * region: a change is read out once, not every heartbeat.
 */
export function PresencePanel(props: { reference: string; people: readonly Present[]; heartbeatSeconds: number }) {
  return (
    <section
      class="panel presence"
      id="presence"
      aria-labelledby="presence-title"
      data-reference={props.reference}
      data-heartbeat={String(props.heartbeatSeconds)}
    >
      <h2 id="presence-title" class="presence__title">
        Who else is here
      </h2>
      <p id="presence-status" role="status" aria-live="polite" data-count={String(props.people.length)}>
        {presenceText(props.people)}
      </p>
    </section>
  );
}

/** The hidden fields a send form carries (issue 29): what the page saw, and the form's own key. */
export function SendGuardFields(props: { seen: string; formKey: string }) {
  return (
    <>
      <input type="hidden" name={GUARD_FIELDS.seen} value={props.seen} />
      <input type="hidden" name={GUARD_FIELDS.key} value={props.formKey} />
    </>
  );
}

/** What the stale-send notice needs: what changed, and the form to post again. */
export interface StaleView {
  changes: Array<{ who: string; what: string; at: string; words?: string }>;
  resentAt: string | null;
  /** The refused form's action and fields, posted again by "Send anyway". */
  action: string;
  fields: Record<string, string | readonly string[]>;
  seen: string;
  formKey: string;
  /** The button's words: "Send anyway", or "Change the status anyway". */
  label: string;
}

/**
 * A send stopped because the page was stale (issue 29): what changed since it was loaded, and a
 * choice: "Send anyway" posts exactly what was written, now marked as having seen the changes; or
 * read the timeline and change the text in the form below, which keeps it.
 */
export function StaleNotice(props: { stale: StaleView; csrf: string }) {
  const s = props.stale;
  return (
    <section class="panel panel--urgent stale" id="stale" aria-labelledby="stale-title" tabindex={-1} autofocus>
      <h2 id="stale-title">Nothing was sent: this enquiry changed after you opened it</h2>
      {s.resentAt ? <p>You already sent something from this page at {s.resentAt}.</p> : null}
      {s.changes.length ? (
        <ul>
          {s.changes.map((c) => (
            <li>
              {c.who}: {c.what} at {c.at}
              {c.words ? (
                <>
                  : <q class="stale__words">{c.words}</q>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p>Your text is kept in the form below. Check the timeline, then send it as it is, or change it first.</p>
      <form method="post" action={s.action}>
        <Csrf token={props.csrf} />
        <SendGuardFields seen={s.seen} formKey={s.formKey} />
        {Object.entries(s.fields).flatMap(([name, v]) =>
          (typeof v === 'string' ? [v] : v).map((value) => <input type="hidden" name={name} value={value} />),
        )}
        <button class="button button--warning" type="submit">
          {s.label}
        </button>
      </form>
    </section>
  );
}

/** The queue row's marker of another officer on the enquiry (text, not colour only). */
export function QueuePresenceMarker(props: { people?: readonly Present[] }) {
  if (!props.people?.length) return null;
  return <span class="tag tag--presence">{queueMarkerText(props.people)}</span>;
}

/** One change for the notice, worded from the timeline's own description. */
export function staleChange(
  a: OtherAction,
  describe: (a: OtherAction) => { title: string; body?: string },
  when: (d: Date) => string,
  names: ReadonlyMap<string, string> = new Map(),
): StaleView['changes'][number] {
  const d = describe(a);
  // A colleague by name (on-call by their rota name), else the journalist (entries without an actor).
  const who = a.name ?? (a.actor ? (names.get(a.actor) ?? a.actor) : 'The journalist');
  // The words themselves (the first paragraph: a response's release decision follows it), kept short.
  const first = d.body?.split('\n\n')[0]?.trim();
  const words = first ? (first.length > 160 ? `${first.slice(0, 157)}…` : first) : undefined;
  return { who, what: d.title, at: when(a.at), ...(words ? { words } : {}) };
}

/**
 * The notice's view of a stopped send: each change worded as the timeline words it (names, not
 * addresses), the refused form's `action` and `fields` to post again with the new marker.
 */
export function staleViewOf(
  err: StaleSend,
  o: {
    enquiryId: string;
    action: string;
    fields: StaleView['fields'];
    formKey: string;
    label: string;
    when: (d: Date) => string;
    names?: ReadonlyMap<string, string>;
  },
): StaleView {
  const describe = (a: OtherAction) => describeEvent(asTimelineEvent({ ...a, enquiry_id: o.enquiryId }), o.names);
  return {
    changes: err.changes.map((a) => staleChange(a, describe, o.when, o.names)),
    resentAt: err.resentAt ? o.when(err.resentAt) : null,
    action: o.action,
    fields: o.fields,
    seen: err.newest,
    formKey: o.formKey,
    label: o.label,
  };
}
