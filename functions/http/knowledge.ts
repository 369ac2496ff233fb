import { embedChunks } from '../adapters/knowledge-embedding';
import {
  createKnowledgeEntry,
  deleteKnowledgeEntry,
  getKnowledgeEntry,
  listKnowledgeEntries,
  searchKnowledge,
  updateKnowledgeEntry,
} from '../api/routes/knowledge';
import { actorIdOf } from '../api/schemas/audit';
import * as agents from '../data/agents';
import * as knowledge from '../data/knowledge';
import { countCall } from '../data/rate-limits';
import { applyEntryUpdate, entryView, newEntry, summaryOf } from '../domain/knowledge';
import { perMinute } from '../domain/rate-limits';
import { refuse } from '../domain/refusal';
import { config } from '../lib/config';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

const entryTarget = (entry: { id: string }) => ({ type: 'knowledge_entry', id: entry.id });

export const handler = httpHandler([
  implement(createKnowledgeEntry, async ({ params, body, audit, now }) => {
    const { entry, chunks } = newEntry(params.orgId, body, now);
    // Before anything is written: an embedder failure (502/503) leaves the bank as it was.
    const vectors = await embedChunks(chunks);
    await knowledge.createEntry(
      entry,
      chunks,
      vectors,
      audit({ action: 'knowledge.created', target: entryTarget(entry), after: summaryOf(entry) }),
    );
    return { body: entryView(entry) };
  }),

  implement(listKnowledgeEntries, async ({ params, query }) => ({
    body: await knowledge.listEntries(params.orgId, query),
  })),

  implement(getKnowledgeEntry, async ({ params }) => ({
    body: entryView(found(await knowledge.getEntry(params.orgId, params.entryId))),
  })),

  implement(updateKnowledgeEntry, async ({ params, body, ifMatch, audit, now }) => {
    const current = found(await knowledge.getEntry(params.orgId, params.entryId));
    checkIfMatch(ifMatch, current);
    const { entry, chunks } = applyEntryUpdate(current, body, now);
    const vectors = chunks ? await embedChunks(chunks) : null;
    await knowledge.saveEntry(
      entry,
      current,
      chunks,
      vectors,
      audit({
        action: 'knowledge.updated',
        target: entryTarget(current),
        // Content is summarized by its size: the audit log is no second copy of the bank.
        before: summaryOf(current),
        after: { ...summaryOf(entry), contentChanged: chunks !== null },
      }),
      lostRace(ifMatch, 'knowledge entry'),
    );
    return { body: entryView(entry) };
  }),

  implement(deleteKnowledgeEntry, async ({ params, ifMatch, audit }) => {
    const current = found(await knowledge.getEntrySummary(params.orgId, params.entryId));
    checkIfMatch(ifMatch, current.item);
    await knowledge.deleteEntry(
      current.item,
      audit({ action: 'knowledge.deleted', target: entryTarget(current.summary), before: current.summary }),
      lostRace(ifMatch, 'knowledge entry'),
    );
    return {};
  }),

  implement(searchKnowledge, async ({ params, body, actor, now }) => {
    // Counted first: a search may rebuild the org's index (a Query per MB of chunks) and runs BM25.
    const { perOrg, perCaller } = config().callLimits.searches;
    await countCall(params.orgId, actorIdOf(actor), perMinute('search', 'searches', perOrg, perCaller), now);
    if (!body.agentId) return { body: await knowledge.retrieve(params.orgId, body.query, body) };
    const agent = await agents.getAgent(params.orgId, body.agentId);
    if (!agent) throw refuse('not_found', 'No such agent in this organization.', 'agentId');
    return { body: await knowledge.retrieveForAgent(params.orgId, agent, body.query, body.limit) };
  }),
]);
