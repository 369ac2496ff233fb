/**
 * Platform-operator command, run once after deploying hybrid retrieval (and again after changing
 * the embedding model or its dimensions): embeds every knowledge chunk stored without a vector of
 * the current embedder, so paraphrases find knowledge written before, not only what is written
 * after. Until it has run, such chunks are found by their words alone.
 *
 *   TABLE_NAME=acp-prod-table npx tsx infra/scripts/backfill-knowledge-vectors.ts
 *
 * A Scan of org items, on purpose (off any request path, paged); each org's bank is then one Query.
 * Idempotent: a chunk that already has a current vector is left alone, and an org with nothing to
 * embed keeps its knowledge version.
 */

import { embedMissingVectors } from '../../functions/data/knowledge';
import { itemsOfType, runAsCommand } from './backfill';

export async function backfillKnowledgeVectors(): Promise<{
  embedded: number;
  current: number;
  gone: number;
}> {
  const counts = { embedded: 0, current: 0, gone: 0 };
  for await (const org of itemsOfType('ORG', ['id'])) {
    const done = await embedMissingVectors(String(org.id));
    counts.embedded += done.embedded;
    counts.current += done.current;
    counts.gone += done.gone;
  }
  return counts;
}

runAsCommand(
  import.meta.url,
  backfillKnowledgeVectors,
  (counts) =>
    `knowledge vectors: ${counts.embedded} chunks embedded, ${counts.current} already current, ${counts.gone} deleted meanwhile`,
);
