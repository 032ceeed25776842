import { Field } from '../http/field.js';
import { ErrorSummary, FieldError, Layout } from '../http/layout.js';
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
}) {
  return (
    <Field
      id={props.id}
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
}) {
  const values = props.values ?? {};
  const errors = props.errors ?? {};
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title={hasErrors ? 'Error: Send a media enquiry' : 'Send a media enquiry'} officeName={props.officeName}>
      {hasErrors ? <ErrorSummary errors={errors} order={[...ENQUIRY_FIELDS, 'website']} /> : null}
      <h1>Send a media enquiry</h1>
      <p class="lead">
        For journalists. You will get a reference straight away and we will tell you what happens next.
      </p>
      <p class="panel">{props.officeStatusLine}</p>
      <form method="post" action="/enquiries" novalidate>
        <TextField id="name" label="Your name" autocomplete="name" values={values} errors={errors} required />
        <TextField
          id="outlet"
          label="News outlet"
          hint="The publication or programme, or “freelance”."
          autocomplete="organization"
          values={values}
          errors={errors}
          required
        />
        <TextField
          id="email"
          label="Email address"
          type="email"
          autocomplete="email"
          hint="Give an email address, a phone number or both."
          values={values}
          errors={errors}
        />
        <TextField
          id="phone"
          label="Phone number"
          type="tel"
          autocomplete="tel"
          hint="For example 07911 123456. We use it to text or call you back."
          values={values}
          errors={errors}
        />
        <TextField id="subject" label="Subject" values={values} errors={errors} required />
        <Field
          id="details"
          label="Details of your enquiry"
          hint="What you want to know, and any questions you would like answered."
          error={errors.details}
          as="textarea"
          attrs={{ maxlength: LIMITS.details, 'aria-required': 'true' }}
        >
          {values.details ?? ''}
        </Field>
        <Field
          id="deadline"
          label="Your deadline (optional)"
          hint="UK time. For example 2026-12-29T14:30."
          error={errors.deadline}
          attrs={{ type: 'datetime-local', value: values.deadline ?? '' }}
        />
        <div class={`field${errors.urgent ? ' field--error' : ''}`}>
          <FieldError id="urgent" message={errors.urgent} />
          <div class="checkbox">
            <input
              type="checkbox"
              id="urgent"
              name="urgent"
              value="true"
              checked={values.urgent === 'true' || values.urgent === 'on'}
              aria-describedby="urgent-hint"
            />
            <label for="urgent">This is urgent</label>
          </div>
          <p class="hint" id="urgent-hint">
            {props.urgentHint}
          </p>
        </div>
        <div class={`honeypot${errors.website ? ' field--error' : ''}`}>
          <label for="website">Leave this field empty</label>
          <FieldError id="website" message={errors.website} />
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
          Send enquiry
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
}) {
  return (
    <Layout title="Enquiry received" officeName={props.officeName}>
      <div class="panel panel--confirm">
        <h1>Enquiry received</h1>
        <p>
          Your reference
          <span class="reference">{props.reference}</span>
        </p>
      </div>
      <h2>What happens next</h2>
      <p class={props.urgent ? 'panel panel--urgent' : 'panel'}>{props.nextStep}</p>
      {props.statusUrl ? (
        <>
          <h2>Follow your enquiry</h2>
          <p>
            This link shows where your enquiry stands. From it you can add information, change your deadline or withdraw
            the enquiry. Keep it: anyone with the link can see the enquiry.
          </p>
          <p class="status-link">
            <a href={props.statusUrl} rel="noreferrer">
              {props.statusUrl}
            </a>
          </p>
        </>
      ) : null}
      {props.acknowledgedTo ? <p class="acknowledged">We’ve also sent this to {props.acknowledgedTo}.</p> : null}
      <p>Quote your reference if you contact the press office about this enquiry.</p>
      <p>
        <a href="/">Send another enquiry</a>
      </p>
    </Layout>
  );
}

/** A plain error page for browsers (the API gets JSON). */
export function ErrorPage(props: { officeName: string; status: number; title: string; message: string }) {
  return (
    <Layout title={props.title} officeName={props.officeName}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">Go to the enquiry form</a>
      </p>
    </Layout>
  );
}
