/** Prompts: an org's system prompts for its agents, each change an immutable version. */
import { route } from '../route';
import { page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';
import {
  CreatePromptBody,
  Prompt,
  PromptListQuery,
  PromptParams,
  PromptVersion,
  PromptVersionParams,
  UpdatePromptBody,
} from '../schemas/prompts';

export const createPrompt = route({
  operationId: 'createPrompt',
  method: 'POST',
  path: '/orgs/{orgId}/prompts',
  module: 'prompts',
  summary: 'Create a prompt; its text becomes version 1',
  auth: { kind: 'org', permission: 'prompts:write' },
  params: OrgParams,
  body: CreatePromptBody,
  response: Prompt,
  successStatus: 201,
});

export const listPrompts = route({
  operationId: 'listPrompts',
  method: 'GET',
  path: '/orgs/{orgId}/prompts',
  module: 'prompts',
  summary: 'The org’s prompts at their latest version, a page at a time',
  auth: { kind: 'org', permission: 'prompts:read' },
  params: OrgParams,
  query: PromptListQuery,
  response: page(Prompt),
  successStatus: 200,
});

export const getPrompt = route({
  operationId: 'getPrompt',
  method: 'GET',
  path: '/orgs/{orgId}/prompts/{promptId}',
  module: 'prompts',
  summary: 'A prompt at its latest version, with the agents using it',
  auth: { kind: 'org', permission: 'prompts:read' },
  params: PromptParams,
  response: Prompt,
  successStatus: 200,
});

export const updatePrompt = route({
  operationId: 'updatePrompt',
  method: 'PATCH',
  path: '/orgs/{orgId}/prompts/{promptId}',
  module: 'prompts',
  summary: 'Change a prompt (honours If-Match): writes the next version; earlier ones never change',
  auth: { kind: 'org', permission: 'prompts:write' },
  params: PromptParams,
  body: UpdatePromptBody,
  response: Prompt,
  successStatus: 200,
  errors: [409, 412],
});

export const deletePrompt = route({
  operationId: 'deletePrompt',
  method: 'DELETE',
  path: '/orgs/{orgId}/prompts/{promptId}',
  module: 'prompts',
  summary:
    'Delete a prompt and its versions (honours If-Match); refused (409, naming them) while agents use it',
  auth: { kind: 'org', permission: 'prompts:write' },
  params: PromptParams,
  successStatus: 204,
  errors: [409, 412],
});

export const listPromptVersions = route({
  operationId: 'listPromptVersions',
  method: 'GET',
  path: '/orgs/{orgId}/prompts/{promptId}/versions',
  module: 'prompts',
  summary: 'A prompt’s versions, newest first, a page at a time',
  auth: { kind: 'org', permission: 'prompts:read' },
  params: PromptParams,
  query: PromptListQuery,
  response: page(PromptVersion),
  successStatus: 200,
});

export const getPromptVersion = route({
  operationId: 'getPromptVersion',
  method: 'GET',
  path: '/orgs/{orgId}/prompts/{promptId}/versions/{version}',
  module: 'prompts',
  summary: 'One version of a prompt, as it was written',
  auth: { kind: 'org', permission: 'prompts:read' },
  params: PromptVersionParams,
  response: PromptVersion,
  successStatus: 200,
});
