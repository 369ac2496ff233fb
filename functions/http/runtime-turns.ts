/**
 * The voice worker's turn through the platform's conversation pipeline (README "Voice worker turns
 * and tools"): the same turn as chat (turns/message-turn.ts) with the agent's tools, the question
 * stored beside the model request, and the answer as newline-delimited events.
 */
import { sendRuntimeTurn } from '../api/routes/runtime-turns';
import type { AuditActor } from '../api/schemas/audit';
import type { ToolCall, TurnEvent } from '../api/schemas/runtime-turns';
import { findAgentById } from '../data/agents';
import * as conversations from '../data/conversations';
import { toolInstructions, toolSpecs } from '../domain/agent-tools';
import { type AgentState, runtimeRefusal } from '../domain/agents';
import { auditEntry } from '../domain/audit';
import { newConversation } from '../domain/conversations';
import { enforce } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';
import { runTool, type ToolContext } from './turns/agent-tools';
import { answerTurn } from './turns/message-turn';

/**
 * The call's conversation, created on its first turn when the call record did not create it (a
 * worker that reached the turn first); a creation racing another one reads the winner's.
 */
async function conversationOf(
  agent: AgentState,
  conversationId: string,
  channel: 'phone' | 'test_call',
  callId: string | undefined,
  actor: AuditActor,
  requestId: string,
  now: Date,
): Promise<boolean> {
  if (await conversations.getConversation(agent.orgId, agent.id, conversationId)) return false;
  const conversation = {
    ...newConversation(
      agent.orgId,
      agent.id,
      { channel: 'api' },
      { kind: 'call', id: callId ?? conversationId },
      now,
    ),
    id: conversationId,
    channel,
  };
  try {
    await conversations.createConversation(
      conversation,
      auditEntry({
        orgId: agent.orgId,
        actor,
        action: 'conversation.started',
        target: { type: 'conversation', id: conversationId },
        after: { agentId: agent.id, channel, ...(callId ? { callId } : {}) },
        requestId,
        now,
      }),
    );
    return true;
  } catch (error) {
    // Another agent's or org's conversation with this id stays theirs: a 404 here, as for a stranger.
    found(await conversations.getConversation(agent.orgId, agent.id, conversationId));
    if (error instanceof Error && error.message.includes('collided')) return false;
    throw error;
  }
}

export const handler = httpHandler([
  implement(sendRuntimeTurn, async ({ params, body, requestId, now }) => {
    const agent = found(await findAgentById(params.agentId));
    enforce(runtimeRefusal(agent));
    const actor: AuditActor = { agentId: agent.id, name: agent.name };
    const created = await conversationOf(
      agent,
      params.conversationId,
      body.channel,
      body.callId,
      actor,
      requestId,
      now,
    );
    const events: TurnEvent[] = [];
    const context: ToolContext = {
      orgId: agent.orgId,
      agent: { id: agent.id, name: agent.name },
      conversationId: params.conversationId,
      callId: body.callId,
      requestId,
      now,
    };
    const reported = (call: ToolCall): TurnEvent =>
      call.status !== 'handed_to_worker'
        ? { type: 'tool', call }
        : call.name === 'transfer'
          ? { type: 'action', action: { name: 'transfer', number: String(call.arguments.number) } }
          : {
              type: 'action',
              action: {
                name: 'end_call',
                reason: typeof call.arguments.reason === 'string' ? call.arguments.reason : null,
              },
            };
    const { message, reply } = await answerTurn({
      orgId: agent.orgId,
      agentId: agent.id,
      conversationId: params.conversationId,
      text: body.text,
      via: 'voice',
      actor,
      now,
      agent,
      storeBeside: true,
      onDelta: (text) => events.push({ type: 'delta', text }),
      tools: {
        specs: Object.values(toolSpecs),
        instructions: toolInstructions,
        run: async (use) => {
          const call = await runTool(context, use);
          events.push(reported(call));
          return call;
        },
      },
    });
    events.push({ type: 'done', conversationId: params.conversationId, created, message, reply });
    return { body: events };
  }),
]);
