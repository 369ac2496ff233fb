/**
 * Knowledge rules: how an entry's text becomes the passages retrieval searches (chunking), and
 * the bounds that keep one org's bank within what a container can index in memory.
 */
import { ulid } from 'ulid';
import type {
  CreateKnowledgeBody,
  KnowledgeEntry,
  KnowledgeEntrySummary,
  UpdateKnowledgeBody,
} from '../api/schemas/knowledge';
import { type Refusal, refuse } from './refusal';

/**
 * About a paragraph or two: small enough that a passage is about one thing (BM25 over a whole
 * page rewards long pages), large enough to carry its answer, and a few of them fit in a prompt.
 */
export const chunkTarget = 800;
/** Carried over from the previous chunk of the same section, so a sentence cut at a border is found from both sides. */
export const chunkOverlap = 120;

/**
 * What one org may keep: the index of the whole bank is built in memory per container (MiniSearch
 * keeps roughly 3-5x the text), so the bank is bounded by bytes as well as by entries.
 */
export const maxEntriesPerOrg = 2000;
export const maxBankBytesPerOrg = 20 * 1024 * 1024;

export interface Chunk {
  /** Position in the entry, from 0. */
  n: number;
  /** The headings the chunk sits under, outermost first, joined with ' › '; null before any heading. */
  heading: string | null;
  text: string;
}

const headingLine = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const fenceLine = /^[ \t]*(```|~~~)/;

interface Section {
  heading: string | null;
  blocks: string[];
}

/** Splits Markdown into sections by ATX headings (not inside code fences), each a list of paragraph blocks. */
function sections(content: string): Section[] {
  const out: Section[] = [];
  const path: string[] = [];
  let current: Section = { heading: null, blocks: [] };
  let block: string[] = [];
  let inFence = false;
  const endBlock = () => {
    const text = block.join('\n').trim();
    if (text) current.blocks.push(text);
    block = [];
  };
  for (const line of content.replace(/\r\n?/g, '\n').split('\n')) {
    if (fenceLine.test(line)) inFence = !inFence;
    const heading = inFence ? null : headingLine.exec(line);
    if (heading) {
      endBlock();
      if (current.blocks.length) out.push(current);
      const level = heading[1]!.length;
      path.length = Math.min(path.length, level - 1);
      path[level - 1] = heading[2]!.trim();
      current = { heading: path.filter(Boolean).join(' › '), blocks: [] };
    } else if (!inFence && line.trim() === '') {
      endBlock();
    } else {
      block.push(line);
    }
  }
  endBlock();
  if (current.blocks.length) out.push(current);
  return out;
}

/** A block longer than the target, cut at sentence ends, then at spaces, then anywhere. */
function pieces(block: string, target: number): string[] {
  if (block.length <= target) return [block];
  const out: string[] = [];
  let rest = block;
  while (rest.length > target) {
    const window = rest.slice(0, target);
    const sentenceEnd = Math.max(
      ...['. ', '? ', '! ', '.\n', '\n'].map((mark) => window.lastIndexOf(mark) + mark.length - 1),
    );
    const space = window.lastIndexOf(' ');
    const cut = sentenceEnd > target / 2 ? sentenceEnd + 1 : space > target / 2 ? space : target;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** The last `overlap` characters of a chunk, starting at a word. */
function tail(text: string, overlap: number): string {
  if (text.length <= overlap) return text;
  const start = text.length - overlap;
  const space = text.indexOf(' ', start);
  return (space === -1 || space - start > overlap / 2 ? text.slice(start) : text.slice(space + 1)).trim();
}

/**
 * Splits an entry into chunks: by Markdown headings first (a section starts a new chunk once the
 * open one holds half the target), then paragraphs packed up to `target` characters, a long
 * paragraph cut at sentence ends; each chunk after the first of a section starts with the end of
 * the one before (`overlap`). Two neighbouring chunks hold at least `target` characters between
 * them, so 100 KB gives at most ~260. Pure and deterministic: the same content always gives the same chunks.
 */
export function chunkMarkdown(content: string, target = chunkTarget, overlap = chunkOverlap): Chunk[] {
  const chunks: Chunk[] = [];
  let current = '';
  let heading: string | null = null;
  let carried = '';
  const flush = () => {
    if (!current) return;
    chunks.push({ n: chunks.length, heading, text: current });
    carried = tail(current, overlap);
    current = '';
  };
  for (const section of sections(content)) {
    // A section starts a chunk of its own unless the open chunk is still small: many short
    // sections share chunks (their headings inline), which bounds the count by size.
    if (current.length >= target / 2) flush();
    // The overlap carries within a section only.
    if (!current) carried = '';
    const blocks = current && section.heading ? [section.heading, ...section.blocks] : section.blocks;
    for (const piece of blocks.flatMap((b) => pieces(b, target))) {
      if (current && current.length + 2 + piece.length > target) flush();
      if (!current) heading = section.heading;
      current = current ? `${current}\n\n${piece}` : carried ? `${carried}\n\n${piece}` : piece;
    }
  }
  flush();
  // Text that is only headings still deserves to be found.
  if (chunks.length === 0 && content.trim()) chunks.push({ n: 0, heading: null, text: content.trim() });
  return chunks;
}

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** An entry as the store keeps it: the API shape plus the revision of its visible chunks. */
export type EntryState = KnowledgeEntry & {
  /**
   * Names the stored chunks of the current content: new for every write of new content, so two
   * writes racing never share (or delete) each other's chunk keys.
   */
  rev: string;
};

/** A new entry and the chunks its content is cut into. */
export function newEntry(orgId: string, body: CreateKnowledgeBody, now: Date) {
  const at = now.toISOString();
  const chunks = chunkMarkdown(body.content);
  const entry: EntryState = {
    id: `kbe_${ulid(now.getTime())}`,
    orgId,
    title: body.title,
    content: body.content,
    tags: body.tags,
    agentIds: body.agentIds,
    contentBytes: utf8Bytes(body.content),
    chunkCount: chunks.length,
    createdAt: at,
    updatedAt: at,
    version: 1,
    rev: ulid(now.getTime()),
  };
  return { entry, chunks };
}

/**
 * A change, and the new chunks when the content changed: new content moves the revision (its
 * chunks are cut again under new keys); a change of title, tags or agents keeps the chunks.
 */
export function applyEntryUpdate(current: EntryState, patch: UpdateKnowledgeBody, now: Date) {
  const version = current.version + 1;
  const chunks =
    patch.content !== undefined && patch.content !== current.content ? chunkMarkdown(patch.content) : null;
  const content = chunks ? patch.content! : current.content;
  const entry: EntryState = {
    ...current,
    title: patch.title ?? current.title,
    tags: patch.tags ?? current.tags,
    agentIds: patch.agentIds ?? current.agentIds,
    content,
    contentBytes: utf8Bytes(content),
    chunkCount: chunks ? chunks.length : current.chunkCount,
    updatedAt: now.toISOString(),
    version,
    rev: chunks ? ulid(now.getTime()) : current.rev,
  };
  return { entry, chunks };
}

/** Everything but the content (lists, audit entries). */
export function summaryOf(entry: Omit<EntryState, 'content'> & { content?: string }): KnowledgeEntrySummary {
  const { rev: _internal, content: _long, ...summary } = entry;
  return summary;
}

export function entryView(entry: EntryState): KnowledgeEntry {
  const { rev: _internal, ...view } = entry;
  return view;
}

export const knowledgeRefusals = {
  bankFull: (): Refusal =>
    refuse(
      'refused',
      `The knowledge bank holds at most ${maxEntriesPerOrg} entries and ${maxBankBytesPerOrg / 1024 / 1024} MB of content; delete or shorten entries first.`,
    ),
  noSuchAgent: (): Refusal =>
    refuse('refused', 'Every agent must be one of the organization’s agents or shared into it.', 'agentIds'),
};
