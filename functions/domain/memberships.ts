/**
 * Membership rules that depend on who acts on whom, beyond the permission matrix: nobody grants
 * a role above their own, only owners touch owners. "An org keeps one owner" is enforced by the
 * store with a condition on the org's owner counter, because only the store sees concurrent leaves.
 */

import { type OrgRole, rank } from '../api/permissions';
import type { Member, UpdateMemberBody } from '../api/schemas/members';
import { type Refusal, refuse } from './refusal';

export function newMembership(
  orgId: string,
  user: { id: string; email: string },
  role: OrgRole,
  additionalRoles: string[],
  now: Date,
): Member {
  const at = now.toISOString();
  return {
    orgId,
    userId: user.id,
    email: user.email,
    role,
    additionalRoles,
    joinedAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** May `actor` hand out `role` (by invite or role change)? */
export function grantRefusal(actor: Pick<Member, 'role'>, role: OrgRole): Refusal | null {
  if (rank(role) > rank(actor.role)) {
    return refuse('forbidden', `A ${actor.role} cannot grant the ${role} role.`, 'role');
  }
  return null;
}

export function changeRefusal(actor: Member, target: Member, patch: UpdateMemberBody): Refusal | null {
  if (target.role === 'owner' && actor.role !== 'owner') {
    return refuse('forbidden', 'Only an owner can change an owner.', 'userId');
  }
  return patch.role ? grantRefusal(actor, patch.role) : null;
}

export function applyMemberUpdate(member: Member, patch: UpdateMemberBody, now: Date): Member {
  return {
    ...member,
    role: patch.role ?? member.role,
    additionalRoles: patch.additionalRoles ?? member.additionalRoles,
    updatedAt: now.toISOString(),
    version: member.version + 1,
  };
}

export function removalRefusal(actor: Member, target: Member): Refusal | null {
  if (target.role === 'owner' && actor.role !== 'owner') {
    return refuse('forbidden', 'Only an owner can remove an owner.', 'userId');
  }
  return null;
}

export function transferRefusal(actor: Member, target: Member | undefined): Refusal | null {
  if (!target) return refuse('refused', 'The new owner must be a member of the organization.', 'userId');
  if (target.userId === actor.userId) return refuse('refused', 'You already own the organization.', 'userId');
  if (target.role === 'owner') return refuse('conflict', 'That member is already an owner.', 'userId');
  return null;
}

/** How a role change moves the org's owner count. */
export function ownerDelta(before: OrgRole, after: OrgRole): -1 | 0 | 1 {
  if (before === after) return 0;
  if (after === 'owner') return 1;
  return before === 'owner' ? -1 : 0;
}
