import { ErrorSummary } from '../http/layout.js';

/**
 * A form on a manager page that was refused: which form (and for per-row forms, which row), the
 * message for each field (`F`, or `form` for a refusal that names none), and what was typed, so
 * the page can be shown again with both.
 */
export interface FormProblem<F extends string = string> {
  form: string;
  rowId?: string;
  errors: Partial<Record<F | 'form', string>>;
  values: Partial<Record<F, string>>;
}

/**
 * The GOV.UK error summary for a refused form, linking each message to its field. `ids` maps a
 * field name (as the service reports it) to the element id on the page; ids of per-row forms carry
 * the row so that the link lands on the right one.
 */
export function ProblemSummary<F extends string>(props: {
  problem: { errors: Partial<Record<F, string>> } | undefined;
  ids: (field: F) => string;
  order?: readonly F[];
}) {
  if (!props.problem) return null;
  const { errors } = props.problem;
  // In the order the fields appear on the page, so the summary reads like the form.
  const rank = (field: F) => {
    const i = props.order?.indexOf(field) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const fields = (Object.keys(errors) as F[]).sort((a, b) => rank(a) - rank(b));
  const byId: Record<string, string> = {};
  for (const field of fields) {
    const message = errors[field];
    if (message) byId[props.ids(field)] ??= message;
  }
  return <ErrorSummary errors={byId} order={Object.keys(byId)} />;
}

/**
 * A confirmation after a change (PRG): announced politely to screen readers, and focusable
 * (`id="notice"`). `focus`: the page takes focus to it on load, so a screen reader reads it first
 * and the view starts at it.
 */
export function Notice(props: { text: string | undefined; focus?: boolean }) {
  return props.text ? (
    <div class="notice" role="status" id="notice" tabindex={-1} autofocus={props.focus || undefined}>
      <p>{props.text}</p>
    </div>
  ) : null;
}
