/**
 * Invite rules. The token is 32 random bytes shown once; only its sha256 is stored, so a leaked
 * table cannot be turned into working invite links.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { rank } from '../api/permissions';
import type { CreateInviteBody, Invite, InvitePreview } from '../api/schemas/invites';
import type { Member } from '../api/schemas/members';
import type { Organization } from '../api/schemas/orgs';
import { grantRefusal } from './memberships';
import { emailMatchesOrg } from './orgs';
import { type RateLimit, windowOf } from './rate-limits';
import { Refusal, refusals, refuse } from './refusal';

const dayMs = 86_400_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface IssuedToken {
  token: string;
  tokenHash: string;
}

function issueToken(): IssuedToken {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

export function inviteRefusal(actor: Member, org: Organization, body: CreateInviteBody): Refusal | null {
  if (org.membersMustHaveMatchingDomain && !emailMatchesOrg(org, body.email)) {
    return refuse('refused', 'This organization only admits emails in its own domains.', 'email');
  }
  return grantRefusal(actor, body.role);
}

export function newInvite(
  orgId: string,
  body: CreateInviteBody,
  inviter: { id: string; email: string },
  now: Date,
) {
  const invite: Invite = {
    id: `inv_${ulid(now.getTime())}`,
    orgId,
    email: body.email,
    role: body.role,
    additionalRoles: body.additionalRoles,
    status: 'pending',
    invitedBy: inviter.id,
    inviterEmail: inviter.email,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + body.expiresInDays * dayMs).toISOString(),
    expiresInDays: body.expiresInDays,
    version: 1,
  };
  return { invite, ...issueToken() };
}

/** Resending issues a new token with a fresh expiry of the original length; the old token dies. */
export function reissue(invite: Invite, now: Date) {
  const renewed: Invite = {
    ...invite,
    expiresAt: new Date(now.getTime() + invite.expiresInDays * dayMs).toISOString(),
    version: invite.version + 1,
  };
  return { invite: renewed, ...issueToken() };
}

/** Stored invites say pending until someone acts; expiry is a matter of the clock. */
export function currentStatus(invite: Invite, now: Date): Invite['status'] {
  if (invite.status === 'pending' && Date.parse(invite.expiresAt) <= now.getTime()) return 'expired';
  return invite.status;
}

const goneBecause: Record<Exclude<Invite['status'], 'pending'>, string> = {
  accepted: 'This invite has already been accepted.',
  declined: 'This invite was declined.',
  revoked: 'This invite was revoked by the organization.',
  expired: 'This invite has expired; ask for a new one.',
};

/** Only the invitee, with a verified email and the current link, sees or answers an invite. */
export function inviteeRefusal(
  invite: Invite,
  caller: { email: string; emailVerified: boolean },
  tokenIsCurrent: boolean,
): Refusal | null {
  if (invite.email !== caller.email) {
    return refuse('forbidden', 'This invite is for another email address.', 'token');
  }
  if (!caller.emailVerified)
    return refuse('forbidden', refusals.unverifiedEmail('before answering an invite').message, 'token');
  if (!tokenIsCurrent) return refuse('gone', 'This invite link was replaced by a newer one.', 'token');
  return null;
}

/** Accepting or declining: the invitee's answer to an invite still pending. */
export function acceptRefusal(
  invite: Invite,
  caller: { email: string; emailVerified: boolean },
  tokenIsCurrent: boolean,
  now: Date,
): Refusal | null {
  const refusal = inviteeRefusal(invite, caller, tokenIsCurrent);
  if (refusal) return refusal;
  const status = currentStatus(invite, now);
  return status === 'pending' ? null : refuse('gone', goneBecause[status], 'token');
}

/** The invite as its invitee previews it; the status says whether it can still be answered. */
export function invitePreview(invite: Invite, orgName: string, now: Date): InvitePreview {
  return {
    orgId: invite.orgId,
    orgName,
    role: invite.role,
    additionalRoles: invite.additionalRoles,
    inviterEmail: invite.inviterEmail,
    expiresAt: invite.expiresAt,
    status: currentStatus(invite, now),
  };
}

export function revokeRefusal(invite: Invite, now: Date): Refusal | null {
  const status = currentStatus(invite, now);
  return status === 'pending' || status === 'expired'
    ? null
    : refuse('gone', goneBecause[status], 'inviteId');
}

/** Resending or revoking an invite is managing the grant it carries: only for roles the actor could grant. */
export function manageRefusal(actor: Pick<Member, 'role'>, invite: Invite): Refusal | null {
  if (rank(invite.role) <= rank(actor.role)) return null;
  return refuse(
    'forbidden',
    `A ${actor.role} cannot manage invites for the ${invite.role} role.`,
    'inviteId',
  );
}

/** However large the plan, an org's pending invites stay a list a person can review. */
export const maxPendingInvites = 100;

/** Pending invites promise seats: together with the members they may not exceed the member limit. */
export function seatRefusal(
  org: Pick<Organization, 'limits' | 'memberCount'>,
  pending: number,
): Refusal | null {
  if (pending >= maxPendingInvites) {
    return refuse(
      'refused',
      `An organization can have at most ${maxPendingInvites} pending invites; revoke some first.`,
      'email',
    );
  }
  if (org.memberCount + pending >= org.limits.maxUsers) {
    return refuse(
      'refused',
      `All ${org.limits.maxUsers} seats are taken or promised (${org.memberCount} members, ${pending} pending invites); revoke an invite or lower the member count first.`,
      'email',
    );
  }
  return null;
}

/** Invites send mail to anyone: bounded per organization and per inviting user, create and resend alike. */
export function inviteRateLimits(perOrgPerHour: number, perUserPerHour: number) {
  return {
    org: { action: 'invites', limit: perOrgPerHour, windowSeconds: 3600 },
    user: { action: 'invites', limit: perUserPerHour, windowSeconds: 3600 },
  } satisfies Record<string, RateLimit>;
}

/** A full rate bucket: the window it fills ends at the next hour. */
export function rateRefusal(scope: 'org' | 'user', limit: RateLimit, now: Date): Refusal {
  const who = scope === 'org' ? 'This organization has' : 'You have';
  return new Refusal(
    'throttled',
    `${who} sent ${limit.limit} invites in the last hour, the most allowed; try again later.`,
    undefined,
    windowOf(limit, now).retryAfterSeconds,
  );
}

/** An invite link that leads nowhere: the same answer whatever the reason, so links cannot be probed. */
export const linkGone = () =>
  refuse('gone', 'This invite link is no longer valid; it was replaced, revoked or never existed.');
