import * as z from 'zod/mini';
import { IsoDateTime, ListQuery } from './common';
import { UserId } from './members';

const Summary = z.nullable(z.record(z.string(), z.unknown()));

/**
 * Who did it: a person, one of the org's API clients (a machine caller; README "Machine callers"),
 * or one of its agents acting through a tool on a call (README "Voice worker turns and tools").
 */
export const AuditActor = z.union([
  z.object({ userId: z.string(), email: z.string() }),
  z.object({ apiClientId: z.string(), name: z.string() }),
  z.object({ agentId: z.string(), name: z.string() }),
]);
export type AuditActor = z.infer<typeof AuditActor>;

/** The id the audit list filters by (`actorId`): a user id or an API client id. */
export function actorIdOf(actor: AuditActor): string {
  return 'userId' in actor ? actor.userId : 'apiClientId' in actor ? actor.apiClientId : actor.agentId;
}

export const AuditEntry = z
  .object({
    id: z.string(),
    orgId: z.string(),
    at: IsoDateTime,
    actor: AuditActor,
    action: z.string(),
    /** `name`: what it was called when the entry was written (an agent's name, a member's email). */
    target: z.object({ type: z.string(), id: z.string(), name: z.optional(z.string()) }),
    requestId: z.string(),
    before: Summary,
    after: Summary,
  })
  .register(z.globalRegistry, { id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Actions are `<resource>.<verb>` in lower case (`member.updated`, `invite.declined`). */
export const AuditAction = z
  .string()
  .check(z.maxLength(64), z.regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be an audit action such as member.updated'));

/** Filters of the audit list, each optional; from and to bound the entries' `at` as [from, to). */
export const AuditQuery = z
  .extend(ListQuery, {
    /** A user id or an API client id. */
    actorId: z.optional(UserId),
    action: z.optional(AuditAction),
    from: z.optional(IsoDateTime),
    to: z.optional(IsoDateTime),
  })
  .check(
    z.refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), {
      path: ['to'],
      message: 'must be after from',
    }),
  );
