import * as z from 'zod';
import { Email, IsoDateTime } from './common';
import { AdditionalRoles } from './members';
import { OrgId, OrgRole } from './orgs';

export const InviteId = z.string().regex(/^inv_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an invite id (inv_…)');
export const InviteParams = z.strictObject({ orgId: OrgId, inviteId: InviteId });

export const CreateInviteBody = z.strictObject({
  email: Email,
  role: OrgRole.default('member'),
  additionalRoles: AdditionalRoles.default([]),
  expiresInDays: z.number().int().min(1).max(30).default(7),
});
export type CreateInviteBody = z.infer<typeof CreateInviteBody>;

export const InviteStatus = z.enum(['pending', 'accepted', 'revoked', 'expired']);

export const Invite = z
  .object({
    id: z.string(),
    orgId: z.string(),
    email: z.string(),
    role: OrgRole,
    additionalRoles: z.array(z.string()),
    status: InviteStatus,
    invitedBy: z.string(),
    createdAt: IsoDateTime,
    expiresAt: IsoDateTime,
    /** Resending renews the invite for this many days again. */
    expiresInDays: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'Invite' });
export type Invite = z.infer<typeof Invite>;

/** Only the creating (or resending) response carries the accept URL; the token is never shown again. */
export const IssuedInvite = Invite.extend({ acceptUrl: z.url() }).meta({ id: 'IssuedInvite' });

export const MyInvite = Invite.extend({ orgName: z.string() }).meta({ id: 'MyInvite' });

/** 32 random bytes, base64url. */
export const InviteToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token from the invite link');
export const AcceptInviteBody = z.strictObject({ token: InviteToken });
