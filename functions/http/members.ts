import { syncQueue } from '../adapters/queue';
import { leaveOrg, listMembers, removeMember, transferOwnership, updateMember } from '../api/routes/tenancy';
import type { Member } from '../api/schemas/members';
import * as memberships from '../data/memberships';
import { auditEntry } from '../domain/audit';
import {
  applyMemberUpdate,
  changeRefusal,
  ownerDelta,
  removalRefusal,
  transferRefusal,
} from '../domain/memberships';
import type { Caller } from '../lib/http-handler';
import { httpHandler, implement } from '../lib/http-handler';
import { problems } from '../lib/problem';
import { actorOf, enforce, found } from '../lib/refusals';

const lastOwner = (field: string) =>
  problems.unprocessable('An organization keeps at least one owner; make someone else owner first.', [
    { field, message: 'is the last owner' },
  ]);

const changedMeanwhile = () => problems.conflict('The membership changed meanwhile; reload and retry.');

/**
 * The sync worker revokes the person's Google grant and deletes their calendar data; this Lambda
 * stays free of Google and Secrets Manager. Should the send fail, the worker still refuses to sync
 * a former member and cleans up at the next scheduled sync.
 */
function offboardCalendar(orgId: string, userId: string, now: Date) {
  return syncQueue().send([{ kind: 'offboard', orgId, userId, requestedAt: now.toISOString() }]);
}

function memberAudit(
  caller: Caller,
  action: string,
  before: Member | null,
  after: Member | null,
  requestId: string,
  now: Date,
) {
  const target = (after ?? before)!;
  return auditEntry({
    orgId: target.orgId,
    actor: actorOf(caller),
    action,
    target: { type: 'member', id: target.userId },
    requestId,
    before,
    after,
    now,
  });
}

export const handler = httpHandler([
  implement(listMembers, async ({ params, query }) => ({
    body: await memberships.listMembers(params.orgId, query.limit, query.cursor),
  })),

  implement(updateMember, async ({ params, body, membership, caller, ifMatch, requestId, now }) => {
    const target = found(await memberships.getMembership(params.orgId, params.userId));
    if (ifMatch !== undefined && ifMatch !== target.version) throw problems.preconditionFailed();
    enforce(changeRefusal(membership, target, body));
    const updated = applyMemberUpdate(target, body, now);
    const outcome = await memberships.updateMembers(
      [
        {
          member: updated,
          expectedVersion: target.version,
          ownerDelta: ownerDelta(target.role, updated.role),
        },
      ],
      memberAudit(caller, 'member.updated', target, updated, requestId, now),
    );
    if (outcome === 'last-owner') throw lastOwner('role');
    if (outcome === 'stale') throw problems.preconditionFailed();
    return { body: updated };
  }),

  implement(removeMember, async ({ params, membership, caller, requestId, now }) => {
    const target = found(await memberships.getMembership(params.orgId, params.userId));
    enforce(removalRefusal(membership, target));
    const outcome = await memberships.removeMember(
      target,
      memberAudit(caller, 'member.removed', target, null, requestId, now),
    );
    if (outcome === 'last-owner') throw lastOwner('userId');
    if (outcome === 'stale') throw changedMeanwhile();
    await offboardCalendar(target.orgId, target.userId, now);
    return {};
  }),

  implement(leaveOrg, async ({ membership, caller, requestId, now }) => {
    const outcome = await memberships.removeMember(
      membership,
      memberAudit(caller, 'member.left', membership, null, requestId, now),
    );
    if (outcome === 'last-owner') throw lastOwner('userId');
    if (outcome === 'stale') throw changedMeanwhile();
    await offboardCalendar(membership.orgId, membership.userId, now);
    return {};
  }),

  implement(transferOwnership, async ({ params, body, membership, caller, requestId, now }) => {
    const target = await memberships.getMembership(params.orgId, body.userId);
    enforce(transferRefusal(membership, target));
    const newOwner = applyMemberUpdate(target!, { role: 'owner' }, now);
    const previousOwner = applyMemberUpdate(membership, { role: 'admin' }, now);
    const audit = auditEntry({
      orgId: params.orgId,
      actor: actorOf(caller),
      action: 'org.ownership_transferred',
      target: { type: 'member', id: newOwner.userId },
      requestId,
      before: { owner: membership.userId },
      after: { owner: newOwner.userId },
      now,
    });
    const outcome = await memberships.updateMembers(
      [
        { member: newOwner, expectedVersion: target!.version, ownerDelta: 1 },
        { member: previousOwner, expectedVersion: membership.version, ownerDelta: -1 },
      ],
      audit,
    );
    if (outcome !== 'ok') throw changedMeanwhile();
    return { body: { previousOwner, newOwner } };
  }),
]);
