/** Platform administration (README "Platform administration"): schemas of the /admin routes. */
import * as z from 'zod';
import { platformRoles } from '../permissions';
import { Agent } from './agents';
import { AuditEntry } from './audit';
import { Email, IsoDateTime, ListQuery, page } from './common';
import { UserProfile } from './me';
import { Member, UserId } from './members';
import { Domain, MyOrg, Organization, OrgParams, PlanName } from './orgs';
import { PhoneNumber } from './phone-numbers';
import { TaskSummary } from './tasks';

export const PlatformRole = z.enum(platformRoles);

/** Search by a name prefix or by a primary domain: exactly one of them (each is an index of its own). */
export const AdminOrgSearchQuery = ListQuery.extend({
  // A page's audit entries (one per org found, plus the platform's) are one transaction of at most 100.
  limit: z.coerce.number().int().min(1).max(50).default(25),
  name: z.string().trim().min(1).max(100).optional(),
  domain: Domain.optional(),
}).superRefine((query, ctx) => {
  if (query.name === undefined && query.domain === undefined) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: 'give a name prefix or a domain to search by' });
  }
  if (query.name !== undefined && query.domain !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['domain'], message: 'give either name or domain, not both' });
  }
});

export const AdminOrgList = page(Organization);

const StatusCounts = TaskSummary.shape.days.element.shape.byType.shape.call;

export const AdminOrgDetail = z
  .object({
    org: Organization,
    /** The first page of members (memberCount on the org counts them all). */
    members: z.array(Member),
    moreMembers: z.boolean(),
    agents: z.array(Agent.pick({ id: true, name: true, type: true, status: true, shared: true })),
    phoneNumbers: z.array(PhoneNumber.pick({ e164: true, agentId: true })),
    /** Tasks created this calendar month (UTC), from the tasks summary counters. */
    tasksThisMonth: z.object({
      from: z.string(),
      to: z.string(),
      total: z.number().int(),
      byType: z.object({ call: StatusCounts, email: StatusCounts, other: StatusCounts }),
    }),
  })
  .meta({ id: 'AdminOrgDetail' });
export type AdminOrgDetail = z.infer<typeof AdminOrgDetail>;

export const AdminOrgParams = OrgParams;

/** The platform's entitlements of an org: the trusted path the customer's own settings never take. */
export const SetPlanBody = z
  .strictObject({ plan: PlanName.optional(), canSetupSaml: z.boolean().optional() })
  .refine((body) => body.plan !== undefined || body.canSetupSaml !== undefined, {
    path: ['plan'],
    message: 'give plan, canSetupSaml or both',
  });
export type SetPlanBody = z.infer<typeof SetPlanBody>;

export const AdminUserQuery = z.strictObject({ email: Email });

export const AdminUser = z
  .object({
    profile: UserProfile.pick({ id: true, email: true, emailVerified: true, name: true, createdAt: true }),
    platformRole: PlatformRole.nullable(),
    /** The first page of the person's organizations. */
    orgs: z.array(MyOrg),
  })
  .meta({ id: 'AdminUser' });
export const AdminUserList = z.object({ items: z.array(AdminUser) });

export const PlatformAdmin = z
  .object({
    userId: z.string(),
    email: z.string(),
    role: PlatformRole,
    grantedBy: z.object({ userId: z.string(), email: z.string() }),
    grantedAt: IsoDateTime,
  })
  .meta({ id: 'PlatformAdmin' });
export type PlatformAdmin = z.infer<typeof PlatformAdmin>;
export const PlatformAdminList = page(PlatformAdmin);

/** Grant (or change) a platform role, naming the person by user id or by the email they signed in with. */
export const GrantPlatformRoleBody = z
  .strictObject({ userId: UserId.optional(), email: Email.optional(), role: PlatformRole })
  .superRefine((body, ctx) => {
    if ((body.userId === undefined) === (body.email === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'give exactly one of email and userId' });
    }
  });
export type GrantPlatformRoleBody = z.infer<typeof GrantPlatformRoleBody>;

export const PlatformAdminParams = z.strictObject({ userId: UserId });

/** An entry of the platform's own audit log: like an org's, with the org it concerned (if any). */
export const PlatformAuditEntry = AuditEntry.extend({ orgId: z.string().nullable() }).meta({
  id: 'PlatformAuditEntry',
});
export type PlatformAuditEntry = z.infer<typeof PlatformAuditEntry>;
export const PlatformAuditList = page(PlatformAuditEntry);
export const PlatformAuditQuery = ListQuery;
