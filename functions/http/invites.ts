import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mail } from '../adapters/mail';
import {
  acceptInvite,
  acceptMyInvite,
  createInvite,
  declineInvite,
  declineMyInvite,
  listInvites,
  listMyInvites,
  previewInvite,
  resendInvite,
  revokeInvite,
} from '../api/routes/tenancy';
import type { AuditEntry } from '../api/schemas/audit';
import type { Invite } from '../api/schemas/invites';
import * as invites from '../data/invites';
import { batchGetOrgs } from '../data/memberships';
import * as orgs from '../data/orgs';
import { findUserIdsByEmail } from '../data/users';
import {
  acceptRefusal,
  currentStatus,
  hashToken,
  inviteeRefusal,
  invitePreview,
  inviteRateLimits,
  inviteRefusal,
  linkGone,
  manageRefusal,
  newInvite,
  reissue,
  revokeRefusal,
  seatRefusal,
} from '../domain/invites';
import { newMembership } from '../domain/memberships';
import { enforce, refusals } from '../domain/refusal';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import type { Caller } from './pipeline/handler';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found } from './pipeline/refusals';

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

const inviteChange = (action: string, invite: Invite, before: Invite | null = null) => ({
  orgId: invite.orgId,
  action,
  target: { type: 'invite', id: invite.id },
  before,
  after: invite,
});

/** The invite a link's token leads to, and whether it is still the invite's current token. */
async function invitedBy(token: string) {
  const tokenHash = hashToken(token);
  const stored = await invites.findInviteByToken(tokenHash);
  if (!stored) throw linkGone();
  return { stored, tokenIsCurrent: stored.tokenHash === tokenHash };
}

const invitee = (caller: Caller) => ({
  email: caller.identity.email,
  emailVerified: caller.identity.emailVerified,
});

/**
 * An invite the caller answers from their own list rather than the mailed link: their verified
 * email (which accepting requires anyway) stands in for the token. Someone else's invite is
 * indistinguishable from none.
 */
async function addressedTo(caller: Caller, orgId: string, inviteId: string) {
  const stored = await invites.getInvite(orgId, inviteId);
  if (!stored || stored.invite.email !== caller.identity.email) throw refusals.notFound();
  return { stored, tokenIsCurrent: true };
}

function senderOf(caller: Caller): invites.InviteSender {
  const { perOrgPerHour, perUserPerHour } = config().invites;
  return { userId: caller.profile.id, limits: inviteRateLimits(perOrgPerHour, perUserPerHour) };
}

export const handler = httpHandler([
  implement(createInvite, async ({ params, body, membership, caller, audit, now, event }) => {
    const [org, pending] = await Promise.all([
      orgs.getOrg(params.orgId),
      invites.countPendingInvites(params.orgId, now),
    ]);
    enforce(inviteRefusal(membership, found(org), body) ?? seatRefusal(found(org), pending));
    const inviter = { id: caller.profile.id, email: caller.profile.email };
    const { invite, token, tokenHash } = newInvite(params.orgId, body, inviter, now);
    const existingUsers = await findUserIdsByEmail(invite.email);
    await invites.createInvite(
      { invite, tokenHash },
      existingUsers,
      senderOf(caller),
      audit(inviteChange('invite.created', invite)),
      now,
    );
    const url = acceptUrl(token, event);
    await mailInvite(invite, found(org).name, url);
    return { body: { ...invite, acceptUrl: url } };
  }),

  implement(listInvites, async ({ params, query, now }) => {
    const page = await invites.listInvites(params.orgId, query.limit, query.cursor);
    return { body: { ...page, items: page.items.map((i) => ({ ...i, status: currentStatus(i, now) })) } };
  }),

  implement(revokeInvite, async ({ params, membership, ifMatch, audit, now }) => {
    const { invite } = found(await invites.getInvite(params.orgId, params.inviteId));
    enforce(manageRefusal(membership, invite) ?? revokeRefusal(invite, now));
    checkIfMatch(ifMatch, invite);
    const revoked: Invite = { ...invite, status: 'revoked', version: invite.version + 1 };
    await invites.revokeInvite(invite, now, audit(inviteChange('invite.revoked', revoked, invite)));
    return {};
  }),

  implement(resendInvite, async ({ params, caller, membership, audit, now, event }) => {
    const current = found(await invites.getInvite(params.orgId, params.inviteId));
    enforce(manageRefusal(membership, current.invite) ?? revokeRefusal(current.invite, now));
    const org = found(await orgs.getOrg(params.orgId));
    // An expired invite comes back to life and promises a seat again.
    if (currentStatus(current.invite, now) === 'expired') {
      enforce(seatRefusal(org, await invites.countPendingInvites(params.orgId, now)));
    }
    const { invite, token, tokenHash } = reissue(current.invite, now);
    await invites.resendInvite(
      current,
      { invite, tokenHash },
      senderOf(caller),
      audit(inviteChange('invite.resent', invite, current.invite)),
      now,
    );
    const url = acceptUrl(token, event);
    await mailInvite(invite, org.name, url);
    return { body: { ...invite, acceptUrl: url } };
  }),

  implement(listMyInvites, async ({ caller, query, now }) => {
    if (!caller.identity.emailVerified) throw refusals.unverifiedEmail('to see its invites');
    const page = await invites.listInvitesFor(caller.identity.email, query.limit, query.cursor, now);
    const names = await batchGetOrgs(page.items.map((i) => i.orgId));
    const items = page.items.flatMap((i) => {
      const org = names.get(i.orgId);
      return org ? [{ ...i, orgName: org.displayName ?? org.name }] : [];
    });
    return { body: { ...page, items } };
  }),

  implement(previewInvite, async ({ body, caller, now }) => {
    const { stored, tokenIsCurrent } = await invitedBy(body.token);
    enforce(inviteeRefusal(stored.invite, invitee(caller), tokenIsCurrent));
    const org = await orgs.getOrg(stored.invite.orgId);
    if (!org) throw linkGone();
    return { body: invitePreview(stored.invite, org.displayName ?? org.name, now) };
  }),

  implement(declineInvite, async ({ body, caller, audit, now }) => {
    await decline(caller, await invitedBy(body.token), audit, now);
    return {};
  }),

  implement(declineMyInvite, async ({ params, caller, audit, now }) => {
    await decline(caller, await addressedTo(caller, params.orgId, params.inviteId), audit, now);
    return {};
  }),

  implement(acceptInvite, async ({ body, caller, audit, now }) => ({
    body: await accept(caller, await invitedBy(body.token), audit, now),
  })),

  implement(acceptMyInvite, async ({ params, caller, audit, now }) => ({
    body: await accept(caller, await addressedTo(caller, params.orgId, params.inviteId), audit, now),
  })),
]);

type Answering = { stored: invites.StoredInvite; tokenIsCurrent: boolean };
type Audit = (change: ReturnType<typeof inviteChange>) => AuditEntry;

async function decline(caller: Caller, { stored, tokenIsCurrent }: Answering, audit: Audit, now: Date) {
  const who = invitee(caller);
  enforce(acceptRefusal(stored.invite, who, tokenIsCurrent, now));
  const { invite } = stored;
  const declined: Invite = { ...invite, status: 'declined', version: invite.version + 1 };
  await invites.declineInvite(stored, who, audit(inviteChange('invite.declined', declined, invite)), now);
}

async function accept(caller: Caller, { stored, tokenIsCurrent }: Answering, audit: Audit, now: Date) {
  const who = invitee(caller);
  enforce(acceptRefusal(stored.invite, who, tokenIsCurrent, now));
  const { invite } = stored;
  const member = newMembership(invite.orgId, caller.profile, invite.role, invite.additionalRoles, now);
  const accepted: Invite = { ...invite, status: 'accepted', version: invite.version + 1 };
  await invites.acceptInvite(
    stored,
    member,
    who,
    audit(inviteChange('invite.accepted', accepted, invite)),
    now,
  );
  return member;
}
