/** AI agents: the agents of an org, their speech configuration and write-only provider keys. */
import * as z from 'zod/mini';
import { route } from '../route';
import {
  Agent,
  AgentConfigBody,
  AgentListQuery,
  AgentParams,
  AgentProviders,
  AgentShare,
  AgentShareParams,
  CreateAgentBody,
  ShareAgentBody,
  UpdateAgentBody,
} from '../schemas/agents';
import { page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';

export const listAgentProviders = route({
  operationId: 'listAgentProviders',
  method: 'GET',
  path: '/agent-providers',
  module: 'agents',
  summary: 'The speech providers agents may use, with their models and fixed voices',
  auth: { kind: 'user' },
  response: AgentProviders,
  successStatus: 200,
});

export const createAgent = route({
  operationId: 'createAgent',
  method: 'POST',
  path: '/orgs/{orgId}/agents',
  module: 'agents',
  summary: 'Create an agent (within the plan’s maxAgents); a chatbot key is stored write-only',
  auth: { kind: 'org', permission: 'agents:create' },
  params: OrgParams,
  body: CreateAgentBody,
  response: Agent,
  successStatus: 201,
  errors: [422],
});

export const listAgents = route({
  operationId: 'listAgents',
  method: 'GET',
  path: '/orgs/{orgId}/agents',
  module: 'agents',
  summary: 'The org’s agents, a page at a time, optionally by status and type',
  auth: { kind: 'org', permission: 'agents:read' },
  params: OrgParams,
  query: AgentListQuery,
  response: page(Agent),
  successStatus: 200,
});

export const getAgent = route({
  operationId: 'getAgent',
  method: 'GET',
  path: '/orgs/{orgId}/agents/{agentId}',
  module: 'agents',
  summary: 'An agent with its configuration; keys only as set/last4',
  auth: { kind: 'org', permission: 'agents:read' },
  params: AgentParams,
  response: Agent,
  successStatus: 200,
});

export const updateAgent = route({
  operationId: 'updateAgent',
  method: 'PATCH',
  path: '/orgs/{orgId}/agents/{agentId}',
  module: 'agents',
  summary: 'Change an agent (honours If-Match); chatbotKey null clears it',
  auth: { kind: 'org', permission: 'agents:update' },
  params: AgentParams,
  body: UpdateAgentBody,
  response: Agent,
  successStatus: 200,
  errors: [409, 412, 422],
});

export const deleteAgent = route({
  operationId: 'deleteAgent',
  method: 'DELETE',
  path: '/orgs/{orgId}/agents/{agentId}',
  module: 'agents',
  summary:
    'Delete an agent (honours If-Match): marked deleted, its keys scheduled for deletion, its seat freed',
  auth: { kind: 'org', permission: 'agents:delete' },
  params: AgentParams,
  successStatus: 204,
  errors: [409, 412],
});

export const configureAgent = route({
  operationId: 'configureAgent',
  method: 'PUT',
  path: '/orgs/{orgId}/agents/{agentId}/config',
  module: 'agents',
  summary:
    'Set the text-to-speech and speech-to-text configuration (honours If-Match); apiKey null clears it',
  auth: { kind: 'org', permission: 'agents:configure' },
  params: AgentParams,
  body: AgentConfigBody,
  response: Agent,
  successStatus: 200,
  errors: [409, 412],
});

export const shareAgent = route({
  operationId: 'shareAgent',
  method: 'POST',
  path: '/orgs/{orgId}/agents/{agentId}/shares',
  module: 'agents',
  summary: 'Share the agent into another org the caller is an admin of; it is read-only there',
  auth: { kind: 'org', permission: 'agents:share' },
  params: AgentParams,
  body: ShareAgentBody,
  response: AgentShare,
  successStatus: 201,
  errors: [409, 422],
});

export const listAgentShares = route({
  operationId: 'listAgentShares',
  method: 'GET',
  path: '/orgs/{orgId}/agents/{agentId}/shares',
  module: 'agents',
  summary: 'The orgs the agent is shared into',
  auth: { kind: 'org', permission: 'agents:share' },
  params: AgentParams,
  response: z.object({ items: z.array(AgentShare) }),
  successStatus: 200,
});

export const unshareAgent = route({
  operationId: 'unshareAgent',
  method: 'DELETE',
  path: '/orgs/{orgId}/agents/{agentId}/shares/{targetOrgId}',
  module: 'agents',
  summary: 'Stop sharing the agent with an org',
  auth: { kind: 'org', permission: 'agents:share' },
  params: AgentShareParams,
  successStatus: 204,
});
