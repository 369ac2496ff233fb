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
import type { ConversationMessage, MessageVia, ToolCall } from '../../api/schemas/conversations';
import * as agents from '../../data/agents';
import * as conversations from '../../data/conversations';
import { retrieveForAgent } from '../../data/knowledge';
import * as orgs from '../../data/orgs';
import { systemPromptOf } from '../../data/prompts';
import { maxModelCalls } from '../../domain/agent-tools';
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
import type { ChatTurn, ToolSpec, ToolUse } from '../../domain/llm';
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
  /** Given: the model may call these tools; each call is run through `run` (agent-tools.ts). */
  tools?: { specs: readonly ToolSpec[]; instructions: string; run(use: ToolUse): Promise<ToolCall> };
  /**
   * The question is stored beside the model request instead of before it (the voice worker's turn:
   * the caller is waiting). Text is held back until it is stored, no tool runs before, and a
   * refusal (rate, budget) aborts the model and stores nothing.
   */
  storeBeside?: boolean;
}

export interface TurnResult {
  message: ConversationMessage;
  reply: ConversationMessage;
  /** From the model called to its first piece of text, when the reply was streamed. */
  firstTokenMs: number | null;
}

/** Whether the question was stored: awaited before tools run and before the reply is stored. */
function storedBeside(store: Promise<void>, abort: AbortController) {
  let stored = false;
  const held: (() => void)[] = [];
  const done = store.then(() => {
    stored = true;
    for (const release of held.splice(0)) release();
  });
  // A refused question stops the model; `done` still rejects for whoever awaits it.
  done.catch(() => abort.abort());
  return {
    done,
    /** Runs now if the question is stored, else as soon as it is. */
    after(run: () => void) {
      if (stored) run();
      else held.push(run);
    },
  };
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
  const system = systemPrompt(agent, prompt?.text ?? null, retrieved.passages);
  const request = {
    system: input.tools ? `${system}\n${input.tools.instructions}\n` : system,
    messages: [
      ...historyWindow(history, { maxMessages: settings.historyMessages, maxChars: settings.historyChars }),
      { role: 'user' as const, text: input.text },
    ],
    temperature: llmSettings.temperature,
    maxTokens: llmSettings.maxTokens,
  };
  // With tools the model may be called up to maxModelCalls times, each sending the request again.
  const calls = input.tools ? maxModelCalls : 1;
  const usage = { month: monthOf(now), reserved: tokenReservation(request) * calls };
  const question = userMessage(conversationId, input.text, now, input.via);
  // Stored with the most the message may spend reserved against the month's budget, so
  // concurrent messages cannot pass it together: before the model is called, or beside it.
  const storing = conversations.appendQuestion(orgId, agent.id, question, {
    rate: messageRate(settings.messagesPerOrgPerMinute),
    monthlyTokens: monthlyTokens[org.plan],
    now,
    ...usage,
  });
  const abort = new AbortController();
  if (!input.storeBeside) await storing;
  const question$ = storedBeside(storing, abort);

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
          question$.after(() => {
            stream?.onDelta(text);
            input.onDelta?.(text);
          });
        }
      : undefined;
  let model = llmSettings.provider === 'bedrock' ? `bedrock:${llmSettings.modelId}` : 'openai-compatible';
  const citations = citationsOf('', retrieved.passages);
  const toolCalls: ToolCall[] = [];
  try {
    const apiKey =
      llmSettings.provider === 'openai-compatible'
        ? (input.keys ?? (await readAgentKeys(agent.orgId, agent.id))).llm
        : undefined;
    const llm = llmFor(agent.llm, apiKey);
    model = llm.model;
    const messages: ChatTurn[] = [...request.messages];
    const answer = { text: '', inputTokens: 0, outputTokens: 0 };
    for (let call = 1; call <= calls; call++) {
      const step = await llm.complete({
        ...request,
        messages,
        onDelta,
        signal: abort.signal,
        ...(input.tools ? { tools: input.tools.specs } : {}),
      });
      answer.text += step.text;
      answer.inputTokens += step.inputTokens;
      answer.outputTokens += step.outputTokens;
      if (!input.tools || step.toolCalls.length === 0 || call === calls) break;
      // Nothing is done for a question that was not stored (refused by the rate or the budget).
      await question$.done;
      const ran: ToolCall[] = [];
      for (const use of step.toolCalls) ran.push(await input.tools.run(use));
      toolCalls.push(...ran);
      messages.push(
        { role: 'assistant', text: step.text, toolCalls: step.toolCalls },
        { role: 'user', text: '', toolResults: ran.map(({ id, name, result }) => ({ id, name, result })) },
      );
    }
    await question$.done;
    const reply = replyMessage(
      question,
      answer,
      {
        citations: citationsOf(answer.text, retrieved.passages),
        model,
        latencyMs: Date.now() - started,
        toolCalls,
      },
      new Date(),
    );
    await conversations.appendReply(orgId, agent.id, reply, usage);
    await stream?.done(reply.id);
    return { message: question, reply, firstTokenMs };
  } catch (error) {
    // A question refused beside the model: nothing was stored, and its refusal is the answer.
    await question$.done;
    const reason = reasonOf(error);
    const failed = failedReply(
      question,
      reason,
      { model, latencyMs: Date.now() - started, citations, toolCalls },
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
