import { readFile } from 'node:fs/promises';
import { getOpenApi, openApiFile } from '../api/routes/openapi';
import { fileBesideBundle } from '../lib/bundle-files';
import { onFirstUse } from '../lib/lazy';
import { httpHandler, implement } from './pipeline/handler';

/**
 * Deployed, the document was built when the function was bundled (api-stack's filesBeside) and is
 * read once; unbundled (local stack, tests) it is built from the route table on first use. Either
 * way a cold start does not build every route group's schemas.
 */
const document = onFirstUse(async () => {
  const prebuilt = fileBesideBundle(openApiFile, import.meta.url);
  if (prebuilt) return JSON.parse(await readFile(prebuilt, 'utf8')) as { openapi: '3.1.0' };
  const [{ openApiDocument }, { routes }] = await Promise.all([
    import('../api/openapi'),
    import('../api/routes'),
  ]);
  return openApiDocument(routes);
});

export const handler = httpHandler([implement(getOpenApi, async () => ({ body: await document() }))]);
