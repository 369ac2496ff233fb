/**
 * An agent's one draft across the editor's tabs: every field the page changes, what of it differs
 * from the agent as saved (only that is sent), which tab each field sits on, and the schemas' own
 * messages for a draft the API would refuse, keyed by the same field names the API's errors use.
 */
import { defaultLlm } from '../../../../functions/api/llm';
import { type Agent, AgentConfigBody, UpdateAgentBody } from '../../../../functions/api/schemas/agents';
import { type AgentPromptRef, UpdatePromptBody } from '../../../../functions/api/schemas/prompts';
import type { Result } from '../../app/api';

export type Providers = Result<{
  tts: { id: string; label: string; models: string[]; voices: string[] }[];
  stt: { id: string; label: string; models: string[] }[];
}>['data'];

export type LlmChoice = 'default' | 'bedrock' | 'openai-compatible';
/** The model settings as the draft holds them: the key is only ever a new one being typed. */
export type LlmValues =
  | { provider: 'bedrock'; modelId: string; temperature: number; maxTokens: number }
  | {
      provider: 'openai-compatible';
      baseUrl: string;
      model: string;
      temperature: number;
      maxTokens: number;
      apiKey?: string;
    };

export interface TtsValues {
  provider: string;
  voiceId: string;
  model: string;
  speed: number;
  language: string;
  apiKey?: string;
}
export interface SttValues {
  provider: string;
  model: string;
  language: string;
  apiKey?: string;
}

export interface Draft extends Record<string, unknown> {
  name: string;
  type: Agent['type'];
  status: Agent['status'];
  description: string | null;
  initialMessage: string | null;
  chatbotEndpoint: string | null;
  /** undefined: keep the key; a string: the new key. */
  chatbotKey?: string;
  llm: LlmValues | null;
  prompt: AgentPromptRef | null;
  /** The prompt's text as edited here; null while it is not edited (a new version when saved). */
  promptText: string | null;
  /** Why the new prompt version was made. */
  promptNote: string;
  ttsConfig: TtsValues;
  sttConfig: SttValues;
}

export const detailNames = ['name', 'type', 'status', 'description', 'initialMessage'] as const;

export const tabs = {
  overview: 'Overview',
  model: 'Model and prompt',
  voice: 'Voice',
  transcriber: 'Transcriber',
  numbers: 'Phone numbers',
  calls: 'Calls',
  sharing: 'Sharing',
  advanced: 'Advanced',
} as const;
export type Tab = keyof typeof tabs;

/** The tab a draft field (or an API error's field) is on. */
export function tabOf(field: string): Tab {
  if (field.startsWith('ttsConfig')) return 'voice';
  if (field.startsWith('sttConfig')) return 'transcriber';
  if ((detailNames as readonly string[]).includes(field.split('.')[0]!)) return 'overview';
  return 'model';
}

function speechOf(agent: Agent, providers: Providers): Pick<Draft, 'ttsConfig' | 'sttConfig'> {
  const tts = providers.tts.find((p) => p.id === 'openai') ?? providers.tts[0]!;
  const stt = providers.stt[0]!;
  const { apiKey: _t, ...ttsConfig } = agent.ttsConfig ?? {
    provider: tts.id,
    model: tts.models[0]!,
    voiceId: tts.voices[0] ?? '',
    speed: 1,
    language: 'en-US',
    apiKey: undefined,
  };
  const { apiKey: _s, ...sttConfig } = agent.sttConfig ?? {
    provider: stt.id,
    model: stt.models[0]!,
    language: 'en-US',
    apiKey: undefined,
  };
  return { ttsConfig, sttConfig };
}

/** The draft of an agent as saved: nothing changed. */
export function draftOf(agent: Agent, providers: Providers): Draft {
  const llm = agent.llm;
  return {
    name: agent.name,
    type: agent.type,
    status: agent.status,
    description: agent.description,
    initialMessage: agent.initialMessage,
    chatbotEndpoint: agent.chatbotEndpoint,
    chatbotKey: undefined,
    llm: llm?.provider === 'openai-compatible' ? { ...llm, apiKey: undefined } : llm,
    prompt: agent.prompt,
    promptText: null,
    promptNote: '',
    ...speechOf(agent, providers),
  };
}

/** Settings without a key being typed: what a change is compared with. */
const withoutKey = (value: object | null) => {
  if (!value) return JSON.stringify(value);
  const { apiKey: _key, ...rest } = value as { apiKey?: unknown };
  return JSON.stringify(rest);
};

export function switchLlm(
  choice: LlmChoice,
  current: LlmValues | null,
  saved: Agent['llm'],
): LlmValues | null {
  if (choice === 'default') return null;
  const tuning = {
    temperature: current?.temperature ?? defaultLlm.temperature,
    maxTokens: current?.maxTokens ?? defaultLlm.maxTokens,
  };
  if (choice === 'bedrock') {
    return {
      provider: 'bedrock',
      modelId: saved?.provider === 'bedrock' ? saved.modelId : defaultLlm.modelId,
      ...tuning,
    };
  }
  return saved?.provider === 'openai-compatible'
    ? { ...saved, ...tuning, apiKey: undefined }
    : { provider: 'openai-compatible', baseUrl: '', model: '', ...tuning, apiKey: undefined };
}

/** The prompt the draft edits the text of, as loaded: its text (of the version the agent uses). */
export interface PromptSource {
  promptId: string;
  text: string;
  etag?: string;
}

export interface Changes {
  /** The agent's own fields that changed (PATCH), empty when none did. */
  agent: UpdateAgentBody;
  /** The speech configuration (PUT …/config, which takes both parts), when either part changed. */
  config: AgentConfigBody | null;
  /** The prompt's new text (PATCH on the prompt: its next version), when it was edited. */
  prompt: UpdatePromptBody | null;
  /** The tabs holding a change. */
  tabs: Set<Tab>;
}

export function changesOf(
  draft: Draft,
  agent: Agent,
  providers: Providers,
  source: PromptSource | undefined,
): Changes {
  const saved = draftOf(agent, providers);
  const body: Record<string, unknown> = {};
  const changed = new Set<Tab>();
  for (const name of detailNames) {
    if (draft[name] !== saved[name]) body[name] = draft[name];
  }
  if (draft.chatbotEndpoint !== saved.chatbotEndpoint) body.chatbotEndpoint = draft.chatbotEndpoint;
  if (draft.chatbotKey !== undefined) body.chatbotKey = draft.chatbotKey;
  const newLlmKey = draft.llm?.provider === 'openai-compatible' && draft.llm.apiKey !== undefined;
  if (withoutKey(draft.llm) !== withoutKey(saved.llm) || newLlmKey) body.llm = draft.llm;
  if (JSON.stringify(draft.prompt) !== JSON.stringify(saved.prompt)) body.prompt = draft.prompt;
  for (const field of Object.keys(body)) changed.add(tabOf(field));

  if (withoutKey(draft.ttsConfig) !== withoutKey(saved.ttsConfig) || draft.ttsConfig.apiKey !== undefined)
    changed.add('voice');
  if (withoutKey(draft.sttConfig) !== withoutKey(saved.sttConfig) || draft.sttConfig.apiKey !== undefined)
    changed.add('transcriber');
  const speechChanged = changed.has('voice') || changed.has('transcriber');

  const textEdited =
    draft.prompt !== null &&
    draft.promptText !== null &&
    source?.promptId === draft.prompt.promptId &&
    draft.promptText !== source.text;
  if (textEdited) changed.add('model');
  return {
    agent: body as UpdateAgentBody,
    config: speechChanged
      ? ({ ttsConfig: draft.ttsConfig, sttConfig: draft.sttConfig } as AgentConfigBody)
      : null,
    prompt: textEdited
      ? ({
          text: draft.promptText,
          ...(draft.promptNote.trim() ? { note: draft.promptNote.trim() } : {}),
        } as UpdatePromptBody)
      : null,
    tabs: changed,
  };
}

/** A prompt's fields as the draft names them. */
export const promptField = (field: string) =>
  field === 'text' ? 'promptText' : field === 'note' ? 'promptNote' : `prompt.${field}`;

type Issues = { path: readonly PropertyKey[]; message: string }[];
const byField = (issues: Issues, rename: (field: string) => string = (f) => f) =>
  Object.fromEntries(issues.map((i) => [rename(i.path.map(String).join('.')), i.message]));

/**
 * What the same schemas the API validates with say of the requests a save would send, by draft
 * field: empty when the API would take them (its own rules, such as a key moving server, may still refuse).
 */
export function draftErrors(changes: Changes): Record<string, string> {
  const errors: Record<string, string> = {};
  if (Object.keys(changes.agent).length > 0) {
    const result = UpdateAgentBody.safeParse(changes.agent);
    if (!result.success) Object.assign(errors, byField(result.error.issues as Issues));
  }
  if (changes.config) {
    const result = AgentConfigBody.safeParse(changes.config);
    if (!result.success) Object.assign(errors, byField(result.error.issues as Issues));
  }
  if (changes.prompt) {
    const result = UpdatePromptBody.safeParse(changes.prompt);
    if (!result.success) Object.assign(errors, byField(result.error.issues as Issues, promptField));
  }
  return errors;
}
