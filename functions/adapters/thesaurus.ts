/**
 * English synonyms from WordNet (the `synonyms` package's dictionary: 12,000 headwords), for
 * retrieval's query expansion. 690 KB of data: kept out of the handler's bundle, whose every cold
 * start would parse it, and shipped as a file beside it (AppFunction's `files`), loaded on a
 * container's first search (~50 ms). Unbundled (local stack, tests) it is read from node_modules.
 */
import { createRequire } from 'node:module';
import { fileBesideBundle } from '../lib/bundle-files';

/** The file's name beside the bundle, and where bundling copies it from. */
export const thesaurusFile = { name: 'thesaurus.cjs', source: 'synonyms/dictionary.js' };

/** Headword -> part of speech -> synonyms (with phrases, and part-of-speech marks such as "n"). */
type Dictionary = Record<string, Record<string, string[]>>;

let dictionary: Dictionary | undefined;

function load(): Dictionary {
  return createRequire(import.meta.url)(
    fileBesideBundle(thesaurusFile.name, import.meta.url) ?? thesaurusFile.source,
  );
}

/** The single-word synonyms of a lower-case word; none for words WordNet does not know. */
export function synonymsOf(word: string): readonly string[] {
  dictionary ??= load();
  const senses = Object.hasOwn(dictionary, word) ? dictionary[word] : undefined;
  const words = Object.values(senses ?? {}).flat();
  return [...new Set(words)].filter((other) => other !== word && /^[a-z][a-z-]{2,}$/.test(other));
}
