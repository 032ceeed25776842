/**
 * The shape of a feature's one registration point (issue 25, item 2). Each feature folder exports
 * one descriptor from its `feature.ts`; `src/features.ts` lists them, and that list drives the
 * app's mounting, the body-limit and JSON-error tables, the job runner's tasks, the crontab and
 * the check that every personal table has its erasure. Generic over the services it is built
 * from, so this file imports no feature (it is part of the kernel).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { ApiRouteSpec } from './http/api-route.js';
import type { Task } from 'graphile-worker';
import type { CronTaskName, JobName } from './jobs/jobs.js';

/**
 * Where a route group is mounted, in the order `createApp()` mounts the areas: public pages and
 * forms, the public API, Twilio's webhooks, the TwiML of the officer's callback call (after the
 * phone line's webhooks: both answer under `/twilio/voice`), bearer links, the desk.
 */
export const AREAS = ['public', 'api', 'webhook', 'callback', 'link', 'desk'] as const;
export type Area = (typeof AREAS)[number];

/** A path rule of the body-limit and JSON-error tables: an exact path, or a prefix written `/x/*`. */
export type PathRule = `/${string}`;

/** True when `path` matches `rule` (exact, or under the prefix of a rule ending in `/*`). */
export function matchesRule(rule: PathRule, path: string): boolean {
  return rule.endsWith('/*') ? path.startsWith(rule.slice(0, -1)) : path === rule;
}

/** A POST path and the middleware that checks it before any route group runs. */
export type PostGuard = readonly [path: PathRule, first: MiddlewareHandler, ...more: MiddlewareHandler[]];

/** The body limit a POST meets: the public one (anonymous senders) or the desk's (after the session). */
export type BodyClass = 'public' | 'desk';

/** One group of routes: where it is mounted, which POSTs take a body of which class, which paths answer JSON errors. */
export interface RouteGroup<S> {
  area: Area;
  /** The prefix given to `app.route()`. */
  mount: string;
  /** POST paths that take a body, by class; any other POST is refused before it is read. */
  bodies?: Partial<Record<BodyClass, readonly PathRule[]>>;
  /** Paths whose errors are JSON (for machines), not a page. */
  json?: readonly PathRule[];
  /** The public API routes it mounts (under `/api`), declared with their schemas: the OpenAPI document lists them. */
  api?: readonly ApiRouteSpec[];
  /**
   * Checks run on a POST before any route group sees it (after the body limit): each path with its
   * middleware, in order. `intakeRateLimit` is the kernel's count of new enquiries per address
   * (`intake.rateLimit`), for the paths that take them.
   */
  guards?: (services: S, kernel: { intakeRateLimit: MiddlewareHandler }) => readonly PostGuard[];
  /** Builds the routes from the shared services (and the feature list: the desk mounts every feature's `deskPages`). */
  // biome-ignore lint/suspicious/noExplicitAny: each group has its own Env (DeskEnv, the link's); Hono's route() takes any.
  build: (services: S, features: readonly FeatureDescriptor<S>[]) => Hono<any>;
}

/**
 * A feature's pages on the desk: mounted by the desk's router (src/desk/desk.routes.ts) behind the
 * sign-in, in feature-list order, so a feature adds desk pages without the desk importing it.
 */
export interface DeskPages<S> {
  /** Paths (under /desk, exact or with anything below them) only managers may reach. */
  managerOnly?: readonly `/${string}`[];
  /**
   * Its section in the desk's header, if it has one: `rank` places it among the others (the
   * queue is 0; lower comes first). Shown to managers only when its path is `managerOnly`.
   */
  nav?: { href: `/desk${string}`; label: string; rank: number };
  /**
   * A count shown beside its `nav` section for the signed-in user (their unread notifications),
   * read on each page load: keep it to one cheap query. 0 shows none.
   */
  navCount?: (services: S) => (userId: string) => Promise<number>;
  /** Builds the pages from the shared services. */
  // biome-ignore lint/suspicious/noExplicitAny: pages run under the desk's Env (DeskEnv), which this kernel file does not import.
  build: (services: S) => Hono<any>;
  /**
   * What every desk page must tell staff while it holds (a gap in the rota, paging failing), read
   * on each page load: keep it to one cheap query.
   */
  notices?: (services: S) => NoticeSource;
}

/** A warning shown above every desk page while its condition holds; `href` leads to where it is put right. */
export interface LiveNotice {
  title: string;
  text: string;
  href?: `/desk${string}`;
  /** Shown to managers only (officers cannot act on it). */
  managersOnly?: boolean;
}

/** Reads a feature's current desk notices. */
export type NoticeSource = () => Promise<readonly LiveNotice[]>;

/** A scheduled task: graphile-worker's crontab line `pattern task ?max=maxAttempts` (times in UTC). */
export interface CronEntry {
  task: CronTaskName;
  pattern: string;
  /** Retry policy: attempts per run. 1 everywhere today: a failed run is simply the next run's work. */
  maxAttempts: number;
}

/** A function that erases personal data: a feature's own, in the repository next to its tables. */
export type Eraser = (db: never, ...args: never[]) => Promise<unknown>;

/** Personal columns of one table, and the functions that erase them. */
export interface PersonalTable {
  columns: readonly string[];
  /**
   * The feature's functions that erase them (on request, by retention), which
   * src/privacy/privacy.repository.ts runs; another feature's copies of its rows are erased by
   * that feature's functions, named in a comment.
   */
  erasedBy: readonly Eraser[];
}

/** One feature's registration: everything the app, the job runner and privacy need to know of it. */
export interface FeatureDescriptor<S> {
  name: string;
  routes?: readonly RouteGroup<S>[];
  /** Its pages on the desk (under /desk, signed in), mounted by the desk feature's router. */
  deskPages?: readonly DeskPages<S>[];
  /** Task handlers by name; every queued job of src/jobs/jobs.ts and every cron task needs one. */
  tasks?: (services: S) => Partial<Record<JobName | CronTaskName, Task>>;
  cron?: readonly CronEntry[];
  /** The tables this feature owns that hold personal data, with their personal columns. */
  personal?: Readonly<Record<string, PersonalTable>>;
  /**
   * Columns of its tables (`table.column`) that look personal by name (`looksPersonal()`) but are
   * not erased, each with the reason: not a journalist's data, or no personal data despite the name.
   */
  kept?: Readonly<Record<string, string>>;
}

/** One crontab line of an entry. */
export function cronLine(e: CronEntry): string {
  return `${e.pattern} ${e.task} ?max=${e.maxAttempts}`;
}

/**
 * The rule of the personal-data check: a column looks personal when one of the words of its name
 * (split at `_`) names a person, a way to reach them, or free text they or others wrote about them.
 */
export const PERSONAL_WORDS = [
  'name',
  'email',
  'phone',
  'mobile',
  'number',
  'contact',
  'address',
  'addresses',
  'from',
  'to',
  'body',
  'text',
  'details',
  'detail',
  'subject',
  'content',
  'transcription',
  'reply',
  'summary',
  'note',
  'description',
  'data',
  'filename',
] as const;

/** True when a column's name looks personal by `PERSONAL_WORDS`; a row id (`…_id`) never does. */
export function looksPersonal(column: string): boolean {
  if (column.endsWith('_id')) return false;
  return column.split('_').some((w) => (PERSONAL_WORDS as readonly string[]).includes(w));
}
