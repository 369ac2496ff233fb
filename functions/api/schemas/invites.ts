import * as z from 'zod/mini';
import { Email, IsoDateTime } from './common';
import { AdditionalRoles } from './members';
import { OrgId, OrgRole } from './orgs';

export const InviteId = z
  .string()
  .check(z.regex(/^inv_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an invite id (inv_…)'));
export const InviteParams = z.strictObject({ orgId: OrgId, inviteId: InviteId });

export const CreateInviteBody = z.strictObject({
  email: Email,
  role: z._default(OrgRole, 'member'),
  additionalRoles: z._default(AdditionalRoles, []),
  expiresInDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(30)), 7),
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
    inviterEmail: z.nullable(z.string()),
    createdAt: IsoDateTime,
    expiresAt: IsoDateTime,
    /** Resending renews the invite for this many days again. */
    expiresInDays: z.number().check(z.int()),
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'Invite' });
export type Invite = z.infer<typeof Invite>;

/** Only the creating (or resending) response carries the accept URL; the token is never shown again. */
export const IssuedInvite = z
  .extend(Invite, { acceptUrl: z.url() })
  .register(z.globalRegistry, { id: 'IssuedInvite' });

export const MyInvite = z
  .extend(Invite, { orgName: z.string() })
  .register(z.globalRegistry, { id: 'MyInvite' });

/** 32 random bytes, base64url. */
export const InviteToken = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'must be the token from the invite link'));
/** Accept, decline and preview take the token in the body, so it stays out of URLs and access logs. */
export const InviteTokenBody = z.strictObject({ token: InviteToken });

/** What the invitee sees before answering: where, as what, from whom, until when. */
export const InvitePreview = z
  .object({
    orgId: z.string(),
    orgName: z.string(),
    role: OrgRole,
    additionalRoles: z.array(z.string()),
    inviterEmail: z.nullable(z.string()),
    expiresAt: IsoDateTime,
    status: InviteStatus,
  })
  .register(z.globalRegistry, { id: 'InvitePreview' });
export type InvitePreview = z.infer<typeof InvitePreview>;
