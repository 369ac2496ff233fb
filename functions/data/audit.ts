/** Audit entries: written only inside the transaction of the change they record; TTL ages them out. */
import * as z from 'zod';
import type { AuditEntry } from '../api/schemas/audit';
import { tableName } from './client';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import type { TxItem } from './transact';

const retentionSeconds = 400 * 86_400;

/** The audit item as stored: the entry, written once and never changed, aged out by TTL. */
const AuditItem = z.object({
  id: z.string(),
  orgId: z.string(),
  at: z.string(),
  actor: z.object({ userId: z.string(), email: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  requestId: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});

export function auditPut(entry: AuditEntry): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.audit(entry.orgId, entry.at, entry.id),
        type: 'AUDIT',
        ...AuditItem.parse(entry),
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + retentionSeconds,
      },
    },
  };
}

export async function listAudit(
  orgId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<AuditEntry>> {
  const page = await queryPage({ partition: keys.auditPk(orgId), limit, cursor, newestFirst: true });
  return { ...page, items: page.items.map((item): AuditEntry => AuditItem.parse(item)) };
}
