import * as z from 'zod/mini';
import { IsoDateTime } from './common';
import { OrgId, OrgRole } from './orgs';

/** Subjects come from identity providers (dev, Cognito, PropelAuth), so only the shape is bounded. */
export const UserId = z.string().check(z.regex(/^[\w-]{1,128}$/, 'must be a user id'));
export const MemberParams = z.strictObject({ orgId: OrgId, userId: UserId });

export const AdditionalRoles = z
  .array(
    z
      .string()
      .check(z.regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lowercase label such as sales or bot_trainer')),
  )
  .check(
    z.maxLength(20),
    z.refine((labels) => new Set(labels).size === labels.length, 'must not repeat a label'),
  );

/** Also the stored membership item's attributes (other than keys), which the pipeline reads. */
export const Member = z
  .object({
    orgId: z.string(),
    userId: z.string(),
    email: z.string(),
    /** The name and picture of their profile, in lists of members (never stored on the membership). */
    name: z.optional(z.nullable(z.string())),
    picture: z.optional(z.nullable(z.string())),
    role: OrgRole,
    additionalRoles: z.array(z.string()),
    joinedAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'Member' });
export type Member = z.infer<typeof Member>;

export const UpdateMemberBody = z
  .strictObject({ role: z.optional(OrgRole), additionalRoles: z.optional(AdditionalRoles) })
  .check(
    z.refine((b) => b.role !== undefined || b.additionalRoles !== undefined, {
      message: 'give role or additionalRoles',
      path: ['role'],
    }),
  );
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

export const TransferOwnershipBody = z.strictObject({ userId: UserId });

export const OwnershipTransfer = z
  .object({ previousOwner: Member, newOwner: Member })
  .register(z.globalRegistry, { id: 'OwnershipTransfer' });
