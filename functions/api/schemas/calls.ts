/**
 * Call records (issue 21, README "Call records (issue 21)"): one per LiveKit room of an agent's call,
 * written by the LiveKit webhook and by the voice worker through the runtime routes, read by the org.
 */
import * as z from 'zod/mini';
import { AgentId, IncomingTime, IsoDateTime, ListQuery, LongText } from './common';
import { OrgId } from './orgs';
import { E164 } from './phone-numbers';

export const CallId = z.string().check(z.regex(/^cal_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a call id (cal_…)'));
export const CallParams = z.strictObject({ orgId: OrgId, callId: CallId });
export const RuntimeCallParams = z.strictObject({ callId: CallId });

export const callVias = ['phone', 'test_call'] as const;
export const CallVia = z.enum(callVias);
export type CallVia = z.infer<typeof CallVia>;

/** Phone calls come in through a number's dispatch rule; a test call is placed from the console. */
export const callDirections = ['inbound', 'outbound'] as const;
export const CallDirection = z.enum(callDirections);

export const endReasons = ['caller_hung_up', 'agent_ended', 'transfer', 'error', 'no_answer'] as const;
export const EndReason = z.enum(endReasons);
export type EndReason = z.infer<typeof EndReason>;

/** What a call list filters on: how it ended, or that it has not yet. */
export const callOutcomes = [...endReasons, 'in_progress'] as const;
export const CallOutcome = z.enum(callOutcomes);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** LiveKit's room sids (RM_…) and room names: printable, no spaces, bounded. */
const RoomToken = z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, 'must be 1 to 128 printable characters'));

export const StartCallBody = z.strictObject({
  agentId: AgentId,
  roomName: RoomToken,
  roomSid: RoomToken,
  startedAt: IncomingTime,
  via: CallVia,
  /** The caller's number (SIP `sip.phoneNumber`), phone calls only. */
  from: z.optional(E164),
  /** The number called (SIP `sip.trunkPhoneNumber`), phone calls only. */
  to: z.optional(E164),
});
export type StartCallBody = z.infer<typeof StartCallBody>;

export const StartedCall = z
  .object({
    callId: z.string(),
    orgId: z.string(),
    agentId: z.string(),
    /** The call's transcript: a conversation of the agent (channel phone or test_call). */
    conversationId: z.string(),
    /** false: the room's call was already recorded (by the LiveKit webhook or an earlier request). */
    created: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'StartedCall' });

/** Usage as the worker measures it; a call's usage is the sum of its usage events. */
export const usageFields = {
  sttSeconds: z._default(z.number().check(z.gte(0), z.lte(86_400)), 0),
  llmInputTokens: z._default(z.number().check(z.int(), z.gte(0), z.lte(100_000_000)), 0),
  llmOutputTokens: z._default(z.number().check(z.int(), z.gte(0), z.lte(100_000_000)), 0),
  ttsCharacters: z._default(z.number().check(z.int(), z.gte(0), z.lte(100_000_000)), 0),
  telephonySeconds: z._default(z.number().check(z.gte(0), z.lte(86_400)), 0),
};
export const usageComponents = Object.keys(usageFields) as (keyof typeof usageFields)[];

/** A JSON value of bounded size (tool arguments and results). */
const SmallJson = (maxBytes: number) =>
  z
    .json()
    .check(
      z.refine(
        (value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes,
        `must be at most ${maxBytes} bytes as JSON`,
      ),
    );

const eventBase = {
  /** The worker's id for the event: an event sent again with the same id is recorded once. */
  id: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1 to 100 letters, digits or _ . : -')),
  at: IncomingTime,
};

export const CallEvent = z.discriminatedUnion('type', [
  /** A sentence the worker spoke outside the pipeline (greeting, fallback, refusal). */
  z.strictObject({
    ...eventBase,
    type: z.literal('speech'),
    role: z.literal('assistant'),
    text: LongText(4096),
  }),
  /** A tool the worker ran itself on the call (transfer, end_call). */
  z.strictObject({
    ...eventBase,
    type: z.literal('tool'),
    name: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a tool name such as transfer')),
    arguments: z
      .record(z.string(), z.json())
      .check(
        z.refine(
          (v) => Buffer.byteLength(JSON.stringify(v), 'utf8') <= 4096,
          'must be at most 4096 bytes as JSON',
        ),
      ),
    result: SmallJson(4096),
  }),
  z.strictObject({ ...eventBase, type: z.literal('usage'), ...usageFields }),
  z.strictObject({
    ...eventBase,
    type: z.literal('end'),
    reason: EndReason,
    detail: z.optional(z.string().check(z.maxLength(500))),
  }),
]);
export type CallEvent = z.infer<typeof CallEvent>;

/** Small enough that a batch is one transaction (its events, their messages, the call, the conversation). */
export const maxEventsPerRequest = 25;

export const CallEventsBody = z.strictObject({
  events: z.array(CallEvent).check(z.minLength(1), z.maxLength(maxEventsPerRequest)),
});
export type CallEventsBody = z.infer<typeof CallEventsBody>;

export const CallEventsResult = z
  .object({
    /** Events recorded by this request. */
    recorded: z.number().check(z.int()),
    /** Events already recorded before (sent again with the same id): nothing changed for them. */
    duplicates: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'CallEventsResult' });

export const CallUsage = z
  .object({
    sttSeconds: z.number(),
    llmInputTokens: z.number().check(z.int()),
    llmOutputTokens: z.number().check(z.int()),
    ttsCharacters: z.number().check(z.int()),
    telephonySeconds: z.number(),
  })
  .register(z.globalRegistry, { id: 'CallUsage' });
export type CallUsage = z.infer<typeof CallUsage>;

export const costComponents = ['stt', 'llm_input', 'llm_output', 'tts', 'telephony'] as const;

/**
 * An estimate from the price table (domain/call-prices.ts), in integer millionths of the currency
 * (a call costs fractions of a cent); the total is the sum of the lines.
 */
export const CallCost = z
  .object({
    currency: z.literal('USD'),
    lines: z.array(
      z.object({
        component: z.enum(costComponents),
        /** What was priced: the provider and model or the route. */
        item: z.string(),
        quantity: z.number(),
        unit: z.enum(['second', 'token', 'character']),
        /** Price per million units, in millionths of the currency. */
        unitPricePerMillionMicros: z.number().check(z.int()),
        amountMicros: z.number().check(z.int()),
      }),
    ),
    totalMicros: z.number().check(z.int()),
    /** The price table's date and sources. */
    pricesAsOf: z.string(),
    pricesSource: z.string(),
  })
  .register(z.globalRegistry, { id: 'CallCost' });
export type CallCost = z.infer<typeof CallCost>;

export const Call = z
  .object({
    id: z.string(),
    orgId: z.string(),
    agentId: z.string(),
    via: CallVia,
    direction: CallDirection,
    from: z.nullable(z.string()),
    to: z.nullable(z.string()),
    roomName: z.string(),
    startedAt: IsoDateTime,
    endedAt: z.nullable(IsoDateTime),
    /** Whole seconds from start to end; null while the call is on. */
    durationSeconds: z.nullable(z.number().check(z.int())),
    outcome: CallOutcome,
    endReason: z.nullable(EndReason),
    endDetail: z.nullable(z.string()),
    conversationId: z.string(),
    /** The call task the LiveKit webhook created (null until its first event arrives). */
    taskId: z.nullable(z.string()),
    usage: CallUsage,
    cost: CallCost,
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'Call' });
export type Call = z.infer<typeof Call>;

export const TranscriptTurn = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    text: z.string(),
    at: IsoDateTime,
    status: z.enum(['ok', 'failed']),
    /** Whether it was spoken outside the model's turns (greeting, fallback, refusal). */
    scripted: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'CallTranscriptTurn' });

export const CallToolCall = z
  .object({
    id: z.string(),
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    result: z.unknown(),
    at: IsoDateTime,
    /** `worker`: run by the worker on the call; `platform`: run by the platform in a turn. */
    by: z.enum(['worker', 'platform']),
  })
  .register(z.globalRegistry, { id: 'CallToolCall' });

export const CallDetail = z
  .object({
    call: Call,
    transcript: z.array(TranscriptTurn),
    toolCalls: z.array(CallToolCall),
  })
  .register(z.globalRegistry, { id: 'CallDetail' });
export type CallDetail = z.infer<typeof CallDetail>;

const listFilters = ['agentId', 'day', 'outcome'] as const;

export const CallListQuery = z
  .extend(ListQuery, {
    agentId: z.optional(AgentId),
    /** A UTC day: the calls started on it. */
    day: z.optional(z.iso.date()),
    outcome: z.optional(CallOutcome),
  })
  .check(
    z.superRefine((query, ctx) => {
      for (const name of listFilters.filter((n) => query[n] !== undefined).slice(1)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `give at most one of ${listFilters.join(', ')} (each is a list of its own)`,
        });
      }
    }),
  );

/** The dashboard's call figures over [from, to) (UTC days), at most 92 days. */
export const CallSummaryQuery = z.strictObject({ from: z.iso.date(), to: z.iso.date() }).check(
  z.superRefine((query, ctx) => {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000;
    if (days < 1 || days > 92)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be 1 to 92 days after from' });
  }),
);

export const CallSummary = z
  .object({
    from: z.string(),
    to: z.string(),
    calls: z.number().check(z.int()),
    /** Ended calls' seconds, summed. */
    seconds: z.number().check(z.int()),
    /** seconds / ended calls, rounded; null when none ended. */
    averageSeconds: z.nullable(z.number().check(z.int())),
    outcomes: z.record(CallOutcome, z.number().check(z.int())),
    currency: z.literal('USD'),
    /** The sum of the calls' estimated totals. */
    costMicros: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'CallSummary' });
export type CallSummary = z.infer<typeof CallSummary>;
