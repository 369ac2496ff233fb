import { scheduleAgentKeysDeletion } from '../adapters/agent-keys';
import { offboardCalendars, releaseOrgResources } from '../adapters/offboarding';
import { createOrg, deleteOrg, getOrg, joinOrg, listMyOrgs, updateOrg } from '../api/routes/tenancy';
import * as memberships from '../data/memberships';
import * as orgs from '../data/orgs';
import { newMembership } from '../domain/memberships';
import {
  applyOrgUpdate,
  canAutoJoin,
  joinRefusal,
  maxUsersRefusal,
  newOrg,
  settingsRefusal,
} from '../domain/orgs';
import { enforce, orRefuse, refusals, refuse } from '../domain/refusal';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

export const handler = httpHandler([
  implement(createOrg, async ({ caller, body, audit, now }) => {
    if (!caller.profile.canCreateOrgs)
      throw refuse('forbidden', 'Your account may not create organizations.');
    const org = newOrg(body, now);
    enforce(maxUsersRefusal(org.plan, body.maxUsers) ?? settingsRefusal(org));
    const owner = newMembership(org.id, caller.profile, 'owner', [], now);
    await orgs.createOrg(
      org,
      owner,
      audit({ orgId: org.id, action: 'org.created', target: { type: 'org', id: org.id }, after: org }),
      config().maxOrgsCreatedPerUser,
    );
    return { body: org };
  }),

  implement(listMyOrgs, async ({ caller, query }) => ({
    body: await memberships.listMyOrgs(caller.profile.id, query.limit, query.cursor),
  })),

  implement(getOrg, async ({ params }) => ({ body: found(await orgs.getOrg(params.orgId)) })),

  implement(updateOrg, async ({ params, body, ifMatch, audit, now }) => {
    const current = found(await orgs.getOrg(params.orgId));
    checkIfMatch(ifMatch, current);
    const updated = orRefuse(applyOrgUpdate(current, body, now));
    await orgs.updateOrg(
      updated,
      current.version,
      audit({
        action: 'org.updated',
        target: { type: 'org', id: current.id },
        before: current,
        after: updated,
      }),
      lostRace(ifMatch, 'organization'),
    );
    return { body: updated };
  }),

  implement(deleteOrg, async ({ params, caller, ifMatch, now }) => {
    // Queued before the items go: afterwards nothing would name whose Google grants to revoke, nor
    // which dispatch rules and app clients to delete.
    const { agentIds } = await orgs.deleteTenant(params.orgId, ifMatch, async (held) => {
      // The audit partition goes with the tenant, so the deletion itself is recorded in the log
      // (once the org item is gone: a stale If-Match deletes nothing and is not logged).
      logger.info('organization deleted', { orgId: params.orgId, actorId: caller.profile.id });
      await offboardCalendars(params.orgId, held.calendarUserIds, now);
      await releaseOrgResources(params.orgId, held);
    });
    await Promise.all(agentIds.map((agentId) => scheduleAgentKeysDeletion(params.orgId, agentId)));
    return {};
  }),

  implement(joinOrg, async ({ params, caller, audit, now }) => {
    const org = await orgs.getOrg(params.orgId);
    // Anyone may try any id: an org they cannot join is indistinguishable from no org.
    if (!org || !canAutoJoin(org, caller.identity.email)) throw refusals.notFound();
    enforce(joinRefusal(org, caller.identity.emailVerified));
    const member = newMembership(org.id, caller.profile, 'member', [], now);
    await memberships.addMember(
      member,
      audit({
        orgId: org.id,
        action: 'member.joined',
        target: { type: 'member', id: member.userId },
        after: member,
      }),
    );
    return { body: member };
  }),
]);
