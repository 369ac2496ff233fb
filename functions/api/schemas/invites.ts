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

export const InviteStatus = z.enum(['pending', 'accepted', 'declined', 'revoked', 'expired']);

export const Invite = z
  .object({
    id: z.string(),
    orgId: z.string(),
    email: z.string(),
    role: OrgRole,
    additionalRoles: z.array(z.string()),
    status: InviteStatus,
    invitedBy: z.string(),
    /** Who sent it, as their profile email read then; null for invites created before it was kept. */
    inviterEmail: z.string().nullable(),
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
/** Accept, decline and preview take the token in the body, so it stays out of URLs and access logs. */
export const InviteTokenBody = z.strictObject({ token: InviteToken });

/** What the invitee sees before answering: where, as what, from whom, until when. */
export const InvitePreview = z
  .object({
    orgId: z.string(),
    orgName: z.string(),
    role: OrgRole,
    additionalRoles: z.array(z.string()),
    inviterEmail: z.string().nullable(),
    expiresAt: IsoDateTime,
    status: InviteStatus,
  })
  .meta({ id: 'InvitePreview' });
export type InvitePreview = z.infer<typeof InvitePreview>;
