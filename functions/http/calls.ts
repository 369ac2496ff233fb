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
        toolCalls,
      },
    };
  }),
]);
