/**
 * Invites, their token lookups and the per-email "pending invite" claim that makes a second
 * pending invite to the same address a conflict. Every state change is one transaction whose
 * conditions decide races: exactly one of accept, revoke, resend or a second accept wins.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { orgRoles } from '../api/permissions';
import type { AuditEntry } from '../api/schemas/audit';
import type { Invite } from '../api/schemas/invites';
import type { Member } from '../api/schemas/members';
import { acceptRefusal, currentStatus, linkGone, rateRefusal, revokeRefusal } from '../domain/invites';
import { type RateLimit, windowOf } from '../domain/rate-limits';
import { type Refusal, refusals, refuse } from '../domain/refusal';
import { auditPut } from './audit';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { additionRefusal, memberAddition } from './memberships';
import { type Page, queryPage } from './page';
import { rateHit } from './rate-limits';
import { type TxItem, transact } from './transact';

/** Expired and finished invites stay listable for a while before TTL removes them. */
const keepAfterExpirySeconds = 30 * 86_400;

const ttl = (invite: Invite) => Math.floor(Date.parse(invite.expiresAt) / 1000) + keepAfterExpirySeconds;

/**
 * The invite item as stored. The table's TTL attribute is `expiresAt` (epoch seconds), so the
 * invite's own expiry is `expiry`; the token exists only as its hash.
 */
const InviteItem = z.object({
  id: z.string(),
  orgId: z.string(),
  email: z.string(),
  role: z.enum(orgRoles),
  additionalRoles: z.array(z.string()),
  status: z.enum(['pending', 'accepted', 'declined', 'revoked']),
  invitedBy: z.string(),
  /** Absent on invites stored before the inviter's email was kept. */
  inviterEmail: z._default(z.nullable(z.string()), null),
  createdAt: z.string(),
  expiry: z.string(),
  expiresInDays: z.number().check(z.int()),
  tokenHash: z.string(),
  version: z.number().check(z.int()),
});

function inviteItem(invite: Invite, tokenHash: string) {
  const { expiresAt, ...rest } = invite;
  return {
    ...keys.invite(invite.orgId, invite.id),
    ...keys.inviteeIndex(invite.email, invite.orgId, invite.id),
    type: 'INVITE',
    ...InviteItem.parse({ ...rest, expiry: expiresAt, tokenHash }),
    expiresAt: ttl(invite),
  };
}

export interface StoredInvite {
  invite: Invite;
  tokenHash: string;
}

/** The one place a stored invite becomes the API's Invite (plus the hash the store compares). */
function fromItem(item: Record<string, unknown>): StoredInvite {
  const { expiry, tokenHash, ...invite } = InviteItem.parse(item);
  return { invite: { ...invite, expiresAt: expiry }, tokenHash };
}

function tokenPut(invite: Invite, tokenHash: string): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.inviteToken(tokenHash),
        type: 'INVITETOKEN',
        orgId: invite.orgId,
        inviteId: invite.id,
        expiresAt: ttl(invite),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function claimPut(invite: Invite, condition: string, values: Record<string, unknown>): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.pendingInviteClaim(invite.orgId, invite.email),
        type: 'INVITECLAIM',
        inviteId: invite.id,
        expiry: invite.expiresAt,
        expiresAt: ttl(invite),
      },
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
    },
  };
}

const claimDelete = (invite: Invite): TxItem => ({
  Delete: { TableName: tableName(), Key: keys.pendingInviteClaim(invite.orgId, invite.email) },
});

export async function getInvite(orgId: string, inviteId: string): Promise<StoredInvite | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.invite(orgId, inviteId) }),
  );
  return Item ? fromItem(Item) : undefined;
}

export async function findInviteByToken(tokenHash: string): Promise<StoredInvite | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.inviteToken(tokenHash) }),
  );
  return Item ? getInvite(String(Item.orgId), String(Item.inviteId)) : undefined;
}

/** Who sends an invite mail, counted against their own and their org's rate limits. */
export interface InviteSender {
  userId: string;
  limits: { org: RateLimit; user: RateLimit };
}

function rateHits(invite: Invite, sender: InviteSender, now: Date): [TxItem, TxItem] {
  const { org, user } = sender.limits;
  const window = (limit: RateLimit) => windowOf(limit, now).start;
  return [
    rateHit(keys.orgRateBucket(invite.orgId, org.action, window(org)), org, now),
    rateHit(keys.userRateBucket(sender.userId, user.action, window(user)), user, now),
  ];
}

/** The refusal for a full rate bucket, if one of the two hits (from `firstRateItem`) failed. */
function rateRefusalOf(failed: number[], firstRateItem: number, sender: InviteSender, now: Date) {
  if (failed.includes(firstRateItem)) return rateRefusal('org', sender.limits.org, now);
  if (failed.includes(firstRateItem + 1)) return rateRefusal('user', sender.limits.user, now);
  return undefined;
}

/**
 * The claim on (org, email) may be taken only if free or its invite expired. When the invitee
 * already has an account, its membership must be absent too. The org must still exist, and the
 * sender's rate buckets must have room.
 */
export async function createInvite(
  issued: StoredInvite,
  inviteeUserIds: string[],
  sender: InviteSender,
  audit: AuditEntry,
  now: Date,
): Promise<void> {
  const { invite, tokenHash } = issued;
  const items: TxItem[] = [
    claimPut(invite, 'attribute_not_exists(pk) OR expiry <= :now', { ':now': now.toISOString() }),
    { Put: { TableName: tableName(), Item: inviteItem(invite, tokenHash) } },
    tokenPut(invite, tokenHash),
    auditPut(audit),
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.org(invite.orgId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    ...rateHits(invite, sender, now),
  ];
  for (const userId of inviteeUserIds) {
    items.push({
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.membership(invite.orgId, userId),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  const outcome = await transact(items);
  if (outcome.ok) return;
  const { failed } = outcome;
  if (failed.includes(0)) throw refuse('conflict', 'This email already has a pending invite.', 'email');
  if (failed.includes(4)) throw refusals.notFound();
  throw (
    rateRefusalOf(failed, 5, sender, now) ??
    refuse('conflict', 'This email already belongs to a member.', 'email')
  );
}

function inviteUpdate(
  invite: Invite,
  set: string,
  condition: string,
  values: Record<string, unknown>,
  names: Record<string, string> = {},
): TxItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.invite(invite.orgId, invite.id),
      UpdateExpression: `SET ${set}, version = version + :one`,
      ConditionExpression: `#status = :pending AND ${condition}`,
      ExpressionAttributeNames: { '#status': 'status', ...names },
      ExpressionAttributeValues: { ':pending': 'pending', ':one': 1, ...values },
    },
  };
}

/** A lost race is explained by the state that won, when a rule refuses it, else as a change meanwhile. */
async function explainLostRace(
  invite: Invite,
  rule: (current: StoredInvite) => Refusal | null,
  ifDeleted: () => Refusal = refusals.notFound,
) {
  const reloaded = await getInvite(invite.orgId, invite.id);
  if (!reloaded) return ifDeleted();
  return rule(reloaded) ?? refusals.changedMeanwhile('invite');
}

/**
 * Revoking frees the email for a new invite; an expired invite's claim may already belong to a
 * newer one. Losing to an accept or another revoke is explained with the state that won.
 */
export async function revokeInvite(invite: Invite, now: Date, audit: AuditEntry): Promise<void> {
  const expired = currentStatus(invite, now) === 'expired';
  const outcome = await transact([
    inviteUpdate(invite, '#status = :revoked', 'version = :expected', {
      ':revoked': 'revoked',
      ':expected': invite.version,
    }),
    ...(expired ? [] : [claimDelete(invite)]),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw await explainLostRace(invite, (current) => revokeRefusal(current.invite, now));
}

/** A new token and expiry; the old token's lookup goes, so the old link is dead at once. */
export async function resendInvite(
  current: StoredInvite,
  renewed: StoredInvite,
  sender: InviteSender,
  audit: AuditEntry,
  now: Date,
): Promise<void> {
  const { invite } = renewed;
  const outcome = await transact([
    inviteUpdate(invite, 'tokenHash = :hash, expiry = :expiry, expiresAt = :ttl', 'version = :expected', {
      ':hash': renewed.tokenHash,
      ':expiry': invite.expiresAt,
      ':ttl': ttl(invite),
      ':expected': current.invite.version,
    }),
    { Delete: { TableName: tableName(), Key: keys.inviteToken(current.tokenHash) } },
    tokenPut(invite, renewed.tokenHash),
    claimPut(invite, 'attribute_not_exists(pk) OR inviteId = :id', { ':id': invite.id }),
    auditPut(audit),
    ...rateHits(invite, sender, now),
  ]);
  if (outcome.ok) return;
  if (outcome.failed.includes(3))
    throw refuse('conflict', 'A newer invite for this email is pending.', 'email');
  throw (
    rateRefusalOf(outcome.failed, 5, sender, now) ??
    (await explainLostRace(invite, (c) => revokeRefusal(c.invite, now)))
  );
}

/**
 * Accepting marks the invite used (only if still pending, unexpired and this token is current),
 * adds the membership under the member limit and frees the claim, all or nothing.
 */
export async function acceptInvite(
  stored: StoredInvite,
  member: Member,
  caller: { email: string; emailVerified: boolean },
  audit: AuditEntry,
  now: Date,
): Promise<void> {
  const { invite, tokenHash } = stored;
  const outcome = await transact([
    inviteUpdate(
      invite,
      '#status = :accepted, acceptedBy = :user, acceptedAt = :now',
      'tokenHash = :hash AND expiry > :now',
      { ':accepted': 'accepted', ':user': member.userId, ':now': now.toISOString(), ':hash': tokenHash },
    ),
    ...memberAddition(member),
    claimDelete(invite),
    auditPut(audit),
  ]);
  if (outcome.ok) return;
  if (!outcome.failed.includes(0)) throw additionRefusal(outcome.failed, 1, 'token');
  throw await answerLost(stored, caller, now);
}

/** An accept or decline that lost its race (to a revoke, a resend, the other answer): why. */
async function answerLost(
  stored: StoredInvite,
  caller: { email: string; emailVerified: boolean },
  now: Date,
) {
  const lost = await explainLostRace(
    stored.invite,
    (current) => acceptRefusal(current.invite, caller, current.tokenHash === stored.tokenHash, now),
    linkGone,
  );
  return lost.kind === 'conflict' ? linkGone() : lost;
}

/**
 * Declining is an answer like accepting: the same conditions (still pending, unexpired, this
 * token current) decide against a concurrent accept, revoke or resend; the email is free again.
 */
export async function declineInvite(
  stored: StoredInvite,
  caller: { email: string; emailVerified: boolean },
  audit: AuditEntry,
  now: Date,
): Promise<void> {
  const { invite, tokenHash } = stored;
  const outcome = await transact([
    inviteUpdate(invite, '#status = :declined, declinedAt = :now', 'tokenHash = :hash AND expiry > :now', {
      ':declined': 'declined',
      ':now': now.toISOString(),
      ':hash': tokenHash,
    }),
    claimDelete(invite),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw await answerLost(stored, caller, now);
}

export async function listInvites(
  orgId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Invite>> {
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.invitePrefix,
    limit,
    cursor,
  });
  return { ...page, items: page.items.map((item) => fromItem(item).invite) };
}

/** How many of the org's invites are pending and unexpired (a count; no items travel). */
export async function countPendingInvites(orgId: string, now: Date): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: '#status = :pending AND expiry > :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': keys.org(orgId).pk,
          ':prefix': keys.invitePrefix,
          ':pending': 'pending',
          ':now': now.toISOString(),
        },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Pending, unexpired invites addressed to an email, across orgs (one Query on the invitee index). */
export async function listInvitesFor(email: string, limit: number, cursor: string | undefined, now: Date) {
  const page = await queryPage({
    index: 'gsi1',
    partition: keys.invitesOfEmail(email),
    limit,
    cursor,
    filter: {
      expression: '#status = :pending AND expiry > :now',
      names: { '#status': 'status' },
      values: { ':pending': 'pending', ':now': now.toISOString() },
    },
  });
  return { ...page, items: page.items.map((item) => fromItem(item).invite) };
}
