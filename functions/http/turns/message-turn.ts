/**
 * One turn of a conversation, the same whichever way the question came (typed: POST …/messages;
 * spoken: POST …/voice): the agent's prompt and the passages retrieved for the question, the
 * history window, the question stored with the rate bucket and the token reservation before the
 * model is called, the reply (or its failure) stored settling the reservation, and the reply
 * streamed to the admin site while the model writes.
 */
import { readAgentKeys } from '../../adapters/agent-keys';
import { llmFor } from '../../adapters/llm';
import { conversationReplyStream } from '../../adapters/reply-stream';
import { defaultLlm } from '../../api/llm';
import { monthlyTokens } from '../../api/plans';
import type { AuditActor } from '../../api/schemas/audit';
import type { ConversationMessage, MessageVia } from '../../api/schemas/conversations';
import * as agents from '../../data/agents';
import * as conversations from '../../data/conversations';
import { retrieveForAgent } from '../../data/knowledge';
import * as orgs from '../../data/orgs';
import { systemPromptOf } from '../../data/prompts';
import { type AgentKeys, type AgentState, sharedUseRefusal } from '../../domain/agents';
import {
  citationsOf,
  conversationRefusals,
  failedReply,
  historyWindow,
  messageRate,
  monthOf,
  replyMessage,
  systemPrompt,
  tokenReservation,
  userMessage,
} from '../../domain/conversations';
import { enforce, Refusal, refusals } from '../../domain/refusal';
import { config } from '../../lib/config';
import { logger } from '../../lib/logger';

/** What a failed reply records: a Refusal's own sentence, never an unknown error's text. */
const reasonOf = (error: unknown) =>
  error instanceof Refusal ? error.message : 'The reply could not be made; try again.';

export interface TurnInput {
  orgId: string;
  agentId: string;
  conversationId: string;
  /** The question: typed, or the transcript of what was said. */
  text: string;
  via: MessageVia;
  actor: AuditActor;
  now: Date;
  /** The agent, when the caller has read it already (a voice turn reads it for its speech settings). */
  agent?: AgentState;
  /** The agent's keys, when the caller has read them already. */
  keys?: AgentKeys;
  /** Given: the model's reply is streamed, each piece handed here as it arrives (beside the site's stream). */
  onDelta?: (text: string) => void;
}

export interface TurnResult {
  message: ConversationMessage;
  reply: ConversationMessage;
  /** From the model called to its first piece of text, when the reply was streamed. */
  firstTokenMs: number | null;
}

/** Reads the agent and refuses one that cannot chat (shared-in for another use, or inactive). */
export async function chattableAgent(orgId: string, agentId: string): Promise<AgentState> {
  const agent = await agents.getAgent(orgId, agentId);
  if (!agent) throw refusals.notFound();
  enforce(sharedUseRefusal(agent));
  enforce(conversationRefusals.inactiveAgent(agent));
  return agent;
}

export async function answerTurn(input: TurnInput): Promise<TurnResult> {
  const { orgId, conversationId, now } = input;
  const settings = config().conversations;
  const [agent, history, org] = await Promise.all([
    input.agent ?? agents.getAgent(orgId, input.agentId),
    conversations.recentMessages(orgId, conversationId, settings.historyMessages),
    orgs.getOrg(orgId),
  ]);
  if (!agent || !org) throw refusals.notFound();
  enforce(sharedUseRefusal(agent));
  enforce(conversationRefusals.inactiveAgent(agent));
  const llmSettings = agent.llm ?? defaultLlm;
  // A shared-in agent brings its owner's prompt, and only the knowledge limited to it by name.
  // Read before the question is stored: what the model will be sent sizes the reservation.
  const [retrieved, prompt] = await Promise.all([
    retrieveForAgent(orgId, agent, input.text, settings.passages),
    systemPromptOf(agent.orgId, agent.prompt),
  ]);
  const request = {
    system: systemPrompt(agent, prompt?.text ?? null, retrieved.passages),
    messages: [
      ...historyWindow(history, { maxMessages: settings.historyMessages, maxChars: settings.historyChars }),
      { role: 'user' as const, text: input.text },
    ],
    temperature: llmSettings.temperature,
    maxTokens: llmSettings.maxTokens,
  };
  const usage = { month: monthOf(now), reserved: tokenReservation(request) };
  const question = userMessage(conversationId, input.text, now, input.via);
  // Stored before the model is called, whatever happens next, with the most the message may
  // spend reserved against the month's budget, so concurrent messages cannot pass it together.
  await conversations.appendQuestion(orgId, agent.id, question, {
    rate: messageRate(settings.messagesPerOrgPerMinute),
    monthlyTokens: monthlyTokens[org.plan],
    now,
    ...usage,
  });

  // Streamed to the admin site's chat page while the model writes; an API client takes the
  // answer whole, so nothing is published for it (nobody would be listening).
  const stream =
    'userId' in input.actor ? conversationReplyStream(orgId, conversationId, question.id) : undefined;
  const started = Date.now();
  let firstTokenMs: number | null = null;
  const onDelta =
    stream || input.onDelta
      ? (text: string) => {
          firstTokenMs ??= Date.now() - started;
          stream?.onDelta(text);
          input.onDelta?.(text);
        }
      : undefined;
  let model = llmSettings.provider === 'bedrock' ? `bedrock:${llmSettings.modelId}` : 'openai-compatible';
  const citations = citationsOf('', retrieved.passages);
  try {
    const apiKey =
      llmSettings.provider === 'openai-compatible'
        ? (input.keys ?? (await readAgentKeys(agent.orgId, agent.id))).llm
        : undefined;
    const llm = llmFor(agent.llm, apiKey);
    model = llm.model;
    const answer = await llm.complete({ ...request, onDelta });
    const reply = replyMessage(
      question,
      answer,
      { citations: citationsOf(answer.text, retrieved.passages), model, latencyMs: Date.now() - started },
      new Date(),
    );
    await conversations.appendReply(orgId, agent.id, reply, usage);
    await stream?.done(reply.id);
    return { message: question, reply, firstTokenMs };
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
      await conversations.appendReply(orgId, agent.id, failed, usage);
    } catch (storing) {
      logger.warn('failed reply not stored', { conversationId, error: storing });
    }
    await stream?.failed(reason);
    throw error;
  }
}
