/**
 * What a route is: method, path, handler module, who may call it, and the zod schemas of its
 * params, query, body and response. The route table (routes.ts) is a list of these; the local
 * gateway, CDK, the OpenAPI document and the tenant-isolation test all read that one list, and
 * handler implementations get their request and reply types from the same objects.
 */
import type * as z from 'zod/mini';
import type { Permission, PlatformRole } from './permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RouteAuth =
  /** No token needed. */
  | { kind: 'public' }
  /** Any signed-in user. */
  | { kind: 'user' }
  /**
   * A member of the path's {orgId} whose role grants `permission`, or an API client of that org
   * whose recorded role grants it.
   */
  | { kind: 'org'; permission: Permission }
  /** The platform's voice runtime only: a client-credentials token carrying the runtime scope. */
  | { kind: 'runtime' }
  /**
   * A platform admin (a person) whose platform role is at least `role`; anyone else gets 403 on
   * every such route, before anything is read (README "Platform administration").
   */
  | { kind: 'platform'; role: PlatformRole };

export type AnySchema = z.ZodMiniType;

/**
 * Answers a route gives beyond those its shape implies (400 input, 401 token, 403/404 tenant,
 * 503 database): each is listed in the OpenAPI document, and the integration tests' client fails
 * on any answer a route gives that its operation does not list, so the two cannot drift.
 */
export const routeErrors = {
  401: 'Not signed as the route requires (a webhook’s signature)',
  403: 'Refused for this caller (for example an unverified email)',
  404: 'No such resource for you',
  409: 'Conflicts with the current state (duplicate, already done, changed meanwhile)',
  410: 'Gone: the invite or link was used, revoked or expired',
  412: 'If-Match names a version that is no longer current',
  422: 'A rule refuses the otherwise valid request',
  413: 'The body is larger than the route takes (detail names the limit)',
  415: 'The body’s Content-Type is not one the route takes (detail lists them)',
  429: 'Too many requests; Retry-After says when to try again',
  502: 'An upstream provider (Google) refused or failed; nothing was changed',
  503: 'A service this route needs is not configured for this deployment (detail says which), or a dependency is unavailable',
} as const;
export type RouteError = keyof typeof routeErrors;

export interface RouteSpec {
  operationId: string;
  method: HttpMethod;
  /** API Gateway path template, relative to the /api prefix: `/orgs/{orgId}/members`. */
  path: string;
  /** The handler module under functions/http/ (one Lambda per module). */
  module: string;
  summary: string;
  auth: RouteAuth;
  params?: AnySchema;
  query?: AnySchema;
  body?: AnySchema;
  /** The largest body accepted, in bytes, where a route takes more than the default 64 KB. */
  maxBodyBytes?: number;
  /**
   * The body carries a signature over its raw bytes (webhooks): the pipeline does not parse it, so
   * nothing an unsigned sender wrote is read before the implementation has checked the signature.
   * `body` then only documents it.
   */
  signedBody?: true;
  /**
   * The body is raw bytes of one of these media types (a recorded utterance), not JSON: the
   * implementation gets `{ mediaType, bytes }`. Another Content-Type is refused with 415, an empty
   * body with 400 and one over `maxBodyBytes` with 413, each naming what it takes.
   */
  rawBody?: { mediaTypes: readonly string[] };
  /**
   * Request headers the route reads (an object schema keyed by the header's canonical name, such
   * as `Idempotency-Key`); looked up case-insensitively, listed in the OpenAPI document.
   */
  headers?: z.ZodMiniObject;
  /** Response body schema; absent for 204 routes and redirects. Output is parsed through it. */
  response?: AnySchema;
  /**
   * `ndjson`: the answer is `application/x-ndjson`, one `response` value per line in order (the
   * implementation returns them as a list), for answers a caller reads as they are written.
   */
  responseFraming?: 'ndjson';
  successStatus: 200 | 201 | 202 | 204 | 302;
  /** The route's own refusals (see routeErrors). */
  errors?: readonly RouteError[];
}

export function route<const R extends RouteSpec>(spec: R): R {
  return spec;
}

export type RouteKey = `${HttpMethod} ${string}`;

export function routeKey(spec: Pick<RouteSpec, 'method' | 'path'>): RouteKey {
  return `${spec.method} ${spec.path}`;
}

type InferOr<S, Fallback> = S extends AnySchema ? z.infer<S> : Fallback;

export type ParamsOf<R extends RouteSpec> = InferOr<R['params'], Record<string, never>>;
export type QueryOf<R extends RouteSpec> = InferOr<R['query'], Record<string, never>>;
/** A raw body (`rawBody` routes): its media type, without parameters, and its bytes. */
export interface RawBody {
  mediaType: string;
  bytes: Uint8Array;
}
export type BodyOf<R extends RouteSpec> = R extends { rawBody: object }
  ? RawBody
  : InferOr<R['body'], undefined>;
export type HeadersOf<R extends RouteSpec> = InferOr<R['headers'], Record<string, never>>;
/** What a client sends: defaults not yet applied. */
export type BodyInputOf<R extends RouteSpec> = R extends { rawBody: object }
  ? /** The bytes with their media type (a recorded Blob's `type`). */ Blob
  : R['body'] extends AnySchema
    ? z.input<R['body']>
    : undefined;
/** What an implementation may return (before the response schema parses it). */
export type ResponseOf<R extends RouteSpec> = R['response'] extends AnySchema
  ? R extends { responseFraming: 'ndjson' }
    ? z.input<R['response']>[]
    : z.input<R['response']>
  : undefined;
/** What a client receives. */
export type ResultOf<R extends RouteSpec> = R['response'] extends AnySchema
  ? R extends { responseFraming: 'ndjson' }
    ? z.output<R['response']>[]
    : z.output<R['response']>
  : undefined;

/** Fills a path template's {params}; used by clients of the route table. */
export function pathFor(spec: Pick<RouteSpec, 'path'>, params: Record<string, string>): string {
  return spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${spec.path}`);
    return encodeURIComponent(value);
  });
}
