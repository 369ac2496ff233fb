/** Organizations: the org item (settings, member and owner counters) and deleting a whole tenant. */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { plans } from '../api/plans';
import type { AuditEntry } from '../api/schemas/audit';
import type { Member } from '../api/schemas/members';
import type { Organization } from '../api/schemas/orgs';
import { applyEntitlements, type Entitlements, orgsCreatedRefusal, searchName } from '../domain/orgs';
import { orRefuse, type Refusal, refusals, refuse } from '../domain/refusal';
import { auditPut } from './audit';
import { batchDelete } from './batch';
import { ddb, tableName } from './client';
import { isConditionFailure } from './errors';
import { childPartitions, isTenantPartition, keys, mirrorKeys, orgPk } from './keys';
import { membershipPut } from './memberships';
import { type Page, queryEveryPage, queryPage } from './page';
import { type TxItem, transact } from './transact';

/**
 * The org item as stored. Its own schema, so the API's Organization can change without becoming a
 * storage migration by accident: the counters live here so membership changes can be checked
 * against them atomically, and `ownerCount` never leaves the table.
 */
const OrgItem = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.nullable(z.string()),
  description: z.nullable(z.string()),
  domain: z.nullable(z.string()),
  extraDomains: z.array(z.string()),
  autoJoinByDomain: z.boolean(),
  membersMustHaveMatchingDomain: z.boolean(),
  maxUsers: z.nullable(z.number().check(z.int())),
  // Orgs stored before the setting existed do not allow other accounts.
  allowOtherCalendarAccounts: z._default(z.boolean(), false),
  canSetupSaml: z.boolean(),
  plan: z.enum(plans),
  status: z.enum(['active', 'suspended']),
  limits: z.object({ maxUsers: z.number(), maxAgents: z.number(), maxPhoneNumbers: z.number() }),
  memberCount: z.number().check(z.int()),
  ownerCount: z.number().check(z.int()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().check(z.int()),
});
type OrgItem = z.infer<typeof OrgItem>;

/** The one place a stored org becomes the API's view of it. */
function organizationOf({ ownerCount: _internal, ...org }: OrgItem): Organization {
  return org;
}

/** The org's name and domain index keys (platform search), from its current name and domain. */
function searchKeys(org: Pick<Organization, 'id' | 'name' | 'domain'>) {
  return keys.orgSearchIndexes({ id: org.id, searchName: searchName(org.name), domain: org.domain });
}

function orgItem(org: Organization, ownerCount: number) {
  return { ...keys.org(org.id), ...searchKeys(org), type: 'ORG', ...OrgItem.parse({ ...org, ownerCount }) };
}

export async function getOrg(orgId: string): Promise<Organization | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.org(orgId) }));
  return Item ? organizationOf(OrgItem.parse(Item)) : undefined;
}

/** Whether the org is suspended (a projected Get: what an API client's authorization needs). */
export async function isSuspended(orgId: string): Promise<boolean> {
  const { Item } = await ddb().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.org(orgId),
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  return Item?.status === 'suspended';
}

/**
 * Creates the org with its first owner, counting it against the orgs that person may create
 * (`maxCreated`): the counter's condition is in the same transaction, so concurrent creates cannot
 * pass the limit, and a refused create writes nothing.
 */
export async function createOrg(
  org: Organization,
  owner: Member,
  audit: AuditEntry,
  maxCreated: number,
): Promise<void> {
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
    {
      Update: {
        TableName: tableName(),
        Key: keys.orgsCreated(owner.userId),
        UpdateExpression: 'SET #type = :type ADD created :one',
        ConditionExpression: 'attribute_not_exists(created) OR created < :max',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'ORGS_CREATED', ':one': 1, ':max': maxCreated },
      },
    },
  ]);
  if (outcome.ok) return;
  if (outcome.failed.includes(3)) throw orgsCreatedRefusal(maxCreated);
  throw new Error(`organization id ${org.id} collided`);
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
  alsoWrite: TxItem[] = [],
  ifChanged: () => Refusal = refusals.stale,
): Promise<void> {
  const fields = [...names, 'limits', 'updatedAt', 'version'] as const;
  // Every write refreshes the search keys, so a renamed org is found by its new name (and an org
  // stored before the keys existed gets them).
  const search: Record<string, unknown> = searchKeys(org);
  const searchNames = Object.keys(search);
  const stale = ['gsi2pk', 'gsi2sk'].filter((n) => !(n in search));
  const outcome = await transact([
    {
      Update: {
        TableName: tableName(),
        Key: keys.org(org.id),
        UpdateExpression: `SET ${[...fields, ...searchNames].map((n) => `#${n} = :${n}`).join(', ')}${
          stale.length ? ` REMOVE ${stale.map((n) => `#${n}`).join(', ')}` : ''
        }`,
        ConditionExpression: '#version = :expected AND memberCount <= :limit',
        // On failure the org comes back with the error: which condition failed needs no re-read.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ExpressionAttributeNames: Object.fromEntries(
          [...fields, ...searchNames, ...stale].map((n) => [`#${n}`, n]),
        ),
        ExpressionAttributeValues: {
          ...Object.fromEntries(fields.map((n) => [`:${n}`, org[n]])),
          ...Object.fromEntries(searchNames.map((n) => [`:${n}`, search[n]])),
          ':expected': expectedVersion,
          ':limit': org.limits.maxUsers,
        },
      },
    },
    auditPut(audit),
    ...alsoWrite,
  ]);
  if (outcome.ok) return;
  // The org as it stood when its condition failed (absent: deleted meanwhile).
  const version = outcome.failed.includes(0)
    ? outcome.old[0]?.version?.N
    : String((await getOrg(org.id))?.version);
  if (version !== String(expectedVersion)) throw ifChanged();
  throw refuse('refused', 'Members joined meanwhile; the new limit is below the member count.', 'maxUsers');
}

/** The customer's settings; `ifChanged` answers a write that lost its race to another. */
export function updateOrg(
  org: Organization,
  expectedVersion: number,
  audit: AuditEntry,
  ifChanged: () => Refusal,
) {
  return writeOrgFields(org, settingNames, expectedVersion, audit, [], ifChanged);
}

/**
 * The platform's entitlements (PUT /admin/orgs/{orgId}/plan and infra/scripts/set-entitlements.ts);
 * `alsoWrite` carries the platform audit entry when a platform admin made the change.
 */
export function updateEntitlements(
  org: Organization,
  expectedVersion: number,
  audit: AuditEntry,
  alsoWrite: TxItem[] = [],
) {
  return writeOrgFields(org, ['plan', 'canSetupSaml'], expectedVersion, audit, alsoWrite);
}

/**
 * The one path entitlements change by: PUT /admin/orgs/{orgId}/plan and the operator's
 * infra/scripts/set-entitlements.ts. `record` builds the audit entries of the change (the org's, and
 * the platform's when a platform admin made it) once the new org is known.
 */
export async function setEntitlements(
  orgId: string,
  change: Entitlements,
  record: (before: Organization, after: Organization) => { audit: AuditEntry; alsoWrite?: TxItem[] },
  options: { now: Date; expectedVersion?: number | undefined },
): Promise<Organization> {
  const current = await getOrg(orgId);
  if (!current) throw refusals.notFound();
  if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
    throw refusals.stale();
  }
  const updated = orRefuse(applyEntitlements(current, change, options.now));
  const { audit, alsoWrite } = record(current, updated);
  await updateEntitlements(updated, current.version, audit, alsoWrite);
  return updated;
}

/**
 * Suspends or reactivates: the status, with the org's and the platform's audit entries, in one
 * transaction. Authorization reads the status with every member's call, so it takes effect at once.
 */
export function updateOrgStatus(
  org: Organization,
  expectedVersion: number,
  audit: AuditEntry,
  alsoWrite: TxItem[],
) {
  return writeOrgFields(org, ['status'], expectedVersion, audit, alsoWrite);
}

/** Where a platform search looks: a name prefix (normalized) or an exact primary domain. */
export type OrgSearch = { namePrefix: string } | { domain: string };

/** One Query on the org search index (gsi1 by name bucket, gsi2 by domain), in name or id order. */
export async function searchOrgs(
  search: OrgSearch,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Organization>> {
  const page =
    'domain' in search
      ? await queryPage({ index: 'gsi2', partition: keys.orgDomainPk(search.domain), limit, cursor })
      : await queryPage({
          index: 'gsi1',
          partition: keys.orgNameBucket(Array.from(searchName(search.namePrefix))[0] ?? ''),
          sortPrefix: searchName(search.namePrefix),
          limit,
          cursor,
        });
  return { ...page, items: page.items.map((item) => organizationOf(OrgItem.parse(item))) };
}

/**
 * What a tenant holds outside the table, as its items name it: deleting the tenant hands it over so
 * it can be let go of (calendar grants and tokens, agents' key secrets, LiveKit dispatch rules,
 * Cognito app clients).
 */
export interface TenantHoldings {
  /** Members with a calendar connection in the org. */
  calendarUserIds: string[];
  agentIds: string[];
  /** Every number's rule, assigned or not (a rule a deleted agent's number kept counts too). */
  sipDispatchRuleIds: string[];
  apiClientIds: string[];
}

function holdingsOf(items: readonly Record<string, unknown>[]): TenantHoldings {
  const held: TenantHoldings = {
    calendarUserIds: [],
    agentIds: [],
    sipDispatchRuleIds: [],
    apiClientIds: [],
  };
  // Ids are read from the sort keys: the deletion Query projects only what it needs.
  const idAfter = (item: Record<string, unknown>, prefix: string) => String(item.sk).slice(prefix.length);
  for (const item of items) {
    if (item.type === 'CALENDAR_CONNECTION')
      held.calendarUserIds.push(idAfter(item, keys.calendarConnectionPrefix));
    else if (item.type === 'AGENT') held.agentIds.push(idAfter(item, keys.agentPrefix));
    else if (item.type === 'API_CLIENT') held.apiClientIds.push(idAfter(item, keys.apiClientPrefix));
    else if (item.type === 'PHONE_NUMBER' && typeof item.sipDispatchRuleId === 'string')
      held.sipDispatchRuleIds.push(item.sipDispatchRuleId);
  }
  return held;
}

/**
 * Removes every item of the tenant: the org partition, the partitions hanging off its items
 * (audit, calendars) and the items elsewhere that mirror its items (invite-token lookups, the other
 * side of agent shares). The org item goes first: a join or
 * accept racing with the delete then fails its counter condition instead of leaving a stray
 * member, and a delete that stopped part-way can be repeated by any remaining owner.
 * `beforeDeleting` gets what the tenant holds outside the table from the same Query, while the
 * items naming it still exist (a failure there leaves them for the repeat); the holdings are also
 * returned. With `ifMatch`, the org item goes only if it is that version (else 412, nothing
 * deleted); an org item already gone still lets the repeat finish.
 */
export async function deleteTenant(
  orgId: string,
  ifMatch: number | undefined,
  beforeDeleting: (held: TenantHoldings) => Promise<void>,
): Promise<TenantHoldings> {
  await ddb()
    .send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.org(orgId),
        ...(ifMatch === undefined
          ? {}
          : {
              ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
              ExpressionAttributeValues: { ':expected': ifMatch },
            }),
      }),
    )
    .catch((error: unknown) => {
      throw isConditionFailure(error) ? refusals.stale() : error;
    });
  const orgItems = await allKeys(orgPk(orgId));
  const partitions = new Set([keys.auditPk(orgId)]);
  for (const item of orgItems) for (const pk of childPartitions(orgId, String(item.sk))) partitions.add(pk);
  const mirrors = orgItems.flatMap((item) => mirrorKeys(orgId, item));
  for (const pk of partitions) {
    if (!isTenantPartition(pk, orgId))
      throw new Error(`refusing to empty ${pk}: not a partition of ${orgId}`);
  }
  const held = holdingsOf(orgItems);
  await beforeDeleting(held);
  const children = await Promise.all([...partitions].map(allKeys));
  await batchDelete([...mirrors, ...children.flat(), ...orgItems] as { pk: unknown; sk: unknown }[]);
  return held;
}

async function allKeys(pk: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      // Enough of each item to find what it mirrors elsewhere (mirrorKeys) and what it holds
      // outside the table (holdingsOf).
      ProjectionExpression: 'pk, sk, #type, tokenHash, agentId, targetOrgId, ownerOrgId, sipDispatchRuleId',
      ExpressionAttributeNames: { '#type': 'type' },
    },
    (page) => found.push(...(page.Items ?? [])),
  );
  return found;
}
