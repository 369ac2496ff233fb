/** Audit entries: written only inside the transaction of the change they record; TTL ages them out. */
import * as z from 'zod/mini';
import { AuditActor, type AuditEntry } from '../api/schemas/audit';
import { tableName } from './client';
import { keys } from './keys';
import { type Page, queryPage } from './page';
import type { TxItem } from './transact';

const retentionSeconds = 400 * 86_400;

/** The audit item as stored: the entry, written once and never changed, aged out by TTL. */
export const AuditItem = z.object({
  id: z.string(),
  orgId: z.string(),
  at: z.string(),
  actor: AuditActor,
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) }),
  requestId: z.string(),
  before: z.nullable(z.record(z.string(), z.unknown())),
  after: z.nullable(z.record(z.string(), z.unknown())),
});

export function auditPut(entry: AuditEntry): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.audit(entry.orgId, entry.at, entry.id),
        // By actor (gsi1) and by action (gsi3), so each filtered view is one Query.
        ...keys.auditIndexes(entry),
        type: 'AUDIT',
        ...AuditItem.parse(entry),
        expiresAt: Math.floor(Date.parse(entry.at) / 1000) + retentionSeconds,
      },
    },
  };
}

/** Which entries to list; every filter is optional, and times are ISO date-times. */
export interface AuditFilters {
  actorId?: string | undefined;
  action?: string | undefined;
  /** Entries at or after this time. */
  from?: string | undefined;
  /** Entries before this time. */
  to?: string | undefined;
}

/**
 * One Query whatever the filters: the actor's index partition (with the action as a filter when
 * both are given), else the action's, else the audit partition; the time range is a range of the
 * sort key `<isoTime>#<auditId>`. An entry at exactly `to` sorts after `to` (its id follows), so
 * BETWEEN from AND to is [from, to). Times are normalized to the form the keys hold.
 */
export async function listAudit(
  orgId: string,
  filters: AuditFilters,
  limit: number,
  cursor: string | undefined,
): Promise<Page<AuditEntry>> {
  const { actorId, action } = filters;
  const from = filters.from && new Date(filters.from).toISOString();
  const to = filters.to && new Date(filters.to).toISOString();
  const where = actorId
    ? {
        index: 'gsi1' as const,
        partition: keys.auditOfActor(orgId, actorId),
        ...(action
          ? {
              filter: {
                expression: '#action = :action',
                names: { '#action': 'action' },
                values: { ':action': action },
              },
            }
          : {}),
      }
    : action
      ? { index: 'gsi3' as const, partition: keys.auditOfAction(orgId, action) }
      : { partition: keys.auditPk(orgId) };
  const page = await queryPage({
    ...where,
    ...(from || to ? { sortRange: { from, to } } : {}),
    limit,
    cursor,
    newestFirst: true,
  });
  return { ...page, items: page.items.map((item): AuditEntry => AuditItem.parse(item)) };
}
