/**
 * The knowledge bank. An entry is three kinds of item:
 * - `KENTRY#<entryId>` in the org's knowledge partition (`ORG#<orgId>#KNOWLEDGE`): title, tags,
 *   agents, sizes, and `rev`, the revision whose chunks are visible;
 * - `KCHUNK#<entryId>#<rev>#<n>` in the same partition: the passages retrieval searches, each with
 *   its embedding (int8 bytes, their scale and the model that made them), computed before the write;
 * - `KCONTENT#<entryId>` in the org partition: the full text, which building an index never reads.
 * `KVERSION` in the org partition is the org-wide knowledge version, bumped by every write, with
 * the bank's entry count and byte total (their conditions bound what one container must index).
 *
 * A write puts the new revision's chunks under new keys, and the entry item names that revision
 * only in the transaction that bumps the version. When everything fits one TransactWriteItems (100
 * items) it is one transaction; a longer entry's chunks are batch-written first, invisible because
 * no entry names their revision yet, and the transaction flips the pointer. A failed write
 * therefore never shows half an entry: its chunks are unreferenced, deleted at once when possible,
 * and in any case skipped by retrieval and removed with the entry or the org.
 *
 * Retrieval keeps one index per org per container, tagged with the knowledge version it was built
 * at; each search reads the version (one consistent GetItem) and rebuilds only when it moved.
 */
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  type ChunkVectors,
  currentVectorModel,
  embedChunks,
  embedQuestion,
} from '../adapters/knowledge-embedding';
import { synonymsOf } from '../adapters/thesaurus';
import type { AuditEntry } from '../api/schemas/audit';
import { KnowledgeEntrySummary, type Passage } from '../api/schemas/knowledge';
import {
  type Chunk,
  type EntryState,
  knowledgeRefusals,
  maxBankBytesPerOrg,
  maxEntriesPerOrg,
  summaryOf,
} from '../domain/knowledge';
import { type Refusal, refusals } from '../domain/refusal';
import type { IndexedChunk, KnowledgeIndex } from '../domain/retrieval';
import { onFirstUse } from '../lib/lazy';
import { logger } from '../lib/logger';
import { usableAgentCheck } from './agent-use';
import { auditPut } from './audit';
import { batchDelete, batchWrite } from './batch';
import { ddb, tableName } from './client';
import { isConditionFailure } from './errors';
import { keys } from './keys';
import { type Page, queryEveryPage, queryPage } from './page';
import { type TxItem, transact } from './transact';

const EntryItem = z.extend(KnowledgeEntrySummary, { rev: z.string() });
type EntryItem = z.infer<typeof EntryItem>;

const ContentItem = z.object({ entryId: z.string(), content: z.string() });
const ChunkItem = z.object({
  entryId: z.string(),
  rev: z.string(),
  n: z.number().check(z.int()),
  heading: z.nullable(z.string()),
  text: z.string(),
  /** The chunk's embedding as int8 bytes, with its scale and `<model>#<dimensions>`. */
  vector: z.optional(z.instanceof(Uint8Array)),
  vectorScale: z.optional(z.number()),
  vectorModel: z.optional(z.string()),
});
const VersionItem = z.object({ version: z.number().check(z.int()) });

/** Items per TransactWriteItems. */
const maxTransactionItems = 100;

function chunkPuts(entry: EntryState, chunks: readonly Chunk[], embedded: ChunkVectors | null) {
  return chunks.map((chunk, i) => {
    const vector = embedded?.vectors[i];
    return {
      ...keys.knowledgeChunk(entry.orgId, entry.id, entry.rev, chunk.n),
      type: 'KNOWLEDGE_CHUNK',
      ...ChunkItem.parse({
        entryId: entry.id,
        rev: entry.rev,
        ...chunk,
        ...(vector && embedded
          ? {
              vector: new Uint8Array(vector.values.buffer, vector.values.byteOffset, vector.values.length),
              vectorScale: vector.scale,
              vectorModel: embedded.model,
            }
          : {}),
      }),
    };
  });
}

function chunkKeys(entry: Pick<EntryState, 'orgId' | 'id' | 'rev' | 'chunkCount'>) {
  return Array.from({ length: entry.chunkCount }, (_, n) =>
    keys.knowledgeChunk(entry.orgId, entry.id, entry.rev, n),
  );
}

/** The version bump every write makes, with the bank's totals and the limits growth must respect. */
function versionBump(orgId: string, entries: number, bytes: number): TxItem {
  const limits: string[] = [];
  const values: Record<string, unknown> = { ':one': 1, ':entries': entries, ':bytes': bytes };
  if (entries > 0) {
    limits.push('(attribute_not_exists(entryCount) OR entryCount < :maxEntries)');
    values[':maxEntries'] = maxEntriesPerOrg;
  }
  if (bytes > 0) {
    limits.push('(attribute_not_exists(contentBytes) OR contentBytes <= :room)');
    values[':room'] = maxBankBytesPerOrg - bytes;
  }
  return {
    Update: {
      TableName: tableName(),
      Key: keys.knowledgeVersion(orgId),
      UpdateExpression: 'ADD version :one, entryCount :entries, contentBytes :bytes SET #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ...values, ':type': 'KNOWLEDGE_VERSION' },
      ...(limits.length ? { ConditionExpression: limits.join(' AND ') } : {}),
    },
  };
}

/**
 * Writes an entry (new, or replacing `previous`), its content when it changed and its chunks when
 * given, as described at the top. Refusals: stale or changed meanwhile, the bank full, an agent
 * that is not the org's.
 */
async function writeEntry(
  entry: EntryState,
  previous: EntryState | null,
  chunks: readonly Chunk[] | null,
  vectors: ChunkVectors | null,
  audit: AuditEntry,
  ifChanged: () => Error,
): Promise<void> {
  const { content, ...fields } = entry;
  const agentsChanged = !previous || JSON.stringify(previous.agentIds) !== JSON.stringify(entry.agentIds);
  const fixed: TxItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.knowledgeEntry(entry.orgId, entry.id),
          type: 'KNOWLEDGE_ENTRY',
          ...EntryItem.parse(fields),
        },
        ...(previous
          ? {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': previous.version },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    },
    versionBump(entry.orgId, previous ? 0 : 1, entry.contentBytes - (previous?.contentBytes ?? 0)),
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.org(entry.orgId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    auditPut(audit),
    ...(previous?.content === content
      ? []
      : [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...keys.knowledgeContent(entry.orgId, entry.id),
                type: 'KNOWLEDGE_CONTENT',
                ...ContentItem.parse({ entryId: entry.id, content }),
              },
            },
          },
        ]),
  ];
  const checksAt = fixed.length;
  fixed.push(
    ...(agentsChanged ? entry.agentIds.map((agentId) => usableAgentCheck(entry.orgId, agentId)) : []),
  );
  const fresh = chunks ? chunkPuts(entry, chunks, vectors) : [];
  const stale = chunks && previous ? chunkKeys(previous) : [];
  const inline = fixed.length + fresh.length + stale.length <= maxTransactionItems;

  if (!inline) await batchWrite(fresh.map((Item) => ({ PutRequest: { Item } })));
  const outcome = await transact([
    ...fixed,
    ...(inline
      ? [
          ...fresh.map((Item): TxItem => ({ Put: { TableName: tableName(), Item } })),
          ...stale.map((Key): TxItem => ({ Delete: { TableName: tableName(), Key } })),
        ]
      : []),
  ]);
  if (!outcome.ok) {
    if (!inline) await forget('chunks of a refused write', fresh);
    if (outcome.failed.includes(0)) throw ifChanged();
    if (outcome.failed.includes(1)) throw knowledgeRefusals.bankFull();
    if (outcome.failed.includes(2)) throw refusals.notFound();
    if (outcome.failed.some((i) => i >= checksAt)) throw knowledgeRefusals.noSuchAgent();
    throw ifChanged();
  }
  if (!inline) await forget('replaced chunks', stale);
}

/** Deletes chunks no entry names: harmless if it fails (retrieval skips them; the entry's deletion or the org's removes them). */
async function forget(what: string, items: readonly { pk: unknown; sk: unknown }[]) {
  try {
    await batchDelete(items);
  } catch (error) {
    logger.warn(`${what} not deleted`, { count: items.length, error });
  }
}

/** `vectors`: one per chunk, in order (embedChunks), or null when search is lexical only. */
export function createEntry(
  entry: EntryState,
  chunks: readonly Chunk[],
  vectors: ChunkVectors | null,
  audit: AuditEntry,
): Promise<void> {
  return writeEntry(
    entry,
    null,
    chunks,
    vectors,
    audit,
    () => new Error(`knowledge entry id ${entry.id} collided`),
  );
}

/** `chunks` (and their `vectors`) only when the content changed (the revision moved). */
export function saveEntry(
  entry: EntryState,
  previous: EntryState,
  chunks: readonly Chunk[] | null,
  vectors: ChunkVectors | null,
  audit: AuditEntry,
  ifChanged: () => Error,
): Promise<void> {
  return writeEntry(entry, previous, chunks, vectors, audit, ifChanged);
}

/** The entry with its content: both items in one BatchGetItem. */
export async function getEntry(orgId: string, entryId: string): Promise<EntryState | undefined> {
  const entryKey = keys.knowledgeEntry(orgId, entryId);
  const contentKey = keys.knowledgeContent(orgId, entryId);
  const { Responses } = await ddb().send(
    new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: [entryKey, contentKey] } } }),
  );
  const items = Responses?.[tableName()] ?? [];
  const entry = items.find((item) => item.sk === entryKey.sk);
  const content = items.find((item) => item.sk === contentKey.sk);
  if (!entry || !content) return undefined;
  return { ...EntryItem.parse(entry), content: ContentItem.parse(content).content };
}

async function getEntryItem(orgId: string, entryId: string): Promise<EntryItem | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.knowledgeEntry(orgId, entryId) }),
  );
  return Item ? EntryItem.parse(Item) : undefined;
}

/** The entry's summary (for a delete's audit entry), or undefined. */
export async function getEntrySummary(orgId: string, entryId: string) {
  const item = await getEntryItem(orgId, entryId);
  return item && { summary: summaryOf(item), item };
}

/**
 * Removes the entry from retrieval in one transaction, if it is still the version that was read,
 * then every chunk it ever had.
 */
export async function deleteEntry(
  item: EntryItem,
  audit: AuditEntry,
  ifChanged: () => Refusal,
): Promise<void> {
  const outcome = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: keys.knowledgeEntry(item.orgId, item.id),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': item.version },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    { Delete: { TableName: tableName(), Key: keys.knowledgeContent(item.orgId, item.id) } },
    versionBump(item.orgId, -1, -item.contentBytes),
    auditPut(audit),
  ]);
  if (!outcome.ok) throw outcome.old[0] ? ifChanged() : refusals.notFound();
  const leftover: { pk: unknown; sk: unknown }[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.knowledgePk(item.orgId),
        ':prefix': keys.knowledgeChunksPrefix(item.id),
      },
      ProjectionExpression: 'pk, sk',
    },
    (page) => leftover.push(...((page.Items ?? []) as { pk: unknown; sk: unknown }[])),
  );
  await forget('chunks of a deleted entry', leftover);
}

export async function listEntries(
  orgId: string,
  options: { limit: number; cursor?: string | undefined; tag?: string | undefined },
): Promise<Page<KnowledgeEntrySummary>> {
  const page = await queryPage({
    partition: keys.knowledgePk(orgId),
    sortPrefix: keys.knowledgeEntryPrefix,
    limit: options.limit,
    cursor: options.cursor,
    ...(options.tag
      ? { filter: { expression: 'contains(tags, :tag)', values: { ':tag': options.tag } } }
      : {}),
  });
  return { ...page, items: page.items.map((item) => summaryOf(EntryItem.parse(item))) };
}

/** The org's knowledge version: 0 before the first write. Read consistently, so no write is missed. */
export async function knowledgeVersion(orgId: string): Promise<number> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.knowledgeVersion(orgId), ConsistentRead: true }),
  );
  return Item ? VersionItem.parse(Item).version : 0;
}

/** The org's entries and the chunks of their current revisions (a failed write's leftovers skipped). */
async function visibleChunks(
  orgId: string,
): Promise<{ entry: EntryItem; chunk: z.infer<typeof ChunkItem> }[]> {
  const entries = new Map<string, EntryItem>();
  const chunks: z.infer<typeof ChunkItem>[] = [];
  await queryEveryPage(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.knowledgePk(orgId) },
      ConsistentRead: true,
    },
    (page) => {
      for (const item of page.Items ?? []) {
        if (item.type === 'KNOWLEDGE_ENTRY') {
          const entry = EntryItem.parse(item);
          entries.set(entry.id, entry);
        } else if (item.type === 'KNOWLEDGE_CHUNK') chunks.push(ChunkItem.parse(item));
      }
    },
  );
  return chunks.flatMap((chunk) => {
    const entry = entries.get(chunk.entryId);
    return entry?.rev === chunk.rev ? [{ entry, chunk }] : [];
  });
}

/** Every visible chunk of the org, each with its vector when the current embedder made it. */
export async function loadChunks(orgId: string): Promise<IndexedChunk[]> {
  const vectorModel = currentVectorModel();
  return (await visibleChunks(orgId)).map(({ entry, chunk }) => ({
    id: `${chunk.entryId}#${chunk.n}`,
    entryId: chunk.entryId,
    title: entry.title,
    heading: chunk.heading,
    tags: entry.tags,
    n: chunk.n,
    text: chunk.text,
    agentIds: entry.agentIds,
    vector:
      chunk.vector && chunk.vectorModel === vectorModel && chunk.vectorScale !== undefined
        ? {
            values: new Int8Array(chunk.vector.buffer, chunk.vector.byteOffset, chunk.vector.length),
            scale: chunk.vectorScale,
          }
        : null,
  }));
}

/** Chunks per embedding request of the backfill. */
const backfillBatch = 32;

/**
 * The backfill's work for one org (infra/scripts/backfill-knowledge-vectors.ts): embeds the visible
 * chunks that have no vector of the current embedder (written before there was one, or by another
 * model), each written in place only while it still exists, then moves the knowledge version once
 * so every container's index reloads with them. Without an embedder there is nothing to do.
 */
export async function embedMissingVectors(
  orgId: string,
): Promise<{ embedded: number; current: number; gone: number }> {
  const counts = { embedded: 0, current: 0, gone: 0 };
  const vectorModel = currentVectorModel();
  if (!vectorModel) return counts;
  const visible = await visibleChunks(orgId);
  const missing = visible.filter(({ chunk }) => !chunk.vector || chunk.vectorModel !== vectorModel);
  counts.current = visible.length - missing.length;
  for (let from = 0; from < missing.length; from += backfillBatch) {
    const batch = missing.slice(from, from + backfillBatch);
    const embedded = await embedChunks(batch.map(({ chunk }) => chunk));
    if (!embedded) return counts;
    for (const [i, { chunk }] of batch.entries()) {
      const vector = embedded.vectors[i]!;
      try {
        await ddb().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.knowledgeChunk(orgId, chunk.entryId, chunk.rev, chunk.n),
            UpdateExpression: 'SET vector = :vector, vectorScale = :scale, vectorModel = :model',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: {
              ':vector': new Uint8Array(vector.values.buffer, vector.values.byteOffset, vector.values.length),
              ':scale': vector.scale,
              ':model': embedded.model,
            },
          }),
        );
        counts.embedded++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        counts.gone++;
      }
    }
  }
  if (counts.embedded > 0) {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.knowledgeVersion(orgId),
        UpdateExpression: 'ADD version :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
  return counts;
}

/** Indexes by org, most recently used last; bounded so one container never holds every org's bank. */
const indexes = new Map<string, { version: number; index: KnowledgeIndex }>();
const maxIndexedOrgs = 20;

/** The search engine (MiniSearch) loads with the first search: lists and edits never need it. */
const retrieval = onFirstUse(() => import('../domain/retrieval'));

async function indexOf(orgId: string): Promise<{ version: number; index: KnowledgeIndex }> {
  const version = await knowledgeVersion(orgId);
  let cached = indexes.get(orgId);
  indexes.delete(orgId);
  if (cached?.version !== version) {
    // Read after the version: the chunks are at least as new as the version they are tagged with.
    const [{ buildIndex }, chunks] = await Promise.all([retrieval(), loadChunks(orgId)]);
    cached = { version, index: buildIndex(chunks) };
  }
  indexes.set(orgId, cached);
  for (const oldest of indexes.keys()) {
    if (indexes.size <= maxIndexedOrgs) break;
    indexes.delete(oldest);
  }
  return cached;
}

export interface Retrieved {
  passages: Passage[];
  knowledgeVersion: number;
  /** Whether the question's embedding took part (not when there is no embedder or it failed). */
  dense: boolean;
}

type Bank = { version: number; index: KnowledgeIndex };
type Engine = typeof import('../domain/retrieval');

/** One bank's index searched with the question's vector (or none). */
function searchBank(
  engine: Engine,
  bank: Bank,
  query: string,
  queryVector: Float32Array | null,
  options: { agentId?: string | undefined; limitedOnly?: boolean; limit: number },
): Retrieved {
  return {
    passages: engine.searchIndex(bank.index, query, { ...options, synonyms: synonymsOf, queryVector }),
    knowledgeVersion: bank.version,
    dense: queryVector !== null && bank.index.dense !== null,
  };
}

/**
 * The passages a question retrieves from the org's bank, as `agentId` would see them (entries
 * limited to other agents left out), best first. One GetItem, and one embedding of the question
 * in parallel with it; the index is rebuilt only when the org's knowledge version moved. Made for
 * the conversations work too.
 */
export async function retrieve(
  orgId: string,
  query: string,
  options: { agentId?: string | undefined; limitedOnly?: boolean; limit: number },
): Promise<Retrieved> {
  const [queryVector, bank, engine] = await Promise.all([embedQuestion(query), indexOf(orgId), retrieval()]);
  return searchBank(engine, bank, query, queryVector, options);
}

/**
 * The passages `agent` uses when it answers in `orgId`: the one rule both a conversation and the
 * knowledge search's "as agent" follow, so testing retrieval shows what the agent will be sent.
 * An org's own agent searches the org's bank (entries for every agent and those limited to it).
 * An agent shared in from another org searches its owner's bank and this org's, but only entries
 * limited to it by name in either: sharing an agent shares no knowledge its owner did not give it
 * (the owner's entries for every agent, today's and later ones, stay the owner's), and this org's
 * entries for every agent are not sent to a model the other org configured. The version is this
 * org's.
 */
export async function retrieveForAgent(
  orgId: string,
  agent: { id: string; sharedFrom?: string | undefined },
  query: string,
  limit: number,
): Promise<Retrieved> {
  if (!agent.sharedFrom) return retrieve(orgId, query, { agentId: agent.id, limit });
  const only = { agentId: agent.id, limitedOnly: true, limit };
  // The question is embedded once for both banks, while their versions are read.
  const [queryVector, engine, ownersBank, hereBank] = await Promise.all([
    embedQuestion(query),
    retrieval(),
    indexOf(agent.sharedFrom),
    indexOf(orgId),
  ]);
  const owners = searchBank(engine, ownersBank, query, queryVector, only);
  const here = searchBank(engine, hereBank, query, queryVector, only);
  return {
    passages: engine.mergePassages([owners.passages, here.passages], limit),
    knowledgeVersion: here.knowledgeVersion,
    dense: owners.dense || here.dense,
  };
}
