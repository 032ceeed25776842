import { Hono, type Context } from 'hono';
import type { Config } from '../config.js';
import { ErrorSummary } from '../http/layout.js';
import { Field } from '../http/field.js';
import { validationFields } from '../http/errors.js';
import { allValues, firstValue } from '../http/form-schema.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import { Csrf, DeskLayout } from '../web/layout.js';
import { actorOf, rowId } from '../web/handlers.js';
import type { DeskSession } from '../web/session.js';
import { ownSubject } from '../email/email-out.service.js';
import { lineMessageText, smsSize, type HoldingLines, type LineWithCounts } from './holding-line.service.js';
import { LINE_LIMITS, newLineForm, type IncidentPageErrors, type IncidentPageValues } from './incident.forms.js';
import type { Incident } from './incident.tables.js';

/**
 * Re-shows the incident page with the new-line form's errors beside its fields and what was typed
 * (the incident page's own renderer, when the desk wires it; status 422).
 */
export type RenderIncidentWithErrors = (
  c: Context<DeskEnv>,
  incidentId: string,
  errors: IncidentPageErrors,
  values: IncidentPageValues,
) => Response | Promise<Response>;

export interface HoldingLineRouteDeps {
  config: Pick<Config, 'office'>;
  holdingLines: HoldingLines;
  /** The incident page with the form's errors; without it, a page of just the form is shown. */
  renderIncident?: RenderIncidentWithErrors;
}

/** The form for a new line, for the incident page (fields `kind` and `text`, their ids the same, as the error summary links to them). */
export function NewLineForm(props: {
  incidentId: string;
  csrf: string;
  errors?: IncidentPageErrors;
  values?: IncidentPageValues;
}) {
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const kind = values.kind === 'press' ? 'press' : 'holding';
  return (
    <form method="post" action={`/desk/incidents/${props.incidentId}/lines`} class="incident-line-form">
      <Csrf token={props.csrf} />
      <Field id={newLineForm.ids.kind} label="Kind of line" as="select" error={errors.kind}>
        <option value="holding" selected={kind === 'holding'}>
          Holding line
        </option>
        <option value="press" selected={kind === 'press'}>
          Press line (released statement)
        </option>
      </Field>
      <Field
        id={newLineForm.ids.text}
        label="The line"
        hint={`Sent as written to every linked journalist, by SMS or email. Up to ${LINE_LIMITS.text.toLocaleString('en-GB')} characters.`}
        as="textarea"
        error={errors.text}
        attrs={{
          rows: 4,
          maxlength: LINE_LIMITS.text,
          // The library's line search (src/http/assets/insert.js): lines only, as a template is
          // filled from one enquiry and this goes to many; sent by SMS, so counted in segments.
          'data-insert': '/desk/lines/suggest',
          'data-insert-kinds': 'line',
          'data-sms-count': '',
        }}
      >
        {values.text ?? ''}
      </Field>
      <p class="insert-fallback">
        <a href="/desk/lines">Find a line to take</a>
      </p>
      <button type="submit">Save the line</button>
    </form>
  );
}

function LineFormPage(props: {
  officeName: string;
  session: DeskSession;
  incidentId: string;
  errors: IncidentPageErrors;
  values: IncidentPageValues;
}) {
  return (
    <DeskLayout
      title="Error: new line"
      officeName={props.officeName}
      session={props.session}
      scripts={['/assets/insert.js']}
    >
      <h1>New line for the incident</h1>
      <ErrorSummary errors={props.errors} order={[newLineForm.ids.kind, newLineForm.ids.text]} />
      <NewLineForm
        incidentId={props.incidentId}
        csrf={props.session.session.csrf_token}
        errors={props.errors}
        values={props.values}
      />
      <p>
        <a href={`/desk/incidents/${props.incidentId}`}>Back to the incident</a>
      </p>
    </DeskLayout>
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The preview before sending: the exact message each journalist will receive, by text (with its
 * SMS length and segments) and by email (subject and body), who gets it, who cannot be reached,
 * and the confirm button (a plain form: no script needed).
 */
function SendPreviewPage(props: {
  officeName: string;
  session: DeskSession;
  incident: Incident;
  line: LineWithCounts;
  /** The line may go: no sign-off needed, or its words approved. */
  cleared: boolean;
  manager: boolean;
  errors: IncidentPageErrors;
  values: IncidentPageValues;
}) {
  const { incident, line } = props;
  const text = lineMessageText(line.line);
  const size = smsSize(text);
  const base = `/desk/incidents/${incident.id}`;
  const kind = line.line.kind === 'press' ? 'press line' : 'holding line';
  return (
    <DeskLayout
      title={`Send the ${kind}?`}
      officeName={props.officeName}
      session={props.session}
      current="/desk/incidents"
    >
      <p>
        <a href={`${base}#lines`}>← Back to the incident</a>
      </p>
      <h1>Send the {kind}?</h1>
      {line.notHad ? (
        <p class="lead">
          To {plural(line.notHad, 'journalist', 'journalists')} who {line.notHad === 1 ? 'has' : 'have'} not had it:{' '}
          {line.notHadBy.sms} by text, {line.notHadBy.email} by email.
        </p>
      ) : (
        <p class="lead">Every linked journalist who can be reached has had it: sending sends nothing.</p>
      )}
      {line.unreachable ? (
        <p>
          {plural(line.unreachable, 'enquiry', 'enquiries')} cannot be reached (no number for texts, no email address):{' '}
          {line.unreachableRefs.join(', ')}.
        </p>
      ) : null}
      <section aria-labelledby="preview-sms-title" class="line-preview">
        <h2 id="preview-sms-title">By text</h2>
        <p class="pre quote" id="preview-sms">
          {text}
        </p>
        <p class="hint" id="preview-sms-size">
          {plural(size.length, 'character', 'characters')}, {plural(size.segments, 'SMS segment', 'SMS segments')}.
        </p>
      </section>
      <section aria-labelledby="preview-email-title" class="line-preview">
        <h2 id="preview-email-title">By email</h2>
        <dl class="summary">
          <dt>Subject</dt>
          <dd id="preview-email-subject">{ownSubject('PD-…', props.officeName)} (each with their own reference)</dd>
          <dt>Message</dt>
          <dd class="pre quote" id="preview-email-body">
            {text}
          </dd>
        </dl>
      </section>
      {props.errors.line ? (
        <div class="notice notice--warning" role="alert" id="line">
          {props.errors.line}
        </div>
      ) : !props.cleared ? (
        <p class="notice notice--warning" id="line">
          This line needs sign-off before it goes to journalists: send it for sign-off on the incident page.
          {props.manager ? ' As a manager you may send it without, giving your reason.' : ''}
        </p>
      ) : null}
      {line.notHad && (props.cleared || props.manager) ? (
        <form method="post" action={`${base}/lines/${line.line.id}/send`} class="inline-form">
          <Csrf token={props.session.session.csrf_token} />
          {props.cleared ? null : (
            <Field
              id="override"
              label="Send without sign-off: your reason (managers)"
              hint="Recorded in the audit log."
              error={props.errors.override}
              attrs={{ maxlength: 1000, value: props.values.override ?? '' }}
            />
          )}
          <button type="submit" class="button">
            Send to {plural(line.notHad, 'journalist', 'journalists')}
          </button>{' '}
          <a href={`${base}#lines`}>Cancel</a>
        </form>
      ) : null}
    </DeskLayout>
  );
}

/**
 * The incident page's line actions, under /desk (behind the session and CSRF checks):
 * POST /incidents/:id/lines (fields `kind` holding|press, `text`) stores a line, and
 * GET /incidents/:id/lines/:lineId/send previews the exact message and asks to confirm, and
 * POST /incidents/:id/lines/:lineId/send sends it to every linked journalist who has not had it.
 * Both posts go back to the incident page (303; after a send with `done=line-sent`, the number
 * it went to in `n` and the line in `line`, for the notice); a validation error re-shows the form
 * (422) with the message beside its field.
 */
export function holdingLineRoutes(deps: HoldingLineRouteDeps) {
  const app = new Hono<DeskEnv>();

  app.post('/incidents/:id/lines', async (c) => {
    const id = rowId(c, 'incident');
    const body = await c.req.parseBody();
    const values = newLineForm.typed(body);
    const parsed = newLineForm.parse(body);
    let errors: IncidentPageErrors | null = parsed.ok ? null : parsed.errors;
    if (parsed.ok) {
      try {
        await deps.holdingLines.addLine(id, parsed.values, actorOf(c));
      } catch (err) {
        errors = validationFields(err);
        if (!errors) throw err;
      }
    }
    if (errors) {
      c.status(422);
      if (deps.renderIncident) return deps.renderIncident(c, id, errors, values);
      return c.html(
        <LineFormPage
          officeName={deps.config.office.name}
          session={deskSession(c)}
          incidentId={id}
          errors={errors}
          values={values}
        />,
      );
    }
    return c.redirect(`/desk/incidents/${id}#lines`, 303);
  });

  const preview = async (
    c: Context<DeskEnv>,
    id: string,
    lineId: string,
    refused?: { errors: IncidentPageErrors; values: IncidentPageValues },
  ) => {
    const { incident, line } = await deps.holdingLines.lineOf(id, lineId);
    const session = deskSession(c);
    if (refused) c.status(422);
    return c.html(
      <SendPreviewPage
        officeName={deps.config.office.name}
        session={session}
        incident={incident}
        line={line}
        cleared={await deps.holdingLines.lineCleared(line.line)}
        manager={session.user.role === 'manager'}
        errors={refused?.errors ?? {}}
        values={refused?.values ?? {}}
      />,
    );
  };

  app.get('/incidents/:id/lines/:lineId/send', (c) => preview(c, rowId(c, 'incident'), c.req.param('lineId')));

  app.post('/incidents/:id/lines/:lineId/send', async (c) => {
    const id = rowId(c, 'incident');
    const lineId = c.req.param('lineId');
    const body = await c.req.parseBody();
    const override = typeof body.override === 'string' ? body.override : '';
    const manager = deskSession(c).user.role === 'manager';
    let n: number;
    try {
      n = await deps.holdingLines.send(id, lineId, { ...actorOf(c), manager }, override || null);
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      return preview(c, id, lineId, { errors, values: { override } });
    }
    return c.redirect(`/desk/incidents/${id}?done=line-sent&n=${n}&line=${lineId}#lines`, 303);
  });

  // A line sent for sign-off (the approvers are ticked boxes: a repeated field).
  app.post('/incidents/:id/lines/:lineId/signoff', async (c) => {
    const id = rowId(c, 'incident');
    const lineId = c.req.param('lineId');
    const raw = await c.req.parseBody({ all: true });
    try {
      await deps.holdingLines.requestSignOff(
        id,
        lineId,
        { colleagueIds: allValues(raw, 'approvers'), via: firstValue(raw, 'via') },
        actorOf(c),
      );
    } catch (err) {
      const errors = validationFields(err);
      if (!errors) throw err;
      c.status(422);
      if (deps.renderIncident) return deps.renderIncident(c, id, errors, { signoffLine: lineId });
      throw err;
    }
    return c.redirect(`/desk/incidents/${id}?done=line-signoff#lines`, 303);
  });

  return app;
}
