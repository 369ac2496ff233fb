/**
 * The handler stack every HTTP Lambda uses (middy): access log and problem+json errors around
 * authenticate -> load caller -> authorize -> validate -> the route's implementation -> render.
 * A handler module lists its implementations; the route each one serves carries its schemas and
 * permission, so the pipeline needs nothing else.
 */

import type { MiddlewareObj, Request } from '@middy/core';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { can } from '../../api/permissions';
import {
  type BodyOf,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
  type RouteSpec,
  routeKey,
} from '../../api/route';
import type { AuditEntry } from '../../api/schemas/audit';
import type { UserProfile } from '../../api/schemas/me';
import { getMembership, type Membership } from '../../data/memberships';
import { dynamoUserStore } from '../../data/users';
import { type AuditChange, auditEntry } from '../../domain/audit';
import { Refusal } from '../../domain/refusal';
import { followVerifiedEmail, type Identity, profileFromIdentity } from '../../domain/users';
import { logger } from '../../lib/logger';
import { dependencyProblem, Problem, problemBody, problems } from '../../lib/problem';
import { authenticate } from './auth';
import { problemFor } from './refusals';
import { etagFor, parseIfMatch, parseInput } from './request';

export interface Caller {
  identity: Identity;
  profile: UserProfile;
}

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

export interface HandlerRequest<R extends RouteSpec> {
  params: ParamsOf<R>;
  query: QueryOf<R>;
  body: BodyOf<R>;
  caller: R['auth'] extends { kind: 'public' } ? null : Caller;
  membership: R['auth'] extends { kind: 'org' } ? Membership : null;
  ifMatch: number | undefined;
  requestId: string;
  now: Date;
  event: Event;
  /** The audit entry of this request's change, by the caller, in the path's org unless another is named. */
  audit(change: AuditChange & { orgId?: string }): AuditEntry;
}

export type Reply<R extends RouteSpec> = R['successStatus'] extends 204
  ? { headers?: Record<string, string> }
  : { body: ResponseOf<R>; headers?: Record<string, string> };

export interface Implementation<R extends RouteSpec = RouteSpec> {
  route: R;
  run(request: HandlerRequest<R>): Promise<Reply<R>>;
}

export function implement<const R extends RouteSpec>(
  spec: R,
  run: (request: HandlerRequest<R>) => Promise<Reply<R>>,
): Implementation {
  return { route: spec, run } as unknown as Implementation;
}

function requestIdOf(event: Event, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId ?? 'unknown';
}

const jsonHeaders = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function problemResult(problem: Problem, requestId: string): Result {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...problem.headers },
    body: JSON.stringify(problemBody(problem, requestId)),
  };
}

const accessLog = (): MiddlewareObj<Event, Result> => {
  const started = new WeakMap<object, number>();
  const done = (request: Request<Event, Result>) => {
    logger.info('request', {
      status: request.response?.statusCode,
      durationMs: Date.now() - (started.get(request.event) ?? Date.now()),
    });
  };
  return {
    before: (request) => {
      started.set(request.event, Date.now());
      logger.setContext({
        requestId: requestIdOf(request.event, request.context),
        routeKey: request.event.routeKey,
      });
    },
    after: done,
    onError: done,
  };
};

const problemErrors = (): MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    const requestId = requestIdOf(request.event, request.context);
    const error = request.error;
    if (error instanceof Problem || error instanceof Refusal) {
      request.response = problemResult(error instanceof Refusal ? problemFor(error) : error, requestId);
      return;
    }
    const unavailable = dependencyProblem(error);
    if (unavailable) {
      logger.warn('dependency unavailable', { error });
      request.response = problemResult(unavailable, requestId);
      return;
    }
    logger.error('unhandled error', { error });
    request.response = problemResult(
      new Problem(500, 'Internal Server Error', 'Something went wrong on our side; quote the request id.'),
      requestId,
    );
  },
});

async function loadCaller(identity: Identity, now: Date): Promise<Caller> {
  const stored =
    (await dynamoUserStore.get(identity.sub)) ??
    (await dynamoUserStore.createIfAbsent({
      profile: profileFromIdentity(identity, now),
      issuer: identity.issuer,
    }));
  if (stored.issuer !== identity.issuer) {
    throw problems.unauthorized('This subject belongs to another identity provider.');
  }
  const moved = followVerifiedEmail(stored.profile, identity, now);
  if (
    moved &&
    !(await dynamoUserStore.replace({ profile: moved, issuer: identity.issuer }, stored.profile.version))
  ) {
    // Another request changed the profile meanwhile; what it stored is the truth to show.
    return loadCaller(identity, now);
  }
  return { identity, profile: moved ?? stored.profile };
}

async function authorize(spec: RouteSpec, event: Event, now: Date) {
  if (spec.auth.kind === 'public') return { caller: null, membership: null };
  const identity = await authenticate(event.headers.authorization);
  if (spec.auth.kind === 'user') return { caller: await loadCaller(identity, now), membership: null };

  const orgId = event.pathParameters?.orgId;
  if (!orgId) throw new Error(`route ${routeKey(spec)} is org-scoped but has no {orgId}`);
  const [caller, membership] = await Promise.all([
    loadCaller(identity, now),
    getMembership(orgId, identity.sub),
  ]);
  if (!membership) throw problems.notFound();
  if (!can(membership.role, spec.auth.permission)) throw problems.forbidden();
  return { caller, membership };
}

function render(spec: RouteSpec, reply: { body?: unknown; headers?: Record<string, string> }): Result {
  const headers: Record<string, string> = { ...jsonHeaders, ...reply.headers };
  if (!spec.response) return { statusCode: spec.successStatus, headers, body: '' };
  // Parsing the output through its schema drops anything not in the contract (keys, hashes).
  const body = spec.response.parse(reply.body) as Record<string, unknown>;
  if (typeof body?.version === 'number') headers.etag = etagFor(body.version);
  return { statusCode: spec.successStatus, headers, body: JSON.stringify(body) };
}

export function httpHandler(implementations: Implementation[]) {
  const byKey = new Map(implementations.map((i) => [routeKey(i.route), i]));
  const handler = middy<Event, Result>()
    .use(accessLog())
    .use(problemErrors())
    .handler(async (event, context) => {
      const implementation = byKey.get(event.routeKey as ReturnType<typeof routeKey>);
      if (!implementation) throw problems.notFound(`No route ${event.routeKey}.`);
      const spec = implementation.route;
      const now = new Date();
      const { caller, membership } = await authorize(spec, event, now);
      const input = parseInput(spec, event);
      const requestId = requestIdOf(event, context);
      const audit = ({ orgId, ...change }: AuditChange & { orgId?: string }) => {
        if (!caller) throw new Error(`route ${routeKey(spec)} is public; it has no one to audit`);
        const org = orgId ?? event.pathParameters?.orgId;
        if (!org) throw new Error(`route ${routeKey(spec)} has no {orgId}; name the audited org`);
        const actor = { userId: caller.profile.id, email: caller.profile.email };
        return auditEntry({ ...change, orgId: org, actor, requestId, now });
      };
      const reply = await implementation.run({
        ...input,
        caller,
        membership,
        ifMatch: parseIfMatch(event.headers['if-match']),
        requestId,
        now,
        event,
        audit,
      } as HandlerRequest<RouteSpec>);
      return render(spec, reply as { body?: unknown; headers?: Record<string, string> });
    });
  // Which routes this module serves, so a test can bind the route table to its implementations.
  return Object.assign(handler, { routes: implementations.map((i) => i.route) });
}
