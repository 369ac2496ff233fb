/** Organizations: the org item (settings, member and owner counters) and deleting a whole tenant. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AuditEntry } from '../api/schemas/audit';
import type { Member } from '../api/schemas/members';
import { Organization } from '../api/schemas/orgs';
import { refusals, refuse } from '../domain/refusal';
import { auditPut } from './audit';
import { batchDelete } from './batch';
import { ddb, tableName } from './client';
import { childPartitions, isTenantPartition, keys, orgPk } from './keys';
import { membershipPut } from './memberships';
import { queryEveryPage } from './page';
import { transact } from './transact';

/** The counters live on the org item so membership changes can be checked against them atomically. */
export const OrgRecord = Organization.extend({ ownerCount: z.number().int() });
export type OrgRecord = z.infer<typeof OrgRecord>;

export async function getOrg(orgId: string): Promise<OrgRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.org(orgId) }));
  return Item ? OrgRecord.parse(Item) : undefined;
}

export async function createOrg(org: Organization, owner: Member, audit: AuditEntry): Promise<void> {
  const outcome = await transact([
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.org(org.id), type: 'ORG', ...org, ownerCount: 1 },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    membershipPut(owner),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw new Error(`organization id ${org.id} collided`);
}

const settingNames = [
  'name',
  'displayName',
  'description',
  'domain',
  'extraDomains',
  'autoJoinByDomain',
  'membersMustHaveMatchingDomain',
  'maxUsers',
  'allowOtherCalendarAccounts',
] as const satisfies readonly (keyof Organization)[];

/**
 * Writes the named fields only: the counters move under concurrent joins and must not be
 * overwritten. The condition also refuses a limit below a member count that grew since the org was read.
 */
async function writeOrgFields(
  org: Organization,
  names: readonly (keyof Organization)[],
  expectedVersion: number,
  audit: AuditEntry,
): Promise<void> {
  const fields = [...names, 'limits', 'updatedAt', 'version'] as const;
  const outcome = await transact([
    {
      Update: {
        TableName: tableName(),
        Key: keys.org(org.id),
        UpdateExpression: `SET ${fields.map((n) => `#${n} = :${n}`).join(', ')}`,
        ConditionExpression: '#version = :expected AND memberCount <= :limit',
        ExpressionAttributeNames: Object.fromEntries(fields.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(fields.map((n) => [`:${n}`, org[n]])),
          ':expected': expectedVersion,
          ':limit': org.limits.maxUsers,
        },
      },
    },
    auditPut(audit),
  ]);
  if (outcome.ok) return;
  const current = await getOrg(org.id);
  if (current?.version !== expectedVersion) throw refusals.stale();
  throw refuse('refused', 'Members joined meanwhile; the new limit is below the member count.', 'maxUsers');
}

/** The customer's settings. */
export function updateOrg(org: Organization, expectedVersion: number, audit: AuditEntry) {
  return writeOrgFields(org, settingNames, expectedVersion, audit);
}

/** The platform operator's entitlements (infra/scripts/set-entitlements.ts). */
export function updateEntitlements(org: Organization, expectedVersion: number, audit: AuditEntry) {
  return writeOrgFields(org, ['plan', 'canSetupSaml'], expectedVersion, audit);
}

/**
 * Removes every item of the tenant: the org partition, the partitions hanging off its items
 * (audit, calendars) and the global invite-token lookups. The org item goes first: a join or
 * accept racing with the delete then fails its counter condition instead of leaving a stray
 * member, and a delete that stopped part-way can be repeated by any remaining owner.
 */
export async function deleteTenant(orgId: string): Promise<void> {
  await batchDelete([keys.org(orgId)]);
  const orgItems = await allKeys(orgPk(orgId));
  const partitions = new Set([keys.auditPk(orgId)]);
  for (const item of orgItems) for (const pk of childPartitions(orgId, String(item.sk))) partitions.add(pk);
  const tokenKeys = orgItems.flatMap((item) =>
    item.tokenHash ? [keys.inviteToken(String(item.tokenHash))] : [],
  );
  for (const pk of partitions) {
    if (!isTenantPartition(pk, orgId))
      throw new Error(`refusing to empty ${pk}: not a partition of ${orgId}`);
  }
  const children = await Promise.all([...partitions].map(allKeys));
  await batchDelete([...tokenKeys, ...children.flat(), ...orgItems] as { pk: unknown; sk: unknown }[]);
}

async function allKeys(pk: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk, tokenHash',
    },
    (page) => found.push(...(page.Items ?? [])),
  );
  return found;
}
