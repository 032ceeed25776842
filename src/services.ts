import { formatShortTime } from './hours/format.js';
import { outboxTimeline } from './enquiries/outbox-timeline.js';
import { outboxOptOuts } from './sms/opt-out.js';
import { optOutStore } from './sms/opt-out.repository.js';
import type pg from 'pg';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db, Tx } from './db/database.js';
import { fillStatusLinks, textBeforeLink } from './enquiries/status-link.js';
import { JournalistUpdates, StatusPages } from './status/status.service.js';
import { IncidentService } from './incidents/incident.service.js';
import { HoldingLines } from './incidents/holding-line.service.js';
import { IncidentSummaries } from './incidents/incident-summary.service.js';
import { DeadlineWatch } from './deadlines/deadline.service.js';
import { AuthService } from './desk/auth.service.js';
import { OidcService } from './desk/oidc.service.js';
import { CaseworkService } from './desk/casework.service.js';
import { LiveFeed } from './desk/live-feed.js';
import { NotificationService } from './notifications/notifications.service.js';
import { PresenceService } from './desk/presence.service.js';
import { SecondFactorService } from './desk/second-factor.service.js';
import { UserService } from './desk/users.service.js';
import { EnquiryService } from './enquiries/enquiries.service.js';
import { IntakeAcknowledgements } from './enquiries/acknowledgement.js';
import type { Logger } from './log.js';
import { SmsAckHandler } from './oncall/ack.service.js';
import { PagingService } from './oncall/paging.service.js';
import { DeliveryStatusService } from './outbox/delivery-status.js';
import { recordedCallSids } from './outbox/outbox.repository.js';
import { OutboxService } from './outbox/outbox.service.js';
import type { MessageRefusals } from './outbox/refusals.js';
import { sendLimiter } from './outbox/send-limits.js';
import { observedSender, type Medium, type Sender } from './outbox/senders.js';
import { twilioSenders } from './telephony/twilio.senders.js';
import { twilioHealthCheck, twilioOutcome } from './telephony/twilio-health.js';
import { smtpSender } from './email/smtp.sender.js';
import { smtpHealthCheck, smtpOutcome } from './email/mail-health.js';
import { ServiceHealth } from './health/service-health.service.js';
import { EmailOut } from './email/email-out.service.js';
import { RotaService } from './oncall/rota.service.js';
import { PrivacyService } from './privacy/privacy.service.js';
import { DigestService } from './reports/digest.service.js';
import { ReportsService } from './reports/reports.service.js';
import { InboundSmsService } from './sms/inbound.service.js';
import { createTwilioGateway, type TwilioGateway } from './telephony/twilio.client.js';
import { VoiceService } from './voice/voice.service.js';
import { OnCallActions } from './oncall/oncall-actions.service.js';
import { SmsCommandHandler } from './oncall/commands.service.js';
import { RotaGuard } from './oncall/rota-guard.service.js';
import { EmailIntakeService } from './email/email-intake.service.js';
import { QuestionService } from './colleagues/questions.service.js';
import { SignOffService } from './statements/signoff.service.js';
import { forgetApprover } from './statements/signoff.repository.js';
import { DirectoryService } from './colleagues/directory.service.js';
import { TopicService } from './topics/topics.service.js';
import { JournalistService } from './journalists/journalists.service.js';
import { OutletService } from './journalists/outlets.service.js';
import { MergeService } from './merging/merging.service.js';
import { releaseMergesFor } from './merging/merging.repository.js';
import { LineLibrary } from './lines/lines.service.js';

/** Everything the web process and the workers share, built once from config and a database. */
export interface Services {
  config: Config;
  db: Db;
  pool: pg.Pool;
  clock: Clock;
  log: Logger;
  gateway: TwilioGateway;
  rota: RotaService;
  paging: PagingService;
  outbox: OutboxService;
  deliveryStatus: DeliveryStatusService;
  enquiries: EnquiryService;
  inboundSms: InboundSmsService;
  users: UserService;
  auth: AuthService;
  /** Sign-in through the organisation's OpenID Connect provider (issue 30, src/desk/oidc.*); off without OIDC_ISSUER. */
  oidc: OidcService;
  casework: CaseworkService;
  live: LiveFeed;
  /** Who else has an enquiry open on the desk, and the stale-send guard (issue 29, src/desk/presence.*). */
  presence: PresenceService;
  /** The second factor of local accounts: app codes, recovery codes, passkeys (issue 30, src/desk/second-factor.*). */
  secondFactor: SecondFactorService;
  reports: ReportsService;
  digest: DigestService;
  privacy: PrivacyService;
  voice: VoiceService;
  onCallActions: OnCallActions;
  /** Email intake (the IMAP watcher in src/main.ts feeds it; tests call it directly). */
  emailIntake: EmailIntakeService;
  /** The journalist's status page (`/status/{token}`). */
  statusPages: StatusPages;
  /** Major incidents: declare, link, unlink (src/incidents). */
  incidents: IncidentService;
  /** Holding and press lines of incidents, sent to every linked journalist. */
  holdingLines: HoldingLines;
  /** Summary texts to on-call about incidents' enquiries out of hours. */
  incidentSummaries: IncidentSummaries;
  /** Deadline warnings and breaches (src/deadlines). */
  deadlines: DeadlineWatch;
  /** The directory of colleagues outside the desk (src/colleagues). */
  colleagues: DirectoryService;
  /** Questions to colleagues outside the desk, and their answers (src/colleagues). */
  questions: QuestionService;
  /** Drafts and their sign-off bound to the exact words (src/statements). */
  signOff: SignOffService;
  /** Measured health of Twilio, the mailbox and SMTP: `/readyz`, the desk's banner, the checks (src/health). */
  health: ServiceHealth;
  /** Handoff reminders and coverage gaps of the on-call rota (src/oncall/rota-guard.service.ts). */
  rotaGuard: RotaGuard;
  /** Topics: the managed list, the rules at intake, enquiries' topics (src/topics). */
  topics: TopicService;
  /** Journalists' records, matched to enquiries by phone and email (src/journalists). */
  journalists: JournalistService;
  /** Outlets and their spellings (src/journalists). */
  outlets: OutletService;
  /** Merging duplicate enquiries and splitting new questions out of a thread (src/merging). */
  merging: MergeService;
  /** The library of lines to take and reply templates (src/lines). */
  lines: LineLibrary;
  /** Desk notifications: assignments and mentions tell the colleague (src/notifications). */
  notifications: NotificationService;
}

/** Wires the domain services together. No I/O. */
export function buildServices(base: {
  config: Config;
  db: Db;
  pool: pg.Pool;
  databaseUrl: string;
  /** Where the live queue LISTENs (DATABASE_LISTEN_URL: a session, not a transaction-mode pooler); default `databaseUrl`. */
  listenUrl?: string;
  clock: Clock;
  log: Logger;
  gateway?: TwilioGateway;
}): Services {
  const { config, db, clock, log } = base;
  const gateway = base.gateway ?? createTwilioGateway(config.twilio, { timeoutMs: 10_000 });
  const rota = new RotaService({ db, config, clock });
  // Measured health of Twilio, the mailbox and SMTP (src/health): each send's outcome, and the checks at start.
  const health = new ServiceHealth({
    db,
    clock,
    log,
    config,
    checks: {
      paging: twilioHealthCheck(config.twilio, { timeoutMs: 10_000 }),
      ...(config.email.smtpUrl ? { smtp: smtpHealthCheck(config.email.smtpUrl) } : {}),
    },
  });
  // Every medium's way out (the compiler names a medium without one): Twilio for texts and calls, SMTP for email.
  const twilio = twilioSenders(gateway, (phone) => recordedCallSids(db, phone));
  const pagingOutcome = (err: unknown) => health.note('paging', twilioOutcome(err));
  const senders: Record<Medium, Sender> = {
    sms: observedSender(twilio.sms, pagingOutcome),
    call: observedSender(twilio.call, pagingOutcome),
    email: observedSender(smtpSender(config.email), (err) => health.note('smtp', smtpOutcome(err))),
  };
  const limiter = sendLimiter({ db, log, ...config.twilio });
  // A message about an enquiry carries the journalist's status link, or a colleague's answer link:
  // each minted as the message is sent (`questions` is built below; this runs only at send time).
  // A message about no enquiry (an incident line's sign-off) has no status link.
  const complete = async (tx: Tx, enquiryId: string | null, content: string, now: Date) =>
    (await questions.fillLinks(tx, content, now)) ??
    (await signOff.fillLinks(tx, content, now)) ??
    (enquiryId
      ? {
          send: await fillStatusLinks(tx, config.publicBaseUrl, enquiryId, content, now),
          marker: textBeforeLink(config.publicBaseUrl, content),
        }
      : { send: content, marker: content });
  // An incident summary that never reaches on-call pages its enquiries instead (`incidentSummaries`
  // is built below: it is told only once a message has been sent and refused).
  const refusals: MessageRefusals = {
    refused: (tx, message, refusal, at): Promise<void> => incidentSummaries.refused(tx, message, refusal, at),
  };
  const outbox = new OutboxService({
    db,
    clock,
    senders,
    statusCallback: `${config.publicBaseUrl}/twilio/status`,
    timeline: outboxTimeline,
    limiter,
    complete,
    optOuts: outboxOptOuts(optOutStore(db), (d) => formatShortTime(d, config.office, clock())),
    refusals,
  });
  const paging = new PagingService({ db, config, clock, rota, outbox, log });
  const deliveryStatus = new DeliveryStatusService({ db, clock, log, owners: { page_step: paging, message: outbox } });
  const live = new LiveFeed({ url: base.listenUrl ?? base.databaseUrl, log, pool: base.pool });
  const emailOut = new EmailOut({ config });
  const lines = new LineLibrary({ db, clock, config });
  // Lines wait for it where they need sign-off.
  const signOff = new SignOffService({ db, clock, config, mail: emailOut, live, lines });
  // Built first: the incident service takes both as ports (they need nothing of it).
  const holdingLines = new HoldingLines({ db, clock, config, email: emailOut, signOff });
  const incidentSummaries = new IncidentSummaries({ db, clock, config, rota, paging });
  const incidents = new IncidentService({
    db,
    clock,
    config,
    paging,
    arrivals: live,
    email: emailOut,
    lines: holdingLines,
    summaries: incidentSummaries,
  });
  const acknowledgements = new IntakeAcknowledgements({ config, email: emailOut });
  const questions = new QuestionService({ db, clock, config, mail: emailOut, live });
  const topics = new TopicService({ db, clock, live });
  const enquiries = new EnquiryService({
    db,
    config,
    clock,
    paging,
    arrivals: live,
    incidents,
    topics,
    acknowledgements,
  });
  // `ends: live`: ending someone's sessions closes their open live streams in every process at once.
  const users = new UserService({ db, clock, ends: live });
  const auth = new AuthService({ db, pool: base.pool, clock, config, email: emailOut, ends: live });
  const journalistUpdates = new JournalistUpdates({ config, email: emailOut });
  // Assignments and mentions tell the colleague, live in their open queue (`live`: the NOTIFY is in the transaction).
  const notifications = new NotificationService({ db, clock, config, live });
  const casework = new CaseworkService({
    db,
    clock,
    config,
    paging,
    email: emailOut,
    updates: journalistUpdates,
    live,
    signOff,
    notify: notifications,
  });
  const statusPages = new StatusPages({
    db,
    clock,
    config,
    updates: journalistUpdates,
    pages: enquiries,
    paging,
    arrivals: live,
    facts: questions,
  });
  const deadlines = new DeadlineWatch({ db, clock, config, arrivals: live, approvers: signOff });
  const colleagues = new DirectoryService({ db, clock, config, forgetElsewhere: forgetApprover });
  const onCallActions = new OnCallActions({ db, clock, config, casework, rota, paging });
  const rotaGuard = new RotaGuard({ db, clock, config, rota, email: emailOut });
  const inboundSms = new InboundSmsService({
    db,
    clock,
    config,
    enquiries,
    acks: new SmsCommandHandler({
      ack: new SmsAckHandler(paging),
      actions: onCallActions,
      clock,
      shifts: rotaGuard,
      codes: rota.verifier,
      lines,
    }),
    // An approver's APPROVE or CHANGES first (a colleague may also have a question open), then an answer.
    internal: { handle: async (tx, m) => (await signOff.bySms(tx, m)) ?? questions.answerBySms(tx, m) },
    arrivals: live,
    changes: live,
  });
  const reports = new ReportsService({ db, clock, config });
  const digest = new DigestService({ db, clock, config });
  // An erasure of one side of a merge first moves what moved back where it came from (src/merging).
  const privacy = new PrivacyService({ db, clock, config, beforeErase: releaseMergesFor });
  const outlets = new OutletService({ db, clock });
  // Erasing a record erases every enquiry's copy: the privacy feature's, through the port.
  const journalists = new JournalistService({ db, clock, config, outlets, erasure: privacy });
  const merging = new MergeService({ db, clock, config, updates: journalistUpdates, mail: emailOut, live });
  const voice = new VoiceService({ db, clock, config, enquiries, rota, gateway, log, arrivals: live });
  const emailIntake = new EmailIntakeService({
    db,
    clock,
    config,
    enquiries,
    log,
    arrivals: live,
    out: emailOut,
    colleagues: {
      match: async (tx, messageIds) => {
        const r = await questions.emailAnswerTo(tx, messageIds);
        if (!r) return undefined;
        return {
          enquiryId: r.enquiry_id,
          reference: r.reference,
          answer: (inTx, mail) => questions.answerByEmail(inTx, r, mail),
        };
      },
    },
    changes: live,
  });
  return {
    health,
    config,
    db,
    pool: base.pool,
    clock,
    log,
    gateway,
    rota,
    rotaGuard,
    paging,
    outbox,
    deliveryStatus,
    enquiries,
    inboundSms,
    users,
    auth,
    oidc: new OidcService({ db, clock, config, auth, ends: live, log }),
    casework,
    live,
    presence: new PresenceService({ db, clock, live, log }),
    secondFactor: new SecondFactorService({ db, pool: base.pool, clock, config, ends: live }),
    reports,
    digest,
    privacy,
    voice,
    onCallActions,
    emailIntake,
    statusPages,
    incidents,
    holdingLines,
    incidentSummaries,
    deadlines,
    colleagues,
    questions,
    signOff,
    lines,
    topics,
    journalists,
    outlets,
    merging,
    notifications,
  };
}
