import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mail } from '../adapters/mail';
import {
  acceptInvite,
  createInvite,
  listInvites,
  listMyInvites,
  resendInvite,
  revokeInvite,
} from '../api/routes/tenancy';
import type { Invite } from '../api/schemas/invites';
import * as invites from '../data/invites';
import { batchGetOrgs } from '../data/memberships';
import * as orgs from '../data/orgs';
import { findUserIdsByEmail } from '../data/users';
import { auditEntry } from '../domain/audit';
import {
  acceptRefusal,
  currentStatus,
  hashToken,
  inviteRateLimits,
  inviteRefusal,
  manageRefusal,
  newInvite,
  reissue,
  revokeRefusal,
  seatRefusal,
} from '../domain/invites';
import { newMembership } from '../domain/memberships';
import { windowOf } from '../domain/rate-limits';
import { refuse } from '../domain/refusal';
import { config } from '../lib/config';
import type { Caller } from '../lib/http-handler';
import { httpHandler, implement } from '../lib/http-handler';
import { logger } from '../lib/logger';
import { problems } from '../lib/problem';
import { actorOf, enforce, found, problemFor } from '../lib/refusals';

function acceptUrl(token: string, event: APIGatewayProxyEventV2): string {
  const origin = config().webOrigin ?? `http://${event.requestContext.domainName}`;
  return `${origin}/invites/accept?token=${token}`;
}

/** The invite is valid whether or not the mail goes out: the creator also holds the link. */
async function mailInvite(invite: Invite, orgName: string, url: string): Promise<void> {
  try {
    await mail().send({
      to: invite.email,
      subject: `You are invited to ${orgName}`,
      text: `You have been invited to join ${orgName} as ${invite.role}.\n\nAccept: ${url}\n\nThe link expires at ${invite.expiresAt}.`,
    });
  } catch (error) {
    logger.warn('invite mail not sent', { inviteId: invite.id, error });
  }
}

function inviteAudit(
  caller: Caller,
  action: string,
  invite: Invite,
  requestId: string,
  now: Date,
  before: Invite | null = null,
) {
  return auditEntry({
    orgId: invite.orgId,
    actor: actorOf(caller),
    action,
    target: { type: 'invite', id: invite.id },
    requestId,
    before,
    after: invite,
    now,
  });
}

const conflictOn = (field: string, message: string) => problemFor(refuse('conflict', message, field));

function senderOf(caller: Caller): invites.InviteSender {
  const { perOrgPerHour, perUserPerHour } = config().invites;
  return { userId: caller.profile.id, limits: inviteRateLimits(perOrgPerHour, perUserPerHour) };
}

/** A full bucket: the window it fills ends at the next hour. */
function throttled(outcome: invites.RateOutcome, sender: invites.InviteSender, now: Date) {
  const limit = outcome === 'rate-org' ? sender.limits.org : sender.limits.user;
  const who = outcome === 'rate-org' ? 'This organization has' : 'You have';
  return problems.tooManyRequests(
    `${who} sent ${limit.limit} invites in the last hour, the most allowed; try again later.`,
    windowOf(limit, now).retryAfterSeconds,
  );
}

const gone = () =>
  problems.gone('This invite link is no longer valid; it was replaced, revoked or never existed.');

export const handler = httpHandler([
  implement(createInvite, async ({ params, body, membership, caller, requestId, now, event }) => {
    const [org, pending] = await Promise.all([
      orgs.getOrg(params.orgId),
      invites.countPendingInvites(params.orgId, now),
    ]);
    enforce(inviteRefusal(membership, found(org), body) ?? seatRefusal(found(org), pending));
    const { invite, token, tokenHash } = newInvite(params.orgId, body, caller.profile.id, now);
    const existingUsers = await findUserIdsByEmail(invite.email);
    const audit = inviteAudit(caller, 'invite.created', invite, requestId, now);
    const sender = senderOf(caller);
    const outcome = await invites.createInvite({ invite, tokenHash }, existingUsers, sender, audit, now);
    if (outcome === 'rate-org' || outcome === 'rate-user') throw throttled(outcome, sender, now);
    if (outcome === 'duplicate') throw conflictOn('email', 'This email already has a pending invite.');
    if (outcome === 'member') throw conflictOn('email', 'This email already belongs to a member.');
    if (outcome === 'no-org') throw problems.notFound();
    const url = acceptUrl(token, event);
    await mailInvite(invite, found(org).name, url);
    return { body: { ...invite, acceptUrl: url } };
  }),

  implement(listInvites, async ({ params, query, now }) => {
    const page = await invites.listInvites(params.orgId, query.limit, query.cursor);
    return { body: { ...page, items: page.items.map((i) => ({ ...i, status: currentStatus(i, now) })) } };
  }),

  implement(revokeInvite, async ({ params, caller, membership, requestId, now }) => {
    const { invite } = found(await invites.getInvite(params.orgId, params.inviteId));
    enforce(manageRefusal(membership, invite) ?? revokeRefusal(invite, now));
    const revoked: Invite = { ...invite, status: 'revoked', version: invite.version + 1 };
    const audit = inviteAudit(caller, 'invite.revoked', revoked, requestId, now, invite);
    if (await invites.revokeInvite(invite, currentStatus(invite, now) === 'expired', audit)) return {};
    // Lost a race (accepted or revoked meanwhile): explain with the state that won.
    const reloaded = found(await invites.getInvite(params.orgId, params.inviteId));
    enforce(revokeRefusal(reloaded.invite, now));
    throw problems.conflict('The invite changed meanwhile; reload and retry.');
  }),

  implement(resendInvite, async ({ params, caller, membership, requestId, now, event }) => {
    const current = found(await invites.getInvite(params.orgId, params.inviteId));
    enforce(manageRefusal(membership, current.invite) ?? revokeRefusal(current.invite, now));
    const org = found(await orgs.getOrg(params.orgId));
    // An expired invite comes back to life and promises a seat again.
    if (currentStatus(current.invite, now) === 'expired') {
      enforce(seatRefusal(org, await invites.countPendingInvites(params.orgId, now)));
    }
    const { invite, token, tokenHash } = reissue(current.invite, now);
    const audit = inviteAudit(caller, 'invite.resent', invite, requestId, now, current.invite);
    const sender = senderOf(caller);
    const outcome = await invites.resendInvite(current, { invite, tokenHash }, sender, audit, now);
    if (outcome === 'rate-org' || outcome === 'rate-user') throw throttled(outcome, sender, now);
    if (outcome === 'superseded') throw conflictOn('email', 'A newer invite for this email is pending.');
    if (outcome === 'stale') {
      const reloaded = found(await invites.getInvite(params.orgId, params.inviteId));
      enforce(revokeRefusal(reloaded.invite, now));
      throw problems.conflict('The invite changed meanwhile; reload and retry.');
    }
    const url = acceptUrl(token, event);
    await mailInvite(invite, org.name, url);
    return { body: { ...invite, acceptUrl: url } };
  }),

  implement(listMyInvites, async ({ caller, query, now }) => {
    if (!caller.identity.emailVerified)
      throw problems.forbidden('Verify your email address to see its invites.');
    const page = await invites.listInvitesFor(caller.identity.email, query.limit, query.cursor, now);
    const names = await batchGetOrgs(page.items.map((i) => i.orgId));
    const items = page.items.flatMap((i) => {
      const org = names.get(i.orgId);
      return org ? [{ ...i, orgName: org.displayName ?? org.name }] : [];
    });
    return { body: { ...page, items } };
  }),

  implement(acceptInvite, async ({ body, caller, requestId, now }) => {
    const tokenHash = hashToken(body.token);
    const stored = await invites.findInviteByToken(tokenHash);
    if (!stored) throw gone();
    const who = { email: caller.identity.email, emailVerified: caller.identity.emailVerified };
    enforce(acceptRefusal(stored.invite, who, stored.tokenHash === tokenHash, now));
    const { invite } = stored;
    const member = newMembership(invite.orgId, caller.profile, invite.role, invite.additionalRoles, now);
    const accepted: Invite = { ...invite, status: 'accepted', version: invite.version + 1 };
    const audit = inviteAudit(caller, 'invite.accepted', accepted, requestId, now, invite);
    const outcome = await invites.acceptInvite(stored, member, audit, now);
    if (outcome === 'already-member')
      throw conflictOn('token', 'You are already a member of this organization.');
    if (outcome === 'org-full')
      throw problems.unprocessable('The organization has reached its member limit.');
    if (outcome === 'not-pending') {
      const reloaded = await invites.getInvite(invite.orgId, invite.id);
      if (!reloaded) throw gone();
      enforce(acceptRefusal(reloaded.invite, who, reloaded.tokenHash === tokenHash, now));
      throw gone();
    }
    return { body: member };
  }),
]);
