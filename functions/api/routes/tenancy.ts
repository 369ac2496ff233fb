/** Organizations, memberships, invites, audit, and the OpenAPI document generated from this table. */
import { route } from '../route';
import { AuditEntry, AuditQuery } from '../schemas/audit';
import { ListQuery, page } from '../schemas/common';
import {
  CreateInviteBody,
  Invite,
  InviteParams,
  InvitePreview,
  InviteTokenBody,
  IssuedInvite,
  MyInvite,
} from '../schemas/invites';
import {
  Member,
  MemberParams,
  OwnershipTransfer,
  TransferOwnershipBody,
  UpdateMemberBody,
} from '../schemas/members';
import { CreateOrgBody, MyOrg, Organization, OrgParams, UpdateOrgBody } from '../schemas/orgs';

export const createOrg = route({
  operationId: 'createOrg',
  method: 'POST',
  path: '/orgs',
  module: 'orgs',
  summary: 'Create an organization; the caller becomes its owner',
  auth: { kind: 'user' },
  body: CreateOrgBody,
  response: Organization,
  successStatus: 201,
  errors: [403, 422],
});

export const listMyOrgs = route({
  operationId: 'listMyOrgs',
  method: 'GET',
  path: '/me/orgs',
  module: 'orgs',
  summary: 'The organizations the caller belongs to, with the caller’s role',
  auth: { kind: 'user' },
  query: ListQuery,
  response: page(MyOrg),
  successStatus: 200,
});

export const getOrg = route({
  operationId: 'getOrg',
  method: 'GET',
  path: '/orgs/{orgId}',
  module: 'orgs',
  summary: 'An organization’s settings, limits and member count',
  auth: { kind: 'org', permission: 'org:read' },
  params: OrgParams,
  response: Organization,
  successStatus: 200,
});

export const updateOrg = route({
  operationId: 'updateOrg',
  method: 'PATCH',
  path: '/orgs/{orgId}',
  module: 'orgs',
  summary: 'Change settings (honours If-Match)',
  auth: { kind: 'org', permission: 'org:update' },
  params: OrgParams,
  body: UpdateOrgBody,
  response: Organization,
  successStatus: 200,
  errors: [409, 412, 422],
});

export const deleteOrg = route({
  operationId: 'deleteOrg',
  method: 'DELETE',
  path: '/orgs/{orgId}',
  module: 'orgs',
  summary: 'Delete the organization and every item it owns (honours If-Match)',
  auth: { kind: 'org', permission: 'org:delete' },
  params: OrgParams,
  successStatus: 204,
  errors: [412],
});

export const joinOrg = route({
  operationId: 'joinOrg',
  method: 'POST',
  path: '/orgs/{orgId}/join',
  module: 'orgs',
  summary: 'Join as a member when the caller’s verified email domain is one of the org’s and auto-join is on',
  auth: { kind: 'user' },
  params: OrgParams,
  response: Member,
  successStatus: 201,
  errors: [403, 404, 409, 422],
});

export const listMembers = route({
  operationId: 'listMembers',
  method: 'GET',
  path: '/orgs/{orgId}/members',
  module: 'members',
  summary: 'Members with their roles, a page at a time',
  auth: { kind: 'org', permission: 'members:read' },
  params: OrgParams,
  query: ListQuery,
  response: page(Member),
  successStatus: 200,
});

export const getMyMembership = route({
  operationId: 'getMyMembership',
  method: 'GET',
  path: '/orgs/{orgId}/membership',
  module: 'members',
  summary: 'The caller’s own membership: role, additional roles, when they joined',
  auth: { kind: 'org', permission: 'org:read' },
  params: OrgParams,
  response: Member,
  successStatus: 200,
});

export const updateMember = route({
  operationId: 'updateMember',
  method: 'PATCH',
  path: '/orgs/{orgId}/members/{userId}',
  module: 'members',
  summary: 'Change a member’s role or additional roles (honours If-Match)',
  auth: { kind: 'org', permission: 'members:update' },
  params: MemberParams,
  body: UpdateMemberBody,
  response: Member,
  successStatus: 200,
  errors: [409, 412, 422],
});

export const removeMember = route({
  operationId: 'removeMember',
  method: 'DELETE',
  path: '/orgs/{orgId}/members/{userId}',
  module: 'members',
  summary: 'Remove a member (honours If-Match)',
  auth: { kind: 'org', permission: 'members:remove' },
  params: MemberParams,
  successStatus: 204,
  errors: [409, 412, 422],
});

export const leaveOrg = route({
  operationId: 'leaveOrg',
  method: 'POST',
  path: '/orgs/{orgId}/leave',
  module: 'members',
  summary: 'Leave the organization (not as its last owner)',
  auth: { kind: 'org', permission: 'org:leave' },
  params: OrgParams,
  successStatus: 204,
  errors: [409, 422],
});

export const transferOwnership = route({
  operationId: 'transferOwnership',
  method: 'POST',
  path: '/orgs/{orgId}/transfer-ownership',
  module: 'members',
  summary: 'Make another member owner; the caller becomes an admin',
  auth: { kind: 'org', permission: 'org:transferOwnership' },
  params: OrgParams,
  body: TransferOwnershipBody,
  response: OwnershipTransfer,
  successStatus: 200,
  errors: [409, 422],
});

export const createInvite = route({
  operationId: 'createInvite',
  method: 'POST',
  path: '/orgs/{orgId}/invites',
  module: 'invites',
  summary: 'Invite an email; the accept URL is in this response only, and is mailed',
  auth: { kind: 'org', permission: 'invites:create' },
  params: OrgParams,
  body: CreateInviteBody,
  response: IssuedInvite,
  successStatus: 201,
  errors: [409, 422, 429],
});

export const listInvites = route({
  operationId: 'listInvites',
  method: 'GET',
  path: '/orgs/{orgId}/invites',
  module: 'invites',
  summary: 'Invites of the organization, any status',
  auth: { kind: 'org', permission: 'invites:read' },
  params: OrgParams,
  query: ListQuery,
  response: page(Invite),
  successStatus: 200,
});

export const revokeInvite = route({
  operationId: 'revokeInvite',
  method: 'DELETE',
  path: '/orgs/{orgId}/invites/{inviteId}',
  module: 'invites',
  summary: 'Revoke a pending invite (honours If-Match); its link stops working',
  auth: { kind: 'org', permission: 'invites:revoke' },
  params: InviteParams,
  successStatus: 204,
  errors: [409, 410, 412],
});

export const resendInvite = route({
  operationId: 'resendInvite',
  method: 'POST',
  path: '/orgs/{orgId}/invites/{inviteId}/resend',
  module: 'invites',
  summary: 'Issue a new link with a new expiry; the old link stops working',
  auth: { kind: 'org', permission: 'invites:resend' },
  params: InviteParams,
  response: IssuedInvite,
  successStatus: 200,
  errors: [409, 410, 422, 429],
});

export const listMyInvites = route({
  operationId: 'listMyInvites',
  method: 'GET',
  path: '/me/invites',
  module: 'invites',
  summary: 'Pending invites addressed to the caller’s verified email',
  auth: { kind: 'user' },
  query: ListQuery,
  response: page(MyInvite),
  successStatus: 200,
  errors: [403],
});

export const acceptInvite = route({
  operationId: 'acceptInvite',
  method: 'POST',
  path: '/invites/accept',
  module: 'invites',
  summary: 'Accept an invite with the token from its link',
  auth: { kind: 'user' },
  body: InviteTokenBody,
  response: Member,
  successStatus: 200,
  errors: [403, 409, 410, 422],
});

export const previewInvite = route({
  operationId: 'previewInvite',
  method: 'POST',
  path: '/invites/preview',
  module: 'invites',
  summary: 'What an invite offers (org, role, inviter, expiry, status), for its invitee before answering',
  auth: { kind: 'user' },
  body: InviteTokenBody,
  response: InvitePreview,
  successStatus: 200,
  errors: [403, 410],
});

export const declineInvite = route({
  operationId: 'declineInvite',
  method: 'POST',
  path: '/invites/decline',
  module: 'invites',
  summary: 'Decline an invite with the token from its link; the email may be invited again',
  auth: { kind: 'user' },
  body: InviteTokenBody,
  successStatus: 204,
  errors: [403, 410],
});

export const acceptMyInvite = route({
  operationId: 'acceptMyInvite',
  method: 'POST',
  path: '/me/invites/{orgId}/{inviteId}/accept',
  module: 'invites',
  summary: 'Accept an invite listed in GET /me/invites: the verified email stands in for the link',
  auth: { kind: 'user' },
  params: InviteParams,
  response: Member,
  successStatus: 200,
  errors: [403, 404, 409, 410, 422],
});

export const declineMyInvite = route({
  operationId: 'declineMyInvite',
  method: 'POST',
  path: '/me/invites/{orgId}/{inviteId}/decline',
  module: 'invites',
  summary: 'Decline an invite listed in GET /me/invites',
  auth: { kind: 'user' },
  params: InviteParams,
  successStatus: 204,
  errors: [403, 404, 410],
});

export const listAudit = route({
  operationId: 'listAudit',
  method: 'GET',
  path: '/orgs/{orgId}/audit',
  module: 'audit',
  summary:
    'The organization’s audit trail, newest first; filtered by actor, action and time range [from, to)',
  auth: { kind: 'org', permission: 'audit:read' },
  params: OrgParams,
  query: AuditQuery,
  response: page(AuditEntry),
  successStatus: 200,
});

// Its own module, so the openapi function's cold start builds none of tenancy's schemas.
export { getOpenApi } from './openapi';
