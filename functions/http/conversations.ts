import { readAgentKeys } from '../adapters/agent-keys';
import { llmFor } from '../adapters/llm';
import { conversationReplyStream } from '../adapters/reply-stream';
import { defaultLlm } from '../api/llm';
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
import * as agents from '../data/agents';
import * as conversations from '../data/conversations';
import { retrieveForAgent } from '../data/knowledge';
import * as orgs from '../data/orgs';
import { systemPromptOf } from '../data/prompts';
import { sharedUseRefusal } from '../domain/agents';
import { summarizeConversations } from '../domain/conversation-summary';
import {
  citationsOf,
  conversationRefusals,
  failedReply,
  historyWindow,
  messageRate,
  monthOf,
  newConversation,
  replyMessage,
  systemPrompt,
  tokenReservation,
  userMessage,
} from '../domain/conversations';
import { bucketRange } from '../domain/day-buckets';
import { enforce, Refusal, refusals } from '../domain/refusal';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

/** What a failed reply records: a Refusal's own sentence, never an unknown error's text. */
const reasonOf = (error: unknown) =>
  error instanceof Refusal ? error.message : 'The reply could not be made; try again.';

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
        : { kind: 'apiClient' as const, id: draft.actor.apiClientId };
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

  implement(sendMessage, async ({ params, body, now, actor }) => {
    const settings = config().conversations;
    const [agent, history, org] = await Promise.all([
      agents.getAgent(params.orgId, params.agentId),
      conversations.recentMessages(params.orgId, params.conversationId, settings.historyMessages),
      orgs.getOrg(params.orgId),
    ]);
    if (!agent || !org) throw refusals.notFound();
    enforce(sharedUseRefusal(agent));
    enforce(conversationRefusals.inactiveAgent(agent));
    const llmSettings = agent.llm ?? defaultLlm;
    // A shared-in agent brings its owner's prompt, and only the knowledge limited to it by name.
    // Read before the question is stored: what the model will be sent sizes the reservation.
    const [retrieved, prompt] = await Promise.all([
      retrieveForAgent(params.orgId, agent, body.text, settings.passages),
      systemPromptOf(agent.orgId, agent.prompt),
    ]);
    const request = {
      system: systemPrompt(agent, prompt?.text ?? null, retrieved.passages),
      messages: [
        ...historyWindow(history, { maxMessages: settings.historyMessages, maxChars: settings.historyChars }),
        { role: 'user' as const, text: body.text },
      ],
      temperature: llmSettings.temperature,
      maxTokens: llmSettings.maxTokens,
    };
    const usage = { month: monthOf(now), reserved: tokenReservation(request) };
    const question = userMessage(params.conversationId, body.text, now);
    // Stored before the model is called, whatever happens next, with the most the message may
    // spend reserved against the month's budget, so concurrent messages cannot pass it together.
    await conversations.appendQuestion(params.orgId, agent.id, question, {
      rate: messageRate(settings.messagesPerOrgPerMinute),
      monthlyTokens: monthlyTokens[org.plan],
      now,
      ...usage,
    });

    // Streamed to the admin site's chat page while the model writes; an API client takes the
    // answer whole, so nothing is published for it (nobody would be listening).
    const stream =
      'userId' in actor
        ? conversationReplyStream(params.orgId, params.conversationId, question.id)
        : undefined;
    const started = Date.now();
    let model = llmSettings.provider === 'bedrock' ? `bedrock:${llmSettings.modelId}` : 'openai-compatible';
    const citations = citationsOf('', retrieved.passages);
    try {
      const apiKey =
        llmSettings.provider === 'openai-compatible'
          ? (await readAgentKeys(agent.orgId, agent.id)).llm
          : undefined;
      const llm = llmFor(agent.llm, apiKey);
      model = llm.model;
      const answer = await llm.complete({ ...request, onDelta: stream?.onDelta });
      const reply = replyMessage(
        question,
        answer,
        { citations: citationsOf(answer.text, retrieved.passages), model, latencyMs: Date.now() - started },
        new Date(),
      );
      await conversations.appendReply(params.orgId, agent.id, reply, usage);
      await stream?.done(reply.id);
      return { body: { message: question, reply } };
    } catch (error) {
      const reason = reasonOf(error);
      const failed = failedReply(
        question,
        reason,
        { model, latencyMs: Date.now() - started, citations },
        new Date(),
      );
      try {
        // Releases the whole reservation: a failed reply spent nothing of the budget.
        await conversations.appendReply(params.orgId, agent.id, failed, usage);
      } catch (storing) {
        logger.warn('failed reply not stored', { conversationId: params.conversationId, error: storing });
      }
      await stream?.failed(reason);
      throw error;
    }
  }),

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
