import { monthlyTokens } from '../api/plans';
import {
  createConversation,
  getConversation,
  getConversationSummary,
  getConversationUsage,
  listConversationMessages,
  listConversations,
  sendMessage,
} from '../api/routes/conversations';
import { actorIdOf } from '../api/schemas/audit';
import * as agents from '../data/agents';
import * as conversations from '../data/conversations';
import { sharedUseRefusal } from '../domain/agents';
import { summarizeConversations } from '../domain/conversation-summary';
import { conversationRefusals, monthOf, newConversation } from '../domain/conversations';
import { bucketRange } from '../domain/day-buckets';
import { enforce, refusals } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';
import { answerTurn } from './turns/message-turn';

export const handler = httpHandler([
  implement(createConversation, async ({ params, body, audit, now }) => {
    const agent = found(await agents.getAgent(params.orgId, params.agentId));
    enforce(sharedUseRefusal(agent));
    enforce(conversationRefusals.inactiveAgent(agent));
    // Built first for its actor: a conversation is started by a person or by an org API client.
    const draft = audit({ action: 'conversation.started', target: { type: 'agent', id: agent.id } });
    const createdBy =
      'userId' in draft.actor
        ? { kind: 'member' as const, id: draft.actor.userId }
        : { kind: 'apiClient' as const, id: actorIdOf(draft.actor) };
    const conversation = newConversation(params.orgId, agent.id, body, createdBy, now);
    await conversations.createConversation(conversation, {
      ...draft,
      target: { type: 'conversation', id: conversation.id },
      after: { agentId: agent.id, channel: conversation.channel },
    });
    return { body: conversation };
  }),

  implement(getConversation, async ({ params }) => ({
    body: found(await conversations.getConversation(params.orgId, params.agentId, params.conversationId)),
  })),

  implement(listConversationMessages, async ({ params, query }) => {
    const [conversation, page] = await Promise.all([
      conversations.getConversation(params.orgId, params.agentId, params.conversationId),
      conversations.listMessages(params.orgId, params.conversationId, query),
    ]);
    found(conversation);
    return { body: page };
  }),

  implement(sendMessage, async ({ params, body, now, actor }) => ({
    body: await answerTurn({ ...params, text: body.text, via: 'text', actor, now }),
  })),

  implement(listConversations, async ({ params, query }) => ({
    body: await conversations.listConversations(params.orgId, query),
  })),

  implement(getConversationSummary, async ({ params, query }) => {
    const { first, last } = bucketRange(query.from, query.to, query.tz);
    const counters = await conversations.readConversationCounters(params.orgId, first, last);
    return { body: summarizeConversations(query.from, query.to, query.tz, counters) };
  }),

  implement(getConversationUsage, async ({ params, query, now }) => {
    const month = query.month ?? monthOf(now);
    const { plan, usage } = await conversations.usageOf(params.orgId, month);
    if (!plan) throw refusals.notFound();
    const used = usage.inputTokens + usage.outputTokens;
    return {
      body: {
        month,
        plan,
        monthlyTokens: monthlyTokens[plan],
        usedTokens: used,
        remainingTokens: Math.max(0, monthlyTokens[plan] - used),
        ...usage,
      },
    };
  }),
]);
