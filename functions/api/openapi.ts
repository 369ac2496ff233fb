/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod's own
 * toJSONSchema), so every route any group adds appears with its schemas and security.
 */
import * as z from 'zod/mini';
import { type AnySchema, type RouteSpec, routeErrors } from './route';
import { Problem } from './schemas/common';

type Json = Record<string, unknown>;

/** Schemas with a meta id become shared components; zod emits them as local $defs, hoisted here. */
function convert(schema: AnySchema, io: 'input' | 'output', components: Json): Json {
  const {
    $schema: _dialect,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  Object.assign(components, relink($defs ?? {}));
  return relink(rest) as Json;
}

function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : relink(v),
      ]),
    );
  }
  return value;
}

function parameters(schema: AnySchema | undefined, where: 'path' | 'query' | 'header', components: Json) {
  if (!schema) return [];
  const json = convert(schema, 'input', components) as { properties?: Json; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Routes that answer from the code alone, touching no table. */
const static_ = new Set(['openapi']);

/** Why a route's caller may be refused (403), by the kind of caller it takes. */
function refusalOf(spec: RouteSpec): string | undefined {
  switch (spec.auth.kind) {
    case 'user':
      return 'Refused for this caller (an API client token on a route for people)';
    case 'runtime':
      return 'Only the platform runtime client (runtime scope) may call this';
    case 'platform':
      return `Only platform admins with the ${spec.auth.role} role or above may call this`;
    case 'org':
      return 'Your role (or the API client’s) lacks the permission, or the route acts for a person';
    default:
      return undefined;
  }
}

/** Every error status a route can answer, with what it means there: from its shape, then its own. */
export function errorStatuses(spec: RouteSpec): Record<string, string> {
  const statuses: Record<string, string> = {
    // Any route refuses a body it does not take, a bad If-Match, and its params, query and body.
    400: 'Invalid input; `errors` names each field',
  };
  if (spec.auth.kind !== 'public') statuses[401] = 'Missing or invalid bearer token';
  if (spec.auth.kind === 'org') statuses[404] = 'No such organization or resource for you';
  for (const status of spec.errors ?? []) statuses[status] = routeErrors[status];
  // Any route, public ones too, refuses a request that did not come through the site's address
  // (functions/http/pipeline/origin.ts).
  const refused = spec.errors?.includes(403) ? routeErrors[403] : refusalOf(spec);
  statuses[403] = `${refused ? `${refused}; or` : 'Refused:'} called outside the public address (CloudFront)`;
  if (!static_.has(spec.module)) statuses[503] = 'A dependency (the database) is unavailable; retry shortly';
  return statuses;
}

function errorResponses(spec: RouteSpec) {
  return Object.fromEntries(
    Object.entries(errorStatuses(spec)).map(([status, description]) => [
      status,
      problemResponse(description),
    ]),
  );
}

function operation(spec: RouteSpec, components: Json) {
  const success = spec.response
    ? {
        description: spec.summary,
        content: {
          [spec.responseFraming === 'ndjson' ? 'application/x-ndjson' : 'application/json']: {
            schema: convert(spec.response, 'output', components),
          },
        },
      }
    : { description: spec.summary };
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.auth.kind === 'org' ? { 'x-permission': spec.auth.permission } : {}),
    ...(spec.auth.kind === 'platform' ? { 'x-platform-role': spec.auth.role } : {}),
    security: spec.auth.kind === 'public' ? [] : [{ bearer: [] }],
    parameters: [
      ...parameters(spec.params, 'path', components),
      ...parameters(spec.query, 'query', components),
      ...parameters(spec.headers, 'header', components),
    ],
    ...(spec.rawBody
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              spec.rawBody.mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
            ),
          },
        }
      : spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: convert(spec.body, 'input', components) } },
            },
          }
        : {}),
    responses: { [String(spec.successStatus)]: success, ...errorResponses(spec) },
  };
}

export function openApiDocument(routes: readonly RouteSpec[]) {
  const components: Json = {};
  convert(Problem, 'output', components);
  const paths: Record<string, Json> = {};
  for (const spec of routes) {
    paths[spec.path] ??= {};
    paths[spec.path]![spec.method.toLowerCase()] = operation(spec, components);
  }
  return {
    openapi: '3.1.0' as const,
    info: { title: 'Agent Control Plane API', version: '1' },
    servers: [{ url: '/api' }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
