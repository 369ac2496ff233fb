/** Platform administration (README "Platform administration"): schemas of the /admin routes. */
import * as z from 'zod/mini';
import { platformRoles } from '../permissions';
import { Agent } from './agents';
import { AuditEntry } from './audit';
import { Email, IsoDateTime, ListQuery, page } from './common';
import { UserProfile } from './me';
import { Member, UserId } from './members';
import { Domain, MyOrg, Organization, OrgParams, PlanName } from './orgs';
import { PhoneNumber } from './phone-numbers';
import { StatusCounts } from './tasks';

export const PlatformRole = z.enum(platformRoles);

/** Search by a name prefix or by a primary domain: exactly one of them (each is an index of its own). */
export const AdminOrgSearchQuery = z
  .extend(ListQuery, {
    // A page's audit entries (one per org found, plus the platform's) are one transaction of at most 100.
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(50)), 25),
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
    domain: z.optional(Domain),
  })
  .check(
    z.superRefine((query, ctx) => {
      if (query.name === undefined && query.domain === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: 'give a name prefix or a domain to search by',
        });
      }
      if (query.name !== undefined && query.domain !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['domain'], message: 'give either name or domain, not both' });
      }
    }),
  );

export const AdminOrgList = page(Organization);

export const AdminOrgDetail = z
  .object({
    org: Organization,
    /** The first page of members (memberCount on the org counts them all). */
    members: z.array(Member),
    moreMembers: z.boolean(),
    agents: z.array(z.pick(Agent, { id: true, name: true, type: true, status: true, shared: true })),
    phoneNumbers: z.array(z.pick(PhoneNumber, { e164: true, agentId: true })),
    /** Tasks created this calendar month (UTC), from the tasks summary counters. */
    tasksThisMonth: z.object({
      from: z.string(),
      to: z.string(),
      total: z.number().check(z.int()),
      byType: z.object({ call: StatusCounts, email: StatusCounts, other: StatusCounts }),
    }),
  })
  .register(z.globalRegistry, { id: 'AdminOrgDetail' });
export type AdminOrgDetail = z.infer<typeof AdminOrgDetail>;

export const AdminOrgParams = OrgParams;

/** The platform's entitlements of an org: the trusted path the customer's own settings never take. */
export const SetPlanBody = z
  .strictObject({ plan: z.optional(PlanName), canSetupSaml: z.optional(z.boolean()) })
  .check(
    z.refine((body) => body.plan !== undefined || body.canSetupSaml !== undefined, {
      path: ['plan'],
      message: 'give plan, canSetupSaml or both',
    }),
  );
export type SetPlanBody = z.infer<typeof SetPlanBody>;

export const AdminUserQuery = z.strictObject({ email: Email });

export const AdminUser = z
  .object({
    profile: z.pick(UserProfile, { id: true, email: true, emailVerified: true, name: true, createdAt: true }),
    platformRole: z.nullable(PlatformRole),
    /** The first page of the person's organizations. */
    orgs: z.array(MyOrg),
  })
  .register(z.globalRegistry, { id: 'AdminUser' });
export const AdminUserList = z.object({ items: z.array(AdminUser) });

export const PlatformAdmin = z
  .object({
    userId: z.string(),
    email: z.string(),
    role: PlatformRole,
    grantedBy: z.object({ userId: z.string(), email: z.string() }),
    grantedAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'PlatformAdmin' });
export type PlatformAdmin = z.infer<typeof PlatformAdmin>;
export const PlatformAdminList = page(PlatformAdmin);

/** Grant (or change) a platform role, naming the person by user id or by the email they signed in with. */
export const GrantPlatformRoleBody = z
  .strictObject({ userId: z.optional(UserId), email: z.optional(Email), role: PlatformRole })
  .check(
    z.superRefine((body, ctx) => {
      if ((body.userId === undefined) === (body.email === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['email'], message: 'give exactly one of email and userId' });
      }
    }),
  );
export type GrantPlatformRoleBody = z.infer<typeof GrantPlatformRoleBody>;

export const PlatformAdminParams = z.strictObject({ userId: UserId });

/** An entry of the platform's own audit log: like an org's, with the org it concerned (if any). */
export const PlatformAuditEntry = z
  .extend(AuditEntry, { orgId: z.nullable(z.string()) })
  .register(z.globalRegistry, {
    id: 'PlatformAuditEntry',
  });
export type PlatformAuditEntry = z.infer<typeof PlatformAuditEntry>;
export const PlatformAuditList = page(PlatformAuditEntry);
export const PlatformAuditQuery = ListQuery;
