/**
 * An agent's provider keys (chatbot, text-to-speech, speech-to-text, an openai-compatible LLM): one secret per agent holding
 * all of them (a secret costs $0.40 a month, so not one per key), never in DynamoDB. Values never
 * pass through the logger or an error.
 */
import * as z from 'zod/mini';
import type { AgentKeys } from '../domain/agents';
import { secretStore } from './secrets';

const StoredKeys = z.object({
  chatbot: z.optional(z.string()),
  tts: z.optional(z.string()),
  stt: z.optional(z.string()),
  llm: z.optional(z.string()),
});

/** Relative to the stage's secrets prefix; IAM grants the agents module `<prefix>agents/*` only. */
export function agentKeysSecretName(orgId: string, agentId: string): string {
  return `agents/${orgId}/${agentId}`;
}

export async function readAgentKeys(orgId: string, agentId: string): Promise<AgentKeys> {
  const raw = await secretStore().get(agentKeysSecretName(orgId, agentId));
  return raw ? StoredKeys.parse(JSON.parse(raw)) : {};
}

/**
 * Replaces the agent's keys; with none left the secret goes at once. With `forVersion` (the agent
 * version the keys belong to) the write claims that version: of two changes made from the same
 * agent, the second to write throws SecretVersionTaken instead of overwriting the first's keys.
 */
export async function writeAgentKeys(
  orgId: string,
  agentId: string,
  keys: AgentKeys,
  forVersion?: number,
): Promise<void> {
  const name = agentKeysSecretName(orgId, agentId);
  if (Object.keys(keys).length === 0) await secretStore().delete(name);
  else
    await secretStore().put(
      name,
      JSON.stringify(keys),
      // Secrets Manager wants 32 to 64 characters; an agent id is 30.
      forVersion === undefined ? {} : { version: `${agentId}.version-${forVersion}` },
    );
}

/** A deleted agent's keys stay restorable for a week, then Secrets Manager removes them. */
export async function scheduleAgentKeysDeletion(orgId: string, agentId: string): Promise<void> {
  await secretStore().delete(agentKeysSecretName(orgId, agentId), { recoveryWindowDays: 7 });
}
