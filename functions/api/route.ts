/**
 * What a route is: method, path, handler module, who may call it, and the zod schemas of its
 * params, query, body and response. The route table (routes.ts) is a list of these; the local
 * gateway, CDK, the OpenAPI document and the tenant-isolation test all read that one list, and
 * handler implementations get their request and reply types from the same objects.
 */
import type { z } from 'zod';
import type { Permission } from '../domain/permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RouteAuth =
  /** No token needed. */
  | { kind: 'public' }
  /** Any signed-in user. */
  | { kind: 'user' }
  /** A member of the path's {orgId} whose role grants `permission`. */
  | { kind: 'org'; permission: Permission };

export type AnySchema = z.ZodType;

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
  /** Response body schema; absent for 204 routes and redirects. Output is parsed through it. */
  response?: AnySchema;
  successStatus: 200 | 201 | 202 | 204 | 302;
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
export type BodyOf<R extends RouteSpec> = InferOr<R['body'], undefined>;
export type ResponseOf<R extends RouteSpec> = R['response'] extends AnySchema
  ? z.input<R['response']>
  : undefined;
