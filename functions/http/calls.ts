/**
 * The org's call records (README "Call records (issue 21)"): lists (each one Query), the dashboard's
 * figures, and a call with its transcript, tool calls, usage and estimated cost.
 */
import { getCall, getCallSummary, listCalls } from '../api/routes/calls';
import type { ConversationMessage } from '../api/schemas/conversations';
import * as calls from '../data/calls';
import { listMessages } from '../data/conversations';
import { callIdRange, callView, isScripted, summarizeCalls } from '../domain/calls';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

/** The whole transcript, page after page of its conversation's messages (oldest first). */
async function transcriptOf(orgId: string, conversationId: string): Promise<ConversationMessage[]> {
  const messages: ConversationMessage[] = [];
  let cursor: string | undefined;
  do {
    const page = await listMessages(orgId, conversationId, { limit: 100, cursor });
    messages.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return messages;
}

/** A stored tool call of a reply (README "Voice worker turns and tools"), as the turns route keeps it. */
interface StoredToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  result: Record<string, unknown>;
  at: string;
}

/** The tools the platform ran for the model in the call's turns, kept on their replies. */
function platformToolCalls(messages: readonly ConversationMessage[]) {
  return messages.flatMap((message) =>
    ((message as { toolCalls?: StoredToolCall[] }).toolCalls ?? []).map((tool) => ({
      id: tool.id,
      name: tool.name,
      arguments: tool.arguments,
      result: tool.result,
      at: tool.at,
      by: 'platform' as const,
    })),
  );
}

export const handler = httpHandler([
  implement(listCalls, async ({ params, query }) => {
    const page = await calls.listCalls(params.orgId, query);
    return { body: { ...page, items: page.items.map(callView) } };
  }),

  implement(getCallSummary, async ({ params, query }) => {
    const { first, last } = callIdRange(query.from, query.to);
    return {
      body: summarizeCalls(await calls.callsBetween(params.orgId, first, last), query.from, query.to),
    };
  }),

  implement(getCall, async ({ params }) => {
    const call = found(await calls.getCall(params.orgId, params.callId));
    const [messages, toolCalls] = await Promise.all([
      transcriptOf(call.orgId, call.conversationId),
      calls.workerToolCalls(call.orgId, call.id),
    ]);
    return {
      body: {
        call: callView(call),
        transcript: messages.map((message) => ({
          id: message.id,
          role: message.role,
          text: message.text,
          at: message.createdAt,
          status: message.status,
          scripted: isScripted(message),
        })),
        toolCalls: [...platformToolCalls(messages), ...toolCalls].sort((a, b) => a.at.localeCompare(b.at)),
      },
    };
  }),
]);
