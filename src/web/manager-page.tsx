import type { Child } from 'hono/jsx';
import { Notice, ProblemSummary } from './forms.js';
import { DeskLayout } from './layout.js';
import type { DeskSession } from './session.js';

/**
 * The frame every manager page with a form repeats (the library of lines, reply templates,
 * topics, journalists and outlets, colleagues, rotations): the desk layout, its title starting "Error: " while a form on the page was refused (so
 * the browser tab and a screen reader say so first, as GOV.UK pages do); then the way back, the
 * summary linking each refused field's message to its field, and the confirmation of the last
 * change, in that order, before the page's own content. A form counts as refused when its
 * `errors` name any field (a form shown again after a check that found nothing passes `{}`).
 */
export function ManagerPage<F extends string>(p: {
  /** The page's title without the "Error: " prefix. */
  title: string;
  office: { name: string };
  session: DeskSession;
  /** The desk section it belongs to (marked current in the header). */
  current: string;
  /** A link back above everything else: `href` and its words after "← ". */
  back?: { href: string; label: string };
  /**
   * The page's form: its message for each refused field (absent or empty: nothing refused), the
   * element id of each field for the summary's links, and the fields in the page's order.
   */
  form?: { errors: Partial<Record<F, string>>; ids: (field: F) => string; order?: readonly F[] };
  /** The confirmation of the change just made (PRG), focused on load. */
  notice?: string;
  children?: Child;
}) {
  const refused = p.form !== undefined && Object.keys(p.form.errors).length > 0;
  return (
    <DeskLayout
      title={`${refused ? 'Error: ' : ''}${p.title}`}
      officeName={p.office.name}
      session={p.session}
      current={p.current}
    >
      {p.back ? (
        <p>
          <a href={p.back.href}>← {p.back.label}</a>
        </p>
      ) : null}
      {refused && p.form ? <ProblemSummary problem={p.form} ids={p.form.ids} order={p.form.order} /> : null}
      <Notice text={p.notice} focus />
      {p.children}
    </DeskLayout>
  );
}
