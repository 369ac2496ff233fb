import * as z from 'zod';
import { IsoDateTime, ListQuery } from './common';
import { UserId } from './members';

const Summary = z.record(z.string(), z.unknown()).nullable();

export const AuditEntry = z
  .object({
    id: z.string(),
    orgId: z.string(),
    at: IsoDateTime,
    actor: z.object({ userId: z.string(), email: z.string() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    requestId: z.string(),
    before: Summary,
    after: Summary,
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Actions are `<resource>.<verb>` in lower case (`member.updated`, `invite.declined`). */
export const AuditAction = z
  .string()
  .max(64)
  .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be an audit action such as member.updated');

/** Filters of the audit list, each optional; from and to bound the entries' `at` as [from, to). */
export const AuditQuery = ListQuery.extend({
  actorId: UserId.optional(),
  action: AuditAction.optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
}).refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), {
  path: ['to'],
  message: 'must be after from',
});
