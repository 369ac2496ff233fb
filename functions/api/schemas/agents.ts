import * as z from 'zod';
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
export const ApiKeyInput = z
  .string()
  .trim()
  .min(8)
  .max(512)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .nullable();
export const KeyState = z.object({ set: z.boolean(), last4: z.string().optional() }).meta({ id: 'KeyState' });

/** https only; whether private hosts are allowed is a deployment rule (domain/agents.ts). */
export const ChatbotEndpoint = z
  .url({ message: 'must be an https URL' })
  .max(2048)
  .refine((u) => u.startsWith('https://'), 'must be an https URL');

/** BCP 47, as Intl accepts it (en, en-US, pt-BR, zh-Hant-TW). */
export const Language = z
  .string()
  .max(35)
  .refine((tag) => {
    try {
      return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag) && Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 language tag such as en-US');

const Temperature = z.number().min(0).max(1);
const MaxTokens = z.number().int().min(1).max(8192);

/**
 * An OpenAI-compatible server's base URL (`…/v1`; the adapter adds `/chat/completions`). https,
 * except a loopback http URL, which the endpoint rule (domain/agents.ts) allows on the local stage only.
 */
export const LlmBaseUrl = z
  .url({ message: 'must be an https URL' })
  .max(2048)
  .refine(
    (u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(u),
    'must be an https URL',
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
  model: z.string().trim().min(1).max(200),
  temperature: Temperature,
  maxTokens: MaxTokens,
});

/** The model an agent answers with; an openai-compatible server's key is write-only, like the others. */
export const LlmConfigInput = z.discriminatedUnion('provider', [
  BedrockLlm.strict().extend({
    temperature: Temperature.default(0.2),
    maxTokens: MaxTokens.default(1024),
  }),
  OpenAiLlm.strict().extend({
    temperature: Temperature.default(0.2),
    maxTokens: MaxTokens.default(1024),
    apiKey: ApiKeyInput.optional(),
  }),
]);
/** The model settings as rules and storage keep them: no key, only its hint beside the agent's others. */
export const LlmSettings = z.discriminatedUnion('provider', [BedrockLlm, OpenAiLlm]);
export type LlmSettings = z.infer<typeof LlmSettings>;
export const LlmConfig = z
  .discriminatedUnion('provider', [BedrockLlm, OpenAiLlm.extend({ apiKey: KeyState })])
  .meta({ id: 'LlmConfig' });

export const CreateAgentBody = z.strictObject({
  name: DisplayText(100),
  description: z.string().trim().max(2000).nullable().optional(),
  type: AgentType,
  status: AgentStatus.default('active'),
  initialMessage: z.string().trim().max(2000).nullable().optional(),
  chatbotEndpoint: ChatbotEndpoint.nullable().optional(),
  chatbotKey: ApiKeyInput.optional(),
  /** The system prompt: a version of one of the org's prompts, or its latest; null for none. */
  prompt: AgentPromptRef.nullable().optional(),
  /** The model chat answers come from; null (or none) for the platform's default Bedrock model. */
  llm: LlmConfigInput.nullable().optional(),
});
export type CreateAgentBody = z.infer<typeof CreateAgentBody>;

export const UpdateAgentBody = CreateAgentBody.partial()
  .omit({ status: true })
  .extend({ status: AgentStatus.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change', path: ['name'] });
export type UpdateAgentBody = z.infer<typeof UpdateAgentBody>;

function modelOf<P extends string>(catalog: Record<P, { models: readonly string[] }>) {
  return (config: { provider: P; model: string }, ctx: z.RefinementCtx) => {
    const models = catalog[config.provider].models;
    if (!models.includes(config.model)) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: `must be one of ${models.join(', ')}` });
    }
  };
}

export const TtsConfigInput = z
  .strictObject({
    provider: z.enum(ttsProviderNames),
    voiceId: z.string().trim().min(1).max(128),
    model: z.string(),
    speed: z.number().min(0.5).max(2),
    language: Language,
    apiKey: ApiKeyInput.optional(),
  })
  .superRefine(modelOf<TtsProvider>(ttsProviders))
  .superRefine((c, ctx) => {
    const voices: readonly string[] = ttsProviders[c.provider].voices;
    if (voices.length > 0 && !voices.includes(c.voiceId)) {
      ctx.addIssue({ code: 'custom', path: ['voiceId'], message: `must be one of ${voices.join(', ')}` });
    }
  });

export const SttConfigInput = z
  .strictObject({
    provider: z.enum(sttProviderNames),
    model: z.string(),
    language: Language,
    apiKey: ApiKeyInput.optional(),
  })
  .superRefine(modelOf<SttProvider>(sttProviders));

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
    description: z.string().nullable(),
    type: AgentType,
    status: AgentStatus,
    initialMessage: z.string().nullable(),
    chatbotEndpoint: z.string().nullable(),
    chatbotKey: KeyState,
    ttsConfig: TtsConfig.nullable(),
    sttConfig: SttConfig.nullable(),
    prompt: AgentPromptRef.nullable(),
    llm: LlmConfig.nullable(),
    /** Another org's agent, shared into this one: read-only here. */
    shared: z.boolean(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int(),
  })
  .meta({ id: 'Agent' });
export type Agent = z.infer<typeof Agent>;

export const AgentListQuery = ListQuery.extend({
  status: AgentStatus.optional(),
  type: AgentType.optional(),
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
  .meta({ id: 'AgentProviders' });

export const ShareAgentBody = z.strictObject({ targetOrgId: OrgId });
export const AgentShareParams = z.strictObject({ orgId: OrgId, agentId: AgentId, targetOrgId: OrgId });
export const AgentShare = z
  .object({ orgId: z.string(), name: z.string(), sharedAt: IsoDateTime })
  .meta({ id: 'AgentShare' });

/** A browser test call: the LiveKit server, the call's own room, and a participant token for it. */
export const AgentSession = z
  .object({
    serverUrl: z.string(),
    roomName: z.string(),
    /** A LiveKit participant token for this room only, valid for 10 minutes; it dispatches the agent. */
    token: z.string(),
    expiresAt: IsoDateTime,
  })
  .meta({ id: 'AgentSession' });

/** The voice runtime's read of an agent (GET /runtime/agents/{agentId}, an API-client route). */
export const RuntimeAgentParams = z.strictObject({ agentId: AgentId });

/** What a voice worker needs to run an agent: the agent with its configuration, and its keys in clear. */
export const RuntimeAgent = z
  .object({
    agent: Agent,
    keys: z.object({
      chatbot: z.string().nullable(),
      tts: z.string().nullable(),
      stt: z.string().nullable(),
    }),
  })
  .meta({ id: 'RuntimeAgent' });
