import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IANAZone } from 'luxon';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { CONFIG_DIR } from './paths.js';
import { E164 } from './ids.js';
import { LANGUAGES } from './i18n/languages.js';

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

const interval = z
  .tuple([
    z.string().regex(hhmm, 'opening time must be "HH:mm"'),
    z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'closing time must be "HH:mm" or "24:00"'),
  ])
  .refine(([from, to]) => from < to, 'an interval must close after it opens');

/** The standard messages of the outcomes that send one (issue 28), in one language. */
const outcomeMessages = z.strictObject({
  referred_foi: z.string().trim().min(1).max(1600),
  referred_other: z.string().trim().min(1).max(1600),
  not_media: z.string().trim().min(1).max(1600),
});

const day = z.array(interval).superRefine((intervals, ctx) => {
  const sorted = [...intervals].sort((a, b) => a[0].localeCompare(b[0]));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][0] < sorted[i - 1][1]) ctx.addIssue({ code: 'custom', message: 'intervals overlap' });
  }
});

const escalationStep = z.strictObject({
  action: z.enum(['sms', 'call', 'sms+call']),
  to: z.enum(['oncall', 'next', 'fallback']),
  /** Seconds after the previous step was sent; defaults to onCall.ackTimeoutSeconds (0 for the first step). */
  afterSeconds: z.number().int().min(0).max(86_400).optional(),
});

/** Schema of `config/default.json` (+ `PRESSDESK_CONFIG`). Every key has a default in the JSON file. */
export const fileConfigSchema = z.strictObject({
  office: z.strictObject({
    name: z.string().min(1).max(100),
    timezone: z.string().refine((tz) => IANAZone.isValidZone(tz), 'not a known IANA time zone'),
    hours: z.strictObject({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }),
    /** The bank holidays that close the office: England and Wales, Scotland, or Northern Ireland (date-holidays). */
    holidays: z.enum(['GB-ENG', 'GB-SCT', 'GB-NIR']).nullable(),
    closures: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'closure dates must be "YYYY-MM-DD"')),
    /**
     * The languages journalists are offered (issue 31), the office's first language first:
     * `["en"]`, or `["cy", "en"]` for a Welsh body that puts Welsh first.
     */
    languages: z
      .array(z.enum(LANGUAGES))
      .min(1)
      .refine((l) => new Set(l).size === l.length, 'each language once'),
  }),
  intake: z
    .strictObject({
      rateLimit: z
        .object({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() })
        .nullable(),
      /** Behind this many reverse proxies of ours, the client IP is read from X-Forwarded-For. */
      trustProxyHops: z.number().int().min(0).max(5),
      maxBodyBytes: z.number().int().min(1024).max(10_000_000),
      /**
       * Pages to the on-call phone per client address (IPv6 per /64), below the intake limit: past
       * it an urgent enquiry is still stored and marked urgent, but the journalist is told to ring
       * the out-of-hours line instead of the phone being paged again. `null` turns it off.
       */
      pageRateLimit: z
        .object({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() })
        .nullable(),
      /** How long, in office working time, the office promises for a first response when no deadline is earlier. */
      responseTargetWorkingMinutes: z.number().int().positive(),
      /**
       * The first-response target, in office working time, for an urgent enquiry that gives no
       * deadline (issue 23): urgent work with no deadline used to get the routine target and sort
       * below routine work. 60 by default: an hour of opening time is what a press office can
       * promise for "urgent" while still doing the checking a statement needs, and it stays well
       * inside the routine target. Out of hours the working time starts at the next opening (so
       * an urgent enquiry at 22:00 is due an hour after the office opens); on-call is paged
       * meanwhile, and a journalist's earlier deadline always wins. Must not exceed the routine
       * target. Enquiries already received keep the respond-by they were given.
       */
      urgentResponseTargetWorkingMinutes: z.number().int().positive(),
      /** A journalist's SMS joins their open SMS enquiry from within this many hours. */
      smsThreadHours: z.number().int().positive(),
    })
    .superRefine((intake, ctx) => {
      if (intake.urgentResponseTargetWorkingMinutes > intake.responseTargetWorkingMinutes) {
        ctx.addIssue({
          code: 'custom',
          path: ['urgentResponseTargetWorkingMinutes'],
          message: `must not be longer than intake.responseTargetWorkingMinutes (${intake.responseTargetWorkingMinutes}): urgent enquiries are answered sooner, not later`,
        });
      }
    }),
  onCall: z.strictObject({
    fallbackNumber: z.string().regex(E164, 'must be an E.164 phone number such as +443001234567'),
    ackTimeoutSeconds: z.number().int().min(10).max(86_400),
    bundleSeconds: z.number().int().min(0).max(3600),
    /**
     * SMS segments a bundled page text may take: it lists as many enquiries as fit and links to
     * the list of all. At most 10 (1,530 characters, inside Twilio's 1,600); at least 2 (room for
     * the count, the link and the ACK line).
     */
    bundleSegments: z.number().int().min(2).max(10),
    escalation: z.array(escalationStep).min(1),
    /** How long the link in a page SMS (the on-call officer's view of that one enquiry) keeps working. */
    linkHours: z.number().int().min(1).max(72),
    /** Longest an on-call officer's CALL callback to a journalist may last (Twilio's `<Dial timeLimit>`): a call left open is not billed all night. */
    callbackMaxMinutes: z.number().int().min(1).max(240),
    /** Handoff reminders (issue 27): a text before each shift starts, and the managers told of a shift nobody confirmed. */
    reminders: z.strictObject({
      /** How long before a shift starts its person is reminded (and asked to reply OK). */
      beforeStartMinutes: z.number().int().min(5).max(10_080),
      /** How long after a shift starts, still unconfirmed, the managers are alerted. */
      confirmWithinMinutes: z.number().int().min(1).max(1440),
    }),
    /** How many days of out-of-hours time ahead the gap check looks at, and rotations are generated for. */
    lookAheadDays: z.number().int().min(1).max(90),
    /** Cover requests between colleagues. */
    cover: z.strictObject({
      /** With nobody having accepted this long before the shift starts, the managers are told. */
      escalateBeforeMinutes: z.number().int().min(0).max(10_080),
    }),
  }),
  /** Twilio's sending rates, kept by us (src/outbox/send-limits.ts): beyond them Twilio queues for hours. */
  twilio: z.strictObject({
    /** SMS a second from the press office number (about 10 for a UK long code). */
    smsPerSecond: z.number().positive().max(1000),
    /** Calls a second for the account (1 by default at Twilio). */
    callsPerSecond: z.number().positive().max(1000),
    /**
     * Countries (ISO 3166-1 alpha-2, as libphonenumber names them) whose numbers Press Desk texts
     * or calls back: a journalist's number elsewhere is refused at the form and API, and an SMS or
     * call from one is taken but never answered by text or call (src/enquiries/phone-numbers.ts).
     */
    allowedCountries: z
      .array(
        z
          .string()
          .refine(
            (c): boolean => isSupportedCountry(c),
            'must be two-letter country codes libphonenumber knows, such as "GB"',
          ),
      )
      .min(1)
      .max(50),
  }),
  /** The press office's phone line: calls to TWILIO_PHONE_NUMBER (src/voice/). */
  voice: z.strictObject({
    /** In office hours a call rings these phones (E.164) all at once; empty: straight to a message. */
    deskNumbers: z.array(z.string().regex(E164, 'must be E.164 phone numbers such as +441632960001')).max(10),
    /** How long a call rings the desk, or the on-call officer, before the caller is asked for a message. */
    ringSeconds: z.number().int().min(5).max(120),
    /** Out of hours, a caller who presses 1 (urgent) is put through to the on-call officer ("connect") or asked for a message that pages them ("message"). */
    outOfHoursUrgent: z.enum(['connect', 'message']),
    /** Longest message a caller may leave (Twilio transcribes up to 120 s). */
    maxMessageSeconds: z.number().int().min(10).max(600),
  }),
  /** The press office's shared mailbox (src/email/): on when IMAP_URL, SMTP_URL and PRESSDESK_EMAIL_FROM are set. */
  email: z.strictObject({
    /** The folder new mail is read from. */
    mailbox: z.string().min(1).max(200),
    /** Where processed messages are moved; null: they stay, flagged \\Seen and $PressDesk. */
    processedFolder: z.string().min(1).max(200).nullable(),
    /** How often to look for mail when the server cannot IDLE (and after a lost connection). */
    pollSeconds: z.number().int().min(5).max(3600),
    /** Attachments larger than this are listed on the enquiry, not stored. */
    maxAttachmentBytes: z.number().int().min(1024).max(100_000_000),
    /** Messages larger than this are taken as text only, every attachment listed, none stored. */
    maxMessageBytes: z.number().int().min(10_000).max(200_000_000),
  }),
  retention: z.strictObject({
    /** Journalists' personal data is erased this many months after their enquiry is closed. */
    monthsAfterClose: z.number().int().min(1).max(120),
  }),
  /** Statements and the record of what was released (issue 26). */
  statements: z.strictObject({
    /**
     * The reasons the office records for withholding something from a response (the release
     * decision): short, countable, the office's own words. Changing the list keeps the reasons
     * already recorded.
     */
    withholdReasons: z.array(z.string().trim().min(1).max(80)).min(1).max(30),
    /**
     * Which responses must be signed off (approved, those exact words) before they are released:
     * `never`, those on enquiries linked to an incident, urgent ones, or `always`. A manager may
     * release without it, giving a reason that is recorded.
     */
    signOff: z.enum(['never', 'incident', 'urgent', 'always']),
  }),
  /** The journalist's status page, `/status/{token}` (issue 17). */
  status: z.strictObject({
    /** Show the assigned officer's first name on the page ("with Sam"); off: "with a press officer". */
    showOfficerFirstName: z.boolean(),
    /** A status link keeps working this many days after its enquiry closes (or is withdrawn). */
    linkDaysAfterClose: z.number().int().min(1).max(365),
    /**
     * Requests to status pages per client address (IPv6 per /64), every page and action: stops
     * someone trying tokens, while a newsroom behind one address still gets plenty.
     */
    rateLimit: z
      .strictObject({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() })
      .nullable(),
  }),
  /** `GET /metrics` (Prometheus). */
  metrics: z.strictObject({
    /** Open to anyone who can reach it (a scraper on a private network); off: only with `Authorization: Bearer $METRICS_TOKEN`. */
    public: z.boolean(),
  }),
  handover: z.strictObject({
    /** Phones (E.164) that get the morning handover summary by SMS; empty: shown in the desk only. */
    smsNumbers: z.array(z.string().regex(E164, 'must be E.164 phone numbers such as +447911123456')).max(20),
  }),
  desk: z.strictObject({
    /** A session unused for this long ends (press officers step away from shared screens). */
    sessionIdleMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60),
    /** A session ends this long after login whatever happens. */
    sessionAbsoluteHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 7),
    /** Largest body a signed-in desk form may send; read only after the session is checked. */
    maxBodyBytes: z.number().int().min(1024).max(10_000_000),
    /**
     * Sign-in limits. Wrong passwords from one address must not lock the owner out at another
     * (issue 12, finding 7): the tight limits are per address and per (account, address); the
     * account as a whole is refused only once failures for it came from `perAccount.addresses`
     * different addresses within its window (a guess spread over many machines).
     */
    loginRateLimit: z.strictObject({
      /** Sign-in attempts from one address, whatever the account (successful ones are given back). */
      perIp: z.strictObject({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() }),
      /** Attempts at one account from one address; a successful sign-in clears it. */
      perAccountAndIp: z.strictObject({
        points: z.number().int().positive(),
        durationSeconds: z.number().int().positive(),
      }),
      /** How many different addresses failing at one account make it refuse every sign-in until its window ends. */
      perAccount: z.strictObject({ addresses: z.number().int().min(2), durationSeconds: z.number().int().positive() }),
    }),
    /**
     * The live queue (`/desk/events`) ends with its session (sign-out, expiry, disabled user,
     * password reset): checked before sending arrivals and every `sessionCheckSeconds` (at most
     * 30), and a session may hold at most `maxStreamsPerSession` streams per web process.
     */
    liveQueue: z.strictObject({
      sessionCheckSeconds: z.number().int().min(1).max(30),
      maxStreamsPerSession: z.number().int().min(1).max(50),
    }),
    /**
     * An open enquiry with no response is marked (and announced live) this long before its
     * respond-by time: real time before a journalist's deadline, opening time before the
     * office's own target. At respond-by the assigned officer and managers are told.
     */
    warnBeforeMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    /** Phones (E.164) texted when an enquiry passes its respond-by time without a response; empty: the desk banner only. */
    escalationNumbers: z.array(z.string().regex(E164, 'must be E.164 phone numbers such as +447911123456')).max(20),
  }),
  /** Major incidents (issue 18): stories the desk works as one. */
  incidents: z.strictObject({
    /** While linked enquiries keep arriving out of hours, on-call gets one summary text per this many minutes. */
    summaryMinutes: z.number().int().min(1).max(240),
    /** An enquiry linked after a holding line was sent gets it straight away (off: one click on the incident page). */
    autoSendHoldingLine: z.boolean(),
    /**
     * An incident's search terms must match fewer than this share of the office's enquiries of the
     * 30 days before the last 24 hours (src/incidents/incident.service.ts): linked enquiries stop
     * paging one by one, so terms that catch most of them would silence paging by accident.
     */
    maxMatchShare: z.number().gt(0).max(1),
    /**
     * What sending a holding or press line does to an enquiry's respond-by clock (issue 23):
     * `first_response` records it as the enquiry's first response (no more Overdue, warnings or
     * breach texts; the reports count it answered), `nothing` leaves the clock running.
     */
    holdingLineCounts: z.enum(['first_response', 'nothing']),
  }),
  /** Lines to take, reply templates and outcomes (issue 28). */
  lines: z.strictObject({
    /**
     * The office's Freedom of Information page, for templates' `{foi_page}` and the FOI referral's
     * message (null: `{foi_page}` reads "the Freedom of Information page on our website").
     */
    foiUrl: z.url({ protocol: /^https?$/ }).nullable(),
    /** A line whose review date is this many days away or nearer is flagged "review due" in the library (0: only once past). */
    reviewWarnDays: z.number().int().min(0).max(365),
  }),
  /**
   * How staff sign in (issue 30): OpenID Connect when OIDC_ISSUER is set (src/desk/oidc.*), and
   * whether local passwords still work for everyone or only for the named break-glass manager.
   */
  identity: z.strictObject({
    /** "on": every account may use its password; "breakGlassOnly": only `breakGlassEmail` (needs OIDC_ISSUER). */
    localPasswords: z.enum(['on', 'breakGlassOnly']),
    /** The one account that may still sign in with a password when `localPasswords` is "breakGlassOnly". */
    breakGlassEmail: z.email().nullable(),
    /**
     * Every local (password) account must also pass a second factor (an authenticator app's code
     * or a passkey, src/desk/second-factor.*); one without is taken to set one up after its
     * password and reaches nothing else until it has. OIDC sign-ins are the provider's to protect.
     */
    requireSecondFactor: z.boolean(),
    oidc: z.strictObject({
      /**
       * "invite": only an account a manager created (matched by email the first time) may sign in;
       * "claim": a first sign-in whose role claim maps to officer or manager creates the account.
       */
      provisioning: z.enum(['invite', 'claim']),
      /** The button's words; null: "Sign in with <office.name>". */
      label: z.string().trim().min(1).max(80).nullable(),
    }),
  }),
  outcomes: z.strictObject({
    /**
     * The standard message offered to the journalist when an enquiry is closed with a referral or
     * as not a media enquiry: a template body (the same placeholders as reply templates, plus
     * `{organisation}` for `referred_other`). The officer sees it filled and may edit it before it goes.
     */
    messages: outcomeMessages,
    /**
     * The same messages in the office's other languages (issue 31), by language: a journalist
     * answered in Welsh is offered the Welsh. A language missing here falls back to `messages`.
     */
    translations: z.partialRecord(z.enum(LANGUAGES), outcomeMessages),
  }),
});

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type OfficeConfig = FileConfig['office'];
export type EscalationStep = z.infer<typeof escalationStep>;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  /**
   * Where the connections that need a session of their own go (LISTEN, the migration lock,
   * graphile-worker): PostgreSQL itself or a session-mode pool, when DATABASE_URL is a
   * transaction-mode pooler. Unset: DATABASE_URL.
   */
  DATABASE_LISTEN_URL: z.string().url().optional(),
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .optional()
    .transform((u) => u?.replace(/\/+$/, '')),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_PHONE_NUMBER: z.string().regex(E164, 'must be an E.164 phone number').optional(),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),
  PRESSDESK_ADMIN_EMAIL: z.string().email().optional(),
  PRESSDESK_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** imap://user@host:143 or imaps://user@host:993 (the user URL-encoded); or the three below. */
  IMAP_URL: z
    .string()
    .regex(/^imaps?:\/\/[^/@]+@[^/:]+(:\d+)?\/?$/, 'must look like imaps://user%40example.org@imap.example.org:993')
    .optional(),
  IMAP_HOST: z.string().min(1).optional(),
  IMAP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  IMAP_USER: z.string().min(1).optional(),
  IMAP_PASSWORD: z.string().min(1).optional(),
  /** OAuth2 access token (XOAUTH2), as Microsoft 365 and Google require; instead of IMAP_PASSWORD. */
  IMAP_ACCESS_TOKEN: z.string().min(1).optional(),
  /** smtp://user:pass@host:587 or smtps://…:465 (nodemailer's URL form). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  /** The press office's address, From and Reply-To of every email sent: "Press Office <press.office@example.org>". */
  PRESSDESK_EMAIL_FROM: z.string().min(3).optional(),
  /** OpenID Connect sign-in (issue 30): the provider's issuer URL; unset, sign-in is by password only. */
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The ID token claim holding roles or groups (a string or a list of strings); "roles" by default (Entra app roles). */
  OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  /** Comma-separated claim values that mean manager / officer (app role values or group object ids). */
  OIDC_MANAGER_VALUES: z.string().optional(),
  OIDC_OFFICER_VALUES: z.string().optional(),
});

export interface Config extends FileConfig {
  port: number;
  databaseUrl: string | undefined;
  /** DATABASE_LISTEN_URL: the session connections' database; undefined means the same as `databaseUrl`. */
  databaseListenUrl: string | undefined;
  /** Where browsers and Twilio reach us; webhook signatures are checked against it. */
  publicBaseUrl: string;
  /** The file's rates plus the account from the environment. */
  twilio: FileConfig['twilio'] & {
    accountSid: string;
    authToken: string;
    phoneNumber: string;
    apiBaseUrl: string;
    /** False when no credentials were given: SMS replies still work (TwiML) but nothing is sent out. */
    configured: boolean;
  };
  admin: { email: string; password: string } | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** `/metrics` answers requests with `Authorization: Bearer <token>` (and, unless `metrics.public`, only those). */
  metricsToken: string | null;
  /** OpenID Connect sign-in from OIDC_* (src/desk/oidc.service.ts); null when OIDC_ISSUER is unset. */
  oidc: OidcSettings | null;
  /** The file's email settings plus the mailbox and SMTP server from the environment. */
  email: FileConfig['email'] & {
    imap: {
      host: string;
      port: number;
      secure: boolean;
      user: string;
      auth: { pass: string } | { accessToken: string };
    } | null;
    smtpUrl: string | null;
    from: string | null;
    /** False when the mailbox, SMTP or the From address is missing: email is off and the desk says so. */
    configured: boolean;
  };
}

/** The identity provider Press Desk signs staff in with, from the environment. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID token claim read for the role. */
  roleClaim: string;
  /** Claim values meaning manager (checked first) and officer. */
  managerValues: string[];
  officerValues: string[];
}

/** A configuration problem; `key` names the offending setting so the operator can fix it. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`Invalid configuration: ${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges `over` onto `base`: objects merge key by key, arrays and scalars replace. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

function readJson(path: string, key: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(key, `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(key, `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function firstIssue(error: z.ZodError, prefix = ''): ConfigError {
  const issue = error.issues[0];
  const key = prefix + issue.path.map(String).join('.');
  return new ConfigError(key || '(root)', issue.message);
}

/**
 * Parses the file config (defaults + optional override object) without touching the environment.
 * Throws ConfigError naming the first bad key.
 */
export function parseFileConfig(override: unknown = {}): FileConfig {
  const base = readJson(resolve(CONFIG_DIR, 'default.json'), 'config/default.json');
  const parsed = fileConfigSchema.strict().safeParse(deepMerge(base, override));
  if (!parsed.success) throw firstIssue(parsed.error);
  return parsed.data;
}

/**
 * Loads the whole configuration once at start: `config/default.json`, deep-merged with the JSON
 * file named by `PRESSDESK_CONFIG`, plus environment variables (secrets only come from there).
 * Throws ConfigError naming the offending key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: unknown = {}): Config {
  const fileOverride = env.PRESSDESK_CONFIG ? readJson(env.PRESSDESK_CONFIG, 'PRESSDESK_CONFIG') : {};
  const file = parseFileConfig(deepMerge(fileOverride, overrides));
  const parsedEnv = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsedEnv.success) throw firstIssue(parsedEnv.error);
  const e = parsedEnv.data;
  const sid = e.TWILIO_ACCOUNT_SID ?? '';
  const token = e.TWILIO_AUTH_TOKEN ?? '';
  if (e.PRESSDESK_ADMIN_EMAIL && !e.PRESSDESK_ADMIN_PASSWORD) {
    throw new ConfigError('PRESSDESK_ADMIN_PASSWORD', 'required when PRESSDESK_ADMIN_EMAIL is set');
  }
  if (sid && !sid.startsWith('AC')) throw new ConfigError('TWILIO_ACCOUNT_SID', 'must start with "AC"');
  // Without DATABASE_URL the embedded server takes every connection: a listen URL elsewhere would
  // hear nothing the processes announce (a NOTIFY reaches only its own database).
  if (e.DATABASE_LISTEN_URL && !e.DATABASE_URL)
    throw new ConfigError('DATABASE_LISTEN_URL', 'set DATABASE_URL too (the listen URL must reach the same database)');
  return {
    ...file,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseListenUrl: e.DATABASE_LISTEN_URL,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    twilio: {
      ...file.twilio,
      accountSid: sid,
      authToken: token,
      phoneNumber: e.TWILIO_PHONE_NUMBER ?? '',
      apiBaseUrl: e.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
      configured: Boolean(sid && token && e.TWILIO_PHONE_NUMBER),
    },
    admin:
      e.PRESSDESK_ADMIN_EMAIL && e.PRESSDESK_ADMIN_PASSWORD
        ? { email: e.PRESSDESK_ADMIN_EMAIL, password: e.PRESSDESK_ADMIN_PASSWORD }
        : null,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN ?? null,
    email: emailConfig(file.email, e),
    oidc: oidcConfig(file.identity, e),
  };
}

/**
 * OIDC_* as settings, or null when OIDC_ISSUER is unset. Partial settings stop the start naming
 * the missing key; so does "breakGlassOnly" without a provider or without the break-glass email
 * (nobody could sign in). Plain http is refused except on a loopback issuer (a local test provider).
 */
function oidcConfig(identity: FileConfig['identity'], e: z.infer<typeof envSchema>): OidcSettings | null {
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (identity.localPasswords === 'breakGlassOnly' && !identity.breakGlassEmail)
    throw new ConfigError('identity.breakGlassEmail', 'required when identity.localPasswords is "breakGlassOnly"');
  if (!e.OIDC_ISSUER) {
    for (const key of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_MANAGER_VALUES', 'OIDC_OFFICER_VALUES'] as const)
      if (e[key]) throw new ConfigError('OIDC_ISSUER', `required when ${key} is set`);
    if (identity.localPasswords === 'breakGlassOnly')
      throw new ConfigError('OIDC_ISSUER', 'required when identity.localPasswords is "breakGlassOnly"');
    return null;
  }
  const issuer = new URL(e.OIDC_ISSUER);
  if (issuer.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname))
    throw new ConfigError('OIDC_ISSUER', 'must be an https:// URL');
  if (!e.OIDC_CLIENT_ID) throw new ConfigError('OIDC_CLIENT_ID', 'required when OIDC_ISSUER is set');
  if (!e.OIDC_CLIENT_SECRET) throw new ConfigError('OIDC_CLIENT_SECRET', 'required when OIDC_ISSUER is set');
  const managerValues = list(e.OIDC_MANAGER_VALUES);
  const officerValues = list(e.OIDC_OFFICER_VALUES);
  if (!managerValues.length && !officerValues.length)
    throw new ConfigError(
      'OIDC_OFFICER_VALUES',
      'OIDC_OFFICER_VALUES or OIDC_MANAGER_VALUES is required when OIDC_ISSUER is set (without them nobody may sign in)',
    );
  return {
    issuer: e.OIDC_ISSUER,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    roleClaim: e.OIDC_ROLE_CLAIM,
    managerValues,
    officerValues,
  };
}

/** The mailbox from IMAP_URL or IMAP_HOST/PORT/USER, with its password or access token; null when not given. */
function emailConfig(file: FileConfig['email'], e: z.infer<typeof envSchema>): Config['email'] {
  let imap: Config['email']['imap'] = null;
  const url = e.IMAP_URL ? new URL(e.IMAP_URL) : null;
  const host = url?.hostname ?? e.IMAP_HOST;
  const user = url ? decodeURIComponent(url.username) : e.IMAP_USER;
  if (host && user) {
    const secure = url ? url.protocol === 'imaps:' : (e.IMAP_PORT ?? 993) === 993;
    const port = url?.port ? Number(url.port) : (e.IMAP_PORT ?? (secure ? 993 : 143));
    if (e.IMAP_ACCESS_TOKEN) imap = { host, port, secure, user, auth: { accessToken: e.IMAP_ACCESS_TOKEN } };
    else if (e.IMAP_PASSWORD) imap = { host, port, secure, user, auth: { pass: e.IMAP_PASSWORD } };
    else
      throw new ConfigError('IMAP_PASSWORD', 'required with IMAP_URL or IMAP_HOST (or IMAP_ACCESS_TOKEN for OAuth2)');
  } else if (e.IMAP_HOST || e.IMAP_USER) {
    throw new ConfigError(
      e.IMAP_HOST ? 'IMAP_USER' : 'IMAP_HOST',
      'IMAP_HOST and IMAP_USER go together (or set IMAP_URL)',
    );
  }
  const smtpUrl = e.SMTP_URL ?? null;
  const from = e.PRESSDESK_EMAIL_FROM ?? null;
  return { ...file, imap, smtpUrl, from, configured: Boolean(imap && smtpUrl && from) };
}
