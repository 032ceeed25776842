import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiRouteSpec, NamedSchema } from './api-route.js';
import { ERROR_STATUS, type ErrorCode, type errorBody } from './errors.js';

/** The error body every `/api/*` failure carries (see `errorBody`). */
const errorBodySchema = z.object({
  error: z.object({
    code: z
      .enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]])
      .describe('Stable machine-readable code, e.g. validation, invalid_json, rate_limited'),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional().describe('Per-field messages (422 only)'),
  }),
});
// errorBody's return type and this schema must describe the same thing, both ways round.
type ErrorBody = ReturnType<typeof errorBody>;
const sameErrorBody: [ErrorBody, z.infer<typeof errorBodySchema>] extends [z.infer<typeof errorBodySchema>, ErrorBody]
  ? true
  : never = true;
void sameErrorBody;

/** A component schema from a zod schema: JSON Schema 2020-12, which OpenAPI 3.1 uses as is. */
function component(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return json;
}

/**
 * The request body as a client sends it. The fields' preprocessing supplies a value for an absent
 * optional field, which zod's JSON Schema cannot see; so `required` and each `default` come from
 * asking the schema itself what it makes of a missing field.
 */
function requestComponent(schema: z.ZodObject): Record<string, unknown> {
  const json = component(schema, 'input');
  const properties = json.properties as Record<string, Record<string, unknown>>;
  const required: string[] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    const missing = (field as z.ZodType).safeParse(undefined);
    if (!missing.success) required.push(key);
    else if (missing.data !== null) properties[key] = { ...properties[key], default: missing.data };
  }
  return { ...json, required };
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const ref = (named: NamedSchema) => ({ $ref: `#/components/schemas/${named.name}` });

/** One query parameter per key of the route's query schema; `describe()` text is its description. */
function parameters(query: z.ZodObject): Record<string, unknown>[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const { description, ...schema } = component(field as z.ZodType, 'input');
    const required = !(field as z.ZodType).safeParse(undefined).success;
    return { name, in: 'query', required, ...(description ? { description } : {}), schema };
  });
}

/** The `paths` entry of one route, from its declaration. */
function operation(route: ApiRouteSpec): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [code, answer] of Object.entries(route.responses)) {
    responses[code] = answer.body
      ? { description: answer.description, content: { 'application/json': { schema: ref(answer.body) } } }
      : errorResponse(answer.description);
  }
  return {
    summary: route.summary,
    ...(route.query ? { parameters: parameters(route.query) } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.body) } } } }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 description of the public JSON API, generated from the routes' declarations:
 * their paths, parameters and status codes, and a component for each schema they name.
 */
export function openApiDocument(routes: readonly ApiRouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, Record<string, unknown>> = { Error: component(errorBodySchema, 'output') };
  for (const route of routes) {
    const path = `/api${route.path}`;
    paths[path] ??= {};
    paths[path][route.method] = operation(route);
    if (route.body) schemas[route.body.name] ??= requestComponent(route.body.schema);
    for (const answer of Object.values(route.responses)) {
      if (answer.body) schemas[answer.body.name] ??= component(answer.body.schema, 'output');
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Press Desk public API',
      version: '1.0.0',
      description: 'Submit media enquiries to the press office and ask whether the office is open.',
    },
    paths,
    components: { schemas },
  };
}

/** `GET /api/openapi.json`: the document of `routes`. Mounted under `/api`. */
export function openApiRoutes(routes: readonly ApiRouteSpec[]) {
  const app = new Hono();
  const document = openApiDocument(routes);
  app.get('/openapi.json', (c) => c.json(document));
  return app;
}
