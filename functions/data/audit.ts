/** Audit entries: written only inside the transaction of the change they record; TTL ages them out. */
import { AuditEntry } from '../api/schemas/audit';
import { tableName } from './client';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import type { TxItem } from './transact';

const retentionSeconds = 400 * 86_400;

export function auditPut(entry: AuditEntry): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.audit(entry.orgId, entry.at, entry.id),
        type: 'AUDIT',
        ...entry,
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
  return { ...page, items: page.items.map((item) => AuditEntry.parse(item)) };
}
