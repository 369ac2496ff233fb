/**
 * Org API clients (machine callers with the client-credentials grant) and the voice runtime's
 * read of an agent. README "Machine callers" has the design.
 */
import { route } from '../route';
import { RuntimeAgent, RuntimeAgentParams } from '../schemas/agents';
import { ApiClient, ApiClientParams, CreateApiClientBody, CreatedApiClient } from '../schemas/api-clients';
import { ListQuery, page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';

export const createApiClient = route({
  operationId: 'createApiClient',
  method: 'POST',
  path: '/orgs/{orgId}/api-clients',
  module: 'api-clients',
  summary:
    'Create an API client acting in this org with a role; the answer holds its client secret, shown this once',
  auth: { kind: 'org', permission: 'apiClients:manage' },
  params: OrgParams,
  body: CreateApiClientBody,
  response: CreatedApiClient,
  successStatus: 201,
  errors: [422, 502],
});

export const listApiClients = route({
  operationId: 'listApiClients',
  method: 'GET',
  path: '/orgs/{orgId}/api-clients',
  module: 'api-clients',
  summary: 'The org’s API clients, a page at a time (never their secrets)',
  auth: { kind: 'org', permission: 'apiClients:read' },
  params: OrgParams,
  query: ListQuery,
  response: page(ApiClient),
  successStatus: 200,
});

export const deleteApiClient = route({
  operationId: 'deleteApiClient',
  method: 'DELETE',
  path: '/orgs/{orgId}/api-clients/{clientId}',
  module: 'api-clients',
  summary: 'Delete the API client: its tokens stop working at once and it can get no new ones',
  auth: { kind: 'org', permission: 'apiClients:manage' },
  params: ApiClientParams,
  successStatus: 204,
  errors: [502],
});

export const getRuntimeAgent = route({
  operationId: 'getRuntimeAgent',
  method: 'GET',
  path: '/runtime/agents/{agentId}',
  module: 'runtime',
  summary: 'For the platform voice runtime only: the agent, its configuration and its provider keys in clear',
  auth: { kind: 'runtime' },
  params: RuntimeAgentParams,
  response: RuntimeAgent,
  successStatus: 200,
  errors: [404],
});
