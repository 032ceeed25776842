import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.js';
import { findOptOut } from '../sms/opt-out.repository.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import * as enquiries from '../enquiries/enquiries.repository.js';
import { normaliseReference } from '../enquiries/reference.js';
import type { z } from 'zod';
import { AppError, validationFields } from '../http/errors.js';
import { checkDecision, type Decision } from '../statements/decision.js';
import type { SignOffService } from '../statements/signoff.service.js';
import type { SignOffField } from '../statements/signoff.views.js';
import { allValues, firstValue, type Form } from '../http/form-schema.js';
import type { Actor } from '../audit/audit.repository.js';
import { deskSession, type DeskEnv } from '../web/session.js';
import {
  emailReplyForm,
  noteForm,
  responseForm,
  smsReplyForm,
  statusForm,
  urgencyForm,
  type CaseworkErrors,
  type CaseworkField,
} from './casework.forms.js';
import { doneHref, enquiryNotice, type DoneCode } from './casework.notices.js';
import * as repo from './casework.repository.js';
import {
  hasMessage,
  MESSAGE_OUTCOMES,
  type CaseworkService,
  type MessageOutcome,
  type OutcomeChoice,
} from './casework.service.js';
import { usedLine } from '../enquiries/said.repository.js';
import { fillPlaceholders, placeholderValues } from '../lines/placeholders.js';
import { EnquiryPage } from './casework.views.js';
import { mergePanel } from '../merging/merging.service.js';
import { activeTopics, topicsOf } from '../topics/topics.repository.js';
import { journalistOfEnquiry } from '../journalists/journalists.service.js';
import { outletForSpelling } from '../journalists/outlets.repository.js';
import { takesTexts } from '../enquiries/phone-numbers.js';
import { findUserById, listActiveUsers } from '../web/users.repository.js';
import { findIncident, openIncidents } from '../incidents/incident.repository.js';
import { knownNames } from '../enquiries/people.repository.js';
import type { QuestionService } from '../colleagues/questions.service.js';
import { readAskForm, type AskErrors } from '../colleagues/question.forms.js';
import type { QuestionsPanelProps } from '../colleagues/questions.views.js';
import { formatShortTime } from '../hours/format.js';
import {
  AlreadySent,
  guardInput,
  HEARTBEAT_SECONDS,
  StaleSend,
  type PresenceService,
  type SendGuard,
} from './presence.service.js';
import { staleViewOf, type StaleView } from './presence.views.js';

/** Statuses in which an enquiry takes no new question (the service refuses them too). */
const NO_QUESTIONS = new Set(['closed', 'withdrawn', 'erased']);

/** An enquiry's page (`GET /desk/enquiries/:reference`) and its actions (POST …/assign, /status, /note, /response, /release, /reply, /email, /urgency, /acknowledge). */
export function caseworkRoutes(deps: {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'office' | 'statements' | 'publicBaseUrl' | 'lines' | 'outcomes' | 'twilio'>;
  casework: CaseworkService;
  questions: QuestionService;
  signOff: SignOffService;
  /** Who else has it open, and the stale-send guard (issue 29). */
  presence: PresenceService;
}) {
  const app = new Hono<DeskEnv>();

  async function render(
    c: Context<DeskEnv>,
    reference: string,
    status: 200 | 409 | 422,
    errors?: CaseworkErrors,
    values?: Partial<Record<CaseworkField, string>>,
    ask?: Pick<QuestionsPanelProps, 'errors' | 'values'>,
    signoff?: {
      errors?: Partial<Record<SignOffField, string>>;
      values?: { draft?: string; via?: string; approvers?: readonly string[] };
    },
    extra?: { stale?: StaleView },
  ) {
    const e = await enquiries.findByReference(deps.db, reference);
    if (!e) throw new AppError('not_found', `There is no enquiry ${reference}.`);
    const { user } = deskSession(c);
    // What this page shows is at least as new as this (read first): a send from it is checked against it.
    const seen = await deps.presence.newestEvent(e.id);
    // The notice after an action (PRG), only on the page itself, never on a refused form.
    const notice =
      status === 200
        ? enquiryNotice(deps.db, e, { id: user.id, email: user.email }, c.req.query('done'), c.req.query('event'))
        : Promise.resolve(undefined);
    const [
      assignee,
      staff,
      earlier,
      timeline,
      page,
      outbound,
      incident,
      incidents,
      replies,
      noticeText,
      names,
      optOut,
      questions,
      colleagues,
      suggestedDue,
      signOffView,
      lineUsed,
      onTopics,
      enquiryTopics,
      topicChoices,
      merge,
      journalist,
      namedOutlet,
      duplicateOf,
      others,
    ] = await Promise.all([
      e.assigned_to ? findUserById(deps.db, e.assigned_to) : Promise.resolve(undefined),
      listActiveUsers(deps.db),
      repo.earlierEnquiries(deps.db, e),
      repo.timeline(deps.db, e.id),
      repo.pageWithSteps(deps.db, e.id),
      repo.outboundFor(deps.db, e.id),
      e.incident_id ? findIncident(deps.db, e.incident_id) : Promise.resolve(undefined),
      e.incident_id ? Promise.resolve([]) : openIncidents(deps.db),
      repo.repliesWithState(deps.db, e.id),
      notice,
      knownNames(deps.db),
      e.phone ? findOptOut(deps.db, e.phone) : Promise.resolve(undefined),
      deps.questions.questionsOf(e.id),
      deps.questions.askable(),
      deps.questions.suggestedDue(e, ask?.values?.colleagues ?? []),
      deps.signOff.viewOf(e),
      usedLine(deps.db, e.id),
      repo.earlierOnTopics(deps.db, e.id),
      topicsOf(deps.db, e.id),
      activeTopics(deps.db),
      // Merged into another, merged here, possible duplicates (src/merging): one query for the suggestions.
      mergePanel(deps.db, e, {
        office: deps.config.office,
        now: deps.clock(),
        csrf: deskSession(c).session.csrf_token,
      }),
      // The sender's record (issue 29), matched by phone or email now, and the outlet their typed outlet names.
      journalistOfEnquiry(deps.db, e),
      outletForSpelling(deps.db, e.outlet),
      e.duplicate_of ? duplicateReference(e.duplicate_of) : null,
      deps.presence.others(e.id, user.id),
    ]);
    // The close form's standard messages (issue 28), filled for this enquiry; `{organisation}` stays
    // for the service to fill with the organisation the officer names.
    // In the journalist's language (issue 31) when the office has the messages in it.
    const own = e.language === 'en' ? undefined : deps.config.outcomes.translations[e.language];
    const filled = placeholderValues(e, deps.config, deps.clock(), '{organisation}', own ? e.language : 'en');
    const messages = Object.fromEntries(
      MESSAGE_OUTCOMES.map((o) => [o, fillPlaceholders((own ?? deps.config.outcomes.messages)[o], filled)]),
    ) as Record<MessageOutcome, string>;
    // Opened: what the journalist added is seen (the page still shows it this once, from `e`).
    if (e.journalist_added_at) await deps.casework.seen(e.id);
    c.status(status);
    return c.html(
      <EnquiryPage
        session={deskSession(c)}
        office={deps.config.office}
        now={deps.clock()}
        enquiry={e}
        assigneeName={assignee?.name ?? null}
        staff={staff}
        earlier={earlier}
        timeline={timeline}
        names={names}
        page={page}
        outbound={outbound}
        replies={replies}
        notice={noticeText}
        emailEnabled={deps.casework.emailEnabled}
        incident={incident ?? null}
        openIncidents={incidents}
        optOut={optOut ?? null}
        errors={errors}
        values={values}
        withholdReasons={deps.config.statements.withholdReasons}
        ending={{
          outcome: e.outcome ?? (lineUsed ? 'answered_with_line' : 'answered'),
          messages,
          duplicateOf,
        }}
        onTopics={onTopics}
        journalist={{
          known: journalist,
          outletName: namedOutlet?.name ?? null,
          notMedia: {
            message: messages.not_media,
            canSend:
              (!!e.email && deps.casework.emailEnabled) || takesTexts(e.phone, deps.config.twilio.allowedCountries),
          },
        }}
        presence={{ people: others, heartbeatSeconds: HEARTBEAT_SECONDS }}
        guard={{ seen, pageKey: deps.presence.newFormKey() }}
        stale={extra?.stale}
        merge={merge}
        topics={{ topics: enquiryTopics, available: topicChoices }}
        signOff={{
          view: signOffView,
          rule: deps.config.statements.signOff,
          approvers: colleagues,
          emailEnabled: deps.questions.emailEnabled,
          // The incident's approver is ticked to start with (issue 26: an approver per incident).
          values: incident?.approver_id ? { approvers: [incident.approver_id] } : undefined,
          ...signoff,
        }}
        questions={{
          questions,
          colleagues,
          suggestedDue,
          emailEnabled: deps.questions.emailEnabled,
          canAsk: !NO_QUESTIONS.has(e.status),
          closeable: true,
          directoryHref: '/desk/colleagues',
          ...ask,
        }}
      />,
    );
  }

  /** The reference of the enquiry a duplicate points at (null when it has since gone). */
  async function duplicateReference(id: string): Promise<string | null> {
    return (await repo.referenceById(deps.db, id)) ?? null;
  }

  function referenceOf(c: Context): string {
    const ref = normaliseReference(c.req.param('reference') ?? '');
    if (!ref) throw new AppError('not_found', 'That is not an enquiry reference.');
    return ref;
  }

  app.get('/enquiries/:reference', (c) => render(c, referenceOf(c), 200));

  /**
   * Runs an action; a validation error re-shows the page (422) with the message by its field and
   * the text kept. `run` returns the timeline entry it wrote (null: nothing changed), which the
   * page's notice reads back (`done`, src/desk/casework.notices.ts).
   */
  const act =
    (
      done: DoneCode,
      run: (
        reference: string,
        body: Record<string, string>,
        actor: Actor & { manager: boolean },
        guard: SendGuard | null,
      ) => Promise<string | null>,
    ) =>
    async (c: Context<DeskEnv>) => {
      const reference = referenceOf(c);
      const raw = await c.req.parseBody();
      const body: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string' && k !== '_csrf') body[k] = v;
      const { user } = deskSession(c);
      const sent = guardInput(raw, user);
      let eventId: string | null;
      try {
        eventId = await run(
          reference,
          body,
          { userId: user.id, email: user.email, manager: user.role === 'manager' },
          deps.presence.guard(sent),
        );
      } catch (err) {
        if (err instanceof AppError && err.code === 'validation' && err.details.fields)
          return render(c, reference, 422, err.details.fields, body);
        const stopped = await staleSend(c, reference, err, done, sent.fields, body);
        if (stopped) return stopped;
        throw err;
      }
      return c.redirect(doneHref(reference, done, eventId), 303);
    };

  /**
   * A send the guard stopped (issue 29): a second submit of the same form goes to the first one's
   * notice (nothing sent again); a send from a stale page is shown again, 409, with what changed,
   * the text kept and "Send anyway". Null for any other error.
   */
  async function staleSend(
    c: Context<DeskEnv>,
    reference: string,
    err: unknown,
    done: DoneCode,
    fields: StaleView['fields'],
    values: Partial<Record<CaseworkField, string>>,
  ): Promise<Response | null> {
    if (err instanceof AlreadySent) return c.redirect(doneHref(reference, done, err.eventId), 303);
    if (!(err instanceof StaleSend)) return null;
    const e = await enquiries.findByReference(deps.db, reference);
    if (!e) return null;
    const now = deps.clock();
    const stale = staleViewOf(err, {
      enquiryId: e.id,
      action: new URL(c.req.url).pathname,
      fields,
      formKey: deps.presence.newFormKey(),
      label: done === 'status' ? 'Change the status anyway' : done === 'released' ? 'Do it anyway' : 'Send anyway',
      when: (d) => formatShortTime(d, deps.config.office, now),
      names: await knownNames(deps.db),
    });
    return render(c, reference, 409, undefined, values, undefined, undefined, { stale });
  }

  /**
   * An action whose body is a form (casework.forms.ts): typed values to `run`, or (through `act`)
   * the page again, 422, with every field's message and what was typed; the service not called.
   */
  const actForm = <S extends z.ZodObject>(
    done: DoneCode,
    form: Form<S>,
    run: (reference: string, values: z.output<S>, actor: Actor) => Promise<string | null>,
  ) => act(done, (reference, body, actor) => run(reference, form.check(body), actor));

  app.post(
    '/enquiries/:reference/assign',
    act('assigned', (ref, b, actor) => deps.casework.assign(ref, b.assignee ? b.assignee : null, actor)),
  );
  // The status with how it ended (issue 28). A post without the outcome field (a form from before
  // outcomes, a script) records the default outcome, as on-call's DONE does; the page's form always sends it.
  app.post(
    '/enquiries/:reference/status',
    act('status', (ref, b, { manager, ...actor }, guard) => {
      const v = statusForm.check(b);
      let outcome: OutcomeChoice | undefined;
      if ('outcome' in b) {
        const chosen = v.outcome ?? '';
        const field = hasMessage(chosen) ? (`message_${chosen}` as const) : null;
        const message = field && v.sendMessage ? v[field] : null;
        if (field && v.sendMessage && !message)
          throw new AppError('validation', 'Enter the message', {
            fields: { [field]: 'Enter the message, or untick "Send the journalist this message"' },
          });
        outcome = { outcome: chosen, organisation: v.outcomeOrg, duplicateOf: v.duplicateOf ?? null, message };
      }
      return deps.casework.setStatus(ref, b.status ?? '', actor, undefined, { outcome, manager, guard });
    }),
  );
  const { casework } = deps;
  app.post(
    '/enquiries/:reference/note',
    actForm('note', noteForm, (ref, v, a) => casework.addNote(ref, v.note, a)),
  );
  // The response with its release decision: the reasons are ticked boxes (a repeated field), and
  // the form's problems and the decision's are reported together.
  app.post('/enquiries/:reference/response', async (c) => {
    const reference = referenceOf(c);
    const raw = await c.req.parseBody({ all: true });
    const one = (k: string) => firstValue(raw, k);
    const reasons = allValues(raw, 'reasons');
    const typed = {
      response: one('response'),
      release: one('release'),
      withheld: one('withheld'),
      decidedBy: one('decidedBy'),
      override: one('override'),
    };
    const { user } = deskSession(c);
    const sent = guardInput(raw, user);
    const refuse = (errors: CaseworkErrors) =>
      render(c, reference, 422, errors, { ...typed, reasons: reasons.join('\n') });
    const parsed = responseForm.validate(typed);
    let errors: CaseworkErrors = parsed.ok ? {} : { ...parsed.errors };
    let decision: Decision | null = null;
    try {
      decision = checkDecision(
        { reasons, withheld: typed.withheld, decidedBy: typed.decidedBy },
        deps.config.statements.withholdReasons,
      );
    } catch (err) {
      const fields = validationFields(err);
      if (!fields) throw err;
      errors = { ...errors, ...fields };
    }
    if (!parsed.ok || !decision) return refuse(errors);
    try {
      const eventId = await casework.recordResponse(
        reference,
        parsed.values.response,
        { userId: user.id, email: user.email },
        undefined,
        {
          release: parsed.values.release,
          decision,
          manager: user.role === 'manager',
          override: typed.override || null,
          guard: deps.presence.guard(sent),
        },
      );
      return c.redirect(doneHref(reference, 'response', eventId), 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation' && err.details.fields) return refuse(err.details.fields);
      const stopped = await staleSend(c, reference, err, 'response', sent.fields, {
        ...typed,
        reasons: reasons.join('\n'),
      });
      if (stopped) return stopped;
      throw err;
    }
  });
  app.post(
    '/enquiries/:reference/release',
    act('released', (ref, b, { manager, ...actor }, guard) =>
      deps.casework.releaseResponse(ref, b.released === 'yes', actor, {
        manager,
        override: b.override || null,
        guard,
      }),
    ),
  );
  app.post(
    '/enquiries/:reference/reply',
    act('sms', (ref, body, { manager, ...actor }, guard) => {
      const v = smsReplyForm.check(body);
      return casework.replyBySms(ref, v.reply, actor, undefined, {
        manager,
        override: v.replyOverride || null,
        guard,
      });
    }),
  );
  app.post(
    '/enquiries/:reference/email',
    act('email', (ref, body, { manager, ...actor }, guard) => {
      const v = emailReplyForm.check(body);
      return casework.replyByEmail(ref, v.email, actor, { manager, override: v.emailOverride || null, guard });
    }),
  );
  app.post(
    '/enquiries/:reference/urgency',
    actForm('urgency', urgencyForm, (ref, v, actor) => casework.setUrgency(ref, v.urgent, v.reason, actor)),
  );
  // The page's acknowledgement is read from the page itself (its entry is written by paging).
  app.post(
    '/enquiries/:reference/acknowledge',
    act('acknowledged', async (ref, _b, actor) => {
      await deps.casework.acknowledgePage(ref, actor);
      return null;
    }),
  );

  // Asking colleagues: the ticked colleagues arrive as a repeated field, which `act` does not keep.
  app.post('/enquiries/:reference/questions', async (c) => {
    const reference = referenceOf(c);
    const input = readAskForm(await c.req.parseBody({ all: true }));
    const { user } = deskSession(c);
    try {
      const { eventId } = await deps.questions.ask(reference, input, { userId: user.id, email: user.email });
      return c.redirect(doneHref(reference, 'asked', eventId), 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation' && err.details.fields)
        return render(c, reference, 422, undefined, undefined, {
          errors: err.details.fields as AskErrors,
          values: { ...input, colleagues: input.colleagueIds },
        });
      throw err;
    }
  });
  // Sending the response for sign-off (the approvers are ticked boxes), or saving the draft only.
  for (const [path, send] of [
    ['signoff', true],
    ['draft', false],
  ] as const) {
    app.post(`/enquiries/:reference/${path}`, async (c) => {
      const reference = referenceOf(c);
      const raw = await c.req.parseBody({ all: true });
      const typed = {
        draft: firstValue(raw, 'draft'),
        via: firstValue(raw, 'via'),
        approvers: allValues(raw, 'approvers'),
      };
      const { user } = deskSession(c);
      const actor = { userId: user.id, email: user.email };
      try {
        if (send)
          await deps.signOff.request(
            reference,
            { text: typed.draft, colleagueIds: typed.approvers, via: typed.via },
            actor,
          );
        else await deps.signOff.saveDraft(reference, typed.draft, actor);
      } catch (err) {
        if (err instanceof AppError && err.code === 'validation' && err.details.fields)
          return render(c, reference, 422, undefined, undefined, undefined, {
            errors: err.details.fields as Partial<Record<SignOffField, string>>,
            values: typed,
          });
        throw err;
      }
      return c.redirect(doneHref(reference, send ? 'signoffRequested' : 'draftSaved'), 303);
    });
  }

  app.post('/enquiries/:reference/questions/:id/close', async (c) => {
    const reference = referenceOf(c);
    const body = await c.req.parseBody();
    const how = body.how === 'withdrawn' ? 'withdrawn' : 'answered';
    const { user } = deskSession(c);
    await deps.questions.close(reference, c.req.param('id'), how, { userId: user.id, email: user.email });
    return c.redirect(doneHref(reference, how === 'withdrawn' ? 'questionWithdrawn' : 'questionClosed'), 303);
  });

  return app;
}
