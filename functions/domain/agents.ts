/**
 * Agent rules: a new agent, changes to it, its speech configuration, which chatbot endpoints it
 * may call, and what is shown of its write-only keys.
 */
import { isIP } from 'node:net';
import { ulid } from 'ulid';
import type {
  Agent,
  AgentConfigBody,
  CreateAgentBody,
  LlmSettings,
  UpdateAgentBody,
} from '../api/schemas/agents';
import { type Refusal, refuse } from './refusal';

export type KeySlot = 'chatbot' | 'tts' | 'stt' | 'llm';
/** A key per slot: a string sets or rotates it, null clears it, absent keeps it. */
export type KeyChanges = Partial<Record<KeySlot, string | null>>;
export type AgentKeys = Partial<Record<KeySlot, string>>;
/** What may be shown of a key: whether it is set and its last four characters. */
export type KeyHints = Partial<Record<KeySlot, string>>;

export function hintOf(key: string): string {
  return key.slice(-4);
}

export function applyKeyChanges(keys: AgentKeys, changes: KeyChanges): AgentKeys {
  const next: AgentKeys = { ...keys };
  for (const [slot, value] of Object.entries(changes) as [KeySlot, string | null | undefined][]) {
    if (value === null) delete next[slot];
    else if (value !== undefined) next[slot] = value;
  }
  return next;
}

export function hintsOf(keys: AgentKeys): KeyHints {
  return Object.fromEntries(Object.entries(keys).map(([slot, key]) => [slot, hintOf(key)]));
}

export function keyState(hints: KeyHints, slot: KeySlot) {
  const last4 = hints[slot];
  return last4 === undefined ? { set: false } : { set: true, last4 };
}

const privateSuffixes = ['.localhost', '.local', '.internal', '.home.arpa'];

/** A host name or address (IPv6 in brackets or not) on a private, loopback or link-local network. */
export function isPrivateAddress(host: string): boolean {
  // A trailing dot names the same host ("localhost." is localhost).
  const bare = host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (bare === 'localhost' || privateSuffixes.some((s) => bare.endsWith(s))) return true;
  const version = isIP(bare);
  if (version === 4) {
    const [a = 0, b = 0] = bare.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (version === 6) {
    return (
      bare === '::1' ||
      bare === '::' ||
      /^f[cd]/.test(bare) ||
      /^fe[89ab]/.test(bare) ||
      bare.startsWith('::ffff:')
    );
  }
  return false;
}

/**
 * The platform calls an agent's chatbot endpoint from inside AWS: a private, loopback or link-local
 * host would let an org reach our own network. Only the local stage may point at them.
 */
export function endpointRefusal(
  url: string | null | undefined,
  allowPrivate: boolean,
  field = 'chatbotEndpoint',
): Refusal | null {
  if (!url || allowPrivate) return null;
  if (!isPrivateAddress(new URL(url).hostname)) return null;
  return refuse('invalid', 'must not point at a private, loopback or link-local address', field);
}

/** An openai-compatible LLM's server is called from inside AWS too: the same rule as the chatbot endpoint. */
export function llmEndpointRefusal(
  llm: CreateAgentBody['llm'] | undefined,
  allowPrivate: boolean,
): Refusal | null {
  return llm?.provider === 'openai-compatible'
    ? endpointRefusal(llm.baseUrl, allowPrivate, 'llm.baseUrl')
    : null;
}

const originOf = (url: string | null | undefined) => (url ? new URL(url).origin : null);

/**
 * A stored key is only ever sent to the server it was given for: moving the chatbot endpoint or an
 * openai-compatible LLM's base URL to another origin must give the key again (or null to clear
 * it). Otherwise whoever may edit the agent could point it at their own server and receive a key
 * they were never shown.
 */
export function keyMoveRefusal(agent: AgentState, patch: UpdateAgentBody): Refusal | null {
  const message = 'give the key again, or null to clear it, when its address moves to another server';
  const { chatbotEndpoint, chatbotKey, llm } = patch;
  if (
    chatbotEndpoint &&
    chatbotKey === undefined &&
    agent.keyHints.chatbot !== undefined &&
    originOf(chatbotEndpoint) !== originOf(agent.chatbotEndpoint)
  ) {
    return refuse('invalid', message, 'chatbotKey');
  }
  const storedBase = agent.llm?.provider === 'openai-compatible' ? agent.llm.baseUrl : null;
  if (
    llm?.provider === 'openai-compatible' &&
    llm.apiKey === undefined &&
    agent.keyHints.llm !== undefined &&
    originOf(llm.baseUrl) !== originOf(storedBase)
  ) {
    return refuse('invalid', message, 'llm.apiKey');
  }
  return null;
}

/**
 * The key change an LLM setting asks for: absent keeps the key, null (no LLM) or Bedrock (no key
 * there) clears it, an openai-compatible setting sets, clears or keeps it as its apiKey says.
 */
export function llmKeyChange(llm: CreateAgentBody['llm'] | undefined): string | null | undefined {
  if (llm === undefined) return undefined;
  if (llm === null || llm.provider === 'bedrock') return null;
  return llm.apiKey;
}

function llmSettings(llm: NonNullable<CreateAgentBody['llm']>): LlmSettings {
  if (llm.provider === 'bedrock') return llm;
  const { apiKey: _writeOnly, ...settings } = llm;
  return settings;
}

/** An agent as the rules see it: the API shape with its key hints instead of key states. */
export type AgentState = Omit<Agent, 'chatbotKey' | 'ttsConfig' | 'sttConfig' | 'shared' | 'llm'> & {
  ttsConfig: Omit<AgentConfigBody['ttsConfig'], 'apiKey'> | null;
  sttConfig: Omit<AgentConfigBody['sttConfig'], 'apiKey'> | null;
  llm: LlmSettings | null;
  keyHints: KeyHints;
  /** Set when the agent is another org's, shared into the org reading it (read-only there). */
  sharedFrom?: string;
  /**
   * True when the org owning the agent is suspended, where a read looked (the runtime's, and a
   * shared-in agent's): nothing may run the agent then. An org's own agents need no such look,
   * since a suspended org's routes are refused before anything is read.
   */
  ownerSuspended?: boolean;
};

export function newAgent(orgId: string, body: CreateAgentBody, keyHints: KeyHints, now: Date): AgentState {
  const at = now.toISOString();
  return {
    id: `agt_${ulid(now.getTime())}`,
    orgId,
    name: body.name,
    description: body.description ?? null,
    type: body.type,
    status: body.status,
    initialMessage: body.initialMessage ?? null,
    chatbotEndpoint: body.chatbotEndpoint ?? null,
    prompt: body.prompt ?? null,
    llm: body.llm ? llmSettings(body.llm) : null,
    ttsConfig: null,
    sttConfig: null,
    keyHints,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

export function applyAgentUpdate(
  agent: AgentState,
  patch: UpdateAgentBody,
  keyHints: KeyHints,
  now: Date,
): AgentState {
  const { chatbotKey: _writeOnly, llm, ...fields } = patch;
  return {
    ...agent,
    ...fields,
    llm: llm === undefined ? agent.llm : llm && llmSettings(llm),
    keyHints,
    updatedAt: now.toISOString(),
    version: agent.version + 1,
  };
}

export function applyAgentConfig(
  agent: AgentState,
  config: AgentConfigBody,
  keyHints: KeyHints,
  now: Date,
): AgentState {
  const { apiKey: _tts, ...ttsConfig } = config.ttsConfig;
  const { apiKey: _stt, ...sttConfig } = config.sttConfig;
  return {
    ...agent,
    ttsConfig,
    sttConfig,
    keyHints,
    updatedAt: now.toISOString(),
    version: agent.version + 1,
  };
}

/** The key changes a request asks for, by slot (absent fields keep their key). */
export function keyChangesOf(changes: KeyChanges): KeyChanges {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
}

/** The API's view: keys only as set/last4. */
export function agentView(agent: AgentState): Agent {
  const { keyHints, ttsConfig, sttConfig, sharedFrom, ownerSuspended: _internal, llm, ...rest } = agent;
  return {
    ...rest,
    llm: llm?.provider === 'openai-compatible' ? { ...llm, apiKey: keyState(keyHints, 'llm') } : llm,
    shared: sharedFrom !== undefined,
    chatbotKey: keyState(keyHints, 'chatbot'),
    ttsConfig: ttsConfig && { ...ttsConfig, apiKey: keyState(keyHints, 'tts') },
    sttConfig: sttConfig && { ...sttConfig, apiKey: keyState(keyHints, 'stt') },
  };
}

export function agentLimitRefusal(maxAgents: number): Refusal {
  return refuse(
    'refused',
    `The organization’s plan allows ${maxAgents} agents; delete one or ask for a larger plan.`,
  );
}

/** A shared agent is read-only in the orgs it is shared into; only its owner changes it. */
export function ownerOnlyRefusal(agent: AgentState): Refusal | null {
  return agent.sharedFrom
    ? refuse('forbidden', 'This agent is shared from another organization; change it there.')
    : null;
}

/**
 * Chatting with or calling a shared-in agent runs it on its owner's keys, prompt and knowledge: not
 * while the platform operator has suspended the owner.
 */
export function sharedUseRefusal(agent: AgentState): Refusal | null {
  return agent.sharedFrom && agent.ownerSuspended
    ? refuse(
        'forbidden',
        'The organization that shares this agent is suspended by the platform operator; the agent cannot be used until it is reactivated.',
      )
    : null;
}

/**
 * The voice runtime runs an agent for its calls only while its org is not suspended and the agent
 * is not switched off (a number's calls or a test call still reaching it are then refused).
 */
export function runtimeRefusal(agent: AgentState): Refusal | null {
  if (agent.ownerSuspended)
    return refuse(
      'forbidden',
      'The agent’s organization is suspended by the platform operator; its agents do not run until it is reactivated.',
    );
  if (agent.status === 'inactive')
    return refuse(
      'forbidden',
      'The agent is inactive; its organization switched it off, so it does not run.',
    );
  return null;
}

/** A test call needs an agent that answers: an inactive one is switched off on purpose. */
export function callRefusal(agent: AgentState): Refusal | null {
  return agent.status === 'inactive'
    ? refuse('refused', 'The agent is inactive; set it active or training to call it.')
    : null;
}

/** Sharing needs the caller to be an admin of the target too, and the target to be another org. */
export function shareRefusal(
  ownerOrgId: string,
  targetOrgId: string,
  targetRole: string | undefined,
): Refusal | null {
  if (targetOrgId === ownerOrgId)
    return refuse('refused', 'An agent is already in its own organization.', 'targetOrgId');
  if (!targetRole) return refuse('not_found', 'No such organization for you.', 'targetOrgId');
  if (targetRole !== 'owner' && targetRole !== 'admin') {
    return refuse('forbidden', 'You must be an admin of the organization you share with.', 'targetOrgId');
  }
  return null;
}

/**
 * Speech providers the voice worker has a plugin for (LiveKit Agents: deepgram, elevenlabs,
 * cartesia, openai, google). The allow-list (api/providers.ts) holds more for chat agents' settings;
 * a voice agent set up with one of those would fail only mid-call, so it is refused when saved.
 */
export const workerTtsProviders: readonly string[] = ['elevenlabs', 'cartesia', 'openai', 'google'];
export const workerSttProviders: readonly string[] = ['deepgram', 'openai', 'google'];

export function workerPluginRefusal(
  type: string,
  config: { ttsConfig: { provider: string } | null; sttConfig: { provider: string } | null },
): Refusal | null {
  if (type !== 'voice') return null;
  const { ttsConfig: tts, sttConfig: stt } = config;
  if (tts && !workerTtsProviders.includes(tts.provider))
    return refuse(
      'invalid',
      `the voice worker has no plugin for ${tts.provider}; a voice agent speaks with ${workerTtsProviders.join(', ')}`,
      'ttsConfig.provider',
    );
  if (stt && !workerSttProviders.includes(stt.provider))
    return refuse(
      'invalid',
      `the voice worker has no plugin for ${stt.provider}; a voice agent listens with ${workerSttProviders.join(', ')}`,
      'sttConfig.provider',
    );
  return null;
}
