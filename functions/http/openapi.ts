import { openApiDocument } from '../api/openapi';
import { routes } from '../api/routes';
import { getOpenApi } from '../api/routes/tenancy';
import { httpHandler, implement } from './pipeline/handler';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = httpHandler([
  implement(getOpenApi, async () => {
    document ??= openApiDocument(routes);
    return { body: document };
  }),
]);
