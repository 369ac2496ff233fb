/**
 * Call records (issue 21, README "Call records (issue 21)"): the voice worker writes them through
 * the runtime routes, the org reads them.
 */
import { route } from '../route';
import {
  Call,
  CallDetail,
  CallEventsBody,
  CallEventsResult,
  CallListQuery,
  CallParams,
  CallSummary,
  CallSummaryQuery,
  RuntimeCallParams,
  StartCallBody,
  StartedCall,
} from '../schemas/calls';
import { page } from '../schemas/common';
import { OrgParams } from '../schemas/orgs';

export const startRuntimeCall = route({
  operationId: 'startRuntimeCall',
  method: 'POST',
  path: '/runtime/calls',
  module: 'runtime-calls',
  summary:
    'For the platform voice runtime only: the call record of a LiveKit room, created with its transcript’s conversation, or the one already recorded for the room sid by the LiveKit webhook or an earlier request (`created` says which). 403 for inactive, deleted or suspended agents and orgs as GET /runtime/agents/{agentId}',
  auth: { kind: 'runtime' },
  body: StartCallBody,
  response: StartedCall,
  successStatus: 200,
  errors: [404],
});

export const recordRuntimeCallEvents = route({
  operationId: 'recordRuntimeCallEvents',
  method: 'POST',
  path: '/runtime/calls/{callId}/events',
  module: 'runtime-calls',
  summary:
    'For the platform voice runtime only: what happened on the call (speech outside the pipeline, worker tools, usage, the end), each event recorded once by its id',
  auth: { kind: 'runtime' },
  params: RuntimeCallParams,
  body: CallEventsBody,
  response: CallEventsResult,
  successStatus: 200,
  errors: [404],
});

export const listCalls = route({
  operationId: 'listCalls',
  method: 'GET',
  path: '/orgs/{orgId}/calls',
  module: 'calls',
  summary: 'The org’s calls, newest first, a page at a time: all, or by agent, UTC day or outcome',
  auth: { kind: 'org', permission: 'calls:read' },
  params: OrgParams,
  query: CallListQuery,
  response: page(Call),
  successStatus: 200,
});

export const getCallSummary = route({
  operationId: 'getCallSummary',
  method: 'GET',
  path: '/orgs/{orgId}/calls/summary',
  module: 'calls',
  summary:
    'Calls started on the UTC days [from, to): count, minutes, average duration, outcomes, estimated cost',
  auth: { kind: 'org', permission: 'calls:read' },
  params: OrgParams,
  query: CallSummaryQuery,
  response: CallSummary,
  successStatus: 200,
});

export const getCall = route({
  operationId: 'getCall',
  method: 'GET',
  path: '/orgs/{orgId}/calls/{callId}',
  module: 'calls',
  summary:
    'A call: agent, direction, numbers, start, duration, end reason, its transcript turn by turn, tool calls, usage and estimated cost',
  auth: { kind: 'org', permission: 'calls:read' },
  params: CallParams,
  response: CallDetail,
  successStatus: 200,
});
