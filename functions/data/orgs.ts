/** Organizations: the org item (settings, member and owner counters) and deleting a whole tenant. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { plans } from '../api/plans';
import type { AuditEntry } from '../api/schemas/audit';
import type { Member } from '../api/schemas/members';
import type { Organization } from '../api/schemas/orgs';
import { refusals, refuse } from '../domain/refusal';
import { auditPut } from './audit';
import { batchDelete } from './batch';
import { ddb, tableName } from './client';
import { childPartitions, isTenantPartition, keys, mirrorKeys, orgPk } from './keys';
import { membershipPut } from './memberships';
import { queryEveryPage } from './page';
import { transact } from './transact';

/**
 * The org item as stored. Its own schema, so the API's Organization can change without becoming a
 * storage migration by accident: the counters live here so membership changes can be checked
 * against them atomically, and `ownerCount` never leaves the table.
 */
const OrgItem = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  domain: z.string().nullable(),
  extraDomains: z.array(z.string()),
  autoJoinByDomain: z.boolean(),
  membersMustHaveMatchingDomain: z.boolean(),
  maxUsers: z.number().int().nullable(),
  // Orgs stored before the setting existed do not allow other accounts.
  allowOtherCalendarAccounts: z.boolean().default(false),
  canSetupSaml: z.boolean(),
  plan: z.enum(plans),
  status: z.enum(['active', 'suspended']),
  limits: z.object({ maxUsers: z.number(), maxAgents: z.number(), maxPhoneNumbers: z.number() }),
  memberCount: z.number().int(),
  ownerCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
type OrgItem = z.infer<typeof OrgItem>;

/** The one place a stored org becomes the API's view of it. */
function organizationOf({ ownerCount: _internal, ...org }: OrgItem): Organization {
  return org;
}

function orgItem(org: Organization, ownerCount: number) {
  return { ...keys.org(org.id), type: 'ORG', ...OrgItem.parse({ ...org, ownerCount }) };
}

export async function getOrg(orgId: string): Promise<Organization | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.org(orgId) }));
  return Item ? organizationOf(OrgItem.parse(Item)) : undefined;
}

export async function createOrg(org: Organization, owner: Member, audit: AuditEntry): Promise<void> {
  const outcome = await transact([
    {
      Put: {
        TableName: tableName(),
        Item: orgItem(org, 1),
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
        // On failure the org comes back with the error: which condition failed needs no re-read.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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
  // The org as it stood when its condition failed (absent: deleted meanwhile).
  const version = outcome.failed.includes(0)
    ? outcome.old[0]?.version?.N
    : String((await getOrg(org.id))?.version);
  if (version !== String(expectedVersion)) throw refusals.stale();
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
 * (audit, calendars) and the items elsewhere that mirror its items (invite-token lookups, the other
 * side of agent shares). The org item goes first: a join or
 * accept racing with the delete then fails its counter condition instead of leaving a stray
 * member, and a delete that stopped part-way can be repeated by any remaining owner.
 */
export async function deleteTenant(orgId: string): Promise<void> {
  await batchDelete([keys.org(orgId)]);
  const orgItems = await allKeys(orgPk(orgId));
  const partitions = new Set([keys.auditPk(orgId)]);
  for (const item of orgItems) for (const pk of childPartitions(orgId, String(item.sk))) partitions.add(pk);
  const mirrors = orgItems.flatMap((item) => mirrorKeys(orgId, item));
  for (const pk of partitions) {
    if (!isTenantPartition(pk, orgId))
      throw new Error(`refusing to empty ${pk}: not a partition of ${orgId}`);
  }
  const children = await Promise.all([...partitions].map(allKeys));
  await batchDelete([...mirrors, ...children.flat(), ...orgItems] as { pk: unknown; sk: unknown }[]);
}

async function allKeys(pk: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      // Enough of each item to find what it mirrors elsewhere (mirrorKeys).
      ProjectionExpression: 'pk, sk, #type, tokenHash, agentId, targetOrgId, ownerOrgId',
      ExpressionAttributeNames: { '#type': 'type' },
    },
    (page) => found.push(...(page.Items ?? [])),
  );
  return found;
}
