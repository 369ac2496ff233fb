import { thesaurusFile } from '../../functions/adapters/thesaurus';
import { openApiDocument } from '../../functions/api/openapi';
import { routes } from '../../functions/api/routes';
import { openApiFile } from '../../functions/api/routes/openapi';
import type { FileBeside } from './constructs/lambda-bundle';

/**
 * Data files a handler module reads beside its bundle: the thesaurus for knowledge search, and the
 * OpenAPI document of the whole route table, built once when bundling instead of at a cold start.
 */
export const filesBeside: Record<string, readonly FileBeside[]> = {
  knowledge: [thesaurusFile],
  conversations: [thesaurusFile],
  voice: [thesaurusFile],
  openapi: [{ name: openApiFile, contents: () => JSON.stringify(openApiDocument(routes)) }],
};
