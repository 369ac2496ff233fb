import { offboardCalendars } from '../adapters/offboarding';
import {
  getMyMembership,
  leaveOrg,
  listMembers,
  removeMember,
  transferOwnership,
  updateMember,
} from '../api/routes/tenancy';
import * as memberships from '../data/memberships';
import { peopleByIds } from '../data/users';
import {
  applyMemberUpdate,
  changeRefusal,
  ownerDelta,
  removalRefusal,
  transferRefusal,
} from '../domain/memberships';
import { enforce, refusals } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

const memberTarget = (userId: string) => ({ type: 'member', id: userId });

export const handler = httpHandler([
  // People, not emails: each member with the name and picture of their profile.
  implement(listMembers, async ({ params, query }) => {
    const page = await memberships.listMembers(params.orgId, query.limit, query.cursor);
    const people = await peopleByIds(page.items.map((m) => m.userId));
    return {
      body: {
        ...page,
        items: page.items.map((m) => ({
          ...m,
          name: people.get(m.userId)?.name ?? null,
          picture: people.get(m.userId)?.picture ?? null,
        })),
      },
    };
  }),

  // The pipeline already read it to authorize the caller: no further round trip.
  implement(getMyMembership, async ({ membership }) => ({ body: membership })),

  implement(updateMember, async ({ params, body, membership, ifMatch, audit, now }) => {
    const target = found(await memberships.getMembership(params.orgId, params.userId));
    checkIfMatch(ifMatch, target);
    enforce(changeRefusal(membership, target, body));
    const updated = applyMemberUpdate(target, body, now);
    await memberships.updateMembers(
      [
        {
          member: updated,
          expectedVersion: target.version,
          ownerDelta: ownerDelta(target.role, updated.role),
        },
      ],
      audit({
        action: 'member.updated',
        target: memberTarget(target.userId),
        before: target,
        after: updated,
      }),
      lostRace(ifMatch, 'membership'),
    );
    return { body: updated };
  }),

  implement(removeMember, async ({ params, membership, ifMatch, audit, now }) => {
    const target = found(await memberships.getMembership(params.orgId, params.userId));
    checkIfMatch(ifMatch, target);
    enforce(removalRefusal(membership, target));
    await memberships.removeMember(
      target,
      audit({ action: 'member.removed', target: memberTarget(target.userId), before: target }),
      lostRace(ifMatch, 'membership'),
    );
    await offboardCalendars(target.orgId, [target.userId], now);
    return {};
  }),

  implement(leaveOrg, async ({ membership, audit, now }) => {
    await memberships.removeMember(
      membership,
      audit({ action: 'member.left', target: memberTarget(membership.userId), before: membership }),
    );
    await offboardCalendars(membership.orgId, [membership.userId], now);
    return {};
  }),

  implement(transferOwnership, async ({ body, membership, audit, now }) => {
    const target = await memberships.getMembership(membership.orgId, body.userId);
    enforce(transferRefusal(membership, target));
    const newOwner = applyMemberUpdate(target!, { role: 'owner' }, now);
    const previousOwner = applyMemberUpdate(membership, { role: 'admin' }, now);
    await memberships.updateMembers(
      [
        { member: newOwner, expectedVersion: target!.version, ownerDelta: 1 },
        { member: previousOwner, expectedVersion: membership.version, ownerDelta: -1 },
      ],
      audit({
        action: 'org.ownership_transferred',
        target: memberTarget(newOwner.userId),
        before: { owner: membership.userId },
        after: { owner: newOwner.userId },
      }),
      () => refusals.changedMeanwhile('membership'),
    );
    return { body: { previousOwner, newOwner } };
  }),
]);
