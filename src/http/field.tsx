import type { Child } from 'hono/jsx';
import type { Lang } from '../i18n/languages.js';
import { describedBy, FieldError } from './layout.js';

/** Attributes passed through to the control (type, value, maxlength, autocomplete, …). */
type ControlAttributes = Record<string, string | number | boolean | undefined>;

/** `class` of a field wrapper (`base`: a form's `field` or a filter bar's `filter`), marked when it has an error. */
export function fieldClass(message: string | undefined, extra = '', base: 'field' | 'filter' = 'field'): string {
  return [base, message ? 'field--error' : '', extra].filter(Boolean).join(' ');
}

/**
 * One labelled form control, GOV.UK style: label, optional hint, the error message just above the
 * control, and the control, whose `aria-describedby` names the hint and the error whenever they
 * are shown (and `aria-invalid` marks it while there is an error). Every text input, select and
 * textarea of the public form and the desk is one of these, so the wiring cannot drift between
 * forms. `name` defaults to `id`; `children` are a select's options or a textarea's text;
 * `layout: 'filter'` lays it out as one of a filter bar's controls (queue, reports).
 */
export function Field(props: {
  id: string;
  name?: string;
  label: Child;
  hint?: Child;
  error?: string;
  as?: 'input' | 'select' | 'textarea';
  layout?: 'field' | 'filter';
  attrs?: ControlAttributes;
  children?: Child;
  /** The language of the page (the hidden "Error:" before a message); English by default. */
  lang?: Lang;
}) {
  const { id, error } = props;
  const hint = props.hint !== undefined && props.hint !== null && props.hint !== false;
  const control = {
    id,
    name: props.name ?? id,
    ...props.attrs,
    'aria-describedby': describedBy(id, { hint, error }),
    'aria-invalid': error ? 'true' : undefined,
  };
  return (
    <div class={fieldClass(error, '', props.layout)}>
      <label for={id}>{props.label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={id} message={error} lang={props.lang} />
      {props.as === 'select' ? (
        <select {...control}>{props.children}</select>
      ) : props.as === 'textarea' ? (
        <textarea {...control}>{props.children}</textarea>
      ) : (
        <input {...control} />
      )}
    </div>
  );
}
