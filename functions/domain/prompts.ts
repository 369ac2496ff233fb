/**
 * Prompt rules: a new prompt, a change (always the next version), the immutable version each of
 * them writes, and which version an agent's reference names.
 */
import { ulid } from 'ulid';
import type { CreatePromptBody, Prompt, PromptVersion, UpdatePromptBody } from '../api/schemas/prompts';
import { type Refusal, refuse } from './refusal';

export type Author = PromptVersion['author'];

export function newPrompt(orgId: string, body: CreatePromptBody, now: Date): Prompt {
  const at = now.toISOString();
  return {
    id: `prm_${ulid(now.getTime())}`,
    orgId,
    name: body.name,
    description: body.description ?? null,
    text: body.text,
    version: 1,
    agentIds: [],
    createdAt: at,
    updatedAt: at,
  };
}

/** Every change is a new version, even one of the name alone: the history shows each state. */
export function applyPromptUpdate(prompt: Prompt, patch: UpdatePromptBody, now: Date): Prompt {
  return {
    ...prompt,
    name: patch.name ?? prompt.name,
    description: patch.description === undefined ? prompt.description : patch.description,
    text: patch.text ?? prompt.text,
    version: prompt.version + 1,
    updatedAt: now.toISOString(),
  };
}

/** The immutable record of the prompt as it now is. */
export function versionOf(prompt: Prompt, author: Author, note: string | undefined): PromptVersion {
  return {
    promptId: prompt.id,
    version: prompt.version,
    name: prompt.name,
    description: prompt.description,
    text: prompt.text,
    note: note ?? null,
    author,
    createdAt: prompt.updatedAt,
  };
}

export const promptRefusals = {
  /** The agent's configuration names a prompt the org does not have. */
  noSuchPrompt: (): Refusal => refuse('refused', 'No such prompt in this organization.', 'prompt.promptId'),
  noSuchVersion: (latest: number): Refusal =>
    refuse('refused', `The prompt has versions 1 to ${latest}.`, 'prompt.version'),
  inUse: (agentIds: readonly string[]): Refusal =>
    refuse(
      'conflict',
      `Agents ${agentIds.join(', ')} use this prompt; give them another prompt (or none) first.`,
    ),
};
