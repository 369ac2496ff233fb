/**
 * Platform administration (README "Platform administration"): people with a platform role look
 * across orgs. support reads; admin also suspends, reactivates and sets plans; superadmin manages
 * the platform's admins. Every cross-tenant read and every action is audited in the affected
 * org's log and in the platform's.
 */
import { route } from '../route';
import {
  AdminOrgDetail,
  AdminOrgList,
  AdminOrgParams,
  AdminOrgSearchQuery,
  AdminUserList,
  AdminUserQuery,
  GrantPlatformRoleBody,
  PlatformAdmin,
  PlatformAdminList,
  PlatformAdminParams,
  PlatformAuditList,
  PlatformAuditQuery,
  SetPlanBody,
} from '../schemas/admin';
import { ListQuery } from '../schemas/common';
import { Organization } from '../schemas/orgs';

export const searchOrgsAsAdmin = route({
  operationId: 'searchOrgsAsAdmin',
  method: 'GET',
  path: '/admin/orgs',
  module: 'admin',
  summary: 'Organizations whose name starts with `name`, or whose primary domain is `domain`, paged',
  auth: { kind: 'platform', role: 'support' },
  query: AdminOrgSearchQuery,
  response: AdminOrgList,
  successStatus: 200,
});

export const getOrgAsAdmin = route({
  operationId: 'getOrgAsAdmin',
  method: 'GET',
  path: '/admin/orgs/{orgId}',
  module: 'admin',
  summary: 'An organization with its members, agents, phone numbers and tasks this month',
  auth: { kind: 'platform', role: 'support' },
  params: AdminOrgParams,
  response: AdminOrgDetail,
  successStatus: 200,
  errors: [404],
});

export const suspendOrg = route({
  operationId: 'suspendOrg',
  method: 'POST',
  path: '/admin/orgs/{orgId}/suspend',
  module: 'admin',
  summary:
    'Suspend an organization: its members and API clients get 403 on every org route, its agents stop running and its numbers take no calls; data is kept',
  auth: { kind: 'platform', role: 'admin' },
  params: AdminOrgParams,
  response: Organization,
  successStatus: 200,
  // 502: LiveKit failed to delete a number's dispatch rule (everything put back).
  errors: [404, 409, 412, 502],
});

export const reactivateOrg = route({
  operationId: 'reactivateOrg',
  method: 'POST',
  path: '/admin/orgs/{orgId}/reactivate',
  module: 'admin',
  summary: 'Reactivate a suspended organization (its numbers’ dispatch rules made again)',
  auth: { kind: 'platform', role: 'admin' },
  params: AdminOrgParams,
  response: Organization,
  successStatus: 200,
  // 502: LiveKit refused to make a number's dispatch rule again (everything put back).
  errors: [404, 409, 412, 502],
});

export const setOrgPlan = route({
  operationId: 'setOrgPlan',
  method: 'PUT',
  path: '/admin/orgs/{orgId}/plan',
  module: 'admin',
  summary: 'Set an organization’s plan and SAML entitlement (honours If-Match)',
  auth: { kind: 'platform', role: 'admin' },
  params: AdminOrgParams,
  body: SetPlanBody,
  response: Organization,
  successStatus: 200,
  errors: [404, 412, 422],
});

export const findUsersAsAdmin = route({
  operationId: 'findUsersAsAdmin',
  method: 'GET',
  path: '/admin/users',
  module: 'admin',
  summary: 'The people signed in with this email, their platform role and organizations',
  auth: { kind: 'platform', role: 'support' },
  query: AdminUserQuery,
  response: AdminUserList,
  successStatus: 200,
});

export const listPlatformAdmins = route({
  operationId: 'listPlatformAdmins',
  method: 'GET',
  path: '/admin/admins',
  module: 'admin',
  summary: 'The platform’s admins (granted roles; the configured superadmin is not a grant)',
  auth: { kind: 'platform', role: 'support' },
  query: ListQuery,
  response: PlatformAdminList,
  successStatus: 200,
});

export const grantPlatformRole = route({
  operationId: 'grantPlatformRole',
  method: 'POST',
  path: '/admin/admins',
  module: 'admin',
  summary: 'Grant or change a person’s platform role (by user id, or by the email they signed in with)',
  auth: { kind: 'platform', role: 'superadmin' },
  body: GrantPlatformRoleBody,
  response: PlatformAdmin,
  successStatus: 200,
  errors: [404, 422],
});

export const revokePlatformRole = route({
  operationId: 'revokePlatformRole',
  method: 'DELETE',
  path: '/admin/admins/{userId}',
  module: 'admin',
  summary: 'Take a person’s platform role away',
  auth: { kind: 'platform', role: 'superadmin' },
  params: PlatformAdminParams,
  successStatus: 204,
  errors: [404, 422],
});

export const listPlatformAudit = route({
  operationId: 'listPlatformAudit',
  method: 'GET',
  path: '/admin/audit',
  module: 'admin',
  summary: 'The platform audit log: every platform admin’s actions and cross-tenant reads, newest first',
  auth: { kind: 'platform', role: 'support' },
  query: PlatformAuditQuery,
  response: PlatformAuditList,
  successStatus: 200,
});
