/**
 * Platform administration (README "Platform administration"). Every handler reads like the others:
 * parse, check the rule, persist with the audit entries, respond. What a platform admin reads of a
 * tenant, and everything they change, is recorded twice in one transaction: in the affected org's
 * audit log (its owners see who of the platform looked) and in the platform's own.
 */

import type { RouteSpec } from '../api/route';
import {
  findUsersAsAdmin,
  getOrgAsAdmin,
  grantPlatformRole,
  listPlatformAdmins,
  listPlatformAudit,
  reactivateOrg,
  revokePlatformRole,
  searchOrgsAsAdmin,
  setOrgPlan,
  suspendOrg,
} from '../api/routes/admin';
import type { Organization } from '../api/schemas/orgs';
import { listAgents } from '../data/agents';
import { auditPut } from '../data/audit';
import { listMembers, listMyOrgs } from '../data/memberships';
import * as orgs from '../data/orgs';
import { listPhoneNumbers, resumeOrgCalls, stopOrgCalls } from '../data/phone-numbers';
import * as platform from '../data/platform';
import { readTaskCounters } from '../data/tasks';
import { dynamoUserStore, findUserIdsByEmail } from '../data/users';
import { agentView } from '../domain/agents';
import type { AuditChange } from '../domain/audit';
import { statusChange } from '../domain/orgs';
import {
  effectivePlatformRole,
  grantRefusal,
  newGrant,
  platformAuditEntry,
  platformRefusals,
  summaryTotals,
  thisMonth,
} from '../domain/platform';
import { enforce, orRefuse } from '../domain/refusal';
import { summarize, summaryBuckets } from '../domain/tasks';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { type HandlerRequest, httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found } from './pipeline/refusals';

type AdminRequest = HandlerRequest<RouteSpec & { auth: { kind: 'platform' } }>;

/** The platform log's entry of this request (by the calling platform admin). */
function platformEntry(request: AdminRequest, change: AuditChange & { orgId: string | null }) {
  const { profile } = request.caller;
  return platform.platformAuditPut(
    platformAuditEntry({
      ...change,
      actor: { userId: profile.id, email: profile.email },
      requestId: request.requestId,
      now: request.now,
    }),
  );
}

/** A read of tenants' data: the platform's entry, and one in each org whose data it returned. */
function recordRead(
  request: AdminRequest,
  change: AuditChange,
  orgIds: readonly string[],
  orgChange: (orgId: string) => AuditChange,
) {
  return platform.recordReads([
    platformEntry(request, { ...change, orgId: orgIds.length === 1 ? orgIds[0]! : null }),
    ...orgIds.map((orgId) => auditPut(request.audit({ ...orgChange(orgId), orgId }))),
  ]);
}

const orgTarget = (orgId: string, org?: { name: string; displayName?: string | null }) => ({
  type: 'org',
  id: orgId,
  ...(org ? { name: org.displayName ?? org.name } : {}),
});
const readBy = (request: AdminRequest) => ({ platformRole: request.platformRole });

/**
 * Suspends or reactivates. A suspended org's numbers take no calls, so LiveKit comes first, as in
 * a number's assignment: the org's dispatch rules are deleted (or made again), a LiveKit failure is
 * a 502 with everything put back, and a refused status write puts LiveKit back. Done here rather
 * than by the queue: the answer then says the calls have stopped, or that nothing changed.
 */
async function changeStatus(request: AdminRequest, orgId: string, status: Organization['status']) {
  const current = found(await orgs.getOrg(orgId));
  checkIfMatch(request.ifMatch, current);
  const updated = orRefuse(statusChange(current, status, request.now));
  const change = {
    action: status === 'suspended' ? 'org.suspended' : 'org.reactivated',
    target: orgTarget(orgId),
    before: current,
    after: updated,
  };
  const routing = status === 'suspended' ? await stopOrgCalls(orgId) : await resumeOrgCalls(orgId);
  try {
    await orgs.updateOrgStatus(updated, current.version, request.audit(change), [
      platformEntry(request, { ...change, orgId }),
    ]);
  } catch (error) {
    await routing
      .undo()
      .catch((undoError: unknown) =>
        logger.warn('call routing not put back after a refused status change', { orgId, error: undoError }),
      );
    throw error;
  }
  return { body: updated };
}

export const handler = httpHandler([
  implement(searchOrgsAsAdmin, async (request) => {
    const { query } = request;
    const page = await orgs.searchOrgs(
      query.domain ? { domain: query.domain } : { namePrefix: query.name ?? '' },
      query.limit,
      query.cursor,
    );
    const ids = page.items.map((org) => org.id);
    const byId = new Map(page.items.map((org) => [org.id, org]));
    await recordRead(
      request as AdminRequest,
      {
        action: 'platform.orgs_searched',
        target: { type: 'search', id: query.domain ?? `name:${query.name}` },
        after: { found: ids.length },
      },
      ids,
      (orgId) => ({
        action: 'org.found_by_platform',
        target: orgTarget(orgId, byId.get(orgId)),
        after: readBy(request as AdminRequest),
      }),
    );
    return { body: page };
  }),

  implement(getOrgAsAdmin, async (request) => {
    const { orgId } = request.params;
    const month = thisMonth(request.now);
    const { first, last } = summaryBuckets(month.from, month.to, 'UTC');
    const [org, members, agents, numbers, counters] = await Promise.all([
      orgs.getOrg(orgId),
      listMembers(orgId, 50, undefined),
      listAgents(orgId, { limit: 100 }),
      listPhoneNumbers(orgId, { limit: 100 }),
      readTaskCounters(orgId, first, last),
    ]);
    found(org);
    const read = { action: 'org.read_by_platform', target: orgTarget(orgId, org) };
    await recordRead(request as AdminRequest, read, [orgId], () => ({
      ...read,
      after: readBy(request as AdminRequest),
    }));
    return {
      body: {
        org: org!,
        members: members.items,
        moreMembers: members.nextCursor !== undefined,
        agents: agents.items.map(agentView),
        phoneNumbers: numbers.items,
        tasksThisMonth: summaryTotals(summarize(month.from, month.to, 'UTC', counters)),
      },
    };
  }),

  implement(suspendOrg, (request) =>
    changeStatus(request as AdminRequest, request.params.orgId, 'suspended'),
  ),

  implement(reactivateOrg, (request) =>
    changeStatus(request as AdminRequest, request.params.orgId, 'active'),
  ),

  implement(setOrgPlan, async (request) => {
    const { params, body, ifMatch, now } = request;
    const updated = await orgs.setEntitlements(
      params.orgId,
      body,
      (before, after) => {
        const change = { action: 'org.entitlements_changed', target: orgTarget(params.orgId), before, after };
        return {
          audit: request.audit(change),
          alsoWrite: [platformEntry(request as AdminRequest, { ...change, orgId: params.orgId })],
        };
      },
      { now, expectedVersion: ifMatch },
    );
    return { body: updated };
  }),

  implement(findUsersAsAdmin, async (request) => {
    // One trusted issuer per deployment (plus the dev one locally): a handful of people at most.
    const ids = (await findUserIdsByEmail(request.query.email)).slice(0, 3);
    const [profiles, grants, memberships] = await Promise.all([
      Promise.all(ids.map((id) => dynamoUserStore.get(id))),
      platform.platformGrantsOf(ids),
      Promise.all(ids.map((id) => listMyOrgs(id, 25, undefined))),
    ]);
    const items = ids.flatMap((id, i) => {
      const stored = profiles[i];
      if (!stored) return [];
      const role = effectivePlatformRole(
        stored.profile,
        grants.get(id)?.role ?? null,
        config().platformSuperadminEmail,
      );
      return [{ profile: stored.profile, platformRole: role, orgs: memberships[i]!.items }];
    });
    const seen = items.flatMap((user) =>
      user.orgs.map((o) => ({ orgId: o.org.id, userId: user.profile.id })),
    );
    await platform.recordReads([
      platformEntry(request as AdminRequest, {
        action: 'platform.user_looked_up',
        target: { type: 'email', id: request.query.email },
        after: { found: items.length },
        orgId: null,
      }),
      ...seen.map(({ orgId, userId }) =>
        auditPut(
          request.audit({
            orgId,
            action: 'member.read_by_platform',
            target: { type: 'member', id: userId },
            after: readBy(request as AdminRequest),
          }),
        ),
      ),
    ]);
    return { body: { items } };
  }),

  implement(listPlatformAdmins, async ({ query }) => ({
    body: await platform.listPlatformAdmins(query.limit, query.cursor),
  })),

  implement(grantPlatformRole, async (request) => {
    const { body, caller, now } = request;
    const field = body.userId ? 'userId' : 'email';
    const [userId, ...others] = body.userId
      ? [body.userId]
      : await findUserIdsByEmail(body.email!, { verifiedOnly: true });
    if (others.length > 0) throw platformRefusals.emailOfSeveral();
    const person = userId ? await dynamoUserStore.get(userId) : undefined;
    if (!person) throw platformRefusals.noSuchPerson(field);
    enforce(grantRefusal(caller.profile.id, person.profile.id, field));
    const grant = newGrant(person.profile, body.role, caller.profile, now);
    await platform.putPlatformGrant(
      grant,
      platformAuditEntry({
        action: 'platform.role_granted',
        target: { type: 'user', id: grant.userId },
        after: { email: grant.email, role: grant.role },
        orgId: null,
        actor: { userId: caller.profile.id, email: caller.profile.email },
        requestId: request.requestId,
        now,
      }),
    );
    return { body: grant };
  }),

  implement(revokePlatformRole, async (request) => {
    const { params, caller, now } = request;
    enforce(grantRefusal(caller.profile.id, params.userId, 'userId'));
    await platform.deletePlatformGrant(
      params.userId,
      platformAuditEntry({
        action: 'platform.role_revoked',
        target: { type: 'user', id: params.userId },
        orgId: null,
        actor: { userId: caller.profile.id, email: caller.profile.email },
        requestId: request.requestId,
        now,
      }),
    );
    return {};
  }),

  implement(listPlatformAudit, async ({ query }) => ({
    body: await platform.listPlatformAudit(query.limit, query.cursor),
  })),
]);
