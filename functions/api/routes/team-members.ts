/** Team members (issue 25): the org's people, with or without logins, whom sales credit and tasks name. */
import { route } from '../route';
import { page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';
import {
  CreateTeamMemberBody,
  TeamMember,
  TeamMemberListQuery,
  TeamMemberParams,
  UpdateTeamMemberBody,
} from '../schemas/team-members';

export const createTeamMember = route({
  operationId: 'createTeamMember',
  method: 'POST',
  path: '/orgs/{orgId}/team-members',
  module: 'team-members',
  summary:
    'Add a person of the org; email, each external id (per source) and a linked login are unique in the org (409 naming the field)',
  auth: { kind: 'org', permission: 'teamMembers:write' },
  params: OrgParams,
  body: CreateTeamMemberBody,
  response: TeamMember,
  successStatus: 201,
  errors: [409],
});

export const listTeamMembers = route({
  operationId: 'listTeamMembers',
  method: 'GET',
  path: '/orgs/{orgId}/team-members',
  module: 'team-members',
  summary: 'The org’s people, a page at a time in creation order: all, by type (and status) or by status',
  auth: { kind: 'org', permission: 'teamMembers:read' },
  params: OrgParams,
  query: TeamMemberListQuery,
  response: page(TeamMember),
  successStatus: 200,
});

export const getTeamMember = route({
  operationId: 'getTeamMember',
  method: 'GET',
  path: '/orgs/{orgId}/team-members/{teamMemberId}',
  module: 'team-members',
  summary: 'A person of the org',
  auth: { kind: 'org', permission: 'teamMembers:read' },
  params: TeamMemberParams,
  response: TeamMember,
  successStatus: 200,
});

export const updateTeamMember = route({
  operationId: 'updateTeamMember',
  method: 'PATCH',
  path: '/orgs/{orgId}/team-members/{teamMemberId}',
  module: 'team-members',
  summary: 'Change a person (honours If-Match); uniqueness as on creation',
  auth: { kind: 'org', permission: 'teamMembers:write' },
  params: TeamMemberParams,
  body: UpdateTeamMemberBody,
  response: TeamMember,
  successStatus: 200,
  errors: [409, 412],
});

export const deleteTeamMember = route({
  operationId: 'deleteTeamMember',
  method: 'DELETE',
  path: '/orgs/{orgId}/team-members/{teamMemberId}',
  module: 'team-members',
  summary: 'Remove a person (honours If-Match); their email, external ids and login become free',
  auth: { kind: 'org', permission: 'teamMembers:write' },
  params: TeamMemberParams,
  successStatus: 204,
  errors: [409, 412],
});
