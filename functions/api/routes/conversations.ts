/** Conversations with agents: chat sessions, their messages (answered by the agent's LLM) and token usage. */
import { route } from '../route';
import { DayRangeQuery, ListQuery, page } from '../schemas/common';
import {
  AgentConversationParams,
  Conversation,
  ConversationListQuery,
  ConversationMessage,
  ConversationParams,
  ConversationSummary,
  ConversationUsage,
  CreateConversationBody,
  Exchange,
  SendMessageBody,
  UsageQuery,
} from '../schemas/conversations';
import { OrgParams } from '../schemas/orgs';

export const createConversation = route({
  operationId: 'createConversation',
  method: 'POST',
  path: '/orgs/{orgId}/agents/{agentId}/conversations',
  module: 'conversations',
  summary: 'Start a conversation with an agent (the org’s own or one shared into it)',
  auth: { kind: 'org', permission: 'conversations:chat' },
  params: AgentConversationParams,
  body: CreateConversationBody,
  response: Conversation,
  successStatus: 201,
  errors: [422],
});

export const getConversation = route({
  operationId: 'getConversation',
  method: 'GET',
  path: '/orgs/{orgId}/agents/{agentId}/conversations/{conversationId}',
  module: 'conversations',
  summary: 'A conversation with its counts and token totals',
  auth: { kind: 'org', permission: 'conversations:read' },
  params: ConversationParams,
  response: Conversation,
  successStatus: 200,
});

export const listConversationMessages = route({
  operationId: 'listConversationMessages',
  method: 'GET',
  path: '/orgs/{orgId}/agents/{agentId}/conversations/{conversationId}/messages',
  module: 'conversations',
  summary: 'A conversation’s messages, oldest first, a page at a time',
  auth: { kind: 'org', permission: 'conversations:read' },
  params: ConversationParams,
  query: ListQuery,
  response: page(ConversationMessage),
  successStatus: 200,
});

export const sendMessage = route({
  operationId: 'sendMessage',
  method: 'POST',
  path: '/orgs/{orgId}/agents/{agentId}/conversations/{conversationId}/messages',
  module: 'conversations',
  summary:
    'Send a message and get the agent’s reply whole, with the knowledge passages it was given (citations), tokens and latency; the message is stored before the model is called, and a failed reply is stored as failed (502/503)',
  auth: { kind: 'org', permission: 'conversations:chat' },
  params: ConversationParams,
  body: SendMessageBody,
  response: Exchange,
  successStatus: 201,
  errors: [422, 429, 502],
});

export const listConversations = route({
  operationId: 'listConversations',
  method: 'GET',
  path: '/orgs/{orgId}/conversations',
  module: 'conversations',
  summary: 'The org’s conversations, newest first: all, by agent, or started on one UTC day',
  auth: { kind: 'org', permission: 'conversations:read' },
  params: OrgParams,
  query: ConversationListQuery,
  response: page(Conversation),
  successStatus: 200,
});

export const getConversationUsage = route({
  operationId: 'getConversationUsage',
  method: 'GET',
  path: '/orgs/{orgId}/conversations/usage',
  module: 'conversations',
  summary: 'Model tokens used in a UTC month against the plan’s monthly budget',
  auth: { kind: 'org', permission: 'conversations:read' },
  params: OrgParams,
  query: UsageQuery,
  response: ConversationUsage,
  successStatus: 200,
});

export const getConversationSummary = route({
  operationId: 'getConversationSummary',
  method: 'GET',
  path: '/orgs/{orgId}/conversations/summary',
  module: 'conversations',
  summary:
    'Conversations started and replies answered or failed per local day of [from, to) in tz and per agent, with tokens and latency (from counters kept on write)',
  auth: { kind: 'org', permission: 'conversations:read' },
  params: OrgParams,
  query: DayRangeQuery,
  response: ConversationSummary,
  successStatus: 200,
});
