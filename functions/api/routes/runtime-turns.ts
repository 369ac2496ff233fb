/** The voice worker's turns through the platform pipeline (README "Voice worker turns and tools"). */
import { route } from '../route';
import { RuntimeTurnBody, RuntimeTurnParams, TurnEvent } from '../schemas/runtime-turns';

export const sendRuntimeTurn = route({
  operationId: 'sendRuntimeTurn',
  method: 'POST',
  path: '/runtime/agents/{agentId}/conversations/{conversationId}/turns',
  module: 'runtime-turns',
  summary:
    'For the platform voice runtime only: the caller’s final transcript answered by the same turn as chat (prompt, knowledge, budget, citations, both turns stored marked voice), with the platform’s tools (find_free_slots, book_event, create_task) run and the worker’s actions (transfer, end_call) handed back. The conversation is created on its first turn (channel phone or test_call). The answer is application/x-ndjson: one event per line (delta, tool, action), then done. 403 for inactive, deleted or suspended agents and orgs as GET /runtime/agents/{agentId}; 502/503 when the model fails (the question kept, a failed reply stored)',
  auth: { kind: 'runtime' },
  params: RuntimeTurnParams,
  body: RuntimeTurnBody,
  response: TurnEvent,
  responseFraming: 'ndjson',
  successStatus: 200,
  errors: [404, 422, 429, 502],
});
