/** Organizations: the org item (settings, member and owner counters) and deleting a whole tenant. */
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AuditEntry } from '../api/schemas/audit';
import type { Member } from '../api/schemas/members';
import { Organization } from '../api/schemas/orgs';
import { auditPut } from './audit';
import { ddb, tableName } from './client';
import { childPartitions, keys, orgPk } from './keys';
import { membershipPut } from './memberships';
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
): Promise<'ok' | 'stale' | 'over-limit'> {
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
  if (outcome.ok) return 'ok';
  const current = await getOrg(org.id);
  return current?.version === expectedVersion ? 'over-limit' : 'stale';
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
  await deleteKeys([keys.org(orgId)]);
  const orgItems = await allKeys(orgPk(orgId));
  const partitions = new Set([keys.auditPk(orgId)]);
  for (const item of orgItems) for (const pk of childPartitions(orgId, String(item.sk))) partitions.add(pk);
  const tokenKeys = orgItems.flatMap((item) =>
    item.tokenHash ? [keys.inviteToken(String(item.tokenHash))] : [],
  );
  const children = await Promise.all([...partitions].map(allKeys));
  await deleteKeys([...tokenKeys, ...children.flat(), ...orgItems]);
}

async function allKeys(pk: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk, tokenHash',
        ExclusiveStartKey: start,
      }),
    );
    found.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

async function deleteKeys(items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] =
      items.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept items unprocessed while deleting a tenant');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const { UnprocessedItems } = await ddb().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }),
      );
      requests = UnprocessedItems?.[tableName()] ?? [];
    }
  }
}
