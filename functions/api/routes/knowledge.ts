/** The knowledge bank: entries agents answer from, chunked on write, and lexical retrieval over them. */
import { route } from '../route';
import { page } from '../schemas/common';
import {
  CreateKnowledgeBody,
  KnowledgeEntry,
  KnowledgeEntryParams,
  KnowledgeEntrySummary,
  KnowledgeListQuery,
  KnowledgeSearchBody,
  KnowledgeSearchResult,
  UpdateKnowledgeBody,
} from '../schemas/knowledge';
import { OrgParams } from '../schemas/orgs';

/**
 * 100 KB of content may arrive JSON-escaped (\uXXXX for every non-ASCII character, as Python's
 * json.dumps writes by default): up to six bytes per UTF-8 byte in the worst case is not worth
 * accepting, three is. The content's own limit is checked in UTF-8 bytes after parsing.
 */
const knowledgeBodyBytes = 320 * 1024;

export const createKnowledgeEntry = route({
  operationId: 'createKnowledgeEntry',
  method: 'POST',
  path: '/orgs/{orgId}/knowledge',
  module: 'knowledge',
  summary:
    'Add an entry (title, text or Markdown up to 100 KB, tags, optionally some agents only); its passages are embedded before it is stored',
  auth: { kind: 'org', permission: 'knowledge:write' },
  params: OrgParams,
  body: CreateKnowledgeBody,
  maxBodyBytes: knowledgeBodyBytes,
  response: KnowledgeEntry,
  successStatus: 201,
  // 502/503: the embedding model failed or is throttling (nothing was saved).
  errors: [422, 502],
});

export const listKnowledgeEntries = route({
  operationId: 'listKnowledgeEntries',
  method: 'GET',
  path: '/orgs/{orgId}/knowledge',
  module: 'knowledge',
  summary: 'The org’s entries without their content, a page at a time, optionally by tag',
  auth: { kind: 'org', permission: 'knowledge:read' },
  params: OrgParams,
  query: KnowledgeListQuery,
  response: page(KnowledgeEntrySummary),
  successStatus: 200,
});

export const getKnowledgeEntry = route({
  operationId: 'getKnowledgeEntry',
  method: 'GET',
  path: '/orgs/{orgId}/knowledge/{entryId}',
  module: 'knowledge',
  summary: 'An entry with its content',
  auth: { kind: 'org', permission: 'knowledge:read' },
  params: KnowledgeEntryParams,
  response: KnowledgeEntry,
  successStatus: 200,
});

export const updateKnowledgeEntry = route({
  operationId: 'updateKnowledgeEntry',
  method: 'PATCH',
  path: '/orgs/{orgId}/knowledge/{entryId}',
  module: 'knowledge',
  summary: 'Change an entry (honours If-Match); new content is re-chunked and searchable at once',
  auth: { kind: 'org', permission: 'knowledge:write' },
  params: KnowledgeEntryParams,
  body: UpdateKnowledgeBody,
  maxBodyBytes: knowledgeBodyBytes,
  response: KnowledgeEntry,
  successStatus: 200,
  // 502/503: new content's embedding failed or was throttled (nothing was saved).
  errors: [409, 412, 422, 502],
});

export const deleteKnowledgeEntry = route({
  operationId: 'deleteKnowledgeEntry',
  method: 'DELETE',
  path: '/orgs/{orgId}/knowledge/{entryId}',
  module: 'knowledge',
  summary: 'Delete an entry and its chunks (honours If-Match); it is out of every search at once',
  auth: { kind: 'org', permission: 'knowledge:write' },
  params: KnowledgeEntryParams,
  successStatus: 204,
  errors: [409, 412],
});

export const searchKnowledge = route({
  operationId: 'searchKnowledge',
  method: 'POST',
  path: '/orgs/{orgId}/knowledge/search',
  module: 'knowledge',
  summary:
    'The passages a question retrieves (BM25 and embedding similarity, fused), which signal found each, optionally as one agent would see them',
  auth: { kind: 'org', permission: 'knowledge:read' },
  params: OrgParams,
  body: KnowledgeSearchBody,
  response: KnowledgeSearchResult,
  successStatus: 200,
  // 429: the org's or the caller's searches for this minute are spent (Retry-After).
  errors: [429],
});
