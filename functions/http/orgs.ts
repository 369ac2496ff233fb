import { syncQueue } from '../adapters/queue';
import { createOrg, deleteOrg, getOrg, joinOrg, listMyOrgs, updateOrg } from '../api/routes/tenancy';
import { connectedUserIds } from '../data/calendar-connections';
import * as memberships from '../data/memberships';
import * as orgs from '../data/orgs';
import { auditEntry } from '../domain/audit';
import { newMembership } from '../domain/memberships';
import {
  applyOrgUpdate,
  canAutoJoin,
  joinRefusal,
  maxUsersRefusal,
  newOrg,
  settingsRefusal,
} from '../domain/orgs';
import { httpHandler, implement } from '../lib/http-handler';
import { logger } from '../lib/logger';
import { problems } from '../lib/problem';
import { actorOf, enforce, found, orRefuse } from '../lib/refusals';

export const handler = httpHandler([
  implement(createOrg, async ({ caller, body, requestId, now }) => {
    if (!caller.profile.canCreateOrgs) throw problems.forbidden('Your account may not create organizations.');
    const org = newOrg(body, now);
    enforce(maxUsersRefusal(org.plan, body.maxUsers) ?? settingsRefusal(org));
    const owner = newMembership(org.id, caller.profile, 'owner', [], now);
    const target = { type: 'org', id: org.id };
    const audit = auditEntry({
      orgId: org.id,
      actor: actorOf(caller),
      action: 'org.created',
      target,
      requestId,
      after: org,
      now,
    });
    await orgs.createOrg(org, owner, audit);
    return { body: org };
  }),

  implement(listMyOrgs, async ({ caller, query }) => ({
    body: await memberships.listMyOrgs(caller.profile.id, query.limit, query.cursor),
  })),

  implement(getOrg, async ({ params }) => ({ body: found(await orgs.getOrg(params.orgId)) })),

  implement(updateOrg, async ({ params, body, caller, ifMatch, requestId, now }) => {
    const current = found(await orgs.getOrg(params.orgId));
    if (ifMatch !== undefined && ifMatch !== current.version) throw problems.preconditionFailed();
    const updated = orRefuse(applyOrgUpdate(current, body, now));
    const audit = auditEntry({
      orgId: current.id,
      actor: actorOf(caller),
      action: 'org.updated',
      target: { type: 'org', id: current.id },
      requestId,
      before: current,
      after: updated,
      now,
    });
    const outcome = await orgs.updateOrg(updated, current.version, audit);
    if (outcome === 'stale') throw problems.preconditionFailed();
    if (outcome === 'over-limit') {
      throw problems.unprocessable('Members joined meanwhile; the new limit is below the member count.', [
        { field: 'maxUsers', message: 'is below the current member count' },
      ]);
    }
    return { body: updated };
  }),

  implement(deleteOrg, async ({ params, caller, now }) => {
    // The audit partition goes with the tenant, so the deletion itself is recorded in the log.
    logger.info('organization deleted', { orgId: params.orgId, actorId: caller.profile.id });
    // Queued before the items go: afterwards nothing would name whose Google grants to revoke.
    const { orgId } = params;
    const requestedAt = now.toISOString();
    const calendarUsers = await connectedUserIds(orgId);
    await syncQueue().send(calendarUsers.map((userId) => ({ kind: 'offboard', orgId, userId, requestedAt })));
    await orgs.deleteTenant(params.orgId);
    return {};
  }),

  implement(joinOrg, async ({ params, caller, requestId, now }) => {
    const org = await orgs.getOrg(params.orgId);
    // Anyone may try any id: an org they cannot join is indistinguishable from no org.
    if (!org || !canAutoJoin(org, caller.identity.email)) throw problems.notFound();
    enforce(joinRefusal(org, caller.identity.emailVerified));
    const member = newMembership(org.id, caller.profile, 'member', [], now);
    const audit = auditEntry({
      orgId: org.id,
      actor: actorOf(caller),
      action: 'member.joined',
      target: { type: 'member', id: member.userId },
      requestId,
      after: member,
      now,
    });
    const outcome = await memberships.addMember(member, audit);
    if (outcome === 'already-member')
      throw problems.conflict('You are already a member of this organization.');
    if (outcome === 'org-full')
      throw problems.unprocessable('The organization has reached its member limit.');
    return { body: member };
  }),
]);
