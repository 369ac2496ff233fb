import * as z from 'zod/mini';
import { bedrockModels } from '../llm';
import {
  type SttProvider,
  sttProviderNames,
  sttProviders,
  type TtsProvider,
  ttsProviderNames,
  ttsProviders,
} from '../providers';
import { AgentId, DisplayText, IsoDateTime, ListQuery } from './common';
import { OrgId } from './orgs';
import { AgentPromptRef } from './prompts';

export { AgentId };
export const AgentParams = z.strictObject({ orgId: OrgId, agentId: AgentId });

export const agentTypes = ['voice', 'chat', 'email'] as const;
export const agentStatuses = ['active', 'inactive', 'training'] as const;
export const AgentType = z.enum(agentTypes);
export const AgentStatus = z.enum(agentStatuses);

/**
 * A provider key in a request: a string sets or rotates it, null clears it, absent keeps it. Keys
 * are write-only: no response ever carries one (KeyState says whether one is set, and its last 4).
 */
export const ApiKeyInput = z.nullable(
  z
    .string()
    .check(
      z.trim(),
      z.minLength(8),
      z.maxLength(512),
      z.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    ),
);
export const KeyState = z
  .object({ set: z.boolean(), last4: z.optional(z.string()) })
  .register(z.globalRegistry, { id: 'KeyState' });

/** https only; whether private hosts are allowed is a deployment rule (domain/agents.ts). */
export const ChatbotEndpoint = z.url({ message: 'must be an https URL' }).check(
  z.maxLength(2048),
  z.refine((u) => u.startsWith('https://'), 'must be an https URL'),
);

/** BCP 47, as Intl accepts it (en, en-US, pt-BR, zh-Hant-TW). */
export const Language = z.string().check(
  z.maxLength(35),
  z.refine((tag) => {
    try {
      return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag) && Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 language tag such as en-US'),
);

const Temperature = z.number().check(z.gte(0), z.lte(1));
const MaxTokens = z.number().check(z.int(), z.gte(1), z.lte(8192));

/**
 * An OpenAI-compatible server's base URL (`…/v1`; the adapter adds `/chat/completions`). https,
 * except a loopback http URL, which the endpoint rule (domain/agents.ts) allows on the local stage only.
 */
export const LlmBaseUrl = z.url({ message: 'must be an https URL' }).check(
  z.maxLength(2048),
  z.refine(
    (u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(u),
    'must be an https URL',
  ),
);

const BedrockLlm = z.object({
  provider: z.literal('bedrock'),
  modelId: z.enum(bedrockModels),
  temperature: Temperature,
  maxTokens: MaxTokens,
});
const OpenAiLlm = z.object({
  provider: z.literal('openai-compatible'),
  baseUrl: LlmBaseUrl,
  model: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  temperature: Temperature,
  maxTokens: MaxTokens,
});

/** The model an agent answers with; an openai-compatible server's key is write-only, like the others. */
export const LlmConfigInput = z.discriminatedUnion('provider', [
  z.extend(z.strictObject(BedrockLlm.shape), {
    temperature: z._default(Temperature, 0.2),
    maxTokens: z._default(MaxTokens, 1024),
  }),
  z.extend(z.strictObject(OpenAiLlm.shape), {
    temperature: z._default(Temperature, 0.2),
    maxTokens: z._default(MaxTokens, 1024),
    apiKey: z.optional(ApiKeyInput),
  }),
]);
/** The model settings as rules and storage keep them: no key, only its hint beside the agent's others. */
export const LlmSettings = z.discriminatedUnion('provider', [BedrockLlm, OpenAiLlm]);
export type LlmSettings = z.infer<typeof LlmSettings>;
export const LlmConfig = z
  .discriminatedUnion('provider', [BedrockLlm, z.extend(OpenAiLlm, { apiKey: KeyState })])
  .register(z.globalRegistry, { id: 'LlmConfig' });

export const CreateAgentBody = z.strictObject({
  name: DisplayText(100),
  description: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(2000)))),
  type: AgentType,
  status: z._default(AgentStatus, 'active'),
  initialMessage: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(2000)))),
  chatbotEndpoint: z.optional(z.nullable(ChatbotEndpoint)),
  chatbotKey: z.optional(ApiKeyInput),
  /** The system prompt: a version of one of the org's prompts, or its latest; null for none. */
  prompt: z.optional(z.nullable(AgentPromptRef)),
  /** The model chat answers come from; null (or none) for the platform's default Bedrock model. */
  llm: z.optional(z.nullable(LlmConfigInput)),
});
export type CreateAgentBody = z.infer<typeof CreateAgentBody>;

export const UpdateAgentBody = z
  .extend(z.omit(z.partial(CreateAgentBody), { status: true }), { status: z.optional(AgentStatus) })
  .check(
    z.refine((b) => Object.keys(b).length > 0, {
      message: 'give at least one field to change',
      path: ['name'],
    }),
  );
export type UpdateAgentBody = z.infer<typeof UpdateAgentBody>;

function modelOf<P extends string>(catalog: Record<P, { models: readonly string[] }>) {
  return (config: { provider: P; model: string }, ctx: z.core.$RefinementCtx) => {
    const models = catalog[config.provider].models;
    if (!models.includes(config.model)) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: `must be one of ${models.join(', ')}` });
    }
  };
}

export const TtsConfigInput = z
  .strictObject({
    provider: z.enum(ttsProviderNames),
    voiceId: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
    model: z.string(),
    speed: z.number().check(z.gte(0.5), z.lte(2)),
    language: Language,
    apiKey: z.optional(ApiKeyInput),
  })
  .check(
    z.superRefine(modelOf<TtsProvider>(ttsProviders)),
    z.superRefine((c, ctx) => {
      const voices: readonly string[] = ttsProviders[c.provider].voices;
      if (voices.length > 0 && !voices.includes(c.voiceId)) {
        ctx.addIssue({ code: 'custom', path: ['voiceId'], message: `must be one of ${voices.join(', ')}` });
      }
    }),
  );

export const SttConfigInput = z
  .strictObject({
    provider: z.enum(sttProviderNames),
    model: z.string(),
    language: Language,
    apiKey: z.optional(ApiKeyInput),
  })
  .check(z.superRefine(modelOf<SttProvider>(sttProviders)));

export const AgentConfigBody = z.strictObject({ ttsConfig: TtsConfigInput, sttConfig: SttConfigInput });
export type AgentConfigBody = z.infer<typeof AgentConfigBody>;

const TtsConfig = z.object({
  provider: z.enum(ttsProviderNames),
  voiceId: z.string(),
  model: z.string(),
  speed: z.number(),
  language: z.string(),
  apiKey: KeyState,
});
const SttConfig = z.object({
  provider: z.enum(sttProviderNames),
  model: z.string(),
  language: z.string(),
  apiKey: KeyState,
});

export const Agent = z
  .object({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    description: z.nullable(z.string()),
    type: AgentType,
    status: AgentStatus,
    initialMessage: z.nullable(z.string()),
    chatbotEndpoint: z.nullable(z.string()),
    chatbotKey: KeyState,
    ttsConfig: z.nullable(TtsConfig),
    sttConfig: z.nullable(SttConfig),
    prompt: z.nullable(AgentPromptRef),
    llm: z.nullable(LlmConfig),
    /** Another org's agent, shared into this one: read-only here. */
    shared: z.boolean(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'Agent' });
export type Agent = z.infer<typeof Agent>;

export const AgentListQuery = z.extend(ListQuery, {
  status: z.optional(AgentStatus),
  type: z.optional(AgentType),
});

export const AgentProviders = z
  .object({
    tts: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        models: z.array(z.string()),
        voices: z.array(z.string()),
      }),
    ),
    stt: z.array(z.object({ id: z.string(), label: z.string(), models: z.array(z.string()) })),
  })
  .register(z.globalRegistry, { id: 'AgentProviders' });

export const ShareAgentBody = z.strictObject({ targetOrgId: OrgId });
export const AgentShareParams = z.strictObject({ orgId: OrgId, agentId: AgentId, targetOrgId: OrgId });
export const AgentShare = z
  .object({ orgId: z.string(), name: z.string(), sharedAt: IsoDateTime })
  .register(z.globalRegistry, { id: 'AgentShare' });

/** A browser test call: the LiveKit server, the call's own room, and a participant token for it. */
export const AgentSession = z
  .object({
    serverUrl: z.string(),
    roomName: z.string(),
    /** A LiveKit participant token for this room only, valid for 10 minutes; it dispatches the agent. */
    token: z.string(),
    expiresAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'AgentSession' });

/** The voice runtime's read of an agent (GET /runtime/agents/{agentId}, an API-client route). */
export const RuntimeAgentParams = z.strictObject({ agentId: AgentId });

/** What a voice worker needs to run an agent: the agent with its configuration, and its keys in clear. */
export const RuntimeAgent = z
  .object({
    agent: Agent,
    keys: z.object({
      chatbot: z.nullable(z.string()),
      tts: z.nullable(z.string()),
      stt: z.nullable(z.string()),
    }),
  })
  .register(z.globalRegistry, { id: 'RuntimeAgent' });
