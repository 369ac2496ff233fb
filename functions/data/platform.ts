/**
 * Platform administration's items, outside every tenant: each admin's role grant (beside their
 * profile, listed on gsi1 under PLATFORMADMINS) and the platform audit log (one partition, newest
 * last by time; written only in the transaction of what it records, aged out by TTL like org logs).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { platformRoles } from '../api/permissions';
import type { PlatformAdmin, PlatformAuditEntry } from '../api/schemas/admin';
import { platformRefusals } from '../domain/platform';
import { AuditItem } from './audit';
import { batchGet } from './batch';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import { type TxItem, transact } from './transact';

const retentionSeconds = 400 * 86_400;

/** The grant as stored (its own schema: the API's PlatformAdmin may change without migrating it). */
const GrantItem = z.object({
  userId: z.string(),
  email: z.string(),
  role: z.enum(platformRoles),
  grantedBy: z.object({ userId: z.string(), email: z.string() }),
  grantedAt: z.string(),
});

/** A platform audit item: an org's audit item whose org is absent for platform-wide actions. */
const PlatformAuditItem = z.extend(AuditItem, { orgId: z.nullable(z.string()) });

export async function getPlatformGrant(userId: string): Promise<PlatformAdmin | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.platformRole(userId) }),
  );
  return Item ? GrantItem.parse(Item) : undefined;
}

/** The grants of these people, by user id (one BatchGet). */
export async function platformGrantsOf(userIds: string[]): Promise<Map<string, PlatformAdmin>> {
  const items = await batchGet(userIds.map((id) => keys.platformRole(id)));
  return new Map(items.map((item) => GrantItem.parse(item)).map((g) => [g.userId, g]));
}

export function platformAuditPut(entry: PlatformAuditEntry): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.platformAudit(entry.at, entry.id),
        type: 'PLATFORM_AUDIT',
        ...PlatformAuditItem.parse(entry),
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + retentionSeconds,
      },
    },
  };
}

/** Grants or changes a role, with its platform audit entry, in one transaction. */
export async function putPlatformGrant(grant: PlatformAdmin, audit: PlatformAuditEntry): Promise<void> {
  await transact([
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.platformRole(grant.userId),
          ...keys.platformAdminIndex(grant.userId),
          type: 'PLATFORM_ROLE',
          ...GrantItem.parse(grant),
        },
      },
    },
    platformAuditPut(audit),
  ]);
}

/** Removes a grant (404 when there is none), with its platform audit entry. */
export async function deletePlatformGrant(userId: string, audit: PlatformAuditEntry): Promise<void> {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.platformRole(userId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    platformAuditPut(audit),
  ]);
  if (!outcome.ok) throw platformRefusals.notAnAdmin();
}

/** Audit entries of a read, written on their own: the org's entries and the platform's, one transaction. */
export async function recordReads(items: TxItem[]): Promise<void> {
  const outcome = await transact(items);
  if (!outcome.ok) throw new Error('an audit entry of a platform read collided');
}

export async function listPlatformAdmins(
  limit: number,
  cursor: string | undefined,
): Promise<Page<PlatformAdmin>> {
  const page = await queryPage({ index: 'gsi1', partition: keys.platformAdminsPk, limit, cursor });
  return { ...page, items: page.items.map((item) => GrantItem.parse(item)) };
}

export async function listPlatformAudit(
  limit: number,
  cursor: string | undefined,
): Promise<Page<PlatformAuditEntry>> {
  const page = await queryPage({ partition: keys.platformAuditPk, limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map((item) => PlatformAuditItem.parse(item)) };
}
