/** Phone numbers: each belongs to one org platform-wide and may be assigned to one of its agents. */
import { route } from '../route';
import { page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';
import {
  CreatePhoneNumberBody,
  PhoneNumber,
  PhoneNumberListQuery,
  PhoneNumberParams,
  UpdatePhoneNumberBody,
} from '../schemas/phone-numbers';

export const createPhoneNumber = route({
  operationId: 'createPhoneNumber',
  method: 'POST',
  path: '/orgs/{orgId}/phone-numbers',
  module: 'phone-numbers',
  summary: 'Add a number (within the plan’s maxPhoneNumbers); a number belongs to one org platform-wide',
  auth: { kind: 'org', permission: 'phoneNumbers:manage' },
  params: OrgParams,
  body: CreatePhoneNumberBody,
  response: PhoneNumber,
  successStatus: 201,
  errors: [409, 422],
});

export const listPhoneNumbers = route({
  operationId: 'listPhoneNumbers',
  method: 'GET',
  path: '/orgs/{orgId}/phone-numbers',
  module: 'phone-numbers',
  summary: 'The org’s numbers, a page at a time, optionally only those of one agent',
  auth: { kind: 'org', permission: 'phoneNumbers:read' },
  params: OrgParams,
  query: PhoneNumberListQuery,
  response: page(PhoneNumber),
  successStatus: 200,
});

export const updatePhoneNumber = route({
  operationId: 'updatePhoneNumber',
  method: 'PATCH',
  path: '/orgs/{orgId}/phone-numbers/{e164}',
  module: 'phone-numbers',
  summary:
    'Assign the number (URL-encoded: %2B…) to one of the org’s own agents, or unassign it with agentId null (honours If-Match)',
  auth: { kind: 'org', permission: 'phoneNumbers:manage' },
  params: PhoneNumberParams,
  body: UpdatePhoneNumberBody,
  response: PhoneNumber,
  successStatus: 200,
  // 502: LiveKit refused or failed to (re)route the number's calls (a SIP trunk is configured).
  errors: [409, 412, 502],
});

export const deletePhoneNumber = route({
  operationId: 'deletePhoneNumber',
  method: 'DELETE',
  path: '/orgs/{orgId}/phone-numbers/{e164}',
  module: 'phone-numbers',
  summary: 'Release the number (honours If-Match): any org may add it afterwards',
  auth: { kind: 'org', permission: 'phoneNumbers:manage' },
  params: PhoneNumberParams,
  successStatus: 204,
  // 502: LiveKit refused or failed to delete the number's dispatch rule.
  errors: [412, 502],
});
