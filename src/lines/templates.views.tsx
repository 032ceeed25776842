import type { OfficeConfig } from '../config.js';
import { Field } from '../http/field.js';
import { Csrf } from '../web/layout.js';
import { ManagerPage } from '../web/manager-page.js';
import type { DeskSession } from '../web/session.js';
import { LINE_FORM_LIMITS, type TemplateErrors, type TemplateField } from './lines.forms.js';
import type { ReplyTemplate } from './lines.tables.js';
import { LINES_PATH, sizeInWords } from './lines.views.js';
import { PLACEHOLDERS } from './placeholders.js';

/** The templates' place on the desk (managers). */
export const TEMPLATES_PATH = `${LINES_PATH}/templates`;

/** Element id of a field of the template form. */
export function templateFieldId(field: TemplateField | 'form'): string {
  return `template-${field === 'form' ? 'title' : field}`;
}

const ORDER: readonly (TemplateField | 'form')[] = ['form', 'title', 'body'];

/** The list of placeholders a body may use, with what each becomes. */
function PlaceholderList() {
  return (
    <dl class="summary placeholders" id="template-placeholders">
      {Object.entries(PLACEHOLDERS).map(([name, what]) => (
        <>
          <dt>
            <code>{`{${name}}`}</code>
          </dt>
          <dd>{what}</dd>
        </>
      ))}
    </dl>
  );
}

/** The template form's fields. */
function TemplateFields(p: { values: Partial<Record<TemplateField, string>>; errors: TemplateErrors }) {
  const id = templateFieldId;
  return (
    <>
      <Field
        id={id('title')}
        name="title"
        label="Title"
        error={p.errors.title ?? p.errors.form}
        attrs={{ type: 'text', maxlength: LINE_FORM_LIMITS.title, autocomplete: 'off', value: p.values.title ?? '' }}
      />
      <Field
        id={id('body')}
        name="body"
        label="Words"
        hint="Placeholders in braces are filled from the enquiry when the template is inserted: see the list below."
        error={p.errors.body}
        as="textarea"
        attrs={{ rows: 6, maxlength: LINE_FORM_LIMITS.body }}
      >
        {p.values.body ?? ''}
      </Field>
      <details>
        <summary>Placeholders you can use</summary>
        <PlaceholderList />
      </details>
    </>
  );
}

/** The reply templates (`/desk/lines/templates`, managers): kept and archived, and the add form. */
export function TemplatesPage(p: {
  session: DeskSession;
  office: OfficeConfig;
  templates: ReplyTemplate[];
  values: Partial<Record<TemplateField, string>>;
  errors: TemplateErrors;
  notice?: string;
}) {
  return (
    <ManagerPage
      title="Reply templates"
      office={p.office}
      session={p.session}
      current={LINES_PATH}
      back={{ href: LINES_PATH, label: 'Lines to take' }}
      form={{ errors: p.errors, ids: templateFieldId, order: ORDER }}
      notice={p.notice}
    >
      <h1>Reply templates</h1>
      <p class="hint">
        Procedural replies (“please make a Freedom of Information request”), inserted like lines from the reply boxes,
        with the journalist’s name, the reference and the rest filled in.
      </p>
      {p.templates.length ? (
        <table class="stack templates-table">
          <caption class="visually-hidden">Reply templates</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Length</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {p.templates.map((t) => (
              <tr id={`template-row-${t.id}`} class={t.archived_at ? 'is-disabled' : undefined}>
                <td data-label="Title">
                  <a href={`${TEMPLATES_PATH}/${t.id}`}>{t.title}</a>
                </td>
                <td data-label="Length">{sizeInWords(t.body)} before filling</td>
                <td data-label="State">{t.archived_at ? <strong>Archived</strong> : 'In use'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No templates yet.</p>
      )}
      <form method="post" action={TEMPLATES_PATH} novalidate class="manager-form" aria-labelledby="add-template-title">
        <h2 id="add-template-title">Add a template</h2>
        <Csrf token={p.session.session.csrf_token} />
        <TemplateFields values={p.values} errors={p.errors} />
        <button type="submit" class="button">
          Add template
        </button>
      </form>
    </ManagerPage>
  );
}

/** One template (`/desk/lines/templates/:id`, managers): change it, or archive it. */
export function TemplatePage(p: {
  session: DeskSession;
  office: OfficeConfig;
  template: ReplyTemplate;
  values: Partial<Record<TemplateField, string>>;
  errors: TemplateErrors;
  notice?: string;
}) {
  const t = p.template;
  const base = `${TEMPLATES_PATH}/${t.id}`;
  return (
    <ManagerPage
      title={`${t.title} – Reply templates`}
      office={p.office}
      session={p.session}
      current={LINES_PATH}
      back={{ href: TEMPLATES_PATH, label: 'All templates' }}
      form={{ errors: p.errors, ids: templateFieldId, order: ORDER }}
      notice={p.notice}
    >
      <h1>{t.title}</h1>
      {t.archived_at ? <p class="banner">Archived: it is no longer offered.</p> : null}
      <form method="post" action={base} novalidate class="manager-form" aria-labelledby="edit-template-title">
        <h2 id="edit-template-title">Change it</h2>
        <Csrf token={p.session.session.csrf_token} />
        <TemplateFields values={p.values} errors={p.errors} />
        <button type="submit" class="button">
          Save changes
        </button>
      </form>
      {t.archived_at ? null : (
        <form method="post" action={`${base}/archive`} class="inline-form">
          <Csrf token={p.session.session.csrf_token} />
          <button type="submit" class="button button--secondary">
            Archive<span class="visually-hidden"> {t.title}</span>
          </button>
        </form>
      )}
    </ManagerPage>
  );
}
