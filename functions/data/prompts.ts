/**
 * Prompts: a head item per prompt (its latest version, and the set of agents using it) and an
 * immutable item per version, written in the same transaction as the head's version bump. A
 * version item is only ever Put with attribute_not_exists, so nothing rewrites history.
 *
 * Agents name a prompt in their configuration; the agent's own transaction adds it to the head's
 * `usedBy` set (with a condition that the prompt and version exist) and removes it from the
 * previous prompt's. Deleting a prompt is conditioned on an empty `usedBy`, so a prompt cannot
 * vanish under an agent and an agent cannot pin a prompt being deleted.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import type { AuditEntry } from '../api/schemas/audit';
import { type AgentPromptRef, Prompt, PromptVersion } from '../api/schemas/prompts';
import { promptRefusals } from '../domain/prompts';
import { type Refusal, refusals } from '../domain/refusal';
import { auditPut } from './audit';
import { batchDelete } from './batch';
import { ddb, tableName } from './client';
import { keys } from './keys';
import { type Page, queryEveryPage, queryPage } from './page';
import { type TxItem, transact } from './transact';

const PromptItem = z.extend(z.omit(Prompt, { agentIds: true }), {
  // A string set: DynamoDB drops the attribute when its last member is removed.
  usedBy: z.optional(z.set(z.string())),
});

function promptOf(item: Record<string, unknown>): Prompt {
  const { usedBy, ...prompt } = PromptItem.parse(item);
  return { ...prompt, agentIds: [...(usedBy ?? [])].sort() };
}

function versionPut(orgId: string, version: PromptVersion): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.promptVersion(orgId, version.promptId, version.version),
        type: 'PROMPT_VERSION',
        ...PromptVersion.parse(version),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getPrompt(orgId: string, promptId: string): Promise<Prompt | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.prompt(orgId, promptId) }),
  );
  return Item ? promptOf(Item) : undefined;
}

export async function createPrompt(prompt: Prompt, first: PromptVersion, audit: AuditEntry): Promise<void> {
  const { agentIds: _none, ...fields } = prompt;
  const outcome = await transact([
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.prompt(prompt.orgId, prompt.id), type: 'PROMPT', ...PromptItem.parse(fields) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    versionPut(prompt.orgId, first),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw new Error(`prompt id ${prompt.id} collided`);
}

/**
 * Moves the head to the next version and writes that version, if the head is still the version
 * that was read. An Update, not a Put: agents join and leave `usedBy` without changing the version.
 */
export async function savePrompt(
  prompt: Prompt,
  next: PromptVersion,
  expectedVersion: number,
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  const outcome = await transact([
    {
      Update: {
        TableName: tableName(),
        Key: keys.prompt(prompt.orgId, prompt.id),
        UpdateExpression:
          'SET #name = :name, description = :description, #text = :text, version = :version, updatedAt = :at',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeNames: { '#name': 'name', '#text': 'text' },
        ExpressionAttributeValues: {
          ':name': prompt.name,
          ':description': prompt.description,
          ':text': prompt.text,
          ':version': prompt.version,
          ':at': prompt.updatedAt,
          ':expected': expectedVersion,
        },
      },
    },
    versionPut(prompt.orgId, next),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw outcome.failed.includes(0) ? ifChanged() : refusals.changedMeanwhile('prompt');
}

const oldItem = (raw: Record<string, AttributeValue> | undefined) => (raw ? unmarshall(raw) : undefined);

/**
 * Deletes the head (unless agents use it, or it moved past the version that was read), then its
 * versions: none is reachable once the head is gone.
 */
export async function deletePrompt(
  prompt: Prompt,
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.prompt(prompt.orgId, prompt.id),
        ConditionExpression: 'attribute_not_exists(usedBy) AND version = :expected',
        ExpressionAttributeValues: { ':expected': prompt.version },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    auditPut(audit),
  ]);
  if (!outcome.ok) {
    const old = oldItem(outcome.old[0]);
    if (!old) throw refusals.notFound();
    const { agentIds } = promptOf(old);
    throw agentIds.length > 0 ? promptRefusals.inUse(agentIds) : ifChanged();
  }
  const versions: { pk: unknown; sk: unknown }[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.prompt(prompt.orgId, prompt.id).pk,
        ':prefix': keys.promptVersionsPrefix(prompt.id),
      },
      ProjectionExpression: 'pk, sk',
    },
    (page) => versions.push(...((page.Items ?? []) as { pk: unknown; sk: unknown }[])),
  );
  await batchDelete(versions);
}

export async function listPrompts(
  orgId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<Prompt>> {
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.promptPrefix,
    limit: options.limit,
    cursor: options.cursor,
  });
  return { ...page, items: page.items.map(promptOf) };
}

export async function listPromptVersions(
  orgId: string,
  promptId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<PromptVersion>> {
  const page = await queryPage({
    partition: keys.org(orgId).pk,
    sortPrefix: keys.promptVersionsPrefix(promptId),
    limit: options.limit,
    cursor: options.cursor,
    newestFirst: true,
  });
  return { ...page, items: page.items.map((item) => PromptVersion.parse(item)) };
}

export async function getPromptVersion(
  orgId: string,
  promptId: string,
  version: number,
): Promise<PromptVersion | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.promptVersion(orgId, promptId, version) }),
  );
  return Item ? PromptVersion.parse(Item) : undefined;
}

/**
 * For an agent's transaction: the agent joins the prompt it now names (which must exist, with the
 * version it pins) and leaves the one it named before. The joining item, when there is one, is
 * first: `promptUseRefusal` explains its failure from the head it returns.
 */
export function promptUseItems(
  orgId: string,
  agentId: string,
  before: AgentPromptRef | null,
  after: AgentPromptRef | null,
): TxItem[] {
  const agent = new Set([agentId]);
  const items: TxItem[] = [];
  if (after) {
    const pinned = after.version === 'latest' ? {} : { ':pinned': after.version };
    items.push({
      Update: {
        TableName: tableName(),
        Key: keys.prompt(orgId, after.promptId),
        UpdateExpression: 'ADD usedBy :agent',
        ConditionExpression: `attribute_exists(pk)${after.version === 'latest' ? '' : ' AND version >= :pinned'}`,
        ExpressionAttributeValues: { ':agent': agent, ...pinned },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  }
  if (before && before.promptId !== after?.promptId) {
    items.push({
      Update: {
        TableName: tableName(),
        Key: keys.prompt(orgId, before.promptId),
        UpdateExpression: 'DELETE usedBy :agent',
        // Never creates a head: the prompt cannot have been deleted while this agent used it.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':agent': agent },
      },
    });
  }
  return items;
}

/** Why the joining item of `promptUseItems` failed, from the head as it stood (absent: no such prompt). */
export function promptUseRefusal(raw: Record<string, AttributeValue> | undefined): Refusal {
  const old = oldItem(raw);
  return old ? promptRefusals.noSuchVersion(Number(old.version)) : promptRefusals.noSuchPrompt();
}

/**
 * The system prompt an agent answers with: the version it pins, or the latest. One GetItem. Null
 * when the agent names no prompt. Made for the conversations work: it resolves the reference of an
 * agent (AgentState.prompt) in the agent's own org.
 */
export async function systemPromptOf(
  orgId: string,
  ref: AgentPromptRef | null,
): Promise<{ promptId: string; version: number; text: string } | null> {
  if (!ref) return null;
  if (ref.version === 'latest') {
    const head = await getPrompt(orgId, ref.promptId);
    return head ? { promptId: head.id, version: head.version, text: head.text } : null;
  }
  const version = await getPromptVersion(orgId, ref.promptId, ref.version);
  return version ? { promptId: version.promptId, version: version.version, text: version.text } : null;
}
