import * as z from 'zod/mini';
import { DisplayText, Email, IsoDateTime, ListQuery } from './common';
import { UserId } from './members';
import { OrgId } from './orgs';
import { E164 } from './phone-numbers';

export const TeamMemberId = z
  .string()
  .check(z.regex(/^tmb_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a team member id (tmb_…)'));
/** A task's assignee is a login's user id or a team member's id; this tells them apart. */
export const isTeamMemberId = (value: string) => TeamMemberId.safeParse(value).success;
export const TeamMemberParams = z.strictObject({ orgId: OrgId, teamMemberId: TeamMemberId });

export const memberTypes = ['sales', 'support', 'operations'] as const;
export const teamMemberStatuses = ['active', 'inactive'] as const;
export const MemberType = z.enum(memberTypes);
export const TeamMemberStatus = z.enum(teamMemberStatuses);

/** An id the person has in another system, such as their GoHighLevel user id. */
export const ExternalId = z.strictObject({
  source: z
    .string()
    .check(z.regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lowercase label such as gohighlevel')),
  id: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
});

/** At most one id per source: the (org, source, id) claim is what makes a person findable by it. */
const ExternalIds = z.array(ExternalId).check(
  z.maxLength(10),
  z.refine(
    (ids) => new Set(ids.map((e) => e.source)).size === ids.length,
    'must give at most one id per source',
  ),
);

/** What a manager sets on a person; null clears an optional field. */
const editableFields = {
  fullName: DisplayText(200),
  email: z.optional(z.nullable(Email)),
  phone: z.optional(z.nullable(E164)),
  memberType: MemberType,
  status: TeamMemberStatus,
  externalIds: ExternalIds,
  /** The person's login: the user id of one of the org's members. */
  userId: z.optional(z.nullable(UserId)),
};

export const CreateTeamMemberBody = z.strictObject({
  ...editableFields,
  status: z._default(TeamMemberStatus, 'active'),
  externalIds: z._default(ExternalIds, []),
});
export type CreateTeamMemberBody = z.infer<typeof CreateTeamMemberBody>;

export const UpdateTeamMemberBody = z.strictObject({
  fullName: z.optional(editableFields.fullName),
  email: editableFields.email,
  phone: editableFields.phone,
  memberType: z.optional(MemberType),
  status: z.optional(TeamMemberStatus),
  externalIds: z.optional(ExternalIds),
  userId: editableFields.userId,
});
export type UpdateTeamMemberBody = z.infer<typeof UpdateTeamMemberBody>;

/**
 * One list at a time, each one Query: by type (optionally narrowed to a status: the type's
 * partition sorts by status first), by status, or all; every list in creation order.
 */
export const TeamMemberListQuery = z.extend(ListQuery, {
  memberType: z.optional(MemberType),
  status: z.optional(TeamMemberStatus),
});

export const TeamMember = z
  .object({
    id: z.string(),
    orgId: z.string(),
    fullName: z.string(),
    email: z.nullable(z.string()),
    phone: z.nullable(z.string()),
    memberType: MemberType,
    status: TeamMemberStatus,
    externalIds: z.array(z.object({ source: z.string(), id: z.string() })),
    userId: z.nullable(z.string()),
    /** Set by assigning a commission plan (its own route), never by this resource's bodies. */
    commissionPlanId: z.nullable(z.string()),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'TeamMember' });
export type TeamMember = z.infer<typeof TeamMember>;
