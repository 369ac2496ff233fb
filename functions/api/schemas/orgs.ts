import * as z from 'zod';
import { orgRoles } from '../permissions';
import { plans } from '../plans';
import { DisplayText, IsoDateTime } from './common';

const ulid = '[0-9A-HJKMNP-TV-Z]{26}';
export const OrgId = z.string().regex(new RegExp(`^org_${ulid}$`), 'must be an organization id (org_…)');
export const OrgParams = z.strictObject({ orgId: OrgId });

export const OrgRole = z.enum(orgRoles);

export const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a domain name such as example.com',
  );

export const PlanName = z.enum(plans);

const settings = {
  name: DisplayText(100),
  displayName: DisplayText(200).nullable(),
  description: z.string().trim().max(2000).nullable(),
  domain: Domain.nullable(),
  extraDomains: z.array(Domain).max(20),
  autoJoinByDomain: z.boolean(),
  membersMustHaveMatchingDomain: z.boolean(),
  /** Null: the plan's limit applies alone. */
  maxUsers: z.number().int().min(1).max(100_000).nullable(),
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
  displayName: settings.displayName.optional(),
  description: settings.description.optional(),
  domain: settings.domain.optional(),
  extraDomains: settings.extraDomains.optional(),
  autoJoinByDomain: settings.autoJoinByDomain.optional(),
  membersMustHaveMatchingDomain: settings.membersMustHaveMatchingDomain.optional(),
  maxUsers: settings.maxUsers.optional(),
  allowOtherCalendarAccounts: settings.allowOtherCalendarAccounts.optional(),
});
export type CreateOrgBody = z.infer<typeof CreateOrgBody>;

export const UpdateOrgBody = OrgSettings.partial();
export type UpdateOrgBody = z.infer<typeof UpdateOrgBody>;

export const Organization = z
  .object({
    id: z.string(),
    ...settings,
    ...entitlements,
    status: z.enum(['active', 'suspended']),
    limits: z.object({ maxUsers: z.number(), maxAgents: z.number(), maxPhoneNumbers: z.number() }),
    memberCount: z.number().int(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int(),
  })
  .meta({ id: 'Organization' });
export type Organization = z.infer<typeof Organization>;

/** One of the caller's orgs, as GET /me/orgs lists it. */
export const MyOrg = z
  .object({
    org: Organization.pick({ id: true, name: true, displayName: true, status: true, plan: true }),
    role: OrgRole,
    additionalRoles: z.array(z.string()),
    joinedAt: IsoDateTime,
  })
  .meta({ id: 'MyOrg' });
