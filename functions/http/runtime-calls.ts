/**
 * Call records written by the voice runtime (README "Call records (issue 21)"): the worker records
 * the room's call when its job starts (the LiveKit webhook may have recorded it first: one call per
 * room sid either way), then what happens on it as events, each recorded once by its id.
 */
import { defaultLlm } from '../api/llm';
import { recordRuntimeCallEvents, startRuntimeCall } from '../api/routes/calls';
import type { CallEvent } from '../api/schemas/calls';
import type { Conversation } from '../api/schemas/conversations';
import { findAgentById } from '../data/agents';
import * as calls from '../data/calls';
import { runtimeRefusal } from '../domain/agents';
import { type CallRecord, joinedByWorker, newCall, pricingOf, withEvents } from '../domain/calls';
import { newConversation } from '../domain/conversations';
import { enforce, refusals } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

/** Writers racing on one call (the webhook, the worker's requests) retry from a fresh read. */
const attempts = 4;

const started = (call: CallRecord, created: boolean) => ({
  callId: call.id,
  orgId: call.orgId,
  agentId: call.agentId,
  conversationId: call.conversationId,
  created,
});

/** The room's call, marked as joined by the worker (a call the webhook recorded first). */
async function joined(orgId: string, roomSid: string, first: CallRecord | undefined, now: Date) {
  let call = first;
  for (let attempt = 0; attempt < attempts; attempt++) {
    call ??= found(await calls.findRoomCall(orgId, roomSid));
    const next = joinedByWorker(call, now);
    if (!next || (await calls.saveCall(next, call))) return next ?? call;
    call = undefined;
  }
  throw refusals.busy();
}

/** Events sent twice in one request count once. */
function distinct(events: readonly CallEvent[]): CallEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.id) && seen.add(event.id));
}

export const handler = httpHandler([
  implement(startRuntimeCall, async ({ body, now }) => {
    const agent = found(await findAgentById(body.agentId));
    enforce(runtimeRefusal(agent));
    const existing = await calls.findRoomCall(agent.orgId, body.roomSid);
    if (existing) return { body: started(await joined(agent.orgId, body.roomSid, existing, now), false) };
    const draft = newConversation(agent.orgId, agent.id, { channel: 'api' }, { kind: 'call', id: '' }, now);
    const call = newCall(
      {
        orgId: agent.orgId,
        agentId: agent.id,
        via: body.via,
        roomName: body.roomName,
        roomSid: body.roomSid,
        startedAt: new Date(body.startedAt),
        numbers: { fromAddress: body.from ?? null, toAddress: body.to ?? null },
      },
      { conversationId: draft.id, pricing: pricingOf(agent, defaultLlm.modelId), workerJoined: true },
      now,
    );
    const conversation: Conversation = {
      ...draft,
      channel: body.via,
      createdBy: { kind: 'call', id: call.id },
    };
    if (await calls.createCall(call, conversation)) return { body: started(call, true) };
    // The webhook recorded the room's call between the read and the write.
    return { body: started(await joined(agent.orgId, body.roomSid, undefined, now), false) };
  }),

  implement(recordRuntimeCallEvents, async ({ params, body, now }) => {
    const events = distinct(body.events);
    let call = found(await calls.findCallById(params.callId));
    for (let attempt = 0; attempt < attempts; attempt++) {
      const recorded = await calls.recordedEventIds(
        call,
        events.map((e) => e.id),
      );
      const fresh = events.filter((event) => !recorded.has(event.id));
      const duplicates = body.events.length - fresh.length;
      if (fresh.length === 0) return { body: { recorded: 0, duplicates } };
      const { call: after, messages } = withEvents(call, fresh, now);
      if (await calls.recordEvents(call, after, fresh, messages))
        return { body: { recorded: fresh.length, duplicates } };
      call = found(await calls.getCall(call.orgId, call.id));
    }
    throw refusals.busy();
  }),
]);
