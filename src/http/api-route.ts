import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { AppError, validationError } from './errors.js';

/**
 * One public `/api/*` route, declared once: what it reads (query parameters, JSON body) and what
 * it answers (status code → body). `mountApiRoute` registers the hono handler from it and
 * `openApiDocument` (openapi.routes.ts) writes its OpenAPI `paths` entry from it, so the document
 * cannot list a parameter or a status code the route does not have, nor miss one it has.
 */

/** A zod schema with the name it has under `components.schemas` in the OpenAPI document. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

/** One answer of a route: with a named body schema, or (no `body`) the shared `Error` body. */
export interface ApiResponseSpec {
  description: string;
  body?: NamedSchema;
}

/** A JSON request body: its document schema, and the word for it in the 415 and 400 messages. */
export interface ApiBodySpec {
  name: string;
  schema: z.ZodObject;
  /** "the enquiry": in "Send the enquiry as JSON…" and "…a JSON object with the enquiry fields". */
  noun: string;
}

/** The declaration of one route; `path` is as mounted under `/api` (`/enquiries` is `/api/enquiries`). */
export interface ApiRouteSpec<Q extends z.ZodObject | undefined = z.ZodObject | undefined> {
  method: 'get' | 'post';
  path: `/${string}`;
  summary: string;
  /** Query parameters, one per key; a value the schema refuses is a 400 with every field's message. */
  query?: Q;
  body?: ApiBodySpec;
  responses: Readonly<Record<number, ApiResponseSpec>>;
}

/** Declares a route (typed, unchanged): the one place its parameters, body and answers are written. */
export function apiRoute<Q extends z.ZodObject | undefined = undefined>(spec: ApiRouteSpec<Q>): ApiRouteSpec<Q> {
  return spec;
}

type QueryOf<S> = S extends { query?: infer Q } ? (Q extends z.ZodObject ? z.infer<Q> : Record<never, never>) : never;

/** What a body validator says: the typed value, or one message per field (all of them at once). */
export type BodyCheck<T> = { ok: true; value: T } | { ok: false; fields: Record<string, string> };

/**
 * How a mounted route answers. `validate` turns the parsed JSON object into typed input (its
 * field messages become the 422's `fields`); `handle` gets the typed query and body.
 */
export interface ApiRouteImpl<S extends ApiRouteSpec, B> {
  /** Required when the route declares a body (checked when it is mounted). */
  validate?: (raw: Record<string, unknown>, c: Context) => BodyCheck<B>;
  handle: (c: Context, input: { query: QueryOf<S>; body: B }) => Response | Promise<Response>;
}

/** Registers `spec` on `app` (mounted under `/api`) with the checks the declaration implies, then `impl`. */
export function mountApiRoute<S extends ApiRouteSpec, B = undefined>(
  app: Hono,
  spec: S,
  impl: ApiRouteImpl<S, B>,
): void {
  if (spec.body && !impl.validate) throw new Error(`${spec.method} ${spec.path} declares a body but no validator`);
  app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    const query = spec.query ? readQuery(c, spec.query) : {};
    let body: unknown;
    if (spec.body) {
      const raw = await readJsonObject(c, spec.body.noun);
      const checked = impl.validate!(raw, c);
      if (!checked.ok) throw validationError(checked.fields);
      body = checked.value;
    }
    return impl.handle(c, { query: query as QueryOf<S>, body: body as B });
  });
}

/** The query parameters the schema names (first value of each), or a 400 naming every one refused. */
function readQuery(c: Context, schema: z.ZodObject): unknown {
  const all = c.req.query();
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) if (all[key] !== undefined) raw[key] = all[key];
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
  const problems = Object.keys(fields).length === 1 ? 'a problem' : 'problems';
  throw new AppError('bad_request', `The query has ${problems}`, { fields });
}

/** The request body as a JSON object: 415 unless JSON, 400 when malformed or not an object. */
async function readJsonObject(c: Context, noun: string): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new AppError('unsupported_media_type', `Send ${noun} as JSON with Content-Type: application/json`);
  }
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AppError('bad_request', `The request body must be a JSON object with ${noun} fields`);
  }
  return raw as Record<string, unknown>;
}
