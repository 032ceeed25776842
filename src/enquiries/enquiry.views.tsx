import { Field } from '../http/field.js';
import { LanguageSwitch } from '../http/language-switch.js';
import { ErrorSummary, FieldError, Layout } from '../http/layout.js';
import { t, translator } from '../i18n/catalogue.js';
import { LANGUAGE_TAGS, type Lang } from '../i18n/languages.js';
import { ENQUIRY_FIELDS, LIMITS } from './enquiry.input.js';

export type FormValues = Partial<Record<(typeof ENQUIRY_FIELDS)[number] | 'website', string>>;

function TextField(props: {
  id: 'name' | 'outlet' | 'email' | 'phone' | 'subject';
  label: string;
  hint?: string;
  type?: string;
  autocomplete?: string;
  values: FormValues;
  errors: Record<string, string>;
  required?: boolean;
  lang?: Lang;
}) {
  return (
    <Field
      id={props.id}
      lang={props.lang}
      label={props.label}
      hint={props.hint}
      error={props.errors[props.id]}
      attrs={{
        type: props.type ?? 'text',
        value: props.values[props.id] ?? '',
        maxlength: LIMITS[props.id],
        autocomplete: props.autocomplete,
        'aria-required': props.required ? 'true' : undefined,
      }}
    />
  );
}

/**
 * The public enquiry form. Works without JavaScript; on a failed submission it is shown again
 * with the journalist's values, an error summary at the top and each message by its field.
 */
export function EnquiryFormPage(props: {
  officeName: string;
  officeStatusLine: string;
  /** The hint under "This is urgent": what an urgent enquiry out of hours actually leads to. */
  urgentHint: string;
  values?: FormValues;
  errors?: Record<string, string>;
  /** The page's language (English by default) and the office's languages, for the switch. */
  lang?: Lang;
  offered?: readonly Lang[];
}) {
  const values = props.values ?? {};
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  const lang = props.lang ?? 'en';
  const tr = translator(lang);
  const offered = props.offered ?? [lang];
  const title = tr('web.form.title');
  return (
    <Layout
      title={hasErrors ? tr('web.errorTitle', { title }) : title}
      officeName={props.officeName}
      lang={lang}
      nav={<LanguageSwitch offered={offered} current={lang} path="/" />}
    >
      {hasErrors ? <ErrorSummary errors={errors} order={[...ENQUIRY_FIELDS, 'website']} lang={lang} /> : null}
      <h1>{title}</h1>
      <p class="lead">{tr('web.form.lead')}</p>
      <p class="panel">{props.officeStatusLine}</p>
      <form method="post" action="/enquiries" novalidate>
        {offered.length > 1 ? <input type="hidden" name="language" value={lang} /> : null}
        <TextField
          id="name"
          label={tr('web.form.name')}
          autocomplete="name"
          values={values}
          errors={errors}
          required
          lang={lang}
        />
        <TextField
          id="outlet"
          label={tr('web.form.outlet')}
          hint={tr('web.form.outletHint')}
          lang={lang}
          autocomplete="organization"
          values={values}
          errors={errors}
          required
        />
        <TextField
          id="email"
          label={tr('web.form.email')}
          type="email"
          autocomplete="email"
          hint={tr('web.form.emailHint')}
          lang={lang}
          values={values}
          errors={errors}
        />
        <TextField
          id="phone"
          label={tr('web.form.phone')}
          type="tel"
          autocomplete="tel"
          hint={tr('web.form.phoneHint')}
          lang={lang}
          values={values}
          errors={errors}
        />
        <TextField id="subject" label={tr('web.form.subject')} values={values} errors={errors} required lang={lang} />
        <Field
          id="details"
          label={tr('web.form.details')}
          hint={tr('web.form.detailsHint')}
          error={errors.details}
          lang={lang}
          as="textarea"
          attrs={{ maxlength: LIMITS.details, 'aria-required': 'true' }}
        >
          {values.details ?? ''}
        </Field>
        <Field
          id="deadline"
          label={tr('web.form.deadline')}
          hint={tr('web.form.deadlineHint')}
          error={errors.deadline}
          lang={lang}
          attrs={{ type: 'datetime-local', value: values.deadline ?? '' }}
        />
        <div class={`field${errors.urgent ? ' field--error' : ''}`}>
          <FieldError id="urgent" message={errors.urgent} lang={lang} />
          <div class="checkbox">
            <input
              type="checkbox"
              id="urgent"
              name="urgent"
              value="true"
              checked={values.urgent === 'true' || values.urgent === 'on'}
              aria-describedby="urgent-hint"
            />
            <label for="urgent">{tr('web.form.urgent')}</label>
          </div>
          <p class="hint" id="urgent-hint">
            {props.urgentHint}
          </p>
        </div>
        <div class={`honeypot${errors.website ? ' field--error' : ''}`}>
          <label for="website">{tr('web.form.honeypot')}</label>
          <FieldError id="website" message={errors.website} lang={lang} />
          <input
            type="text"
            id="website"
            name="website"
            value={values.website ?? ''}
            tabindex={-1}
            autocomplete="off"
          />
        </div>
        <button type="submit" class="button">
          {tr('web.form.submit')}
        </button>
      </form>
    </Layout>
  );
}

/** The receipt a journalist sees after submitting: the reference, large, and what happens next. */
export function ConfirmationPage(props: {
  officeName: string;
  reference: string;
  nextStep: string;
  urgent: boolean;
  statusUrl: string | null;
  acknowledgedTo?: string | null;
  /** The page's language (English by default); `nextStepLang` the language `nextStep` was written in. */
  lang?: Lang;
  nextStepLang?: Lang;
  offered?: readonly Lang[];
}) {
  const lang = props.lang ?? 'en';
  const tr = translator(lang);
  const stepLang = props.nextStepLang ?? 'en';
  return (
    <Layout
      title={tr('web.confirm.title')}
      officeName={props.officeName}
      lang={lang}
      nav={<LanguageSwitch offered={props.offered ?? [lang]} current={lang} />}
    >
      <div class="panel panel--confirm">
        <h1>{tr('web.confirm.title')}</h1>
        <p>
          {tr('web.confirm.reference')}
          <span class="reference">{props.reference}</span>
        </p>
      </div>
      <h2>{tr('web.confirm.next')}</h2>
      <p
        class={props.urgent ? 'panel panel--urgent' : 'panel'}
        lang={stepLang === lang ? undefined : LANGUAGE_TAGS[stepLang]}
      >
        {props.nextStep}
      </p>
      {props.statusUrl ? (
        <>
          <h2>{tr('web.confirm.follow')}</h2>
          <p>{tr('web.confirm.followText')}</p>
          <p class="status-link">
            <a href={props.statusUrl} rel="noreferrer">
              {props.statusUrl}
            </a>
          </p>
        </>
      ) : null}
      {props.acknowledgedTo ? (
        <p class="acknowledged">{tr('web.confirm.acknowledged', { to: props.acknowledgedTo })}</p>
      ) : null}
      <p>{tr('web.confirm.quote')}</p>
      <p>
        <a href={(props.offered ?? []).length > 1 ? `/?lang=${lang}` : '/'}>{tr('web.confirm.another')}</a>
      </p>
    </Layout>
  );
}

/** A plain error page for browsers (the API gets JSON). */
export function ErrorPage(props: { officeName: string; status: number; title: string; message: string; lang?: Lang }) {
  const lang = props.lang ?? 'en';
  return (
    <Layout title={props.title} officeName={props.officeName} lang={lang}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        {lang === 'en' ? (
          <a href="/">Go to the enquiry form</a>
        ) : (
          <a href={`/?lang=${lang}`}>{t(lang, 'web.backToForm')}</a>
        )}
      </p>
    </Layout>
  );
}
