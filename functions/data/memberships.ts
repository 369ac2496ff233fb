/**
 * Memberships: one item per (org, user) in the org partition, indexed by user for "my orgs".
 * Adding or removing one always moves the org's counters in the same transaction, and the
 * counter conditions are what enforce the member limit and "an org keeps an owner".
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { orgRoles } from '../api/permissions';
import { plans } from '../api/plans';
import type { AuditEntry } from '../api/schemas/audit';
import type { Member } from '../api/schemas/members';
import { type Refusal, refusals } from '../domain/refusal';
import { auditPut } from './audit';
import { batchGet } from './batch';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import { type TxItem, transact } from './transact';
import { type StoredUser, storedUserFromItem } from './users';

export type Membership = Member;

/** The membership item as stored (its own schema: the API's Member may change without migrating it). */
const MembershipItem = z.object({
  orgId: z.string(),
  userId: z.string(),
  email: z.string(),
  role: z.enum(orgRoles),
  additionalRoles: z.array(z.string()),
  joinedAt: z.string(),
  updatedAt: z.string(),
  version: z.number().check(z.int()),
});

/** The one place a stored membership becomes the API's Member. */
function memberOf(item: Record<string, unknown>): Member {
  return MembershipItem.parse(item);
}

export async function getMembership(orgId: string, userId: string): Promise<Membership | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.membership(orgId, userId) }),
  );
  return Item ? memberOf(Item) : undefined;
}

/**
 * The caller's membership and whether the org is suspended, in one BatchGetItem: authorization
 * learns of a suspension in the round trip it makes anyway (README "Platform administration").
 */
export async function getMembershipWithOrgStatus(
  orgId: string,
  userId: string,
): Promise<{ membership: Membership | undefined; suspended: boolean }> {
  const { membership, suspended } = await readOrgAccess(orgId, userId, { withProfile: false });
  return { membership, suspended };
}

/**
 * What authorizing a person on an org route needs, in one BatchGet: their membership, the org's
 * status and (unless told not to) their profile. One request rather than a profile GetItem beside a
 * BatchGet: a cold container then opens one connection and builds one command, and a warm one sends
 * one request where it sent two.
 */
export async function readOrgAccess(
  orgId: string,
  userId: string,
  { withProfile = true } = {},
): Promise<{ user: StoredUser | undefined; membership: Membership | undefined; suspended: boolean }> {
  const userKey = keys.user(userId);
  const memberKey = keys.membership(orgId, userId);
  const items = await batchGet([memberKey, keys.org(orgId), ...(withProfile ? [userKey] : [])]);
  const find = (key: { pk: string; sk: string }) =>
    items.find((item) => item.pk === key.pk && item.sk === key.sk);
  const member = find(memberKey);
  const user = find(userKey);
  return {
    user: user ? storedUserFromItem(user) : undefined,
    membership: member ? memberOf(member) : undefined,
    suspended: find(keys.org(orgId))?.status === 'suspended',
  };
}

export function membershipPut(member: Member): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.membership(member.orgId, member.userId),
        ...keys.membershipUserIndex(member.userId, member.orgId),
        type: 'MEMBERSHIP',
        ...MembershipItem.parse(member),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * The two items that add a member: the membership (absent before) and the org's counters, which
 * must stay under the limit on an active org. A missing org item (deleted) fails the condition too.
 */
export function memberAddition(member: Member): [TxItem, TxItem] {
  const owners = member.role === 'owner' ? 1 : 0;
  return [
    membershipPut(member),
    {
      Update: {
        TableName: tableName(),
        Key: keys.org(member.orgId),
        UpdateExpression: 'SET memberCount = memberCount + :one, ownerCount = ownerCount + :owners',
        ConditionExpression: 'memberCount < #limits.maxUsers AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status', '#limits': 'limits' },
        ExpressionAttributeValues: { ':one': 1, ':owners': owners, ':active': 'active' },
      },
    },
  ];
}

/** Why adding a member failed, from the failed items of a transaction that began with memberAddition. */
export function additionRefusal(failed: number[], first: number, field?: string) {
  return failed.includes(first) ? refusals.alreadyMember(field) : refusals.memberLimitReached();
}

/** Auto-join: membership, counters and audit in one transaction. */
export async function addMember(member: Member, audit: AuditEntry): Promise<void> {
  const outcome = await transact([...memberAddition(member), auditPut(audit)]);
  if (!outcome.ok) throw additionRefusal(outcome.failed, 0);
}

function ownerCounter(orgId: string, delta: number, members = 0): TxItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.org(orgId),
      UpdateExpression: 'SET ownerCount = ownerCount + :owners, memberCount = memberCount + :members',
      // Losing an owner needs another one left.
      ConditionExpression: delta < 0 ? 'ownerCount > :one' : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':owners': delta,
        ':members': members,
        ...(delta < 0 ? { ':one': 1 } : {}),
      },
    },
  };
}

function versionedPut(member: Member, expectedVersion: number): TxItem {
  const put = membershipPut(member).Put!;
  return {
    Put: {
      ...put,
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': expectedVersion },
    },
  };
}

/**
 * Role changes across the owner boundary move the owner counter in the same transaction. A
 * membership that moved on since it was read is refused with `ifChanged` (412 when the client's
 * If-Match named it, 409 when the request read it itself).
 */
export async function updateMembers(
  changes: { member: Member; expectedVersion: number; ownerDelta: number }[],
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  const delta = changes.reduce((sum, c) => sum + c.ownerDelta, 0);
  const items = changes.map((c) => versionedPut(c.member, c.expectedVersion));
  const orgId = changes[0]!.member.orgId;
  const outcome = await transact([
    ...items,
    ...(delta !== 0 ? [ownerCounter(orgId, delta)] : []),
    auditPut(audit),
  ]);
  if (outcome.ok) return;
  throw outcome.failed.includes(items.length) ? refusals.lastOwner('role') : ifChanged();
}

/**
 * Removes the membership if it is still the version that was read; `ifChanged` answers otherwise
 * (409 by default: leaving reads the caller's own membership, no client named a version).
 */
export async function removeMember(
  member: Member,
  audit: AuditEntry,
  ifChanged: () => Refusal = () => refusals.changedMeanwhile('membership'),
): Promise<void> {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.membership(member.orgId, member.userId),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': member.version },
      },
    },
    ownerCounter(member.orgId, member.role === 'owner' ? -1 : 0, -1),
    auditPut(audit),
  ]);
  if (outcome.ok) return;
  throw outcome.failed.includes(1) ? refusals.lastOwner('userId') : ifChanged();
}

export async function listMembers(
  orgId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Member>> {
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.membershipPrefix,
    limit,
    cursor,
  });
  return { ...page, items: page.items.map(memberOf) };
}

/** What "my orgs" shows of each org, read from the stored org items. */
const OrgSummaryItem = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.nullable(z.string()),
  status: z.enum(['active', 'suspended']),
  plan: z.enum(plans),
});

/** The caller's memberships (one Query on the user index) with their orgs (one BatchGet). */
export async function listMyOrgs(userId: string, limit: number, cursor: string | undefined) {
  const { gsi1pk, prefix } = keys.membershipsOfUser(userId);
  const page = await queryPage({
    index: 'gsi1',
    partition: gsi1pk,
    sortPrefix: prefix,
    limit,
    cursor,
  });
  const members = page.items.map(memberOf);
  const orgs = await batchGetOrgs(members.map((m) => m.orgId));
  const items = members.flatMap((m) => {
    const org = orgs.get(m.orgId);
    return org ? [{ org, role: m.role, additionalRoles: m.additionalRoles, joinedAt: m.joinedAt }] : [];
  });
  return { ...page, items };
}

export async function batchGetOrgs(orgIds: string[]) {
  const items = await batchGet([...new Set(orgIds)].map((id) => keys.org(id)));
  return new Map(items.map((item) => OrgSummaryItem.parse(item)).map((org) => [org.id, org]));
}
