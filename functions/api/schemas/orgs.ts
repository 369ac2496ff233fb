import * as z from 'zod/mini';
import { orgRoles } from '../permissions';
import { plans } from '../plans';
import { DisplayText, IsoDateTime } from './common';

const ulid = '[0-9A-HJKMNP-TV-Z]{26}';
export const OrgId = z
  .string()
  .check(z.regex(new RegExp(`^org_${ulid}$`), 'must be an organization id (org_…)'));
export const OrgParams = z.strictObject({ orgId: OrgId });

export const OrgRole = z.enum(orgRoles);

export const Domain = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.maxLength(253),
    z.regex(
      /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'must be a domain name such as example.com',
    ),
  );

export const PlanName = z.enum(plans);

const settings = {
  name: DisplayText(100),
  displayName: z.nullable(DisplayText(200)),
  description: z.nullable(z.string().check(z.trim(), z.maxLength(2000))),
  domain: z.nullable(Domain),
  extraDomains: z.array(Domain).check(z.maxLength(20)),
  autoJoinByDomain: z.boolean(),
  membersMustHaveMatchingDomain: z.boolean(),
  /** Null: the plan's limit applies alone. */
  maxUsers: z.nullable(z.number().check(z.int(), z.gte(1), z.lte(100_000))),
  /** Lets members connect a Google Calendar whose account email differs from their own. */
  allowOtherCalendarAccounts: z.boolean(),
};

/**
 * Entitlements are commercial decisions: set by the platform operator (infra/scripts/set-entitlements.ts),
 * never by the customer, so no request body carries them.
 */
const entitlements = {
  canSetupSaml: z.boolean(),
  plan: PlanName,
};

export const OrgSettings = z.strictObject(settings);
export type OrgSettings = z.infer<typeof OrgSettings>;

export const CreateOrgBody = z.strictObject({
  name: settings.name,
  displayName: z.optional(settings.displayName),
  description: z.optional(settings.description),
  domain: z.optional(settings.domain),
  extraDomains: z.optional(settings.extraDomains),
  autoJoinByDomain: z.optional(settings.autoJoinByDomain),
  membersMustHaveMatchingDomain: z.optional(settings.membersMustHaveMatchingDomain),
  maxUsers: z.optional(settings.maxUsers),
  allowOtherCalendarAccounts: z.optional(settings.allowOtherCalendarAccounts),
});
export type CreateOrgBody = z.infer<typeof CreateOrgBody>;

export const UpdateOrgBody = z.partial(OrgSettings);
export type UpdateOrgBody = z.infer<typeof UpdateOrgBody>;

export const Organization = z
  .object({
    id: z.string(),
    ...settings,
    ...entitlements,
    status: z.enum(['active', 'suspended']),
    limits: z.object({ maxUsers: z.number(), maxAgents: z.number(), maxPhoneNumbers: z.number() }),
    memberCount: z.number().check(z.int()),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'Organization' });
export type Organization = z.infer<typeof Organization>;

/** One of the caller's orgs, as GET /me/orgs lists it. */
export const MyOrg = z
  .object({
    org: z.pick(Organization, { id: true, name: true, displayName: true, status: true, plan: true }),
    role: OrgRole,
    additionalRoles: z.array(z.string()),
    joinedAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'MyOrg' });
