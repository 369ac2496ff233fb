/**
 * The handler stack every HTTP Lambda uses: access log and problem+json errors around
 * came through CloudFront -> authenticate -> load caller -> authorize -> validate -> the route's
 * implementation -> render.
 * A handler module lists its implementations; the route each one serves carries its schemas and
 * permission, so the pipeline needs nothing else.
 */

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { allows, can, canPlatform, type PlatformRole } from '../../api/permissions';
import {
  type BodyOf,
  type HeadersOf,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
  type RouteSpec,
  routeKey,
} from '../../api/route';
import type { AuditActor, AuditEntry } from '../../api/schemas/audit';
import type { UserProfile } from '../../api/schemas/me';
import { findApiClientGrant } from '../../data/api-clients';
import { getMembershipWithOrgStatus, type Membership, readOrgAccess } from '../../data/memberships';
import { getPlatformGrant } from '../../data/platform';
import { dynamoUserStore, type StoredUser } from '../../data/users';
import {
  cappedClientSentence,
  creatorGoneSentence,
  effectiveClientRole,
  type MachineIdentity,
  machineScope,
  unboundClientSentence,
} from '../../domain/api-clients';
import { type AuditChange, auditEntry } from '../../domain/audit';
import { effectivePlatformRole, platformRefusals } from '../../domain/platform';
import { Refusal } from '../../domain/refusal';
import { followVerifiedEmail, type Identity, profileFromIdentity } from '../../domain/users';
import { config } from '../../lib/config';
import { logger } from '../../lib/logger';
import { dependencyProblem, Problem, problemBody, problems } from '../../lib/problem';
import { apiClientOnPersonRoute, authenticatePrincipal } from './auth';
import { verifyOrigin } from './origin';
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
  /** The request headers the route declares, validated. */
  headers: HeadersOf<R>;
  /**
   * The person calling. On an org route called by an API client it is a stand-in whose identity
   * and profile refuse with 403 when read (the route acts for a person); null on public and runtime routes.
   */
  caller: R['auth'] extends { kind: 'public' } | { kind: 'runtime' } ? null : Caller;
  membership: R['auth'] extends { kind: 'org' } ? Membership : null;
  /** Who is acting, as audit entries name them: a person, or the org's API client on org routes. */
  actor: R['auth'] extends { kind: 'public' } | { kind: 'runtime' } ? null : AuditActor;
  /** The caller's platform role on platform routes (at least the route's). */
  platformRole: R['auth'] extends { kind: 'platform' } ? PlatformRole : null;
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

/** What a request that failed answers: its problem, a dependency's 503, or a 500 that hides the cause. */
function problemResponse(error: unknown, requestId: string): Result {
  if (error instanceof Problem || error instanceof Refusal) {
    return problemResult(error instanceof Refusal ? problemFor(error) : error, requestId);
  }
  const unavailable = dependencyProblem(error);
  if (unavailable) {
    logger.warn('dependency unavailable', { error });
    return problemResult(unavailable, requestId);
  }
  logger.error('unhandled error', { error });
  return problemResult(
    new Problem(500, 'Internal Server Error', 'Something went wrong on our side; quote the request id.'),
    requestId,
  );
}

// Margin before the Lambda's deadline at which the request gives up, so the caller gets a problem
// with a request id rather than the gateway's bare error, and the access log line is still written.
const deadlineMarginMs = 50;

/** The route's answer, or a 503 when the function's deadline comes first. */
async function withinDeadline(answer: Promise<Result>, context: Context): Promise<Result> {
  const remaining = context.getRemainingTimeInMillis?.();
  if (remaining === undefined) return answer;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          problems.unavailable(
            'The request did not finish in time; check whether it took effect before retrying.',
          ),
        ),
      Math.max(0, remaining - deadlineMarginMs),
    );
  });
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function loadCaller(identity: Identity, now: Date): Promise<Caller> {
  return callerFrom(identity, now, await dynamoUserStore.get(identity.sub));
}

/** The caller from their stored profile, creating it on first sight and following a verified email. */
async function callerFrom(identity: Identity, now: Date, found: StoredUser | undefined): Promise<Caller> {
  const stored =
    found ??
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

/**
 * For an API client's call, the request's person-shaped parts: what it has (org, role) answers,
 * what only a person has (profile, user id, email) refuses with a 403 when a handler reaches for
 * it, before that handler has changed anything (README "Machine callers"). A route that acts for
 * a person therefore refuses machines without declaring it, and a new one cannot mistake a client
 * for a person.
 */
function personOnly<T extends object>(known: Partial<T>, personal: readonly (keyof T & string)[]): T {
  const standIn = { ...known } as T;
  for (const name of personal) {
    Object.defineProperty(standIn, name, {
      enumerable: true,
      get: () => {
        throw problems.forbidden('This action is for people; an API client cannot perform it.');
      },
    });
  }
  return standIn;
}

async function authorizeMachine(spec: RouteSpec, machine: MachineIdentity, event: Event) {
  const { resourceServer, runtimeClientId } = config().machineTokens;
  if (spec.auth.kind === 'runtime') {
    const isRuntime =
      machine.scopes.includes(machineScope(resourceServer, 'runtime')) &&
      (!runtimeClientId || machine.clientId === runtimeClientId);
    if (!isRuntime) throw problems.forbidden(runtimeOnly);
    return { caller: null, membership: null, actor: null, platformRole: null };
  }
  if (spec.auth.kind !== 'org') throw problems.forbidden(apiClientOnPersonRoute);
  if (!machine.scopes.includes(machineScope(resourceServer, 'org'))) {
    throw problems.forbidden(`The token lacks the ${machineScope(resourceServer, 'org')} scope.`);
  }
  const orgId = event.pathParameters?.orgId ?? '';
  const grant = await findApiClientGrant(machine.clientId);
  if (!grant) throw problems.unauthorized('This API client has been deleted.');
  // Another org's path looks exactly as it does to a person who is not a member there.
  if (grant.orgId !== orgId) throw problems.notFound();
  if (!grant.creatorId) throw problems.unauthorized(unboundClientSentence);
  // The creator's membership and the org's status in one BatchGet, on every call: a client acts
  // with at most its creator's rights today (README "Machine callers").
  const { membership: creator, suspended } = await getMembershipWithOrgStatus(orgId, grant.creatorId);
  if (suspended) throw platformRefusals.suspended();
  const role = effectiveClientRole(grant, creator?.role);
  if (!role) throw problems.unauthorized(creatorGoneSentence);
  if (!can(role, spec.auth.permission)) {
    throw problems.forbidden(role === grant.role ? undefined : cappedClientSentence(role));
  }
  return {
    caller: personOnly<Caller>({}, ['identity', 'profile']),
    membership: personOnly<Membership>({ orgId: grant.orgId, role, additionalRoles: [] }, [
      'userId',
      'email',
      'joinedAt',
      'updatedAt',
      'version',
    ]),
    actor: { apiClientId: grant.clientId, name: grant.name },
    platformRole: null,
  };
}

const runtimeOnly = 'Only the platform’s voice runtime client may read agents for running them.';

async function authorize(
  spec: RouteSpec,
  event: Event,
  now: Date,
): Promise<{
  caller: Caller | null;
  membership: Membership | null;
  actor: AuditActor | null;
  platformRole: PlatformRole | null;
}> {
  if (spec.auth.kind === 'public') return { caller: null, membership: null, actor: null, platformRole: null };
  const principal = await authenticatePrincipal(event.headers.authorization);
  if (principal.kind === 'machine') return authorizeMachine(spec, principal.machine, event);
  const { identity } = principal;
  if (spec.auth.kind === 'runtime') throw problems.forbidden(runtimeOnly);
  if (spec.auth.kind === 'user') {
    const caller = await loadCaller(identity, now);
    return { caller, membership: null, actor: personActor(caller), platformRole: null };
  }
  if (spec.auth.kind === 'platform') {
    const [caller, grant] = await Promise.all([loadCaller(identity, now), getPlatformGrant(identity.sub)]);
    const role = effectivePlatformRole(identity, grant?.role ?? null, config().platformSuperadminEmail);
    // A 403, not a 404: the /admin routes are in the public OpenAPI document, and the refusal comes
    // before anything is read, so it tells a stranger nothing about any org or person.
    if (!canPlatform(role, spec.auth.role)) {
      throw problems.forbidden(
        role
          ? `Your platform role (${role}) cannot do this; it needs ${spec.auth.role} or above.`
          : 'This route is for platform administrators.',
      );
    }
    return { caller, membership: null, actor: personActor(caller), platformRole: role };
  }

  const orgId = event.pathParameters?.orgId;
  if (!orgId) throw new Error(`route ${routeKey(spec)} is org-scoped but has no {orgId}`);
  // The profile, the membership and the org's status in one BatchGet: no extra round trip.
  const { user, membership, suspended } = await readOrgAccess(orgId, identity.sub);
  if (!membership) throw problems.notFound();
  // Members learn why (they know the org exists); non-members above still get a 404.
  if (suspended) throw platformRefusals.suspended();
  if (!allows(membership, spec.auth.permission)) throw problems.forbidden();
  const caller = await callerFrom(identity, now, user);
  return { caller, membership, actor: personActor(caller), platformRole: null };
}

function personActor(caller: Caller): AuditActor {
  return { userId: caller.profile.id, email: caller.profile.email };
}

function render(spec: RouteSpec, reply: { body?: unknown; headers?: Record<string, string> }): Result {
  const headers: Record<string, string> = { ...jsonHeaders, ...reply.headers };
  if (!spec.response) return { statusCode: spec.successStatus, headers, body: '' };
  if (spec.responseFraming === 'ndjson') {
    const lines = (reply.body as unknown[]).map(
      (value) => `${JSON.stringify(spec.response?.parse(value))}\n`,
    );
    headers['content-type'] = 'application/x-ndjson';
    return { statusCode: spec.successStatus, headers, body: lines.join('') };
  }
  // Parsing the output through its schema drops anything not in the contract (keys, hashes).
  const body = spec.response.parse(reply.body) as Record<string, unknown>;
  if (typeof body?.version === 'number') headers.etag = etagFor(body.version);
  return { statusCode: spec.successStatus, headers, body: JSON.stringify(body) };
}

export function httpHandler(implementations: Implementation[]) {
  const byKey = new Map(implementations.map((i) => [routeKey(i.route), i]));
  const serve = async (event: Event, context: Context): Promise<Result> => {
    const implementation = byKey.get(event.routeKey as ReturnType<typeof routeKey>);
    if (!implementation) throw problems.notFound(`No route ${event.routeKey}.`);
    const spec = implementation.route;
    const now = new Date();
    const { caller, membership, actor, platformRole } = await authorize(spec, event, now);
    const input = parseInput(spec, event);
    const requestId = requestIdOf(event, context);
    const audit = ({ orgId, ...change }: AuditChange & { orgId?: string }) => {
      if (!actor) throw new Error(`route ${routeKey(spec)} has no caller to audit`);
      const org = orgId ?? event.pathParameters?.orgId;
      if (!org) throw new Error(`route ${routeKey(spec)} has no {orgId}; name the audited org`);
      return auditEntry({ ...change, orgId: org, actor, requestId, now });
    };
    const reply = await implementation.run({
      ...input,
      caller,
      membership,
      actor,
      platformRole,
      ifMatch: parseIfMatch(event.headers['if-match']),
      requestId,
      now,
      event,
      audit,
    } as HandlerRequest<RouteSpec>);
    return render(spec, reply as { body?: unknown; headers?: Record<string, string> });
  };
  const handler = async (event: Event, context: Context): Promise<Result> => {
    const started = Date.now();
    const requestId = requestIdOf(event, context);
    logger.setContext({ requestId, routeKey: event.routeKey });
    let response: Result;
    try {
      // Before anything else runs: a request that bypassed CloudFront gets no token check or read.
      verifyOrigin(event);
      response = await withinDeadline(serve(event, context), context);
    } catch (error) {
      response = problemResponse(error, requestId);
    }
    logger.info('request', { status: response.statusCode, durationMs: Date.now() - started });
    return response;
  };
  // Which routes this module serves, so a test can bind the route table to its implementations.
  return Object.assign(handler, { routes: implementations.map((i) => i.route) });
}
