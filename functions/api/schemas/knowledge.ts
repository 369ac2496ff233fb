import * as z from 'zod/mini';
import { AgentId, DisplayText, IsoDateTime, ListQuery, LongText } from './common';
import { OrgId } from './orgs';

/** An entry's content: text or Markdown, counted in UTF-8 bytes. */
export const maxKnowledgeContentBytes = 100 * 1024;
export const maxKnowledgeTags = 20;
export const maxKnowledgeAgents = 20;
/** The most passages a search returns: passages go into a model's context. */
export const maxSearchLimit = 10;

export const KnowledgeEntryId = z
  .string()
  .check(z.regex(/^kbe_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a knowledge entry id (kbe_…)'));
export const KnowledgeEntryParams = z.strictObject({ orgId: OrgId, entryId: KnowledgeEntryId });

const Tag = z.pipe(
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(40),
      z.regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u, 'must be letters, digits, spaces, _ . or -'),
    ),
  z.transform((tag) => tag.toLowerCase()),
);

const unique = <T>(items: T[]) => new Set(items).size === items.length;

const Tags = z.array(Tag).check(z.maxLength(maxKnowledgeTags), z.refine(unique, 'must not repeat a tag'));
/** Limits the entry to these agents (the org's own or shared into it); empty means every agent. */
const AgentIds = z
  .array(AgentId)
  .check(z.maxLength(maxKnowledgeAgents), z.refine(unique, 'must not repeat an agent'));

export const CreateKnowledgeBody = z.strictObject({
  title: DisplayText(200),
  content: LongText(maxKnowledgeContentBytes),
  tags: z._default(Tags, []),
  agentIds: z._default(AgentIds, []),
});
export type CreateKnowledgeBody = z.infer<typeof CreateKnowledgeBody>;

export const UpdateKnowledgeBody = z
  .strictObject({
    title: z.optional(DisplayText(200)),
    content: z.optional(LongText(maxKnowledgeContentBytes)),
    tags: z.optional(Tags),
    agentIds: z.optional(AgentIds),
  })
  .check(
    z.refine((b) => Object.values(b).some((v) => v !== undefined), {
      message: 'give at least one field to change',
      path: ['title'],
    }),
  );
export type UpdateKnowledgeBody = z.infer<typeof UpdateKnowledgeBody>;

const entryFields = {
  id: z.string(),
  orgId: z.string(),
  title: z.string(),
  tags: z.array(z.string()),
  agentIds: z.array(z.string()),
  /** The content's size in UTF-8 bytes. */
  contentBytes: z.number().check(z.int()),
  /** How many passages retrieval searches for this entry. */
  chunkCount: z.number().check(z.int()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number().check(z.int()),
};

/** An entry as lists show it: everything but its content. */
export const KnowledgeEntrySummary = z
  .object(entryFields)
  .register(z.globalRegistry, { id: 'KnowledgeEntrySummary' });
export type KnowledgeEntrySummary = z.infer<typeof KnowledgeEntrySummary>;

export const KnowledgeEntry = z
  .object({ ...entryFields, content: z.string() })
  .register(z.globalRegistry, { id: 'KnowledgeEntry' });
export type KnowledgeEntry = z.infer<typeof KnowledgeEntry>;

export const KnowledgeListQuery = z.extend(ListQuery, {
  /** Only entries carrying this tag. */
  tag: z.optional(Tag),
});

export const KnowledgeSearchBody = z.strictObject({
  query: z
    .string()
    .check(z.trim(), z.minLength(1), z.maxLength(1000), z.regex(/^[^\p{Cc}]*$/u, 'must be one line of text')),
  /**
   * Search as this agent answers here: entries limited to other agents are left out; for an agent
   * shared in from another org, only entries limited to it by name, in its owner's bank and this one.
   */
  agentId: z.optional(AgentId),
  limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(maxSearchLimit)), 5),
});
export type KnowledgeSearchBody = z.infer<typeof KnowledgeSearchBody>;

/** Which ranking put the passage among the candidates: BM25, the embedding's similarity, or both. */
export const FoundBy = z.enum(['lexical', 'dense', 'both']);
export type FoundBy = z.infer<typeof FoundBy>;

export const Passage = z
  .object({
    entryId: z.string(),
    title: z.string(),
    /** The headings the passage sits under ("Billing › Refunds"), or null. */
    heading: z.nullable(z.string()),
    /** The passage's position in its entry (0-based). */
    chunk: z.number().check(z.int()),
    text: z.string(),
    /**
     * The fused relevance (an even weighted sum of BM25 and embedding similarity, each scaled to
     * the answer's candidates; BM25 alone without vectors); comparable within one answer only.
     */
    score: z.number(),
    foundBy: FoundBy,
  })
  .register(z.globalRegistry, { id: 'Passage' });
export type Passage = z.infer<typeof Passage>;

export const KnowledgeSearchResult = z
  .object({
    passages: z.array(Passage),
    /** The org's knowledge version the answer was computed at. */
    knowledgeVersion: z.number().check(z.int()),
    /**
     * Whether the question's embedding took part; false when search was lexical only (no embedding
     * model configured, the bank has no vectors yet, or the model failed this time).
     */
    dense: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'KnowledgeSearchResult' });
