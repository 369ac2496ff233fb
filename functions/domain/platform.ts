/**
 * Platform administration rules (README "Platform administration"): who holds which platform role,
 * what a grant may change, and the platform's audit entries. Pure: the configured superadmin email
 * is passed in.
 */

import type { PlatformRole } from '../api/permissions';
import type { PlatformAdmin, PlatformAuditEntry } from '../api/schemas/admin';
import type { AuditActor } from '../api/schemas/audit';
import type { TaskSummary } from '../api/schemas/tasks';
import { type AuditChange, auditEntry } from './audit';
import { type Refusal, refuse } from './refusal';

/**
 * The caller's platform role: superadmin when their verified email is the one the deployment names
 * (so the first superadmin never comes from an API call, and cannot be revoked by one), else
 * whatever grant the table holds.
 */
export function effectivePlatformRole(
  identity: { email: string; emailVerified: boolean },
  granted: PlatformRole | null,
  configuredSuperadmin: string | undefined,
): PlatformRole | null {
  if (configuredSuperadmin && identity.emailVerified && identity.email === configuredSuperadmin) {
    return 'superadmin';
  }
  return granted;
}

export function newGrant(
  person: { id: string; email: string },
  role: PlatformRole,
  by: { id: string; email: string },
  now: Date,
): PlatformAdmin {
  return {
    userId: person.id,
    email: person.email,
    role,
    grantedBy: { userId: by.id, email: by.email },
    grantedAt: now.toISOString(),
  };
}

/** Superadmins may not change or drop their own role: another superadmin must, so nobody locks the platform out by accident. */
export function grantRefusal(callerId: string, targetId: string, field: string): Refusal | null {
  if (callerId === targetId) {
    return refuse('refused', 'You cannot change your own platform role; ask another superadmin.', field);
  }
  return null;
}

export const platformRefusals = {
  noSuchPerson: (field: string) =>
    refuse(
      'not_found',
      field === 'email'
        ? 'Nobody has signed in with that email, verified, yet; they must sign in once first.'
        : 'Nobody has signed in with that user id yet; they must sign in once first.',
      field,
    ),
  /** Several people's verified profiles carry the email (one per identity provider): say which. */
  emailOfSeveral: () =>
    refuse(
      'refused',
      'Several people have signed in with that email through different identity providers; grant the role by userId.',
      'email',
    ),
  notAnAdmin: () => refuse('not_found', 'That person holds no granted platform role.'),
  suspended: () =>
    refuse(
      'forbidden',
      'This organization is suspended by the platform operator; its data is kept. Contact support to reactivate it.',
    ),
};

/** The platform log's entry of a change or read; `orgId` is the org it concerned, if any. */
export function platformAuditEntry(
  change: AuditChange & { orgId: string | null; actor: AuditActor; requestId: string; now: Date },
): PlatformAuditEntry {
  const { orgId, ...rest } = change;
  return { ...auditEntry({ ...rest, orgId: orgId ?? '' }), orgId };
}

/** Totals of a tasks summary (at least one day): every day's counts by type and status, added up. */
export function summaryTotals(summary: TaskSummary) {
  const [first, ...rest] = summary.days;
  const byType = structuredClone(first!.byType);
  for (const day of rest) {
    for (const type of Object.keys(byType) as (keyof typeof byType)[]) {
      for (const status of Object.keys(byType[type]) as (keyof (typeof byType)[typeof type])[]) {
        byType[type][status] += day.byType[type][status];
      }
    }
  }
  return {
    from: summary.from,
    to: summary.to,
    total: summary.days.reduce((sum, day) => sum + day.total, 0),
    byType,
  };
}

/** The first day of this UTC month and of the next, as summary bounds. */
export function thisMonth(now: Date): { from: string; to: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { from: day(new Date(Date.UTC(y, m, 1))), to: day(new Date(Date.UTC(y, m + 1, 1))) };
}
