import {
  createPrompt,
  deletePrompt,
  getPrompt,
  getPromptVersion,
  listPrompts,
  listPromptVersions,
  updatePrompt,
} from '../api/routes/prompts';
import type { Prompt } from '../api/schemas/prompts';
import * as prompts from '../data/prompts';
import { applyPromptUpdate, newPrompt, versionOf } from '../domain/prompts';
import { refusals } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

const promptTarget = (prompt: Prompt) => ({ type: 'prompt', id: prompt.id });
/** What the audit log keeps of a prompt: the history itself lives in its versions. */
const audited = ({ agentIds: _derived, ...prompt }: Prompt) => prompt;

export const handler = httpHandler([
  implement(createPrompt, async ({ params, body, audit, now }) => {
    const prompt = newPrompt(params.orgId, body, now);
    const entry = audit({ action: 'prompt.created', target: promptTarget(prompt), after: audited(prompt) });
    await prompts.createPrompt(prompt, versionOf(prompt, entry.actor, body.note), entry);
    return { body: prompt };
  }),

  implement(listPrompts, async ({ params, query }) => ({
    body: await prompts.listPrompts(params.orgId, query),
  })),

  implement(getPrompt, async ({ params }) => ({
    body: found(await prompts.getPrompt(params.orgId, params.promptId)),
  })),

  implement(updatePrompt, async ({ params, body, ifMatch, audit, now }) => {
    const current = found(await prompts.getPrompt(params.orgId, params.promptId));
    checkIfMatch(ifMatch, current);
    const updated = applyPromptUpdate(current, body, now);
    const entry = audit({
      action: 'prompt.updated',
      target: promptTarget(current),
      before: audited(current),
      after: audited(updated),
    });
    await prompts.savePrompt(
      updated,
      versionOf(updated, entry.actor, body.note),
      current.version,
      entry,
      lostRace(ifMatch, 'prompt'),
    );
    return { body: updated };
  }),

  implement(deletePrompt, async ({ params, ifMatch, audit }) => {
    const current = found(await prompts.getPrompt(params.orgId, params.promptId));
    checkIfMatch(ifMatch, current);
    await prompts.deletePrompt(
      current,
      audit({ action: 'prompt.deleted', target: promptTarget(current), before: audited(current) }),
      lostRace(ifMatch, 'prompt'),
    );
    return {};
  }),

  implement(listPromptVersions, async ({ params, query }) => {
    const page = await prompts.listPromptVersions(params.orgId, params.promptId, query);
    // Every prompt has a version 1, and its versions go with it: an empty first page is no prompt.
    if (!query.cursor && page.items.length === 0) throw refusals.notFound();
    return { body: page };
  }),

  implement(getPromptVersion, async ({ params }) => ({
    body: found(await prompts.getPromptVersion(params.orgId, params.promptId, params.version)),
  })),
]);
